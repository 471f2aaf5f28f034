"""Generated prose (survey.derive.synthesis paragraphs) as LaTeX: text escaped, citations as \\cite."""

from __future__ import annotations

from collections.abc import Iterable

from survey.derive.synthesis import Cite, Number, Paragraph
from survey.render.latex_escape import Escaper, Raw, citekey


def paragraph_tex(paragraph: Paragraph, escaper: Escaper, runin: str = "surveyrunin") -> Raw:
    """One paragraph; a heading becomes a run-in heading."""
    out = []
    if paragraph.heading:
        out.append(f"\\{runin}{{{escaper(paragraph.heading)}}}\n")
    for segment in paragraph.segments:
        if isinstance(segment, Cite):
            out.append("\\cite{" + ",".join(citekey(i) for i in segment.entry_ids) + "}")
        elif isinstance(segment, Number):
            out.append(escaper(segment.text))
        else:
            out.append(_text(segment, escaper))
    return Raw("".join(out))


def _text(text: str, escaper: Escaper) -> str:
    """Escaped text with its outer spaces kept (the escaper trims them); a '~' before a citation stays a tie."""
    tie = text.endswith("~")
    if tie:
        text = text[:-1]
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + escaper(text) + trail + ("~" if tie else "")


def paragraphs_tex(paragraphs: Iterable[Paragraph], escaper: Escaper) -> Raw:
    return Raw("\n\n".join(paragraph_tex(p, escaper) for p in paragraphs))
