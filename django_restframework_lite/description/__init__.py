"""Self-description of one ``include()``: schema, SPORE, OpenAPI and the HTML docs page.

Every description is computed from the built controllers that serve the
requests, so it says what the API really does. The pure builders take an
``Api`` and a prefix (the management commands and the tests call them without a
request); ``description_urlpatterns(api)`` mounts them as read-only routes.

- ``seed``: the seed's ``schema/``, ``schema/<ressource>/`` and ``spore/``;
- ``openapi``: the OpenAPI 3.1 document;
- ``docs``: the HTML page and its assets;
- ``views``: the routes.
"""

from .docs import docs_context
from .openapi import openapi_document
from .seed import ressource_schema, schema_index, spore_description
from .views import description_urlpatterns

__all__ = [
    "description_urlpatterns",
    "docs_context",
    "openapi_document",
    "ressource_schema",
    "schema_index",
    "spore_description",
]
