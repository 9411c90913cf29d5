"""Models exercising every field type, for the ORM datastore and the shared datastore suite.

``Item`` has one field of each kind the ORM datastore maps (text with and without
NULL, integer with a range, float, boolean with a default, datetime, choices, a
foreign key that PROTECTs its category), so the derived API model covers every option.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


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
