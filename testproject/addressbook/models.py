"""The seed tutorial's address book as Django models: users living at addresses, and their documents."""

import uuid

from django.db import models


class Address(models.Model):
    country = models.CharField(max_length=100)
    city = models.CharField(max_length=100)
    street = models.CharField(max_length=200)
    number = models.IntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.number} {self.street}, {self.city}, {self.country}"


class User(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    # PROTECT: deleting an address that someone lives at is refused (a 409), never an orphan.
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.PROTECT, related_name="users")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Bookmark(models.Model):
    """An address a Django account keeps, with a note: each account sees and edits only its own."""

    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="bookmarks")
    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="bookmarks")
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.owner}: {self.address}"


class Label(models.Model):
    """A word to sort documents by: ``invoice``, ``lease``..."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """A paper kept with the address book: the field types of API.md section 11 in one model."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    issued = models.DateField(help_text="The day the document was issued.")
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                help_text="What it cost, exactly.")
    valid_for = models.DurationField(null=True, blank=True, help_text="How long it stays valid.")
    extra = models.JSONField(default=dict, blank=True, help_text="Anything else, as JSON.")
    scan = models.FileField(upload_to="documents/", blank=True, help_text="The scanned paper.")
    labels = models.ManyToManyField(Label, blank=True, related_name="documents")

    class Meta:
        ordering = ["issued", "id"]

    def __str__(self) -> str:
        return self.title
