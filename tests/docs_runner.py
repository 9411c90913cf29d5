"""Run an rST page (README.rst, docs/**.rst) as a reader would: every example, top to bottom.

A page is a script. It starts in an empty temporary directory with this
interpreter's ``bin`` first on the ``PATH``; its literal blocks run in order:

- a console block (``.. code-block:: console``, or a ``::`` block whose first
  line starts with ``$ ``): each ``$ `` command (``\\`` continues it) runs in one
  bash session kept for the whole page, so ``cd`` and variables carry over. The
  lines up to the next ``$ `` are the expected output (see ``match_output``).
  ``manage.py runserver`` and ``gunicorn`` start in the background on a free
  port, which then replaces ``:8000`` in every later command; ``pip install``
  is checked (what it names must be installed here), not run.
- a block after ``.. docs-runner: file <path>`` is written to that file, and
  after ``.. docs-runner: append <path>`` added to its end; a running server is
  restarted, as runserver's reloader would.
- any other ``python`` block runs with ``python manage.py shell -c`` (or plain
  ``python`` where there is no ``manage.py``) and must not fail.
- ``.. literalinclude::`` shows a file of the demo, which the page's server runs.
- a UUID the server draws (a new object's pk) cannot be known when the page is
  written: the first time an answer shows a UUID it stands for the one the
  server answered there, and later commands and answers read it that way.
- a block of ``>>>`` examples is a doctest: the page's doctests run together, in
  one namespace, as ``doctest`` runs a text file (``ELLIPSIS`` and
  ``NORMALIZE_WHITESPACE`` on), in a process without Django settings.
- a block after ``.. docs-runner: seed-quote`` quotes the seed framework's own
  code (it imports ``rest_api_framework``, which this project replaces): it is
  checked to be that, and not run.

Page directives (rST comments, so readers never see them): ``.. docs-runner: demo``
starts the page in a copy of the repository's ``testproject`` (the demo), migrated
and loaded, with its server running, as the README's demo command leaves it;
``.. docs-runner: clone`` stands for "from a clone of the repository": the bash
session moves to a fresh copy of the ``testproject`` (the package is the installed one);
``.. docs-runner: run-by-ci`` says the next block is CI's own command (the
project's suite), checked to be in ``.ci/run`` verbatim rather than run here;
``.. docs-runner: postgres-redis`` runs the page only where ``DATABASE_URL`` and
``REDIS_URL`` are set (CI's PostgreSQL legs), on a database of its own that replaces
the page's ``postgres://.../addressbook``.

A block of any other kind fails the test: no example goes unexecuted.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r"^\.\. docs-runner: (\S+)(?: (.*))?$")
CODE_BLOCK = re.compile(r"^\.\. (?:code-block|code|sourcecode):: *(\S*)")
LITERALINCLUDE = re.compile(r"^\.\. literalinclude:: *(\S+)")
SERVER = re.compile(r"(manage\.py runserver|^gunicorn )")
DOC_PORT = "8000"
DOC_DATABASE = "postgres://postgres@127.0.0.1:5432/addressbook"
DOC_REDIS = "redis://127.0.0.1:6379/0"
# Headers whose value changes with the clock: only their shape is compared.
VOLATILE = {"x-ratelimit-reset": r"\d+", "retry-after": r"\d+", "date": r".+"}


@dataclass
class Block:
    kind: str  # console, python, file, append, include, ci, doctest, quote
    text: str
    line: int
    argument: str = ""


@dataclass
class Page:
    path: Path
    blocks: list[Block] = field(default_factory=list)
    demo: bool = False
    postgres_redis: bool = False


def dedent_block(lines: list[str]) -> str:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines).strip("\n")


def parse(path: Path) -> Page:
    """Read the literal blocks of an rST file, with the runner directives before them."""
    page = Page(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: tuple[str, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = DIRECTIVE.match(line)
        include = LITERALINCLUDE.match(line)
        code = CODE_BLOCK.match(line)
        if directive:
            name, argument = directive.group(1), (directive.group(2) or "").strip()
            if name == "demo":
                page.demo = True
            elif name == "postgres-redis":
                page.postgres_redis = True
            elif name == "clone":
                page.blocks.append(Block("clone", "", index + 1))
            elif name in ("file", "append", "run-by-ci", "seed-quote"):
                pending = (name, argument)
            else:
                raise ValueError(f"{path}:{index + 1}: unknown docs-runner directive {name!r}")
            index += 1
            continue
        if include:
            page.blocks.append(Block("include", "", index + 1, include.group(1)))
            index += 1
            continue
        if code or (line.rstrip().endswith("::") and not line.lstrip().startswith("..")):
            language = code.group(1) if code else ""
            start = index + 1
            # Directive options (":linenos:") and the blank line, then the indented body.
            while start < len(lines) and (not lines[start].strip() or lines[start].strip().startswith(":")):
                start += 1
            base = len(line) - len(line.lstrip())
            end = start
            while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > base):
                end += 1
            text = dedent_block(lines[start:end])
            kind = "console" if language == "console" or text.startswith("$ ") else "python"
            if text.startswith(">>> "):
                kind = "doctest"
            argument = ""
            if pending is not None:
                name, argument = pending
                kind = {"file": "file", "append": "append", "run-by-ci": "ci", "seed-quote": "quote"}[name]
                pending = None
            elif language not in ("", "python", "console"):
                raise ValueError(f"{path}:{index + 1}: a {language} block without a docs-runner directive")
            page.blocks.append(Block(kind, text, index + 1, argument))
            index = end
            continue
        index += 1
    return page


def commands_of(text: str) -> list[tuple[str, list[str]]]:
    """Split a console block into ``(command, expected output lines)``."""
    commands: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            raise ValueError(f"console output without a command before it: {line!r}")
        command = line[2:]
        while command.endswith("\\") and index + 1 < len(lines):
            index += 1
            command = command[:-1].rstrip() + " " + lines[index].strip()
        index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        while output and not output[-1].strip():
            output.pop()
        commands.append((command, output))
    return commands


# Comparing outputs --------------------------------------------------------------------------------


class Mismatch(AssertionError):
    pass


ANY_OBJECT, ANY_LIST, MORE = "\x00any-object", "\x00any-list", "\x00more"


def loads_expected(text: str) -> Any:
    """Parse the JSON a page shows: ``{...}``/``[...]`` stand for any object/list, ``, ...`` for more members."""
    text = text.replace("{...}", json.dumps(ANY_OBJECT)).replace("[...]", json.dumps(ANY_LIST))
    more = json.dumps(MORE)
    text = re.sub(r",\s*\.\.\.\s*}", lambda _: f", {more}: true}}", text)
    text = re.sub(r",\s*\.\.\.\s*]", lambda _: f", {more}]", text)
    return json.loads(text)


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def match_string(expected: str, actual: str, bindings: dict[str, str] | None) -> bool:
    """Compare strings; with ``bindings``, a UUID shown for the first time stands for the one answered."""
    if bindings is None or not UUID_TEXT.search(expected):
        return expected == actual
    pattern, unbound, position = [], [], 0
    for found in UUID_TEXT.finditer(expected):
        pattern.append(re.escape(expected[position:found.start()]))
        shown = found.group(0)
        if shown in bindings:
            pattern.append(re.escape(bindings[shown]))
        else:
            pattern.append(f"({UUID_TEXT.pattern})")
            unbound.append(shown)
        position = found.end()
    pattern.append(re.escape(expected[position:]))
    answered = re.fullmatch("".join(pattern), actual)
    if answered is None:
        return False
    for shown, value in zip(unbound, answered.groups(), strict=True):
        bindings.setdefault(shown, value)
    return True


def bind(text: str, bindings: dict[str, str]) -> str:
    """Replace in ``text`` every UUID the page showed by the one the server answered."""
    return UUID_TEXT.sub(lambda found: bindings.get(found.group(0), found.group(0)), text)


def match_json(expected: Any, actual: Any, where: str = "$", bindings: dict[str, str] | None = None) -> None:
    if expected == ANY_OBJECT:
        if not isinstance(actual, dict):
            raise Mismatch(f"{where}: expected an object, got {actual!r}")
        return
    if expected == ANY_LIST:
        if not isinstance(actual, list):
            raise Mismatch(f"{where}: expected a list, got {actual!r}")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            raise Mismatch(f"{where}: expected an object, got {actual!r}")
        more = expected.get(MORE) is True
        keys = [key for key in expected if key != MORE]
        if not more and set(keys) != set(actual):
            raise Mismatch(f"{where}: members {sorted(actual)} instead of {sorted(keys)}")
        for key in keys:
            if key not in actual:
                raise Mismatch(f"{where}: no member {key!r} in {actual!r}")
            match_json(expected[key], actual[key], f"{where}.{key}", bindings)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list):
            raise Mismatch(f"{where}: expected a list, got {actual!r}")
        more = bool(expected) and expected[-1] == MORE
        items = expected[:-1] if more else expected
        if len(actual) < len(items) or (not more and len(actual) != len(items)):
            raise Mismatch(f"{where}: {len(actual)} items instead of {len(items)}{' or more' if more else ''}")
        for position, item in enumerate(items):
            match_json(item, actual[position], f"{where}[{position}]", bindings)
        return
    if isinstance(expected, str) and isinstance(actual, str):
        if not match_string(expected, actual, bindings):
            raise Mismatch(f"{where}: {actual!r} instead of {expected!r}")
        return
    if expected != actual:
        raise Mismatch(f"{where}: {actual!r} instead of {expected!r}")


def match_text(expected: list[str], actual: list[str]) -> None:
    """Compare lines; a line ``...`` stands for any lines, ``...`` inside a line for any text."""
    def line_pattern(line: str) -> re.Pattern[str]:
        return re.compile(".*".join(re.escape(part) for part in " ".join(line.split()).split("...")) + r"\Z")

    def matches(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        if expected[e].strip() == "...":
            return any(matches(e + 1, rest) for rest in range(a, len(actual) + 1))
        return a < len(actual) and bool(line_pattern(expected[e]).match(" ".join(actual[a].split()))) and matches(e + 1, a + 1)

    if not matches(0, 0):
        raise Mismatch("output differs:\n--- expected\n" + "\n".join(expected) + "\n--- got\n" + "\n".join(actual))


def match_http(expected: list[str], actual: str, bindings: dict[str, str] | None = None) -> None:
    """Compare ``curl -i`` output: the status line, each header shown, then the body if shown."""
    head, _, body = actual.replace("\r\n", "\n").partition("\n\n")
    status, *header_lines = head.splitlines()
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if expected[0].split()[1:] != status.split()[1:]:
        raise Mismatch(f"status {status!r} instead of {expected[0]!r}")
    rest = expected[1:]
    blank = rest.index("") if "" in rest else len(rest)
    for line in rest[:blank]:
        if line.strip() == "...":
            continue
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name not in headers:
            raise Mismatch(f"no {name} header in:\n{head}")
        pattern = VOLATILE.get(name)
        if (pattern and not re.fullmatch(pattern, headers[name])) or (not pattern and headers[name] != value):
            raise Mismatch(f"{name}: {headers[name]!r} instead of {value!r}")
    shown = "\n".join(rest[blank + 1:]).strip()
    if shown:
        match_body(shown, body, bindings)


def match_body(shown: str, body: str, bindings: dict[str, str] | None = None) -> None:
    if shown.startswith(("{", "[")):
        try:
            actual = json.loads(body)
        except json.JSONDecodeError:
            raise Mismatch(f"expected JSON, got {body!r}") from None
        match_json(loads_expected(shown), actual, "$", bindings)
    else:
        match_text(shown.splitlines(), body.splitlines())


def match_output(expected: list[str], actual: str, bindings: dict[str, str] | None = None) -> None:
    if not expected:
        return
    if expected[0].startswith("HTTP/"):
        match_http(expected, actual, bindings)
    else:
        match_body("\n".join(expected), actual, bindings)


# Running ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Runner:
    """One page's bash session, working directory and server."""

    MARK = "__docs_runner_done__"

    def __init__(self, page: Page, workdir: Path, env: dict[str, str]) -> None:
        self.page = page
        self.workdir = workdir
        self.env = env
        self.port = str(free_port())
        self.cwd = workdir
        self.server: subprocess.Popen[bytes] | None = None
        self.server_command: tuple[str, Path] | None = None
        self.bindings: dict[str, str] = {}  # a UUID the page shows -> the one the server answered
        self.bash = subprocess.Popen(
            ["bash", "--noprofile", "--norc"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, cwd=workdir, env=env, text=True, bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.bash.stdout is not None
        for line in self.bash.stdout:
            self.lines.put(line)

    def close(self) -> None:
        self.stop_server()
        if self.bash.poll() is None:
            self.bash.kill()
            self.bash.wait()

    def shell(self, command: str, timeout: float = 300) -> tuple[int, str]:
        """Run ``command`` in the page's bash; return its exit status and output."""
        assert self.bash.stdin is not None
        self.bash.stdin.write(f"{command}\nprintf '\\n{self.MARK} %s %s\\n' \"$?\" \"$PWD\"\n")
        self.bash.stdin.flush()
        output: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"{command!r} did not finish in {timeout}s; output so far:\n{''.join(output)}") from None
            if line.startswith(self.MARK):
                _, status, cwd = line.rstrip("\n").split(" ", 2)
                self.cwd = Path(cwd)
                text = "".join(output)
                return int(status), text[:-1] if text.endswith("\n") else text
            output.append(line)

    def rewrite(self, command: str) -> str:
        command = bind(command, self.bindings)
        return command.replace(f"127.0.0.1:{DOC_PORT}", f"127.0.0.1:{self.port}").replace(
            f"localhost:{DOC_PORT}", f"localhost:{self.port}")

    def run_command(self, command: str, expected: list[str], where: str) -> None:
        segments = [segment.strip() for segment in command.split(" && ")]
        server = [segment for segment in segments if SERVER.search(segment)]
        before = []
        for segment in segments:
            if SERVER.search(segment):
                break
            before.append(check_install(segment) if segment.startswith("pip install") else segment)
        if before:
            status, output = self.shell(self.rewrite(" && ".join(before)))
            if status != 0:
                raise AssertionError(f"{where}: {command!r} exited {status}:\n{output}")
            if not server:
                try:
                    match_output(expected, output, self.bindings)
                except Mismatch as error:
                    raise AssertionError(f"{where}: {command}\n{error}") from None
        if server:
            self.start_server(server[0], self.cwd)

    def start_server(self, command: str, cwd: Path) -> None:
        self.stop_server()
        self.server_command = (command, cwd)
        if "runserver" in command:
            command = re.sub(r"runserver(\s+\S+)?$", f"runserver --noreload 127.0.0.1:{self.port}", command)
        command = self.rewrite(command)
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.server = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd, env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(f"the server {command!r} exited:\n{(self.workdir / 'server.log').read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", int(self.port))) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError(f"the server {command!r} did not listen on {self.port}")

    def stop_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        self.server = None

    def run_python(self, code: str, where: str) -> None:
        manage = next((folder for folder in (self.cwd, self.cwd / "testproject") if (folder / "manage.py").exists()), None)
        argv = [sys.executable, "manage.py", "shell", "-c", code] if manage else [sys.executable, "-c", code]
        result = subprocess.run(argv, cwd=manage or self.cwd, env=self.env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError(f"{where}: the Python example failed:\n{code}\n{result.stdout}{result.stderr}")

    def write(self, block: Block) -> None:
        target = self.cwd / block.argument
        target.parent.mkdir(parents=True, exist_ok=True)
        text = block.text + "\n"
        if block.kind == "append":
            text = target.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text
        target.write_text(text, encoding="utf-8")
        if self.server_command is not None and self.server is not None:
            self.start_server(*self.server_command)


def check_install(segment: str) -> str:
    """Check that what ``pip install ...`` names is installed here; return a no-op command in its place."""
    from importlib import metadata

    for word in segment.split()[2:]:
        word = word.strip("'\"")
        if word.startswith("-"):
            continue
        name, _, extras = word.partition("[")
        if name in (".", "") or name.endswith("django-restframework-lite"):
            name = "django-restframework-lite"
        requirement = re.split(r"[<>=!~]", name)[0]
        metadata.distribution(requirement)  # raises PackageNotFoundError
        for extra in filter(None, extras.rstrip("]").split(",")):
            needed = [req for req in metadata.requires(requirement) or [] if f'extra == "{extra}"' in req]
            for req in needed:
                metadata.distribution(re.split(r"[\s<>=!~;\[]", req)[0])
    return "true"


def clone_demo(runner: Runner) -> None:
    """Stand in for "from a fresh clone": copy the testproject to ``clone/`` and ``cd`` there."""
    clone = runner.workdir / "clone"
    shutil.copytree(ROOT / "testproject", clone / "testproject",
                    ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", "*.db"))
    runner.shell(f"cd {clone}")


#: The testproject migrated and loaded on SQLite, once per test process: each demo page starts from a copy.
DEMO_TEMPLATES: dict[str, Path] = {}


def demo_setup(runner: Runner) -> None:
    """Do what the README's demo command does, in a copy of the testproject: migrate, load, serve.

    On SQLite the migrated and loaded testproject is made once per test process and
    copied for each page (the database files are in it): the same state, without
    running the migrations for every page. The README's own page runs the demo
    command itself, from a clone.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.sqlite3", "*.db")
    if "DATABASE_URL" in runner.env:  # a PostgreSQL page: its own database, migrated here
        shutil.copytree(ROOT / "testproject", runner.workdir / "testproject", ignore=ignore)
        migrate_and_load(runner)
    else:
        template = DEMO_TEMPLATES.get("sqlite")
        if template is None or not template.is_dir():
            template = Path(tempfile.mkdtemp(prefix="drfl-demo-"))
            atexit.register(shutil.rmtree, template, True)
            shutil.copytree(ROOT / "testproject", template / "testproject", ignore=ignore)
            migrate_and_load(runner, cwd=template)
            DEMO_TEMPLATES["sqlite"] = template
        shutil.copytree(template / "testproject", runner.workdir / "testproject",
                        ignore=shutil.ignore_patterns("__pycache__"))
    runner.start_server("python testproject/manage.py runserver", runner.workdir)


def migrate_and_load(runner: Runner, cwd: Path | None = None) -> None:
    """Run the README demo command's migrate and load_addressbook in ``cwd`` (the page's directory by default)."""
    for command in ("python testproject/manage.py migrate -v 0", "python testproject/manage.py load_addressbook"):
        status, output = runner.shell(command if cwd is None else f"(cd {shlex.quote(str(cwd))} && {command})")
        if status != 0:
            raise AssertionError(f"demo setup: {command} exited {status}:\n{output}")


def run_page(path: Path, tmp_path: Path) -> None:
    """Run every example of the page at ``path``; raise AssertionError naming the first that fails."""
    page = parse(path)
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "PYTHONPATH")
           and not key.startswith("PYTEST_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["DJANGO_SECRET_KEY"] = "docs-runner-not-secret"
    # In a terminal curl prints no progress meter; with a pipe it would, unless told so.
    (tmp_path / ".curlrc").write_text("--silent\n--show-error\n", encoding="utf-8")
    env["CURL_HOME"] = str(tmp_path)
    database = None
    if page.postgres_redis:
        database = PageDatabase(os.environ["DATABASE_URL"])
        env["DATABASE_URL"], env["REDIS_URL"] = database.url, os.environ["REDIS_URL"]
    runner = Runner(page, tmp_path, env)
    try:
        if page.demo:
            demo_setup(runner)
        for block in page.blocks:
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{block.line}"
            if block.kind == "console":
                for command, expected in commands_of(block.text):
                    if page.postgres_redis:
                        command = command.replace(DOC_DATABASE, env["DATABASE_URL"]).replace(DOC_REDIS, env["REDIS_URL"])
                    runner.run_command(command, expected, where)
            elif block.kind in ("file", "append"):
                runner.write(block)
            elif block.kind == "python":
                runner.run_python(block.text, where)
            elif block.kind == "quote":
                if "rest_api_framework" not in block.text:
                    raise AssertionError(f"{where}: a seed-quote block that does not quote the seed's code")
            elif block.kind == "clone":
                clone_demo(runner)
            elif block.kind == "include":
                if not (path.parent / block.argument).resolve().is_file():
                    raise AssertionError(f"{where}: literalinclude of a missing file {block.argument}")
            elif block.kind == "ci":
                ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
                for command, _ in commands_of(block.text):
                    if command not in ci:
                        raise AssertionError(f"{where}: {command!r} is not run verbatim by .ci/run")
        doctests = [block for block in page.blocks if block.kind == "doctest"]
        if doctests:
            run_doctests(path, doctests, tmp_path, env)
    finally:
        runner.close()
        if database is not None:
            database.drop()


DOCTEST_SCRIPT = """
import doctest, sys
text = open(sys.argv[1], encoding="utf-8").read()
test = doctest.DocTestParser().get_doctest(text, {"__name__": "docs_page"}, sys.argv[2], sys.argv[2], 0)
runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
runner.run(test)
sys.exit(1 if runner.failures else 0)
"""


def run_doctests(path: Path, blocks: list[Block], tmp_path: Path, env: dict[str, str]) -> None:
    """Run the page's ``>>>`` blocks together, in order and in one namespace, without Django settings."""
    source = tmp_path / "doctests.txt"
    source.write_text("\n\n".join(block.text for block in blocks) + "\n", encoding="utf-8")
    workdir = tmp_path / "doctests"
    workdir.mkdir(exist_ok=True)
    env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    result = subprocess.run([sys.executable, "-c", DOCTEST_SCRIPT, str(source), path.name], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"{path.name}: a doctest failed:\n{result.stdout}{result.stderr}")


class PageDatabase:
    """A PostgreSQL database of the page's own, beside the one ``DATABASE_URL`` names; dropped after."""

    def __init__(self, url: str) -> None:
        import uuid
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        self.name = f"drfl_docs_{uuid.uuid4().hex[:10]}"
        self.admin = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.execute(f'CREATE DATABASE "{self.name}"')

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as connection:
            connection.execute(sql)

    def drop(self) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
