"""The supplier API: ``/api/v1/suppliers/`` (list, detail) and ``/api/v1/suppliers/me/``.

Who sees what (a personal API token or the browser's session; anonymous callers get 401):
- members of buyer organisations and staff: every firm, list and detail;
- anyone else (a supplier's people): only their own firm; another firm's detail is 404;
- ``me``: the caller's own firm (404 when they have none). GET shows it, PATCH lets any member
  (admin or member) change the fields of ``services.PROFILE_MEMBER_EDITABLE``.
There is deliberately no write endpoint for another firm: staff verify in the admin.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from portal.roles import is_staff_member, organisations_of
from suppliers import selectors, services
from suppliers.filters import SupplierProfileFilter
from suppliers.models import SupplierProfile
from suppliers.permissions import can_edit_profile
from suppliers.serializers import SupplierProfileSerializer, SupplierProfileUpdateSerializer


def private_viewer(user) -> Callable[[SupplierProfile], bool]:
    """``permissions.can_view_private`` for a whole page of firms.

    Same rule (the firm's own members and staff), but the two look-ups are made once per request
    instead of once per firm, so a page of 50 firms does not cost 100 queries.
    """
    if is_staff_member(user):
        return lambda profile: True
    own = set(organisations_of(user).values_list("pk", flat=True))
    return lambda profile: profile.organisation_id in own


class SupplierProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SupplierProfileSerializer
    filterset_class = SupplierProfileFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.profile_list(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["may_view_private"] = private_viewer(self.request.user)
        return context

    @extend_schema(methods=["PATCH"], request=SupplierProfileUpdateSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="me", filterset_class=None)
    def me(self, request):
        """The caller's own firm; PATCH changes it (unknown or read-only fields → 400)."""
        profile = selectors.profile_for_user(request.user)
        if profile is None:
            raise Http404
        if request.method == "PATCH":
            self._update(request, profile)
        return Response(self.get_serializer(self._fresh(profile)).data)

    def _update(self, request, profile: SupplierProfile) -> None:
        if not can_edit_profile(request.user, profile):
            raise PermissionDenied
        form = SupplierProfileUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        try:
            services.profile_api_update(profile=profile, data=form.validated_data, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error

    def _fresh(self, profile: SupplierProfile) -> SupplierProfile:
        """Reload with the list's prefetches, so ``me`` shows the same shape, saved values included."""
        return self.get_queryset().get(pk=profile.pk)
