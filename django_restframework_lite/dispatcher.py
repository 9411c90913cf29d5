"""``WSGIDispatcher``: controllers served as one WSGI application, without a Django project.

The seed's quickstart runs as it is, its imports changed::

    from werkzeug.serving import run_simple
    from django_restframework_lite.controllers import WSGIDispatcher

    app = WSGIDispatcher([AddressEndPoint, UserEndPoint])
    run_simple("127.0.0.1", 5000, app, use_debugger=True, use_reloader=True)

``WSGIDispatcher(controllers, **include_options)`` serves
``urls.include(controllers, **include_options)`` at ``/`` under any WSGI server
(werkzeug's, ``wsgiref``, gunicorn). When Django has no settings (no
``DJANGO_SETTINGS_MODULE``, nothing configured) it configures a minimal Django
itself; otherwise it uses the project's settings, which must list
``django_restframework_lite`` in ``INSTALLED_APPS``. Several dispatchers live side
by side in one process, each serving only its own controllers: each request
carries its dispatcher's URLconf (``request.urlconf``, Django's per-request URLconf).

How the layers stay one-way: this module sits below ``controllers`` and
never imports ``urls``. The dispatcher asks Django's app registry for the
``AppConfig`` of this app (Django loaded it by its dotted path from
``INSTALLED_APPS``), and that ``AppConfig``, at the top of the layers, builds the
URLconf with ``standalone.DispatcherURLConf``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.http import HttpRequest, HttpResponseBase

__all__ = ["STANDALONE_URLCONF", "WSGIDispatcher", "minimal_settings", "requires_database"]

#: The ``ROOT_URLCONF`` of the minimal settings: it serves nothing, each dispatcher brings its own URLconf.
STANDALONE_URLCONF = "django_restframework_lite.standalone"
APP_NAME = "django_restframework_lite"
DATABASE_FILE = "db.sqlite3"


def minimal_settings(directory: Path) -> dict[str, Any]:
    """Return the settings of a Django without a project, its database file in ``directory``.

    ``DEBUG`` is off and the secret key is random for each process (nothing the
    API serves outlives a restart). Django's auth, contenttypes and sessions apps
    are installed so that the shipped authentications work; their tables, in
    ``db.sqlite3``, are only created when a controller needs them.
    """
    return {
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
        "ROOT_URLCONF": STANDALONE_URLCONF,
        "INSTALLED_APPS": ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", APP_NAME],
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(directory / DATABASE_FILE)}},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        # With DEBUG off Django reports a crash to ADMINS only: say it on stderr instead.
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"stderr": {"class": "logging.StreamHandler"}},
            "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
        },
    }


def policies_of(controller_class: type) -> Iterator[Any]:
    """Yield the datastore class and the policies a controller class names (its raw dicts, before they are read)."""
    ressource = getattr(controller_class, "ressource", None)
    controller = getattr(controller_class, "controller", None)
    if isinstance(ressource, dict):
        yield ressource.get("datastore")
    options = controller.get("options") if isinstance(controller, dict) else None
    if isinstance(options, dict):
        for key in ("authentication", "authorization", "ratelimit"):
            policy = options.get(key)
            yield policy
            yield getattr(policy, "datastore", None)


def requires_database(controller_classes: Iterable[type]) -> bool:
    """Tell whether a controller uses Django's database (the ORM store, Django users or sessions)."""
    return any(
        getattr(policy, "requires_database", False) is True
        for cls in controller_classes
        for policy in policies_of(cls)
    )


def configured_here() -> bool:
    """Tell whether the running settings are the minimal ones this module configured."""
    return settings.configured and getattr(settings, "ROOT_URLCONF", None) == STANDALONE_URLCONF


def set_up_django(controller_classes: Sequence[type]) -> None:
    """Configure a minimal Django when there are no settings, load the apps, and create the tables needed."""
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(**minimal_settings(Path.cwd()))
    if not apps.ready:
        django.setup()
    if configured_here() and requires_database(controller_classes):
        # Django's own tables (auth, contenttypes, sessions), created once in db.sqlite3.
        call_command("migrate", interactive=False, verbosity=0)


class DispatcherHandler(WSGIHandler):
    """Django's WSGI handler, answering every request with one dispatcher's URLconf."""

    def __init__(self, urlconf: Any) -> None:
        self.urlconf = urlconf
        super().__init__()

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.urlconf = self.urlconf
        response = super().get_response(request)
        # As Django's CommonMiddleware would: a client must know where an answer ends without
        # waiting for the connection to close. Werkzeug's development server, answering before
        # it read a request's body, reads the rest of it until the client closes, so an answer
        # without a length would leave both waiting.
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))  # type: ignore[attr-defined]
        return response


class WSGIDispatcher:
    """A WSGI application serving ``include(controllers, **include_options)`` at ``/``.

    The controllers are read and checked here, once: a misconfigured controller
    raises ``ImproperlyConfigured`` when the dispatcher is built, as ``include()`` does.
    ``include_options`` are ``include()``'s (``name``, ``version``, ``base_url``...);
    the seed's ``formats=["json"]`` is accepted, since JSON is what is served.
    """

    def __init__(self, controllers: Sequence[type], *, formats: Sequence[str] | None = None, **include_options: Any) -> None:
        if formats is not None and list(formats) != ["json"]:
            raise ImproperlyConfigured(f"WSGIDispatcher serves JSON only: formats={list(formats)!r} cannot be served.")
        self.controllers = list(controllers)
        self.include_options = include_options
        set_up_django(self.controllers)
        if not hasattr(settings, "ROOT_URLCONF"):
            raise ImproperlyConfigured(
                "WSGIDispatcher: the settings have no ROOT_URLCONF; set it, for instance to "
                f"{STANDALONE_URLCONF!r} (a URLconf that serves nothing: each dispatcher brings its own)."
            )
        app_config = apps.get_containing_app_config(__name__)
        if app_config is None:
            raise ImproperlyConfigured(f"WSGIDispatcher needs {APP_NAME!r} in INSTALLED_APPS.")
        self.urlconf = app_config.dispatcher_urlconf(self.controllers, self.include_options)  # type: ignore[attr-defined]
        self.handler = DispatcherHandler(self.urlconf)

    def __repr__(self) -> str:
        return f"<WSGIDispatcher {', '.join(cls.__name__ for cls in self.controllers)}>"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.handler(environ, start_response)
