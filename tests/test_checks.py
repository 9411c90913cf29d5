"""Misconfigured controllers: ImproperlyConfigured at include() and errors from ``manage.py check``."""

from __future__ import annotations

import textwrap
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from django_restframework_lite import models
from django_restframework_lite.checks import check_controllers
from django_restframework_lite.config import ControllerConfigurationError, controller_problems
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import PythonListDataStore
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include
from tests.http_support import RateLimit, UserModel, mount, user_endpoint


class NoPkModel(models.Model):
    fields = [models.StringField(name="name")]


class TwoPkModel(models.Model):
    fields = [models.PkField(name="id"), models.StringPkField(name="code")]


class Authentication:
    def get_user(self, request):
        return None


def endpoint(name="Broken", ressource=None, controller=None, view=None, *, drop=()):
    ressource = {"ressource_name": "things", "ressource": [], "model": UserModel, "datastore": PythonListDataStore,
                 **(ressource or {})}
    controller = {"list_verbs": ["GET"], "unique_verbs": ["GET"], **(controller or {})}
    for key in drop:
        ressource.pop(key, None)
        controller.pop(key, None)
    attributes = {"ressource": ressource, "controller": controller}
    if view is not None:
        attributes["view"] = view
    return type(name, (Controller,), attributes)


CASES = [
    ("E001", "ressource['ressource_name']", endpoint(drop=["ressource_name"])),
    ("E001", "ressource['ressource']", endpoint(drop=["ressource"])),
    ("E001", "ressource['datastore']", endpoint(drop=["datastore"])),
    ("E001", "ressource['datastore']", endpoint(ressource={"datastore": dict})),
    ("E001", "ressource['ressource_name']", endpoint(ressource={"ressource_name": "a/b"})),
    ("E001", "controller['list_verbs']", endpoint(drop=["list_verbs"])),
    ("E001", "controller['unique_verbs']", endpoint(drop=["unique_verbs"])),
    ("E001", "controller['list_verbs']", endpoint(controller={"list_verbs": "GET"})),
    ("E002", "controller['list_verbs']", endpoint(controller={"list_verbs": ["GET", "FETCH"]})),
    ("E002", "controller['unique_verbs']", endpoint(controller={"unique_verbs": ["GET", "POST"]})),
    ("E002", "controller['list_verbs']", endpoint(controller={"list_verbs": ["DELETE"]})),
    ("E003", "controller['options']['ratelimit']", endpoint(controller={"options": {"ratelimit": RateLimit()}})),
    ("E003", "controller['options']['authorization']", endpoint(controller={"options": {"authorization": object}})),
    ("E004", "ressource['model']", endpoint(ressource={"model": NoPkModel})),
    ("E004", "ressource['model']", endpoint(ressource={"model": TwoPkModel})),
    ("E004", "ressource['model']", endpoint(ressource={"model": dict})),
    ("E005", "view['options']['formaters']", endpoint(view={"options": {"formaters": ["no_such_formater"]}})),
    ("E005", "view['response_class']", endpoint(view={"response_class": "JsonResponse"})),
    ("E005", "controller['options']['pagination']", endpoint(controller={"options": {"pagination": 20}})),
    ("E005", "controller['options']['formaters']", endpoint(controller={"options": {"formaters": ["x"]}})),
    ("E005", "controller['options']['authentication']", endpoint(controller={"options": {"authentication": object()}})),
    ("E005", "ressource['options']['partial']", endpoint(ressource={"options": {"partial": "fields"}})),
]


@pytest.mark.parametrize(("check_id", "key", "cls"), CASES)
def test_controller_problems_name_the_controller_and_the_key(check_id, key, cls):
    problems = controller_problems(cls)
    assert [(p.id, p.key) for p in problems] == [(check_id, key)]
    assert problems[0].controller == f"{__name__}.Broken"


@pytest.mark.parametrize(("check_id", "key", "cls"), CASES)
def test_include_raises_improperly_configured_naming_controller_and_key(check_id, key, cls):
    with pytest.raises(ImproperlyConfigured) as caught:
        include([cls])
    assert f"{__name__}.Broken: {key}: " in str(caught.value)
    assert isinstance(caught.value, ControllerConfigurationError)
    assert caught.value.problems[0].id == check_id


def test_building_the_controller_directly_is_checked_too():
    with pytest.raises(ImproperlyConfigured, match=r"Broken: controller\['list_verbs'\]: unknown verb 'FETCH'"):
        endpoint(controller={"list_verbs": ["FETCH"]})()


def test_a_datastore_that_cannot_be_built_is_reported():
    cls = endpoint(drop=["model"])
    with pytest.raises(ImproperlyConfigured, match=r"Broken: ressource\['datastore'\]: cannot build the datastore"):
        include([cls])


def test_duplicate_ressource_names_in_one_include():
    with pytest.raises(ImproperlyConfigured, match="'users' is already served by"):
        include([user_endpoint(), user_endpoint()])


def test_a_good_controller_has_no_problems():
    cls = endpoint(controller={"options": {"pagination": Pagination(5), "authentication": Authentication(),
                                           "authorization": object, "ratelimit": RateLimit()}})
    assert controller_problems(cls) == []
    assert controller_problems(user_endpoint()) == []


def test_all_problems_are_reported_at_once():
    cls = endpoint(controller={"list_verbs": ["FETCH"], "options": {"ratelimit": RateLimit()}}, drop=["datastore"])
    assert [p.id for p in controller_problems(cls)] == ["E001", "E002", "E003"]


# manage.py check ------------------------------------------------------------------------


@pytest.fixture
def urlconf_module(tmp_path, monkeypatch, settings):
    """Write a URLconf module under tmp_path and make it the ROOT_URLCONF."""

    def write(source: str) -> str:
        name = f"drfl_urls_{uuid.uuid4().hex}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        monkeypatch.syspath_prepend(str(tmp_path))
        settings.ROOT_URLCONF = name
        return name

    return write


BROKEN_URLCONF = """
    from django.urls import path
    from django_restframework_lite.controllers import Controller
    from django_restframework_lite.datastore import PythonListDataStore
    from django_restframework_lite.urls import include
    from tests.http_support import RateLimit, UserModel

    class RateLimitedEndPoint(Controller):
        ressource = {"ressource_name": "users", "ressource": [], "model": UserModel, "datastore": PythonListDataStore}
        controller = {"list_verbs": ["GET"], "unique_verbs": ["GET", "FETCH"], "options": {"ratelimit": RateLimit()}}

    urlpatterns = [path("api/", include([RateLimitedEndPoint]))]
"""


def test_system_check_reports_the_controller_with_ids(urlconf_module):
    name = urlconf_module(BROKEN_URLCONF)
    errors = check_controllers()
    assert [error.id for error in errors] == ["django_restframework_lite.E002", "django_restframework_lite.E003"]
    assert errors[0].msg == (
        f"{name}.RateLimitedEndPoint: controller['unique_verbs']: unknown verb 'FETCH'; "
        "use some of GET, PUT, PATCH, DELETE, HEAD, OPTIONS."
    )
    assert errors[1].msg.startswith(f"{name}.RateLimitedEndPoint: controller['options']['ratelimit']: ratelimit needs")


def test_manage_py_check_fails_naming_the_controller(urlconf_module):
    urlconf_module(BROKEN_URLCONF)
    # Django's own URL checks may import the URLconf before ours runs: either way the message names the controller.
    with pytest.raises((SystemCheckError, ImproperlyConfigured)) as caught:
        call_command("check")
    assert "RateLimitedEndPoint: controller['unique_verbs']: unknown verb 'FETCH'" in str(caught.value)


# Django 6.1's check of a JSONField asks the database which features it has.
@pytest.mark.django_db
def test_manage_py_check_passes_on_a_good_api(settings, capsys):
    mount(settings, [user_endpoint()])
    assert check_controllers() == []
    call_command("check")
    assert "System check identified no issues" in capsys.readouterr().out


def test_an_authorization_that_cannot_be_built_is_reported():
    from django_restframework_lite.authentication import DjangoModelPermissions

    cls = endpoint(controller={"options": {"authentication": Authentication(), "authorization": DjangoModelPermissions}})
    with pytest.raises(ImproperlyConfigured) as caught:
        include([cls])
    assert caught.value.problems[0].id == "E005"
    assert str(caught.value).startswith(f"{__name__}.Broken: controller['options']['authorization']: ")

