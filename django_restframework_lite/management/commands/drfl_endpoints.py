"""``manage.py drfl_endpoints``: list every endpoint of the mounted APIs.

A table for people, ``--json`` for scripts::

    python manage.py drfl_endpoints
    python manage.py drfl_endpoints --json
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...discovery import MountedApi
from ._select import select_apis

COLUMNS = ("path", "name", "verbs", "datastore", "authentication", "ratelimit")


def describe_ratelimit(ratelimit: Any) -> str | None:
    """Return ``"RateLimit(quota=100, interval=600)"``, or None without a rate limit."""
    if ratelimit is None:
        return None
    quota = getattr(ratelimit, "quota", None)
    interval = getattr(ratelimit, "interval", None)
    if quota is None or interval is None:
        return type(ratelimit).__name__
    return f"{type(ratelimit).__name__}(quota={quota}, interval={interval:g})"


def endpoint_rows(mounted: MountedApi) -> list[dict[str, Any]]:
    """Return one row per list and unique endpoint of a mounted API, in include() order."""
    rows = []
    for controller in mounted.api.controllers:
        authentication = getattr(controller, "authentication", None)
        common = {
            "ressource": controller.ressource_name,
            "datastore": type(controller.datastore).__name__,
            "authentication": type(authentication).__name__ if authentication is not None else None,
            "ratelimit": describe_ratelimit(getattr(controller, "ratelimit", None)),
        }
        name = controller.ressource_name
        endpoints = (
            (f"{mounted.prefix}{name}/", f"{name}-list", controller.list_verbs),
            (f"{mounted.prefix}{name}/<identifier>/", f"{name}-detail", controller.unique_verbs),
        )
        for path, url_name, verbs in endpoints:
            if verbs:
                rows.append({"path": path, "name": mounted.url_name(url_name), "verbs": list(verbs), **common})
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """Return the rows as a plain-text table with a header line."""
    cells = [[column.upper() for column in COLUMNS]]
    for row in rows:
        cells.append(
            [
                ", ".join(row[column]) if column == "verbs" else (row[column] if row[column] is not None else "-")
                for column in COLUMNS
            ]
        )
    widths = [max(len(line[index]) for line in cells) for index in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells)


class Command(BaseCommand):
    help = "List every endpoint of the django-restframework-lite APIs: path, URL name, verbs, datastore, authentication, rate limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument("--namespace", help="Only the API with this namespace.")
        parser.add_argument("--prefix", help="Only the API mounted at this prefix, e.g. /api/.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = []
        for mounted in select_apis(namespace=options["namespace"], prefix=options["prefix"]):
            rows.extend(endpoint_rows(mounted))
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
        else:
            self.stdout.write(format_table(rows))
