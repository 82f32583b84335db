"""Upgrade steps, one module per profile version (e.g. ``v1001.py``)."""
