"""Filters of the supplier list API (``/api/v1/suppliers/?province=48&process=die-casting``).

Every filter that names a thing takes its code (a province code, a vocabulary term code, a sector
code) or, for clusters, its id, and may be repeated: repeated values match ANY of them
(``?province=48&province=79`` = in Đà Nẵng or Hồ Chí Minh). Different filters combine with AND.
Unknown codes, malformed dates and non-boolean flags are refused with 400 and the field's errors
(the DRF filter backend raises them), never ignored silently and never a 500.

``q`` searches names, products, processes, materials and descriptions (``suppliers.search``:
diacritics optional, legal-form words ignored, typos tolerated) and ranks by relevance; ``sort``
orders by ``relevance`` (the default), ``name`` or ``updated``; ``size`` is the employees band.

Each filter narrows by ``pk__in`` a subquery rather than joining the rows in, so a profile is
listed once however many of its rows match and the list needs no DISTINCT.
"""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from portal.models import Province, Sector, Term
from suppliers.models import Certificate, Cluster, ClusterMember, ProcessCapability, SupplierProfile

ISO_DATE = ["%Y-%m-%d"]


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); anything else is an error, not "no filter".

    django-filter's own boolean widget turns "maybe" into None and silently drops the filter,
    which would show a caller unfiltered results they did not ask for.
    """

    default_error_messages = {"invalid": _("Enter true or false.")}
    TRUE = {"true", "1", "yes", "on"}
    FALSE = {"false", "0", "no", "off"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.STR)
class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable, each value a record's code (or id): a string in the OpenAPI schema."""


def _codes(queryset, **kwargs):
    """A repeatable filter whose values are codes of records in ``queryset``."""
    return CodesFilter(queryset=queryset, to_field_name="code", **kwargs)


class SupplierProfileFilter(django_filters.FilterSet):
    province = _codes(Province.objects.all(), method="filter_province", label=_("province code"))
    process = _codes(Term.objects.processes(), method="filter_process", label=_("process code"))
    material = _codes(Term.objects.materials(), method="filter_material", label=_("material code"))
    certification = _codes(
        Term.objects.certifications(), method="filter_certification", label=_("certification code")
    )
    valid_on = django_filters.DateFilter(
        method="filter_valid_on",
        input_formats=ISO_DATE,
        label=_("certificates valid on (YYYY-MM-DD, default today)"),
    )
    sector = _codes(Sector.objects.all(), method="filter_sector", label=_("sector code"))
    cluster = CodesFilter(queryset=Cluster.objects.all(), method="filter_cluster", label=_("cluster id"))
    verified = StrictBooleanFilter(method="filter_verified", label=_("verified"))
    size = django_filters.MultipleChoiceFilter(
        field_name="employees_band", choices=SupplierProfile.EmployeesBand.choices, label=_("employees band")
    )
    # Text search (suppliers.search), then the order; declared last so they see every filter above.
    q = django_filters.CharFilter(method="filter_q", label=_("search words"))
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        choices=[("relevance", _("relevance")), ("name", _("name")), ("updated", _("last updated"))],
        label=_("order"),
    )

    class Meta:
        model = SupplierProfile
        fields: list[str] = []

    def filter_province(self, queryset, name, provinces):
        # The profile's copy of its organisation's province (services.profile_changed keeps it):
        # no join to the organisations, so the words and the province meet in one bitmap.
        return queryset.filter(search_province__in=provinces) if provinces else queryset

    def filter_process(self, queryset, name, terms):
        if not terms:
            return queryset
        return queryset.filter(
            pk__in=ProcessCapability.objects.filter(process__in=terms).values("profile_id")
        )

    def filter_material(self, queryset, name, terms):
        return queryset.filter(pk__in=_profiles_with(materials__in=terms)) if terms else queryset

    def filter_certification(self, queryset, name, terms):
        """Firms holding one of the standards on ``valid_on`` (today by default); expired never match."""
        if not terms:
            return queryset
        day = self.form.cleaned_data.get("valid_on") or timezone.localdate()
        holders = Certificate.objects.valid_on(day).filter(standard__in=terms).values("profile_id")
        return queryset.filter(pk__in=holders)

    def filter_valid_on(self, queryset, name, day):
        # Only a parameter of the certification filter: on its own it narrows nothing.
        return queryset

    def filter_sector(self, queryset, name, sectors):
        return queryset.filter(pk__in=_profiles_with(sectors__in=sectors)) if sectors else queryset

    def filter_cluster(self, queryset, name, clusters):
        """Active members only: firms that applied or left are not "in" the cluster."""
        if not clusters:
            return queryset
        members = ClusterMember.objects.filter(cluster__in=clusters, status=ClusterMember.Status.ACTIVE)
        return queryset.filter(organisation__in=members.values("organisation_id"))

    def filter_verified(self, queryset, name, verified):
        status = SupplierProfile.Verification.VERIFIED
        return (
            queryset.filter(verification_status=status)
            if verified
            else queryset.exclude(verification_status=status)
        )

    def filter_q(self, queryset, name, text):
        from suppliers import search  # search builds on these filters

        query = search.parse(text)
        found, query = search.matching(queryset, query)
        return search.ranked(found, query)

    def filter_sort(self, queryset, name, sort):
        from suppliers import search

        return search.ordered(queryset, sort)


def _profiles_with(**lookup):
    """Ids of the profiles matching a many-to-many lookup, as a subquery."""
    return SupplierProfile.objects.filter(**lookup).values("pk")
