"""django-restframework-lite: REST endpoints for Django, configured by three dicts.

The documentation (``docs/``) has the tutorial, the how-to guides and the
reference; the public names live in the submodules (``controllers``,
``datastore``, ``models``, ``urls``, ``views``, ``test`` ...).

``__version__`` is the one place the version is written: ``setup.py`` reads it
from this file without importing the package (nor Django).
"""

__version__ = "0.2.0.dev0"
