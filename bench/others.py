"""Django REST framework and django-ninja doing the benchmark's work (``sides.py`` says what), when installed.

Each is written as its documentation teaches: DRF with a ``ModelSerializer``,
generic views and ``LimitOffsetPagination``; ninja with schemas, a paginated
list and a handler that creates. No authentication, JSON only. Their list meta
is their own (``count``/``next``/``previous``; ninja's ``count``), the objects
are the same.
"""


from typing import Any

from sides import MAX_PAGE, PAGE, address_pk


def drf(prefix: str) -> list[Any] | None:
    try:
        from rest_framework import generics, pagination, serializers
        from rest_framework.validators import UniqueTogetherValidator
    except ImportError:
        return None
    from addressbook.models import Address, User
    from django.conf import settings
    from django.urls import path

    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "UNAUTHENTICATED_USER": None,
    }

    class AddressURI(serializers.PrimaryKeyRelatedField):
        def to_representation(self, value: Any) -> str:
            return f"/{prefix}/address/{value.pk}/"

        def to_internal_value(self, data: Any) -> Any:
            try:
                data = address_pk(data)
            except ValueError:
                self.fail("incorrect_type", data_type=type(data).__name__)
            return super().to_internal_value(data)

    class UserSerializer(serializers.ModelSerializer):
        address = AddressURI(queryset=Address.objects.all(), required=False, allow_null=True)
        ressource_uri = serializers.SerializerMethodField()

        class Meta:
            model = User
            fields = ["first_name", "last_name", "address", "ressource_uri"]
            validators = [UniqueTogetherValidator(queryset=User.objects.all(), fields=["first_name", "last_name"])]

        def get_ressource_uri(self, user: Any) -> str:
            return f"/{prefix}/users/{user.pk}/"

    class Pages(pagination.LimitOffsetPagination):
        default_limit = PAGE
        max_limit = MAX_PAGE

    class UserList(generics.ListCreateAPIView):
        queryset = User.objects.order_by("id")
        serializer_class = UserSerializer
        pagination_class = Pages

        def get_success_headers(self, data: Any) -> dict[str, str]:
            return {"Location": data["ressource_uri"]}

    class UserDetail(generics.RetrieveAPIView):
        queryset = User.objects.all()
        serializer_class = UserSerializer

    return [path(f"{prefix}/users/", UserList.as_view()), path(f"{prefix}/users/<int:pk>/", UserDetail.as_view())]


def ninja(prefix: str) -> list[Any] | None:
    try:
        from ninja import NinjaAPI, Schema
        from ninja.pagination import LimitOffsetPagination, paginate
    except ImportError:
        return None
    from addressbook.models import Address, User
    from django.db import transaction
    from django.http import HttpResponse
    from django.urls import path
    from pydantic import Field

    api = NinjaAPI(urls_namespace=f"bench-{prefix}", docs_url=None, openapi_url=None)

    class UserIn(Schema):
        first_name: str = Field(max_length=100)
        last_name: str = Field(max_length=100)
        address: str | int | None = None

    class UserOut(Schema):
        """A user from a ``.values()`` row: ninja's resolvers turn its ids into URIs."""

        first_name: str
        last_name: str
        address: str | None
        ressource_uri: str

        @staticmethod
        def resolve_address(row: dict[str, Any]) -> str | None:
            return None if row["address_id"] is None else f"/{prefix}/address/{row['address_id']}/"

        @staticmethod
        def resolve_ressource_uri(row: dict[str, Any]) -> str:
            return f"/{prefix}/users/{row['id']}/"

    class Pages(LimitOffsetPagination):
        class Input(LimitOffsetPagination.Input):
            limit: int = Field(PAGE, ge=1, le=MAX_PAGE)

    @api.get("/users/", response=list[UserOut])
    @paginate(Pages)
    def list_users(request: Any) -> Any:
        return User.objects.order_by("id").values("id", "first_name", "last_name", "address_id")

    @api.get("/users/{pk}/", response={200: UserOut, 404: dict})
    def get_user(request: Any, pk: int) -> Any:
        row = User.objects.filter(pk=pk).values("id", "first_name", "last_name", "address_id").first()
        return (404, {"error": "Not found."}) if row is None else row

    @api.post("/users/", response={201: UserOut, 400: dict})
    def create_user(request: Any, payload: UserIn, response: HttpResponse) -> Any:
        try:
            address = address_pk(payload.address)
        except ValueError:
            return 400, {"error": "address does not validate"}
        with transaction.atomic():
            if User.objects.filter(first_name=payload.first_name, last_name=payload.last_name).exists():
                return 400, {"error": "first_name,last_name must be unique together"}
            if address is not None and not Address.objects.filter(pk=address).exists():
                return 400, {"error": "address does not validate"}
            user = User.objects.create(first_name=payload.first_name, last_name=payload.last_name, address_id=address)
        response["Location"] = f"/{prefix}/users/{user.pk}/"
        return 201, {"id": user.pk, "first_name": user.first_name, "last_name": user.last_name, "address_id": address}

    return [path(f"{prefix}/", api.urls)]

