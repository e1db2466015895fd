"""Writes to the action plans app, one module per subdomain."""
