"""identity's own messages in English: the catalogue (locale/en) is complete and compiled (the
.mo is committed, so a stale one fails here), and the back office's authenticator reset reads
in English for an English-speaking administrator."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from lifelong.identity.models import TotpDevice

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file's singular entries."""
    entries: dict[str, str] = {}
    key, current = None, {"msgid": "", "msgstr": ""}
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current["msgid"] and key == "msgstr":
                entries[current["msgid"]] = current["msgstr"]
            key, current = None, {"msgid": "", "msgstr": ""}
    return entries


def test_the_identity_catalogue_is_complete_and_compiled():
    po = _po_entries(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    assert po and all(po.values()), "every entry has an English text"
    stale = {msgid: msgstr for msgid, msgstr in po.items() if compiled.gettext(msgid) != msgstr}
    assert not stale, f"django.mo is stale, run msgfmt (see django.po's header): {stale}"


@pytest.mark.parametrize("msgid", sorted(_po_entries(CATALOGUE / "django.po")))
def test_every_identity_string_reads_in_english(msgid):
    with translation.override("en"):
        assert not CJK.search(translation.gettext(msgid))


def test_the_reset_page_in_english(as_user):
    staff = as_user("school_staff")
    secret = pyotp.TOTP(staff.post("/api/v1/me/totp").json()["secret"])
    assert staff.post("/api/v1/me/totp/confirm", {"code": secret.now()}).status_code == 200
    device = TotpDevice.objects.get(user__username="school_staff")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username="district_officer"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = client.post(
        "/admin/identity/totpdevice/",
        {"action": "reset_devices", "_selected_action": [device.pk]},
    ).content.decode()

    assert "Reason (written to the audit log and told to the owner)" in page
    assert "重置原因" not in page
