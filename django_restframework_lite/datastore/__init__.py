"""Datastores: where a ressource's data lives.

``DataStore`` is the extension point; three stores ship with the app and pass
the same behavioural suite: ``PythonListDataStore`` (a list of dicts),
``SQLiteDataStore`` (a SQLite file) and ``DjangoModelDataStore`` (the ORM).
"""

from .base import DataStore
from .orm import DjangoModelDataStore
from .pythonlist import PythonListDataStore
from .query import Condition, Ordering, QueryRules
from .sqlite import SQLiteDataStore

__all__ = ["Condition", "DataStore", "DjangoModelDataStore", "Ordering", "PythonListDataStore", "QueryRules", "SQLiteDataStore"]
