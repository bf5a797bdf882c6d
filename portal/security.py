"""Sign-in protection, session limits and the security log.

* **Failed sign-ins** are counted by django-axes on the pair (e-mail, IP address): five failures
  lock that pair for ``AXES_COOLOFF_TIME``. An attacker elsewhere cannot lock a real user out (the
  user's own IP is another pair), and the lock lifts by itself. ``axes_username`` tells axes who
  was meant, whichever form was used (allauth's "login" field, the admin's "username").
* **Sessions** end after ``SESSION_IDLE_SECONDS`` without a request and, however active, after
  ``SESSION_ABSOLUTE_SECONDS`` from sign-in (``SessionLimitsMiddleware``); Django gives a new
  session key at every sign-in, and a password change or a deactivated account ends the others.
* **Two-factor sign-in** (allauth's authenticator app and recovery codes) is offered to everyone
  and required of Sở Công Thương staff and firm administrators (``MfaRequiredMiddleware``): until
  they have set one up, every page sends them to the set-up. A password reset signs nobody in,
  so the next sign-in still asks for the code; activating or removing it, like changing the
  e-mail address, asks for the password again (allauth's reauthentication).
* **The security log** (logger ``portal.security``, one JSON object per line): every sign-in,
  failed sign-in, sign-out, lock-out, expired session and refused access (401/403/429), with who
  (user id, the e-mail typed), what, where from (IP) and when (UTC). Never a password or a token:
  only the login name is taken from the credentials.
"""

import logging
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop

from portal.models import Membership
from portal.roles import is_staff_member

logger = logging.getLogger("portal.security")

SIGNED_IN_AT = "security_signed_in_at"
LAST_SEEN = "security_last_seen"
# The last-seen time is written at most this often, so an active user does not save the session
# on every request; the idle limit is therefore exact to within this many seconds.
LAST_SEEN_RESOLUTION = 60
REFUSED = {401, 403, 429}


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def axes_username(request, credentials) -> str:
    """The account a sign-in attempt was for, in lower case (so "An@X.vn" is no new pair)."""
    credentials = credentials or {}
    post = getattr(request, "POST", {}) if request is not None else {}
    login = (
        credentials.get("email")
        or credentials.get("username")
        or post.get("login")
        or post.get("username")
        or ""
    )
    return str(login).strip().lower()


def log_event(event: str, request=None, user=None, **fields) -> None:
    """One security event; the formatter adds the time (UTC)."""
    who = user if user is not None else getattr(request, "user", None)
    details = {
        "event": event,
        "user_id": who.pk if who is not None and who.is_authenticated else None,
        "ip": client_ip(request),
        **fields,
    }
    logger.info(event, extra={"security": details})


@receiver(user_logged_in, dispatch_uid="portal_security_signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        # Decided once here, so that requests within MFA_RECHECK_SECONDS cost no query.
        if not mfa_required(user) or has_authenticator_app(user):
            request.session[MFA_OK_UNTIL] = now + MFA_RECHECK_SECONDS
    log_event("sign-in", request, user=user)


@receiver(user_login_failed, dispatch_uid="portal_security_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    log_event("sign-in-failed", request, login=axes_username(request, credentials))


@receiver(user_logged_out, dispatch_uid="portal_security_signed_out")
def signed_out(sender, request, user, **kwargs):
    log_event("sign-out", request, user=user)


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What a locked-out pair gets (``AXES_LOCKOUT_CALLABLE``): the translated page, HTTP 429."""
    log_event("locked-out", request, login=axes_username(request, credentials))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "account/locked_out.html", {"minutes": minutes}, status=429)


class SessionLimitsMiddleware:
    """Ends a signed-in session that has been idle too long or has lived too long.

    After ``AuthenticationMiddleware``. A page request is sent to sign in again (and comes back
    after); an API request simply continues as anonymous, which the API refuses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                log_event("session-expired", request, reason=expired)
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str | None:
        now = int(time.time())
        session = request.session
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
            return "absolute"
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            return "idle"
        if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return None


class RefusedAccessLogMiddleware:
    """Logs every refused request (401, 403, 429): who asked for what."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            log_event(
                "access-refused",
                request,
                method=request.method,
                path=request.path,
                status=response.status_code,
            )
        return response


# --- Two-factor sign-in: required for Sở Công Thương staff and firm administrators -------------

MFA_OK_UNTIL = "security_mfa_ok_until"
# How long a passed check is trusted in the session before it is made again (a role just given,
# or an authenticator just removed in another session, is seen within this time).
MFA_RECHECK_SECONDS = 300
# Where a user who still has to set up a second factor may go: the account pages (including the
# set-up itself and sign-out), static files, the language switch and the health check.
MFA_SETUP_PATHS = ("/accounts/", "/static/", "/i18n/", "/health/")
MFA_SETUP_MESSAGE = gettext_noop(
    "Sở Công Thương staff and firm administrators sign in with a second factor: "
    "activate an authenticator app to continue."
)


def mfa_required(user) -> bool:
    """Staff, superusers and administrators of a firm must sign in with a second factor."""
    return is_staff_member(user) or user.memberships.filter(role=Membership.Role.ADMIN).exists()


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MfaRequiredMiddleware:
    """Sends staff and firm administrators without an authenticator app to set one up.

    Pages redirect to the set-up page; the API answers 403 with a message. The set-up, like every
    change of sign-in security, asks for the password again first (allauth's reauthentication).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            log_event("mfa-setup-required", request, path=request.path)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": gettext(MFA_SETUP_MESSAGE)}, status=403)
            messages.warning(request, gettext(MFA_SETUP_MESSAGE))
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(MFA_SETUP_PATHS):
            return False
        now = int(time.time())
        if request.session.get(MFA_OK_UNTIL, 0) > now:
            return False
        if mfa_required(user) and not has_authenticator_app(user):
            return True
        request.session[MFA_OK_UNTIL] = now + MFA_RECHECK_SECONDS
        return False


@receiver(authenticator_removed, dispatch_uid="portal_security_mfa_removed")
def authenticator_gone(sender, request, user, authenticator, **kwargs):
    """Check again at once whether this user may go on without a second factor."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_OK_UNTIL, None)
    log_event("mfa-removed", request, user=user, kind=authenticator.type)
