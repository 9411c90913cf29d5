"""Unknown keys (E007, with "did you mean") and the project-wide defaults of ``DJANGO_RESTFRAMEWORK_LITE``."""

from __future__ import annotations

import json
import textwrap
import uuid
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from django_restframework_lite.authentication import Authorization
from django_restframework_lite.checks import check_controllers
from django_restframework_lite.config import controller_problems
from django_restframework_lite.datastore import SQLiteDataStore
from django_restframework_lite.formaters import remove_id
from django_restframework_lite.pagination import Pagination
from django_restframework_lite.urls import include
from tests.http_support import PAGE_OF_TWO, HeaderUser, mount, user_endpoint, users

Keys = HeaderUser
PAGINATION = PAGE_OF_TWO

MISSPELLED = [
    ({"ressource_options": {"validator": []}}, "ressource['options']['validator']", "did you mean 'validators'?"),
    ({"options": {"authentification": Keys()}}, "controller['options']['authentification']",
     "did you mean 'authentication'?"),
    ({"options": {"authorisation": Authorization, "authentication": Keys()}}, "controller['options']['authorisation']",
     "did you mean 'authorization'?"),
    ({"options": {"paginate": PAGINATION}}, "controller['options']['paginate']", "did you mean 'pagination'?"),
    ({"options": {"filter_field": ["age"]}}, "controller['options']['filter_field']", "did you mean 'filter_fields'?"),
    ({"view": {"option": {}}}, "view['option']", "did you mean 'options'?"),
    ({"view": {"options": {"formater": []}}}, "view['options']['formater']", "did you mean 'formaters'?"),
]


def misspelled(case: dict[str, Any]) -> type:
    endpoint = user_endpoint(options=case.get("options"), ressource_options=case.get("ressource_options"),
                             view=case.get("view"))
    return endpoint


@pytest.mark.parametrize(("case", "key", "hint"), MISSPELLED)
def test_an_unknown_key_is_an_e007_naming_the_nearest_known_one(case: dict[str, Any], key: str, hint: str) -> None:
    problems = [problem for problem in controller_problems(misspelled(case)) if problem.id == "E007"]
    assert [(problem.key, problem.message.split("; ")[1]) for problem in problems] == [(key, hint)]
    with pytest.raises(ImproperlyConfigured, match="E007") as caught:
        include([misspelled(case)])
    assert key in str(caught.value)


def test_unknown_keys_of_the_dicts_themselves() -> None:
    endpoint = user_endpoint()
    endpoint.ressource = {**endpoint.ressource, "ressource_nam": "x"}  # type: ignore[typeddict-unknown-key]
    endpoint.controller = {**endpoint.controller, "list_verb": ["GET"]}  # type: ignore[typeddict-unknown-key]
    keys = [(problem.id, problem.key) for problem in controller_problems(endpoint)]
    assert ("E007", "ressource['ressource_nam']") in keys
    assert ("E007", "controller['list_verb']") in keys


def test_a_datastores_options_are_its_constructors_keywords(tmp_path: Any) -> None:
    endpoint = user_endpoint(ressource_options={"timeout": 5})
    assert [problem.key for problem in controller_problems(endpoint)] == ["ressource['options']['timeout']"]
    sqlite = user_endpoint(ressource_options={"timeout": 5})
    sqlite.ressource = {**sqlite.ressource, "datastore": SQLiteDataStore,
                        "ressource": {"name": str(tmp_path / "u.db"), "table": "users"}}
    assert controller_problems(sqlite) == []


@pytest.fixture
def urlconf_module(tmp_path: Any, monkeypatch: Any, settings: Any) -> Any:
    def write(source: str) -> str:
        name = f"drfl_urls_{uuid.uuid4().hex}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        monkeypatch.syspath_prepend(str(tmp_path))
        settings.ROOT_URLCONF = name
        return name

    return write


def test_manage_py_check_reports_a_misspelled_security_option(urlconf_module: Any) -> None:
    urlconf_module("""
        from django.urls import path
        from django_restframework_lite.urls import include
        from django_restframework_lite.authentication import Authorization
        from tests.http_support import user_endpoint
        from tests.http_support import HeaderUser as Keys

        Open = user_endpoint(options={"authentification": Keys(), "authorisation": Authorization})
        urlpatterns = [path("api/", include([Open]))]
    """)
    errors = check_controllers()
    assert [(error.id, error.msg) for error in errors] == [
        ("django_restframework_lite.E007", "tests.http_support.UserEndPoint: controller['options']['authentification']: "
                                           "unknown key 'authentification'; did you mean 'authentication'?"),
        ("django_restframework_lite.E007", "tests.http_support.UserEndPoint: controller['options']['authorisation']: "
                                           "unknown key 'authorisation'; did you mean 'authorization'?"),
    ]
    with pytest.raises(SystemCheckError) as caught:
        call_command("check")
    assert "did you mean 'authentication'? (django_restframework_lite.E007)" in str(caught.value)


# Project-wide defaults -------------------------------------------------------------------------------


def test_defaults_apply_to_controllers_that_do_not_set_the_option(settings: Any, client: Any) -> None:
    settings.DJANGO_RESTFRAMEWORK_LITE = {"controller_options": {"pagination": PAGINATION}}
    mount(settings, [user_endpoint(users(3))])
    meta = json.loads(client.get("/api/users/").content)["meta"]
    assert (meta["count"], meta["total_count"], meta["next"]) == (2, 3, "/api/users/?offset=2")


def test_a_controllers_own_option_wins_and_none_opts_out(settings: Any, client: Any) -> None:
    settings.DJANGO_RESTFRAMEWORK_LITE = {"controller_options": {"pagination": PAGINATION}}
    own = user_endpoint(users(3), options={"pagination": Pagination(1)})
    none = user_endpoint(users(3), options={"pagination": None}, name="people")
    mount(settings, [own, none])
    assert json.loads(client.get("/api/users/").content)["meta"]["count"] == 1
    assert json.loads(client.get("/api/people/").content)["meta"] == {"filters": {}}


def test_defaults_by_dotted_path_classes_are_built_and_authorization_stays_a_class(settings: Any, client: Any) -> None:
    settings.DJANGO_RESTFRAMEWORK_LITE = {
        "controller_options": {
            "pagination": "tests.http_support.PAGE_OF_TWO",
            "authentication": "tests.http_support.HeaderUser",
            "authorization": "django_restframework_lite.authentication.Authorization",
        },
        "view_options": {"formaters": ["add_ressource_uri", "django_restframework_lite.formaters.remove_id"]},
    }
    api = mount(settings, [user_endpoint(users(3))])
    controller = api.controllers[0]
    assert isinstance(controller.authentication, Keys) and isinstance(controller.authorization, Authorization)
    assert controller.view.formaters[1] is remove_id
    assert client.get("/api/users/").status_code == 401
    answer = json.loads(client.get("/api/users/", headers={"X-User": "ann"}).content)
    assert answer["meta"]["count"] == 2
    assert "id" not in answer["object_list"][0]


def test_a_misspelled_default_is_an_e007(settings: Any) -> None:
    settings.DJANGO_RESTFRAMEWORK_LITE = {"controller_options": {"authentification": "tests.http_support.HeaderUser"},
                                          "view_option": {}}
    with pytest.raises(ImproperlyConfigured) as caught:
        include([user_endpoint()])
    assert [(problem.id, problem.controller, problem.key) for problem in caught.value.problems] == [  # type: ignore[attr-defined]
        ("E007", "settings.DJANGO_RESTFRAMEWORK_LITE", "DJANGO_RESTFRAMEWORK_LITE['view_option']"),
        ("E007", "settings.DJANGO_RESTFRAMEWORK_LITE", "DJANGO_RESTFRAMEWORK_LITE['controller_options']['authentification']"),
    ]
    assert "did you mean 'authentication'?" in str(caught.value)


def test_a_default_that_cannot_be_imported_is_reported(settings: Any) -> None:
    settings.DJANGO_RESTFRAMEWORK_LITE = {"controller_options": {"pagination": "tests.nowhere.PAGINATION"}}
    with pytest.raises(ImproperlyConfigured, match="cannot import 'tests.nowhere.PAGINATION'"):
        include([user_endpoint()])


def test_the_rules_apply_to_the_merged_options(settings: Any) -> None:
    settings.DJANGO_RESTFRAMEWORK_LITE = {"controller_options": {"authorization": Authorization}}
    with pytest.raises(ImproperlyConfigured, match="authorization needs an authentication"):
        include([user_endpoint()])
