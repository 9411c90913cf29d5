"""Pagination of list endpoints: by offset (``Pagination``) or by cursor (``CursorPagination``).

``Pagination(20)`` pages by ``?offset=&count=`` and can report the total three
ways (``total="exact"``, ``"none"``, ``"estimated"``); ``CursorPagination(20)``
pages by an opaque ``?cursor=`` over any ``order_by``, and a page a million rows
deep costs what the first one costs. ``docs/howto/pagination.rst`` says which to pick.
"""

from .cursor import Cursor, CursorPagination
from .offset import Pagination

__all__ = ["Cursor", "CursorPagination", "Pagination"]
