"""The sourcing API: shortlists, invitations to quote and quotations (``/api/v1/…``).

Endpoints (a personal API token or the browser's session; anonymous callers get 401), each with
its request and answer in the OpenAPI schema:
- ``/shortlist-entries/`` — the shortlists of the caller's organisation's requests (all of them for
  staff; nothing for anyone else). ``?request=<id>``. ``POST {"request", "supplier"}``
  adds a ranked or interested supplier; ``PATCH {"status", "note", "rejection_reason"}`` moves it
  along the pipeline; ``DELETE`` removes it.
- ``/invitations/`` — for a buyer's members, the invitations of their requests; for a supplier's
  people, those addressed to their firms (never another firm's). ``POST {"request", "suppliers":
  [profile ids], "message"?}`` invites shortlisted suppliers (201, the new invitations).
  ``POST /invitations/<id>/answer/ {"answer": "interested"|"declined", "decline_reason"}`` and
  ``POST /invitations/<id>/quote/ {"unit_price", "currency", "lead_time_days", "valid_until",
  "notes"?}`` are the invited firm's people's only (files go through the web form).
- ``/quotations/`` — read only: the quotations on the caller's requests, or sent by the caller's
  firms; each says whether it has ``expired``.

The rules are those of the web pages (``matching.permissions``): something the caller may not see
is a 404; something they see but may not change is a 403 (staff read everything, change nothing;
a buyer reads a supplier's answer but does not give it). Refusals of the services are a 400 with
the field's errors; a request of another buyer named in a POST is an unknown id, not a 403, so
nothing confirms it exists.
"""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from matching import permissions, services
from matching.models import PartRequest, Quotation, QuoteInvitation, ShortlistEntry
from matching.serializers_sourcing import (
    AnswerSerializer,
    InvitationSerializer,
    InviteSerializer,
    QuotationSerializer,
    QuoteSerializer,
    ShortlistAddSerializer,
    ShortlistEntrySerializer,
    ShortlistUpdateSerializer,
)
from portal.roles import is_staff_member, organisations_of
from suppliers.permissions import is_member_of

MAX_ID = 2**63 - 1  # a BigAutoField's largest value


def as_400(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


def buyer_side_requests(user):
    """The requests whose buyer side (shortlist, invitations, quotations) ``user`` may read."""
    if is_staff_member(user):
        return PartRequest.objects.all()
    return PartRequest.objects.filter(buyer__in=organisations_of(user))


def own_requests(user):
    """The requests ``user`` may act on as the buyer: their organisations' (never staff's)."""
    return PartRequest.objects.filter(buyer__in=permissions.buyer_organisations(user))


def _buyer_writes_only(user) -> None:
    if not permissions.buyer_organisations(user).exists():
        raise PermissionDenied(gettext("Only members of a buyer organisation can do this."))


class IdFilter(filters.NumberFilter):
    """An id: a whole number a primary key can hold, else a 400. NumberFilter alone passes any
    decimal on, and on SQLite one beyond 64 bits failed inside the query (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class RequestFilter(filters.FilterSet):
    request = IdFilter(field_name="request_id")


class ShortlistEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ShortlistEntrySerializer
    filterset_class = RequestFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        entries = ShortlistEntry.objects.filter(request__in=buyer_side_requests(self.request.user))
        return entries.select_related("supplier__organisation").order_by("request_id", "created_at", "pk")

    @extend_schema(request=ShortlistAddSerializer, responses={201: ShortlistEntrySerializer})
    def create(self, request):
        _buyer_writes_only(request.user)
        form = ShortlistAddSerializer(data=request.data)
        form.fields["request"].queryset = own_requests(request.user)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            entry = services.shortlist_add(
                request=data["request"], supplier=data["supplier"], by=request.user
            )
        except DjangoValidationError as error:
            raise as_400(error) from error
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShortlistUpdateSerializer, responses=ShortlistEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self._editable()
        form = ShortlistUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = {
            "status": entry.status,
            "note": entry.note,
            "rejection_reason": entry.rejection_reason,
            **form.validated_data,
        }
        try:
            services.shortlist_update(entry=entry, **values)
        except DjangoValidationError as error:
            raise as_400(error) from error
        return Response(self.get_serializer(entry).data)

    def perform_destroy(self, entry):
        self._check_edit(entry)
        services.shortlist_remove(entry=entry)

    def _editable(self) -> ShortlistEntry:
        entry = self.get_object()
        self._check_edit(entry)
        return entry

    def _check_edit(self, entry: ShortlistEntry) -> None:
        if not permissions.can_edit_request(self.request.user, entry.request):
            raise PermissionDenied


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationSerializer
    filterset_class = RequestFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        user = self.request.user
        rule = Q(request__in=buyer_side_requests(user)) | Q(supplier__organisation__in=organisations_of(user))
        return (
            QuoteInvitation.objects.filter(rule)
            .select_related("request__buyer", "supplier__organisation", "quotation")
            .prefetch_related("quotation__documents")
        )

    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer(many=True)})
    def create(self, request):
        _buyer_writes_only(request.user)
        form = InviteSerializer(data=request.data)
        form.fields["request"].queryset = own_requests(request.user)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            created = services.quote_invite(
                request=data["request"],
                suppliers=data["suppliers"],
                message=data.get("message", ""),
                by=request.user,
            )
        except DjangoValidationError as error:
            raise as_400(error) from error
        fresh = self.get_queryset().filter(pk__in=[invitation.pk for invitation in created])
        return Response(self.get_serializer(fresh, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def answer(self, request, pk=None):
        invitation = self._own_invitation()
        form = AnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            services.invitation_answer(
                invitation=invitation,
                answer=form.validated_data["answer"],
                reason=form.validated_data.get("decline_reason", ""),
            )
        except DjangoValidationError as error:
            raise as_400(error) from error
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=QuoteSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def quote(self, request, pk=None):
        invitation = self._own_invitation()
        form = QuoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = {"notes": "", **form.validated_data}
        try:
            services.quotation_submit(invitation=invitation, data=data, by=request.user)
        except DjangoValidationError as error:
            raise as_400(error) from error
        return Response(self.get_serializer(self.get_object()).data)

    def _own_invitation(self) -> QuoteInvitation:
        """404 if the caller may not see it; 403 if they see it but it is not addressed to their firm."""
        invitation = self.get_object()
        if not is_member_of(self.request.user, invitation.supplier.organisation):
            raise PermissionDenied
        return invitation


class QuotationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QuotationSerializer
    lookup_value_regex = r"\d+"

    class Filter(filters.FilterSet):
        request = IdFilter(field_name="invitation__request_id")

    filterset_class = Filter

    def get_queryset(self):
        user = self.request.user
        rule = Q(invitation__request__in=buyer_side_requests(user)) | Q(
            invitation__supplier__organisation__in=organisations_of(user)
        )
        return (
            Quotation.objects.filter(rule)
            .select_related("invitation__request__buyer", "invitation__supplier__organisation")
            .prefetch_related("documents")
            .order_by("-submitted_at", "-pk")
        )
