"""TeX injection: hostile text in any field that reaches LaTeX prints literally and runs, reads or writes nothing.

A fixture knowledge base (the real taxonomy, paper/ and three real entries) gets, for every payload of `PAYLOADS`,
one keynote or invited talk and one published work that carry the payload in every text field of the entry model,
BibTeX record included; paper/metadata.yaml and some taxonomy labels and descriptions carry payloads too. Fields
that are not printed (notes, quotes, source URLs, workloads, versions, verifiers, the workshop, the citation) carry
them as well: they must not break the build. The real build runs once per venue, and the tests read the PDF
(pdftotext), the generated sources, TeX's record of the files it opened, and the temporary folder around the build.

What "prints literally" means (`expected_print`, `PdfText.shows`): the reader sees the payload's own characters in
order, except that control characters (C0, C1, DEL) are dropped, whitespace runs are one space, and letters that
pdflatex cannot set degrade as the escaper documents (Korean to a raised '?', Vietnamese tones to base letters).
Whitespace is not compared, since TeX breaks the lines and pdftotext places the spaces; a hyphen that ends a line
may be the text's or TeX's. IEEEtran sets table captions in capitals, so those compare without case. In a BibTeX
record, text that is plain BibTeX formatting keeps the meaning BibTeX gives it: `~` is a tie, and a style may
change its case; everything else in a record is escaped and prints as written.

Where a payload cannot print literally, a test says what happens instead: an identifier or term field (entry id,
DOI, ORCID, unit, taxonomy term, ...) refuses it with a located error; a URL that is not a plain http(s) URL is
left out of refs.bib with a warning; a BibTeX record with unbalanced braces is refused by `survey check`.

The front matter must fit on the first page, which acmart sets as one box and cuts where it overflows. So the
abstract carries the whole corpus in both venues, the title half of it in each (the whole across the two), the
keywords the other half, and the CCS concepts, chairs and confirmed speakers a share; each of them also carries
`PROBE`, which holds every character the escaper rewrites.
"""

from __future__ import annotations

import copy
import os
import io
import re
import shutil
import subprocess
import unicodedata
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.build import WORK_DIR, BuildResult, build
from survey.check.rules import check
from survey.compile.latexmk import STAGING_DIR
from survey.check.authors import build_author_list
from survey.derive.method import build_method
from survey.derive.synthesis import build_synthesis
from survey.derive.views import build_views
from survey.load.knowledge_base import load_knowledge_base
from survey.load.metadata import load_metadata
from survey.load.model import Entry
from survey.load.outline import load_outline, load_scope
from survey.render.bibliography import bibtex_name, build_bibliography, safe_value
from survey.render.latex import ccs_concept, render_document
from survey.render.latex_escape import Charset, Escaper, detect_charset, fallback_charset

ROOT = Path(__file__).resolve().parents[2]
HAVE_TEX = all(shutil.which(t) for t in ("latexmk", "pdflatex", "pdftotext"))
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="latexmk, pdflatex and pdftotext are needed")
VENUES = ("todaes", "tcad")
REAL_ENTRIES = ("attacc-asplos24", "m3d-lime-ncomms23", "talk-gao-keynote24")

# Placeholders that the fixture replaces with paths in the test's own temporary folder.
MARKER = "@MARKER@"  # a file that a shell command run by TeX would create
TMP = "@TMP@"  # the temporary folder of one venue's build


@dataclass(frozen=True)
class Payload:
    """Hostile text, with a short name for failure messages."""

    name: str
    text: str
    bibtex: bool = True  # whether a braced BibTeX field can hold it (BibTeX needs balanced braces)
    short: bool = True  # short enough for names, headings and keywords (the long ones go into running text)


LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6  # 270 letters and no break point
# Every character the escaper rewrites, CJK and a letter that degrades: put into every front-matter field.
PROBE = Payload("probe", "\\ { } $ & # ^ _ ~ % < > | \" ' ` [ ] -- ,, 朱振华 Müller Ngô Bảo 김\u00a0x")
PAYLOADS: list[Payload] = [
    Payload("input-absolute", r"\input{/etc/passwd}"),
    Payload("input-relative-secret", r"\input{../secret}"),
    Payload("input-secret-far", r"\input{../../../secret}"),
    Payload("input-pipe", rf'\input|"touch {MARKER}-pipe" '),
    Payload("include", r"\include{x}"),
    Payload("openin", r"\openin5=/etc/hostname \read5 to\x \x"),
    Payload("openout-relative", r"\immediate\openout3=../pwned.txt \immediate\write3{x}\immediate\closeout3"),
    Payload("openout-absolute", rf"\immediate\openout3={TMP}/pwned.txt \immediate\write3{{x}}\immediate\closeout3"),
    Payload("write18", rf"\immediate\write18{{touch {MARKER}}}"),
    Payload("directlua", rf'\directlua{{os.execute("touch {MARKER}-lua")}}'),
    Payload("catcode", r"\catcode`\^^M=13 \catcode`\%=12"),
    Payload("def", r"\def\title{hacked}\gdef\maketitle{}"),
    Payload("hat-escape-input", r"^^5cinput{/etc/passwd}"),
    Payload("hat-escape-twice", r"^^5c^^5c and ^^5c^^5cinput"),
    Payload("hat-return", r"^^M^^J^^I^^@"),
    Payload("hat-escape-in-math", r"$x^^5cinput{/etc/passwd}$"),  # math takes ^, so BibTeX text might keep it
    Payload("open-braces", "{{{ open", bibtex=False),
    Payload("close-braces", "close }}}", bibtex=False),
    Payload("escaped-braces", r"a \{ b \} c \}"),
    Payload("comment", "100% of it % the rest of the line is eaten"),
    Payload("alignment", "A & B && C"),
    Payload("parameter", "#1 ##2 #"),
    Payload("math", r"$x^2$ $ \( \[ "),
    Payload("subscript", "a_b__c ^ ^^ _"),
    Payload("tie", "~user ~~ ~/x"),
    Payload("end-document", r"\end{document}"),
    Payload("end-verbatim", r"\end{verbatim}"),
    Payload("verb", r"\verb|x| \verb+y+"),
    Payload("begin-verbatim", r"\begin{verbatim}"),
    Payload("table-breaker", r"\\ \hline & & \end{tabularx}\end{xltabular}\end{table*}"),
    Payload("makeatletter", r"\makeatletter\@@end\@input{/etc/passwd}"),
    Payload("csname", r"\csname input\endcsname{/etc/passwd}"),
    Payload("expandafter", r"\expandafter\input\expandafter{/etc/passwd}"),
    Payload("let-relax", r"\let\relax\undefined \let\par\relax"),
    Payload("jobname", r"\jobname \string\input"),
    Payload("url-command", r"\url{a#b%c}"),
    Payload("url-plain", "https://example.org/a%20b#frag"),
    Payload("href", r"\href{javascript:alert(1)}{x}"),
    Payload("double-backslash", r"line\\break \\[2pt] end"),
    Payload("par", "\\par one\n\ntwo"),
    Payload("bibtex-breaker", '@misc{evil, title = {x}} ", note = "'),
    Payload("name-breaker", "Doe, John, Jr, III, and others,"),  # BibTeX stops at a name with 3 commas
    Payload("specials", "< > | \" ' ` [x] ]\u00a0-- --- ,, !` ?`"),
    Payload("control-characters", "bell\x07 escape\x1b delete\x7f vtab\x0b formfeed\x0c nel\x85 end"),
    Payload("long-word", LONG_WORD, short=False),
    Payload("many-backslashes", "\\" * 300, bibtex=False, short=False),  # bibtexparser cannot read `\\\\}`
    Payload("non-ascii", "Müller 朱振华 Łukasz Gómez-Luna Ærø"),
    Payload("degrading-scripts", "Ngô Bảo Châu 김민준"),
]
URL_PAYLOADS = {"url-plain"}  # the payloads that are plain http(s) URLs, which a URL field prints


# --- what a reader sees ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def charset() -> Charset:
    return detect_charset() if HAVE_TEX else fallback_charset()


def expected_print(text: str) -> str:
    """What a reader sees of `text` (see the module docstring): controls dropped, degraded letters replaced."""
    escaper = Escaper(charset())
    escaper(text)
    value = "".join(escaper.degraded.get(c, c) for c in unicodedata.normalize("NFC", text))
    value = "".join(c for c in value if c.isspace() or unicodedata.category(c)[0] != "C")
    return unicodedata.normalize("NFKC", value)


def squash(text: str) -> str:
    """Text without whitespace, NFKC (pdftotext reads ligatures as one character)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class PdfText:
    """pdftotext's reading of a PDF, line by line (whitespace removed), in the order TeX wrote the text."""

    raw: str
    lines: list[str]

    @classmethod
    def read(cls, pdf: Path) -> PdfText:
        # A crop area larger than the page keeps the text of lines that stick out past its edge.
        raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-x", "0", "-y", "0", "-W", "5000", "-H", "5000",
                              str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return cls(raw, [squash(line) for line in raw.splitlines() if line.strip()])

    def shows(self, text: str, *, casefold: bool = False) -> bool:
        """Whether `text` is printed: as a run of lines, the first from a point on and the last up to a point.

        Between two of the lines there may be others (a page's foot, head and line numbers, a float placed at the
        top of the next page, which may be a page of a long table); a hyphen that ends a line may be the text's own or TeX's hyphenation.
        """
        fold = str.casefold if casefold else str
        wanted = fold(squash(expected_print(text)))
        lines = [fold(line) for line in self.lines]
        head = wanted[:4]
        for index, line in enumerate(lines):
            start = line.find(head)
            while start >= 0:
                if self._rest_follows(wanted, line[start:], lines, index):
                    return True
                start = line.find(head, start + 1)
        return False

    @staticmethod
    def _rest_follows(wanted: str, piece: str, lines: list[str], index: int, gap: int = 3000) -> bool:
        if piece.startswith(wanted):
            return True
        for candidate in {piece, piece.removesuffix("-")}:
            if not candidate or not wanted.startswith(candidate):
                continue
            rest = wanted[len(candidate):]
            for following in range(index + 1, min(index + 1 + gap, len(lines))):
                line = lines[following]
                if (rest.startswith(line.rstrip("-")) or line.startswith(rest)) \
                        and PdfText._rest_follows(rest, line, lines, following, gap):
                    return True
        return False


# --- the hostile knowledge base -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Where one venue's knowledge base, build and the files a payload would touch are."""

    tmp: Path

    @property
    def root(self) -> Path:
        return self.tmp / "kb"

    @property
    def out(self) -> Path:
        return self.tmp / "out"

    @property
    def staging(self) -> Path:
        """Where TeX runs."""
        return self.out / WORK_DIR / STAGING_DIR

    @property
    def marker(self) -> Path:
        return self.tmp / "marker-written-by-tex"

    @property
    def secrets(self) -> list[Path]:
        """Secrets outside the folder TeX runs in: one folder up (`../secret`) and three (`../../../secret`)."""
        return [self.out / WORK_DIR / "secret.tex", self.tmp / "secret.tex"]

    def concrete(self, text: str) -> str:
        return text.replace(MARKER, str(self.marker)).replace(TMP, str(self.tmp))


@dataclass(frozen=True)
class Expected:
    """A field's value that must print: the payload between two labels naming the field and the payload."""

    field: str
    payload: Payload
    value: str
    printed: str  # the value as markup means it, where it is markup (BibTeX formatting: `~` is a tie)
    casefold: bool  # whether the class or style may change its case (IEEEtran's captions, BibTeX styles)


def labelled(tag: str, index: int, text: str) -> str:
    """`text` between labels that name the field and the payload, so that a lost tail shows too. The closing label
    ends with a full stop: without one, "...07TT" and a next value that lost its "TT" ("08 ...") read as "TT08"."""
    return f"{tag}{index:02d} {text} {index:02d}{tag}."


def bibtex_record(index: int, text: str) -> tuple[str, dict[str, str]]:
    """A BibTeX record whose text fields carry `text`: @inproceedings for even payloads, @article for odd."""
    fields = {"title": labelled("BT", index, text), "author": "{" + labelled("BA", index, text) + "} and Example, Ada",
              "note": labelled("BN", index, text), "url": text, "year": "2023"}
    if index % 2 == 0:
        kind = "inproceedings"
        fields.update(booktitle=labelled("BB", index, text), publisher=labelled("BP", index, text))
    else:
        kind = "article"
        fields.update(journal=labelled("BJ", index, text), volume="1")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@{kind}{{hostile{index},\n{body}\n}}\n", fields


@dataclass
class HostileKnowledgeBase:
    """Writes one venue's fixture and remembers every value that must print, and where it was put."""

    places: Places
    venue: str
    expected: list[Expected] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.texts = [self.places.concrete(p.text) for p in PAYLOADS]
        self.side = VENUES.index(self.venue)  # which share of the corpus this venue's front matter carries

    def expect(self, field_name: str, payload: Payload, value: str, *, casefold: bool = False) -> str:
        self.expected.append(Expected(field_name, payload, value, value, casefold))
        return value

    def expect_bibtex(self, field_name: str, payload: Payload, value: str) -> None:
        """A BibTeX value: escaped text prints as it is; plain BibTeX formatting prints as BibTeX means it."""
        plain = not safe_value(value, Escaper(charset()))[1]
        printed = value.replace("~", " ") if plain else value
        self.expected.append(Expected(field_name, payload, value, printed, plain))

    def write(self) -> None:
        root = self.places.root
        (root / "entries").mkdir(parents=True)
        (root / "paper").mkdir()
        for entry_id in REAL_ENTRIES:
            shutil.copy(ROOT / "entries" / f"{entry_id}.yaml", root / "entries")
        shutil.copytree(ROOT / "paper" / "sections", root / "paper" / "sections")
        for name in ("outline.yaml", "scope.yaml"):
            shutil.copy(ROOT / "paper" / name, root / "paper")
        for index, payload in enumerate(PAYLOADS):
            for entry in (self.talk(index, payload), self.work(index, payload)):
                dump(root / "entries" / f"{entry['id']}.yaml", entry)
        dump(root / "paper" / "metadata.yaml", self.metadata())
        dump(root / "taxonomy.yaml", self.taxonomy())

    def talk(self, index: int, payload: Payload) -> dict[str, Any]:
        text = self.texts[index]
        # Confirmed speakers become co-authors on the first page, which has room for only a few of them.
        confirmed = payload.short and (index + 3 * self.side) % 11 == 5
        person: dict[str, Any] = {
            "name": labelled("SP", index, text) if payload.short else f"Speaker {index:02d}",
            "affiliations": [self.expect("talk speaker affiliation", payload, labelled("SA", index, text))],
            "role": "speaker", "consent": "confirmed" if confirmed else "invited"}
        if payload.short:
            self.expect("talk speaker name", payload, person["name"])
            person["name_native"] = labelled("SN", index, text)
            if confirmed:
                self.expect("co-author native name", payload, person["name_native"])
        return {
            "id": f"hostile-talk-{index:02d}",
            "type": "keynote" if index % 2 == 0 else "invited-talk",
            "title": self.expect("talk title", payload, labelled("TT", index, text)),
            "people": [person],
            "venue": self.expect("talk venue (generated BibTeX record)", payload, labelled("TV", index, text)),
            "year": 2024,
            "url": self.expect("talk URL (generated BibTeX record)", payload, text) if payload.name in URL_PAYLOADS
            else text,
            "draws_on": [f"hostile-work-{index:02d}"],
            "challenges": ["kv-cache-capacity"],
            "topics": ["nmc-architectures"],
            "summary": self.expect("talk summary", payload, labelled("TS", index, text)),
            "notes": labelled("TN", index, text),
        }

    def work(self, index: int, payload: Payload) -> dict[str, Any]:
        text = self.texts[index]
        entry: dict[str, Any] = {
            "id": f"hostile-work-{index:02d}",
            "type": "related-work",
            "title": self.expect("work title", payload, labelled("WT", index, text)),
            "people": [{"name": labelled("AU", index, text) if payload.short else f"Author {index:02d}",
                        "affiliations": [labelled("AA", index, text)], "role": "author"}],
            "venue": labelled("WV", index, text),
            "year": 2023,
            "url": text,
            "versions": [{"kind": "journal", "title": text, "venue": text, "url": text}],
            "architecture": ["near-bank"],
            "level": ["system"],
            "memory": ["hbm3"],
            "domain": ["digital"],
            "precision": {"weights": ["int8"], "activations": ["int8"], "notes": text},
            "models": [self.expect("work model", payload, labelled("MO", index, text))],
            "workloads": [text],
            "evaluation": [{"method": "cycle-simulation", "tool": "ramulator2", "notes": text}],
            "phases": ["decode"],
            "challenges": ["kv-cache-capacity"],
            "topics": ["nmc-architectures"],
            "summary": text,
            "verified_by": [{"role": "editor", "name": text}],
            "notes": text,
            "metrics": [{
                "kind": "speedup", "value": 2 + index / 100, "unit": "x",
                "conditions": {"model": self.expect("metric model", payload, labelled("CM", index, text)),
                               "batch": self.expect("metric batch", payload, labelled("CB", index, text)),
                               "context_length": self.expect("metric context", payload, labelled("CC", index, text)),
                               "sparsity": self.expect("metric sparsity", payload, labelled("CS", index, text)),
                               "workload": self.expect("metric workload", payload, labelled("CW", index, text)),
                               "notes": text},
                "baseline": self.expect("metric baseline", payload, labelled("BL", index, text)),
                "source": {"locator": text, "quote": text, "url": text},
                "note": text,
            }],
        }
        if payload.bibtex:
            record, fields = bibtex_record(index, text)
            entry["bibtex"] = record
            self.expect_bibtex("BibTeX title", payload, fields["title"])
            self.expect_bibtex("BibTeX note", payload, fields["note"])
            self.expect_bibtex("BibTeX author (braced)", payload, labelled("BA", index, text))
            if payload.name in URL_PAYLOADS:
                self.expect("BibTeX url", payload, text)
            if index % 2 == 0:
                self.expect_bibtex("BibTeX booktitle", payload, fields["booktitle"])
            else:
                self.expect_bibtex("BibTeX journal", payload, fields["journal"])
        else:
            if payload.short:
                self.expect("work author (generated BibTeX record)", payload, entry["people"][0]["name"])
            self.expect("work venue (generated BibTeX record)", payload, entry["venue"])
        return entry

    def front_matter(self, slot: int, slots: int, probe: str = PROBE.text) -> list[tuple[int, Payload, str]]:
        """The probe and this venue's share of the corpus for one front-matter field, as (index, payload, text)."""
        chosen = [(99, PROBE, probe)]
        return chosen + [(i, p, self.texts[i]) for i, p in enumerate(PAYLOADS)
                         if p.short and (i + 3 * self.side) % slots == slot]

    def metadata(self) -> dict[str, Any]:
        data = yaml.safe_load((ROOT / "paper" / "metadata.yaml").read_text(encoding="utf-8"))
        title = [self.expect("metadata title", p, labelled("MT", i, text)) for i, p, text in self.front_matter(0, 2)]
        data["title"] = "Hostile survey: " + " ".join(title)
        data["short_title"] = " ".join(labelled("ST", i, self.texts[i]) for i in (0, 10, 12))
        data["abstract"] = " ".join(self.expect("metadata abstract", p, labelled("AB", i, self.texts[i]))
                                    for i, p in enumerate(PAYLOADS))
        keywords = [self.expect("keyword", p, labelled("KW", i, text)) for i, p, text in self.front_matter(1, 2)]
        data["keywords" if self.venue == "todaes" else "ieee_keywords"] = keywords
        data["keywords" if self.venue == "tcad" else "ieee_keywords"] = []
        # \ccsdesc separates the levels of a concept with `~`: a payload with one would be two levels.
        concepts = [(i, p, text) for i, p, text in self.front_matter(2, 4, PROBE.text.replace("~", " "))
                    if "~" not in text]
        # (the label's doubled letter is what acmart once took for an empty concept)
        data["ccs"] = [{"concept": "Hardware~" + labelled("QQ", i, text), "significance": 300}
                       for i, _, text in concepts] if self.venue == "todaes" else []
        for i, p, text in concepts if self.venue == "todaes" else []:
            self.expect("CCS concept", p, labelled("QQ", i, text))
        for key in ("name", "full_name", "colocated_with", "url"):
            data["workshop"][key] = " ".join(self.texts)
        data["citation"] = {"title": " ".join(self.texts), "message": " ".join(self.texts)}
        chairs: list[dict[str, Any]] = []
        for i, p, text in self.front_matter(0, 11):
            affiliation = labelled("CA", i, text)
            chairs.append({"name": self.expect("chair name", p, labelled("CH", i, text)),
                           # in acmart only in the author block, which sets names in capitals
                           "name_native": self.expect("chair native name", p, labelled("CN", i, text),
                                                      casefold=self.venue == "todaes"),
                           "position": "co-chair", "affiliations": [affiliation], "consent": "confirmed"})
            if i % 2:
                self.expect("chair affiliation", p, affiliation)
            else:  # printed under the name, city and country that paper/metadata.yaml gives it
                data["affiliations"][affiliation] = {
                    "name": self.expect("affiliation name", p, labelled("PN", i, text)),
                    "city": self.expect("affiliation city", p, labelled("PC", i, text)),
                    "country": self.expect("affiliation country", p, labelled("PY", i, text))}
        chairs[0]["family_name"] = chairs[0]["name"]  # the running head's "<family> et al."
        # An e-mail address may hold `%` and `_`, which TeX reads as markup (acmart's journals do not print it).
        chairs[0]["email"] = "probe_chair%x@example.org"
        if self.venue == "tcad":
            self.expect("chair e-mail address", PROBE, chairs[0]["email"])
        data["chairs"] = chairs + data["chairs"]
        data["people"].append({"name": chairs[-1]["name"], "family_name": chairs[-1]["name"], "consent": "confirmed"})
        return data

    def taxonomy(self) -> dict[str, Any]:
        """Taxonomy labels and descriptions print too: in headings, TikZ nodes, table headers and captions."""
        data = yaml.safe_load((ROOT / "taxonomy.yaml").read_text(encoding="utf-8"))
        terms = {(name, term["id"]): term for name, vocabulary in data["vocabularies"].items()
                 for term in vocabulary["terms"]}
        short = [i for i, p in enumerate(PAYLOADS) if p.short]

        def several(tag: str, field_name: str, chosen: list[int]) -> str:
            return " ".join(self.expect(field_name, PAYLOADS[i], labelled(tag, i, self.texts[i])) for i in chosen)

        everyone = list(range(len(PAYLOADS)))
        terms[("challenge", "capacity-compression")]["description"] = several("XD", "challenge description", everyone)
        terms[("challenge", "kv-cache-capacity")]["description"] = several("XS", "sub-challenge description", everyone)
        terms[("challenge", "capacity-compression")]["label"] = several("XL", "challenge label", short[:6])
        terms[("challenge", "kv-cache-capacity")]["label"] = several("XK", "sub-challenge label", short[6:12])
        terms[("architecture", "near-bank")]["label"] = several("XA", "architecture label", short[12:18])
        terms[("metric", "speedup")]["label"] = several("XM", "metric label", short[18:24])
        # no longer printed: the per-metric tables that quoted it moved to the supplementary data file
        terms[("metric", "speedup")]["description"] = " ".join(labelled("XE", i, self.texts[i]) for i in short[24:])
        return data


def dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000), encoding="utf-8")


# --- one real build per venue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    venue: str
    places: Places
    kb: HostileKnowledgeBase
    result: BuildResult
    token: str  # the secret in the planted files
    pdf: PdfText


@pytest.fixture(scope="module", params=VENUES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    if not HAVE_TEX:
        pytest.skip("TeX is not installed")
    venue = str(request.param)
    places = Places(tmp_path_factory.mktemp(f"injection-{venue}"))
    kb = HostileKnowledgeBase(places, venue)
    kb.write()
    token = f"SECRET-{uuid.uuid4().hex}"
    for secret in places.secrets:
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(token + "\n", encoding="utf-8")
    result = build(places.root, venue, places.out)
    assert result.ok and result.pdf is not None, "\n".join(d.as_text() for d in result.diagnostics if d.is_error)
    return Built(venue, places, kb, result, token, PdfText.read(result.pdf))


# --- the build ------------------------------------------------------------------------------------------------


# Fields the paper no longer prints: every reported value goes, with its conditions, to the supplementary data file.
SUPPLEMENT_FIELDS = {"metric model", "metric sparsity", "metric workload", "metric baseline", "metric label"}


@needs_tex
def test_every_payload_prints_literally_in_every_field_that_reaches_the_pdf(built: Built) -> None:
    import csv

    supplement = (built.places.out / "supplementary-metrics.csv").read_text(encoding="utf-8")
    cells = {cell for row in csv.reader(io.StringIO(supplement, newline="")) for cell in row}
    missing = [f"{e.field}: {e.payload.name}: {e.value[:80]!r}" for e in built.kb.expected
               if not (any(e.value in cell for cell in cells) if e.field in SUPPLEMENT_FIELDS else
                       built.pdf.shows(e.printed, casefold=e.casefold))]
    assert not missing, f"{len(missing)} of {len(built.kb.expected)} values not printed literally:\n" + "\n".join(missing)


@needs_tex
def test_every_field_and_payload_was_checked(built: Built) -> None:
    fields = {e.field for e in built.kb.expected}
    payloads = {e.payload.name for e in built.kb.expected}
    tags: dict[str, set[str]] = {}
    for expected in built.kb.expected:
        if expected.value[2:4].isdigit():
            tags.setdefault(expected.value[:2], set()).add(expected.field)
    assert all(len(named) == 1 for named in tags.values()), "a label names two fields"
    assert payloads == {p.name for p in PAYLOADS} | {PROBE.name}
    assert len(fields) >= 35, sorted(fields)
    for name in ("work title", "talk title", "talk speaker name", "talk speaker affiliation", "metadata abstract"):
        assert {e.payload.name for e in built.kb.expected if e.field == name} >= {p.name for p in PAYLOADS
                                                                                  if p.short}, name
    for name in ("BibTeX title", "BibTeX note", "BibTeX author (braced)"):
        assert {e.payload.name for e in built.kb.expected if e.field == name} == {p.name for p in PAYLOADS
                                                                                  if p.bibtex}, name


def test_front_matter_shares_cover_the_corpus_across_the_two_venues(tmp_path: Path) -> None:
    shown: dict[str, set[str]] = {}
    for venue in VENUES:
        kb = HostileKnowledgeBase(Places(tmp_path / venue), venue)
        kb.metadata()
        for expected in kb.expected:
            shown.setdefault(expected.field, set()).add(expected.payload.name)
    short = {p.name for p in PAYLOADS if p.short} | {PROBE.name}
    assert shown["metadata title"] == short and shown["keyword"] == short
    assert shown["metadata abstract"] == {p.name for p in PAYLOADS}


@needs_tex
def test_real_entries_still_print_beside_hostile_ones(built: Built) -> None:
    for entry_id in REAL_ENTRIES:
        entry = yaml.safe_load((ROOT / "entries" / f"{entry_id}.yaml").read_text(encoding="utf-8"))
        assert built.pdf.shows(entry["title"]), entry_id
    bbl = (built.places.staging / "survey.bbl").read_text(encoding="utf-8")
    assert len(re.findall(r"\\bibitem", bbl)) == len(REAL_ENTRIES) + 2 * len(PAYLOADS)
    log = (built.places.staging / "survey.log").read_text(encoding="utf-8", errors="replace")
    assert not re.search(r"(Citation|Reference) `[^']*' on page \d+ undefined", log)


@needs_tex
def test_no_payload_runs_a_shell_command(built: Built) -> None:
    marker = built.places.marker
    assert not [p for p in marker.parent.iterdir() if p.name.startswith(marker.name)]


@needs_tex
def test_no_payload_writes_a_file(built: Built, tmp_path_factory: pytest.TempPathFactory) -> None:
    for folder in (tmp_path_factory.getbasetemp(), ROOT):
        assert not list(folder.rglob("pwned.txt")), folder
    assert not [path for path in recorded(built, "OUTPUT") if not path.startswith(str(built.places.staging))]


@needs_tex
def test_no_payload_reads_a_file_outside_the_build(built: Built) -> None:
    staging = str(built.places.staging)
    near = [p for p in recorded(built, "INPUT") if p.startswith(str(built.places.tmp)) and not p.startswith(staging)]
    assert not near, "TeX read files beside the build folder"
    named = {"/etc/passwd", "/etc/hostname", f"{staging}/x.tex"} | {str(s) for s in built.places.secrets}
    assert not named & set(recorded(built, "INPUT"))
    assert built.token not in built.pdf.raw
    planted = set(built.places.secrets)
    for path in built.places.tmp.rglob("*"):
        if path.is_file() and path not in planted:
            assert built.token.encode() not in path.read_bytes(), path
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").is_file() else ""
    if len(hostname) >= 8:
        assert hostname not in built.pdf.raw
    assert "root:x:0:0" not in built.pdf.raw


def recorded(built: Built, kind: str) -> list[str]:
    """Absolute paths of the files TeX recorded as read (INPUT) or written (OUTPUT) in latexmk's .fls."""
    lines = (built.places.staging / "survey.fls").read_text(encoding="utf-8", errors="replace").splitlines()
    pwd = next(line.split(" ", 1)[1] for line in lines if line.startswith("PWD "))
    paths = [line.split(" ", 1)[1] for line in lines if line.startswith(f"{kind} ")]
    return [p if p.startswith("/") else os.path.normpath(os.path.join(pwd, p)) for p in paths]


# Control sequences the escaper writes (see survey/render/latex_escape.py).
ESCAPER_COMMANDS = {"textbackslash", "textasciitilde", "textasciicircum", "textless", "textgreater", "textbar",
                    "textquotedbl", "textquotesingle", "textasciigrave", "textsuperscript", "cjktext",
                    "&", "%", "$", "#", "_", "{", "}", "-"}  # \- : a break point in a very long word
# What a build adds to the `baseline` rendering: the figure environments of its plots.
FIGURE_COMMANDS = {"includegraphics", "Description", "caption", "label", "centering", "begin", "end", "columnwidth",
                   "textwidth"}
# BibTeX values also spell braces that BibTeX must not count as \textbraceleft{} and \textbraceright{}.
BIBTEX_COMMANDS = {"textbraceleft", "textbraceright"}


def without_comments(tex: str) -> str:
    """TeX source without its comments (from an unescaped % to the end of the line)."""
    return "\n".join(re.sub(r"(?<!\\)((?:\\\\)*)%.*", r"\1", line) for line in tex.splitlines())


def commands(tex: str) -> set[str]:
    return set(re.findall(r"\\([A-Za-z]+|.)", without_comments(tex)))


@lru_cache(maxsize=2)
def baseline(venue: str) -> tuple[str, str]:
    """survey.tex and refs.bib rendered from the real knowledge base (no TeX run), with the templates appended
    (they have parts, such as continued tables, that the real knowledge base may not need)."""
    kb = load_knowledge_base(ROOT)
    metadata, _ = load_metadata(ROOT)
    assert metadata is not None
    outline, _ = load_outline(ROOT)
    titles = next((s.titles for s in outline.sections if s.generate == "architecture-classes"), {})
    assert kb.taxonomy is not None
    document = render_document(views=build_views(kb), authors=build_author_list(kb, metadata), metadata=metadata,
                               entries=kb.entries, venue=venue, templates=ROOT / "templates",
                               escaper=Escaper(charset()), outline=outline,
                               synthesis=build_synthesis(kb.taxonomy, kb.entries, titles),
                               method=build_method(kb.taxonomy, kb.entries), scope=load_scope(ROOT)[0])
    templates = "\n".join(re.sub(r"\\(VAR|BLOCK|#)\{", "{", path.read_text(encoding="utf-8"))
                          for path in sorted((ROOT / "templates").rglob("*.j2")))
    return document.files["survey.tex"] + "\n" + templates, document.files["refs.bib"]


@needs_tex
def test_generated_latex_holds_no_markup_from_any_payload(built: Built) -> None:
    tex = (built.places.out / "survey.tex").read_text(encoding="utf-8")
    bib = (built.places.out / "refs.bib").read_text(encoding="utf-8")
    bbl = (built.places.staging / "survey.bbl").read_text(encoding="utf-8")
    tex_baseline, bib_baseline = (without_comments(text) for text in baseline(built.venue))
    assert commands(tex) <= commands(tex_baseline) | ESCAPER_COMMANDS | FIGURE_COMMANDS
    assert commands(bib) <= commands(bib_baseline) | ESCAPER_COMMANDS | BIBTEX_COMMANDS
    assert set(re.findall(r"\\input\{([^}]*)\}", without_comments(tex))) == {"glyphtounicode", "sections/introduction"}
    for name, text, usual in (("survey.tex", tex, tex_baseline), ("refs.bib", bib, bib_baseline),
                              ("survey.bbl", bbl, "")):
        assert "^^" not in text and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), name  # TeX's ^^ notations
        code = without_comments(text)
        leaked = [p.name for p, value in zip(PAYLOADS, built.kb.texts)
                  if "\\" in value and code.count(value.strip()) > usual.count(value.strip())]
        assert not leaked, f"{name} holds payloads as markup: {leaked}"


@needs_tex
def test_urls_that_are_not_plain_http_are_left_out_of_the_bibliography_with_a_warning(built: Built) -> None:
    warned = [d.location.path for d in built.result.diagnostics
              if not d.is_error and "left out of refs.bib" in d.message]
    for index, payload in enumerate(PAYLOADS):
        if payload.name not in URL_PAYLOADS:
            assert any(path.endswith(f"hostile-talk-{index:02d}.yaml") for path in warned), payload.name
    bib = (built.places.out / "refs.bib").read_text(encoding="utf-8")
    with_url = set(re.findall(r"^@\w+\{(hostile-[a-z]+-\d\d),\n(?:  .*\n)*?  url = ", bib, flags=re.MULTILINE))
    assert with_url == {f"hostile-{kind}-{i:02d}" for i, p in enumerate(PAYLOADS) if p.name in URL_PAYLOADS
                        for kind in ("talk", "work")}


@needs_tex
def test_citation_file_keeps_the_payloads_as_data(built: Built) -> None:
    citation = yaml.safe_load((built.places.out / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["title"] == " ".join(built.kb.texts)


# --- fields that take identifiers or terms refuse payloads ----------------------------------------------------

VALID_ENTRY = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "valid_entry.yaml").read_text(encoding="utf-8"))
STRICT_ENTRY_FIELDS: list[tuple[str, ...]] = [
    ("id",), ("type",), ("doi",), ("arxiv",), ("year",), ("architecture", "0"), ("memory", "0"), ("domain", "0"),
    ("challenges", "0"), ("topics", "0"), ("phases", "0"), ("draws_on", "0"), ("precision", "weights", "0"),
    ("people", "0", "role"), ("people", "0", "orcid"), ("people", "0", "email"), ("people", "0", "consent"),
    ("evaluation", "0", "method"), ("evaluation", "0", "tool"), ("versions", "0", "kind"), ("versions", "0", "doi"),
    ("metrics", "0", "kind"), ("metrics", "0", "unit"), ("metrics", "0", "qualifier"),
    ("metrics", "0", "conditions", "phase"), ("metrics", "0", "conditions", "voltage"),
    ("metrics", "0", "conditions", "frequency"), ("verified_by", "0", "role"),
]
STRICT_METADATA_FIELDS: list[tuple[str, ...]] = [
    ("chairs", "0", "email"), ("chairs", "0", "orcid"), ("chairs", "0", "position"), ("chairs", "0", "consent"),
    ("coauthors", "roles", "0"), ("coauthors", "listed", "0"), ("people", "0", "consent"), ("ccs", "0", "concept"),
]
# Hostile values that stay hostile where an identifier is expected (a DOI-shaped one for the DOI fields).
STRICT_PAYLOADS = [r"\input{/etc/passwd}", "^^5cinput{x}", "}}} %", "10.1145/\\input{/etc/passwd}",
                   "10.1145/a}b%c#d"]


def set_at(data: Any, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[int(key)] if isinstance(data, list) else data.setdefault(key, {})
    last = path[-1]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def strict_cases() -> list[Any]:
    cases = []
    for path in STRICT_ENTRY_FIELDS + STRICT_METADATA_FIELDS:
        where = "metadata" if path in STRICT_METADATA_FIELDS else "entry"
        for value in STRICT_PAYLOADS:
            cases.append(pytest.param(where, path, value, id=f"{where}.{'.'.join(path)}={value}"))
    return cases


def write_checkable(root: Path) -> None:
    """A knowledge base that `survey check` passes: the valid fixture entry with a version, verifier and chair."""
    (root / "entries").mkdir()
    (root / "paper").mkdir()
    shutil.copy(ROOT / "taxonomy.yaml", root)
    entry = copy.deepcopy(VALID_ENTRY)
    entry["versions"] = [{"kind": "journal", "doi": "10.5555/example.2024.002"}]
    entry["verified_by"] = [{"role": "author", "name": "Ada Example"}]
    entry["draws_on"] = ["ada-example-pim24"]
    entry["people"][0]["consent"] = "invited"
    entry["metrics"][0]["qualifier"] = "peak"
    entry["metrics"][0]["conditions"].update(voltage="0.9 V", frequency="200 MHz")
    dump(root / "entries" / "ada-example-pim24.yaml", entry)
    metadata = yaml.safe_load((ROOT / "paper" / "metadata.yaml").read_text(encoding="utf-8"))
    metadata["chairs"][0].update(orcid="0000-0002-1825-0097")
    dump(root / "paper" / "metadata.yaml", metadata)


@pytest.mark.parametrize(("where", "path", "value"), strict_cases())
def test_identifier_and_term_fields_refuse_payloads_with_a_located_error(
        tmp_path: Path, where: str, path: tuple[str, ...], value: str) -> None:
    write_checkable(tmp_path)
    assert not [d for d in check(tmp_path).diagnostics if d.is_error]
    file = tmp_path / ("paper/metadata.yaml" if where == "metadata" else "entries/ada-example-pim24.yaml")
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    set_at(data, path, value)
    dump(file, data)
    errors = [d for d in check(tmp_path).diagnostics if d.is_error]
    assert errors, f"{'.'.join(path)} accepted {value!r}"
    assert all(d.location.path.endswith(file.name) and (d.location.line or 0) >= 1 for d in errors), \
        [d.as_text() for d in errors]


@pytest.mark.parametrize("payload", [pytest.param(p, id=p.name) for p in PAYLOADS if not p.bibtex])
def test_bibtex_record_that_bibtex_cannot_hold_is_refused_with_a_located_error(tmp_path: Path,
                                                                               payload: Payload) -> None:
    write_checkable(tmp_path)
    file = tmp_path / "entries" / "ada-example-pim24.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["bibtex"] = bibtex_record(1, payload.text)[0]
    dump(file, data)
    errors = [d for d in check(tmp_path).diagnostics if d.is_error]
    assert [d for d in errors if d.code.startswith("bibtex") and d.location.path.endswith(file.name)
            and (d.location.line or 0) > 1], [d.as_text() for d in errors]


# --- refs.bib, without TeX ------------------------------------------------------------------------------------


def entry_with(**changes: Any) -> Entry:
    data = copy.deepcopy(VALID_ENTRY)
    data.update(changes)
    return Entry.model_validate(data)


def test_generated_bibtex_author_is_escaped_and_kept_in_one_group() -> None:
    entry = entry_with(bibtex=None, people=[{"name": r"Eve \input{/etc/passwd} ^^5c {{", "role": "author"}])
    bib = build_bibliography([entry], Escaper(fallback_charset())).text
    assert r"author = {{Eve \textbackslash{}input\textbraceleft{}/etc/passwd\textbraceright{} " \
           r"\textasciicircum{}\textasciicircum{}5c \textbraceleft{}\textbraceleft{}}}," in bib


def test_bibtex_names_keep_accents_particles_and_name_parts_but_not_what_bibtex_or_natbib_cannot_take() -> None:
    escape = Escaper(fallback_charset())
    assert bibtex_name("Juan Gómez-Luna", escape) == r"Juan G{\'o}mez-Luna"
    assert bibtex_name("Anna van der Berg", escape) == "Anna van der Berg"
    assert bibtex_name("van der Berg, Jr, Anna", escape) == "van der Berg, Jr, Anna"
    assert bibtex_name("Eve [x]", escape) == "{Eve {[}x{]}}"  # a `]` would end natbib's \bibitem[label]
    assert bibtex_name("Doe, John, Jr, III", escape) == "{Doe, John, Jr, III}"  # BibTeX: too many commas
    assert bibtex_name("Doe,", escape) == "{Doe,}"  # BibTeX: a comma at the end
    assert bibtex_name("Ada and Bo", escape) == "{Ada and Bo}"  # one person, not two


def test_bibtex_record_in_utf8_is_kept_without_a_warning() -> None:
    record = "@misc{k,\n  title = {Müller and Łukasz on 2.24{$\\mu$}J},\n  author = {Müller, Jörg}\n}\n"
    result = build_bibliography([entry_with(bibtex=record)], Escaper(charset()))
    assert r"title = {{Müller and Łukasz on 2.24{$\mu$}J}}," in result.text
    assert r'author = {M{\"u}ller, J{\"o}rg},' in result.text
    assert result.warnings == []


@pytest.mark.parametrize("value", [r"^^5cinput{/etc/passwd}", "a^^Mb", r"$x^^5cinput{/etc/passwd}$", r"\csname input\endcsname", "a # b",
                                   "100% x", "x & y", "a_b", r"{\\}", r"a \} b", "$x", "bell\x07", "朱振华",
                                   "ends with a backslash\\"])
def test_bibtex_value_with_anything_but_plain_formatting_is_escaped(value: str) -> None:
    escaped, changed = safe_value(value, Escaper(charset()))
    assert changed and "^^" not in escaped


@pytest.mark.parametrize("value", [r"M{\"u}ller and \emph{x}", r"2.24{$\mu$}J/Token", "$x_1^2$ ~ --", "Ærø"])
def test_bibtex_value_with_plain_formatting_is_kept(value: str) -> None:
    assert safe_value(value, Escaper(charset())) == (value, False)


def test_escaped_braces_in_bibtex_field_stay_balanced_for_bibtex() -> None:
    entry = entry_with(bibtex="@misc{k,\n  title = {a \\} b},\n  note = {c \\{ d}\n}\n", doi=None)
    text = build_bibliography([entry], Escaper(fallback_charset())).text
    for line in text.splitlines()[1:-1]:
        assert line.count("{") == line.count("}"), line


def test_doi_and_url_with_markup_are_left_out_with_a_warning() -> None:
    entry = entry_with(bibtex=None, doi="10.1145/\\input{/etc/passwd}", url="javascript:alert(1)")
    result = build_bibliography([entry], Escaper(fallback_charset()))
    assert "doi =" not in result.text and "javascript" not in result.text
    assert all(line.startswith("  url = {https://arxiv.org/abs/") for line in result.text.splitlines() if "url =" in line)
    assert len(result.warnings) == 2 and all("left out of refs.bib" in w for w in result.warnings)


def test_url_with_percent_and_hash_is_kept_for_url() -> None:
    entry = entry_with(bibtex="@misc{k,\n  title = {T},\n  url = {https://example.org/a%20b#frag}\n}\n", doi=None)
    text = build_bibliography([entry], Escaper(fallback_charset())).text
    assert r"url = {https://example.org/a\%20b\#frag}," in text


def test_ccs_concept_keeps_acmart_from_splitting_emptying_or_naming_a_command_after_it() -> None:
    escape = Escaper(fallback_charset())
    assert ccs_concept("Hardware~Emerging architectures", escape) == "Hardware~Emerging architectures"
    assert ccs_concept("Hardware~a\u00a0b", escape) == "Hardware~a{~}b"  # `~` separates acmart's levels
    assert ccs_concept("Hardware~LLM && x", escape) == "Hardware~{}LLM \\&\\& x"  # \ifx#3\relax\relax
    assert ccs_concept("\\input{x}~Networks", escape) is None  # the top level becomes \csname CCS@General@...
