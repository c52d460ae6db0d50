"""Sign-in through the city's unified login (OpenID Connect): the redirect carries state, nonce
and a PKCE challenge; the callback accepts only an ID token signed by the configured keys, for
this client, unexpired, with the nonce of this flow; the person is matched by the ID-number
claim through the blind index and becomes `oidc`-verified. No request leaves the machine: the
token endpoint is the fake below."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.urls import reverse

from lifelong.identity.demo import demo_id_number
from lifelong.identity.models import OidcIdentity, Person
from lifelong.shared.models import AuditEntry

ISSUER = "https://login.example.sh.gov.cn"
CLIENT_ID = "lifelong-web"
AUTHORIZE = "https://login.example.sh.gov.cn/oauth2/authorize"
TEACHER_ID_NUMBER = demo_id_number("310104", "19760921", "017")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "kid": kid,
        "use": "sig",
        "alg": "RS256",
        "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "e": _b64(numbers.e.to_bytes(3, "big")),
    }


@pytest.fixture(scope="module")
def keys():
    make = lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)  # noqa: E731
    return {"provider": make(), "stranger": make()}


def sign(claims: dict, key: rsa.RSAPrivateKey, kid: str = "city-1", alg: str = "RS256") -> str:
    header = _b64(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{_b64(signature)}"


class FakeTokenEndpoint:
    """Stands in for the provider's token endpoint: records each request, answers with the
    ID token the test prepared."""

    id_token: str | None = None
    requests: list[tuple[str, dict]] = []


def fake_token_endpoint(url: str, data: dict) -> dict:
    FakeTokenEndpoint.requests.append((url, dict(data)))
    return {"access_token": "at", "token_type": "Bearer", "id_token": FakeTokenEndpoint.id_token}


@pytest.fixture
def provider(settings, keys):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = "s3cret"
    settings.OIDC_REDIRECT_URI = "http://testserver" + reverse("identity:oidc_callback")
    settings.OIDC_AUTHORIZATION_ENDPOINT = AUTHORIZE
    settings.OIDC_TOKEN_ENDPOINT = "https://login.example.sh.gov.cn/oauth2/token"
    settings.OIDC_JWKS = json.dumps({"keys": [_jwk(keys["provider"], "city-1")]})
    settings.OIDC_ID_NUMBER_CLAIM = "id_number"
    settings.OIDC_HTTP_POST = f"{__name__}.fake_token_endpoint"
    FakeTokenEndpoint.id_token = None
    FakeTokenEndpoint.requests = []
    return keys["provider"]


def _start(client, **query) -> dict[str, str]:
    response = client.get(reverse("identity:oidc_login"), query)
    assert response.status_code == 302, response.content
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def _claims(params: dict, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "city-user-0001",
        "iat": now,
        "exp": now + 300,
        "nonce": params["nonce"],
        "name": "张老师",
        "id_number": TEACHER_ID_NUMBER,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _callback(client, params: dict, id_token: str, state: str | None = None):
    FakeTokenEndpoint.id_token = id_token
    return client.get(
        reverse("identity:oidc_callback"),
        {"code": "auth-code-1", "state": params["state"] if state is None else state},
    )


def _signed_in_username(client) -> str | None:
    from django.contrib.auth import get_user_model

    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).get_username() if user_id else None


def test_redirect_carries_state_nonce_and_pkce_challenge(api, provider):
    params = _start(api.client)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"].endswith(reverse("identity:oidc_callback"))
    assert params["code_challenge_method"] == "S256"
    assert "openid" in params["scope"].split()
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["state"] != params["nonce"]


def test_good_id_token_signs_in_the_person_with_that_id_number(api, as_user, provider):
    # given a flow started and a valid ID token naming the teacher's ID number
    params = _start(api.client)
    # when the provider calls back
    response = _callback(api.client, params, sign(_claims(params), provider))
    # then the teacher is signed in, verified through the city login
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("portal:me")
    assert _signed_in_username(api.client) == "teacher"
    assert as_user("teacher").get("/api/v1/me").json()["verification_level"] == "oidc"
    # and the code was exchanged with the PKCE verifier that matches the challenge
    [(url, form)] = FakeTokenEndpoint.requests
    assert form["grant_type"] == "authorization_code" and form["code"] == "auth-code-1"
    digest = hashlib.sha256(form["code_verifier"].encode()).digest()
    assert _b64(digest) == params["code_challenge"]


def test_bad_signature_is_refused(api, keys, provider):
    params = _start(api.client)
    response = _callback(api.client, params, sign(_claims(params), keys["stranger"]))
    assert response.status_code == 401
    assert _signed_in_username(api.client) is None


def test_unsigned_token_is_refused(api, provider):
    params = _start(api.client)
    header = _b64(json.dumps({"alg": "none"}).encode())
    token = f"{header}.{_b64(json.dumps(_claims(params)).encode())}."
    assert _callback(api.client, params, token).status_code == 401
    assert _signed_in_username(api.client) is None


def test_wrong_audience_is_refused(api, provider):
    params = _start(api.client)
    token = sign(_claims(params, aud="another-client"), provider)
    assert _callback(api.client, params, token).status_code == 401
    assert _signed_in_username(api.client) is None


def test_wrong_issuer_is_refused(api, provider):
    params = _start(api.client)
    token = sign(_claims(params, iss="https://evil.example"), provider)
    assert _callback(api.client, params, token).status_code == 401


def test_expired_token_is_refused(api, provider):
    params = _start(api.client)
    past = int(time.time()) - 3600
    token = sign(_claims(params, iat=past - 300, exp=past), provider)
    assert _callback(api.client, params, token).status_code == 401
    assert _signed_in_username(api.client) is None


def test_nonce_mismatch_is_refused(api, provider):
    params = _start(api.client)
    token = sign(_claims(params, nonce="a-nonce-from-another-flow"), provider)
    assert _callback(api.client, params, token).status_code == 401
    assert _signed_in_username(api.client) is None


def test_state_mismatch_is_refused_before_any_token_exchange(api, provider):
    params = _start(api.client)
    response = _callback(api.client, params, sign(_claims(params), provider), state="forged")
    assert response.status_code == 401
    assert FakeTokenEndpoint.requests == []
    assert _signed_in_username(api.client) is None


def test_a_flow_cannot_be_completed_twice(api, provider):
    params = _start(api.client)
    token = sign(_claims(params), provider)
    assert _callback(api.client, params, token).status_code == 302
    assert _callback(api.client, params, token).status_code == 401


def test_new_subject_gets_a_verified_account_and_keeps_it(api, provider):
    # given a city user whose ID number is not known here
    number = demo_id_number("310112", "19911111", "026")
    params = _start(api.client)
    claims = _claims(params, sub="city-user-new", name="沈一诺", id_number=number)
    # when they sign in twice
    assert _callback(api.client, params, sign(claims, provider)).status_code == 302
    first = _signed_in_username(api.client)
    browser = api.client.__class__()
    params = _start(browser)
    assert (
        _callback(browser, params, sign({**claims, "nonce": params["nonce"]}, provider)).status_code
        == 302
    )
    # then one person exists for them, verified through the city login, with one link
    assert first is not None and _signed_in_username(browser) == first
    person = Person.objects.get(user__username=first)
    assert person.name == "沈一诺" and person.verification_level == "oidc"
    assert person.id_number_masked == number[:3] + "*" * 11 + number[-4:]
    assert OidcIdentity.objects.filter(issuer=ISSUER, subject="city-user-new").count() == 1


def test_linked_subject_with_a_different_id_number_is_refused(api, provider):
    params = _start(api.client)
    assert _callback(api.client, params, sign(_claims(params), provider)).status_code == 302
    browser = api.client.__class__()
    params = _start(browser)
    other = demo_id_number("310104", "19850315", "003")
    token = sign(_claims(params, id_number=other), provider)
    assert _callback(browser, params, token).status_code == 401
    assert _signed_in_username(browser) is None


def test_next_is_followed_only_within_the_site(api, provider):
    params = _start(api.client, next="https://evil.example/steal")
    assert _callback(api.client, params, sign(_claims(params), provider))["Location"] == reverse(
        "portal:me"
    )
    browser = api.client.__class__()
    params = _start(browser, next="/")
    assert _callback(browser, params, sign(_claims(params), provider))["Location"] == "/"


def test_failed_sign_in_is_audited_with_the_reason(api, provider):
    params = _start(api.client)
    _callback(api.client, params, sign(_claims(params, aud="another-client"), provider))
    entry = AuditEntry.objects.filter(action="auth.oidc_failed").latest("at")
    assert entry.outcome == "denied" and "audience" in entry.detail["reason"]


def test_city_login_is_404_when_not_configured(api, settings):
    settings.OIDC_ISSUER = ""
    assert api.client.get(reverse("identity:oidc_login")).status_code == 404
