"""Packaging metadata. The version is read from ``django_restframework_lite/__init__.py`` (one source).

The file is parsed, not imported: importing the package would need Django,
which may not be installed yet when pip builds the wheel.
"""

import ast
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
REPOSITORY = "https://github.com/django-restframework-lite/django-restframework-lite"
DOCUMENTATION = "https://django-restframework-lite.readthedocs.io/"


def read_version() -> str:
    """Return the ``__version__`` string assigned in the package's ``__init__.py``."""
    tree = ast.parse((HERE / "django_restframework_lite" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__version__" for target in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError("django_restframework_lite/__init__.py assigns no __version__")


setup(
    name="django-restframework-lite",
    version=read_version(),
    description="REST endpoints for Django, each configured by three dicts: ressource, controller and view.",
    long_description=(HERE / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="BSD-3-Clause",
    license_files=["LICENSE"],
    project_urls={
        "Documentation": DOCUMENTATION,
        "Changelog": f"{DOCUMENTATION}en/latest/changelog.html",
        "Source": REPOSITORY,
        "Issues": f"{REPOSITORY}/issues",
    },
    packages=find_packages(include=["django_restframework_lite", "django_restframework_lite.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    # A lower bound only: a project's own Django (5.2 LTS, 6.0, 6.1 ...) is never replaced.
    install_requires=["Django>=5.2"],
    extras_require={
        "postgres": ["psycopg[binary]>=3.1"],
        # The demo (testproject) serves a model with an ImageField, which Django reads with Pillow.
        "demo": ["Pillow>=10"],
        "redis": ["redis>=5"],
        # Answers encoded by orjson: the same bytes as without it, faster (django_restframework_lite/jsonencoding.py).
        "fast": ["orjson>=3.9"],
        # bench/run.py measures DRF and django-ninja beside the library when they are installed.
        "bench": ["orjson>=3.9", "djangorestframework>=3.15", "django-ninja>=1.3", "psycopg[binary]>=3.1"],
        # CI runs schemathesis over every mount of the demo and fails on any 5xx: .ci/fuzz_demo.py.
        "fuzz": ["schemathesis>=4.0"],
        "test": [
            "pytest>=8",
            "pytest-django>=4.8",
            "psycopg[binary]>=3.1",
            "redis>=5",
            "gunicorn>=22",
            "openapi-spec-validator>=0.7",
            "Pillow>=10",  # Django's ImageField, in the every-field-type tests
            "playwright>=1.40",
            "ruff>=0.6",
            "import-linter>=2.1",
            "werkzeug>=3",
            # tests/test_typing.py: what mypy and pyright say about a user's code
            "mypy>=1.10",
            "django-stubs>=5.1",
            "pyright>=1.1.380",
        ],
        "docs": [
            "sphinx>=7.2",
            "furo>=2024.1",
        ],
    },
    entry_points={
        # ``reset_ratelimits()`` before each test, for every project that installs the package
        # with pytest-django; ``-p no:drfl`` turns it off.
        "pytest11": ["drfl = django_restframework_lite.test"],
    },
    classifiers=[
        "Development Status :: 4 - Beta",
        "Environment :: Web Environment",
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Framework :: Django :: 6.1",
        "Intended Audience :: Developers",
        "Operating System :: OS Independent",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Internet :: WWW/HTTP",
        "Topic :: Internet :: WWW/HTTP :: Dynamic Content",
        "Typing :: Typed",
    ],
)
