"""Shapes of the supplier API: one output representation, one input for a firm's own edits.

Output (``SupplierProfileSerializer``) — private parts. ``contacts`` (an object with name, e-mail
and phone) and ``main_customers`` (a list) are always present as keys. Their value is ``null``
when the caller may not see them: the firm marked them private (``contacts_private``,
``customers_private``) and the caller is neither one of its members nor staff
(``suppliers.permissions.can_view_private``). Callers never have to guess whether a missing key
means "hidden" or "none": ``null`` is hidden, an empty object/list is "none given".

Input (``SupplierProfileUpdateSerializer``) — only the fields in
``suppliers.services.PROFILE_MEMBER_EDITABLE``. Any other key in the body, including
``verification_status``, ``organisation``, ``tax_code`` and ``id``, is rejected with 400 naming
it: ignoring it silently would let a caller believe a change was made.
"""

from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.models import Organisation, Sector, Term
from suppliers.models import Certificate, ClusterMember, ProcessCapability, Product, SupplierProfile
from suppliers.permissions import can_view_private
from suppliers.services import PROFILE_MEMBER_EDITABLE


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LinesField(serializers.ListField):
    """A text field stored one item per line, exchanged as a list of strings."""

    child = serializers.CharField(max_length=255)

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        return "\n".join(line for item in items for line in _lines(item))

    def to_representation(self, value):
        return _lines(value)


def _codes(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", many=True, **kwargs)


# --- Output -----------------------------------------------------------------------------------


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()  # in the active language (Accept-Language for the API)


class OrganisationSerializer(serializers.ModelSerializer):
    province = ProvinceSerializer(allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "name_en", "tax_code", "province"]


class ProcessCapabilitySerializer(serializers.ModelSerializer):
    process = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name_vi = serializers.CharField(source="process.name_vi")
    name_en = serializers.CharField(source="process.name_en")

    class Meta:
        model = ProcessCapability
        fields = [
            "process",
            "name_vi",
            "name_en",
            "monthly_capacity",
            "capacity_unit",
            "best_tolerance_mm",
            "max_part_size_mm",
            "max_part_weight_kg",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    standard = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["standard", "number", "issuing_body", "issued_on", "expires_on", "is_valid_today"]

    def get_is_valid_today(self, certificate) -> bool:
        return certificate.is_valid_on(timezone.localdate())


class ProductSerializer(serializers.ModelSerializer):
    product_group = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Product
        fields = ["name", "name_en", "product_group"]


class ClusterMembershipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="cluster_id")
    name = serializers.CharField(source="cluster.name")
    name_en = serializers.CharField(source="cluster.name_en")

    class Meta:
        model = ClusterMember
        fields = ["id", "name", "name_en", "role", "status"]


class SupplierProfileSerializer(serializers.ModelSerializer):
    """A firm as the API shows it. Reads only what ``selectors.profile_list`` prefetches.

    The serializer context may carry ``may_view_private`` (a profile → bool callable computed once
    per request by the view); without it each profile is checked with ``can_view_private``.
    """

    organisation = OrganisationSerializer()
    trading_names = LinesField()
    sectors = _codes(read_only=True)
    materials = _codes(read_only=True)
    practices = _codes(read_only=True)
    processes = ProcessCapabilitySerializer(many=True)
    certificates = CertificateSerializer(many=True)
    products = ProductSerializer(many=True)
    clusters = ClusterMembershipSerializer(many=True, source="organisation.clusters.all")
    contacts = serializers.SerializerMethodField()
    main_customers = serializers.SerializerMethodField()
    # Declared so that the schema says "" (not given yet) is a possible value.
    legal_form = serializers.ChoiceField(SupplierProfile.LegalForm.choices, allow_blank=True, read_only=True)
    employees_band = serializers.ChoiceField(
        SupplierProfile.EmployeesBand.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = SupplierProfile
        fields = [
            "id",
            "organisation",
            "trading_names",
            "verification_status",
            "legal_form",
            "ownership",
            "employees_band",
            "founded_year",
            "commune",
            "street",
            "sectors",
            "processes",
            "materials",
            "practices",
            "certificates",
            "products",
            "clusters",
            "description",
            "description_en",
            "export_markets",
            "spare_capacity_percent",
            "spare_capacity_as_of",
            "contacts",
            "main_customers",
            "updated_at",
        ]
        read_only_fields = fields

    def _may_view_private(self, profile) -> bool:
        rule = self.context.get("may_view_private")
        if rule is not None:
            return rule(profile)
        return can_view_private(self.context["request"].user, profile)

    def get_contacts(self, profile) -> dict | None:
        if profile.contacts_private and not self._may_view_private(profile):
            return None
        return {"name": profile.contact_name, "email": profile.contact_email, "phone": profile.contact_phone}

    def get_main_customers(self, profile) -> list[str] | None:
        if profile.customers_private and not self._may_view_private(profile):
            return None
        return _lines(profile.main_customers)


# --- Input ------------------------------------------------------------------------------------


class SupplierProfileUpdateSerializer(serializers.ModelSerializer):
    """A member's partial update of the firm's own profile (PATCH /api/v1/suppliers/me/).

    Validates and converts only; ``services.profile_api_update`` makes the change.
    """

    default_error_messages = {"not_editable": _("This field cannot be changed here.")}

    trading_names = LinesField(required=False)
    main_customers = LinesField(required=False)
    founded_year = serializers.IntegerField(min_value=1900, required=False, allow_null=True)
    spare_capacity_percent = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    sectors = _codes(queryset=Sector.objects.all(), required=False)
    materials = _codes(queryset=Term.objects.materials(), required=False)

    class Meta:
        model = SupplierProfile
        fields = list(PROFILE_MEMBER_EDITABLE)

    def to_internal_value(self, data):
        refused = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        if refused:
            message = self.error_messages["not_editable"]
            raise serializers.ValidationError({name: [message] for name in refused})
        return super().to_internal_value(data)

    def validate_founded_year(self, year):
        if year is not None and year > timezone.localdate().year:
            raise serializers.ValidationError(_("The year founded cannot be in the future."))
        return year

    def validate_spare_capacity_as_of(self, day):
        if day is not None and day > timezone.localdate():
            raise serializers.ValidationError(_("This date cannot be in the future."))
        return day
