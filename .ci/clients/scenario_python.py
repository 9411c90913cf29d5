"""The CRUD + pagination + conditional-request scenario, through the Python client openapi-python-client generated.

``run(package, document, base_url)`` drives each ressource of ``CASES`` (the
demo's ORM ``users``, Python-list ``tags`` and SQLite ``notes``) with the
generated package only: the operation functions are found by the document's
``operationId`` (the generator names its modules after them), the bodies are the
generated model classes, headers such as ``If-Match`` are the functions' own
keyword arguments. No request is written by hand: where the document does not
declare what a step needs, the step fails and says what is missing.

Each step is recorded as passed or failed with the reason; a step that needs
an earlier one's result (the created object) is failed when that one failed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from openapi_python_client.strings import fix_reserved_words, snake_case


@dataclass
class Case:
    """What the scenario sends to one ressource: all of it is valid for the demo's model but ``bad``."""

    filters: dict[str, Any]  # a list filter, keyed as the query string spells it
    page: int | None  # the page size to ask for (None: the ressource has no pagination)
    create: dict[str, Any]
    put: dict[str, Any]
    patch: tuple[str, Any]  # the one field a PATCH changes
    bad: dict[str, Any]  # a body of the right types that the server must refuse with a 400
    expect: Callable[[dict[str, Any]], bool] = field(default=lambda obj: True)  # what the filter selects


CASES: dict[str, Case] = {
    "users": Case(
        filters={"last_name__startswith": "D"}, page=20,
        create={"first_name": "Ada", "last_name": "Lovelace", "address": "/api/address/1/"},
        put={"first_name": "Ada", "last_name": "King", "address": "/api/address/2/"},
        patch=("first_name", "Augusta"),
        bad={"first_name": "A" * 101, "last_name": "Lovelace"},
        expect=lambda obj: obj["last_name"].startswith("D"),
    ),
    "tags": Case(
        filters={"name__startswith": "f"}, page=None,
        create={"name": "ci", "description": "Made by the client scenario"},
        put={"name": "ci", "description": "Put by the client scenario"},
        patch=("description", "Patched"),
        bad={"name": "x" * 51},
        expect=lambda obj: obj["name"].startswith("f"),
    ),
    "notes": Case(
        filters={"priority__gte": 1}, page=2,
        create={"title": "From the Python client", "body": "Text that must survive a PATCH", "priority": 2},
        put={"title": "Put from the Python client", "body": "Text that must survive a PATCH", "priority": 3},
        patch=("priority", 5),
        bad={"title": "Too urgent", "priority": 9},
        expect=lambda obj: obj["priority"] >= 1,
    ),
}


class StepFailed(Exception):
    """A step of the scenario did not get what the issue's scenario requires."""


@dataclass
class Results:
    """Each step's outcome, in order: ``(ressource, step, passed, detail)``."""

    rows: list[tuple[str, str, bool, str]] = field(default_factory=list)

    def record(self, ressource: str, step: str, action: Callable[[], str | None]) -> bool:
        try:
            detail = action() or ""
        except StepFailed as error:
            self.rows.append((ressource, step, False, str(error)))
            return False
        except Exception as error:  # a generated client that raises is a failed step, said as such
            self.rows.append((ressource, step, False, f"{type(error).__name__}: {error}"))
            return False
        self.rows.append((ressource, step, True, detail))
        return True

    @property
    def failed(self) -> int:
        return sum(1 for row in self.rows if not row[2])


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


class Operations:
    """The generated client's functions and body classes of one ressource, found through the document."""

    def __init__(self, package: str, document: dict[str, Any], ressource: str) -> None:
        modules = {name.rsplit(".", 1)[-1]: name for _, name, _ in pkgutil.walk_packages(
            importlib.import_module(f"{package}.api").__path__, f"{package}.api.")}
        self.ressource = ressource
        self.functions: dict[str, types.ModuleType] = {}
        for path, kind in ((f"/{ressource}/", "list"), (f"/{ressource}/{{identifier}}/", "detail")):
            for verb, operation in document["paths"].get(path, {}).items():
                if isinstance(operation, dict) and "operationId" in operation:
                    module = modules.get(snake_case(operation["operationId"]))
                    if module is not None:
                        self.functions[f"{kind} {verb.upper()}"] = importlib.import_module(module)

    def call(self, operation: str, **arguments: Any) -> Any:
        module = self.functions.get(operation)
        if module is None:
            raise StepFailed(f"the client has no function for {operation} /{self.ressource}/")
        accepted = inspect.signature(module.sync_detailed).parameters
        for name in arguments:
            if name not in accepted:
                raise StepFailed(f"{operation} /{self.ressource}/ takes no {name!r}: the document does not declare it")
        return module.sync_detailed(**arguments)

    def body(self, operation: str, values: dict[str, Any]) -> Any:
        """Build the request body with the generated model class that the operation takes."""
        module = self.functions[operation]
        hint = typing.get_type_hints(module.sync_detailed)["body"]
        classes = [kind for kind in typing.get_args(hint) or (hint,) if hasattr(kind, "from_dict")]
        model = next(kind for kind in classes if not kind.__name__.endswith("FilesBody"))
        return model(**{fix_reserved_words(snake_case(name)): value for name, value in values.items()})


def parameter(name: str) -> str:
    """The keyword the generated functions give query parameter ``name`` (``address__city`` -> ``address_city``)."""
    return fix_reserved_words(snake_case(name))


def as_dict(parsed: Any) -> dict[str, Any]:
    check(parsed is not None and hasattr(parsed, "to_dict"), f"the answer did not parse as the document's schema: {parsed!r}")
    result: dict[str, Any] = parsed.to_dict()
    return result


def run_case(client: Any, document: dict[str, Any], package: str, ressource: str, case: Case, results: Results) -> None:
    """Run every step on one ressource; record each."""
    ops = Operations(package, document, ressource)
    state: dict[str, Any] = {}
    filters = {parameter(name): value for name, value in case.filters.items()}

    def list_and_follow_next() -> str:
        arguments = dict(filters, **({"count": case.page} if case.page else {}))
        seen, pages = [], 0
        while True:
            answer = ops.call("list GET", client=client, **arguments)
            check(answer.status_code == 200, f"list answered {answer.status_code}: {answer.content[:200]!r}")
            page = as_dict(answer.parsed)
            pages += 1
            seen += page["object_list"]
            following = page["meta"].get("next")
            if not following:
                break
            check(pages < 50, "next never ends")
            # The next link's query, spelled as the client's keyword arguments.
            arguments = {parameter(key): value for key, value in parse_qsl(urlsplit(following).query)}
            arguments = {key: int(value) if key in ("offset", "count") else value for key, value in arguments.items()}
        check(bool(seen) and all(case.expect(obj) for obj in seen), f"the filter {case.filters} selected {seen[:3]}")
        check(case.page is None or pages > 1, f"{len(seen)} objects in one page of {case.page}: next was never followed")
        return f"{len(seen)} objects in {pages} page(s)"

    def create() -> str:
        answer = ops.call("list POST", client=client, body=ops.body("list POST", case.create))
        check(answer.status_code == 201, f"create answered {answer.status_code}: {answer.content[:300]!r}")
        location = answer.headers.get("location", "")
        state["identifier"] = location.rstrip("/").rsplit("/", 1)[-1]
        state["created"] = as_dict(answer.parsed)
        return f"Location {location}"

    def get() -> None:
        answer = ops.call("detail GET", client=client, identifier=typed_identifier())
        check(answer.status_code == 200, f"get answered {answer.status_code}")
        check(as_dict(answer.parsed) == state["created"], f"get gave {answer.parsed} after create gave {state['created']}")
        state["etag"] = answer.headers.get("etag")
        check(bool(state["etag"]), "no ETag on the object")

    def typed_identifier() -> Any:
        schema = document["paths"][f"/{ressource}/{{identifier}}/"].get("parameters", [{}])[0].get("schema", {})
        return int(state["identifier"]) if schema.get("type") == "integer" else state["identifier"]

    def put() -> None:
        answer = ops.call("detail PUT", client=client, identifier=typed_identifier(), body=ops.body("detail PUT", case.put))
        check(answer.status_code == 200, f"PUT answered {answer.status_code}: {answer.content[:300]!r}")
        obj = as_dict(answer.parsed)
        check(all(obj[name] == value for name, value in case.put.items()), f"PUT gave {obj}")
        state["before_patch"] = obj
        state["stale_etag"] = answer.headers.get("etag")

    def patch_one_field() -> str:
        name, value = case.patch
        answer = ops.call("detail PATCH", client=client, identifier=typed_identifier(), body=ops.body("detail PATCH", {name: value}))
        check(answer.status_code == 200, f"PATCH answered {answer.status_code}: {answer.content[:300]!r}")
        after = as_dict(ops.call("detail GET", client=client, identifier=typed_identifier()).parsed)
        expected = dict(state["before_patch"], **{name: value})
        changed = {key: (expected.get(key), after.get(key)) for key in expected.keys() | after.keys() if expected.get(key) != after.get(key)}
        check(not changed, f"a PATCH of {name} alone changed (expected, got): {changed}")
        return f"only {name} changed"

    def not_modified() -> None:
        current = ops.call("detail GET", client=client, identifier=typed_identifier())
        answer = ops.call("detail GET", client=client, identifier=typed_identifier(), if_none_match=current.headers.get("etag"))
        check(answer.status_code == 304, f"If-None-Match with the current ETag answered {answer.status_code}")

    def precondition_failed() -> None:
        check(bool(state.get("stale_etag")), "PUT sent no ETag")
        answer = ops.call("detail PATCH", client=client, identifier=typed_identifier(),
                          body=ops.body("detail PATCH", {case.patch[0]: case.put[case.patch[0]]}), if_match=state["stale_etag"])
        check(answer.status_code == 412, f"If-Match with a stale ETag answered {answer.status_code}")

    def bad_input() -> str:
        answer = ops.call("list POST", client=client, body=ops.body("list POST", case.bad))
        check(answer.status_code == 400, f"an invalid body answered {answer.status_code}")
        error = as_dict(answer.parsed)
        check("error" in error and error.get("fields"), f"the 400 says {error}")
        return f"fields: {sorted(error['fields'])}"

    def delete() -> None:
        answer = ops.call("detail DELETE", client=client, identifier=typed_identifier())
        check(answer.status_code in (200, 204), f"DELETE answered {answer.status_code}")

    def gone() -> None:
        answer = ops.call("detail GET", client=client, identifier=typed_identifier())
        check(answer.status_code == 404, f"GET after DELETE answered {answer.status_code}")
        check("error" in as_dict(answer.parsed), "the 404 has no error body")

    results.record(ressource, "list with a filter, following next", list_and_follow_next)
    results.record(ressource, "400 on bad input", bad_input)
    if not results.record(ressource, "create", create):
        return
    steps = [("get", get), ("PUT", put), ("one-field PATCH leaves the rest", patch_one_field),
             ("304 with If-None-Match", not_modified), ("412 with a stale If-Match", precondition_failed),
             ("DELETE", delete), ("404 after DELETE", gone)]
    for step, action in steps:
        results.record(ressource, step, action)


def run(package: str, document: dict[str, Any], base_url: str, ressources: list[str] | None = None) -> Results:
    """Run the scenario through the generated ``package`` against ``base_url`` (the mount, e.g. http://host:port/api)."""
    client_module = importlib.import_module(f"{package}.client")
    client = client_module.Client(base_url=base_url, raise_on_unexpected_status=False)
    results = Results()
    for ressource in ressources or list(CASES):
        run_case(client, document, package, ressource, CASES[ressource], results)
    return results
