"""Event handlers, one module per kind of content; each calls the plain rule it
applies (``evidence.rules``, ``audit.freeze``, ``audit.access``…)."""
