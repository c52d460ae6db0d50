"""Personal data at rest: sealed values round-trip, are bound to the column they were sealed
for, survive key rotation, and cannot be altered unnoticed."""

from __future__ import annotations

import base64
import contextlib
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared import pii

contexts = st.text(min_size=1, max_size=40)


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@contextlib.contextmanager
def pii_keys(value: str):
    """PII_KEYS set to `value` for the block, with the parsed-key cache cleared on the way in
    and out so that neither this block nor later tests see stale keys."""
    pii._keys.cache_clear()
    try:
        with override_settings(PII_KEYS=value):
            yield
    finally:
        pii._keys.cache_clear()


@settings(max_examples=200)
@given(st.text(), contexts)
def test_any_unicode_text_round_trips(plaintext, context):
    sealed = pii.seal(plaintext, context=context)
    assert pii.unseal(sealed, context=context) == plaintext


@settings(max_examples=100)
@given(st.text(min_size=8), contexts)
def test_the_plaintext_bytes_do_not_appear_in_the_sealed_value(plaintext, context):
    sealed = pii.seal(plaintext, context=context)
    blob = base64.b64decode(sealed.partition(".")[2])
    assert plaintext.encode() not in blob
    # nonce (12) + ciphertext (as long as the plaintext) + authentication tag (16)
    assert len(blob) == 12 + len(plaintext.encode()) + 16


@settings(max_examples=100)
@given(st.text(), contexts)
def test_sealing_twice_gives_different_values(plaintext, context):
    # A fresh nonce each time: equal plaintexts must not be recognisable as equal.
    assert pii.seal(plaintext, context=context) != pii.seal(plaintext, context=context)


@settings(max_examples=100)
@given(st.text(), contexts, contexts)
def test_a_value_cannot_be_unsealed_under_another_context(plaintext, context, other):
    if context == other:
        return
    sealed = pii.seal(plaintext, context=context)
    with pytest.raises(InvalidTag):
        pii.unseal(sealed, context=other)


@settings(max_examples=100)
@given(st.text(), st.data())
def test_any_changed_byte_is_detected(plaintext, data):
    sealed = pii.seal(plaintext, context="person.id_number")
    kid, _, b64 = sealed.partition(".")
    blob = bytearray(base64.b64decode(b64))
    index = data.draw(st.integers(min_value=0, max_value=len(blob) - 1), label="index")
    blob[index] ^= data.draw(st.integers(min_value=1, max_value=255), label="flip")
    tampered = f"{kid}.{base64.b64encode(bytes(blob)).decode()}"
    with pytest.raises(InvalidTag):
        pii.unseal(tampered, context="person.id_number")


@settings(max_examples=50)
@given(st.text())
def test_values_sealed_under_an_old_key_still_unseal_after_a_new_key_is_put_first(plaintext):
    old_keys = django_settings.PII_KEYS
    old_kid = pii.current_key_id()
    sealed_before = pii.seal(plaintext, context="person.id_number")

    with pii_keys(f"rotated:{new_key()},{old_keys}"):
        assert pii.unseal(sealed_before, context="person.id_number") == plaintext
        sealed_after = pii.seal(plaintext, context="person.id_number")
        assert pii.sealed_key_id(sealed_after) == pii.current_key_id() == "rotated"
        assert pii.sealed_key_id(sealed_before) == old_kid


def test_a_value_sealed_under_a_key_no_longer_listed_cannot_be_read():
    with pii_keys(f"retired:{new_key()}"):
        sealed = pii.seal("310104195001011234", context="person.id_number")
    with pytest.raises(KeyError):
        pii.unseal(sealed, context="person.id_number")


@pytest.mark.parametrize("bad", ["k1:" + base64.b64encode(b"short").decode(), ":" + new_key()])
def test_malformed_keys_are_refused(bad):
    from django.core.exceptions import ImproperlyConfigured

    with pii_keys(bad), pytest.raises(ImproperlyConfigured):
        pii.seal("x", context="c")


@settings(max_examples=100)
@given(st.text(), contexts, contexts)
def test_blind_index_is_deterministic_and_separates_contexts(value, context, other):
    index = pii.blind_index(value, context=context)
    assert index == pii.blind_index(value, context=context)
    assert len(index) == 64 and int(index, 16) >= 0
    if context != other:
        assert index != pii.blind_index(value, context=other)
