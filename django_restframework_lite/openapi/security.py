"""OpenAPI security schemes of the configured authentication.

The shipped authentication classes are recognised by name (so this module does
not import them); any authentication class may describe itself instead with a
``get_openapi_security_schemes()`` method returning OpenAPI scheme objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from ..controllers import Controller


def auth_query_parameters(controller: Controller) -> tuple[str, ...]:
    authentication = getattr(controller, "authentication", None)
    return tuple(getattr(authentication, "query_parameters", ()) or ())


def api_key_header() -> str:
    try:
        from ..authentication import API_KEY_HEADER
    except ImportError:  # the protection layer is optional to this module
        return "X-Api-Key"
    return API_KEY_HEADER


def security_schemes_of(authentication: Any) -> list[dict[str, Any]]:
    """Return the OpenAPI security schemes one authentication object accepts.

    An authentication class may describe itself with ``get_openapi_security_schemes()``;
    the shipped ones are recognised by their class names.
    """
    if authentication is None:
        return []
    hook = getattr(authentication, "get_openapi_security_schemes", None)
    if callable(hook):
        return list(hook())
    names = {klass.__name__ for klass in type(authentication).__mro__}
    if "ApiKeyAuthentication" in names:
        identifier = getattr(authentication, "identifier", "apikey")
        header = getattr(authentication, "header", None) or api_key_header()
        return [
            {"type": "apiKey", "in": "query", "name": identifier, "description": "API key as a query parameter."},
            {"type": "apiKey", "in": "header", "name": header, "description": "API key as a header."},
        ]
    if "BasicAuthentication" in names:
        return [{"type": "http", "scheme": "basic", "description": "HTTP Basic credentials."}]
    if "DjangoAuthentication" in names:
        return [
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": "Django session cookie; unsafe methods also need the CSRF token (X-CSRFToken).",
            }
        ]
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
        schemes = security_schemes_of(getattr(controller, "authentication", None))
        if not schemes:
            return None
        requirements: list[dict[str, list[str]]] = [{self.name_for(scheme): []} for scheme in schemes]
        if getattr(controller, "authorization", None) is None:
            requirements.append({})
        return requirements
