"""Sign-in through the city's unified login (一网通办统一身份认证) by OpenID Connect.

The authorization-code flow with `state`, `nonce` and PKCE (S256), all kept in the session.
Endpoints and signing keys are configured, never discovered: no request leaves the machine
except the token exchange, which goes through the function named by `settings.OIDC_HTTP_POST`
so tests and unusual deployments can supply their own. The ID token is checked here: RS256
signature against the configured JWKS, issuer, audience, expiry and nonce.

The provider's subject is linked to an account; an ID-number claim, when the provider sends
one, finds the existing person through the blind index. Signing in this way sets the person's
verification level to `oidc`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from lifelong.identity.models import OidcIdentity, Person, VerificationLevel
from lifelong.identity.services import ID_CONTEXT, id_number_index
from lifelong.identity.verification import raise_level
from lifelong.shared import clock, pii
from lifelong.shared.api import record_audit
from lifelong.shared.errors import NotFound, Unauthenticated
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id

SESSION_KEY = "identity.oidc"
FLOW_TTL_SECONDS = 600
CLOCK_SKEW_SECONDS = 60
MIN_RSA_BITS = 2048
DEFAULT_NAME = "统一身份认证用户"


class OidcFailed(Unauthenticated):
    """The sign-in did not complete; `reason` says why, for the audit log."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(
            message
            or "统一身份认证登录失败，请重试 / Sign-in with the city login failed; try again",
            code="oidc_failed",
        )
        self.reason = reason


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    authorization_endpoint: str
    token_endpoint: str
    scopes: str
    id_number_claim: str
    jwks: str


def oidc_config() -> OidcConfig | None:
    """The configured client, or None when the city login is not set up."""
    config = OidcConfig(
        issuer=settings.OIDC_ISSUER,
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET,
        redirect_uri=settings.OIDC_REDIRECT_URI,
        authorization_endpoint=settings.OIDC_AUTHORIZATION_ENDPOINT,
        token_endpoint=settings.OIDC_TOKEN_ENDPOINT,
        scopes=settings.OIDC_SCOPES,
        id_number_claim=settings.OIDC_ID_NUMBER_CLAIM,
        jwks=settings.OIDC_JWKS,
    )
    required = (
        config.issuer,
        config.client_id,
        config.redirect_uri,
        config.authorization_endpoint,
        config.token_endpoint,
        config.jwks,
    )
    return config if all(required) else None


def _require_config() -> OidcConfig:
    config = oidc_config()
    if config is None:
        raise NotFound("未启用统一身份认证 / The city login is not configured")
    return config


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# ---- the redirect to the provider ------------------------------------------------------------


def safe_next_url(request, target: str) -> str:
    """`target` if it points at this site, else "" (never an open redirect)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def authorization_url(session, next_url: str = "") -> str:
    """Start a sign-in: remember state, nonce and the PKCE verifier in the session and return
    the provider's authorization URL to redirect to."""
    config = _require_config()
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "started": int(time.time()),
    }
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": config.redirect_uri,
            "scope": config.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": _b64url_encode(hashlib.sha256(verifier.encode("ascii")).digest()),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in config.authorization_endpoint else "?"
    return f"{config.authorization_endpoint}{separator}{query}"


# ---- the token exchange ----------------------------------------------------------------------


def post_form(url: str, data: dict[str, str]) -> dict[str, Any]:
    """POST a form and read a JSON answer: the default transport of the token exchange."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "https" and parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ImproperlyConfigured("LIFELONG_OIDC_TOKEN_ENDPOINT must use https")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=urllib.parse.urlencode(data).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


def _exchange_code(config: OidcConfig, code: str, verifier: str) -> str:
    transport = import_string(settings.OIDC_HTTP_POST)
    try:
        answer = transport(
            config.token_endpoint,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": config.redirect_uri,
                "client_id": config.client_id,
                "client_secret": config.client_secret,
                "code_verifier": verifier,
            },
        )
    except (OSError, ValueError) as exc:
        raise OidcFailed(f"token_endpoint: {type(exc).__name__}") from None
    id_token = answer.get("id_token") if isinstance(answer, dict) else None
    if not isinstance(id_token, str) or not id_token:
        raise OidcFailed("token_endpoint: no id_token")
    return id_token


# ---- the ID token ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _public_keys(jwks: str) -> tuple[tuple[str | None, rsa.RSAPublicKey], ...]:
    try:
        document = json.loads(jwks)
        keys = []
        for jwk in document["keys"]:
            if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
                continue
            numbers = rsa.RSAPublicNumbers(
                e=int.from_bytes(_b64url_decode(jwk["e"]), "big"),
                n=int.from_bytes(_b64url_decode(jwk["n"]), "big"),
            )
            key = numbers.public_key()
            if key.key_size >= MIN_RSA_BITS:
                keys.append((jwk.get("kid"), key))
    except (ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"LIFELONG_OIDC_JWKS is not a valid JWKS: {exc}") from exc
    return tuple(keys)


def _signing_key(jwks: str, kid: str | None) -> rsa.RSAPublicKey:
    keys = _public_keys(jwks)
    matching = [key for key_id, key in keys if kid is None or key_id == kid]
    if kid is None and len(matching) != 1:
        raise OidcFailed("id_token: no kid and not exactly one key")
    if not matching:
        raise OidcFailed("id_token: unknown kid")
    return matching[0]


def validate_id_token(id_token: str, *, config: OidcConfig, nonce: str) -> dict[str, Any]:
    """The claims of an ID token whose signature, issuer, audience, times and nonce hold."""
    try:
        header_b64, payload_b64, signature_b64 = id_token.split(".")
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(payload_b64))
        signature = _b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError):
        raise OidcFailed("id_token: malformed") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise OidcFailed("id_token: malformed")
    if header.get("alg") != "RS256":
        raise OidcFailed(f"id_token: alg {header.get('alg')!r} refused")
    key = _signing_key(config.jwks, header.get("kid"))
    try:
        key.verify(
            signature,
            f"{header_b64}.{payload_b64}".encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise OidcFailed("id_token: bad signature") from None
    if claims.get("iss") != config.issuer:
        raise OidcFailed("id_token: wrong issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if config.client_id not in audiences:
        raise OidcFailed("id_token: wrong audience")
    if len(audiences) > 1 and claims.get("azp") != config.client_id:
        raise OidcFailed("id_token: wrong authorized party")
    now = clock.now().timestamp()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp <= now - CLOCK_SKEW_SECONDS:
        raise OidcFailed("id_token: expired")
    if not isinstance(iat, int | float) or iat > now + CLOCK_SKEW_SECONDS:
        raise OidcFailed("id_token: issued in the future")
    nbf = claims.get("nbf")
    if nbf is not None and (not isinstance(nbf, int | float) or nbf > now + CLOCK_SKEW_SECONDS):
        raise OidcFailed("id_token: not yet valid")
    if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(
        claims["nonce"].encode(), nonce.encode()
    ):
        raise OidcFailed("id_token: nonce mismatch")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise OidcFailed("id_token: bad subject")
    return claims


# ---- from claims to an account ---------------------------------------------------------------


def _claimed_id_index(config: OidcConfig, claims: dict[str, Any]) -> tuple[str, str] | None:
    if not config.id_number_claim or not claims.get(config.id_number_claim):
        return None
    try:
        number = parse_resident_id(str(claims[config.id_number_claim])).number
    except InvalidIdentifier:
        raise OidcFailed("id_token: invalid ID-number claim") from None
    return number, id_number_index(number)


def _new_person(name: str, claimed: tuple[str, str] | None) -> Person:
    person = Person(name=name)
    if claimed is not None:
        rid = parse_resident_id(claimed[0])
        person.id_number_sealed = pii.seal(rid.number, context=ID_CONTEXT)
        person.id_number_index = claimed[1]
        person.id_number_masked = pii.mask_id_number(rid.number)
        person.gender = rid.gender
        person.birth_date = rid.birth_date
    return person


def _new_user():
    # The account has no password: it signs in through the city login (or SMS, once a phone
    # is bound) until its holder sets one by recovery.
    return get_user_model().objects.create_user(
        username=f"sh_{secrets.token_hex(6)}", password=None
    )


@transaction.atomic
def account_for_claims(config: OidcConfig, claims: dict[str, Any]):
    """The account these validated claims sign in, created or linked on first use."""
    now = clock.now()
    subject = claims["sub"]
    claimed = _claimed_id_index(config, claims)
    name = str(claims.get("name") or "").strip()[:100] or DEFAULT_NAME
    link = (
        OidcIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=config.issuer, subject=subject)
        .first()
    )
    if link is not None:
        user = link.user
        person = Person.objects.select_for_update().filter(user=user).first()
        if (
            claimed is not None
            and person is not None
            and person.id_number_index
            and person.id_number_index != claimed[1]
        ):
            raise OidcFailed("id-number claim differs from the linked person")
    else:
        person = None
        if claimed is not None:
            person = Person.objects.select_for_update().filter(id_number_index=claimed[1]).first()
        user = person.user if person is not None and person.user is not None else _new_user()
        link = OidcIdentity(
            issuer=config.issuer, subject=subject, user=user, created_at=now, last_login_at=now
        )
    if not user.is_active:
        raise OidcFailed("account inactive")
    if person is None:
        person = _new_person(name, claimed)
    if claimed is not None and not person.id_number_index:
        if Person.objects.filter(id_number_index=claimed[1]).exclude(pk=person.pk).exists():
            raise OidcFailed("id-number claim belongs to another person")
        filled = _new_person(person.name, claimed)
        for field in ("id_number_sealed", "id_number_index", "id_number_masked"):
            setattr(person, field, getattr(filled, field))
        person.gender, person.birth_date = filled.gender, filled.birth_date
    person.user = user
    raised = raise_level(person, VerificationLevel.OIDC)
    person.save()
    link.last_login_at = now
    link.save()
    record_audit(
        action="auth.oidc_login",
        actor_id=user.pk,
        actor_label=user.get_username(),
        object_type="person",
        object_id=str(person.pk),
        detail={"issuer": config.issuer, "raised": raised},
    )
    return user


# ---- the callback ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OidcOutcome:
    user: Any
    next_url: str


def complete(session, params) -> OidcOutcome:
    """Finish a sign-in from the callback's query parameters. The remembered flow is used up
    whatever happens, so a state can never be replayed."""
    config = _require_config()
    flow = session.pop(SESSION_KEY, None)
    try:
        if not isinstance(flow, dict) or time.time() - flow["started"] > FLOW_TTL_SECONDS:
            raise OidcFailed("no flow in session or flow expired")
        state = params.get("state") or ""
        if not hmac.compare_digest(state.encode(), flow["state"].encode()):
            raise OidcFailed("state mismatch")
        if params.get("error"):
            raise OidcFailed(f"provider error: {str(params.get('error'))[:100]}")
        code = params.get("code") or ""
        if not code or len(code) > 2048:
            raise OidcFailed("no code")
        id_token = _exchange_code(config, code, flow["verifier"])
        claims = validate_id_token(id_token, config=config, nonce=flow["nonce"])
        user = account_for_claims(config, claims)
    except OidcFailed as exc:
        record_audit(action="auth.oidc_failed", outcome="denied", detail={"reason": exc.reason})
        raise
    return OidcOutcome(user=user, next_url=flow.get("next") or "")
