from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="django-restframework-lite",
    version="0.1.0",
    description="REST endpoints for Django, each configured by three dicts: ressource, controller and view.",
    long_description=Path(__file__).with_name("README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="BSD-3-Clause",
    packages=find_packages(include=["django_restframework_lite", "django_restframework_lite.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=["Django>=5.2,<5.3"],
    extras_require={
        "postgres": ["psycopg[binary]>=3.1"],
        "redis": ["redis>=5"],
        # CI runs schemathesis over every mount of the demo and fails on any 5xx: .ci/fuzz_demo.py.
        "fuzz": ["schemathesis>=4.0"],
        "test": [
            "pytest>=8",
            "pytest-django>=4.8",
            "psycopg[binary]>=3.1",
            "redis>=5",
            "gunicorn>=22",
            "openapi-spec-validator>=0.7",
            "playwright>=1.40",
            "ruff>=0.6",
            "import-linter>=2.1",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
    ],
)
