"""The LaTeX backend: format-neutral views -> survey.tex for acmart (TODAES) or IEEEtran (TCAD).

Templates in templates/ hold the document's shape; this module prepares what they loop over. Every value a
template prints goes through the escaper (Jinja's `finalize`), so forgetting to escape is impossible; only
LaTeX built here is marked `Raw`. Generated lines that come from one entry end with `% entry: <id>`, which
lets the compile step map a TeX error back to that entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from survey.render.latex_escape import Escaper, Raw, citekey, email, orcid, preamble

if TYPE_CHECKING:
    from survey.check.authors import Author, AuthorList
    from survey.derive.master_tables import MasterTable
    from survey.derive.method import Method
    from survey.derive.plots import Figure
    from survey.derive.synthesis import Synthesis
    from survey.derive.views import SurveyViews
    from survey.load.changelog import Release
    from survey.load.metadata import Metadata
    from survey.load.model import Entry
    from survey.load.outline import Outline, Scope

MAIN_FILE = "survey.tex"
EMPTY_CELL = "-"
MAX_CAPTION_CITES = 40


@dataclass(frozen=True)
class Venue:
    key: str
    template: str
    two_column: bool
    # The text block at \scriptsize (the tables' size), in points, for estimating where a table chunk ends.
    text_width_pt: float
    tabcolsep_pt: float
    # The height a table* float may take in IEEEtran; None where the table breaks pages by itself (xltabular).
    page_height_pt: float | None = None
    chunk_lines: int = 150  # xltabular holds a whole chunk in TeX's memory: split every this many lines
    fill: float = 1.0  # share of the estimated room a chunk may take (a build lowers it when TeX finds one too tall)


VENUES = {
    "todaes": Venue("todaes", "todaes.tex.j2", two_column=False, text_width_pt=395.8, tabcolsep_pt=5.0),
    "tcad": Venue("tcad", "tcad.tex.j2", two_column=True, text_width_pt=516.0, tabcolsep_pt=6.0,
                  page_height_pt=696.0),
}
COLUMN_SEP_PT = 12.0  # IEEEtran's \columnsep
MIN_X_PT = 40.0  # the narrowest a wrapping column may be for a table to fit one column of two
LINE_PT = 8.0  # \scriptsize baseline: one line of a table row
CAPTION_LINE_PT = 10.0  # IEEEtran's table captions (\footnotesize, small capitals)
# Room a page of table keeps beyond the estimate: the widths are measured within a few percent of TeX's, and a
# chunk a few points too tall costs a second TeX run with smaller chunks (seen: 4.4 pt over, in a 222-entry catalogue).
SLACK_PT = 1.5 * LINE_PT


# ------------------------------------------------------------------------------------------- environment


def make_environment(templates: Path | Sequence[Path], escaper: Escaper) -> jinja2.Environment:
    """Jinja2 with \\VAR{} \\BLOCK{} \\#{} delimiters and escaping as the default for every printed value.

    `templates` is a folder, or folders searched in order (a knowledge base's own first, then the defaults).
    """

    def finalize(value: object) -> str:
        if value is None:
            raise ValueError("None reached a template; the renderer must decide what to print instead")
        if isinstance(value, Raw):
            return value
        if isinstance(value, bool):
            raise ValueError("a boolean reached a template")  # noqa: TRY004 (one error kind for what templates refuse)
        if isinstance(value, (int, float)):
            return Raw(str(value))
        return escaper(value)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(templates)] if isinstance(templates, Path)
                                       else [str(folder) for folder in templates]),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False,  # Jinja's autoescape is HTML's; `finalize` is ours
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
    )
    env.filters["cites"] = cites
    env.filters["join_text"] = lambda items, sep=", ": Raw(sep.join(escaper(x) for x in items))
    env.filters["orcid"] = lambda v: orcid(v) if v else None
    env.filters["email"] = lambda v: email(v) if v else None
    env.filters["key"] = citekey
    return env


def cites(entry_ids: Iterable[str]) -> Raw:
    """\\cite{a,b} for entry ids (which are the BibTeX keys)."""
    keys = [citekey(i) for i in entry_ids]
    return Raw(r"\cite{" + ",".join(keys) + "}") if keys else Raw("")


# ------------------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class TexRow:
    cells: list[Raw]
    entry_id: str | None = None


@dataclass(frozen=True)
class TexTable:
    """A table ready for the templates: escaped cells, a column spec for tabularx/xltabular, IEEE chunks."""

    label: str
    caption: Raw
    colspec: Raw
    header: list[Raw]
    rows: list[TexRow]
    chunks: list[list[TexRow]] = field(default_factory=list)
    title: Raw = field(default_factory=lambda: Raw(""))  # short name, for the captions of continued chunks
    wide: bool = True  # spans both columns of a two-column page (False: it fits one column)


def _column_spec(widths: Sequence[float | None]) -> str:
    """tabularx columns: None = narrow natural width (l), a number = share of the X space (ragged, no hyphens)."""
    flexible = [w for w in widths if w is not None]
    total = sum(flexible) or 1.0
    parts = []
    for width in widths:
        if width is None:
            parts.append("l")
        else:
            share = width * len(flexible) / total
            parts.append(r">{\hsize=" + f"{share:.3f}" + r"\hsize\raggedright\arraybackslash}X")
    return "@{}" + "".join(parts) + "@{}"


_CITE = re.compile(r"\\cite\{[^}]*\}")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|[{}$\\]")


def _printed(cell: str) -> str:
    """Roughly what a cell prints: a citation as '[000]', commands and braces gone, ties as spaces."""
    return _COMMAND.sub("", _CITE.sub("[000]", cell)).replace("~", " ")


def _text_pt(text: str) -> float:
    """The width of text at \\scriptsize in Times or Libertine, from the widths of character classes (within 5%)."""
    width = 0.0
    for char in text:
        if char == " ":
            width += 1.75
        elif char.isupper():
            width += 4.8
        elif char.isdigit():
            width += 3.5
        elif char.islower():
            width += 3.1
        else:
            width += 2.4
    return width


def _fits_column(rows: Sequence[Sequence[str]], widths: Sequence[float | None], venue: Venue) -> bool:
    """Whether a table fits one column of a two-column page, its wrapping columns at least MIN_X_PT wide."""
    natural = [max((_text_pt(r[i]) for r in rows), default=0.0) for i, w in enumerate(widths) if w is None]
    needed = sum(natural) + 2 * venue.tabcolsep_pt * (len(widths) - 1) + MIN_X_PT * (len(widths) - len(natural))
    return venue.two_column and needed <= (venue.text_width_pt - COLUMN_SEP_PT) / 2


def _column_widths(rows: Sequence[Sequence[str]], widths: Sequence[float | None], width_pt: float,
                   venue: Venue) -> list[float]:
    """Each column's width in points: a narrow column as wide as its widest cell, X columns share the rest."""
    natural = [max((_text_pt(r[i]) for r in rows), default=0.0) if w is None else 0.0 for i, w in enumerate(widths)]
    flexible = sum(w for w in widths if w is not None) or 1.0
    space = width_pt - sum(natural) - 2 * venue.tabcolsep_pt * (len(widths) - 1)
    space = max(space, 30.0 * sum(1 for w in widths if w is not None))
    return [natural[i] if w is None else space * w / flexible for i, w in enumerate(widths)]


def _row_lines(texts: Sequence[str], widths: Sequence[float | None], columns_pt: Sequence[float]) -> int:
    """Lines a row takes: the tallest cell, wrapped word by word (the tables break hyphens only to avoid overflow)."""
    lines = 1
    for text, width, column in zip(texts, widths, columns_pt):
        if width is not None:
            lines = max(lines, _wrapped_lines(text, column))
    return lines


def _wrapped_lines(text: str, column_pt: float) -> int:
    lines, used = 1, 0.0
    for word in text.split():
        word_pt = _text_pt(word)
        if used and used + 1.75 + word_pt > column_pt:
            lines, used = lines + 1, 0.0
        used += (1.75 if used else 0.0) + word_pt
        while used > column_pt:  # a word wider than the column runs over onto further lines
            lines, used = lines + 1, used - column_pt
    return lines


def make_table(label: str, title: str, caption: Raw, header: Sequence[str], widths: Sequence[float | None],
               rows: Sequence[tuple[Sequence[str | Raw], str | None]], venue: Venue, escaper: Escaper) -> TexTable:
    """Escape the cells (Raw cells pass) and split the rows into chunks: for IEEEtran, each fits one table* page
    by an estimate of its rows' heights."""
    tex_rows = [TexRow([c if isinstance(c, Raw) else escaper(c) for c in cells], entry_id) for cells, entry_id in rows]
    printed = [[_printed(str(c)) for c in row.cells] for row in tex_rows]
    header_text = [_printed(str(escaper(h))) for h in header]
    wide = not _fits_column([*printed, header_text], widths, venue)
    width_pt = venue.text_width_pt if wide or not venue.two_column else (venue.text_width_pt - COLUMN_SEP_PT) / 2
    columns = _column_widths([*printed, header_text], widths, width_pt, venue)
    header_pt = _row_lines(header_text, widths, columns) * LINE_PT + 12.0  # and the rules above and below
    caption_lines = _wrapped_lines(_printed(str(caption)).upper(), width_pt) + 1  # 'TABLE IV' line
    chunks: list[list[TexRow]] = []
    current: list[TexRow] = []
    used = lines = 0.0
    for cells, tex_row in zip(printed, tex_rows):
        height = _row_lines(cells, widths, columns) * LINE_PT
        if venue.page_height_pt is not None:
            room = (venue.page_height_pt - header_pt - CAPTION_LINE_PT * (caption_lines if not chunks else 2)) * venue.fill
            full = current and used + height > room - SLACK_PT
        else:
            full = current and lines + height / LINE_PT > venue.chunk_lines * venue.fill
        if full:
            chunks.append(current)
            current, used, lines = [], 0.0, 0.0
        current.append(tex_row)
        used += height
        lines += height / LINE_PT
    if current:
        chunks.append(current)
    return TexTable(label, caption, Raw(_column_spec(widths)), [escaper(h) for h in header], tex_rows, chunks,
                    escaper(title), wide)


def _work_cell(entry_id: str) -> Raw:
    return Raw(f"{cites([entry_id])}")


def catalogue_table(views: SurveyViews, venue: Venue, escaper: Escaper) -> TexTable:
    rows = []
    for row in views.catalogue:
        rows.append(([row.title, row.type_label, str(row.year) if row.year else EMPTY_CELL,
                      ", ".join(row.architecture) or EMPTY_CELL, ", ".join(row.memory) or EMPTY_CELL,
                      row.evidence, _work_cell(row.entry_id)], row.entry_id))
    caption = escaper(f"Catalogue of the {len(rows)} works in the knowledge base (keynotes, invited talks, posters "
                      "and related published work). Evidence: measured on silicon, products or FPGAs; simulated "
                      "or modelled; or not stated.")
    return make_table("tab:catalogue", "Catalogue of works", caption, ["Title", "Type", "Year", "Architecture", "Memory", "Evidence", "Ref."],
                      [3.2, None, None, 1.3, 1.1, None, None], rows, venue, escaper)


def coverage_table(views: SurveyViews, venue: Venue, escaper: Escaper) -> TexTable:
    """Memory technologies down, challenges across (few challenges, many technologies: it fits one column)."""
    matrix = views.coverage
    header = ["Memory", *matrix.challenge_labels]
    rows = []
    for column in matrix.columns:
        cells: list[str | Raw] = [column.label]
        for challenge in matrix.challenges:
            ids = matrix.cell(challenge, column.id)
            cells.append(str(len(ids)) if ids else Raw(r"\textbf{gap}" if column.specific else "--"))
        rows.append((cells, None))
    caption = escaper("Coverage: number of works addressing each challenge with each memory technology. "
                      "Cells marked gap have no work in the knowledge base; they feed the open problems.")
    return make_table("tab:coverage", "Coverage", caption, header, [None, *[1.0] * len(matrix.challenges)], rows,
                      venue, escaper)


# ------------------------------------------------------------------------------------------- figures


def taxonomy_figure(views: SurveyViews, venue: Venue, escaper: Escaper) -> Raw:
    """A TikZ picture of challenges and their sub-challenges, each with the number of works that address it."""
    column_cm = 4.3 if venue.two_column else 3.45
    lines = [r"\begin{tikzpicture}[font=\scriptsize,",
             r"  challenge/.style={draw,thick,fill=black!8,align=left,text width=" + f"{column_cm - 0.35:.2f}cm" + "},",
             r"  sub/.style={draw,align=left,text width=" + f"{column_cm - 0.75:.2f}cm" + r",inner sep=2pt}]"]
    counts: dict[str, int] = {}
    for edge in views.graph.edges:
        if edge.target.startswith("work:"):
            counts[edge.source] = counts.get(edge.source, 0) + 1
    challenges = [n for n in views.graph.nodes if n.kind == "challenge"]
    for index, node in enumerate(challenges):
        name = f"c{index}"
        lines.append(rf"\node[challenge,anchor=north west] ({name}) at ({index * column_cm:.2f}cm,0) "
                     rf"{{{escaper(node.label)} ({counts.get(node.id, 0)})}};")
        anchor = rf"[xshift=0.35cm,yshift=-1.2mm]{name}.south west"
        for sub_index, sub in enumerate(n for n in views.graph.nodes if n.parent == node.id):
            sub_name = f"{name}s{sub_index}"
            lines.append(rf"\node[sub,anchor=north west] ({sub_name}) at ({anchor}) "
                         rf"{{{escaper(sub.label)} ({counts.get(sub.id, 0)})}};")
            lines.append(rf"\draw ([xshift=0.15cm]{name}.south west) |- ({sub_name}.west);")
            anchor = rf"[yshift=-1.2mm]{sub_name}.south west"
    lines.append(r"\end{tikzpicture}")
    return Raw("\n".join(lines))


@dataclass(frozen=True)
class TexFigure:
    body: Raw  # the complete figure environment
    label: str = ""  # what \\ref takes
    subject: str = ""  # the caption's first phrase, escaped: what the text says the figure shows


def plot_figure(figure: Figure, folder: str, venue: Venue, escaper: Escaper) -> TexFigure:
    """A figure environment for a written plot, built with PyLaTeX (its caption escaped by our escaper)."""
    from pylatex import Figure as PyFigure  # type: ignore[import-untyped]
    from pylatex import NoEscape  # type: ignore[import-untyped]
    from pylatex.base_classes import Environment  # type: ignore[import-untyped]

    wide = figure.wide and venue.two_column

    class StarFigure(PyFigure):  # type: ignore[misc]
        _latex_name = "figure*"

    environment: Environment = (StarFigure if wide else PyFigure)(position="tbp")
    environment.append(NoEscape(r"\centering"))
    width = r"\textwidth" if (wide or not venue.two_column) and figure.wide else r"\columnwidth"
    if not venue.two_column and not figure.wide:
        width = r"0.6\textwidth"
    environment.append(NoEscape(rf"\includegraphics[width={width},page={figure.page}]{{{folder}/{figure.file_name}}}"))
    caption = escaper(figure.caption)
    if len(figure.entry_ids) > MAX_CAPTION_CITES:
        # a caption is a moving argument written to the .aux: thousands of keys there exhaust TeX's memory
        caption = Raw(f"{caption} It shows {len(figure.entry_ids)} works, all listed in Table~\\ref{{tab:catalogue}}.")
    elif figure.entry_ids:
        caption = Raw(f"{caption} Works shown: {cites(figure.entry_ids)}.")
    environment.append(NoEscape(rf"\caption{{{caption}}}\label{{fig:{citekey(figure.name)}}}"))
    if venue.key == "todaes":
        environment.append(NoEscape(rf"\Description{{{escaper(figure.caption)}}}"))
    subject = re.split(r", | \(|\. ", figure.caption.rstrip("."), maxsplit=1)[0]
    return TexFigure(Raw(environment.dumps()), f"fig:{citekey(figure.name)}",
                     escaper(subject[:1].lower() + subject[1:]))


def figure_mentions(figures: Sequence[TexFigure]) -> list[tuple[str, list[str]]]:
    """What each figure shows with the labels that show it, in order: the parts of a split figure together."""
    mentions: dict[str, list[str]] = {}
    for figure in figures:
        mentions.setdefault(figure.subject, []).append(figure.label)
    return list(mentions.items())


# ------------------------------------------------------------------------------------------- authors


@dataclass(frozen=True)
class TexAffiliation:
    name: Raw
    city: Raw | None
    country: Raw


@dataclass(frozen=True)
class TexAuthor:
    name: Raw
    tied_name: Raw  # spaces as ties, for IEEEtran's one-line author list
    orcid: Raw | None
    email: Raw | None
    affiliations: list[TexAffiliation]
    numbers: list[int]


@dataclass(frozen=True)
class AffiliationGroup:
    """Authors sharing one (first) affiliation: one clause of acmart's addresses, one \\thanks in IEEEtran."""

    affiliation: TexAffiliation
    names: Raw  # "A, B and C"
    emails: Raw
    names_plural: bool


UNKNOWN_COUNTRY = "[country unknown: add it to paper/metadata.yaml]"


def _tex_affiliation(affiliation: Any, escaper: Escaper) -> TexAffiliation:
    return TexAffiliation(escaper(affiliation.name), escaper(affiliation.city) if affiliation.city else None,
                          escaper(affiliation.country or UNKNOWN_COUNTRY))


def _display_name(author: Author) -> str:
    return f"{author.name} ({author.name_native})" if author.name_native else author.name


def _and_join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tex_authors(authors: AuthorList, escaper: Escaper) -> tuple[list[TexAuthor], list[AffiliationGroup], list[str]]:
    """Authors for the templates, their affiliation groups, and warnings (unknown countries)."""
    listed = authors.listed()
    found: list[TexAuthor] = []
    warnings: list[str] = []
    groups: dict[str, tuple[Any, list[str], list[str]]] = {}
    for author in listed.authors:
        name = escaper(_display_name(author))
        affiliations = [_tex_affiliation(a, escaper) for a in author.affiliations]
        for affiliation in author.affiliations:
            if not affiliation.country:
                warnings.append(f"no country for affiliation '{affiliation.name}' of {author.name}; "
                                "add it under `affiliations:` in paper/metadata.yaml")
        found.append(TexAuthor(name, Raw(name.replace(" ", "~")), orcid(author.orcid) if author.orcid else None,
                               email(author.email) if author.email else None, affiliations,
                               listed.affiliation_numbers(author)))
        if author.affiliations:
            first = author.affiliations[0]
            group = groups.setdefault(first.key, (first, [], []))
            group[1].append(escaper(author.name))
            if author.email and email(author.email):
                group[2].append(email(author.email) or "")
    result = [AffiliationGroup(_tex_affiliation(a, escaper), Raw(_and_join(names)), Raw("; ".join(mails)),
                               len(names) > 1) for a, names, mails in groups.values()]
    return found, result, sorted(set(warnings))


# ------------------------------------------------------------------------------------------- prose


def threats_to_validity(views: SurveyViews) -> str:
    """A plain-text paragraph from the quality facts."""
    q = views.quality
    parts = [f"None of the {q.entries} entries has yet been verified by an author or an editor."
             if q.verified == 0 else
             f"Of the {q.entries} entries, {q.verified} have been verified by an author or an editor and "
             f"{len(q.unverified)} have not."]
    parts.append(f"Of the {q.metrics} reported values, {q.metrics_measured} were measured (silicon, products or "
                 f"FPGAs), {q.metrics_simulated} come from simulations or models, and {q.metrics_unstated} do not "
                 "state how they were obtained.")
    missing = len(q.metrics_missing_conditions)
    ranked = (f"so only {q.metrics_ranked} values are ranked against each other; the others are listed unranked"
              if q.metrics_ranked else "so no value is ranked against another; all are listed unranked")
    parts.append(f"{missing} values lack a condition that ranking needs (precision, phase, level or evaluation), "
                 f"{ranked}.")
    if q.entries_without_evaluation:
        parts.append(f"{len(q.entries_without_evaluation)} works state no evaluation method.")
    if q.simulated_only:
        parts.append("Evidence comes only from simulation for " +
                     _and_join([a.label.lower() for a in q.simulated_only]) + ".")
    if q.unstated_only:
        parts.append("No evaluation method is stated at all for " +
                     _and_join([a.label.lower() for a in q.unstated_only]) + ".")
    return " ".join(parts)


# ------------------------------------------------------------------------------------------- document


@dataclass(frozen=True)
class CcsLine:
    significance: int
    concept: Raw


def ccs_concept(path: str, escaper: Escaper) -> Raw | None:
    """An ACM CCS path for \\ccsdesc: its '~' separators stay, the words between are escaped; None when its top
    level is not plain text, which acmart turns into a control sequence name (\\csname CCS@General@...)."""
    top, *rest = (part.strip() for part in path.split("~"))
    if escaper(top) != top:
        return None
    return Raw("~".join([top, *(_ccs_level(escaper(part)) for part in rest)]))


def _ccs_level(tex: str) -> str:
    """One level of a CCS path for acmart, which splits the path at `~`: a no-break space (the escaper's `~`) goes
    in braces. acmart takes a level that starts with two equal tokens ("LLM", "\\&\\&") for an empty one (it tests
    \\ifx#3\\relax\\relax) and prints it elsewhere; an empty group in front keeps it from starting that way."""
    tex = tex.replace("~", "{~}")
    first = re.findall(r"\\[A-Za-z]+|\\.|.", tex, flags=re.DOTALL)[:2]
    return "{}" + tex if len(first) == 2 and first[0] == first[1] else tex


def ccs_lines(metadata: Metadata, escaper: Escaper) -> tuple[list[CcsLine], list[str]]:
    """The \\ccsdesc lines of the metadata's CCS concepts, and a warning for each concept left out."""
    lines, warnings = [], []
    for concept in metadata.ccs:
        tex = ccs_concept(concept.concept, escaper)
        if tex is None:
            warnings.append(f"CCS concept '{concept.concept}' left out: its top level must be plain text, such as "
                            "'Hardware' or 'Computing methodologies'")
        else:
            lines.append(CcsLine(concept.significance, tex))
    return lines, warnings


_CCSXML_TEXT = re.compile(r"^[A-Za-z0-9 ,;:()'/.-]+(~[A-Za-z0-9 ,;:()'/.-]+)+$")


def ccs_xml(metadata: Metadata) -> tuple[Raw | None, list[str]]:
    """acmart's CCSXML block (read by ACM's systems, ignored by TeX) for the concepts that carry their CCS id."""
    from xml.sax.saxutils import escape as xml_escape

    concepts, warnings = [], []
    for concept in metadata.ccs:
        if concept.id is None:
            continue
        if not _CCSXML_TEXT.match(concept.concept):
            warnings.append(f"CCS concept '{concept.concept}' left out of the CCSXML block: only letters, digits and "
                            "simple punctuation are written there")
            continue
        concepts.append(f" <concept>\n  <concept_id>{concept.id}</concept_id>\n"
                        f"  <concept_desc>{xml_escape(concept.concept)}</concept_desc>\n"
                        f"  <concept_significance>{concept.significance}</concept_significance>\n </concept>")
    if not concepts:
        return None, warnings
    return Raw("\\begin{CCSXML}\n<ccs2012>\n" + "\n".join(concepts) + "\n</ccs2012>\n\\end{CCSXML}"), warnings


def _par_start(text: str) -> str:
    """IEEEtran's drop cap on the first word of the first paragraph of editor text ('Large' -> IEEEPARstart)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if not stripped or stripped.startswith(("%", "\\")):
            continue
        match = re.match(r"([A-Za-z])([A-Za-z]*)", stripped)
        if match:
            indent = line[: len(line) - len(stripped)]
            lines[index] = (f"{indent}\\IEEEPARstart{{{match.group(1)}}}{{{match.group(2)}}}"
                            + stripped[match.end():])
        break
    return "\n".join(lines)


@dataclass
class RenderedDocument:
    """Generated sources, by file name relative to the build folder, and the warnings rendering raised."""

    files: dict[str, str]
    warnings: list[str]


def master_tables_tex(tables: Sequence[MasterTable], venue: Venue, escaper: Escaper) -> list[TexTable]:
    """The master comparison tables: each work once, by class and year, with a caption stating what the cells are."""
    out = []
    for table in tables:
        rows = []
        for row in table.rows:
            cells: list[str | Raw] = []
            for column, text in zip(table.columns, table.cells(row)):
                cells.append(Raw(escaper(text) + "~" + cites([row.entry_id])) if column.key == "work" else text)
            rows.append((cells, row.entry_id))
        text = (f"{table.title}: {len(rows)} works, each listed once under its primary architecture class and sorted "
                "by class and year.")
        if table.key == "systems":
            text += (" Gains give each work's highest reported value per baseline class (in parentheses); they hold "
                     "under each work's own models and conditions.")
        if table.formula:
            text += f" 8b: the efficiency normalised to 8-bit operands ({table.formula.rstrip('.')})."
        if table.dropped:
            text += f" Left out for being filled for fewer than half of the works: {', '.join(table.dropped)}."
        out.append(make_table(f"tab:master-{table.key}", table.title, escaper(text),
                              [c.header for c in table.columns], [c.width for c in table.columns], rows, venue,
                              escaper))
    return out


def related_surveys_table(method: Method, venue: Venue, escaper: Escaper) -> TexTable | None:
    if not method.surveys:
        return None
    rows = [([s.title, str(s.year) if s.year else EMPTY_CELL, s.venue or EMPTY_CELL, _work_cell(s.entry_id)],
             s.entry_id) for s in method.surveys]
    caption = escaper(f"Surveys of the field recorded in the knowledge base ({len(rows)}).")
    return make_table("tab:related-surveys", "Related surveys", caption, ["Survey", "Year", "Venue", "Ref."],
                      [3.0, None, 1.5, None], rows, venue, escaper)


def _short_authors(families: Sequence[str]) -> str:
    """The running head's authors: 'Wang', 'Wang and Zhu', 'Wang et al.'."""
    if not families:
        return "Editors"
    if len(families) == 2:
        return f"{families[0]} and {families[1]}"
    return families[0] + (" et al." if len(families) > 2 else "")


def _outline_context(outline: Outline, escaper: Escaper) -> list[dict[str, Any]]:
    """The outline's sections as the body template walks them."""
    out = []
    for section in outline.sections:
        placeholder = None
        if section.text_file and section.text is None:
            placeholder = escaper(f"Editors: write paper/sections/{section.text_file}"
                                  + (f" ({section.title})." if section.title else "."))
        out.append({"id": section.id, "title": section.title, "unnumbered": section.unnumbered,
                    "placeholder": placeholder,
                    "input": Raw(f"sections/{section.text_file[:-4]}") if section.text_file and section.text is not None
                    else None,
                    "block": section.generate})
    return out


def render_document(*, views: SurveyViews, authors: AuthorList, metadata: Metadata, entries: Sequence[Entry],
                    venue: str, templates: Path | Sequence[Path], escaper: Escaper, outline: Outline | None = None,
                    synthesis: Synthesis | None = None, method: Method | None = None, scope: Scope | None = None,
                    figures: Sequence[Figure] = (), master_tables: Sequence[MasterTable] = (),
                    figure_folder: str = "figures", table_fill: float = 1.0,
                    releases: Sequence[Release] = ()) -> RenderedDocument:
    """survey.tex, refs.bib and the editors' section texts (sections/*.tex) for `venue` ('todaes' or 'tcad').

    `table_fill` scales the estimated room a table chunk may take (a build retries with less when TeX still
    finds a chunk too tall for its page).
    """
    import dataclasses

    from survey.derive.method import Method
    from survey.derive.synthesis import Synthesis
    from survey.load.outline import Scope, default_outline
    from survey.render.bibliography import build_bibliography
    from survey.render.prose import paragraphs_tex

    outline = outline if outline is not None else default_outline()
    synthesis = synthesis if synthesis is not None else Synthesis((), ())
    method = method if method is not None else Method((), ())
    scope = scope if scope is not None else Scope()

    chosen = VENUES[venue]
    chosen = dataclasses.replace(chosen, fill=table_fill)
    env = make_environment(templates, escaper)
    tex_author_list, groups, warnings = tex_authors(authors, escaper)
    listed = authors.listed()
    bibliography = build_bibliography(entries, escaper)
    ccs, ccs_warnings = ccs_lines(metadata, escaper)
    ccsxml, xml_warnings = ccs_xml(metadata)
    ccs_warnings += xml_warnings
    context = {
        "preamble": preamble(escaper.charset),
        "meta": metadata,
        "title": metadata.title,
        "short_title": metadata.short_title or metadata.title,
        "abstract": metadata.abstract or "",
        "short_authors": _short_authors([a.parts.family for a in listed.authors]),
        "authors": tex_author_list,
        "affiliation_groups": groups,
        "pending": len(authors.pending()),
        "outline": _outline_context(outline, escaper),
        "class_sections": [{"id": c.id, "title": c.title, "body": paragraphs_tex(c.paragraphs, escaper)}
                           for c in synthesis.class_sections],
        "challenge_sections": [{"id": c.id, "title": c.title, "body": paragraphs_tex(c.paragraphs, escaper)}
                               for c in synthesis.challenge_sections],
        "method_prose": paragraphs_tex(method.paragraphs, escaper),
        "scope": scope,
        "related_surveys": related_surveys_table(method, chosen, escaper),
        "posters": sorted(e.id for e in entries if e.type == "poster"),
        "contributions": [{"name": c.name, "roles": [views.labels.get("credit-role", {}).get(r, r) for r in c.roles]}
                          for c in metadata.contributions],
        "taxonomy": taxonomy_figure(views, chosen, escaper),
        "talks": views.talks,
        "catalogue": catalogue_table(views, chosen, escaper),
        "comparison": master_tables_tex(master_tables, chosen, escaper),
        "coverage": coverage_table(views, chosen, escaper),
        # wide figures first: a figure* waits for the top of a page after every earlier figure is placed
        "figures": (tex_figures := [plot_figure(f, figure_folder, chosen, escaper)
                                    for f in sorted(figures, key=lambda f: not f.wide)]),
        "figure_mentions": figure_mentions(tex_figures),
        "threats": threats_to_validity(views),
        "venue": chosen.key,
        "table_partial": f"partials/table_{chosen.key}.tex.j2",
        "wide_figure": Raw("figure*" if chosen.two_column else "figure"),
        "tables_in_text": not chosen.two_column,  # acmart's long tables break across pages in the text
        "keywords": list(metadata.keywords),
        "ieee_keywords": list(metadata.ieee_keywords or metadata.keywords),
        "ccs": ccs,
        "ccsxml": ccsxml,
        "history": {k: escaper(v) if v else None for k, v in metadata.history.model_dump().items()},
        "funding": metadata.funding,
        "pdf_authors": ", ".join(a.name for a in listed.authors),
        "releases": [{"version": r.version, "date": r.date.isoformat(), "summary": r.summary} for r in releases],
    }
    text = env.get_template(chosen.template).render(context)
    files = {MAIN_FILE: text, "refs.bib": bibliography.text}
    first_text = next((s.text_file for s in outline.sections if s.text_file), None)
    for name, section_text in sorted(outline.section_files().items()):
        if chosen.key == "tcad" and name == first_text:
            section_text = _par_start(section_text)
        files[f"sections/{name}"] = section_text
    return RenderedDocument(files, warnings + ccs_warnings + bibliography.warnings + escaper.warnings())


def render_head(venue: str, templates: Path | Sequence[Path], escaper: Escaper,
                cut: Callable[[str], str | None]) -> str | None:
    """The first lines of `venue`'s main file, known before the knowledge base is read: the template's text up
    to where `cut` ends it, rendered with the preamble alone. None when the template has no such place or its
    head needs more (the rest of the context), or does not render."""
    env = make_environment(templates, escaper)
    try:
        source, _, _ = env.loader.get_source(env, VENUES[venue].template)  # type: ignore[union-attr]
        head = cut(source)
        return None if head is None else env.from_string(head).render({"preamble": preamble(escaper.charset)})
    except jinja2.TemplateError:
        return None
