"""Serve the examples under ``wsgiref``: ``python example_servers.py <example>`` or ``... two``.

The examples end with the seed's ``run_simple(...)`` under ``if __name__ ==
'__main__'``; this script imports an example as a module instead and serves the
same ``WSGIDispatcher`` with the standard library's ``wsgiref`` server. ``two``
serves the quickstart and the tutorial from two dispatchers of one process.
Each server listens on a free port of 127.0.0.1 and prints ``listening <name>
<port>`` once it does.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from types import ModuleType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django_restframework_lite.controllers import WSGIDispatcher

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The controllers each example's own last lines give to WSGIDispatcher.
CONTROLLERS = {"quickstart": ["ApiApp"], "tutorial": ["AddressEndPoint", "UserEndPoint"]}


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the rate-limit test sends hundreds
        pass


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / name / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dispatcher(name: str) -> WSGIDispatcher:
    module = load_example(name)
    return WSGIDispatcher([getattr(module, controller) for controller in CONTROLLERS[name]])


def serve(servers: dict[str, WSGIServer]) -> None:
    for name, server in servers.items():
        print(f"listening {name} {server.server_port}", flush=True)
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main(argv: list[str]) -> None:
    names = list(CONTROLLERS) if argv == ["two"] else argv
    serve({name: make_server("127.0.0.1", 0, dispatcher(name), handler_class=QuietHandler) for name in names})


if __name__ == "__main__":
    main(sys.argv[1:])
