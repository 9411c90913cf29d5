"""The URLconf of a ``WSGIDispatcher``: its controllers at ``/``, and JSON error answers.

``WSGIDispatcher`` (in ``dispatcher``, below ``controllers``) cannot import
``urls``; the app's ``AppConfig`` builds each dispatcher's
``DispatcherURLConf`` from here, and the dispatcher hands it to Django as the
URLconf of each of its requests. This module is also the ``ROOT_URLCONF`` of the
minimal settings a dispatcher configures: by itself it serves nothing.

Errors Django answers itself (a crash, a refused ``Host``) are JSON here too, as
everything under an API is: nothing else is served by a dispatcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from .exceptions import ApiError, BadRequest, Forbidden, NotFound
from .responses import error_response
from .urls import include

__all__ = ["DispatcherURLConf", "urlpatterns"]


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(BadRequest("Bad request."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(Forbidden())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(NotFound(f"Nothing at {request.path}."))


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(ApiError(500))


class DispatcherURLConf:
    """One dispatcher's URLconf: ``include(controllers, **include_options)`` at the root.

    Django takes any object with ``urlpatterns`` (and ``handler<status>``) as a URLconf.
    """

    handler400 = staticmethod(bad_request)
    handler403 = staticmethod(permission_denied)
    handler404 = staticmethod(page_not_found)
    handler500 = staticmethod(server_error)

    def __init__(self, controllers: Sequence[type], include_options: dict[str, Any]) -> None:
        self.urlpatterns: list[URLPattern | URLResolver] = [path("", include(controllers, **include_options))]

    def __repr__(self) -> str:
        return f"<DispatcherURLConf {self.urlpatterns[0].pattern.describe()}>"


urlpatterns: list[URLPattern | URLResolver] = []
handler400 = bad_request
handler403 = permission_denied
handler404 = page_not_found
handler500 = server_error
