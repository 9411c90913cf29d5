"""Uploads: ``multipart/form-data`` on the ORM store, files through Django's storage, their URLs on the wire.

A POST, PUT or PATCH with a file stores it through the ``FileField``'s storage
(a temporary ``MEDIA_ROOT`` here) and GET shows what the storage's ``url()``
gives; the other parts are converted like query values. A file above
``max_size`` is a JSON 413 and nothing is written, not even the file. A
multipart body to an endpoint without uploads stays a 415; on the list and
SQLite stores a ``FileField`` is read-only.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from inventory.models import Category, Everything, Gadget, Label, Shelf, Ticket
from PIL import Image

from django_restframework_lite import models
from django_restframework_lite.controllers import Controller
from django_restframework_lite.datastore import DjangoModelDataStore, PythonListDataStore, SQLiteDataStore
from tests.http_support import mount

pytestmark = pytest.mark.django_db

VERBS = {"list_verbs": ["GET", "POST"], "unique_verbs": ["GET", "PUT", "PATCH", "DELETE"]}


def endpoint(name: str, ressource: Any, model: Any = None, datastore: Any = DjangoModelDataStore,
             **options: Any) -> type[Controller]:
    config = {"ressource_name": name, "ressource": ressource, "datastore": datastore, "options": options}
    if model is not None:
        config["model"] = model
    return type(f"{name.title()}EndPoint", (Controller,), {"ressource": config, "controller": VERBS})


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


@pytest.fixture
def api(settings: Any, media: Path) -> Any:
    return mount(settings, [endpoint("category", Category), endpoint("ticket", Ticket), endpoint("gadget", Gadget),
                            endpoint("shelf", Shelf), endpoint("label", Label), endpoint("everything", Everything)])


def upload(name: str = "manual.txt", content: bytes = b"read me") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, "PNG")
    return SimpleUploadedFile("dot.png", buffer.getvalue(), content_type="image/png")


def stored_files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()) if media.exists() else []


def multipart(client: Any, method: str, url: str, data: dict[str, Any]) -> Any:
    """Send ``data`` as multipart/form-data with any method (the test client encodes it for POST only)."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return client.generic(method, url, encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT)


def test_a_multipart_post_stores_the_file_and_get_shows_its_url(client: Any, api: Any, media: Path) -> None:
    tools = Category.objects.create(name="tools").pk
    toys = Category.objects.create(name="toys").pk
    response = client.post("/api/gadget/", {
        "manual": upload(), "price": "12.50", "made": "2026-11-28", "specs": '{"a": [1, 2.5]}', "warranty": "PT36H",
        "categories": [str(toys), str(tools)], "ip": "", "email": "a@example.com",
    })
    assert response.status_code == 201, response.content
    gadget = response.json()
    assert gadget["manual"] == "/media/manuals/manual.txt"
    assert (gadget["price"], gadget["made"], gadget["specs"], gadget["warranty"]) == ("12.50", "2026-11-28",
                                                                                      {"a": [1, 2.5]}, "P1DT12H")
    assert (gadget["categories"], gadget["ip"], gadget["email"]) == ([tools, toys], None, "a@example.com")
    assert stored_files(media) == ["manuals/manual.txt"]
    assert (media / "manuals" / "manual.txt").read_bytes() == b"read me"
    assert client.get(f"/api/gadget/{gadget['id']}/").json()["manual"] == "/media/manuals/manual.txt"
    assert Gadget.objects.get().manual.name == "manuals/manual.txt"


def test_a_comma_separated_part_sets_many_to_many_links(client: Any, api: Any) -> None:
    a, b = Category.objects.create(name="a").pk, Category.objects.create(name="b").pk
    response = client.post("/api/gadget/", {"categories": f"{b},{a}"})
    assert response.json()["categories"] == [a, b]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_a_multipart_update_replaces_the_file(client: Any, api: Any, media: Path, method: str) -> None:
    pk = client.post("/api/gadget/", {"manual": upload(), "slug": "first"}).json()["id"]
    response = multipart(client, method, f"/api/gadget/{pk}/", {"manual": upload("new.txt", b"v2"), "slug": "second"})
    assert response.status_code == 200, response.content
    assert (response.json()["manual"], response.json()["slug"]) == ("/media/manuals/new.txt", "second")
    assert (media / "manuals" / "new.txt").read_bytes() == b"v2"
    assert client.get(f"/api/gadget/{pk}/").json()["manual"] == "/media/manuals/new.txt"


def test_a_multipart_update_without_a_file_keeps_it(client: Any, api: Any) -> None:
    pk = client.post("/api/gadget/", {"manual": upload()}).json()["id"]
    response = multipart(client, "PATCH", f"/api/gadget/{pk}/", {"price": "3"})
    assert response.json()["manual"] == "/media/manuals/manual.txt"
    assert response.json()["price"] == "3.00"


def test_a_json_body_may_send_the_url_back_unchanged_or_null_to_clear_it(client: Any, api: Any) -> None:
    gadget = client.post("/api/gadget/", {"manual": upload()}).json()
    url = f"/api/gadget/{gadget['id']}/"
    put_back = client.put(url, json.dumps(gadget), content_type="application/json")
    assert put_back.status_code == 200 and put_back.json() == gadget
    other = client.patch(url, json.dumps({"manual": "/media/other.txt"}), content_type="application/json")
    assert other.status_code == 400
    assert other.json() == {"error": "manual does not validate",
                            "fields": {"manual": "Send the file as a part of a multipart/form-data body."}}
    cleared = client.patch(url, json.dumps({"manual": None}), content_type="application/json")
    assert cleared.json()["manual"] is None
    assert Gadget.objects.get().manual.name == ""


def test_a_file_in_a_json_create_is_refused(client: Any, api: Any) -> None:
    response = client.post("/api/gadget/", json.dumps({"manual": "x.txt"}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"manual": "Send the file as a part of a multipart/form-data body."}
    assert Gadget.objects.count() == 0


def test_a_file_above_the_limit_is_a_json_413_and_nothing_is_written(
    client: Any, api: Any, media: Path, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post("/api/gadget/", {"manual": upload(content=b"x" * 101), "slug": "big"})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "manual is larger than 100 bytes.",
                               "fields": {"manual": "The file is larger than 100 bytes."}}
    assert Gadget.objects.count() == 0
    assert stored_files(media) == []
    pk = client.post("/api/gadget/", {"manual": upload(content=b"x" * 100)}).json()["id"]
    response = multipart(client, "PATCH", f"/api/gadget/{pk}/", {"manual": upload("b.txt", b"y" * 101)})
    assert response.status_code == 413
    assert stored_files(media) == ["manuals/manual.txt"]


def test_the_max_size_option_of_an_explicit_file_field(client: Any, settings: Any, media: Path) -> None:
    class GadgetModel(models.Model):
        fields = [models.PkField(name="id"), models.FileField(name="manual", max_size=10)]

    mount(settings, [endpoint("gadget", Gadget, GadgetModel)])
    assert client.post("/api/gadget/", {"manual": upload(content=b"x" * 11)}).status_code == 413
    assert client.post("/api/gadget/", {"manual": upload(content=b"x" * 10)}).status_code == 201


def test_a_failed_write_deletes_the_file_it_stored(client: Any, settings: Any, media: Path) -> None:
    windowed = Gadget.objects.filter(slug="inside")
    mount(settings, [endpoint("gadget", windowed)])
    response = client.post("/api/gadget/", {"manual": upload(), "slug": "outside"})
    assert response.status_code == 400
    assert Gadget.objects.count() == 0
    assert stored_files(media) == []


def test_an_image_field_takes_images_only(client: Any, api: Any, media: Path) -> None:
    shelf = Shelf.objects.create(name="s").pk
    parts = {"char": "c", "text": "t", "slug": "s", "email": "a@example.com", "url": "https://example.com/",
             "integer": "1", "big": "2", "small": "3", "positive": "4", "positive_small": "5", "positive_big": "6",
             "floating": "1.5", "decimal": "1.5", "boolean": "true", "date": "2026-11-28",
             "datetime": "2026-11-28T10:00:00Z", "time": "10:00", "duration": "P1D",
             "uuid": "6f1c2d1e-8b7a-4c55-9e0f-3a2b1c0d9e8f", "json": "[1, 2]", "binary": "aGk=", "ip": "10.0.0.1",
             "path": "/srv/files/x", "shelf": str(shelf)}
    refused = client.post("/api/everything/", {**parts, "image": upload("fake.png", b"not an image")})
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["image"]
    assert Everything.objects.count() == 0 and stored_files(media) == []
    response = client.post("/api/everything/", {**parts, "image": png(), "file": upload()})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["image"], created["file"]) == ("/media/images/dot.png", "/media/files/manual.txt")
    assert (created["decimal"], created["duration"], created["json"], created["boolean"]) == ("1.500", "P1D", [1, 2], True)
    assert created["label"] is None and created["categories"] == [] and created["doubled"] == 2


@pytest.mark.parametrize(("parts", "field"), [({"price": "cheap"}, "price"), ({"specs": "{"}, "specs"),
                                              ({"made": "x"}, "made"), ({"categories": "x"}, "categories"),
                                              ({"colour": "red"}, "colour")])
def test_a_bad_part_is_a_400_naming_it(client: Any, api: Any, media: Path, parts: dict[str, str], field: str) -> None:
    response = client.post("/api/gadget/", {**parts, "manual": upload()})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert Gadget.objects.count() == 0 and stored_files(media) == []


def test_a_file_for_a_field_that_is_no_file_is_a_400(client: Any, api: Any) -> None:
    response = client.post("/api/gadget/", {"slug": upload()})
    assert response.status_code == 400
    assert response.json()["fields"] == {"slug": "Only file fields take a file; send this one as text."}


def test_a_malformed_multipart_body_is_a_400(client: Any, api: Any) -> None:
    response = client.generic("POST", "/api/gadget/", b"--x\r\nnonsense", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Malformed multipart/form-data body")


def test_other_content_types_name_both_accepted_types(client: Any, api: Any) -> None:
    response = client.generic("POST", "/api/gadget/", b"a=b", content_type="text/plain")
    assert response.status_code == 415
    assert response.json() == {"error": "Send the body as application/json or multipart/form-data, not text/plain."}


def test_multipart_elsewhere_stays_a_415(client: Any, api: Any) -> None:
    response = client.post("/api/category/", {"name": "tools"})
    assert response.status_code == 415
    assert response.json() == {"error": "Send the body as application/json, not multipart/form-data."}
    assert Category.objects.count() == 0


@pytest.mark.parametrize("kind", ["pythonlist", "sqlite"])
def test_a_file_field_is_read_only_on_the_list_and_sqlite_stores(client: Any, settings: Any, tmp_path: Path,
                                                                kind: str) -> None:
    class DocumentModel(models.Model):
        fields = [models.PkField(name="id"), models.StringField(name="title", required=True),
                  models.FileField(name="scan")]

    ressource: Any = [] if kind == "pythonlist" else {"name": str(tmp_path / "docs.db"), "table": "docs"}
    datastore = PythonListDataStore if kind == "pythonlist" else SQLiteDataStore
    api = mount(settings, [endpoint("documents", ressource, DocumentModel, datastore)])
    assert api.controllers[0].model.get_field("scan").read_only
    assert DocumentModel.fields[2].read_only is False  # the Model given is left as it was
    created = client.post("/api/documents/", json.dumps({"title": "a"}), content_type="application/json")
    assert created.status_code == 201 and created.json()["scan"] is None
    refused = client.post("/api/documents/", json.dumps({"title": "b", "scan": "x.pdf"}), content_type="application/json")
    assert (refused.status_code, refused.json()["error"]) == (400, "scan is read-only")
    assert client.post("/api/documents/", {"title": "c", "scan": upload()}).status_code == 415
