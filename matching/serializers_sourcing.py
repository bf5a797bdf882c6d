"""Shapes of the sourcing API: shortlist entries, invitations to quote, quotations and interests.

Output serializers read only what ``api_sourcing`` loads (select_related / prefetch_related).
Input serializers validate and convert; the services in ``matching.services`` make every change
and check their own rules again (a refusal there is a 400 naming the field, as here). Unknown
keys are a 400 naming them (``StrictInputSerializer``): ignoring one silently would let a caller
believe it had been set.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from matching.models import PartRequest, Quotation, QuoteInvitation, ShortlistEntry, SupplierInterest
from matching.serializers import StrictInputSerializer
from suppliers.models import SupplierProfile

UNKNOWN = {"does_not_exist": _("Unknown id “{pk_value}”."), "incorrect_type": _("Give a number.")}


def _supplier(profile: SupplierProfile) -> dict:
    return {"id": profile.pk, "name": profile.organisation.name}


def _request(part_request: PartRequest) -> dict:
    return {"id": part_request.pk, "title": part_request.title, "buyer": part_request.buyer.name}


# --- Output -----------------------------------------------------------------------------------


class QuotationSerializer(serializers.ModelSerializer):
    request = serializers.SerializerMethodField()
    supplier = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Quotation
        fields = [
            "id",
            "request",
            "supplier",
            "unit_price",
            "currency",
            "lead_time_days",
            "valid_until",
            "expired",
            "notes",
            "submitted_at",
            "buyer_answered_at",
            "documents",
        ]
        read_only_fields = fields

    def get_request(self, quotation) -> dict:
        return _request(quotation.invitation.request)

    def get_supplier(self, quotation) -> dict:
        return _supplier(quotation.invitation.supplier)

    def get_expired(self, quotation) -> bool:
        return quotation.is_expired()

    def get_documents(self, quotation) -> list[dict]:
        request = self.context["request"]
        part_request_id = quotation.invitation.request_id
        return [
            {
                "id": document.pk,
                "original_name": document.original_name,
                "size": document.size,
                "url": request.build_absolute_uri(
                    reverse("matching:quotation_document", args=[part_request_id, document.pk])
                ),
            }
            for document in quotation.documents.all()
        ]


class InvitationSerializer(serializers.ModelSerializer):
    request = serializers.SerializerMethodField()
    supplier = serializers.SerializerMethodField()
    quotation = serializers.SerializerMethodField()

    class Meta:
        model = QuoteInvitation
        fields = [
            "id",
            "request",
            "supplier",
            "message",
            "invited_at",
            "answer",
            "decline_reason",
            "answered_at",
            "read_at",
            "quotation",
        ]
        read_only_fields = fields

    def get_request(self, invitation) -> dict:
        return _request(invitation.request)

    def get_supplier(self, invitation) -> dict:
        return _supplier(invitation.supplier)

    def get_quotation(self, invitation) -> dict | None:
        quotation = getattr(invitation, "quotation", None)
        return QuotationSerializer(quotation, context=self.context).data if quotation else None


class ShortlistEntrySerializer(serializers.ModelSerializer):
    supplier = serializers.SerializerMethodField()

    class Meta:
        model = ShortlistEntry
        fields = [
            "id",
            "request",
            "supplier",
            "status",
            "note",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_supplier(self, entry) -> dict:
        return _supplier(entry.supplier)


class InterestSerializer(serializers.ModelSerializer):
    supplier = serializers.SerializerMethodField()

    class Meta:
        model = SupplierInterest
        fields = ["id", "request", "supplier", "note", "created_at"]
        read_only_fields = fields

    def get_supplier(self, interest) -> dict:
        return _supplier(interest.supplier)


# --- Input ------------------------------------------------------------------------------------


class ShortlistAddSerializer(StrictInputSerializer):
    request = serializers.PrimaryKeyRelatedField(queryset=PartRequest.objects.all(), error_messages=UNKNOWN)
    supplier = serializers.PrimaryKeyRelatedField(
        queryset=SupplierProfile.objects.select_related("organisation"), error_messages=UNKNOWN
    )


class ShortlistUpdateSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=ShortlistEntry.Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rejection_reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class InviteSerializer(StrictInputSerializer):
    request = serializers.PrimaryKeyRelatedField(queryset=PartRequest.objects.all(), error_messages=UNKNOWN)
    suppliers = serializers.PrimaryKeyRelatedField(
        queryset=SupplierProfile.objects.all(), many=True, allow_empty=False, error_messages=UNKNOWN
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AnswerSerializer(StrictInputSerializer):
    answer = serializers.ChoiceField(
        choices=[QuoteInvitation.Answer.INTERESTED.value, QuoteInvitation.Answer.DECLINED.value]
    )
    decline_reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class QuoteSerializer(StrictInputSerializer):
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=Quotation.Currency.choices)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=3650)
    valid_until = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class InterestInputSerializer(StrictInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
