"""Shapes of the part-request API: one output, one input for a buyer's writes, one for closing.

Output (``PartRequestSerializer``). Requirements are given by vocabulary codes, the product group
and the delivery province by code, organisations as ``{"id", "name"}``. Three keys are the
buyer's and staff's only: ``documents``, ``eligible_count`` and ``matches_computed_at`` are always
present, and ``null`` when the caller may not see them (a supplier), as in the supplier API:
``null`` is "hidden", an empty list or 0 is "none".

Input (``PartRequestInputSerializer``): the fields a buyer's member sets, with codes for the
requirements (``"required_processes": ["stamping", "mig-mag-welding"]``). Unknown codes are a 400
naming the field. Any other key, including ``buyer``, ``status``, ``created_by``, ``awarded_to``
and ``published_at``, is rejected with a 400 naming it: ignoring it silently would let a caller
believe it had been set. The buyer is the caller's organisation; the status changes only through
``publish`` and ``close``.
"""

from collections.abc import Mapping
from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from matching import explain, services
from matching.models import MatchScore, PartRequest
from portal.models import Organisation, ProductGroup, Province, Term

EDITABLE_FIELDS = services.REQUEST_EDITABLE_FIELDS
UNKNOWN_CODE = {"does_not_exist": _("Unknown code “{value}”.")}


def _codes(queryset=None, **kwargs):
    if queryset is None:
        return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)
    return serializers.SlugRelatedField(
        slug_field="code", queryset=queryset, error_messages=UNKNOWN_CODE, **kwargs
    )


def refuse_unknown_fields(serializer, data) -> None:
    """A 400 naming every key the serializer does not take (read-only ones included)."""
    refused = sorted(set(data) - set(serializer.fields)) if isinstance(data, Mapping) else []
    if refused:
        message = serializer.error_messages["not_settable"]
        raise serializers.ValidationError({name: [message] for name in refused})


class StrictInputSerializer(serializers.Serializer):
    """An endpoint's input that refuses (400) any key it does not take, rather than ignore it."""

    default_error_messages = {"not_settable": _("This field cannot be set here.")}

    def to_internal_value(self, data):
        refuse_unknown_fields(self, data)
        return super().to_internal_value(data)


# --- Output -----------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class PartRequestSerializer(serializers.ModelSerializer):
    """A request as the API shows it. Reads only what ``selectors.request_list`` loads.

    The context carries ``is_member`` (a request → bool callable made once per call by the view:
    may the caller see the buyer's side?) and the ``request``.
    """

    buyer = OrganisationRefSerializer(read_only=True)
    awarded_to = OrganisationRefSerializer(read_only=True, allow_null=True)
    product_group = _codes(allow_null=True)
    required_processes = _codes(many=True)
    optional_processes = _codes(many=True)
    materials = _codes(many=True)
    required_certifications = _codes(many=True)
    delivery_province = _codes()
    documents = serializers.SerializerMethodField()
    eligible_count = serializers.SerializerMethodField()
    matches_computed_at = serializers.SerializerMethodField()

    class Meta:
        model = PartRequest
        fields = [
            "id",
            "buyer",
            *EDITABLE_FIELDS,
            "status",
            "published_at",
            "closed_at",
            "awarded_to",
            "matches_computed_at",
            "eligible_count",
            "documents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _buyer_side(self, part_request) -> bool:
        return self.context["is_member"](part_request)

    def get_documents(self, part_request) -> list[dict] | None:
        if not self._buyer_side(part_request):
            return None
        request = self.context["request"]
        return [
            {
                "id": document.pk,
                "title": document.title,
                "original_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "uploaded_at": serializers.DateTimeField().to_representation(document.uploaded_at),
                "url": request.build_absolute_uri(
                    reverse("matching:document_download", args=[part_request.pk, document.pk])
                ),
            }
            for document in part_request.documents.all()
        ]

    def get_eligible_count(self, part_request) -> int | None:
        return part_request.eligible_count if self._buyer_side(part_request) else None

    def get_matches_computed_at(self, part_request) -> str | None:
        if not self._buyer_side(part_request) or part_request.matches_computed_at is None:
            return None
        return serializers.DateTimeField().to_representation(part_request.matches_computed_at)


class MatchScoreSerializer(serializers.ModelSerializer):
    """One ranked supplier: the total, each criterion with its weight, and the gaps in words.

    The context carries ``names`` (``explain.term_names`` for the whole page, one query).
    """

    supplier = serializers.SerializerMethodField()
    breakdown = serializers.SerializerMethodField()
    gaps = serializers.SerializerMethodField()

    class Meta:
        model = MatchScore
        fields = ["supplier", "total", "eligible", "breakdown", "gaps", "computed_at"]
        read_only_fields = fields

    def get_supplier(self, score) -> dict:
        organisation = score.supplier.organisation
        return {
            "id": score.supplier_id,
            "organisation": {"id": organisation.pk, "name": organisation.name},
            "province": organisation.province.code if organisation.province else None,
        }

    def get_breakdown(self, score) -> list[dict]:
        return [asdict(reason) for reason in explain.reasons(score.breakdown)]

    def get_gaps(self, score) -> list[dict]:
        lines = explain.gap_lines(score.gaps, self.context["names"])
        return [
            {"code": code, "detail": detail, "hard": hard, "text": text}
            for (code, detail), (hard, text) in zip(score.gaps, lines, strict=True)
        ]


# --- Input ------------------------------------------------------------------------------------


class PartRequestInputSerializer(serializers.ModelSerializer):
    """A buyer member's create (POST) or partial update (PATCH). Validates and converts only;
    ``services.part_request_submit`` makes the change (and checks the same rules again)."""

    default_error_messages = {"not_settable": _("This field cannot be set here.")}

    product_group = _codes(ProductGroup.objects.all(), required=False, allow_null=True)
    required_processes = _codes(Term.objects.processes(), many=True, required=False)
    optional_processes = _codes(Term.objects.processes(), many=True, required=False)
    materials = _codes(Term.objects.materials(), many=True, required=False)
    required_certifications = _codes(Term.objects.certifications(), many=True, required=False)
    delivery_province = _codes(Province.objects.all())
    annual_volume = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    tolerance_mm = serializers.DecimalField(
        max_digits=8, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    part_weight_kg = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = PartRequest
        fields = list(EDITABLE_FIELDS)

    def to_internal_value(self, data):
        refuse_unknown_fields(self, data)
        return super().to_internal_value(data)

    def _current(self, attrs: dict, name: str):
        """The value after the change: the one sent, or (partial update) the stored one."""
        if name in attrs:
            return attrs[name]
        if self.instance is None:
            return [] if name in services.REQUEST_M2M else None
        value = getattr(self.instance, name)
        return list(value.all()) if name in services.REQUEST_M2M else value

    def validate(self, attrs):
        try:
            services.part_request_check(
                needed_by=self._current(attrs, "needed_by"),
                response_deadline=self._current(attrs, "response_deadline"),
                required_processes=self._current(attrs, "required_processes"),
                optional_processes=self._current(attrs, "optional_processes"),
                previous_needed_by=self.instance.needed_by if self.instance else None,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return attrs


class CloseInputSerializer(StrictInputSerializer):
    """``POST …/close/``: without ``awarded_to`` the request is closed; with it, awarded."""

    awarded_to = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_supplier=True), required=False, allow_null=True
    )


class PublishInputSerializer(StrictInputSerializer):
    """``POST …/publish/`` takes nothing: any key sent is refused."""
