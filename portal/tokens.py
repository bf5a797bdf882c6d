"""Personal API tokens: made, listed and revoked by their owner, ended with the account's access.

A token (django-rest-knox, model ``ApiToken``) is for one client program: a firm's ERP sync, a
buyer's spreadsheet macro. It is shown once when made, stored only as a digest, and always
expires. Every token of a user ends when that user signs out of the portal, is deactivated or
changes password (by any path: the account page, a reset, the admin), as the session does:
whoever loses the browser session must not keep a way in through the API. A long-running
integration therefore belongs to its own account that does not sign in on the web.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication

from portal.models import ApiToken
from portal.security import log_event

LIFETIME_DAYS = (30, 90, 365)
# The time of last use is written at most this often, so a busy client does not write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)
TOO_MANY = _("You have %(limit)d active API tokens, the most allowed. Revoke one first.")


class ApiTokenAuthentication(TokenAuthentication):
    """Knox's token check, keeping the time of last use for the owner's token page."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return user, token


class ApiTokenScheme(KnoxTokenScheme):
    """Describes the token header in the OpenAPI schema (drf-spectacular finds it by class)."""

    target_class = "portal.tokens.ApiTokenAuthentication"


def active_tokens(user):
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())


def create_token(user, *, name: str, days: int, request=None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself (never stored)."""
    limit = settings.API_TOKEN_LIMIT_PER_USER
    if active_tokens(user).count() >= limit:
        raise ValidationError(TOO_MANY, code="token_limit", params={"limit": limit})
    token, secret = ApiToken.objects.create(user=user, expiry=timedelta(days=days), name=name)
    log_event("api-token-created", request, user=user, token=token.token_key)
    return token, secret


def revoke_token(user, token_key: str, request=None) -> bool:
    """Revoke one of ``user``'s tokens; False if it has none by that key."""
    deleted, _rows = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    if deleted:
        log_event("api-token-revoked", request, user=user, token=token_key)
    return bool(deleted)


def revoke_all_tokens(user, *, reason: str, request=None) -> int:
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if deleted:
        log_event("api-tokens-ended", request, user=user, reason=reason, count=deleted)
    return deleted


@receiver(user_logged_out, dispatch_uid="portal_tokens_end_at_sign_out")
def end_tokens_at_sign_out(sender, request, user, **kwargs):
    if user is not None:
        revoke_all_tokens(user, reason="sign-out", request=request)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="portal_tokens_end_on_credentials")
def end_tokens_when_access_changes(sender, instance, update_fields=None, **kwargs):
    """A new password or a deactivation ends every token, whichever code saved the user."""
    other_fields_only = update_fields is not None and not {"password", "is_active"} & set(update_fields)
    if instance.pk is None or other_fields_only:
        return  # a new user, or a save of other fields (the last sign-in time)
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password:
        revoke_all_tokens(instance, reason="password-changed")
    elif before["is_active"] and not instance.is_active:
        revoke_all_tokens(instance, reason="deactivated")
