"""A fixture for tests that call a ``WSGIDispatcher`` in the test process itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture
def keep_test_connections() -> Iterator[None]:
    """Do what Django's test client does around a request: leave the test's database connections alone.

    A WSGI handler closes old connections when a request starts and finishes; in
    a test that would touch (or close) the connections other tests hold.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
