"""A supplier firm's capability profile: what it makes, with what, how much, and to which standards."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Organisation, ProductGroup, Province, Sector, Term, VsicCode


class JSONTextField(models.JSONField):
    """JSON kept as plain text, for values read in bulk that no SQL query looks into.

    On PostgreSQL a ``jsonb`` column is turned back into text for every row read: a broad search
    reads ``facet_values`` of 1,001 firms, and that took 1.1 of its 4 ms (migration suppliers
    0008). Python reads and writes the same dicts; only JSON lookups in queries are given up.
    """

    def db_type(self, connection):
        return "text"


class SupplierProfileQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verification_status=SupplierProfile.Verification.VERIFIED)


class SupplierProfile(models.Model):
    """The supplier side of an organisation (1:1). Identity, capabilities and verification."""

    class Verification(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

    class Ownership(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        FDI = "fdi", _("Foreign-invested (FDI)")
        JOINT_VENTURE = "jv", _("Joint venture")

    class LegalForm(models.TextChoices):
        TNHH_1TV = "tnhh-1tv", _("Single-member limited liability company")
        TNHH = "tnhh", _("Limited liability company")
        CP = "cp", _("Joint-stock company")
        DNTN = "dntn", _("Private enterprise")
        HOP_DANH = "hop-danh", _("Partnership")
        HTX = "htx", _("Cooperative")
        BRANCH = "branch", _("Branch")
        HOUSEHOLD = "household", _("Household business")

    class EmployeesBand(models.TextChoices):
        MICRO = "1-9", _("1–9")
        SMALL = "10-49", _("10–49")
        MEDIUM = "50-199", _("50–199")
        LARGE = "200-499", _("200–499")
        VERY_LARGE = "500+", _("500 or more")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="supplier_profile",
    )
    # Identity
    trading_names = models.TextField(_("trading and other names"), blank=True, help_text=_("One per line."))
    legal_form = models.CharField(_("legal form"), max_length=12, choices=LegalForm.choices, blank=True)
    ownership = models.CharField(
        _("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.DOMESTIC
    )
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    employees_band = models.CharField(
        _("employees"), max_length=10, choices=EmployeesBand.choices, blank=True
    )
    commune = models.CharField(_("commune / ward"), max_length=120, blank=True)
    street = models.CharField(_("street address"), max_length=255, blank=True)
    description = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contacts_private = models.BooleanField(
        _("hide contacts from buyers"), default=False, help_text=_("Only staff and your colleagues see them.")
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("CNHT sectors"), blank=True)
    vsic_codes = models.ManyToManyField(VsicCode, verbose_name=_("VSIC codes"), blank=True)
    has_cnht_incentive_certificate = models.BooleanField(
        _("holds the CNHT incentive certificate"), default=False
    )
    # Capabilities kept on the profile itself
    materials = models.ManyToManyField(
        Term,
        verbose_name=_("materials"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.MATERIAL},
    )
    practices = models.ManyToManyField(
        Term,
        verbose_name=_("practices"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.PRACTICE},
    )
    main_customers = models.TextField(_("main customers"), blank=True, help_text=_("One per line."))
    customers_private = models.BooleanField(
        _("hide customers from buyers"),
        default=False,
        help_text=_("Only staff and your colleagues see them."),
    )
    export_markets = models.CharField(_("export markets"), max_length=255, blank=True)
    spare_capacity_percent = models.PositiveSmallIntegerField(_("spare capacity (%)"), null=True, blank=True)
    spare_capacity_as_of = models.DateField(_("spare capacity as of"), null=True, blank=True)
    # Verification by Sở Công Thương staff
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.PENDING,
        db_index=True,
    )
    verification_reason = models.TextField(_("reason shown to the firm"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Derived, rebuilt by services.profile_refresh_search: the folded text that search and matching read.
    search_document = models.TextField(editable=False, blank=True)
    # The same words with their diacritics (lower case, NFC): ranks exact-diacritic matches first.
    # On PostgreSQL a stored tsvector of every prefix of every word of search_document (column
    # ``search_vector``, GIN-indexed) and a trigram index sit beside these, created by migrations
    # 0002 and 0006 and read by suppliers.search.
    search_exact = models.TextField(editable=False, blank=True)
    # Every search facet's values, so a search counts its facets from one read of its matches
    # (suppliers.search): {"province": id, "sector": [ids], "process": [ids], "material": [ids],
    # "certification": [[standard id, issued "YYYY-MM-DD" or null, expires "YYYY-MM-DD"]],
    # "cluster": [active cluster ids], "size": band, "verified": bool}. Rebuilt with the rest.
    facet_values = JSONTextField(default=dict, editable=False)
    # The organisation's folded name and province, copied with the rest so that a search ranks,
    # sorts and filters by them from this table alone: joining 50,000 organisations to order or
    # narrow a few thousand matches cost more than matching the words (migration 0007).
    name_search_key = models.CharField(max_length=255, editable=False, blank=True)
    search_province = models.ForeignKey(
        "portal.Province", null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "search_document",
            "search_exact",
            "facet_values",
            "name_search_key",
            "search_province",
            "updated_at",
        ]
    )
    objects = SupplierProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")
        ordering = ["organisation__name"]
        # The staff dashboard counts firms created and verified per month (programs.dashboard).
        indexes = [
            models.Index(fields=["created_at"], name="profile_created_idx"),
            models.Index(fields=["name_search_key", "id"], name="profile_name_idx"),  # sort=name
            models.Index(
                fields=["verified_at"],
                name="profile_verified_idx",
                condition=models.Q(verification_status="verified"),
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    def trading_name_list(self) -> list[str]:
        return [line.strip() for line in self.trading_names.splitlines() if line.strip()]

    def spare_capacity_age_days(self, today: datetime.date | None = None) -> int | None:
        if not self.spare_capacity_as_of:
            return None
        return ((today or timezone.localdate()) - self.spare_capacity_as_of).days


class NamePrefix(models.Model):
    """One beginning of one word of a supplier's folded name (``name_search_key``), in name order.

    A broad search lists first the firms with every word in their name (``suppliers.search``,
    ``RankedByTiers``). Finding them in the names' trigram index and sorting them by name read
    thousands of rows for a page of 20 ("han": 5,000 names, 10 ms; "co khi": 15,000, 25 ms). Here
    they are one index range in name order, read a page at a time. Kept by
    ``services.profile_changed`` with the rest of the search copies (migration 0008).
    """

    # The key is the index search reads: a word's beginning, then the firms having it by name.
    pk = models.CompositePrimaryKey("prefix", "name_key", "profile")
    prefix = models.CharField(max_length=20)  # suppliers.search.PREFIX_LENGTH letters at most
    name_key = models.CharField(max_length=255)
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.prefix} → {self.name_key}"


class CapacityUnit(models.TextChoices):
    PIECES = "pcs", _("pieces")
    SETS = "sets", _("sets")
    KG = "kg", _("kg")
    TONNES = "t", _("tonnes")
    METRES = "m", _("metres")
    SQUARE_METRES = "m2", _("square metres")
    HOURS = "h", _("machine hours")


class ProcessCapability(models.Model):
    """A process the firm runs, with how much of it and how precisely."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="processes")
    process = models.ForeignKey(
        Term,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.PROCESS},
    )
    monthly_capacity = models.DecimalField(
        _("monthly capacity"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(
        _("unit"), max_length=4, choices=CapacityUnit.choices, default=CapacityUnit.PIECES
    )
    best_tolerance_mm = models.DecimalField(
        _("best tolerance (mm)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    max_part_size_mm = models.PositiveIntegerField(_("largest part (mm)"), null=True, blank=True)
    max_part_weight_kg = models.DecimalField(
        _("heaviest part (kg)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("process capability")
        verbose_name_plural = _("process capabilities")
        constraints = [
            models.UniqueConstraint(fields=["profile", "process"], name="capability_process_unique")
        ]

    def __str__(self):
        return str(self.process)


class Equipment(models.Model):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="equipment")
    machine_type = models.CharField(_("machine type"), max_length=120)
    make = models.CharField(_("make and model"), max_length=120, blank=True)
    count = models.PositiveSmallIntegerField(_("number"), default=1)
    key_spec = models.CharField(
        _("key specification"), max_length=120, blank=True, help_text=_("e.g. 800 t press, 5-axis CNC")
    )

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self):
        return f"{self.count} × {self.machine_type}"


class Product(models.Model):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product or part"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    product_group = models.ForeignKey(
        ProductGroup,
        verbose_name=_("product group / vehicle system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name


def private_upload_path(folder: str, filename: str) -> str:
    """A server-generated name: nothing the uploader typed reaches the file system."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def document_upload_to(instance, filename: str) -> str:
    return private_upload_path("documents", filename)


class PrivateFile(models.Model):
    """A private upload: stored under a random name, served only by a permission-checking view."""

    title = models.CharField(_("title"), max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title or self.original_name


class Document(PrivateFile):
    """A private file of an organisation. Served only by a view that checks who asks."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate scan")
        PHOTO = "photo", _("Photo")
        BROCHURE = "brochure", _("Brochure")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    is_private = models.BooleanField(
        _("private"), default=False, help_text=_("Only staff and your colleagues can open it.")
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]


class CertificateQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(
            models.Q(issued_on__isnull=True) | models.Q(issued_on__lte=day), expires_on__gte=day
        )


class Certificate(models.Model):
    """A certification the firm holds. Expired ones never count as valid anywhere."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="certificates")
    standard = models.ForeignKey(
        Term,
        verbose_name=_("standard"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.CERTIFICATION},
    )
    number = models.CharField(_("certificate number"), max_length=80, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=160, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    scope = models.CharField(_("scope"), max_length=255, blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("scanned certificate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["standard__name_vi", "-expires_on"]

    def __str__(self):
        return f"{self.standard} {self.number}".strip()

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.issued_on is None or self.issued_on <= day) and self.expires_on >= day

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class Cluster(models.Model):
    """An industrial cluster, e.g. the Chu Lai mechanical & CNHT cluster around THACO."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClusterMember(models.Model):
    class Role(models.TextChoices):
        ANCHOR = "anchor", _("Anchor OEM")
        TIER1 = "tier1", _("Tier-1 supplier")
        TIER2 = "tier2", _("Tier-2 supplier")
        SERVICE = "service", _("Service provider")
        INSTITUTE = "institute", _("Research or training institute")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        APPLIED = "applied", _("Applied")
        LEFT = "left", _("Left")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="clusters"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "organisation"], name="cluster_member_unique")
        ]

    def __str__(self):
        return f"{self.organisation} — {self.cluster}"


class Invitation(models.Model):
    """A firm admin's invitation to a colleague; accepting it creates the membership."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, default="member")
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("colleague invitation")
        verbose_name_plural = _("colleague invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class PossibleDuplicate(models.Model):
    """An imported row that looks like a firm we already have: kept for staff to review, not created."""

    class Reason(models.TextChoices):
        SAME_TAX_CODE = "tax_code", _("Same tax code")
        SAME_NAME_PROVINCE = "name", _("Same name in the same province")

    existing = models.ForeignKey(
        Organisation, verbose_name=_("existing firm"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    row = models.JSONField(_("imported row"))
    source = models.CharField(_("source file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["resolved", "-created_at"]

    def __str__(self):
        return f"{self.row.get('name', '?')} ~ {self.existing}"
