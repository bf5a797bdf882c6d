"""The one signal suppliers send: a profile's capabilities changed.

``suppliers`` must not know about matching (matching imports suppliers, never the reverse), so
``services.profile_changed`` announces the change here and the matching app listens. It is sent
inside the saving transaction; receivers that enqueue work must do it with ``on_commit``.
"""

from django.dispatch import Signal

# Sent with profile_id=<int>.
capabilities_changed = Signal()
