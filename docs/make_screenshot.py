"""Take docs/screenshot-docs.png, the README's picture of the docs page.

Run it once by hand from a clone when the page changes (it is no test)::

    python docs/make_screenshot.py

It serves the testproject with the sample address book from a temporary
directory, opens /api/docs/ in headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright), sends a GET from the first ressource's form and saves
the window.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "screenshot-docs.png"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen) -> None:
    for _ in range(60):
        if server.poll() is not None:
            raise SystemExit("runserver exited before answering")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "DRFL_DATA_DIR": data, "PYTHONPATH": f"{ROOT / 'testproject'}{os.pathsep}{ROOT}"}
        env.pop("DATABASE_URL", None)
        manage = [sys.executable, str(ROOT / "testproject" / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "load_addressbook"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/api/docs/"
            wait_for(url, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.goto(url)
                page.wait_for_selector("body.ready")
                form = page.locator("form.try").first
                form.locator("input[name=query]").fill("count=2")
                form.locator("button[type=submit]").click()
                form.locator(".answer:not([hidden])").wait_for()
                page.screenshot(path=str(TARGET))
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
