"""The database unreachable (PostgreSQL restarting, a failover, the network): a clean 503.

While the database cannot be reached, a page answers the translated 503 page and the API a 503
``{"detail": …}``, both with ``Retry-After``: never Django's 500 page, never a stack trace. When
the database is back, requests succeed again without restarting the app: the persistent
connections (``CONN_MAX_AGE``) are checked before their first use in a request
(``conn_health_checks`` in portal/settings.py), and one that failed is closed at the end of its
request.

Two paths lead here:

* the view (or its template) fails: ``process_exception`` answers the 503 directly;
* a middleware below this one fails (the session or the signed-in user is loaded from the
  database, the session is saved on the way out): Django has already turned that exception into
  a 500 response by the time it reaches us, so ``got_request_exception`` notes that it was the
  database and ``__call__`` replaces the 500 by the 503.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _

from portal.middleware import language_for

logger = logging.getLogger("portal.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# A PostgreSQL restart or failover takes seconds; clients that honour Retry-After (programs,
# crawlers) come back after the usual case instead of hammering the portal meanwhile.
RETRY_AFTER_SECONDS = 30
TITLE = _("Temporarily unavailable")
MESSAGE = _("CNHT Connect cannot reach its database at the moment. Please try again in a minute.")
_FAILED = "_portal_database_unavailable"


@receiver(got_request_exception, dispatch_uid="portal_faults_database_unavailable")
def note_database_error(sender, request=None, **kwargs):
    """Sent while Django handles an uncaught exception, so ``sys.exc_info()`` is that exception."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, _FAILED, type(error).__name__)


class DatabaseUnavailableMiddleware:
    """Answers 503 instead of 500 while the database cannot be reached.

    Placed above SessionMiddleware (see MIDDLEWARE in portal/settings.py), so that failures in the
    session, authentication and security middleware below it become a 503 too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _FAILED, "")
        if error and response.status_code == 500:
            return unavailable(request, where="middleware", error=error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable(request, where="view", error=type(exception).__name__)
        return None


def unavailable(request, *, where: str, error: str) -> HttpResponse:
    """The 503 for ``request``. Touches nothing that needs the database: no ``request.user``,
    no session, no context processors (the page is rendered without the request)."""
    # One JSON line (portal.logs.JsonFormatter adds the fields under "security"); the error's
    # class only, never its text, which may name hosts and users.
    logger.warning(
        "database-unavailable",
        extra={
            "security": {
                "event": "database-unavailable",
                "method": request.method,
                "path": request.path,
                "where": where,
                "error": error,
            }
        },
    )
    with translation.override(language_for(request)):
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": str(MESSAGE)}, status=503)
        else:
            page = render_to_string("503.html", {"title": TITLE, "message": MESSAGE})
            response = HttpResponse(page, status=503)
        response.headers["Content-Language"] = translation.get_language()
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never cached by a proxy (it would outlive the outage); the language follows these headers.
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response
