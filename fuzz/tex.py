"""Typeset escaped strings with real pdflatex and read them back with pdftotext (the escape target's oracle)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from survey.render.latex_escape import Charset, Escaper, preamble

HAVE_TEX = shutil.which("pdflatex") is not None and shutil.which("pdftotext") is not None

# TeX builds these from a letter and an accent below (or a dotless i): they look right, but pdftotext reads the
# pieces back, so their round trip cannot be checked by text (tests/render/test_latex_escape.py leaves them out the
# same way).
_BUILT_BELOW = {"\u0323", "\u0326", "\u0327", "\u0328"}
_UNREADABLE = set("¼½¾¹²³")  # fractions read back as "1 4", raised digits get a space
# Characters T1 sets with another one's glyph: pdftotext reads back that one.
_PRINTS_AS = str.maketrans({"Đ": "Ð", "\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014"})


def _round_trips(char: str) -> bool:
    parts = unicodedata.normalize("NFKD", char)
    return not (_BUILT_BELOW & set(parts) or (len(parts) > 1 and parts[0] in "ij") or char in _UNREADABLE)


def typesettable_alphabet(charset: Charset) -> list[str]:
    """Characters whose printed text pdftotext reads back exactly: ASCII, the charset's letters, CJK, spaces."""
    latin = sorted(chr(c) for c in charset.code_points
                   if unicodedata.category(chr(c))[0] in "LNPS" and _round_trips(chr(c)))
    ascii_chars = [chr(c) for c in range(32, 127)]
    cjk = list("朱振华田中博李明王芳ひらがなカタカナ") if charset.cjk else []
    return ascii_chars + latin + cjk + list(" \n\t\u00a0")


def expected_print(text: str) -> str:
    """What a reader should see: NFKC text, controls dropped, whitespace runs as one space."""
    value = unicodedata.normalize("NFKC", text.translate(_PRINTS_AS))
    value = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") or c.isspace())
    return " ".join(value.replace("\u00a0", " ").split())


@dataclass
class Typeset:
    """The outcome of one document: did pdflatex succeed, its log's tail, and the text read back per sample."""

    compiled: bool
    log: str
    printed: list[str | None]


def document(samples: list[str], charset: Charset) -> str:
    """A LaTeX document with each escaped sample in its own paragraph between markers."""
    escaper = Escaper(charset)
    body = "\n".join(rf"\noindent QQ{i}Q{escaper(s)}QQ{i}E\par" for i, s in enumerate(samples))
    return "\n".join([
        r"\documentclass{article}",
        r"\usepackage[paperwidth=80cm,paperheight=120cm,margin=1cm]{geometry}",
        preamble(charset),
        r"\usepackage{lmodern}\input{glyphtounicode}\pdfgentounicode=1",
        r"\providecommand{\texorpdfstring}[2]{#1}",
        r"\begin{document}\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000",
        body,
        r"\end{document}", ""])


def typeset(samples: list[str], charset: Charset, folder: Path, timeout: float = 120) -> Typeset:
    """Compile the samples with pdflatex (no shell escape, file access confined to `folder`) and read them back."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("sample.*"):
        old.unlink()
    (folder / "sample.tex").write_text(document(samples, charset), encoding="utf-8")
    try:
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                              "sample.tex"], cwd=folder, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                             env={"PATH": "/usr/bin:/bin", "openin_any": "p", "openout_any": "p",
                                  "HOME": str(folder)}, errors="replace", timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return Typeset(False, f"pdflatex ran longer than {timeout:g} s\n{output}"[-3000:], [])
    if run.returncode != 0 or not (folder / "sample.pdf").is_file():
        return Typeset(False, run.stdout[-3000:], [])
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "sample.pdf", "-"], cwd=folder, capture_output=True,
                          text=True, check=True, errors="replace", timeout=timeout).stdout
    printed: list[str | None] = []
    for i in range(len(samples)):
        match = re.search(rf"QQ{i}Q(.*?)QQ{i}E", text, re.DOTALL)
        printed.append(" ".join(unicodedata.normalize("NFKC", match.group(1)).split()) if match else None)
    return Typeset(True, run.stdout[-3000:], printed)


def smallest_failing(samples: list[str], charset: Charset, folder: Path) -> list[str]:
    """Bisect a batch that does not compile down to a small part that still does not (for the reproducer)."""
    failing = samples
    while len(failing) > 1:
        half = len(failing) // 2
        if not typeset(failing[:half], charset, folder).compiled:
            failing = failing[:half]
        elif not typeset(failing[half:], charset, folder).compiled:
            failing = failing[half:]
        else:
            break  # only the two halves together fail
    return failing
