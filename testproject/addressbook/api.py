"""The seed tutorial's address book, finished, as django-restframework-lite controllers.

``users`` and ``address`` live in the Django ORM (``addressbook.models``); their
models (fields, types, the foreign key) are derived from the Django models. As
in the tutorial's last page, ids are hidden from clients and foreign keys travel
as ressource URIs both ways (``"address": "/api/address/1/"``).

Two more endpoints show the other datastores: ``tags`` is a Python list (kept
in this process only, reset by a restart) and ``notes`` a SQLite file whose path
is ``settings.ADDRESSBOOK_SQLITE_PATH``. ``documents`` (with ``labels``) shows
the other field types: a UUID pk, a date, an exact decimal price, a duration, a
JSON ``extra``, a scan uploaded as ``multipart/form-data`` and labels as a
many-to-many list, all derived from ``addressbook.models.Document``.

``testproject/urls.py`` mounts ``ADDRESSBOOK`` under ``/api/``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_restframework_lite import models
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from django_restframework_lite.datastore.validators import UniqueTogether
from django_restframework_lite.formaters import foreign_keys_format, format_foreign_key, remove_id
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.partials import Partial
from django_restframework_lite.views import JsonResponse

from .models import Address, Document, Label, User

# What every endpoint of the address book shares: pages of 20, and foreign keys accepted as URIs
# (foreign_keys_format turns "/api/address/1/" in bodies and filters back into 1).
ADDRESSBOOK_OPTIONS = {"pagination": Pagination(20), "formaters": [foreign_keys_format]}


class UserEndPoint(Controller):
    """People of the address book; a first and last name pair is unique."""

    ressource = {
        "ressource_name": "users",
        "ressource": User,
        "datastore": DjangoModelDataStore,
        "options": {"validators": [UniqueTogether("first_name", "last_name")]},
    }
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
        "options": ADDRESSBOOK_OPTIONS,
    }
    view = {
        "response_class": JsonResponse,
        "options": {"formaters": ["add_ressource_uri", remove_id, format_foreign_key]},
    }


class AddressEndPoint(UserEndPoint):
    """Addresses: the tutorial's subclass, replacing only the ressource dict."""

    ressource = {
        "ressource_name": "address",
        "ressource": Address,
        "datastore": DjangoModelDataStore,
        "options": {"partial": Partial()},
    }


class RelatedUserEndPoint(UserEndPoint):
    """The users of ``/api/``: ``UserEndPoint``, and what the foreign key to their address gives.

    ``?address__city=Paris``, ``?order_by=address__city``, ``?search=`` in names
    and cities, ``?expand=address``, and the nested list ``/api/address/<id>/users/``.
    The relations need the ``address`` endpoint in the same ``include()``.
    """

    controller = {
        **UserEndPoint.controller,
        "options": {
            **ADDRESSBOOK_OPTIONS,
            "filter_fields": ["first_name", "last_name", "address", "address__city", "address__country"],
            "order_fields": ["first_name", "last_name", "address__city"],
            "search_fields": ["first_name", "last_name", "address__city"],
            "expand": ["address"],
            "parents": ["address"],
        },
    }


class TagModel(models.Model):
    fields = [
        models.StringPkField(name="name", required=True, max_length=50),
        models.StringField(name="description", default="", max_length=200),
    ]


# The list is the storage: what clients create is appended here, and lost on restart.
TAGS: list[dict[str, Any]] = [
    {"name": "family", "description": "Relatives"},
    {"name": "friends", "description": "People we see often"},
    {"name": "work", "description": "Colleagues and customers"},
]


class TagEndPoint(Controller):
    """Tags on a Python list, identified by their name (a string pk)."""

    ressource = {"ressource_name": "tags", "ressource": TAGS, "model": TagModel, "datastore": PythonListDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}


class NoteModel(models.Model):
    fields = [
        models.PkField(name="id"),
        models.StringField(name="title", required=True, max_length=200),
        models.StringField(name="body", default=""),
        models.IntegerField(name="priority", default=0, min_value=0, max_value=5),
    ]


def notes_ressource() -> dict[str, str]:
    """Return where the notes live, read from the settings when called (the server and load_addressbook agree)."""
    return {"name": str(settings.ADDRESSBOOK_SQLITE_PATH), "table": "notes"}


class NoteEndPoint(Controller):
    """Notes in a SQLite file; the file and its table are created when the URLs are built."""

    ressource = {
        "ressource_name": "notes",
        "ressource": notes_ressource(),
        "model": NoteModel,
        "datastore": SQLiteDataStore,
        "options": {"timeout": settings.ADDRESSBOOK_SQLITE_TIMEOUT},
    }
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
        "options": {"pagination": Pagination(20)},
    }


class LabelEndPoint(Controller):
    """Labels that documents carry."""

    ressource = {"ressource_name": "labels", "ressource": Label, "datastore": DjangoModelDataStore}
    controller = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}


class DocumentEndPoint(Controller):
    """Documents: every field is derived from the Django model, uploads included."""

    ressource = {"ressource_name": "documents", "ressource": Document, "datastore": DjangoModelDataStore}
    controller = {
        "list_verbs": ["GET", "POST"],
        "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"],
        "options": {"pagination": Pagination(20)},
    }


# Referenced ressources first, as in the seed's dispatcher.
ADDRESSBOOK = [AddressEndPoint, RelatedUserEndPoint, TagEndPoint, NoteEndPoint, LabelEndPoint, DocumentEndPoint]
