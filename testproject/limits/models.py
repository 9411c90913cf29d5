"""A table of rate-limit counts, for the seed-style ``RateLimit`` on the Django ORM (tests only).

The columns are those of ``django_restframework_lite.ratelimit.RateLimitModel``:
a string pk (the hashed identity), what is left of the quota, and the time of
the last counted request. ``test_settings`` installs this app; the demo does not.
"""

from django.db import models


class RateLimitRow(models.Model):
    access_key = models.CharField(max_length=64, primary_key=True)
    quota = models.IntegerField()
    last_request = models.FloatField()
