"""Money at the boundary: amounts arrive as decimal strings in yuan and are kept as whole fen.

The ledger stores integer fen (BigIntegerField) rather than DecimalField because its invariants
are summed by database triggers, and SQLite's NUMERIC affinity stores decimals as binary floats:
0.10 + 0.20 − 0.30 is not zero there. Integers are exact on both databases.
"""

from __future__ import annotations

import re
from decimal import Decimal

from lifelong.shared.errors import Invalid

# Above this a single amount is a typing error, not a training fee.
MAX_AMOUNT_FEN = 100_000_000 * 100
_AMOUNT_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


def parse_amount(raw: object, *, field: str = "amount", allow_zero: bool = False) -> int:
    """Fen from a yuan string such as "4800" or "4800.50". Refuses numbers sent as JSON
    numbers (floats lose fen), more than two decimals, negatives, zero (unless allowed) and
    absurd magnitudes, each as `Invalid` naming the field."""
    text = raw.strip() if isinstance(raw, str) else None
    if text is None or not _AMOUNT_RE.match(text):
        message = (
            '金额应为以元为单位、最多两位小数的数字字符串，如 "4800.00" / '
            'An amount is a decimal string in yuan with at most two decimals, e.g. "4800.00"'
        )
        raise Invalid(message, fields={field: message})
    fen = int(Decimal(text) * 100)
    if fen == 0 and not allow_zero:
        message = "金额必须大于零 / The amount must be greater than zero"
        raise Invalid(message, fields={field: message})
    if fen > MAX_AMOUNT_FEN:
        message = "金额过大 / The amount is implausibly large"
        raise Invalid(message, fields={field: message})
    return fen


def yuan(fen: int) -> Decimal:
    """Whole fen as a Decimal number of yuan with two places."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def yuan_str(fen: int) -> str:
    """Whole fen as the API's decimal string: 480050 → "4800.50"."""
    return str(yuan(fen))
