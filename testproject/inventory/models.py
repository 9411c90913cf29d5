"""Models exercising every field type, for the ORM datastore and the shared datastore suite.

``Gadget`` and ``Ticket`` carry the types of API.md section 11 (dates, times,
durations, UUIDs, decimals, JSON, bytes, formats, a file, many-to-many, a UUID
pk), and ``Everything`` one field of every concrete type Django 5.2 ships.

``Item`` has one field of each kind the ORM datastore maps (text with and without
NULL, integer with a range, float, boolean with a default, datetime, choices, a
foreign key that PROTECTs its category), so the derived API model covers every option.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F


class Category(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    SIZES = [("S", "small"), ("M", "medium"), ("L", "large")]

    name = models.CharField(max_length=20)
    notes = models.TextField(null=True, blank=True)
    quantity = models.IntegerField()
    weight = models.FloatField(null=True, blank=True)
    in_stock = models.BooleanField(default=True)
    added_at = models.DateTimeField(null=True, blank=True)
    size = models.CharField(max_length=1, choices=SIZES, default="M")
    rank = models.IntegerField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="items")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Part(models.Model):
    """A row with a client-chosen string pk, a 16-bit counter and a decimal price."""

    code = models.CharField(max_length=10, primary_key=True)
    stock = models.SmallIntegerField(default=0)
    price = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    label = models.CharField(max_length=30, blank=True)


class Memo(models.Model):
    """A row that belongs to a user, with fields the server writes: for the exposure and scope tests.

    ``code`` is not editable, ``created``/``updated`` are set by Django, and
    ``owner`` is whoever created the memo.
    """

    STATUSES = [("open", "open"), ("done", "done"), ("archived", "archived")]

    owner = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    text = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=STATUSES, default="open")
    code = models.CharField(max_length=20, editable=False, default="memo")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class Ticket(models.Model):
    """A row whose pk is a UUID the server draws (``editable=False``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Gadget(models.Model):
    """One nullable field of each type that 0.2 added, for the shared datastore suite (``tests/stores.py``)."""

    made = models.DateField(null=True, blank=True, help_text="The day it was made.")
    opens = models.TimeField(null=True, blank=True)
    warranty = models.DurationField(null=True, blank=True)
    serial = models.UUIDField(null=True, blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    specs = models.JSONField(null=True, blank=True)
    blob = models.BinaryField(null=True, blank=True, editable=True)
    email = models.EmailField(blank=True)
    site = models.URLField(blank=True)
    slug = models.SlugField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    manual = models.FileField(upload_to="manuals/", blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="gadgets")
    tickets = models.ManyToManyField(Ticket, blank=True, related_name="gadgets")

    class Meta:
        ordering = ["id"]


class Shelf(models.Model):
    """A row with a 16-bit auto pk: the target of ``Everything.shelf``."""

    id = models.SmallAutoField(primary_key=True)
    name = models.CharField(max_length=50)


class Label(models.Model):
    """A row with a 32-bit auto pk: the target of ``Everything.label``."""

    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=50)


class Everything(models.Model):
    """One field of every concrete field type Django 5.2 ships (the auto pks are those of the targets)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    char = models.CharField(max_length=20, help_text="Any short text.")
    text = models.TextField()
    slug = models.SlugField()
    email = models.EmailField()
    url = models.URLField()
    integer = models.IntegerField()
    big = models.BigIntegerField()
    small = models.SmallIntegerField()
    positive = models.PositiveIntegerField()
    positive_small = models.PositiveSmallIntegerField()
    positive_big = models.PositiveBigIntegerField()
    floating = models.FloatField()
    decimal = models.DecimalField(max_digits=10, decimal_places=3)
    boolean = models.BooleanField()
    date = models.DateField()
    datetime = models.DateTimeField()
    time = models.TimeField()
    duration = models.DurationField()
    uuid = models.UUIDField()
    json = models.JSONField()
    binary = models.BinaryField(editable=True)
    ip = models.GenericIPAddressField()
    file = models.FileField(upload_to="files/", blank=True)
    image = models.ImageField(upload_to="images/", blank=True)
    path = models.FilePathField(path="/srv/files", max_length=200)
    shelf = models.ForeignKey(Shelf, on_delete=models.PROTECT)
    label = models.OneToOneField(Label, on_delete=models.PROTECT, null=True, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="everything")
    doubled = models.GeneratedField(expression=F("integer") * 2, output_field=models.BigIntegerField(), db_persist=True)

    class Meta:
        ordering = ["id"]


class Crate(models.Model):
    """Categories packed in a crate, linked through a model of its own (``Packing``): links read-only to the API."""

    name = models.CharField(max_length=50)
    categories = models.ManyToManyField(Category, through="Packing", related_name="crates")


class Packing(models.Model):
    crate = models.ForeignKey(Crate, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    packed = models.DateField(auto_now_add=True)
