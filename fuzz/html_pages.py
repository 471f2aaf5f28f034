"""What a page of the website may hold, read with Python's HTML parser (the html target's and the tests' oracle).

The site's templates make a known set of elements; an entry's text must never add one, nor an event handler, an
inline script or style, or a link anywhere but into the site or to an http(s) address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Every element the site's templates write (templates/site/*.j2).
TEMPLATE_TAGS = frozenset({
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "p", "nav", "ul", "li", "main",
    "footer", "code", "h1", "h2", "h3", "h4", "h5", "h6", "form", "label", "select", "option", "input", "button",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "span", "article", "dl", "dt", "dd", "section",
    "blockquote", "pre", "div", "figure", "img", "figcaption"})
_URL_ATTRIBUTES = ("href", "src", "action", "formaction")


@dataclass
class PageFacts:
    tags: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # text content, one string per text run
    links: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value) of href and src
    ids: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return "".join(self.texts)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        facts = self.facts
        facts.tags.append(tag)
        if tag not in TEMPLATE_TAGS:
            facts.problems.append(f"element <{tag}> that no template writes")
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                facts.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name == "style":
                facts.problems.append(f"inline style on <{tag}>")
            if name == "id" and value:
                facts.ids.add(value)
            if name in _URL_ATTRIBUTES and value is not None:
                facts.links.append((name, value))
                if ":" in value.split("/")[0].split("#")[0] and not value.startswith(("https://", "http://")):
                    facts.problems.append(f"{name}={value!r} on <{tag}> leads to a scheme other than http(s)")
        if tag == "script":
            if not (values.get("src") or "").endswith("assets/site.js"):
                facts.problems.append(f"a script other than the site's: {values}")
            self._in_script = True
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            facts.problems.append("a meta refresh")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.facts.problems.append(f"inline script {data[:60]!r}")
        self.facts.texts.append(data)


def read_page(html: str) -> PageFacts:
    """The elements, problems, text, links and ids of one page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.facts
