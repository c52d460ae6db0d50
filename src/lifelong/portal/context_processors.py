"""Display preferences every page needs: elder-friendly mode, text size and the page language.

Both preferences live in cookies, not in the session, so they survive signing out and work for
visitors who never sign in: a senior who switched the display on once keeps it on that device.
"""

from __future__ import annotations

from django.utils.translation import get_language

ELDER_COOKIE = "ll_elder"
TEXT_SIZE_COOKIE = "ll_text"
TEXT_SIZES = ("normal", "large", "xlarge")
# Elder mode starts one step up; the MIIT specification asks for at least 18px body text.
ELDER_DEFAULT_TEXT_SIZE = "large"


def elder_mode_from(cookies) -> bool:
    return cookies.get(ELDER_COOKIE) == "1"


def text_size_from(cookies) -> str:
    default = ELDER_DEFAULT_TEXT_SIZE if elder_mode_from(cookies) else "normal"
    size = cookies.get(TEXT_SIZE_COOKIE, default)
    return size if size in TEXT_SIZES else default


def html_lang(language: str | None) -> str:
    """The BCP 47 tag for `<html lang>`: screen readers pick their voice from it."""
    return "en" if (language or "").startswith("en") else "zh-CN"


def display(request):
    return {
        "elder_mode": elder_mode_from(request.COOKIES),
        "text_size": text_size_from(request.COOKIES),
        "text_sizes": TEXT_SIZES,
        "html_lang": html_lang(get_language()),
    }
