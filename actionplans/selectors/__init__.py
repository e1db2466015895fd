"""Reads of the action plans app, one module per subdomain: plans (and their public page and
search), offers, imports, initiatives."""
