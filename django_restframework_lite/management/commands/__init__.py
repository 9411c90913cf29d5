"""``manage.py drfl_openapi`` (write the OpenAPI document) and ``manage.py drfl_endpoints`` (list the endpoints)."""
