"""django-restframework-lite: REST endpoints for Django, configured by three dicts.

See README.rst for the quickstart; the public names live in the submodules
(``controllers``, ``datastore``, ``models``, ``urls``, ``views`` ...).
"""

__version__ = "0.1.0"
