#!/usr/bin/env bash
# Build the sdist and, from it, the wheel; install the wheel (not editable) in a fresh
# virtualenv; serve the testproject with runserver from that install; require a 200 for
# the docs page, every asset it references under the API prefix, and the other
# self-description endpoints. A template or static file missing from the package fails here.
# Everything happens in a temporary directory, removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-python3}
prefix=/api/

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drfl-wheel.XXXXXX")
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "check_wheel: $*" >&2; exit 1; }
say() { echo "check_wheel: $*"; }

say "copying the source tree to $tmp/src"
mkdir -p "$tmp/src"
# Tracked files plus new ones not ignored: what a commit of this tree would hold.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
    if [ -f "$file" ]; then
        mkdir -p "$tmp/src/$(dirname "$file")"
        cp -p "$file" "$tmp/src/$file"
    fi
done

say "building the sdist, then the wheel from the sdist"
"$python" -m venv "$tmp/build-venv"
"$tmp/build-venv/bin/python" -m pip install -q --upgrade pip build
# python -m build makes the sdist, then builds the wheel from the unpacked sdist: a file
# that MANIFEST.in leaves out of the sdist is missing from the wheel too.
"$tmp/build-venv/bin/python" -m build --outdir "$tmp/dist" "$tmp/src" >"$tmp/build.log" 2>&1 || {
    cat "$tmp/build.log" >&2
    fail "the build failed"
}
sdist=$(ls "$tmp"/dist/*.tar.gz 2>/dev/null | head -n 1)
wheel=$(ls "$tmp"/dist/*.whl 2>/dev/null | head -n 1)
[ -n "$sdist" ] || fail "no sdist was built"
[ -n "$wheel" ] || fail "no wheel was built"
say "built $(basename "$sdist") and $(basename "$wheel")"
# DRFL_DIST_OUT=<dir> keeps them, for the test matrix (noxfile.py) to install the same wheel.
if [ -n "${DRFL_DIST_OUT:-}" ]; then
    mkdir -p "$DRFL_DIST_OUT"
    cp "$sdist" "$wheel" "$DRFL_DIST_OUT/"
fi

# What must travel with the package: the license and changelog in the sdist, the
# typing marker in the wheel, and the metadata a project's resolver and PyPI read.
tar -tzf "$sdist" >"$tmp/sdist.txt"
for file in LICENSE CHANGELOG.rst README.rst django_restframework_lite/py.typed; do
    grep -q "^[^/]*/$file\$" "$tmp/sdist.txt" || fail "the sdist has no $file"
done
"$tmp/build-venv/bin/python" - "$wheel" <<'PY' || fail "the wheel's contents or metadata are wrong"
import sys
import zipfile
from email.parser import Parser

wheel = zipfile.ZipFile(sys.argv[1])
names = wheel.namelist()
assert "django_restframework_lite/py.typed" in names, "no py.typed in the wheel"
assert any(name.endswith(".dist-info/licenses/LICENSE") or name.endswith(".dist-info/LICENSE") for name in names), \
    "no LICENSE in the wheel's dist-info"
metadata = Parser().parsestr(wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode())
classifiers = metadata.get_all("Classifier")
for expected in ["Framework :: Django :: 5.2", "Framework :: Django :: 6.0", "Framework :: Django :: 6.1",
                 "Programming Language :: Python :: 3.10", "Programming Language :: Python :: 3.11",
                 "Programming Language :: Python :: 3.12", "Programming Language :: Python :: 3.13",
                 "Typing :: Typed"]:
    assert expected in classifiers, f"no classifier {expected!r}"
assert "BSD-3-Clause" in (metadata.get("License-Expression") or metadata.get("License") or ""), "no license"
urls = metadata.get_all("Project-URL") or []
assert {url.split(",")[0] for url in urls} >= {"Documentation", "Changelog", "Source", "Issues"}, urls
requires = metadata.get_all("Requires-Dist") or []
assert "Django>=5.2" in requires, f"Django requirement: {requires}"
print("check_wheel: the sdist has LICENSE and CHANGELOG.rst; the wheel has py.typed, LICENSE, the classifiers,"
      " the license, the project URLs and Django>=5.2")
PY

say "installing the wheel in a fresh virtualenv"
"$python" -m venv "$tmp/run-venv"
run_python="$tmp/run-venv/bin/python"
"$run_python" -m pip install -q --upgrade pip
# The demo's extra (Pillow, for its ImageField), as the README's demo command installs it.
"$run_python" -m pip install -q "$wheel[demo]"

# The testproject, without its local database, with PYTHONPATH at it alone: the
# package can only come from the installed wheel.
mkdir -p "$tmp/project" "$tmp/data"
cp -r "$root/testproject/." "$tmp/project/"
find "$tmp/project" \( -name '__pycache__' -o -name '*.sqlite3' -o -name '*.db' \) -prune -exec rm -rf {} +
export PYTHONPATH="$tmp/project" DRFL_DATA_DIR="$tmp/data" DJANGO_DEBUG=0
unset DATABASE_URL REDIS_URL DJANGO_SETTINGS_MODULE

where=$(cd "$tmp" && "$run_python" -c 'import django_restframework_lite as p; print(p.__file__)')
case "$where" in
    "$tmp/run-venv/"*) say "the package is imported from $where" ;;
    *) fail "the package is imported from $where, not from the installed wheel" ;;
esac

(cd "$tmp/project" && "$run_python" manage.py migrate --noinput -v 0)
# The management commands ship in the wheel too.
(cd "$tmp/project" && "$run_python" manage.py drfl_openapi --namespace addressbook --output "$tmp/openapi.json" -v 0)
"$run_python" -c 'import json, sys; assert json.load(open(sys.argv[1]))["openapi"] == "3.1.0"' "$tmp/openapi.json" \
    || fail "manage.py drfl_openapi wrote no OpenAPI document"
(cd "$tmp/project" && "$run_python" manage.py drfl_endpoints >/dev/null) || fail "manage.py drfl_endpoints failed"
say "the drfl_openapi and drfl_endpoints commands work from the wheel"

port=$("$run_python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
say "starting runserver on $base (DEBUG off, so nothing relies on staticfiles serving)"
(cd "$tmp/project" && exec "$run_python" manage.py runserver --noreload "127.0.0.1:$port") >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
    curl -s -o /dev/null "$base$prefix" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; fail "runserver exited"; }
    sleep 0.5
done

status_of() { curl -s -o "$2" -w '%{http_code}' "$base$1"; }

failures=0
check() {
    local url=$1 code
    code=$(status_of "$url" "$tmp/answer")
    if [ "$code" = "200" ]; then
        say "200 $url"
    else
        echo "check_wheel: $code $url (expected 200)" >&2
        failures=$((failures + 1))
    fi
}

code=$(status_of "${prefix}docs/" "$tmp/docs.html")
[ "$code" = "200" ] || { cat "$tmp/server.log" >&2; fail "GET ${prefix}docs/ answered $code"; }
say "200 ${prefix}docs/"

# Every src/href of the page that points into the API (the page's own CSS and JS included).
assets=$("$run_python" - "$tmp/docs.html" "$prefix" <<'PY'
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin

page, prefix = sys.argv[1], sys.argv[2]
found = []

class Links(HTMLParser):
    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("#", "data:")):
                url = urljoin(prefix + "docs/", value)
                if url.startswith(prefix) and url not in found:
                    found.append(url)

Links().feed(open(page, encoding="utf-8").read())
print("\n".join(found))
PY
)
css=$(printf '%s\n' "$assets" | grep -c '\.css' || true)
js=$(printf '%s\n' "$assets" | grep -c '\.js' || true)
[ "$css" -ge 1 ] && [ "$js" -ge 1 ] || fail "the docs page references no stylesheet or no script under $prefix: $assets"
while IFS= read -r asset; do
    [ -n "$asset" ] && check "$asset"
done <<<"$assets"

for url in "${prefix}openapi.json" "${prefix}schema/" "${prefix}spore/"; do
    printf '%s\n' "$assets" | grep -qxF "$url" || check "$url"
done

[ "$failures" -eq 0 ] || { cat "$tmp/server.log" >&2; fail "$failures request(s) did not answer 200"; }
say "the installed wheel serves its docs page and every asset it references"
