"""The seed's own self-description: ``schema/``, ``schema/<ressource>/`` and ``spore/``.

Pure builders over an ``Api`` (or any object with the same attributes) and a
prefix, so that the management commands and the tests can call them without a request.
"""

from __future__ import annotations

from typing import Any

from ..api import Api
from ..controllers import Controller
from ..models import Field
from ..models.fields import NOT_PROVIDED


def schema_index(api: Api, prefix: str) -> dict[str, dict[str, Any]]:
    """Return the seed's ``schema/`` answer: each ressource's endpoint, verbs and schema URL."""
    return {
        controller.ressource_name: {
            "allowed list_verbs": list(controller.list_verbs),
            "allowed unique ressource": list(controller.unique_verbs),
            "list_endpoint": f"{prefix}{controller.ressource_name}/",
            "schema_endpoint": f"{prefix}schema/{controller.ressource_name}/",
        }
        for controller in api.controllers
    }


def ressource_schema(controller: Controller) -> dict[str, dict[str, Any]]:
    """Return the seed's ``schema/<ressource>/`` answer: every visible field but the pk."""
    pk = controller.model.pk_field
    return {field.name: field.get_schema() for field in controller.visible_fields if field is not pk}


def client_must_send(field: Field, pk: Field) -> bool:
    """Tell whether a create must carry ``field``: a required field, or a pk the client chooses."""
    if field is pk:
        # A pk the client chooses, unless the store assigns it or a default makes it.
        return not pk.assigned_by_store and pk.default is NOT_PROVIDED
    return bool(field.required) and not field.read_only


def create_required_params(controller: Controller) -> list[str]:
    """Return the members a create must send."""
    pk = controller.model.pk_field
    return [field.name for field in controller.visible_fields if client_must_send(field, pk)]


def spore_methods(controller: Controller) -> dict[str, dict[str, Any]]:
    """Return the SPORE methods of one controller, only for the verbs it is configured with."""
    name = controller.ressource_name
    list_path = f"/{name}/"
    unique_path = f"/{name}/:identifier/"
    list_verbs = set(controller.list_verbs)
    unique_verbs = set(controller.unique_verbs)
    methods: dict[str, dict[str, Any]] = {}

    def method(http_method: str, method_path: str, required: list[str]) -> dict[str, Any]:
        return {"path": method_path, "method": http_method, "formats": ["json"], "required_params": required}

    if "GET" in list_verbs:
        methods[f"list_{name}"] = method("GET", list_path, [])
    if "POST" in list_verbs:
        methods[f"create_{name}"] = method("POST", list_path, create_required_params(controller))
    if "GET" in unique_verbs:
        methods[f"get_{name}"] = method("GET", unique_path, ["identifier"])
    update_verb = "PUT" if "PUT" in unique_verbs else "PATCH" if "PATCH" in unique_verbs else None
    if update_verb is not None:
        methods[f"update_{name}"] = method(update_verb, unique_path, ["identifier"])
    if "DELETE" in unique_verbs:
        methods[f"delete_{name}"] = method("DELETE", unique_path, ["identifier"])
    return methods


def spore_description(api: Api, base_url: str) -> dict[str, Any]:
    """Return the SPORE description of the API, its method paths relative to ``base_url``."""
    methods: dict[str, dict[str, Any]] = {}
    for controller in api.controllers:
        methods.update(spore_methods(controller))
    return {
        "name": str(api.name),
        "base_url": base_url,
        "version": str(api.version),
        "expected_status": [200],
        "methods": methods,
    }
