"""The same ressources on every datastore: one builder for the contract suite and the HTTP tests.

``category``, ``item``, ``part``, ``ticket`` and ``gadget`` behave the same on each kind of store. The
ORM's models are derived from ``inventory.models``; the list and SQLite stores
get the explicit models below, which describe the same fields. ``ressource()``
gives the ``ressource`` dict of one of them on one kind of store; everything
else here is built from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django_restframework_lite import models
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DataStore, DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from django_restframework_lite.datastore.validators import UniqueTogether

STORE_KINDS = ["pythonlist", "sqlite", "orm"]


class CategoryModel(models.Model):
    fields = [models.PkField(name="id"), models.StringField(name="name", required=True, max_length=50)]


class ItemModel(models.Model):
    """What DjangoModelDataStore derives from ``inventory.models.Item``."""

    fields = [
        models.PkField(name="id"),
        models.StringField(name="name", required=True, max_length=20),
        models.StringField(name="notes", nullable=True),
        models.IntegerField(name="quantity", required=True),
        models.FloatField(name="weight", nullable=True),
        models.BooleanField(name="in_stock", default=True),
        models.DateTimeField(name="added_at", nullable=True),
        models.StringField(name="size", choices=["S", "M", "L"], default="M", max_length=1),
        models.IntegerField(name="rank", min_value=0, max_value=100, default=0),
        models.IntForeign(name="category", nullable=True, foreign={"table": "category", "column": "id"}),
    ]


class PartModel(models.Model):
    fields = [
        models.StringPkField(name="code", required=True, max_length=10),
        models.IntegerField(name="stock", default=0),
        models.DecimalField(name="price", max_digits=6, decimal_places=2, nullable=True),
        models.StringField(name="label", default="", max_length=30),
    ]


class TicketModel(models.Model):
    """What DjangoModelDataStore derives from ``inventory.models.Ticket``: a UUID pk the store draws."""

    fields = [
        models.UUIDPkField(name="id", auto=True),
        models.StringField(name="title", required=True, max_length=100),
    ]


class GadgetModel(models.Model):
    """What DjangoModelDataStore derives from ``inventory.models.Gadget``: each type of API.md section 11."""

    fields = [
        models.PkField(name="id"),
        models.DateField(name="made", nullable=True, description="The day it was made."),
        models.TimeField(name="opens", nullable=True),
        models.DurationField(name="warranty", nullable=True),
        models.UUIDField(name="serial", nullable=True),
        models.DecimalField(name="price", max_digits=8, decimal_places=2, nullable=True),
        models.JSONField(name="specs", nullable=True),
        models.BinaryField(name="blob", nullable=True),
        models.EmailField(name="email", max_length=254, default=""),
        models.URLField(name="site", max_length=200, default=""),
        models.SlugField(name="slug", max_length=50, default=""),
        models.IPAddressField(name="ip", nullable=True),
        models.FileField(name="manual", nullable=True),
        models.ManyToManyField(name="categories", foreign={"table": "category", "column": "id"}),
        models.ManyToManyField(name="tickets", foreign={"table": "ticket", "column": "id"}, items=models.UUIDField),
    ]


MODELS: dict[str, type[models.Model]] = {
    "category": CategoryModel, "item": ItemModel, "part": PartModel, "ticket": TicketModel, "gadget": GadgetModel,
}
DJANGO_MODELS = {"category": "Category", "item": "Item", "part": "Part", "ticket": "Ticket", "gadget": "Gadget"}


def ressource(kind: str, name: str, tmp_path: Path, **options: Any) -> dict[str, Any]:
    """Return the ``ressource`` dict of ``name`` (category, item or part) on one kind of store."""
    if kind == "pythonlist":
        return {"ressource_name": name, "ressource": [], "model": MODELS[name], "datastore": PythonListDataStore,
                "options": options}
    if kind == "sqlite":
        return {"ressource_name": name, "ressource": {"name": str(tmp_path / "stores.db"), "table": name},
                "model": MODELS[name], "datastore": SQLiteDataStore, "options": options}
    if kind == "orm":
        from inventory import models as inventory

        return {"ressource_name": name, "ressource": getattr(inventory, DJANGO_MODELS[name]),
                "datastore": DjangoModelDataStore, "options": options}
    raise ValueError(f"unknown store kind {kind!r}")


def build_store(kind: str, name: str, tmp_path: Path, **options: Any) -> DataStore:
    """Return the datastore of ``name`` on ``kind``, as a controller would build it."""
    config = ressource(kind, name, tmp_path, **options)
    store: DataStore = config["datastore"](config["ressource"], config.get("model"), **config["options"])
    return store


@dataclass
class Stores:
    """The ressources of one API on one kind of datastore, bound to each other."""

    kind: str
    category: DataStore
    item: DataStore
    part: DataStore
    ticket: DataStore
    gadget: DataStore

    @property
    def registry(self) -> dict[str, DataStore]:
        return {"category": self.category, "item": self.item, "part": self.part, "ticket": self.ticket,
                "gadget": self.gadget}


def build_stores(kind: str, tmp_path: Path) -> Stores:
    """Build the stores of one kind; items are unique together on (name, size); gadgets link categories and tickets."""
    stores = Stores(
        kind,
        build_store(kind, "category", tmp_path),
        build_store(kind, "item", tmp_path, validators=[UniqueTogether("name", "size")]),
        build_store(kind, "part", tmp_path),
        build_store(kind, "ticket", tmp_path),
        build_store(kind, "gadget", tmp_path),
    )
    registry = stores.registry
    for name, store in registry.items():
        store.bind(registry, name)
    return stores


def store_controllers(kind: str, tmp_path: Path, *, item_options: dict[str, Any] | None = None,
                      item_view: Any = None, item_ressource_options: dict[str, Any] | None = None
                      ) -> list[type[Controller]]:
    """Return category/item/part controllers served by one kind of datastore."""
    verbs = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}
    item_attributes: dict[str, Any] = {
        "ressource": ressource(kind, "item", tmp_path, **(item_ressource_options or {})),
        "controller": {**verbs, "options": item_options or {}},
    }
    if item_view is not None:
        item_attributes["view"] = item_view
    return [
        type("CategoryEndPoint", (Controller,), {"ressource": ressource(kind, "category", tmp_path),
                                                 "controller": verbs}),
        type("ItemEndPoint", (Controller,), item_attributes),
        type("PartEndPoint", (Controller,), {"ressource": ressource(kind, "part", tmp_path), "controller": verbs}),
    ]


def close_stores(stores: Iterable[DataStore]) -> None:
    """Close the SQLite connections a test opened in its own thread."""
    for store in stores:
        if isinstance(store, SQLiteDataStore):
            store.close()
