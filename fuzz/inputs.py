"""Random inputs for the fuzz targets; every generator draws only from the random.Random it is given (reproducible).

Generators build hostile text from scratch (YAML punctuation, BibTeX, queries, Unicode with TeX specials) or
mutate real material (the entries of the knowledge base and the BibTeX records inside them).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import yaml

# --- Unicode ----------------------------------------------------------------------------------------------------

_RANGES: tuple[tuple[int, int], ...] = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1
    (0x100, 0x24F),  # Latin Extended A and B
    (0x300, 0x36F),  # combining marks
    (0x370, 0x3FF),  # Greek
    (0x400, 0x4FF),  # Cyrillic
    (0x590, 0x5FF),  # Hebrew (right to left)
    (0x600, 0x6FF),  # Arabic (right to left)
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # general punctuation: spaces, zero-width and bidi controls, line and paragraph separators
    (0x20A0, 0x214F),  # currency, letterlike symbols
    (0x2190, 0x23FF),  # arrows, mathematical operators
    (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
    (0x4E00, 0x9FFF),  # CJK ideographs
    (0xAC00, 0xD7A3),  # Hangul
    (0xE000, 0xE0FF),  # private use
    (0xFB00, 0xFB06),  # ligatures
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFF00, 0xFFEF),  # full-width forms
    (0xFFF0, 0xFFFF),  # specials and non-characters
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics
    (0x1F300, 0x1FAFF),  # emoji
    (0xE0000, 0xE007F),  # tags
    (0x0, 0x1F),  # C0 controls
    (0x7F, 0x9F),  # DEL and C1 controls
)
TEX_SPECIALS = "\\{}$&#^_%~<>|\"'`[]-,!?"
_TEX_FRAGMENTS = (
    r"\input{/etc/passwd}", r"\immediate\write18{touch x}", "^^5c", "^^M", "^^^^005c", "^^", "\\", "\\\\", "{", "}",
    "%", "#", "##1", "$", "$$", "&", "_", "~", "^", r"\csname", r"\endcsname", r"\def\x{}", r"\catcode`\^=7",
    r"\end{document}", r"\par", "\n\n", "``", "''", "--", "---", ",,", "!`", "?`", "<<", ">>", "|", '"', "\u00a0",
    r"\verb|x|", r"\iffalse", r"\fi", r"\\[2pt]", "[", "]", r"\item", r"\noindent", r"\begin{CJK}", r"\cjktext{",
    "\\u00e9", "{}", "{{", "}}", r"\relax", r"\expandafter", r"\uppercase{", r"\'e", r'\"u', "QQ", "\x00", "\r",
    "\t", "\u202e", "\u2066", "\u200b", "\ufeff", "e\u0301", "a\u0308\u0323", "\u0301", "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1fa\U0001f1f8", "朱振华", "김민준", "שלום", "مرحبا", "Ngô Bảo Châu",
    "ﬁ", "µ", "μ", "ß", "ẞ", "‰", "‱", "Đ", "½", "²",
)


def unicode_char(rng: random.Random) -> str:
    """One code point from a mix of scripts, controls and symbols (never a lone surrogate)."""
    low, high = rng.choice(_RANGES)
    if rng.random() < 0.03:
        low, high = 0, 0x10FFFF
    while True:
        code = rng.randint(low, high)
        if not 0xD800 <= code <= 0xDFFF:
            return chr(code)


def unicode_text(rng: random.Random, max_length: int = 24) -> str:
    """A short string of mixed Unicode, now and then with TeX specials and tricky fragments."""
    parts: list[str] = []
    for _ in range(rng.randint(0, max_length)):
        roll = rng.random()
        if roll < 0.6:
            parts.append(unicode_char(rng))
        elif roll < 0.8:
            parts.append(rng.choice(TEX_SPECIALS))
        elif roll < 0.9:
            parts.append(rng.choice(_TEX_FRAGMENTS))
        else:
            parts.append(rng.choice(" \t\n"))
    return "".join(parts)


def tex_hostile_text(rng: random.Random) -> str:
    """A string meant to break LaTeX: markup, catcode tricks, controls, combining marks, bidi, CJK, emoji."""
    parts = [rng.choice(_TEX_FRAGMENTS) if rng.random() < 0.5 else unicode_text(rng, 6)
             for _ in range(rng.randint(1, 8))]
    return "".join(parts)


# --- YAML ---------------------------------------------------------------------------------------------------------

_YAML_TOKENS = (
    "id", "title", "people", "metrics", "name", "a", "b", "x", ": ", ":", "- ", "-", "[", "]", "{", "}", ", ", ",",
    "&a ", "*a", "&b ", "*b", "& ", "* ", "!!python/object/apply:os.system ", "!!python/name:os.system ", "!!str ",
    "!!int ", "!!float ", "!!binary ", "!!set ", "!!omap ", "!!timestamp ", "!custom ", "!<tag:yaml.org,2002:str> ",
    "!<!> ", "! ", "!!map ", "!!seq ", "!e!x ", "%YAML 1.1\n", "%YAML 2.0\n", "%TAG !e! tag:example.com,2000:\n",
    "---\n", "--- ", "...\n", "|\n", "|-\n", "|+\n", ">\n", ">2-\n", "|9\n", '"', "'", "\\", '"\\x', '"\\u12',
    '"\\N"', '"\\_"', "'it''s'", "# comment", "#", "? ", "?", "<<: ", "<<", "~", "null", "Null", "true", "yes", "No",
    "on", "0x1F", "0o17", "0b101", "1_000", "1:20", "190:20:30", "1e400", "-1e-400", "-.inf", ".NaN", "2024-13-45",
    "2001-12-14t21:59:43.10-05:00", "2024-02-30", "2024-1-1 1:2:3", "9999999999-01-01", "12:30:45", "=", "@", "`",
    "%", "\t", " ", "  ", "    ", "\n", "\n", "\n", "\r\n", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "\x00",
    "\x1b", "\x7f", "\ud7ff", "\ue000", "\uffff", "é", "朱", "\U0001f600", "\u202e", "\u00a0",
)


def yamlish_text(rng: random.Random) -> str:
    """Text built from YAML punctuation, tags, anchors, directives, odd scalars and line breaks of every kind."""
    out: list[str] = []
    for _ in range(rng.randint(0, 80)):
        token = rng.choice(_YAML_TOKENS) if rng.random() < 0.85 else unicode_text(rng, 4)
        out.append(token)
        if token.endswith("\n") and rng.random() < 0.5:
            out.append(" " * rng.choice((0, 1, 2, 4, 8, 40)))
    return "".join(out)


def nested_text(rng: random.Random) -> str:
    """Deep nesting of every kind, and anchor/alias expansion of every size."""
    depth = rng.choice((1, 2, 10, 62, 63, 64, 65, 66, 100, 1000, 5000))
    kind = rng.randrange(7)
    if kind == 0:
        return "id: " + "[" * depth + "x" + "]" * rng.choice((depth, depth - 1, 0)) + "\n"
    if kind == 1:
        return "- " * depth + "x\n"
    if kind == 2:
        return "a: " + "{b: " * depth + "1" + "}" * depth + "\n"
    if kind == 3:
        return "".join(" " * (2 * i) + f"k{i}:\n" for i in range(min(depth, 400))) + " " * 800 + "x\n"
    if kind == 4:
        return "".join(" " * i + "-\n" for i in range(min(depth, 400)))
    if kind == 5:  # billion laughs of random width and height
        width, height = rng.randint(1, 12), rng.randint(1, 12)
        lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
        lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, height)]
        return "\n".join(lines) + "\n"
    return "a: &a [*a]\n" if rng.random() < 0.5 else "a: *a\nb: &a 1\n"


def random_data(rng: random.Random, depth: int = 0) -> Any:
    """Plain data of every YAML type, a few levels deep."""
    roll = rng.random()
    if depth < 4 and roll < 0.15:
        return {random_scalar(rng) if rng.random() < 0.2 else unicode_text(rng, 8): random_data(rng, depth + 1)
                for _ in range(rng.randint(0, 4))}
    if depth < 4 and roll < 0.3:
        return [random_data(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return random_scalar(rng)


def random_scalar(rng: random.Random) -> Any:
    """A scalar of a random type: text, numbers at the edges, booleans, null, dates."""
    roll = rng.randrange(9)
    if roll == 0:
        return None
    if roll == 1:
        return rng.choice((True, False))
    if roll == 2:
        return rng.choice((0, -1, 1, 2024, 2 ** 63, -(2 ** 80), 10 ** 400 if rng.random() < 0.1 else 7))
    if roll == 3:
        return rng.choice((0.0, -0.0, 1e-320, 1e308, float("inf"), float("-inf"), float("nan"), 2.81, -3.5e9))
    if roll == 4:
        return rng.choice(_WORDS)
    return unicode_text(rng, 16)


_WORDS = (
    "", " ", "x", "%", "TOPS/W", "GOPS/mm^2", "uJ/token", "GB/s", "ms", "MHz", "V", "nm", "mm^2", "TOPS/W/W",
    "1/0", "m**999", "x^2", "(", ")", "**", "e", "inf", "nan", "1e999 m", "km^300", "TOPS/pm^200", "Ym^20", "m^-999",
    "hbm3", "HBM3", "sram", "rram", "reram",
    "dram", "near-bank", "digital-imc", "speedup", "energy-efficiency", "latency", "silicon", "cycle-simulation",
    "decode", "prefill", "int8", "int4", "fp16", "ternary", "binary", "poster", "keynote", "invited-talk",
    "related-work", "presenter", "speaker", "author", "chair", "up-to", "peak", "0000-0002-1825-0097",
    "0000-0002-1825-0098", "10.1145/3620665.3640422", "https://doi.org/10.1/x", "10.", "2401.00001", "2401.00001v2",
    "hep-th/9901001", "a@b.co", "not an address", "https://example.org/\\input", "2024-13-01", "2024-02-29",
    "attacc-asplos24", "aim-gddr6-isscc22", "Attacc-ASPLOS24", "-", "--", "id", "confirmed", "declined", "invited",
    "@article{x, title={T}}", "@article{x,", "{", "}", "\\", "null", "~", "yes", "no", "0o17", "0x1F", "1_000",
)


def yaml_value_text(rng: random.Random) -> str:
    """A YAML value as written after `key: `: plain, quoted, flow collections, numbers at the edges, bare Unicode."""
    roll = rng.randrange(8)
    if roll == 0:
        return unicode_text(rng, 12).replace("\n", " ")  # bare, unquoted: often invalid YAML on purpose
    if roll == 1:
        return json.dumps(unicode_text(rng, 12), ensure_ascii=rng.random() < 0.5)
    if roll == 2:
        return rng.choice(_WORDS)
    if roll == 3:
        return rng.choice(("", "~", "null", "[]", "{}", "[~]", "[[]]", "|", ">-", "&x", "*x", "&x 1", "!!str 1",
                           "!!python/none ''", "? x", "- x", "[a, [b, [c]]]", "{a: 1, a: 2}", "'unterminated",
                           '"unterminated', "x # comment", "x: y", "x:y", "[1, 2", "{a: 1", "1.2.3", "1e400",
                           "-1e400", ".inf", ".nan", "0x7fffffffffffffffff", "99999999999999999999999"))
    try:
        text = yaml.safe_dump(random_data(rng), default_flow_style=True, allow_unicode=rng.random() < 0.5,
                              width=1 << 20)
    except (yaml.YAMLError, ValueError, OverflowError):
        return "x"
    return text.removesuffix("\n").removesuffix("\n...").replace("\n", " ")


def valid_value_text(rng: random.Random) -> str:
    """A value that keeps the document valid YAML (so the checker's rules see it): text, words, numbers, lists."""
    roll = rng.randrange(5)
    if roll == 0:
        value: Any = unicode_text(rng, 12)
    elif roll == 1:
        value = rng.choice(_WORDS)
    elif roll == 2:
        return rng.choice(("~", "null", "true", "0", "-1", "2.5", "1e400", ".inf", ".nan", "[]", "{}", "2024",
                           "2024-02-29", "[hbm3, sram]", "[x, 1, ~]", "{a: 1}", "99999999999999999999999"))
    else:
        value = random_data(rng)
    try:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 20,
                              default_style='"' if isinstance(value, str) else None)
    except (yaml.YAMLError, ValueError, OverflowError):
        return "x"
    return text.removesuffix("\n").removesuffix("\n...").replace("\n", " ")


def structured_yaml(rng: random.Random) -> str:
    """Random plain data dumped as YAML in block or flow style."""
    data = random_data(rng)
    try:
        return yaml.safe_dump(data, default_flow_style=rng.choice((None, True, False)),
                              allow_unicode=rng.random() < 0.7, width=rng.choice((20, 80, 1 << 20)),
                              indent=rng.choice((2, 4, 9)))
    except (yaml.YAMLError, ValueError, OverflowError):
        return "x: 1\n"


def random_bytes(rng: random.Random) -> bytes:
    """Arbitrary bytes, now and then behind a byte order mark or around NULs and broken UTF-8."""
    body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
    prefix = rng.choice((b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"id: "))
    return prefix + body


def encode(rng: random.Random, text: str) -> bytes:
    """Text as bytes: usually UTF-8, sometimes behind a BOM, with CRLF or CR line ends, in UTF-16 or Latin-1."""
    roll = rng.random()
    if roll < 0.1:
        text = text.replace("\n", "\r\n")
    elif roll < 0.13:
        text = text.replace("\n", "\r")
    if rng.random() < 0.08:
        text = "\ufeff" + text
    roll = rng.random()
    if roll < 0.04:
        return text.encode("utf-16", errors="surrogatepass")
    if roll < 0.08:
        return text.encode("latin-1", errors="replace")
    return text.encode("utf-8", errors="surrogatepass")


def flip_bytes(rng: random.Random, raw: bytes) -> bytes:
    """A few bytes replaced, deleted or inserted (breaks UTF-8 sequences, adds NULs and high bytes)."""
    data = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        position = rng.randint(0, len(data))
        action = rng.randrange(3)
        if action == 0 and position < len(data):
            data[position] = rng.randrange(256)
        elif action == 1 and position < len(data):
            del data[position]
        else:
            data[position:position] = bytes([rng.choice((0x00, 0x80, 0xC3, 0xE2, 0xF0, 0xFF, 0x0D, 0x09, 0x85))])
    return bytes(data)


def yaml_document(rng: random.Random, entries: Sequence[str]) -> bytes:
    """Bytes for the YAML loader: random bytes, YAML-ish text, deep nesting, dumped data or a mutated real entry."""
    roll = rng.randrange(6)
    if roll == 0:
        return random_bytes(rng)
    if roll == 1:
        return encode(rng, yamlish_text(rng))
    if roll == 2:
        return encode(rng, nested_text(rng))
    if roll == 3:
        return encode(rng, structured_yaml(rng))
    if roll == 4 and entries:
        return mutate_entry(rng, rng.choice(entries)).data
    return flip_bytes(rng, encode(rng, yamlish_text(rng) + structured_yaml(rng)))


# --- mutations of real entries ------------------------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[^\s:#'\"\[{][^:#]*?):(?P<gap>\s+|$)(?P<value>.*)$")
_PUNCTUATION = (":", "-", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "#", "?", "<<",
                "\t", "\n", " ", "\\")


@dataclass
class Mutated:
    """A mutated document and the names of the mutations that made it (for the reproducer)."""

    data: bytes
    steps: list[str] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _delete_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _duplicate_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    index = rng.randrange(len(lines))
    lines.insert(index, lines[index])
    return "\n".join(lines)


def _swap_lines(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    first, second = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[first], lines[second] = lines[second], lines[first]
    return "\n".join(lines)


def _insert_punctuation(rng: random.Random, text: str) -> str:
    position = rng.randint(0, len(text))
    return text[:position] + rng.choice(_PUNCTUATION) + text[position:]


def _key_lines(text: str) -> list[tuple[int, re.Match[str]]]:
    return [(i, m) for i, line in enumerate(_lines(text)) if (m := _KEY_LINE.match(line))]


def _replace_scalar(rng: random.Random, text: str, value: Callable[[random.Random], str] = yaml_value_text,
                    inline_only: bool = False) -> str:
    lines, found = _lines(text), _key_lines(text)
    if inline_only:  # a key that opens a block (`people:`, `bibtex: |`) keeps it: replacing it breaks the YAML
        found = [(i, m) for i, m in found if m["value"].strip() and m["value"].strip()[0] not in "|>"]
    if not found:
        return text
    index, match = rng.choice(found)
    lines[index] = f"{match['lead']}{match['key']}: {value(rng)}"
    return "\n".join(lines)


def _replace_list_item(rng: random.Random, text: str,
                       value: Callable[[random.Random], str] = yaml_value_text) -> str:
    lines = _lines(text)
    items = [i for i, line in enumerate(lines) if re.match(r"^\s*- [^:]*$", line)]
    if not items:
        return text
    index = rng.choice(items)
    lead = lines[index][:lines[index].index("- ") + 2]
    lines[index] = lead + value(rng)
    return "\n".join(lines)


def _rename_key(rng: random.Random, text: str, choices: int = 5) -> str:
    lines, found = _lines(text), _key_lines(text)
    if not found:
        return text
    index, match = rng.choice(found)
    key = match["key"]
    roll = rng.randrange(choices)
    if roll == 0 and len(key) > 1:  # a typo
        cut = rng.randrange(len(key))
        key = key[:cut] + key[cut + 1:]
    elif roll == 1:
        key = rng.choice([m["key"] for _, m in found])
    elif roll == 2:
        key = key.upper() if rng.random() < 0.5 else key.replace("_", "-")
    elif roll == 3:
        key = rng.choice(("", "<<", "? x", "1", "null", "~", "[a]", "{a: 1}", "&k key", "*k", "!!str id", "'id'",
                          '"title"', "ид", "x" * 300))
    else:
        key = unicode_text(rng, 8).replace("\n", "") or "k"
    lines[index] = f"{match['lead']}{key}:{match['gap']}{match['value']}"
    return "\n".join(lines)


def _truncate(rng: random.Random, text: str) -> str:
    return text[:rng.randint(0, len(text))]


def _tabs(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    index = rng.randrange(len(lines))
    stripped = lines[index].lstrip(" ")
    lines[index] = "\t" * rng.randint(1, 3) + stripped if rng.random() < 0.7 else lines[index] + "\t"
    return "\n".join(lines)


def _deep_indent(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    start = rng.randrange(len(lines))
    end = min(len(lines), start + rng.randint(1, 20))
    extra = " " * rng.choice((1, 2, 3, 8, 64, 500))
    lines[start:end] = [extra + line for line in lines[start:end]]
    return "\n".join(lines)


def _insert_random_line(rng: random.Random, text: str) -> str:
    lines = _lines(text)
    index = rng.randint(0, len(lines))
    indent = " " * rng.choice((0, 0, 2, 4, 6))
    line = rng.choice((f"{indent}{rng.choice(_FIELD_NAMES)}: {yaml_value_text(rng)}",
                       f"{indent}- {yaml_value_text(rng)}", indent + yamlish_text(rng).replace("\n", " ")[:80]))
    lines.insert(index, line)
    return "\n".join(lines)


def _block_of_unicode(rng: random.Random, text: str) -> str:
    """A field's value replaced by a literal or folded block of random Unicode lines."""
    lines, found = _lines(text), _key_lines(text)
    if not found:
        return text
    index, match = rng.choice(found)
    indent = " " * (len(match["lead"]) + 2)
    block = [indent + unicode_text(rng, 30).replace("\n", " ") for _ in range(rng.randint(0, 4))]
    lines[index:index + 1] = [f"{match['lead']}{match['key']}: {rng.choice(('|', '>-', '|+', '>'))}", *block]
    return "\n".join(lines)


_FIELD_NAMES = ("id", "type", "title", "people", "venue", "year", "doi", "arxiv", "url", "bibtex", "draws_on",
                "versions", "precision", "models", "workloads", "evaluation", "summary", "verified_by", "notes",
                "metrics", "architecture", "level", "memory", "domain", "compression", "phases", "challenges",
                "topics", "kind", "value", "range", "unit", "qualifier", "baseline", "source", "locator", "quote",
                "conditions", "name", "role", "orcid", "email", "affiliations", "consent", "node_nm", "method", "tool")

_TEXT_MUTATIONS: dict[str, Callable[[random.Random, str], str]] = {
    "delete-line": _delete_line, "duplicate-line": _duplicate_line, "swap-lines": _swap_lines,
    "insert-punctuation": _insert_punctuation, "replace-scalar": _replace_scalar,
    "replace-list-item": _replace_list_item, "rename-key": _rename_key, "truncate": _truncate, "tabs": _tabs,
    "deep-indent": _deep_indent, "insert-line": _insert_random_line, "unicode-block": _block_of_unicode,
}
# Value replacements are the most telling mutations (they reach the model and the checker's rules): favour them.
_WEIGHTS = {"replace-scalar": 6, "replace-list-item": 3, "rename-key": 3, "insert-line": 2, "delete-line": 2}
# Mutations that keep the document valid YAML, so that the model and every rule of the checker see the change.
_VALID_MUTATIONS: dict[str, Callable[[random.Random, str], str]] = {
    "replace-scalar-valid": partial(_replace_scalar, value=valid_value_text, inline_only=True),
    "replace-list-item-valid": partial(_replace_list_item, value=valid_value_text),
    "rename-key-valid": partial(_rename_key, choices=3),
}


def mutate_entry(rng: random.Random, text: str) -> Mutated:
    """A real entry with one to four random mutations: half the time ones that keep it valid YAML, otherwise any,
    at the text level and now and then at the byte level."""
    steps: list[str] = []
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            name = rng.choices(list(_VALID_MUTATIONS), (4, 2, 1))[0]
            text = _VALID_MUTATIONS[name](rng, text)
            steps.append(name)
        return Mutated(text.encode("utf-8"), steps)
    names = list(_TEXT_MUTATIONS)
    weights = [_WEIGHTS.get(name, 1) for name in names]
    if rng.random() < 0.15:
        text, step = _mutate_data(rng, text)
        steps.append(step)
    for _ in range(rng.randint(1, 4)):
        name = rng.choices(names, weights)[0]
        text = _TEXT_MUTATIONS[name](rng, text)
        steps.append(name)
    data = encode(rng, text)
    if rng.random() < 0.1:
        data = flip_bytes(rng, data)
        steps.append("flip-bytes")
    return Mutated(data, steps)


def data_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += data_paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += data_paths(value, prefix + (index,))
    return found


def _mutate_data(rng: random.Random, text: str) -> tuple[str, str]:
    """Parse, replace or delete the value at a random path, dump again (the file's layout is lost)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return text, "data-unparsable"
    paths = data_paths(data)
    if not paths:
        return text, "data-empty"
    path = rng.choice(paths)
    holder = data
    for part in path[:-1]:
        holder = holder[part]
    if rng.random() < 0.2 and isinstance(holder, dict):
        del holder[path[-1]]
    else:
        holder[path[-1]] = random_data(rng)
    try:
        dumped = yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False, width=rng.choice((40, 1000)))
    except (yaml.YAMLError, ValueError, OverflowError):
        return text, "data-undumpable"
    return dumped, f"data-replace{list(path)}"


# --- queries -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryWords:
    """What a grammar-aware query draws from: field, condition and metric names, term ids, units."""

    fields: tuple[str, ...]
    conditions: tuple[str, ...]
    metrics: tuple[str, ...]
    terms: tuple[str, ...]
    units: tuple[str, ...]


_QUERY_ALPHABET = "ab=!<>~()[],\"' .-10*?ORANDNOTornadnot\t\n%/^\\{}:;#"
_OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "~", "==", "=<", "=>", "!", "<>")


def random_query_text(rng: random.Random) -> str:
    """A short string from the query language's punctuation and keywords, with a little Unicode."""
    chars = [rng.choice(_QUERY_ALPHABET) if rng.random() < 0.9 else unicode_char(rng)
             for _ in range(rng.randint(0, 40))]
    return "".join(chars)


def grammar_query(rng: random.Random, words: QueryWords, depth: int = 0) -> str:
    """A query from the filter language's grammar with real names, now and then broken by one edit."""
    text = _or_expr(rng, words, depth)
    if rng.random() < 0.3:
        text = _corrupt(rng, text)
    return text


def _or_expr(rng: random.Random, words: QueryWords, depth: int) -> str:
    items = [_and_expr(rng, words, depth) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    return f" {rng.choice(('OR', 'or', 'Or'))} ".join(items)


def _and_expr(rng: random.Random, words: QueryWords, depth: int) -> str:
    items = [_unary(rng, words, depth) for _ in range(rng.choice((1, 1, 2, 3)))]
    return rng.choice((" ", " AND ", " and ", "  ")).join(items)


def _unary(rng: random.Random, words: QueryWords, depth: int) -> str:
    roll = rng.random()
    if roll < 0.1:
        return "NOT " + _unary(rng, words, depth + 1)
    if roll < 0.2 and depth < 4:
        return "(" + _or_expr(rng, words, depth + 1) + ")"
    return _term(rng, words)


def _value(rng: random.Random, words: QueryWords) -> str:
    roll = rng.randrange(7)
    if roll == 0:
        return rng.choice(words.terms)
    if roll == 1:
        return str(rng.choice((0, 1, 2, 4, 8, 10, 2023, 2024, -1, 1e9, 0.5, 1e400)))
    if roll == 2:
        return rng.choice(("*", "?", "talk-*", "a*b?", "*-asplos24", "1e", "1e5", "inf", "nan", "-0", "0x10",
                           "1_0", "١٢", "²", "½"))
    if roll == 3:
        return '"' + unicode_text(rng, 8).replace('"', "") + '"'
    if roll == 4:
        return rng.choice(words.fields + words.metrics)
    if roll == 5:
        return unicode_text(rng, 6).replace('"', "").replace("'", "").strip() or "x"
    return rng.choice(_WORDS).replace('"', "").replace("'", "").strip() or "x"


def _term(rng: random.Random, words: QueryWords) -> str:
    roll = rng.random()
    if roll < 0.1:
        return '"' + unicode_text(rng, 10).replace('"', "") + '"'
    if roll < 0.15:
        return rng.choice(("attention", "PIM", "in-memory", unicode_text(rng, 5).strip() or "x"))
    if roll < 0.45:  # a metric, maybe with conditions and a unit
        name = rng.choice(words.metrics)
        conditions = ""
        if rng.random() < 0.4:
            parts = [f"{rng.choice(words.conditions)}{rng.choice(_OPERATORS[:7])}{_value(rng, words)}"
                     for _ in range(rng.randint(1, 3))]
            conditions = "[" + rng.choice((" ", ",", ", ")).join(parts) + "]"
        if rng.random() < 0.2 and conditions:
            return name + conditions
        number = str(rng.choice((1, 10, 0.5, 1e-3, 2.81, 1e300, -5, 0)))
        unit = rng.choice(words.units + ("", "", "furlong", "m/s", "TOPS/W/W", "1/0", "**", "e", "%", "x", "km^300",
                                         "TOPS/pm^200"))
        glue = rng.choice(("", " ")) if unit else ""
        return f"{name}{conditions}{rng.choice(_OPERATORS[:7])}{number}{glue}{unit}"
    name = rng.choice(words.fields)
    values = ",".join(_value(rng, words) for _ in range(rng.choice((1, 1, 1, 2, 3))))
    return f"{name}{rng.choice(_OPERATORS)}{values}"


def _corrupt(rng: random.Random, text: str) -> str:
    if not text:
        return rng.choice(_QUERY_ALPHABET)
    position = rng.randrange(len(text))
    roll = rng.randrange(4)
    if roll == 0:
        return text[:position] + text[position + 1:]
    if roll == 1:
        return text[:position] + rng.choice("=!<>~()[],\"' ") + text[position:]
    if roll == 2:
        end = rng.randint(position, len(text))
        return text[:end] + text[position:end] + text[end:]
    return text[:position] + unicode_char(rng) + text[position:]


# --- BibTeX ------------------------------------------------------------------------------------------------------

_BIB_FRAGMENTS = (
    "{", "}", "{{", "}}", '"', "@", ",", "=", "#", "%", "\\", "(", ")", "\n", " and ", " and others", "and and",
    r"{\"u}", r"{\L}", r"\'{e}", r"\c{c}", r"\v{s}", r"$\alpha$", r"\url{http://x}", r"\textbf{", r"\\", r"\&",
    r"{\ss}", r"\o", r"\AA{}", r"\~n", r"\^{\i}", r"\newcommand{\x}{}", r"\input{x}", "--", "~", "Müller", "朱振华",
    ", Jr,", ",,", "{and}", "@comment{", "@string{", "@preamble{", "@inproceedings{", " # ", "jan", "oct", "nosuch",
)
_BIB_TYPES = ("article", "inproceedings", "misc", "book", "ARTICLE", "InProceedings", "techreport", "online",
              "string", "comment", "preamble", "", "weird-type", "entry")


def random_bib_record(rng: random.Random) -> str:
    """A record built from scratch: any type, key and fields, values in braces, quotes, numbers or macros."""
    fields = []
    for _ in range(rng.randint(0, 6)):
        name = rng.choice(("title", "author", "editor", "year", "date", "journal", "booktitle", "publisher", "doi",
                           "eprint", "archivePrefix", "eprinttype", "url", "month", "pages", "note",
                           unicode_text(rng, 4).strip() or "x"))
        roll = rng.randrange(5)
        if roll == 0:
            value = "{" + unicode_text(rng, 20) + "}"
        elif roll == 1:
            value = '"' + unicode_text(rng, 20).replace('"', "") + '"'
        elif roll == 2:
            value = str(rng.choice((2024, 0, 99999, -1)))
        elif roll == 3:
            value = rng.choice(("jan", "esweek", "nosuch", "x # y", '"a" # {b} # 2024', "{a} # jan"))
        else:
            value = "{" + "".join(rng.choice(_BIB_FRAGMENTS) for _ in range(rng.randint(0, 6))) + "}"
        fields.append(f"  {name} = {value}")
    key = rng.choice(("key2024", "", "a b", "ключ", "x,y", "k" * 200, unicode_text(rng, 6).replace("\n", "")))
    opening, closing = rng.choice((("{", "}"), ("(", ")"), ("{", ""), ("{", ")")))
    return f"@{rng.choice(_BIB_TYPES)}{opening}{key},\n" + ",\n".join(fields) + f"\n{closing}\n"


def mutate_bib_record(rng: random.Random, record: str) -> str:
    """A real record with a few edits: punctuation and LaTeX inserted, values replaced, lines lost, text cut."""
    for _ in range(rng.randint(1, 4)):
        roll = rng.randrange(6)
        position = rng.randint(0, len(record))
        if roll == 0:
            record = record[:position] + rng.choice(_BIB_FRAGMENTS) + record[position:]
        elif roll == 1 and record:
            end = min(len(record), position + rng.randint(1, 10))
            record = record[:position] + record[end:]
        elif roll == 2:
            lines = record.split("\n")
            index = rng.randrange(len(lines))
            action = rng.randrange(3)
            if action == 0:
                del lines[index]
            elif action == 1:
                lines.insert(index, lines[index])
            else:
                value = rng.choice(("{" + unicode_text(rng, 12) + "}", "nosuch", "jan # 2024",
                                    '"' + unicode_text(rng, 6) + '"', "{", "}", ""))
                equals = lines[index].find("=")
                lines[index] = lines[index][:equals] + "= " + value if equals >= 0 else lines[index] + value
            record = "\n".join(lines)
        elif roll == 3:
            record = record[:position]
        elif roll == 4:
            record = record[:position] + unicode_text(rng, 6) + record[position:]
        else:
            record = record.replace("{", "(", 1).replace("}", ")", 1) if rng.random() < 0.5 else record.upper()
    return record


def bibtex_text(rng: random.Random, records: Sequence[str]) -> str:
    """A .bib file: real records (intact or mutated), records from scratch, macros, comments and junk between."""
    pieces: list[str] = []
    if rng.random() < 0.3:
        name, value = rng.choice(("esweek", "x", "jan", "")), rng.choice(("{A} # {B}", '"Q"', "x", "{"))
        pieces.append(f"@string{{{name} = {value}}}")
    for _ in range(rng.randint(1, 5)):
        roll = rng.randrange(6)
        if roll in (0, 1) and records:
            pieces.append(mutate_bib_record(rng, rng.choice(records)))
        elif roll == 2 and records:
            pieces.append(rng.choice(records))
        elif roll == 3:
            pieces.append(random_bib_record(rng))
        elif roll == 4:
            pieces.append(rng.choice(("% a comment", "@comment{ jabref-meta: {groups} }", "junk between records",
                                      "@preamble{\"\\newcommand{\\x}{}\"}", unicode_text(rng, 20))))
        else:
            pieces.append("".join(rng.choice(_BIB_FRAGMENTS) for _ in range(rng.randint(1, 30))))
    return rng.choice(("\n", "\n\n", "", "\r\n")).join(pieces)
