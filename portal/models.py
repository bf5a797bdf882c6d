"""People, organisations and the reference data every other app builds on."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from portal.text import fold, name_key, spelling_keys

# --- Accounts --------------------------------------------------------------------------------


class UserManager(BaseUserManager):
    """Users sign in with their e-mail address; there is no user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email


# --- Reference data --------------------------------------------------------------------------


class BilingualName(models.Model):
    """A record named in Vietnamese and English; ``name`` follows the active language."""

    name_vi = models.CharField(_("Vietnamese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi


class Province(BilingualName):
    """One of the 34 provincial units in force since 1 July 2025 (Resolution 202/2025/QH15)."""

    class Kind(models.TextChoices):
        CITY = "city", _("Centrally-run city")
        PROVINCE = "province", _("Province")

    code = models.CharField(_("code"), max_length=2, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    search_key = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def save(self, *args, **kwargs):
        self.search_key = fold(self.name_vi)
        super().save(*args, **kwargs)


class FormerProvince(models.Model):
    """One of the 63 provinces before 1 July 2025, mapped to the unit it is now part of."""

    name_vi = models.CharField(_("name"), max_length=100, unique=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("now part of"),
        on_delete=models.PROTECT,
        related_name="former_provinces",
    )
    search_key = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("former province")
        verbose_name_plural = _("former provinces")

    def __str__(self):
        return self.name_vi

    def save(self, *args, **kwargs):
        self.search_key = fold(self.name_vi)
        super().save(*args, **kwargs)


class Sector(BilingualName):
    """A supporting-industry sector (Decree 111/2015/NĐ-CP, amended by Decree 205/2025/NĐ-CP)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("CNHT sector")
        verbose_name_plural = _("CNHT sectors")


class VsicCode(BilingualName):
    """An industry code of the Vietnam Standard Industrial Classification, with its edition."""

    code = models.CharField(_("code"), max_length=10)
    version = models.CharField(_("edition"), max_length=4)

    class Meta:
        ordering = ["-version", "code"]
        verbose_name = _("VSIC code")
        verbose_name_plural = _("VSIC codes")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="vsic_code_version_unique")]

    def __str__(self):
        return f"{self.code} ({self.version}) {self.name}"


class ProductGroup(BilingualName):
    """A product group or vehicle system a part belongs to."""

    class Category(models.TextChoices):
        VEHICLE = "vehicle", _("Vehicle system")
        MECHANICAL = "mechanical", _("Mechanical product")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)

    class Meta:
        ordering = ["category", "name_vi"]
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")


class ProcessGroup(BilingualName):
    """A family of manufacturing processes (forming, casting, machining…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("process group")
        verbose_name_plural = _("process groups")


class TermQuerySet(models.QuerySet):
    def processes(self):
        return self.filter(kind=Term.Kind.PROCESS)

    def materials(self):
        return self.filter(kind=Term.Kind.MATERIAL)

    def certifications(self):
        return self.filter(kind=Term.Kind.CERTIFICATION)


class Term(BilingualName):
    """A word of the shared vocabulary: a process, a material, a certification or a practice.

    Synonyms (one per line) let "dap", "stamping" and "dập" resolve to the same term; see
    ``portal.vocabulary.resolve_term``.
    """

    class Kind(models.TextChoices):
        PROCESS = "process", _("Process")
        MATERIAL = "material", _("Material")
        CERTIFICATION = "certification", _("Certification standard")
        PRACTICE = "practice", _("Practice")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    code = models.SlugField(_("code"), max_length=60)
    process_group = models.ForeignKey(
        ProcessGroup,
        verbose_name=_("process group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terms",
    )
    group = models.CharField(_("group"), max_length=40, blank=True)
    synonyms = models.TextField(_("synonyms"), blank=True, help_text=_("One per line."))
    search_keys = models.TextField(editable=False, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_vi"]
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary terms")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="term_kind_code_unique")]

    def save(self, *args, **kwargs):
        self.search_keys = "\n".join(
            spelling_keys(self.code.replace("-", " "), self.name_vi, self.name_en, *self.synonym_list())
        )
        super().save(*args, **kwargs)

    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


# --- Organisations ---------------------------------------------------------------------------


class Organisation(models.Model):
    """A firm, an agency or an institute. One firm may be a supplier and a buyer at once."""

    name = models.CharField(_("legal name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code (MST)"), max_length=13, unique=True, null=True, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_buyer = models.BooleanField(_("buyer (OEM)"), default=False)
    is_agency = models.BooleanField(_("government agency"), default=False)
    is_institute = models.BooleanField(_("institute or school"), default=False)
    website = models.URLField(_("website"), blank=True)
    name_search_key = models.CharField(max_length=255, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_search_key = name_key(self.name)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user's place in an organisation. Every permission check starts here."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


# --- Operations ------------------------------------------------------------------------------


class WorkerHeartbeat(models.Model):
    """Written by the ``heartbeat_task``: proves a Celery worker is consuming the queue."""

    worker = models.CharField(max_length=200, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class TaskFailure(models.Model):
    """A background task that failed for good (after its retries), for staff to see in the admin.

    Written by ``portal.receivers.task_failed`` from Celery's ``task_failure`` signal, in the
    worker (or in-process in the embedded default). Never the arguments' values beyond a short
    summary: they may hold personal data.
    """

    task = models.CharField(_("background task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    exception = models.TextField(_("error"))
    arguments = models.CharField(_("arguments"), max_length=300, blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed background task")
        verbose_name_plural = _("failed background tasks")
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task} @ {self.failed_at:%Y-%m-%d %H:%M:%S}"


# --- API tokens ------------------------------------------------------------------------------


class ApiToken(AbstractAuthToken):
    """A personal API token (django-rest-knox), one per client program, named by its owner.

    Only the SHA-512 digest is stored; the token itself is shown once, when made. ``token_key``
    (the token's first characters, not secret enough to sign in with) names it on the token page.
    Every token expires; the owner revokes any of them, and ``portal.tokens`` ends them all at
    sign-out, deactivation and password change.
    """

    name = models.CharField(_("name"), max_length=100)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"
