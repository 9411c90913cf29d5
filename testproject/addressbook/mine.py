"""Each account's own corner of the address book: the rules a real API needs, mounted at ``/mine/``.

Both endpoints answer Django accounts sending HTTP Basic credentials
(``load_addressbook`` creates ``alice`` and ``bob``, password ``demo``):

- ``accounts``: Django's own ``User`` table, served safely. ``exclude`` keeps
  the password hash from ever leaving (or entering) the server, the flags a user
  must not grant themselves are read-only, and the scope shows each account
  only itself, so it may read and PATCH its own name and email and nothing else.
- ``bookmarks``: addresses an account keeps. The scope confines every read and
  write to the account's own rows; ``before_write`` sets the owner, which is
  read-only to clients. Foreign keys travel as URIs: the owner is an
  ``accounts`` URI, the address one of ``address`` (the public addresses, read-only here).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import path

from django_restframework_lite.authentication import Authorization, BasicAuthentication
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore
from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include

from . import api
from .models import Bookmark

ACCOUNT_CONTROLLER = {
    "options": {"authentication": BasicAuthentication(), "authorization": Authorization, "pagination": Pagination(20)},
}


class AccountEndPoint(Controller):
    """The requester's own account: never its password, never its privileges."""

    ressource = {
        "ressource_name": "accounts",
        "ressource": User,
        "datastore": DjangoModelDataStore,
        "options": {
            "exclude": ["password"],
            "read_only": ["username", "is_superuser", "is_staff", "is_active", "last_login", "date_joined"],
        },
    }
    controller = {"list_verbs": ["GET"], "unique_verbs": ["GET", "PATCH"], **ACCOUNT_CONTROLLER}

    def scope(self, request: HttpRequest) -> dict[str, Any]:
        return {"id": request.api_user.pk}  # type: ignore[attr-defined]


class BookmarkEndPoint(Controller):
    """Addresses an account keeps; the owner is whoever sends the request."""

    ressource = {
        "ressource_name": "bookmarks",
        "ressource": Bookmark,
        "datastore": DjangoModelDataStore,
        "options": {"read_only": ["owner"]},
    }
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
        "options": {**ACCOUNT_CONTROLLER["options"], "formaters": [foreign_keys_format]},
    }
    view = {"options": {"formaters": ["add_ressource_uri", format_foreign_key]}}

    def scope(self, request: HttpRequest) -> dict[str, Any]:
        return {"owner": request.api_user.pk}  # type: ignore[attr-defined]

    def before_write(self, request: HttpRequest, data: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        if current is None:
            return {**data, "owner": request.api_user.pk}  # type: ignore[attr-defined]
        return data


class AddressEndPoint(api.AddressEndPoint):
    """The public addresses, read-only here: what bookmarks point at."""

    controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"], "options": {"pagination": Pagination(20)}}


urlpatterns = [
    path(
        "",
        include([AddressEndPoint, AccountEndPoint, BookmarkEndPoint], name="my address book", version="1.0",
                namespace="mine"),
    ),
]
