"""OpenAPI 3.1 for an ``include()``: ``openapi_document(api, prefix)`` returns the document as a dict.

::

    from django_restframework_lite.description.openapi import openapi_document

    document = openapi_document(api, "/api/")

``schemas`` turns models into JSON Schemas, ``security`` authentication into
security schemes, and ``document`` puts paths and operations together.
"""

from .document import openapi_document
from .security import security_schemes_of

__all__ = ["openapi_document", "security_schemes_of"]
