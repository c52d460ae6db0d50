"""A small HTML reader for the catalog's page tests: elements by tag and attributes, and
their text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = field(default=None, repr=False)
    parts: list[str] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def is_inside(self, other: Element) -> bool:
        parent = self.parent
        while parent is not None:
            if parent is other:
                return True
            parent = parent.parent
        return False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.open[-1] if self.open else None)
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


class Page:
    def __init__(self, html: str | bytes) -> None:
        reader = _Reader()
        reader.feed(html.decode() if isinstance(html, bytes) else html)
        reader.close()
        self.elements = reader.elements

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        found = []
        for element in self.elements:
            if tag and element.tag != tag:
                continue
            wanted = attrs.get("class_")
            if wanted and wanted not in (element.get("class") or "").split():
                continue
            if all(
                element.get(name.rstrip("_").replace("_", "-")) == value
                for name, value in attrs.items()
                if name != "class_"
            ):
                found.append(element)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag}> with {attrs}, found {len(found)}"
        return found[0]

    @property
    def text(self) -> str:
        return self.one("body").text


def page(response) -> Page:
    return Page(response.content)
