"""``manage.py drfl_openapi``: write the OpenAPI 3.1 document of a mounted API.

For CI pipelines and client generators::

    python manage.py drfl_openapi --output openapi.json
    python manage.py drfl_openapi --namespace shop      # when several APIs are mounted
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...description.openapi import openapi_document
from ._select import describe, select_apis


class Command(BaseCommand):
    help = "Write the OpenAPI 3.1 document of a django-restframework-lite API (the only one, or the one chosen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--namespace", help="Choose the API by the namespace of its include().")
        parser.add_argument("--prefix", help="Choose the API by its mount prefix, e.g. /api/.")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2; 0 for one line).")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = select_apis(namespace=options["namespace"], prefix=options["prefix"])
        if len(chosen) > 1:
            listed = ", ".join(describe(mounted) for mounted in chosen)
            raise CommandError(f"Several APIs are mounted ({listed}): choose one with --namespace or --prefix.")
        mounted = chosen[0]
        document = openapi_document(mounted.api, mounted.prefix)
        indent = options["indent"] or None
        text = json.dumps(document, indent=indent, ensure_ascii=False) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            if options["verbosity"] > 0:
                self.stderr.write(f"Wrote the OpenAPI document of {describe(mounted)} to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
