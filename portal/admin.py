"""Admin for Sở Công Thương staff: people, organisations and reference data."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import (
    FormerProvince,
    Membership,
    Organisation,
    ProcessGroup,
    ProductGroup,
    Province,
    Sector,
    TaskFailure,
    Term,
    User,
    VsicCode,
    WorkerHeartbeat,
)
from portal.signals import organisation_edited
from portal.text import fold


class FoldedSearchMixin:
    """Admin search that ignores diacritics: the query is folded and matched on stored keys.

    Matches of the folded query are added to Django's own, within the queryset the list filters
    already narrowed (so a province filter beside a search still holds).
    """

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if not (folded and self.folded_search_fields):
            return found, may_have_duplicates
        condition = Q()
        for field in self.folded_search_fields:
            condition |= Q(**{f"{field}__contains": folded})
        return queryset.filter(Q(pk__in=found.values("pk")) | condition), False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "position", "phone"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "tax_code", "province", "is_supplier", "is_buyer", "is_agency", "updated_at"]
    list_filter = ["is_supplier", "is_buyer", "is_agency", "is_institute", "province"]
    search_fields = ["name", "name_en", "tax_code"]
    folded_search_fields = ("name_search_key",)
    list_select_related = ["province"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            organisation_edited.send(sender=Organisation, organisation_id=obj.pk)


@admin.register(Province)
class ProvinceAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name_vi", "name_en"]
    folded_search_fields = ("search_key",)
    ordering = ["code"]


@admin.register(FormerProvince)
class FormerProvinceAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name_vi", "province"]
    list_filter = ["province"]
    search_fields = ["name_vi"]
    folded_search_fields = ("search_key",)
    list_select_related = ["province"]


@admin.register(Sector, ProductGroup, ProcessGroup)
class CodedNameAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(VsicCode)
class VsicCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name_vi", "name_en"]
    list_filter = ["version"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Term)
class TermAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "kind", "process_group", "code"]
    list_filter = ["kind", "process_group"]
    search_fields = ["code", "name_vi", "name_en", "synonyms"]
    folded_search_fields = ("search_keys",)
    list_select_related = ["process_group"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]
    readonly_fields = ["worker", "beat_at"]


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Read-only: what failed in the background and when; staff may delete rows they have seen."""

    list_display = ["failed_at", "task", "exception"]
    list_filter = ["task"]
    search_fields = ["task", "exception", "task_id"]
    date_hierarchy = "failed_at"
    fields = ["failed_at", "task", "task_id", "exception", "arguments"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
