"""The staff's programme pages: programmes with their tasks and indicators, tasks with their
progress updates, activities with each firm's outcome, indicators with yearly values."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from programs import indicators, services
from programs.models import (
    Activity,
    Indicator,
    IndicatorValue,
    Participation,
    Programme,
    ProgrammeDocument,
    Task,
    TaskUpdate,
    TaskUpdateAttachment,
)
from suppliers.uploads import ACCEPT, private_file_store, validate_upload


def _upload_field(label, *, required: bool = False) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


def _checked_upload(form, name: str):
    """The upload of field ``name``, checked like every private file (type, size, content)."""
    upload = form.cleaned_data.get(name)
    if upload:
        validate_upload(upload)
    return upload


def _download_link(url_name: str, file) -> str:
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[file.pk]), file.original_name)


class ProgrammeDocumentForm(forms.ModelForm):
    """A new row takes its file here; a stored file is never replaced (delete the row, add another)."""

    upload = _upload_field(_("file"))

    class Meta:
        model = ProgrammeDocument
        fields = ["kind", "title"]

    def clean_upload(self):
        upload = _checked_upload(self, "upload")
        if not upload and self.instance.pk is None:
            raise ValidationError(_("Choose the file to upload."), code="required")
        return upload


class ProgrammeDocumentInline(admin.TabularInline):
    model = ProgrammeDocument
    form = ProgrammeDocumentForm
    extra = 0
    fields = ["kind", "title", "upload", "download", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("download"))
    def download(self, document):
        return _download_link("programs:programme_document_download", document) if document.pk else "—"


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["number", "title", "lead_agency", "due_on", "status", "progress"]
    autocomplete_fields = ["lead_agency"]
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["number", "name", "unit", "source"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "document_number", "lead_agency", "starts_on", "ends_on", "status"]
    list_filter = ["kind", "status", "province"]
    search_fields = ["name", "short_name", "document_number"]
    autocomplete_fields = ["lead_agency", "participating_agencies"]
    list_select_related = ["lead_agency"]
    inlines = [TaskInline, IndicatorInline, ProgrammeDocumentInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgrammeDocument:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sorts the rows into new, changed and deleted
        for document_form in formset.forms:
            if document_form.instance in formset.new_objects:
                document = document_form.instance
                upload = document_form.cleaned_data["upload"]
                private_file_store(document, upload, title=document.title, uploaded_by=request.user)
        for document, _fields in formset.changed_objects:
            document.save()  # a new kind or title; a stored file itself is never replaced
        for removed in formset.deleted_objects:
            removed.delete()  # its file goes once committed (programs.receivers)


class TaskUpdateForm(forms.ModelForm):
    attach = _upload_field(_("attach a file"))

    class Meta:
        model = TaskUpdate
        fields = ["reported_on", "progress", "note"]

    def clean_attach(self):
        return _checked_upload(self, "attach")


class TaskUpdateInline(admin.TabularInline):
    """Each update row takes one more attachment per save; its stored ones are listed beside it."""

    model = TaskUpdate
    form = TaskUpdateForm
    extra = 1
    fields = ["reported_on", "progress", "note", "attach", "attachments", "reported_by"]
    readonly_fields = ["attachments", "reported_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attachments")

    @admin.display(description=_("attachments"))
    def attachments(self, update):
        if update.pk is None:
            return "—"
        files = update.attachments.all()
        links = ((_download_link("programs:task_attachment_download", file),) for file in files)
        return format_html_join("", "<div>{}</div>", links) or "—"


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "lead_agency", "due_on", "status", "progress", "overdue"]
    list_filter = ["programme", "status"]
    search_fields = ["title", "description", "deliverable"]
    autocomplete_fields = ["lead_agency", "coordinating_agencies"]
    list_select_related = ["programme", "lead_agency"]
    inlines = [TaskUpdateInline]

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, task):
        return task.is_overdue(timezone.localdate())

    def save_formset(self, request, form, formset, change):
        """New updates are signed by whoever adds them; the task's progress follows the newest."""
        updates = formset.save(commit=False)
        for update in updates:
            if update.pk is None:
                update.reported_by = request.user
            update.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()
        for update_form in formset.forms:
            upload = update_form.cleaned_data.get("attach") if update_form.instance.pk else None
            if upload:
                attachment = TaskUpdateAttachment(update=update_form.instance)
                private_file_store(attachment, upload, uploaded_by=request.user)
        services.task_progress_refresh(form.instance)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 3
    fields = ["organisation", "outcome", "standard", "supplier_of", "note"]
    autocomplete_fields = ["organisation", "standard", "supplier_of"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_on", "programme", "organiser", "firms"]
    list_filter = ["programme", "kind"]
    search_fields = ["title", "place", "description"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["organiser", "closes_gap"]
    list_select_related = ["programme", "organiser"]
    inlines = [ParticipationInline]

    @admin.display(description=_("firms"))
    def firms(self, activity):
        return activity.participations.values("organisation_id").distinct().count()


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 1
    fields = ["year", "target", "actual", "counted_actual"]
    readonly_fields = ["counted_actual"]

    @admin.display(description=_("actual (counted by the portal)"))
    def counted_actual(self, value):
        if value.pk is None or not value.indicator.computed:
            return "—"
        counted = indicators.actual(value.indicator, value.year)
        return "—" if counted is None else f"{counted:,.0f}"


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "unit", "source"]
    list_filter = ["programme", "source"]
    search_fields = ["name"]
    inlines = [IndicatorValueInline]
