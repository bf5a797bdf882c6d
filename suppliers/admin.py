"""Admin for Sở Công Thương staff: supplier firms, certificates, clusters, files and imports.

Staff change a firm's verification only through the bulk actions, which go through
``services.verification_set`` so that the profile's history records who decided and why. Edits
made in the change form end in ``services.profile_changed`` like every other change to a profile.
"""

import re
from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import FoldedSearchMixin
from portal.models import Term
from portal.mst import format_tax_code
from portal.roles import is_staff_member
from suppliers.importing import (
    COLUMNS,
    export_file,
    export_filename,
    import_suppliers,
    report_summary,
    stash_name,
)
from suppliers.models import (
    Certificate,
    Cluster,
    ClusterMember,
    Document,
    Equipment,
    Invitation,
    PossibleDuplicate,
    ProcessCapability,
    Product,
    SupplierProfile,
)
from suppliers.services import document_delete, profile_changed, verification_set

IMPORT_SESSION_KEY = "suppliers_import_upload"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
EXPORT_FORMATS = ("xlsx", "csv")
_TAX_CODE_TYPED = re.compile(r"[\d\s.\-]{4,}")


# --- Supplier profiles -----------------------------------------------------------------------


class ProcessFilter(admin.SimpleListFilter):
    title = _("process")
    parameter_name = "process"

    def lookups(self, request, model_admin):
        return [(term.pk, term.name) for term in Term.objects.processes().order_by("name_vi")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        runs = ProcessCapability.objects.filter(process_id=self.value())
        return queryset.filter(pk__in=runs.values("profile_id"))


class CertificationFilter(admin.SimpleListFilter):
    """Firms holding a certificate of this standard that is valid today (expired ones never count)."""

    title = _("valid certification")
    parameter_name = "certification"

    def lookups(self, request, model_admin):
        return [(term.pk, term.name) for term in Term.objects.certifications().order_by("name_vi")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        valid = Certificate.objects.valid_on(timezone.localdate()).filter(standard_id=self.value())
        return queryset.filter(pk__in=valid.values("profile_id"))


class ClusterFilter(admin.SimpleListFilter):
    """Members of a cluster. Django's related filter hides itself when there is only one cluster,
    which is exactly the pilot's case (Chu Lai), so the choices are listed here."""

    title = _("cluster")
    parameter_name = "cluster"

    def lookups(self, request, model_admin):
        return [(cluster.pk, cluster.name) for cluster in Cluster.objects.order_by("name")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        members = ClusterMember.objects.filter(cluster_id=self.value())
        return queryset.filter(organisation_id__in=members.values("organisation_id"))


class ProcessCapabilityInline(admin.TabularInline):
    model = ProcessCapability
    extra = 0
    autocomplete_fields = ["process"]


class EquipmentInline(admin.TabularInline):
    model = Equipment
    extra = 0


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    autocomplete_fields = ["product_group"]


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ["standard", "number", "issuing_body", "issued_on", "expires_on", "scope", "document"]
    autocomplete_fields = ["standard"]
    raw_id_fields = ["document"]


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason shown to the firm"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the firm is suspended."), code="required")
        return reason


class SupplierImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One row per firm, headers in the first row. At most 5 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationError(_("Only CSV and XLSX files can be imported."), code="format")
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is larger than 5 MB: split it into smaller files."), code="size"
            )
        return upload


@admin.register(SupplierProfile)
class SupplierProfileAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["firm_name", "tax_code", "province", "verification_status", "updated_at"]
    list_filter = [
        ("organisation__province", admin.RelatedFieldListFilter),
        "sectors",
        ProcessFilter,
        CertificationFilter,
        "verification_status",
        ClusterFilter,
    ]
    search_fields = ["organisation__tax_code"]
    folded_search_fields = ("search_document", "organisation__name_search_key")
    list_select_related = ["organisation__province"]
    autocomplete_fields = ["sectors", "vsic_codes", "materials", "practices"]
    readonly_fields = [
        "organisation",
        "verification_status",
        "verification_reason",
        "verified_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "organisation",
                    "trading_names",
                    "legal_form",
                    "ownership",
                    "founded_year",
                    "employees_band",
                ]
            },
        ),
        (_("Address"), {"fields": ["commune", "street"]}),
        (_("Description"), {"fields": ["description", "description_en"]}),
        (_("Contacts"), {"fields": ["contact_name", "contact_email", "contact_phone", "contacts_private"]}),
        (
            _("Classification"),
            {"fields": ["sectors", "vsic_codes", "has_cnht_incentive_certificate", "materials", "practices"]},
        ),
        (
            _("Customers and capacity"),
            {
                "fields": [
                    "main_customers",
                    "customers_private",
                    "export_markets",
                    "spare_capacity_percent",
                    "spare_capacity_as_of",
                ]
            },
        ),
        (
            _("Verification"),
            {
                "fields": [
                    "verification_status",
                    "verification_reason",
                    "verified_at",
                    "created_at",
                    "updated_at",
                ],
                "description": _("Change the verification with the actions of the list of firms."),
            },
        ),
    ]
    inlines = [ProcessCapabilityInline, EquipmentInline, ProductInline, CertificateInline]
    actions = ["mark_verified", "suspend", "back_to_pending", "export_xlsx", "export_csv"]
    history_list_display = ["verification_status", "verification_reason"]

    @admin.display(description=_("firm"), ordering="organisation__name")
    def firm_name(self, profile):
        return profile.organisation.name

    @admin.display(description=_("tax code (MST)"), ordering="organisation__tax_code")
    def tax_code(self, profile):
        return format_tax_code(profile.organisation.tax_code)

    @admin.display(description=_("province"), ordering="organisation__province__name_vi")
    def province(self, profile):
        return profile.organisation.province

    def has_add_permission(self, request):
        # Firms come from registration or the import, which create the organisation too.
        return False

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _TAX_CODE_TYPED.fullmatch(search_term.strip()):
            # Tax codes are stored without separators; people type "4001234569-001".
            digits = re.sub(r"\D", "", search_term)
            found = queryset.filter(
                Q(pk__in=found.values("pk")) | Q(organisation__tax_code__startswith=digits)
            )
        return found, may_have_duplicates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile_changed(form.instance)

    # Verification actions: every change goes through verification_set (history records the user).

    @admin.action(description=_("Mark as verified"), permissions=["change"])
    def mark_verified(self, request, queryset):
        self._set_verification(request, queryset, SupplierProfile.Verification.VERIFIED)

    @admin.action(description=_("Back to pending verification"), permissions=["change"])
    def back_to_pending(self, request, queryset):
        self._set_verification(request, queryset, SupplierProfile.Verification.PENDING)

    @admin.action(description=_("Suspend (asks for a reason)"), permissions=["change"])
    def suspend(self, request, queryset):
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._set_verification(request, queryset, SupplierProfile.Verification.SUSPENDED, reason)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Suspend firms"),
            "opts": self.model._meta,
            "profiles": queryset.select_related("organisation"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/suppliers/supplierprofile/suspend.html", context)

    def _set_verification(self, request, queryset, status: str, reason: str = "") -> None:
        changed = 0
        for profile in queryset.select_related("organisation"):
            if profile.verification_status == status and profile.verification_reason == reason:
                continue
            try:
                verification_set(profile=profile, status=status, reason=reason, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("%(firm)s was not changed: %(errors)s")
                    % {"firm": profile, "errors": " ".join(error.messages)},
                    messages.ERROR,
                )
                continue
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d firm changed.", "%(count)d firms changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    # Export: the selected firms (actions) or the filtered list (buttons above the list).

    @admin.action(description=_("Export selected firms to Excel (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export_response(queryset, "xlsx")

    @admin.action(description=_("Export selected firms to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export_response(queryset, "csv")

    def export_view(self, request, fmt: str):
        if fmt not in EXPORT_FORMATS:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect(self._url("changelist"))
        return self._export_response(changelist.queryset, fmt)

    @staticmethod
    def _export_response(queryset, fmt: str) -> HttpResponse:
        content, content_type = export_file(queryset, fmt)
        response = HttpResponse(content, content_type=content_type)
        filename = export_filename(fmt, timezone.localdate())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # Import: upload → dry-run preview → confirm (the upload waits in storage, keyed in the session).

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
        ]
        return own + super().get_urls()

    def may_import(self, request) -> bool:
        return is_staff_member(request.user) and request.user.has_perm("suppliers.change_supplierprofile")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.may_import(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request)
        form = SupplierImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            report = import_suppliers(data, dry_run=True, source=PurePath(upload.name).name)
            if report.ok:
                self._stash_upload(request, data, report.source)
                form = SupplierImportForm()
        return self._import_page(request, form, report)

    def _import_confirm(self, request):
        stash = request.session.pop(IMPORT_SESSION_KEY, None)
        if not stash or not default_storage.exists(stash["name"]):
            messages.error(
                request, gettext("The uploaded file is no longer available: please upload it again.")
            )
            return redirect(self._url("import"))
        with default_storage.open(stash["name"], "rb") as stored:
            data = stored.read()
        default_storage.delete(stash["name"])
        report = import_suppliers(data, dry_run=False, source=stash["source"], by=request.user)
        if not report.committed:
            return self._import_page(request, SupplierImportForm(), report)
        messages.success(request, report_summary(report))
        return redirect(self._url("changelist"))

    @staticmethod
    def _stash_upload(request, data: bytes, source: str) -> None:
        """Keep a previewed upload until it is confirmed; an earlier one of this session is dropped."""
        earlier = request.session.pop(IMPORT_SESSION_KEY, None)
        if earlier:
            default_storage.delete(earlier["name"])
        name = default_storage.save(stash_name(source), ContentFile(data))
        request.session[IMPORT_SESSION_KEY] = {"name": name, "source": source}

    def _import_page(self, request, form, report):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import firms"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "summary": report_summary(report) if report else "",
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/suppliers/supplierprofile/import.html", context)

    def _url(self, name: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}")


# --- Certificates ----------------------------------------------------------------------------


class ExpiredFilter(admin.SimpleListFilter):
    title = _("expired")
    parameter_name = "expired"

    def lookups(self, request, model_admin):
        return [("yes", _("Expired")), ("no", _("Not expired"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(expires_on__lt=today)
        if self.value() == "no":
            return queryset.filter(expires_on__gte=today)
        return queryset


@admin.register(Certificate)
class CertificateAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["standard", "firm_name", "number", "issued_on", "expires_on", "valid_today"]
    list_filter = ["standard", ExpiredFilter]
    search_fields = ["number", "profile__organisation__tax_code"]
    folded_search_fields = ("profile__organisation__name_search_key",)
    list_select_related = ["standard", "profile__organisation"]
    autocomplete_fields = ["standard"]
    raw_id_fields = ["profile", "document"]

    @admin.display(description=_("firm"), ordering="profile__organisation__name")
    def firm_name(self, certificate):
        return certificate.profile.organisation.name

    @admin.display(description=_("valid today"), boolean=True)
    def valid_today(self, certificate):
        return certificate.is_valid_on(timezone.localdate())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        profile_changed(obj.profile)

    def delete_model(self, request, obj):
        profile = obj.profile
        super().delete_model(request, obj)
        profile_changed(profile)

    def delete_queryset(self, request, queryset):
        profiles = list(SupplierProfile.objects.filter(pk__in=queryset.values("profile_id")))
        super().delete_queryset(request, queryset)
        for profile in profiles:
            profile_changed(profile)


# --- Clusters --------------------------------------------------------------------------------


class ClusterMemberInline(admin.TabularInline):
    model = ClusterMember
    extra = 0
    fields = ["organisation", "role", "tier", "joined_on", "status"]
    autocomplete_fields = ["organisation"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "member_count"]
    list_filter = ["province"]
    search_fields = ["name", "name_en"]
    list_select_related = ["province"]
    inlines = [ClusterMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, cluster):
        return cluster.member_total


@admin.register(ClusterMember)
class ClusterMemberAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["organisation", "cluster", "role", "tier", "status", "joined_on"]
    list_filter = ["cluster", "role", "status"]
    search_fields = ["organisation__tax_code"]
    folded_search_fields = ("organisation__name_search_key",)
    list_select_related = ["organisation", "cluster"]
    autocomplete_fields = ["organisation", "cluster"]


# --- Files, invitations, possible duplicates -------------------------------------------------


@admin.register(Document)
class DocumentAdmin(FoldedSearchMixin, admin.ModelAdmin):
    """File details only: the file itself is opened through the permission-checked download view."""

    list_display = ["__str__", "organisation", "kind", "size", "is_private", "uploaded_at"]
    list_filter = ["kind", "is_private"]
    search_fields = ["title", "original_name", "organisation__tax_code"]
    folded_search_fields = ("organisation__name_search_key",)
    list_select_related = ["organisation"]
    fields = [
        "organisation",
        "kind",
        "title",
        "is_private",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]
    readonly_fields = [
        "organisation",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A firm's documents count towards its profile, so an edit is a profile change.
        profile = SupplierProfile.objects.filter(organisation=obj.organisation_id).first()
        if profile is not None:
            profile_changed(profile)

    def delete_model(self, request, obj):
        document_delete(document=obj)  # also removes the file once the deletion is committed

    def delete_queryset(self, request, queryset):
        for document in queryset.select_related("organisation"):
            document_delete(document=document)

    @admin.display(description=_("download"))
    def download(self, document):
        try:
            url = reverse("suppliers:document_download", args=[document.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, document.original_name)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations belong to the firms; staff may only look or withdraw (delete)."""

    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]
    fields = ["organisation", "email", "role", "invited_by", "created_at", "accepted_at"]  # never the token
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    list_display = ["imported_name", "existing", "reason", "source", "created_at", "resolved"]
    list_filter = ["reason", "resolved"]
    search_fields = ["source", "existing__name", "existing__tax_code"]
    list_select_related = ["existing"]
    fields = ["existing", "reason", "imported_row", "source", "created_at", "resolved"]
    readonly_fields = ["existing", "reason", "imported_row", "source", "created_at"]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("imported firm"))
    def imported_name(self, duplicate):
        return duplicate.row.get("name", "")

    @admin.display(description=_("imported row"))
    def imported_row(self, duplicate):
        headers = {column.key: column.header for column in COLUMNS} | {"row_number": gettext("Row")}
        cells = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (headers.get(key, key), value)
                for key, value in duplicate.row.items()
                if value not in ("", None)
            ),
        )
        return format_html("<table>{}</table>", cells)

    @admin.action(description=_("Mark as resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(resolved=False).update(resolved=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d possible duplicate resolved.", "%(count)d possible duplicates resolved.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
