"""The one place where text becomes LaTeX: a small escaper for pdflatex with T1 fonts, and validators for
values that must not go through it (ORCIDs, e-mail addresses, URLs, citation keys).

Any Unicode text prints as itself when pdflatex can set it: ASCII specials are escaped, letters that the T1/TS1
encodings declare pass through as UTF-8, CJK ideographs and kana are wrapped for CJKutf8 when it is installed.
Anything else (Vietnamese, Korean, Cyrillic, ...) is folded to its base letters or replaced by a visible mark,
and a warning says which characters were degraded; it never makes the build fail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from survey.files.tex_tree import find_tex_files

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
    # T1 ligatures would change what prints: `` '' -> curly quotes, !` ?` -> inverted marks, ,, -> low quotes.
    "'": r"\textquotesingle{}", "`": r"\textasciigrave{}",
    "[": "{[}", "]": "{]}",  # a [ right after \\ or \item would be read as an optional argument
    "\u00a0": "~",
    "\u1d40": r"\textsuperscript{T}",  # MODIFIER LETTER CAPITAL T, as in QKᵀ
}
# Characters that T1/TS1 lack but whose look-alike they have (pdftotext reads micro sign back as mu under NFKC).
_LOOKALIKES = {"\u03bc": "\u00b5"}
# Pairs that a T1 font joins into one glyph ("--" -> en dash, ",," -> low quotes, "!‘" -> inverted mark,
# "‘‘" -> double quote, "–-" -> em dash): an empty group between the two keeps both.
_LIGATURES = {("-", "-"), (",", ","), ("!", "\u2018"), ("?", "\u2018"), ("\u2018", "\u2018"), ("\u2019", "\u2019"),
              ("\u2013", "-")}
# Characters that T1 sets with another one's glyph, and so take part in its ligatures (hyphen, figure dash).
_LIGATURE_GLYPH = {"\u2010": "-", "\u2012": "\u2013"}

# What stands for a character that cannot be typeset at all (no fold exists).
PLACEHOLDER = "?"
PLACEHOLDER_TEX = r"\textsuperscript{?}"

class Raw(str):
    """Trusted LaTeX that is never escaped again (output of the escaper and of LaTeX-producing filters)."""


def _is_cjk(char: str) -> bool:
    """Ideographs, kana and CJK punctuation that the gbsn font (GB 2312) has; Hangul is not among them."""
    if ord(char) < 0x2E80:
        return False
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Charset:
    """What the TeX installation can set under pdflatex: code points declared for T1/TS1, and CJK support."""

    code_points: frozenset[int]
    cjk: bool

    def can_set(self, char: str) -> bool:
        return ord(char) < 0x80 or ord(char) in self.code_points


def detect_charset(kpsewhich: str = "kpsewhich") -> Charset:
    """Read the code points that T1/TS1 (and the LaTeX kernel) declare, and whether CJKutf8 is installed."""
    code_points: set[int] = set()
    found = find_tex_files(kpsewhich, "t1enc.dfu", "ts1enc.dfu", "CJKutf8.sty", "c70gbsn.fd")
    for name in ("t1enc.dfu", "ts1enc.dfu"):
        path = found.get(name)
        if path is not None:
            declared = parse_dfu(path.read_text(encoding="utf-8", errors="replace"))
            code_points |= declared if name == "t1enc.dfu" else {c for c in declared if _common_ts1(c)}
    code_points -= {0x1E9E, 0x2031}  # T1 sets capital sharp s as "SS"; Libertine has no per ten thousand
    cjk = "CJKutf8.sty" in found and "c70gbsn.fd" in found
    return Charset(frozenset(code_points), cjk)


def fallback_charset() -> Charset:
    """Latin-1 only: what any T1 installation sets (used when kpsewhich is missing)."""
    return Charset(frozenset(c for c in range(0xA1, 0x100) if c != 0xAD), False)


def _common_ts1(code: int) -> bool:
    """TS1 symbols that the fonts of both classes have (others, such as U+2031, print nothing or a wrong glyph)."""
    return (code <= 0x24F or 0x2010 <= code <= 0x2030 or code in (0x2039, 0x203A, 0x20AC, 0x2103, 0x2116, 0x2122)
            or 0x2190 <= code <= 0x2193)


def parse_dfu(text: str) -> set[int]:
    """Code points of the \\DeclareUnicodeCharacter lines of a .dfu file."""
    return {int(m.group(1), 16) for m in re.finditer(r"\\DeclareUnicodeCharacter\{([0-9A-Fa-f]+)\}", text)}


_LONG_WORD = 30  # characters without a space: longer runs (identifiers, pasted URLs) get break points
_BREAK_EVERY = 20
_LONG_RUN = re.compile(r"\S{" + str(_LONG_WORD + 1) + ",}")
# Text of these characters only prints as itself once its whitespace runs are one space, unless it holds a
# ligature pair (-- or ,,) or a long run (the escaper's fast path; tests check it agrees with escape_each).
_PLAIN = re.compile(r"[A-Za-z0-9 \t\n\r.,;:()/+=*@!?-]*")


def _long_word_breaks(value: str) -> set[int]:
    """Positions inside a very long run of non-space characters where a line may break (TeX hyphenates no word
    longer than 63 letters, and such a run would stick out of the column)."""
    return {found.start() + offset for found in _LONG_RUN.finditer(value)
            for offset in range(_BREAK_EVERY, len(found.group()), _BREAK_EVERY)}


@dataclass
class Escaper:
    """Escapes text for LaTeX under `charset`; records every character it had to degrade."""

    charset: Charset
    degraded: dict[str, str] = field(default_factory=dict)  # character -> what was printed instead

    def __call__(self, text: object) -> Raw:
        return self.escape(text)

    def escape(self, text: object) -> Raw:
        """LaTeX that prints `text` as itself (whitespace runs become one space)."""
        if isinstance(text, Raw):
            return text
        value = str(text)
        if _PLAIN.fullmatch(value) and "--" not in value and ",," not in value and not _LONG_RUN.search(value):
            return Raw(" ".join(value.split()))  # most cells and sentences: nothing to escape, degrade or break
        return self.escape_each(value)

    def escape_each(self, text: str) -> Raw:
        """escape(), character by character."""
        value = unicodedata.normalize("NFC", text)
        breaks = _long_word_breaks(value)
        out: list[str] = []
        cjk_run: list[str] = []
        previous = ""
        pending_space = False
        for position, char in enumerate(value):
            if position in breaks and not cjk_run:
                out.append("\\-")
            if char.isspace() and char != "\u00a0":
                if cjk_run:
                    out.append(_cjk(cjk_run))
                    cjk_run = []
                pending_space = bool(out)
                previous = ""
                continue
            if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
                continue
            if cjk_run and not (_is_cjk(char) and self.charset.cjk):
                out.append(_cjk(cjk_run))
                cjk_run = []
            if pending_space:
                out.append(" ")
                pending_space = False
            if (_LIGATURE_GLYPH.get(previous, previous), _LIGATURE_GLYPH.get(char, char)) in _LIGATURES:
                out.append("{}")
            previous = char
            char = _LOOKALIKES.get(char, char)
            if char in _SPECIALS:
                out.append(_SPECIALS[char])
            elif self.charset.can_set(char):
                out.append(char)
            elif _is_cjk(char) and self.charset.cjk:
                cjk_run.append(char)
            else:
                out.append(self._degrade(char))
        if cjk_run:
            out.append(_cjk(cjk_run))
        return Raw("".join(out))

    def _degrade(self, char: str) -> str:
        folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if folded and all(self.charset.can_set(c) and c not in _SPECIALS for c in folded) and folded.isprintable():
            self.degraded[char] = folded
            return folded
        self.degraded[char] = PLACEHOLDER
        return PLACEHOLDER_TEX

    def warnings(self) -> list[str]:
        """One message per degraded character, sorted."""
        return [f"cannot typeset '{char}' (U+{ord(char):04X}) with pdflatex; printed '{shown}' instead"
                for char, shown in sorted(self.degraded.items())]


def _cjk(chars: list[str]) -> str:
    # \NoCaseChange: acmart 1.88 upper-cases author names, which would turn the font name gbsn into GBSN.
    return r"\cjktext{" + "".join(chars) + "}"


# Preamble lines that the escaper's output relies on (T1 for the specials, CJKutf8 for \cjktext).
def preamble(charset: Charset) -> Raw:
    lines = [r"\usepackage[T1]{fontenc}", r"\usepackage{textcase}"]
    if charset.cjk:
        lines += [r"\usepackage{CJKutf8}",
                  r"\newcommand{\cjktext}[1]{\texorpdfstring{\NoCaseChange{\begin{CJK}{UTF8}{gbsn}#1\end{CJK}}}{#1}}"]
    else:
        lines.append(r"\newcommand{\cjktext}[1]{#1}")
    return Raw("\n".join(lines))


_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[^\s\\{}<>\"^`|]+$")
_KEY = re.compile(r"^[A-Za-z0-9:_\-.]+$")


def orcid(value: str) -> Raw | None:
    """The ORCID iD, raw, when it is well-formed (passing it through the escaper would break the link)."""
    return Raw(value) if _ORCID.match(value or "") else None


def email(value: str) -> Raw | None:
    """An e-mail address for \\email{} or text, when it is well-formed."""
    if not _EMAIL.match(value or ""):
        return None
    return Raw(value.replace("_", r"\_").replace("%", r"\%"))


def url(value: str) -> Raw | None:
    """A URL for \\url{}, when it has nothing TeX could read as markup."""
    if not _URL.match(value or ""):
        return None
    return Raw(value.replace("%", r"\%").replace("#", r"\#"))


def citekey(value: str) -> Raw:
    """A citation key or label: only [A-Za-z0-9:_-.]."""
    if not _KEY.match(value):
        raise ValueError(f"not a valid citation key or label: {value!r}")
    return Raw(value)
