"""Management commands of the app: ``drfl_openapi`` and ``drfl_endpoints``."""
