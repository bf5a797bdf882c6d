"""Filters of the part-request list API (``/api/v1/part-requests/?status=open&delivery_province=48``).

``status`` takes a status value; ``product_group`` and ``delivery_province`` take codes. Each may
be repeated: repeated values match ANY of them; different filters combine with AND. An unknown
status or code is a 400 with the field's errors (the DRF filter backend raises them), never
ignored silently and never a 500.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from matching.models import PartRequest
from portal.models import ProductGroup, Province


def _codes(queryset, **kwargs):
    return django_filters.ModelMultipleChoiceFilter(queryset=queryset, to_field_name="code", **kwargs)


class PartRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=PartRequest.Status.choices, method="filter_status", label=_("status")
    )
    product_group = _codes(
        ProductGroup.objects.all(), method="filter_product_group", label=_("product group code")
    )
    delivery_province = _codes(
        Province.objects.all(), method="filter_delivery_province", label=_("delivery province code")
    )

    class Meta:
        model = PartRequest
        fields: list[str] = []

    # Plain ``__in`` lookups on the request's own columns: no join, so no duplicates and no DISTINCT.
    def filter_status(self, queryset, name, statuses):
        return queryset.filter(status__in=statuses) if statuses else queryset

    def filter_product_group(self, queryset, name, groups):
        return queryset.filter(product_group__in=groups) if groups else queryset

    def filter_delivery_province(self, queryset, name, provinces):
        return queryset.filter(delivery_province__in=provinces) if provinces else queryset
