"""Programmes the Sở Công Thương runs: the Đề án, Kế hoạch and Chương trình, their tasks, activities
with firms' outcomes, and indicators with yearly targets and actuals.

Staff manage all of it in the admin (``programs.admin``). Agencies, institutes and firms are
``portal.Organisation`` rows, so a firm's outcomes show on its profile and an OEM can be the
"became a direct supplier of" of an outcome.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Province, Term
from suppliers.models import PrivateFile, private_upload_path


class Programme(models.Model):
    class Kind(models.TextChoices):
        DE_AN = "de-an", _("Đề án (scheme)")
        KE_HOACH = "ke-hoach", _("Kế hoạch (plan)")
        CHUONG_TRINH = "chuong-trinh", _("Chương trình (programme)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Under way")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # Legal basis: the document that set it up (e.g. "4691/KH-UBND", 25/6/2024, UBND tỉnh Quảng Nam).
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    lead_agency = models.ForeignKey(
        Organisation, verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="programmes_led"
    )
    participating_agencies = models.ManyToManyField(
        Organisation, verbose_name=_("participating agencies"), blank=True, related_name="programmes_joined"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, null=True, blank=True
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget_vnd = models.DecimalField(
        _("budget (VND)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    funding_sources = models.TextField(_("funding sources"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.short_name or self.name


def programme_file_upload_to(instance, filename: str) -> str:
    return private_upload_path("programmes", filename)


class ProgrammeDocument(PrivateFile):
    """The decision that set a programme up, its plans, reports and minutes: staff only."""

    class Kind(models.TextChoices):
        LEGAL_BASIS = "legal-basis", _("Decision or plan (legal basis)")
        REPORT = "report", _("Report")
        MINUTES = "minutes", _("Minutes")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=programme_file_upload_to)

    class Meta:
        verbose_name = _("programme document")
        verbose_name_plural = _("programme documents")
        ordering = ["kind", "-uploaded_at"]


def overdue_q(today, prefix: str = "") -> Q:
    """Tasks past their due date and still open; ``prefix`` reaches them from another model
    (``"tasks__"`` from a programme). The one rule behind every "overdue" the portal shows."""
    return Q(**{f"{prefix}due_on__lt": today, f"{prefix}status__in": Task.OPEN_STATUSES})


class TaskQuerySet(models.QuerySet):
    def overdue(self, today):
        return self.filter(overdue_q(today))


class Task(models.Model):
    """A nhiệm vụ of a programme, with its lead and co-ordinating agencies and its progress."""

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", _("Not started")
        IN_PROGRESS = "in-progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), default=1, help_text=_("Its order in the programme.")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_agency = models.ForeignKey(
        Organisation, verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="tasks_led"
    )
    coordinating_agencies = models.ManyToManyField(
        Organisation, verbose_name=_("co-ordinating agencies"), blank=True, related_name="tasks_joined"
    )
    deliverable = models.CharField(_("deliverable"), max_length=300, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["programme", "number", "pk"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def is_overdue(self, today=None) -> bool:
        """``overdue_q`` for a task already loaded."""
        return (
            bool(self.due_on)
            and self.status in self.OPEN_STATUSES
            and self.due_on < (today or timezone.localdate())
        )


class TaskUpdate(models.Model):
    """A dated progress report on a task; the newest one sets the task's progress (``services``)."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("date"), default=timezone.localdate)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("what was done"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-pk"]

    def __str__(self):
        return f"{self.reported_on:%d/%m/%Y} · {self.progress} %"


class TaskUpdateAttachment(PrivateFile):
    """Evidence of a progress update (minutes, photos, a deliverable): staff only."""

    update = models.ForeignKey(
        TaskUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=programme_file_upload_to)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]


class Activity(models.Model):
    """Something the programme does with firms: a workshop, a training, a connection session…"""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        TRADE_FAIR = "trade-fair", _("Trade fair")
        CONSULTING = "consulting", _("Consulting round")
        TRAINING_5S = "training-5s", _("5S/3D training")
        TRAINING_QUALITY = "training-quality", _("Quality-system training")
        SURVEY = "survey", _("Survey")
        SITE_VISIT = "site-visit", _("Site visit")
        CONNECTION = "connection", _("Supplier–OEM connection session")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="activities_organised",
    )
    # The capability gap it helps close (e.g. IATF 16949), for the gap view.
    closes_gap = models.ForeignKey(
        Term, verbose_name=_("capability it builds"), on_delete=models.SET_NULL, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_on", "title"]

    def __str__(self):
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"


class Participation(models.Model):
    """A firm's outcome from an activity, recorded by staff (one row per outcome)."""

    class Outcome(models.TextChoices):
        INVITED = "invited", _("Invited")  # by staff, from the capability-gap view
        ATTENDED = "attended", _("Attended")
        CONSULTED = "consulted", _("Consulted")
        TRAINED = "trained", _("Trained")
        CERTIFIED = "certified", _("Certified")
        DIRECT_SUPPLIER = "direct-supplier", _("Became a direct supplier")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="participations"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.ATTENDED)
    standard = models.ForeignKey(
        Term,
        verbose_name=_("certified to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supplier_of = models.ForeignKey(
        Organisation,
        verbose_name=_("direct supplier of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation", "outcome"], name="participation_outcome_once"
            )
        ]
        ordering = ["activity", "organisation__name", "outcome"]

    def __str__(self):
        return f"{self.organisation} · {self.get_outcome_display()}"


class Indicator(models.Model):
    """A measure the programme reports on every year, as the province's plan lists them.

    ``source`` says where the actual comes from: typed by staff, or counted by the portal
    (``programs.indicators``); a counted actual is never typed.
    """

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered by staff")
        VERIFIED_FIRMS = "verified-firms", _("Counted: verified supplier firms")
        FIRMS_IATF = "firms-iatf", _("Counted: firms with a valid IATF 16949")
        FIRMS_ISO9001 = "firms-iso9001", _("Counted: firms with a valid ISO 9001")
        FIRMS_CONSULTED = "firms-consulted", _("Counted: firms consulted in the programme")
        FIRMS_TRAINED = "firms-trained", _("Counted: firms trained in the programme")
        CONNECTIONS = "connections", _("Counted: firm participations in connection sessions")
        DIRECT_SUPPLIERS = "direct-suppliers", _("Counted: firms that became direct suppliers")
        INVITATIONS = "invitations", _("Counted: invitations to quote sent")
        QUOTATIONS = "quotations", _("Counted: quotations received")
        AWARDS = "awards", _("Counted: part requests awarded")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, default="DN")
    source = models.CharField(
        _("source of the actual"), max_length=20, choices=Source.choices, default=Source.ENTERED
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["programme", "number", "pk"]

    def __str__(self):
        return self.name

    @property
    def computed(self) -> bool:
        return self.source != self.Source.ENTERED


class IndicatorValue(models.Model):
    """One year of an indicator: the target, and the actual when staff type it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(
        _("actual (entered)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for indicators entered by staff: counted ones are computed."),
    )

    class Meta:
        verbose_name = _("yearly value")
        verbose_name_plural = _("yearly values")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_value_year")]
        ordering = ["indicator", "year"]

    def __str__(self):
        return f"{self.indicator} · {self.year}"
