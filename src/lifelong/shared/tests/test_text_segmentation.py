"""Chinese segmentation for search: the platform's vocabulary comes out whole, search mode
adds the shorter words inside long ones, and nothing but words reaches the index."""

from __future__ import annotations

import logging
import threading

import pytest
from django.test import override_settings

from lifelong.shared import text
from lifelong.shared.text import BUILTIN_USERDICT, add_words, segment, segment_for_search


@pytest.fixture
def fresh_segmenter(monkeypatch):
    """A segmenter that has not loaded yet, so a test can watch the first load or change
    words without leaking them into other tests."""
    segmenter = text._Segmenter()
    monkeypatch.setattr(text, "_segmenter", segmenter)
    return segmenter


def test_a_learners_query_yields_the_course_words():
    words = segment_for_search("我想学习太极拳和八段锦")
    assert "太极拳" in words
    assert "八段锦" in words
    # Search mode also yields the shorter words inside, so "太极" finds a 太极拳 course.
    assert "太极" in words


def test_reading_mode_keeps_words_in_order_without_the_shorter_ones():
    assert segment("我想学习太极拳和八段锦") == ["我", "想", "学习", "太极拳", "和", "八段锦"]


def test_every_word_of_the_shipped_dictionary_comes_out_whole():
    words = [
        line.split()[0]
        for line in BUILTIN_USERDICT.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert {"终身学习", "学分银行", "人文行走", "老年大学", "社区学校", "体验基地"} <= set(words)
    split = {w: segment(w) for w in words if segment(w) != [w]}
    assert split == {}


def test_platform_terms_survive_in_a_sentence():
    assert segment("上海市终身学习学分银行体验基地社区学校") == [
        "上海市",
        "终身学习",
        "学分银行",
        "体验基地",
        "社区学校",
    ]


def test_punctuation_and_whitespace_are_dropped_and_letters_lower_cased():
    words = segment_for_search("  Ｐｙｔｈｏｎ编程，入门！ 慕课 —— 沪语\n")
    assert "python" in words
    assert "慕课" in words and "沪语" in words
    assert all(w.strip() and w == w.lower() for w in words)
    assert not {"，", "！", "—", "——", " ", "\n"} & set(words)


def test_reading_mode_keeps_the_original_spelling():
    assert "Python3" in segment("学习 Python3 编程")


def test_empty_text_has_no_words():
    assert segment_for_search("") == []
    assert segment("，。！ ") == []


def test_added_words_are_honoured(fresh_segmenter):
    assert segment("乐龄学堂开课了") != ["乐龄学堂", "开课", "了"]
    add_words(["乐龄学堂"])
    assert segment("乐龄学堂开课了") == ["乐龄学堂", "开课", "了"]
    assert "乐龄学堂" in segment_for_search("乐龄学堂开课了")


@pytest.mark.parametrize("bad", ["", "   ", "两个 词", "tab\tword"])
def test_empty_words_or_words_with_whitespace_are_refused(bad):
    with pytest.raises(ValueError):
        add_words([bad])


def test_a_deployments_own_dictionary_is_loaded_on_first_use(fresh_segmenter, tmp_path):
    userdict = tmp_path / "district.txt"
    userdict.write_text("徐汇滨江学习苑 3000 nz\n", encoding="utf-8")
    with override_settings(LIFELONG_JIEBA_USERDICT=str(userdict)):
        assert "徐汇滨江学习苑" in segment("徐汇滨江学习苑开放了")


def test_without_that_dictionary_the_place_name_is_split():
    assert "徐汇滨江学习苑" not in segment("徐汇滨江学习苑开放了")


def test_the_dictionary_is_loaded_once_however_many_threads_ask_first(fresh_segmenter):
    barrier = threading.Barrier(8)
    seen = []

    def first_use():
        barrier.wait()
        seen.append(fresh_segmenter.tokenizer())

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8
    assert len({id(t) for t in seen}) == 1


def test_loading_logs_nothing_below_warning(fresh_segmenter, caplog):
    # jieba sets its logger to DEBUG with its own stderr handler when first imported; put it
    # back in that state so that this test sees what a fresh process would.
    logging.getLogger("jieba").setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    segment("老年大学")
    assert [r.getMessage() for r in caplog.records if r.name == "jieba"] == []
