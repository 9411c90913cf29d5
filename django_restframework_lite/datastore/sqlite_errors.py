"""How the SQLite store answers SQLite's refusals: constraint failures as 400 and 409 naming the field."""

from __future__ import annotations

from typing import Any

from ..exceptions import BadRequest, Conflict
from ..models import Model
from ..models.base import invalid_message

__all__ = ["integrity_error"]


def integrity_error(model: Model, message: str, data: dict[str, Any] | None, failing: list[str]) -> Exception:
    """Turn SQLite's constraint ``message`` into the 400/409 the client should see.

    ``data`` is the row being written (None for a delete, whose foreign-key
    failure means another row still references it); ``failing`` names the
    foreign keys found pointing at no row.
    """
    pk_name = model.pk_field.name
    if message.startswith("FOREIGN KEY"):
        if data is None:
            return Conflict("Cannot delete this ressource: other ressources still reference it.")
        names = failing or [field.name for field in model.foreign_keys if data.get(field.name) is not None]
        return BadRequest(
            invalid_message(names[0]) if names else "A foreign key does not validate",
            fields={name: "No such ressource." for name in names},
        )
    if message.startswith("UNIQUE") or message.startswith("PRIMARY KEY"):
        column = message.rpartition(".")[2]
        column = column if model.get_field(column) else pk_name
        return Conflict(f"A ressource with this {column} already exists.", fields={column: "Already taken."})
    if message.startswith("NOT NULL"):
        column = message.rpartition(".")[2]
        return BadRequest(invalid_message(column), fields={column: "This field may not be null."})
    return BadRequest(f"The database refused this change: {message}.")
