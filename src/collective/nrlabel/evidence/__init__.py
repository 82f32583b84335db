"""Evidence's rules and queries, shared by forms, the REST API, workflow guards,
views, exports and the audit pack (no view or request code here)."""
