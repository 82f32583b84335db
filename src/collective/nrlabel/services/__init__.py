"""plone.restapi endpoints, one folder per service."""
