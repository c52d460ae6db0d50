"""Chinese word segmentation (jieba) for search and analysis.

Chinese has no spaces between words, so a search index must be fed words, not characters:
`segment_for_search` gives the fine-grained words of jieba's search mode (太极拳 and 太极), so
that a query for either finds the text. The platform's own vocabulary (学分银行, 人文行走, 八段锦
…) ships in `data/lifelong_userdict.txt`; a deployment may add its own file through the
`LIFELONG_JIEBA_USERDICT` setting, and code may add words with `add_words`.

jieba's dictionary takes about a second and some 50 MB to load, so it is loaded on first use,
once per process, under a lock; jieba's own chatter on stderr is silenced.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import jieba

BUILTIN_USERDICT = Path(__file__).with_name("data") / "lifelong_userdict.txt"


class _Segmenter:
    """One jieba tokenizer of our own, so that nothing else in the process that uses jieba's
    global instance sees our words, and we do not see theirs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: jieba.Tokenizer | None = None

    def tokenizer(self) -> jieba.Tokenizer:
        tokenizer = self._tokenizer
        if tokenizer is not None:
            return tokenizer
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = self._build()
            return self._tokenizer

    def add_words(self, words: list[str]) -> None:
        tokenizer = self.tokenizer()
        # jieba's add_word updates two structures non-atomically; keep writers apart.
        with self._lock:
            for word in words:
                tokenizer.add_word(word)

    @staticmethod
    def _build() -> jieba.Tokenizer:
        import jieba

        # jieba attaches a DEBUG-level stderr handler to its logger when imported, which would
        # override the LOGGING setting; only its warnings are worth seeing.
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(_cache_dir())
        tokenizer.initialize()
        tokenizer.load_userdict(str(BUILTIN_USERDICT))
        extra = getattr(settings, "LIFELONG_JIEBA_USERDICT", None)
        if extra:
            tokenizer.load_userdict(str(extra))
        return tokenizer


def _cache_dir() -> Path:
    # jieba caches its parsed dictionary as a file; a shared /tmp/jieba.cache written by another
    # user would be unreadable here, so keep ours beside the rest of the instance's state.
    var_dir = getattr(settings, "VAR_DIR", None)
    path = Path(var_dir) / "cache" if var_dir else Path(tempfile.gettempdir())
    path.mkdir(parents=True, exist_ok=True)
    return path


_segmenter = _Segmenter()


def _is_word(token: str) -> bool:
    """A token worth keeping holds at least one letter or digit: punctuation, symbols and
    whitespace carry nothing to search for."""
    return any(unicodedata.category(c)[0] in "LN" for c in token)


def segment(text: str) -> list[str]:
    """Words of `text` in reading order (jieba's accurate mode), as they appear in it, without
    punctuation or whitespace."""
    return [w for w in _segmenter.tokenizer().cut(text, HMM=True) if _is_word(w)]


def segment_for_search(text: str) -> list[str]:
    """Words to index or query by: jieba's search mode, which also yields the shorter words
    inside long ones (八段锦 → 八段, 八段锦); lower-cased, full-width letters and digits folded to
    ASCII (NFKC), punctuation and whitespace dropped."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    return [w for w in _segmenter.tokenizer().cut_for_search(normalized, HMM=True) if _is_word(w)]


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter words it would otherwise split (course titles, place names).

    Each word must be non-empty and hold no whitespace: jieba splits text at whitespace before
    it looks anything up, so such an entry could never match.
    """
    checked: list[str] = []
    for word in words:
        if not isinstance(word, str) or not word.strip():
            raise ValueError(f"词条不能为空 / A word must not be empty: {word!r}")
        if any(c.isspace() for c in word):
            raise ValueError(f"词条不能包含空白 / A word must not contain whitespace: {word!r}")
        checked.append(word)
    _segmenter.add_words(checked)
