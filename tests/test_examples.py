"""The seed's quickstart and tutorial application, ported (imports only), run as real processes answering HTTP.

``examples/quickstart/app.py`` and ``examples/tutorial/app.py`` are the seed's
code with ``rest_api_framework`` replaced by ``django_restframework_lite`` in
their imports, nothing else: they end with the seed's own
``run_simple('127.0.0.1', 5000, app, use_debugger=True, use_reloader=True)``.

Each server runs in an empty temporary working directory, without any Django
settings in its environment:

- ``werkzeug``: ``python app.py`` itself, its ``run_simple`` serving on a socket
  this test opened on a free port, handed over the way werkzeug's reloader hands
  its socket to the process it restarts (``WERKZEUG_RUN_MAIN``,
  ``WERKZEUG_SERVER_FD``), so that parallel runs never fight over port 5000;
- ``wsgiref``: the same dispatcher under the standard library's server
  (``example_servers.py``);
- and once, ``python app.py`` exactly as a user types it, on port 5000.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RUNNER = Path(__file__).resolve().parent / "example_servers.py"
START_TIMEOUT = 60.0


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        assert self.headers["content-type"] == "application/json", self.headers
        return json.loads(self.body)


class NoAnswer(OSError):
    """A request to an example server got no answer; the message says whether the server still runs."""


@dataclass
class Server:
    """A running example: where it listens and the directory it works in."""

    port: int
    workdir: Path
    process: subprocess.Popen[bytes]
    log: Path
    kind: str = ""
    extra_ports: dict[str, int] = field(default_factory=dict)

    def request(self, method: str, path: str, body: Any = None, *, port: int | None = None, **query: str) -> Answer:
        if query:
            path = f"{path}?{urlencode(query)}"
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        try:
            connection.request(method, path, None if body is None else json.dumps(body), headers)
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        except OSError as error:
            # The listening socket may outlive the server (werkzeug's is the test's): say whether it still runs.
            raise NoAnswer(
                f"{method} {path}: {error!r}; the server {self.state()}; its log:\n{self.log.read_text()[-4000:]}"
            ) from error
        finally:
            connection.close()

    def state(self) -> str:
        returncode = self.process.poll()
        return "is running" if returncode is None else f"exited with {returncode}"

    def get(self, path: str, **query: str) -> Answer:
        return self.request("GET", path, **query)


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no Django settings module, no test database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited with {server.process.returncode}:\n{server.log.read_text()}")
        try:
            if server.get("/").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server did not answer within {START_TIMEOUT}s:\n{server.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group this test started (a reloader and its child), by its id."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def running(command: list[str], *, kind: str, env: dict[str, str], pass_fds: tuple[int, ...] = (), port: int = 0) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="drfl-example-") as workdir, tempfile.TemporaryDirectory(prefix="drfl-log-") as logdir:
        log = Path(logdir) / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT,
                pass_fds=pass_fds, start_new_session=True,
            )
        server = Server(port, Path(workdir), process, log, kind)
        try:
            if not port:
                server.port, server.extra_ports = read_ports(server)
            wait_until_answering(server)
            yield server
        finally:
            stop(process)


def read_ports(server: Server) -> tuple[int, dict[str, int]]:
    """Read the ``listening <name> <port>`` lines ``example_servers.py`` prints."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        ports = {line.split()[1]: int(line.split()[2]) for line in server.log.read_text().splitlines() if line.startswith("listening ")}
        if ports and (len(ports) > 1 or server.kind != "two"):
            return next(iter(ports.values())), ports
        if server.process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"the server did not start:\n{server.log.read_text()}")


@contextlib.contextmanager
def serve_example(example: str, kind: str) -> Iterator[Server]:
    script = EXAMPLES / example / "app.py"
    if kind == "werkzeug":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.set_inheritable(True)
        env = clean_environment(WERKZEUG_RUN_MAIN="true", WERKZEUG_SERVER_FD=str(listener.fileno()))
        try:
            with running([sys.executable, str(script)], kind=kind, env=env, pass_fds=(listener.fileno(),),
                         port=listener.getsockname()[1]) as server:
                yield server
        finally:
            listener.close()
    else:
        with running([sys.executable, str(RUNNER), example], kind=kind, env=clean_environment()) as server:
            yield server


# The quickstart ("A Simple API") -------------------------------------------------------------


@pytest.fixture(scope="module", params=["werkzeug", "wsgiref"])
def quickstart(request: pytest.FixtureRequest) -> Iterator[Server]:
    with serve_example("quickstart", request.param) as server:
        yield server


def test_quickstart_says_hello(quickstart: Server) -> None:
    assert quickstart.get("/").json() == {"name": "PRAF", "version": "devel"}


def test_quickstart_lists_the_hundred_ressources(quickstart: Server) -> None:
    body = quickstart.get("/address/").json()

    assert body["meta"] == {"filters": {}}
    assert body["object_list"][:2] == [
        {"name": "bob", "age": 0, "id": 0, "ressource_uri": "/address/0/"},
        {"name": "bob", "age": 1, "id": 1, "ressource_uri": "/address/1/"},
    ]
    assert len(body["object_list"]) >= 100


def test_quickstart_creates_gets_updates_and_deletes(quickstart: Server) -> None:
    created = quickstart.request("POST", "/address/", {"name": "alice", "age": 30})
    assert created.status == 201
    uri = created.headers["location"]
    assert created.json() == {"name": "alice", "age": 30, "id": int(uri.split("/")[-2]), "ressource_uri": uri}

    assert quickstart.get(uri).json()["name"] == "alice"
    updated = quickstart.request("PUT", uri, {"age": 31})
    assert (updated.status, updated.json()["age"], updated.json()["name"]) == (200, 31, "alice")
    assert quickstart.request("DELETE", uri).status == 204
    assert quickstart.get(uri).status == 404


def test_quickstart_refuses_a_bad_body_in_json(quickstart: Server) -> None:
    answer = quickstart.request("POST", "/address/", {"name": "no age"})

    assert answer.status == 400
    assert answer.json()["error"] == "age is missing. Cannot create the ressource"


def test_quickstart_answers_json_for_what_it_does_not_serve(quickstart: Server) -> None:
    assert quickstart.get("/users/").status == 404
    assert quickstart.get("/users/").json() == {"error": "Nothing at /users/."}
    assert quickstart.request("PATCH", "/address/1/", {"age": 2}).status == 405


def test_quickstart_serves_its_docs_page_and_descriptions(quickstart: Server) -> None:
    docs = quickstart.get("/docs/")
    assert docs.status == 200
    assert docs.headers["content-type"] == "text/html; charset=utf-8"
    assert b'id="ressource-address"' in docs.body
    assert quickstart.get("/spore/").json()["methods"]["get_address"]["path"] == "/address/:identifier/"
    assert quickstart.get("/openapi.json").status == 200


def test_quickstart_leaves_its_working_directory_empty(quickstart: Server) -> None:
    assert sorted(path.name for path in quickstart.workdir.iterdir()) == []


def test_quickstart_runs_as_typed_on_port_5000() -> None:
    """``python app.py`` with nothing handed over: the seed's run_simple binds 5000, with its reloader."""
    lock_path = Path(tempfile.gettempdir()) / "django-restframework-lite-port-5000.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # test runs of other checkouts take turns on the port
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", 5000))
            except OSError as error:
                raise AssertionError(f"port 5000 is taken by another program ({error}); the seed's app needs it") from None
        with running([sys.executable, str(EXAMPLES / "quickstart" / "app.py")], kind="typed", env=clean_environment(),
                     port=5000) as server:
            assert server.get("/address/7/").json() == {"name": "bob", "age": 7, "id": 7, "ressource_uri": "/address/7/"}
            log = server.log.read_text()
            assert "Running on http://127.0.0.1:5000" in log
            assert "Restarting with" in log  # the seed's use_reloader=True
            assert list(server.workdir.iterdir()) == []


# The tutorial application ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=["werkzeug", "wsgiref"])
def tutorial(request: pytest.FixtureRequest) -> Iterator[Server]:
    with serve_example("tutorial", request.param) as server:
        yield server


KEY = {"accesskey": "hackme"}


def create_address(server: Server, city: str) -> str:
    answer = server.request("POST", "/address/?accesskey=hackme", {"country": "France", "city": city, "street": "quais de Valmy", "number": 45})
    assert answer.status == 201, answer.body
    return answer.headers["location"]


def test_tutorial_creates_its_sqlite_file_in_the_working_directory(tutorial: Server) -> None:
    assert sorted(path.name for path in tutorial.workdir.iterdir()) == ["adress_book.db"]


def test_tutorial_needs_an_api_key(tutorial: Server) -> None:
    missing = tutorial.get("/users/")
    wrong = tutorial.get("/users/", accesskey="helloworld")

    assert (missing.status, wrong.status) == (401, 401)
    assert missing.json() == {"error": "Authentication credentials were missing or incorrect."}
    assert tutorial.get("/users/", **KEY).status == 200


def test_tutorial_links_users_to_addresses(tutorial: Server) -> None:
    address = create_address(tutorial, "Lyon")
    created = tutorial.request("POST", "/users/?accesskey=hackme", {"first_name": "Super", "last_name": "Lyonnais", "address": address})

    assert created.status == 201
    assert created.json() == {"first_name": "Super", "last_name": "Lyonnais", "address": address, "ressource_uri": created.headers["location"]}
    found = tutorial.get("/users/", address=address, **KEY).json()
    assert [user["last_name"] for user in found["object_list"]] == ["Lyonnais"]
    assert found["meta"]["filters"] == {"address": int(address.split("/")[-2])}


def test_tutorial_refuses_a_user_at_an_address_that_does_not_exist(tutorial: Server) -> None:
    answer = tutorial.request("POST", "/users/?accesskey=hackme", {"first_name": "Super", "last_name": "Man", "address": "/address/9999/"})

    assert answer.status == 400
    assert answer.json()["error"] == "address does not validate"


def test_tutorial_keeps_first_and_last_names_unique_together(tutorial: Server) -> None:
    body = {"first_name": "John", "last_name": "Doe"}
    assert tutorial.request("POST", "/users/?accesskey=hackme", body).status == 201
    answer = tutorial.request("POST", "/users/?accesskey=hackme", body)

    assert answer.status == 409
    assert answer.json()["error"] == "first_name,last_name must be unique together"


def test_tutorial_pages_by_twenty(tutorial: Server) -> None:
    for number in range(25):
        assert tutorial.request("POST", "/users/?accesskey=hackme", {"first_name": f"Page{number}", "last_name": "Reader"}).status == 201

    first = tutorial.get("/users/", last_name="Reader", **KEY).json()
    second = tutorial.get("/users/", last_name="Reader", offset="20", **KEY).json()

    assert len(first["object_list"]) == 20
    assert first["meta"]["total_count"] == 25
    assert first["meta"]["next"] == "/users/?last_name=Reader&offset=20"  # links carry no credential
    assert [user["first_name"] for user in second["object_list"]] == [f"Page{n}" for n in range(20, 25)]
    assert second["meta"]["next"] is None


def test_tutorial_answers_partial_responses(tutorial: Server) -> None:
    address = create_address(tutorial, "Paris")

    body = tutorial.get(address, fields="city,country", **KEY).json()

    assert body == {"city": "Paris", "country": "France", "ressource_uri": address}


def test_tutorial_updates_and_deletes_with_its_formaters(tutorial: Server) -> None:
    created = tutorial.request("POST", "/users/?accesskey=hackme", {"first_name": "Captain", "last_name": "America"})
    uri = created.headers["location"]
    address = create_address(tutorial, "Brooklyn")

    updated = tutorial.request("PUT", f"{uri}?accesskey=hackme", {"address": address})

    assert (updated.status, updated.json()["address"]) == (200, address)
    assert "id" not in updated.json()  # the tutorial's remove_id
    assert tutorial.request("DELETE", f"{uri}?accesskey=hackme").status == 204


def test_tutorial_rate_limits_each_key(tutorial: Server) -> None:
    """quota=200 per interval=100 s for each key; a window may begin while the test runs."""
    answers = []
    for _ in range(450):
        answer = tutorial.get("/address/", accesskey="nopassword")
        answers.append(answer)
        if answer.status == 429:
            break
    assert answers[-1].status == 429, [a.status for a in answers[-3:]]
    assert answers[-1].json() == {"error": "Rate limit exceeded: 200 requests per 100 seconds."}
    assert "retry-after" in answers[-1].headers
    window = [int(a.headers["x-ratelimit-remaining"]) for a in answers[-201:-1]]
    assert window == list(range(199, -1, -1))
    assert tutorial.get("/address/", **KEY).status == 200  # the other key is not limited


def test_tutorial_serves_its_docs_page(tutorial: Server) -> None:
    docs = tutorial.get("/docs/")

    assert docs.status == 200
    assert b'id="ressource-users"' in docs.body and b'id="ressource-address"' in docs.body


# Two dispatchers in one process ---------------------------------------------------------------


def test_two_dispatchers_in_one_process_serve_only_their_own_controllers() -> None:
    with running([sys.executable, str(RUNNER), "two"], kind="two", env=clean_environment()) as server:
        quickstart, tutorial = server.extra_ports["quickstart"], server.extra_ports["tutorial"]

        assert server.request("GET", "/address/3/", port=quickstart).json()["name"] == "bob"
        assert server.request("GET", "/address/3/", port=tutorial).status == 401  # the tutorial's own address
        assert server.request("GET", "/users/", port=quickstart).status == 404
        assert server.request("GET", "/users/?accesskey=hackme", port=tutorial).status == 200
        quick_spore = server.request("GET", "/spore/", port=quickstart).json()["methods"]
        tutorial_spore = server.request("GET", "/spore/", port=tutorial).json()["methods"]
        assert sorted(quick_spore) == ["create_address", "delete_address", "get_address", "list_address", "update_address"]
        assert "list_users" in tutorial_spore
        assert sorted(path.name for path in server.workdir.iterdir()) == ["adress_book.db"]
