"""Part requests posted by OEM buyers, and the match scores of suppliers against them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from matching.scoring import CRITERIA
from portal.models import Organisation, ProductGroup, Province, Term
from suppliers.models import CapacityUnit, PrivateFile, SupplierProfile, private_upload_path


class PartRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PartRequest.Status.OPEN)

    def of_buyer(self, organisations):
        return self.filter(buyer__in=organisations)


class PartRequest(models.Model):
    """What a buyer needs made: the requirements suppliers are scored against."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        AWARDED = "awarded", _("Awarded")

    class Visibility(models.TextChoices):
        VERIFIED_SUPPLIERS = "verified", _("All verified suppliers")
        INVITED_ONLY = "invited", _("Invited suppliers only")

    buyer = models.ForeignKey(
        Organisation, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="part_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    description = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    product_group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group / vehicle system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    required_processes = models.ManyToManyField(
        Term,
        verbose_name=_("required processes (must-have)"),
        related_name="+",
        blank=True,
        limit_choices_to={"kind": Term.Kind.PROCESS},
    )
    optional_processes = models.ManyToManyField(
        Term,
        verbose_name=_("optional processes"),
        related_name="+",
        blank=True,
        limit_choices_to={"kind": Term.Kind.PROCESS},
    )
    materials = models.ManyToManyField(
        Term,
        verbose_name=_("materials"),
        related_name="+",
        blank=True,
        limit_choices_to={"kind": Term.Kind.MATERIAL},
    )
    required_certifications = models.ManyToManyField(
        Term,
        verbose_name=_("required certifications"),
        related_name="+",
        blank=True,
        limit_choices_to={"kind": Term.Kind.CERTIFICATION},
    )
    annual_volume = models.DecimalField(
        _("annual volume"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    volume_unit = models.CharField(
        _("unit"), max_length=4, choices=CapacityUnit.choices, default=CapacityUnit.PIECES
    )
    tolerance_mm = models.DecimalField(
        _("tolerance (mm)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    part_size_mm = models.PositiveIntegerField(_("largest dimension (mm)"), null=True, blank=True)
    part_weight_kg = models.DecimalField(
        _("part weight (kg)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    delivery_province = models.ForeignKey(
        Province, verbose_name=_("delivery site (province)"), on_delete=models.PROTECT
    )
    response_deadline = models.DateField(_("response deadline"), null=True, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.VERIFIED_SUPPLIERS,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    awarded_to = models.ForeignKey(
        Organisation,
        verbose_name=_("awarded to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awarded_requests",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    matches_computed_at = models.DateTimeField(_("matches computed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("part request")
        verbose_name_plural = _("part requests")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


def request_document_upload_to(instance, filename: str) -> str:
    return private_upload_path("requests", filename)


class RequestDocument(PrivateFile):
    """A drawing or specification of a request: the buyer and invited suppliers only."""

    request = models.ForeignKey(PartRequest, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=request_document_upload_to)

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        ordering = ["uploaded_at"]


class MatchScore(models.Model):
    """How well one supplier fits one request, with the reasons: written by the engine only.

    Derived data, rewritten in bulk by every full recompute (hundreds of thousands of rows), so
    its design favours writes: one float column per criterion rather than a JSON document (about
    half the cost of a COPY), and foreign keys without database constraints, which would add a
    trigger check per row and per key. Django still deletes a request's or a supplier's scores with
    it (``on_delete=CASCADE`` is done by Django), and the nightly full recompute removes any row
    left behind by a supplier deleted while a recompute was running (``services.delete_orphans``).
    A full recompute on PostgreSQL writes a new table and swaps it in (``matching.rebuild``): a
    trigger, a view or a foreign key that points here would make it replace rows in place instead.
    """

    # The key is the pair itself: a surrogate id and its index cost a quarter of a full
    # recompute's COPY (bench/README.md). The key's index serves lookups by request.
    pk = models.CompositePrimaryKey("request", "supplier")
    request = models.ForeignKey(
        PartRequest, on_delete=models.CASCADE, related_name="scores", db_constraint=False, db_index=False
    )
    supplier = models.ForeignKey(
        SupplierProfile, on_delete=models.CASCADE, related_name="scores", db_constraint=False
    )
    total = models.FloatField(_("score"))
    eligible = models.BooleanField(_("eligible"))
    # The sub-scores, 0–1, one per criterion of matching.scoring.CRITERIA (see ``breakdown``).
    processes_score = models.FloatField(_("must-have processes"))
    optional_score = models.FloatField(_("optional processes"))
    materials_score = models.FloatField(_("materials"))
    certifications_score = models.FloatField(_("certifications"))
    capacity_score = models.FloatField(_("capacity"))
    tolerance_score = models.FloatField(_("tolerance"))
    location_score = models.FloatField(_("location"))
    trust_score = models.FloatField(_("trust"))
    text_score = models.FloatField(_("text relevance"))
    # [[gap code, detail], …], e.g. [["certification", 12], ["capacity", 40]] (see matching.explain).
    gaps = models.JSONField(_("gaps"), default=list)
    engine_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("match score")
        verbose_name_plural = _("match scores")

    def __str__(self):
        return f"{self.supplier} → {self.request}: {self.total:.1f}"

    @property
    def breakdown(self) -> dict[str, float]:
        """{criterion: sub-score}, in the order of matching.scoring.CRITERIA."""
        return {
            criterion: getattr(self, field) for criterion, field in zip(CRITERIA, SCORE_FIELDS, strict=True)
        }


SCORE_FIELDS = tuple(f"{criterion}_score" for criterion in CRITERIA)


class RecomputeMark(models.Model):
    """Something whose scores are stale. The database, not the broker, is the source of truth.

    A change writes a mark in its own transaction and enqueues a task after commit. A worker
    claims a batch of marks (``SELECT … FOR UPDATE SKIP LOCKED``, then ``claimed_at``), commits the
    claim, recomputes, and deletes each mark only if it was not marked again meanwhile. Lost
    messages are harmless: the beat sweep finds the marks. A worker killed mid-task leaves its
    claim, which expires after the lease and is redone; ``attempts`` bounds the redoing.
    """

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        REQUEST = "request", _("Request")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    marked_at = models.DateTimeField(default=timezone.now)
    # When the first of a run of marks was made (kept when marked again): bounds the debounce.
    first_marked_at = models.DateTimeField(default=timezone.now)
    # A worker's claim; a claim older than the lease is taken again (the worker died).
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("recompute mark")
        verbose_name_plural = _("recompute marks")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="recompute_mark_unique")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class RecomputeRun(models.Model):
    """One recompute by a worker: how much it did and how long it took (for staff and tests)."""

    class Kind(models.TextChoices):
        MARKED = "marked", _("Marked changes")
        FULL = "full", _("Full recompute")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    suppliers = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M:%S}"


class ShortlistEntry(models.Model):
    """A supplier a buyer keeps for one request, and how far the sourcing with it has gone.

    Statuses follow the purchasing pipeline of an automotive OEM; a rejection says why. Every
    change is kept with who made it and when (django-simple-history), shown on the shortlist page.
    """

    class Status(models.TextChoices):
        SHORTLISTED = "shortlisted", _("Shortlisted")
        CONTACTED = "contacted", _("Contacted")
        QUOTATION = "quotation", _("Quotation received")
        SAMPLE = "sample", _("Sample / PPAP")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey(PartRequest, on_delete=models.CASCADE, related_name="shortlist")
    supplier = models.ForeignKey(
        SupplierProfile, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="shortlisted_in"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SHORTLISTED)
    note = models.TextField(_("note"), blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shortlisted supplier")
        verbose_name_plural = _("shortlisted suppliers")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="shortlist_request_supplier")
        ]
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.supplier} · {self.get_status_display()}"


class QuoteInvitation(models.Model):
    """A buyer's invitation to one supplier to quote for a request, and the supplier's answer.

    Invited suppliers see the request and its drawings (matching.permissions.is_invited), never
    each other. ``read_at`` is when one of the supplier's people first opened it (unread counts).
    """

    class Answer(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        INTERESTED = "interested", _("Interested")
        DECLINED = "declined", _("Declined")
        QUOTED = "quoted", _("Quotation sent")

    request = models.ForeignKey(PartRequest, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(
        SupplierProfile,
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="quote_invitations",
    )
    message = models.TextField(_("message to the supplier"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices, default=Answer.PENDING)
    decline_reason = models.CharField(_("reason for declining"), max_length=255, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to quote")
        verbose_name_plural = _("invitations to quote")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="quote_invitation_request_supplier")
        ]
        ordering = ["-invited_at", "-pk"]

    def __str__(self):
        return f"{self.request} → {self.supplier}"


class SupplierInterest(models.Model):
    """A supplier's "we are interested" in an open request it sees, without waiting to be invited.

    The buyer sees these on the request's page and may shortlist the firm even when the engine did
    not rank it (``services.shortlist_add``). Other suppliers never see them.
    """

    request = models.ForeignKey(PartRequest, on_delete=models.CASCADE, related_name="interests")
    supplier = models.ForeignKey(
        SupplierProfile,
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="request_interests",
    )
    note = models.TextField(_("note to the buyer"), blank=True, max_length=2000)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier interest")
        verbose_name_plural = _("supplier interests")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="supplier_interest_request_supplier")
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.supplier} → {self.request}"


class Quotation(models.Model):
    """A supplier's price for a request: one per invitation, sending again replaces it."""

    class Currency(models.TextChoices):
        VND = "VND", "VND"
        USD = "USD", "USD"
        JPY = "JPY", "JPY"
        KRW = "KRW", "KRW"
        EUR = "EUR", "EUR"

    invitation = models.OneToOneField(QuoteInvitation, on_delete=models.CASCADE, related_name="quotation")
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.VND)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent"), auto_now=True)
    # The buyer's first decision on it: the supplier moved past "quotation received" on the
    # shortlist, or the request closed or awarded. Feeds the buyer's response time.
    buyer_answered_at = models.DateTimeField(_("answered by the buyer"), null=True, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")

    def __str__(self):
        return f"{self.unit_price} {self.currency}"

    def is_expired(self, today=None) -> bool:
        """Past its validity date: shown as expired, never silently compared with valid ones."""
        return self.valid_until < (today or timezone.localdate())


def quotation_document_upload_to(instance, filename: str) -> str:
    return private_upload_path("quotations", filename)


class QuotationDocument(PrivateFile):
    """A file sent with a quotation (a price breakdown, a drawing with remarks)."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=quotation_document_upload_to)

    class Meta:
        verbose_name = _("quotation file")
        verbose_name_plural = _("quotation files")
