"""Signals portal sends for apps built on it (portal imports none of them)."""

from django.dispatch import Signal

# Staff changed an organisation in the admin (its names, province…). Sent with organisation_id=<int>.
# Services that edit organisations rebuild what depends on them themselves.
organisation_edited = Signal()
