"""OpenAPI links: from a create (201) and a list's items to the operations on one object.

A client (or schemathesis's stateful phase) follows them to read, update and
delete what it just created or listed. The identifier comes from the answer:
the pk member when the object shows it (``$response.body#/id``); when a view
formater hides the pk (``remove_id``), from the object's URI, with the regex
extractor schemathesis reads (``$response.header.Location#regex:...``) and
which other tools pass over as an opaque expression.
"""

from __future__ import annotations

import re
from typing import Any

from ...controllers import Controller
from .parameters import IDENTIFIER

__all__ = ["nested_links", "object_links"]

#: The unique operations a link leads to, with the name the link has.
TARGETS = {"GET": "Get", "HEAD": "Check", "PUT": "Replace", "PATCH": "Update", "DELETE": "Delete"}


def identifier_expression(controller: Controller, shown: dict[str, Any], *, created: bool) -> str | None:
    """Return the runtime expression of the identifier in a create's answer or the first item of a list."""
    pk = controller.model.pk_field.name
    pointer = "" if created else "/object_list/0"
    if pk in shown.get("properties", {}):
        return f"$response.body#{pointer}/{pk}"
    uri = rf"/{re.escape(controller.ressource_name)}/([^/]+)/$"
    if created:
        return f"$response.header.Location#regex:{uri}"
    if "ressource_uri" in shown.get("properties", {}):
        return f"$response.body#{pointer}/ressource_uri#regex:{uri}"
    return None


def object_links(controller: Controller, shown: dict[str, Any], component: str, *, created: bool) -> dict[str, Any]:
    """Return the links of a 201 (``created``) or a list's 200 to the unique operations the controller serves."""
    expression = identifier_expression(controller, shown, created=created)
    if expression is None:
        return {}
    source = "the created object" if created else "the first object of the page"
    links = {}
    for verb, action in TARGETS.items():
        if verb in controller.unique_methods:
            links[f"{action}{component}"] = {
                "operationId": f"{controller.ressource_name}_detail_{verb.lower()}",
                "parameters": {IDENTIFIER: expression},
                "description": f"{action} {source}.",
            }
    return links


def nested_links(parent: Controller, shown: dict[str, Any], child: Controller) -> dict[str, Any]:
    """Return the links of ``parent``'s 201 to ``child``'s nested list (``/address/{parent}/users/``)."""
    expression = identifier_expression(parent, shown, created=True)
    if expression is None:
        return {}
    links = {}
    for verb, action in (("GET", "List"), ("POST", "Create")):
        if verb in child.list_methods:
            name = f"{action}{''.join(part.title() for part in child.ressource_name.split('_'))}Of{parent.ressource_name.title()}"
            links[name] = {
                "operationId": f"{child.ressource_name}_list_{verb.lower()}_by_{parent.ressource_name}",
                "parameters": {"parent": expression},
                "description": f"{action} the {child.ressource_name} of the created {parent.ressource_name} object.",
            }
    return links
