"""Query parameters of every pagination: a non-negative integer read strictly, and links that replace one.

Both paginations read a page size (``count``) the same way, and build
``next``/``previous`` the same way: the request's path and query string with one
parameter set (or removed), every other parameter kept in its order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ..exceptions import BadRequest
from ..models.text import INT64_MAX

__all__ = ["link_with", "read_natural"]

#: Text that ``urlencode`` leaves as it is (ASCII letters and digits, ``_.-~``), but for ``:``, which it spells
#: ``%3A``: the names and values of most links (``order_by``, ``name__gte``, a signed cursor ``<payload>:<signature>``).
PLAIN = re.compile(r"[A-Za-z0-9_.~:-]*")


def read_natural(query: Mapping[str, str], key: str, default: int) -> int:
    """Return the non-negative integer of ``key`` in ``query`` (``default`` when absent); anything else is a 400.

    Only ASCII digits count (no sign, no ``1e3``, no full-width digit); a value
    beyond 64 bits is clamped to the largest one, never sent to a store.
    """
    raw = query.get(key)
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise BadRequest(
            f"{key} must be a non-negative integer, not {raw!r}.",
            fields={key: "Expected a non-negative integer."},
        )
    return int(text) if len(text) <= 19 else INT64_MAX


def link_with(path: str, query: Any, key: str, value: str | None) -> str:
    """Return ``path`` with the query string of ``query`` (a ``QueryDict``) where ``key`` is ``value``.

    The parameter keeps its place when the request had it, and comes last
    otherwise; ``value`` None removes it (a link to the first cursor page).
    """
    pairs: list[tuple[str, str]] = []
    replaced = value is None
    for name, values in query.lists():
        if name == key:
            if not replaced:
                pairs.append((name, value))  # type: ignore[arg-type]  # value is a str while not replaced
                replaced = True
            continue
        pairs.extend((name, item) for item in values)
    if not replaced:
        pairs.append((key, value))  # type: ignore[arg-type]
    if not pairs:
        return path
    plain = PLAIN.fullmatch
    if all(plain(name) and plain(item) for name, item in pairs):  # what urlencode gives, without its calls
        return f"{path}?{'&'.join(f'{name}={item}' for name, item in pairs).replace(':', '%3A')}"
    return f"{path}?{urlencode(pairs)}"
