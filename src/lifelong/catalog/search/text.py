"""Words: what a resource is found by, what a query asks for, and the highlighted matches.

A resource is indexed under jieba's search-mode words (`segment_for_search`) of its title,
summary, category and provider, plus every Chinese character of its title on its own, so that
a one-character query (拳, 诗) still finds titles containing it. A query asks for jieba's
accurate-mode words of its text, all of them (each is also a search-mode word of any text
containing it). Both sides are NFKC-normalised and lower-cased, so ＰＹＴＨＯＮ finds Python.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence

from lifelong.shared.text import segment, segment_for_search

MAX_QUERY_TERMS = 8
# Index and query words alike are cut to this length, so an overlong word still meets itself.
MAX_TERM_LENGTH = 40


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _clean(word: str) -> str:
    return "".join(word.split())[:MAX_TERM_LENGTH]


def text_words(text: str) -> list[str]:
    """The words a piece of text is indexed under, each once, in reading order."""
    seen: dict[str, None] = {}
    for word in segment_for_search(text or ""):
        word = _clean(word)
        if word:
            seen.setdefault(word, None)
    return list(seen)


def title_words(title: str) -> list[str]:
    """The words of a title plus each of its Chinese characters alone."""
    seen = dict.fromkeys(text_words(title))
    for char in normalise(title):
        if unicodedata.category(char) == "Lo":
            seen.setdefault(char, None)
    return list(seen)


def query_terms(query: str) -> list[str]:
    """The words a query must all match, at most `MAX_QUERY_TERMS`."""
    terms: dict[str, None] = {}
    for word in segment(normalise(query)):
        word = _clean(word)
        if word:
            terms.setdefault(word, None)
    return list(terms)[:MAX_QUERY_TERMS]


def highlight(text: str, terms: Sequence[str]) -> str:
    """`text` HTML-escaped with each occurrence of a query term wrapped in <mark>; matching
    is on the NFKC, lower-cased form, longest term first."""
    text = text or ""
    folded = normalise(text)
    if not text or not terms or len(folded) != len(text):
        # Nothing to mark, or NFKC changed the length: mark nothing rather than misplace.
        return html.escape(text)
    marked = bytearray(len(text))
    for term in sorted(set(terms), key=len, reverse=True):
        start = folded.find(term)
        while term and start != -1:
            marked[start : start + len(term)] = b"\x01" * len(term)
            start = folded.find(term, start + len(term))
    out: list[str] = []
    position = 0
    while position < len(text):
        on = marked[position]
        end = marked.find(b"\x00" if on else b"\x01", position)
        end = len(text) if end == -1 else end
        piece = html.escape(text[position:end])
        out.append(f"<mark>{piece}</mark>" if on else piece)
        position = end
    return "".join(out)
