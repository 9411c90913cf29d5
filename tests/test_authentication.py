"""Authentication and authorization through HTTP: API keys, Basic, the session with CSRF, permissions.

Every endpoint here serves addresses from one of the three datastores (a Python
list, a SQLite file, the ORM's ``addressbook.Address``), mounted per test.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.contrib.auth import hashers
from django.contrib.auth.models import Permission
from django.contrib.auth.models import User as DjangoUser
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from django_restframework_lite import models
from django_restframework_lite.authentication import (
    ApiKeyAuthentication,
    Authentication,
    Authorization,
    BasicAuthentication,
    DjangoAuthentication,
    DjangoModelPermissions,
    authenticate,
)
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from django_restframework_lite.exceptions import Forbidden, Unauthorized
from tests.protection_support import (
    MADRID,
    PARIS,
    AddressModel,
    KeyModel,
    address_ressource,
    endpoint,
    keys_authentication,
    mount,
)
from tests.stores import STORE_KINDS

DEFAULT_401 = {"error": Unauthorized.default_message}
DEFAULT_403 = {"error": Forbidden.default_message}
API_KEY_CHALLENGE = 'ApiKey realm="api", param="accesskey", header="X-Api-Key"'
BASIC_CHALLENGE = 'Basic realm="api", charset="UTF-8"'
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"  # a 32-character CSRF secret, accepted as its own token


class AccountModel(models.Model):
    fields = [
        models.StringPkField(name="username", required=True),
        models.StringField(name="password", required=True),
        models.StringField(name="team", default=""),
    ]


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    """Hash passwords with a cheap hasher: these tests check who gets in, not PBKDF2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def first_pk(client: Client, **headers: Any) -> int:
    return client.get("/api/address/", **headers).json()["object_list"][0]["id"]


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def post_json(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


# API keys -------------------------------------------------------------------------------------


@pytest.fixture(params=STORE_KINDS)
def key_api(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> Any:
    """An address endpoint on each datastore behind ``?accesskey=`` keys and ``Authorization``."""
    ressource = address_ressource(request.param, tmp_path, request)
    return mount(settings, endpoint(ressource, authentication=keys_authentication(), authorization=Authorization))


def test_api_key_missing_is_401_with_challenge(key_api: Any, client: Client) -> None:
    response = client.get("/api/address/")
    assert response.status_code == 401
    assert response.json() == DEFAULT_401
    assert response["WWW-Authenticate"] == API_KEY_CHALLENGE


def test_api_key_unknown_is_401_with_challenge(key_api: Any, client: Client) -> None:
    for url in ("/api/address/?accesskey=helloworld", "/api/address/?accesskey="):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == DEFAULT_401
        assert response["WWW-Authenticate"] == API_KEY_CHALLENGE
    response = client.get("/api/address/", HTTP_X_API_KEY="helloworld")
    assert response.status_code == 401


def test_api_key_in_query_is_200_and_never_a_filter(key_api: Any, client: Client) -> None:
    response = client.get("/api/address/?accesskey=hackme")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"filters": {}}
    assert [obj["city"] for obj in body["object_list"]] == ["Paris", "Madrid"]

    response = client.get("/api/address/?accesskey=hackme&city=Madrid")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"filters": {"city": "Madrid"}}
    assert [obj["city"] for obj in body["object_list"]] == ["Madrid"]


def test_api_key_in_header_is_200(key_api: Any, client: Client) -> None:
    response = client.get("/api/address/", HTTP_X_API_KEY="nopassword")
    assert response.status_code == 200
    assert len(response.json()["object_list"]) == 2


def test_api_key_guards_the_unique_endpoint_and_writes(key_api: Any, client: Client) -> None:
    pk = first_pk(client, HTTP_X_API_KEY="hackme")
    assert client.get(f"/api/address/{pk}/").status_code == 401
    response = client.get(f"/api/address/{pk}/?accesskey=hackme")
    assert response.status_code == 200
    assert response.json()["city"] == "Paris"

    created = post_json(client, "/api/address/", {**PARIS, "number": 1})
    assert created.status_code == 401
    assert created.json() == DEFAULT_401
    created = post_json(client, "/api/address/?accesskey=hackme", {**PARIS, "number": 1})
    assert created.status_code == 201
    assert len(client.get("/api/address/?accesskey=hackme").json()["object_list"]) == 3


def test_api_key_on_a_sqlite_key_store(settings: Any, tmp_path: Any, client: Client) -> None:
    keys = SQLiteDataStore({"name": str(tmp_path / "keys.db"), "table": "keys"}, KeyModel)
    keys.create({"accesskey": "s3cret"})
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=ApiKeyAuthentication(keys), authorization=Authorization))
    assert client.get("/api/address/?apikey=s3cret").status_code == 200
    assert client.get("/api/address/?apikey=s3cre").status_code == 401
    assert client.get("/api/address/?apikey=%00").status_code == 401
    keys.close()


def test_authentication_without_authorization_lets_anonymous_through(settings: Any, client: Client) -> None:
    """The seed's rule: authentication alone identifies; only an authorization refuses."""
    keys = PythonListDataStore([{"accesskey": "hackme"}], KeyModel)
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=ApiKeyAuthentication(keys, identifier="accesskey")))
    response = client.get("/api/address/?accesskey=wrong")
    assert response.status_code == 200
    assert response.json()["meta"] == {"filters": {}}


# Basic ----------------------------------------------------------------------------------------


@pytest.fixture
def alice(db: Any) -> DjangoUser:
    return DjangoUser.objects.create_user("alice", password="wonderland")


@pytest.fixture(params=STORE_KINDS)
def basic_django_api(request: pytest.FixtureRequest, settings: Any, tmp_path: Any, db: Any) -> Any:
    ressource = address_ressource(request.param, tmp_path, request)
    return mount(settings, endpoint(ressource, authentication=BasicAuthentication(), authorization=Authorization))


def test_basic_against_django_users(basic_django_api: Any, alice: DjangoUser, client: Client) -> None:
    response = client.get("/api/address/", HTTP_AUTHORIZATION=basic("alice", "wonderland"))
    assert response.status_code == 200
    assert [obj["city"] for obj in response.json()["object_list"]] == ["Paris", "Madrid"]

    for header in (basic("alice", "wonderlan"), basic("bob", "wonderland"), None):
        extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
        response = client.get("/api/address/", **extra)
        assert response.status_code == 401
        assert response.json() == DEFAULT_401
        assert response["WWW-Authenticate"] == BASIC_CHALLENGE


def test_basic_refuses_an_inactive_django_user(basic_django_api: Any, alice: DjangoUser, client: Client) -> None:
    alice.is_active = False
    alice.save()
    response = client.get("/api/address/", HTTP_AUTHORIZATION=basic("alice", "wonderland"))
    assert response.status_code == 401


def test_basic_password_may_hold_colons_and_unicode(basic_django_api: Any, client: Client) -> None:
    DjangoUser.objects.create_user("zoé", password="a:b:é")
    response = client.get("/api/address/", HTTP_AUTHORIZATION=basic("zoé", "a:b:é"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("Basic", "Invalid Basic credentials: nothing follows 'Basic'."),
        ("Basic !!!not-base64!!!", "Invalid Basic credentials: not UTF-8 text in base64."),
        ("Basic YWxpY2U", "Invalid Basic credentials: not UTF-8 text in base64."),  # bad padding
        ("Basic " + base64.b64encode(b"alice-wonderland").decode(), "Invalid Basic credentials: no colon between username and password."),
        ("Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(), "Invalid Basic credentials: not UTF-8 text in base64."),
        ("basic " + base64.b64encode(b"alice").decode(), "Invalid Basic credentials: no colon between username and password."),
    ],
)
def test_malformed_basic_header_is_401(basic_django_api: Any, client: Client, header: str, error: str) -> None:
    response = client.get("/api/address/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"error": error}
    assert response["WWW-Authenticate"] == BASIC_CHALLENGE


def test_another_scheme_is_anonymous_so_401(basic_django_api: Any, client: Client) -> None:
    response = client.get("/api/address/", HTTP_AUTHORIZATION="Bearer abc.def")
    assert response.status_code == 401
    assert response.json() == DEFAULT_401
    assert response["WWW-Authenticate"] == BASIC_CHALLENGE


@pytest.fixture(params=["pythonlist", "sqlite"])
def accounts(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """A datastore of accounts: alice with a Django hash, bob with a plaintext password."""
    rows = [
        {"username": "alice", "password": hashers.make_password("wonderland"), "team": "red"},
        {"username": "bob", "password": "secret", "team": "blue"},
    ]
    if request.param == "pythonlist":
        yield PythonListDataStore(rows, AccountModel)
        return
    store = SQLiteDataStore({"name": str(tmp_path / "accounts.db"), "table": "accounts"}, AccountModel)
    for row in rows:
        store.create(row)
    yield store
    store.close()


@pytest.fixture
def basic_store_api(accounts: Any, settings: Any) -> Any:
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    return mount(settings, endpoint(ressource, authentication=BasicAuthentication(accounts), authorization=Authorization))


def test_basic_against_a_datastore_of_hashes(basic_store_api: Any, client: Client) -> None:
    response = client.get("/api/address/1/", HTTP_AUTHORIZATION=basic("alice", "wonderland"))
    assert response.status_code == 200
    assert response.json() == {"id": 1, **PARIS, "ressource_uri": "/api/address/1/"}
    response = client.get("/api/address/1/", HTTP_AUTHORIZATION=basic("alice", "Wonderland"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == BASIC_CHALLENGE


def test_plaintext_stored_password_never_matches(basic_store_api: Any, client: Client) -> None:
    # Django's check_password only accepts a hash it can identify; "secret" is none.
    assert hashers.check_password("secret", "secret") is False
    response = client.get("/api/address/1/", HTTP_AUTHORIZATION=basic("bob", "secret"))
    assert response.status_code == 401
    assert response.json() == DEFAULT_401
    response = client.get("/api/address/1/", HTTP_AUTHORIZATION=basic("nobody", "secret"))
    assert response.status_code == 401


def test_basic_datastore_user_is_returned_without_its_password(accounts: Any) -> None:
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_AUTHORIZATION=basic("alice", "wonderland"))
    assert authenticate(request, BasicAuthentication(accounts)) == {"username": "alice", "team": "red"}


def test_basic_datastore_without_password_field_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="has no 'password' field"):
        BasicAuthentication(PythonListDataStore([], KeyModel))


# The session, with CSRF ------------------------------------------------------------------------


@pytest.fixture(params=STORE_KINDS)
def session_api(request: pytest.FixtureRequest, settings: Any, tmp_path: Any, db: Any) -> Any:
    ressource = address_ressource(request.param, tmp_path, request)
    return mount(settings, endpoint(ressource, authentication=DjangoAuthentication(), authorization=Authorization))


@pytest.fixture
def csrf_client(alice: DjangoUser) -> Client:
    """A browser-like client logged in as alice, whose requests Django checks for CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def test_session_get_needs_no_csrf_token(session_api: Any, csrf_client: Client) -> None:
    response = csrf_client.get("/api/address/")
    assert response.status_code == 200
    assert len(response.json()["object_list"]) == 2


def test_session_post_without_csrf_token_is_403(session_api: Any, csrf_client: Client) -> None:
    response = post_json(csrf_client, "/api/address/", {**PARIS, "number": 3})
    assert response.status_code == 403
    assert response.json() == {"error": "CSRF verification failed: CSRF cookie not set."}
    csrf_client.cookies["csrftoken"] = CSRF_SECRET
    response = post_json(csrf_client, "/api/address/", {**PARIS, "number": 3})
    assert response.status_code == 403
    assert response.json() == {"error": "CSRF verification failed: CSRF token missing."}
    response = post_json(csrf_client, "/api/address/", {**PARIS, "number": 3}, HTTP_X_CSRFTOKEN="B" * 32)
    assert response.status_code == 403
    assert response.json() == {"error": "CSRF verification failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect."}
    assert len(csrf_client.get("/api/address/").json()["object_list"]) == 2


def test_session_post_with_csrf_token_is_accepted(session_api: Any, csrf_client: Client) -> None:
    csrf_client.cookies["csrftoken"] = CSRF_SECRET
    response = post_json(csrf_client, "/api/address/", {**PARIS, "number": 3}, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 201
    pk = response.json()["id"]
    response = csrf_client.delete(f"/api/address/{pk}/")
    assert response.status_code == 403
    response = csrf_client.delete(f"/api/address/{pk}/", HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 204


def test_session_without_login_is_401(session_api: Any) -> None:
    response = Client(enforce_csrf_checks=True).get("/api/address/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Session realm="api"'


def test_key_authenticated_post_never_asks_for_csrf(key_api: Any, alice: DjangoUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = post_json(client, "/api/address/?accesskey=hackme", {**PARIS, "number": 9})
    assert response.status_code == 201


# Authorization classes ---------------------------------------------------------------------------


@pytest.fixture
def permission_api(settings: Any, db: Any) -> Any:
    from addressbook.models import Address

    Address.objects.create(**PARIS)
    ressource = {"ressource_name": "address", "ressource": Address, "datastore": DjangoModelDataStore}
    return mount(settings, endpoint(ressource, authentication=BasicAuthentication(), authorization=DjangoModelPermissions))


def grant(user: DjangoUser, codename: str) -> None:
    user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="addressbook"))


def test_model_permissions_let_an_authenticated_user_read(permission_api: Any, alice: DjangoUser, client: Client) -> None:
    response = client.get("/api/address/", HTTP_AUTHORIZATION=basic("alice", "wonderland"))
    assert response.status_code == 200
    assert client.get("/api/address/").status_code == 401


def test_model_permissions_refuse_writes_without_permission(permission_api: Any, alice: DjangoUser, client: Client) -> None:
    auth = {"HTTP_AUTHORIZATION": basic("alice", "wonderland")}
    pk = first_pk(client, **auth)
    response = post_json(client, "/api/address/", {**MADRID}, **auth)
    assert response.status_code == 403
    assert response.json() == DEFAULT_403
    response = client.patch(f"/api/address/{pk}/", json.dumps({"number": 1}), content_type="application/json", **auth)
    assert response.status_code == 403
    response = client.delete(f"/api/address/{pk}/", **auth)
    assert response.status_code == 403
    assert client.get(f"/api/address/{pk}/", **auth).json()["number"] == 45
    assert len(client.get("/api/address/", **auth).json()["object_list"]) == 1


def test_model_permissions_allow_each_write_with_its_permission(permission_api: Any, alice: DjangoUser, client: Client) -> None:
    auth = {"HTTP_AUTHORIZATION": basic("alice", "wonderland")}
    pk = first_pk(client, **auth)
    grant(alice, "add_address")
    assert post_json(client, "/api/address/", {**MADRID}, **auth).status_code == 201
    assert client.patch(f"/api/address/{pk}/", json.dumps({"number": 1}), content_type="application/json", **auth).status_code == 403
    grant(alice, "change_address")
    response = client.patch(f"/api/address/{pk}/", json.dumps({"number": 1}), content_type="application/json", **auth)
    assert response.status_code == 200
    assert response.json()["number"] == 1
    assert client.delete(f"/api/address/{pk}/", **auth).status_code == 403
    grant(alice, "delete_address")
    assert client.delete(f"/api/address/{pk}/", **auth).status_code == 204


def test_model_permissions_need_an_orm_datastore(settings: Any) -> None:
    ressource = {"ressource_name": "address", "ressource": [], "model": AddressModel, "datastore": PythonListDataStore}
    with pytest.raises(ImproperlyConfigured, match="AddressEndPoint: the datastore must be a DjangoModelDataStore"):
        mount(settings, endpoint(ressource, authentication=BasicAuthentication(), authorization=DjangoModelPermissions))


class ReadOnlyForBlueTeam(Authorization):
    """A user-written authorization: the blue team may only read."""

    def has_permission(self, request: Any, user: Any) -> bool:
        return user["team"] != "blue" or request.method in ("GET", "HEAD", "OPTIONS")


class SeedStyleAuthorization:
    """The seed's shape: ``__init__(self, authentication)`` and ``check_auth`` raising itself."""

    def __init__(self, authentication: Any) -> None:
        self.authentication = authentication

    def check_auth(self, request: Any) -> None:
        if authenticate(request, self.authentication) is None:
            raise Unauthorized("Send your key.")
        if request.method == "DELETE":
            raise Forbidden("Nobody deletes here.")


def test_user_written_authorization_refuses_with_403(settings: Any, client: Client) -> None:
    accounts = PythonListDataStore(
        [{"username": "carol", "password": hashers.make_password("pw"), "team": "blue"}], AccountModel
    )
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=BasicAuthentication(accounts), authorization=ReadOnlyForBlueTeam))
    auth = {"HTTP_AUTHORIZATION": basic("carol", "pw")}
    assert client.get("/api/address/1/", **auth).status_code == 200
    response = client.delete("/api/address/1/", **auth)
    assert response.status_code == 403
    assert response.json() == DEFAULT_403
    assert client.get("/api/address/1/", **auth).status_code == 200


def test_seed_style_authorization_class_is_built_with_the_authentication(settings: Any, client: Client) -> None:
    keys = PythonListDataStore([{"accesskey": "hackme"}], KeyModel)
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    api = mount(settings, endpoint(ressource, authentication=ApiKeyAuthentication(keys), authorization=SeedStyleAuthorization))
    assert api.controllers[0].authorization.authentication is api.controllers[0].authentication
    assert client.get("/api/address/1/").json() == {"error": "Send your key."}
    assert client.get("/api/address/1/?apikey=hackme").status_code == 200
    response = client.delete("/api/address/1/?apikey=hackme")
    assert response.status_code == 403
    assert response.json() == {"error": "Nobody deletes here."}


# The user is asked for once per request, and kept on the request only ----------------------------


class CountingAuthentication(Authentication):
    """Everyone is "tester"; counts how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    def get_user(self, request: Any) -> str:
        self.calls += 1
        return "tester"


def test_get_user_runs_once_per_request(settings: Any, client: Client) -> None:
    authentication = CountingAuthentication()
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=authentication, authorization=Authorization))
    assert client.get("/api/address/").status_code == 200
    assert client.get("/api/address/1/").status_code == 200
    assert authentication.calls == 2
    assert vars(authentication) == {"calls": 2}


def test_authentication_base_names_its_missing_hook() -> None:
    from django.test import RequestFactory

    class Incomplete(Authentication):
        pass

    with pytest.raises(NotImplementedError, match="Incomplete must implement get_user"):
        Incomplete().get_user(RequestFactory().get("/"))


# The testproject's protected address book (addressbook/protected.py, mounted at /protected/) ------


def test_project_protected_api_follows_the_seed_transcripts(db: Any, client: Client) -> None:
    response = client.get("/protected/api/users/?accesskey=hackme")
    assert response.status_code == 200
    assert response.json()["meta"]["filters"] == {}
    for url in ("/protected/api/users/?accesskey=helloworld", "/protected/api/users/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == DEFAULT_401
        assert response["WWW-Authenticate"] == API_KEY_CHALLENGE


def test_project_basic_and_session_endpoints(db: Any, alice: DjangoUser) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.get("/protected/basic/address/").status_code == 401
    assert client.get("/protected/basic/address/", HTTP_AUTHORIZATION=basic("alice", "wonderland")).status_code == 200
    assert client.get("/protected/session/address/").status_code == 401
    client.force_login(alice)
    assert client.get("/protected/session/address/").status_code == 200
    client.cookies["csrftoken"] = CSRF_SECRET
    # alice may read but not add: DjangoModelPermissions
    response = post_json(client, "/protected/session/address/", {**PARIS}, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 403
    grant(alice, "add_address")
    assert post_json(client, "/protected/session/address/", {**PARIS}).status_code == 403  # no token
    response = post_json(client, "/protected/session/address/", {**PARIS}, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 201
    assert response["Location"].startswith("/protected/session/address/")


def test_malformed_basic_header_is_401_even_without_authorization(settings: Any, client: Client) -> None:
    ressource = {"ressource_name": "address", "ressource": [{"id": 1, **PARIS}], "model": AddressModel,
                 "datastore": PythonListDataStore}
    mount(settings, endpoint(ressource, authentication=BasicAuthentication()))
    assert client.get("/api/address/1/").status_code == 200
    response = client.get("/api/address/1/", HTTP_AUTHORIZATION="Basic %%%")
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid Basic credentials: not UTF-8 text in base64."}
    assert response["WWW-Authenticate"] == BASIC_CHALLENGE
