"""The staff's programme pages: programmes with their tasks and indicators, tasks with their
progress updates, activities with each firm's outcome, indicators with yearly values."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs import indicators, services
from programs.models import Activity, Indicator, IndicatorValue, Participation, Programme, Task, TaskUpdate


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
    inlines = [TaskInline, IndicatorInline]


class TaskUpdateInline(admin.TabularInline):
    model = TaskUpdate
    extra = 1
    fields = ["reported_on", "progress", "note", "reported_by"]
    readonly_fields = ["reported_by"]


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
