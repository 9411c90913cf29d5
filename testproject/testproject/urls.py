"""URLs of the demo project: the seed's address book under /api/, and Django's admin.

Uploaded files (``MEDIA_URL``) are served by ``runserver`` while ``DEBUG`` is on.
"""

from addressbook.api import ADDRESSBOOK
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from django_restframework_lite.urls import include as api_include

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api_include(ADDRESSBOOK, name="addressbook", version="1.0", namespace="addressbook")),
    # The protected address book (API keys, rate limits, Basic, session): addressbook/protected.py.
    path("protected/", include("addressbook.protected")),
    # Each Django account's own bookmarks and account (exposure rules and scope): addressbook/mine.py.
    path("mine/", include("addressbook.mine")),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
