"""URLs of the demo project; the API is mounted under /api/ once the HTTP layer lands."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
