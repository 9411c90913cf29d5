"""``manage.py load_addressbook``: fill the demo with sample data, as often as you like.

Running it twice changes nothing the second time: rows are recognised by their
natural keys (an address by all its fields, a user by first and last name, a
note by its title, an account by its username) and only the missing ones are
created (labels by name, documents by title). The accounts ``alice`` and ``bob`` (password ``demo``) can
try ``/mine/``. Tags need no loading:
the ``tags`` endpoint serves a Python list that starts with a few entries.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from addressbook.api import DocumentEndPoint, NoteModel, notes_ressource
from addressbook.models import Address, Document, Label, User
from django_restframework_lite.datastore import SQLiteDataStore

ADDRESSES = [
    {"country": "France", "city": "Paris", "street": "quai de Valmy", "number": 45},
    {"country": "France", "city": "Lyon", "street": "rue de la République", "number": 12},
    {"country": "Belgium", "city": "Brussels", "street": "rue Neuve", "number": 3},
    {"country": "United Kingdom", "city": "London", "street": "Baker Street", "number": 221},
    {"country": "Germany", "city": "Berlin", "street": "Unter den Linden", "number": 77},
]

FIRST_NAMES = [
    "John", "Peter", "Steve", "Joe", "Bob", "Super", "Captain", "Nick", "Mary", "Alice",
    "Claire", "Hugo", "Emma", "Louis", "Jade", "Paul", "Lina", "Tom", "Zoe", "Adam",
]  # fmt: skip
LAST_NAMES = ["Doe", "Something", "Roger", "America", "Dupont", "Fury", "Martin", "Bernard", "Petit", "Durand"]

ACCOUNTS = ["alice", "bob"]

NOTES = [
    {"title": "Call John", "body": "About the address book demo.", "priority": 3},
    {"title": "Birthday list", "body": "Mary, Alice, Hugo.", "priority": 1},
    {"title": "Move", "body": "Captain America moves to Brussels.", "priority": 5},
    {"title": "Groceries", "body": "", "priority": 0},
]


LABELS = ["invoice", "lease", "insurance"]

DOCUMENTS = [
    {"title": "Lease, quai de Valmy", "issued": "2024-09-01", "price": "1250.00", "valid_for": "P365D",
     "extra": {"rooms": 3, "furnished": False}, "labels": ["lease"]},
    {"title": "Home insurance", "issued": "2025-01-15", "price": "189.90", "valid_for": "P1Y",
     "extra": {"insurer": "Acme"}, "labels": ["insurance", "invoice"]},
]


class Command(BaseCommand):
    help = "Load sample addresses, 200 users, a few notes and documents into the demo; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            addresses, new_addresses = self.load_addresses()
            users, new_users = self.load_users(addresses)
            accounts, new_accounts = self.load_accounts()
            documents, new_documents = self.load_documents()
        notes, new_notes = self.load_notes()
        self.stdout.write(
            f"addresses: {len(addresses)} ({new_addresses} new), "
            f"users: {users} ({new_users} new), notes: {notes} ({new_notes} new), "
            f"accounts: {accounts} ({new_accounts} new), documents: {documents} ({new_documents} new)"
        )

    def load_documents(self) -> tuple[int, int]:
        """Create the missing labels and documents, through the documents' own datastore (its wire formats)."""
        labels = {name: Label.objects.get_or_create(name=name)[0].pk for name in LABELS}
        store = DocumentEndPoint().datastore
        created = 0
        for document in DOCUMENTS:
            if not Document.objects.filter(title=document["title"]).exists():
                store.create({**document, "labels": [labels[name] for name in document["labels"]]})
                created += 1
        return len(DOCUMENTS), created

    def load_addresses(self) -> tuple[list[Address], int]:
        created = 0
        addresses = []
        for fields in ADDRESSES:
            address, is_new = Address.objects.get_or_create(**fields)
            addresses.append(address)
            created += is_new
        return addresses, created

    def load_users(self, addresses: list[Address]) -> tuple[int, int]:
        """Create the missing users of every first name x last name pair (200), some without address."""
        existing = set(User.objects.values_list("first_name", "last_name"))
        homes: list[Address | None] = [*addresses, None]
        missing = []
        position = 0
        for last_name in LAST_NAMES:
            for first_name in FIRST_NAMES:
                if (first_name, last_name) not in existing:
                    missing.append(User(first_name=first_name, last_name=last_name, address=homes[position % len(homes)]))
                position += 1
        User.objects.bulk_create(missing)
        return len(FIRST_NAMES) * len(LAST_NAMES), len(missing)

    def load_accounts(self) -> tuple[int, int]:
        """Create the demo's Django accounts (password "demo") for the ``/mine/`` endpoints."""
        model = get_user_model()
        created = 0
        for username in ACCOUNTS:
            if not model.objects.filter(username=username).exists():
                model.objects.create_user(username, f"{username}@example.com", "demo", first_name=username.title())
                created += 1
        return len(ACCOUNTS), created

    def load_notes(self) -> tuple[int, int]:
        """Create the missing notes through the same SQLite datastore the API serves."""
        store = SQLiteDataStore(notes_ressource(), NoteModel)
        created = 0
        for note in NOTES:
            if store.count(title=note["title"]) == 0:
                store.create(dict(note))
                created += 1
        return len(NOTES), created
