"""Installer for the collective.nrlabel package."""

from pathlib import Path
from setuptools import find_namespace_packages
from setuptools import setup


# README and changelog are both reStructuredText: towncrier writes CHANGES.rst
# (see pyproject.toml), so the long description is one reST document.
long_description = "\n\n".join(
    Path(name).read_text(encoding="utf-8") for name in ("README.rst", "CHANGES.rst")
)


setup(
    name="collective.nrlabel",
    version="1.0.0a1.dev0",
    description=(
        "Prepare, earn and keep the French Label Numérique Responsable (Label NR) "
        "inside a Plone intranet: referential, evidence, reviews, audits."
    ),
    long_description=long_description,
    long_description_content_type="text/x-rst",
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Environment :: Web Environment",
        "Framework :: Plone",
        "Framework :: Plone :: 6.2",
        "Framework :: Plone :: Addon",
        "Natural Language :: English",
        "Natural Language :: French",
        "Operating System :: OS Independent",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ],
    keywords="Python Plone CMS Numérique Responsable Label NR compliance audit",
    author="collective.nrlabel developers",
    url="https://github.com/collective/collective.nrlabel",
    project_urls={
        "Source": "https://github.com/collective/collective.nrlabel",
        "Issues": "https://github.com/collective/collective.nrlabel/issues",
        "Changelog": (
            "https://github.com/collective/collective.nrlabel/blob/main/CHANGES.rst"
        ),
    },
    license_expression="GPL-2.0-only",
    # src/collective/ has no __init__.py: a native (PEP 420) namespace package.
    packages=find_namespace_packages("src", include=["collective.*"]),
    package_dir={"": "src"},
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=[
        "Products.CMFPlone>=6.2",
        "plone.api",
        "plone.restapi",
        "plone.app.discussion",
        "plone.classicui",
        "plone.app.dexterity",
        "plone.app.relationfield",
        "plone.app.versioningbehavior",
        "plone.namedfile",
        "openpyxl",
        "PyYAML",
    ],
    extras_require={
        "test": [
            "plone.app.testing",
            "plone.testing",
            "plone.restapi[test]",
            "pytest",
            "pytest-cov",
            "pytest-plone",
            "requests",
            "zope.testbrowser",
            "playwright",
            # The migration round-trip test (tests/intranet/test_exportimport.py).
            "collective.exportimport",
        ],
        # Moving programmes to a new site with collective.exportimport: the add-on's
        # hooks (collective.nrlabel.migration) load only when it is installed.
        "migration": [
            "collective.exportimport",
        ],
        # More than one Zope process on shared data (docs/install.md, "Production"):
        # a ZEO server and clients, or RelStorage on PostgreSQL.
        "zeo": [
            "ZEO",
        ],
        "relstorage": [
            "RelStorage",
            "psycopg2-binary",
        ],
        "lint": [
            "ruff",
            "zpretty",
            "i18ndude",
        ],
    },
    entry_points="""
    [z3c.autoinclude.plugin]
    target = plone

    [console_scripts]
    nrlabel = collective.nrlabel.commands:main
    """,
)
