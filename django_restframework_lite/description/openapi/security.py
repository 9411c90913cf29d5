"""OpenAPI security schemes: each authentication describes itself, and operations name the schemes.

An authentication backend says what it accepts with
``get_openapi_security_schemes()`` (the shipped ones do; so may any
user-written one); an object without it is described by its
``query_parameters``, as API keys in the query string.
"""

from __future__ import annotations

from typing import Any

from ...controllers import Controller
from .schemas import hook


def security_schemes_of(authentication: Any) -> list[dict[str, Any]]:
    """Return the OpenAPI security schemes one authentication object accepts."""
    if authentication is None:
        return []
    describe = hook(authentication, "get_openapi_security_schemes")
    if describe is not None:
        return list(describe())
    return [
        {"type": "apiKey", "in": "query", "name": name, "description": f"Read by {type(authentication).__name__}."}
        for name in getattr(authentication, "query_parameters", ()) or ()
    ]


class SecurityRegistry:
    """Give each distinct security scheme one component name, shared by the controllers using it."""

    def __init__(self) -> None:
        self.schemes: dict[str, dict[str, Any]] = {}

    def name_for(self, scheme: dict[str, Any]) -> str:
        for name, known in self.schemes.items():
            if known == scheme:
                return name
        if scheme["type"] == "http":
            base = scheme.get("scheme", "http")
        elif scheme["type"] == "apiKey":
            base = {"cookie": "session", "query": "apiKeyQuery", "header": "apiKeyHeader"}[scheme["in"]]
        else:
            base = scheme["type"]
        name, counter = base, 2
        while name in self.schemes:
            name, counter = f"{base}{counter}", counter + 1
        self.schemes[name] = scheme
        return name

    def requirements(self, controller: Controller) -> list[dict[str, list[str]]] | None:
        """Return an operation's ``security``; optional (``{}``) when no authorization enforces it."""
        schemes = security_schemes_of(controller.authentication)
        if not schemes:
            return None
        requirements: list[dict[str, list[str]]] = [{self.name_for(scheme): []} for scheme in schemes]
        if controller.authorization is None:
            requirements.append({})
        return requirements
