"""Installer for the collective.nrlabel package."""

from pathlib import Path
from setuptools import find_namespace_packages
from setuptools import setup


long_description = "\n\n".join(
    [
        Path("README.md").read_text(encoding="utf-8"),
        Path("CHANGES.rst").read_text(encoding="utf-8"),
    ]
)


setup(
    name="collective.nrlabel",
    version="1.0.0a1.dev0",
    description=(
        "Prepare, earn and keep the French Label Numérique Responsable (Label NR) "
        "inside a Plone intranet: referential, evidence, reviews, audits."
    ),
    long_description=long_description,
    long_description_content_type="text/markdown",
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Environment :: Web Environment",
        "Framework :: Plone",
        "Framework :: Plone :: 6.2",
        "Framework :: Plone :: Addon",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Operating System :: OS Independent",
        "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
        "Natural Language :: French",
        "Natural Language :: English",
    ],
    keywords="Python Plone CMS Numérique Responsable Label NR compliance audit",
    author="collective.nrlabel developers",
    url="https://github.com/collective/collective.nrlabel",
    license="GPL version 2",
    packages=find_namespace_packages("src", include=["collective.*"]),
    package_dir={"": "src"},
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=[
        "setuptools",
        "Products.CMFPlone>=6.2",
        "plone.api",
        "plone.restapi",
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
