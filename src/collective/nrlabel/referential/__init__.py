"""Referentials: the data (themes, principles, criteria) a programme is built from.

A referential is data, not code. ``model`` holds its shape and the rules a valid one
obeys, ``readers`` turn files (YAML, JSON, CSV, XLSX) into it, ``registry`` keeps the
referentials a site offers, ``seeding`` builds a programme's tree from one.
"""
