"""JSON-LD processing with contexts resolved only from the vendored copies in `contexts/`.

Canonicalisation is RDFC-1.0 (identical to URDNA2015 for the documents we handle) by pyld.
`canonicalize` runs in "safe mode": a property or type that no context defines would silently
vanish from the canonical form (and so from the signature), so it is an error instead.
"""

from __future__ import annotations

import copy
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).with_name("contexts")

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

CONTEXT_FILES = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_V1: "credentials-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    EXAMPLES_V2: "credentials-examples-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    CLR_V2: "clr-v2p0-context-2.0.1.json",
}


class JsonLdFailure(ValueError):
    """The document cannot be processed: an unknown context, an undefined term, bad JSON-LD."""


@cache
def _context_document(url: str) -> dict[str, Any]:
    return json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld document loader: the vendored context for a known URL; anything else is refused
    (no network fetch ever happens)."""
    if url not in CONTEXT_FILES:
        raise JsonLdFailure(
            f"未知的 JSON-LD 上下文 {url}（只接受内置上下文） / "
            f"Unknown JSON-LD context {url} (only vendored contexts are resolved)"
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        # pyld may keep references into the document; hand it a private copy.
        "document": copy.deepcopy(_context_document(url)),
    }


def _relative_types(node: Any, found: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _relative_types(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@type", "@id"):
                for t in value if isinstance(value, list) else [value]:
                    if isinstance(t, str) and ":" not in t:
                        found.append(t)
            elif key != "@value":
                _relative_types(value, found)


def _describe(exc: Exception) -> str:
    """One readable line for a pyld error chain; an unknown context is named as such."""
    chain: list[Any] = []
    cause: Any = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = getattr(cause, "cause", None) or cause.__cause__
    for err in chain:
        details = getattr(err, "details", None) or {}
        if isinstance(details, dict) and details.get("url"):
            url = details["url"]
            if url not in CONTEXT_FILES:
                return (
                    f"未知的 JSON-LD 上下文 {url}（只接受内置上下文） / "
                    f"Unknown JSON-LD context {url} (only vendored contexts are resolved)"
                )
    innermost = chain[-1]
    message = innermost.args[0] if innermost.args else str(innermost)
    code = getattr(innermost, "code", None) or getattr(exc, "code", "")
    return f"JSON-LD 处理失败 / JSON-LD processing failed: {message} ({code})"


# pyld keeps process-wide context caches (cachetools LRU caches) that are not safe to use
# from two threads at once: one canonicalisation at a time per process.
_PYLD = threading.Lock()


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, refusing undefined terms."""
    with _PYLD:
        return _canonicalize(document)


def _canonicalize(document: dict[str, Any]) -> str:
    dropped: list[str] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=lambda prop: dropped.append(str(prop)))
    options = {"documentLoader": document_loader, "base": None}
    try:
        expanded = processor.expand(document, dict(options))
        if dropped:
            raise JsonLdFailure(
                f"文档含有上下文未定义的属性：{', '.join(sorted(set(dropped)))} / "
                f"Properties not defined by any context: {', '.join(sorted(set(dropped)))}"
            )
        relative: list[str] = []
        _relative_types(expanded, relative)
        if relative:
            names = ", ".join(sorted(set(relative)))
            raise JsonLdFailure(
                f"文档含有未定义的类型或相对标识：{names} / "
                f"Types not defined by any context, or relative ids: {names}"
            )
        return processor.normalize(
            expanded,
            {
                **options,
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
            },
        )
    except JsonLdFailure:
        raise
    except jsonld.JsonLdError as exc:
        raise JsonLdFailure(_describe(exc)) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        raise JsonLdFailure(f"JSON-LD 处理失败 / JSON-LD processing failed: {exc}") from None
