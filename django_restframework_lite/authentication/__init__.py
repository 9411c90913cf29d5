"""Who is calling, and may they: authentication and authorization backends.

An *authentication* tells who sends a request (``get_user(request)`` returns a
user or None); an *authorization* decides whether that user may go on
(``check_auth(request)`` raises ``Unauthorized`` or ``Forbidden``). A controller
takes an authentication instance and an authorization class, which it builds
once with its authentication::

    keys = PythonListDataStore([{"accesskey": "hackme"}], KeyModel)

    class UserEndPoint(Controller):
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"],
                      "options": {"authentication": ApiKeyAuthentication(keys, identifier="accesskey"),
                                  "authorization": Authorization}}

A controller asks for the user once per request through ``authenticate()``, which
keeps it on the ``HttpRequest`` (``request.api_user``): never on the shared
authentication object, which every request sees.

Missing or wrong credentials make an anonymous request (``None``), as in the
seed: the authorization turns that into a 401. Credentials that cannot even be
read (a Basic header that is not base64, has no colon or is not UTF-8) are a 401
straight away, never a 500.
"""

from .authorization import Authorization, DjangoModelPermissions, build_authorization
from .backends import ApiKeyAuthentication, BasicAuthentication, DjangoAuthentication
from .base import API_KEY_HEADER, FORCED_USER_KEY, Authentication, authenticate

#: The seed's name for the authorization its tutorial pairs with ``ApiKeyAuthentication``.
ApiKeyAuthorization = Authorization

__all__ = [
    "API_KEY_HEADER",
    "ApiKeyAuthentication",
    "ApiKeyAuthorization",
    "Authentication",
    "Authorization",
    "BasicAuthentication",
    "DjangoAuthentication",
    "DjangoModelPermissions",
    "FORCED_USER_KEY",
    "authenticate",
    "build_authorization",
]
