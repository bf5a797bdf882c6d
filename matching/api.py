"""The part-request API: ``/api/v1/part-requests/``.

Endpoints (a personal API token or the browser's session; anonymous callers get 401). Each is
described with its request and answer in the OpenAPI schema (``@extend_schema``, /api/v1/docs/):
- ``GET /part-requests/`` — what the caller may see (``permissions.visible_requests``): their own
  organisation's requests for a buyer's members, the open "verified" requests for members of a
  verified supplier, everything for staff. Filters: ``status``, ``product_group``,
  ``delivery_province`` (see ``filters.py``). Paginated.
- ``POST /part-requests/`` — a buyer's member creates a draft for their organisation (403 for
  anyone else). ``PATCH /part-requests/<id>/`` changes a draft or open request.
- ``POST /part-requests/<id>/publish/`` (draft → open) and ``…/close/`` (open → closed, or
  awarded when the body names ``awarded_to``, a supplier organisation's id).
- ``GET /part-requests/<id>/matches/`` — the ranked suppliers with the total, eligibility, every
  criterion and the gaps in words (Accept-Language), ``computed_at`` and ``recompute_pending``:
  the buyer's members and staff only.
- ``POST /part-requests/<id>/interest/`` (``{"note"}``) and ``DELETE …/interest/`` — a supplier
  firm that sees the open request says it is interested, or withdraws; ``GET …/interests/`` lists
  them for the buyer's members and staff.
- Shortlists, invitations and quotations: see ``api_sourcing.py``.

A request the caller may not see is a 404, on every endpoint. One they may see but not change
(staff, suppliers) is a 403 on the writes and on ``matches``. Bad input is a 400 with the field's
errors; see ``serializers.py`` for the fields that are refused.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from matching import explain, permissions, selectors, services
from matching.filters import PartRequestFilter
from matching.models import PartRequest
from matching.serializers import (
    CloseInputSerializer,
    MatchScoreSerializer,
    PartRequestInputSerializer,
    PartRequestSerializer,
    PublishInputSerializer,
)
from matching.serializers_sourcing import InterestInputSerializer, InterestSerializer
from portal.roles import is_staff_member


def buyer_side_rule(user):
    """``can_view_matches`` (the buyer's members and staff) for a whole page, in one or two queries."""
    if is_staff_member(user):
        return lambda part_request: True
    return permissions.member_rule(user)


def _as_400(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


# The ranked suppliers of one request: a page of scores, with when they were computed.
MATCHES_PAGE = inline_serializer(
    name="MatchesPage",
    fields={
        "request": serializers.IntegerField(),
        "computed_at": serializers.DateTimeField(allow_null=True),
        "recompute_pending": serializers.BooleanField(),
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": MatchScoreSerializer(many=True),
    },
)


class PartRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PartRequestSerializer
    filterset_class = PartRequestFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.request_list(permissions.visible_requests(self.request.user))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_member"] = buyer_side_rule(self.request.user)
        return context

    # -- writes ----------------------------------------------------------------------------------

    @extend_schema(request=PartRequestInputSerializer, responses={201: PartRequestSerializer})
    def create(self, request):
        buyer = permissions.buyer_organisation_for(request.user)
        if buyer is None:
            raise PermissionDenied(gettext("Only members of a buyer organisation can post part requests."))
        form = PartRequestInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        part_request = self._submit(PartRequest(buyer=buyer), form.validated_data)
        return Response(self._output(part_request), status=status.HTTP_201_CREATED)

    @extend_schema(request=PartRequestInputSerializer, responses=PartRequestSerializer)
    def partial_update(self, request, pk=None):
        part_request = self._editable()
        form = PartRequestInputSerializer(part_request, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        self._submit(part_request, form.validated_data)
        return Response(self._output(part_request))

    @extend_schema(request=None, responses=PartRequestSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request, pk=None):
        part_request = self._editable()
        PublishInputSerializer(data=request.data).is_valid(raise_exception=True)
        try:
            services.part_request_publish(request=part_request)
        except ValueError as error:
            message = gettext("Only a draft can be published.")
            raise serializers.ValidationError({"status": [message]}) from error
        return Response(self._output(part_request))

    @extend_schema(request=CloseInputSerializer, responses=PartRequestSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        """Close the request, or award it when ``awarded_to`` (a supplier organisation id) is given."""
        part_request = self._editable()
        form = CloseInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        awarded_to = form.validated_data.get("awarded_to")
        try:
            if awarded_to is None:
                services.part_request_close(request=part_request)
            else:
                services.part_request_award(request=part_request, awarded_to=awarded_to)
        except ValueError as error:
            message = gettext("Only an open request can be closed or awarded.")
            raise serializers.ValidationError({"status": [message]}) from error
        except DjangoValidationError as error:
            raise _as_400(error) from error
        return Response(self._output(part_request))

    def _editable(self) -> PartRequest:
        """404 when the caller may not see the request (``get_object``), 403 when they may not change it."""
        part_request = self.get_object()
        if not permissions.can_edit_request(self.request.user, part_request):
            raise PermissionDenied
        return part_request

    def _submit(self, part_request: PartRequest, data: dict) -> PartRequest:
        values = dict(data)
        m2m = {name: values.pop(name) for name in services.REQUEST_M2M if name in values}
        for field, value in values.items():
            setattr(part_request, field, value)
        try:
            return services.part_request_submit(request=part_request, m2m=m2m, by=self.request.user)
        except DjangoValidationError as error:
            raise _as_400(error) from error

    def _output(self, part_request: PartRequest) -> dict:
        """Reload with the list's prefetches, so every answer has the same shape and fresh values."""
        fresh = selectors.request_list(PartRequest.objects.filter(pk=part_request.pk)).get()
        return self.get_serializer(fresh).data

    # -- interest: a supplier's "we are interested", the buyer's list of them ---------------------

    @extend_schema(methods=["POST"], request=InterestInputSerializer, responses={201: InterestSerializer})
    @extend_schema(
        methods=["DELETE"], request=None, responses={204: OpenApiResponse(description="Withdrawn.")}
    )
    @action(detail=True, methods=["post", "delete"], filterset_class=None)
    def interest(self, request, pk=None):
        """A supplier firm that sees the open request says it is interested (POST) or withdraws (DELETE)."""
        part_request = self.get_object()
        profile = permissions.answering_profile(request.user, part_request)
        if profile is None:
            raise PermissionDenied
        if request.method == "DELETE":
            services.interest_withdraw(request=part_request, supplier=profile)
            return Response(status=status.HTTP_204_NO_CONTENT)
        form = InterestInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            interest = services.interest_declare(
                request=part_request,
                supplier=profile,
                note=form.validated_data.get("note", ""),
                by=request.user,
            )
        except DjangoValidationError as error:
            raise _as_400(error) from error
        return Response(InterestSerializer(interest).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=InterestSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)  # a plain list
    def interests(self, request, pk=None):
        """The suppliers interested in the request: the buyer's members and staff only."""
        part_request = self.get_object()
        if not permissions.can_view_matches(request.user, part_request):
            raise PermissionDenied
        rows = selectors.request_interests(part_request)
        return Response(InterestSerializer(rows, many=True).data)

    # -- matches ---------------------------------------------------------------------------------

    @extend_schema(responses=MATCHES_PAGE)
    @action(detail=True, methods=["get"], filterset_class=None)
    def matches(self, request, pk=None):
        part_request = self.get_object()
        if not permissions.can_view_matches(request.user, part_request):
            raise PermissionDenied
        page = self.paginate_queryset(selectors.ranked_matches(part_request))
        names = explain.term_names([score.gaps for score in page])
        rows = MatchScoreSerializer(page, many=True, context={"names": names}).data
        paginated = self.get_paginated_response(rows).data
        return Response(
            {
                "request": part_request.pk,
                "computed_at": serializers.DateTimeField().to_representation(part_request.matches_computed_at)
                if part_request.matches_computed_at
                else None,
                "recompute_pending": services.pending_marks(request_id=part_request.pk),
                **paginated,
            }
        )
