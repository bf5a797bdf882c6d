"""Forms of the profile sections. They only validate; the services in suppliers.services write."""

import itertools

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, Sector, Term, VsicCode
from suppliers import services
from suppliers.models import Certificate, Document, Equipment, ProcessCapability, Product, SupplierProfile
from suppliers.uploads import ACCEPT, validate_upload

FOUNDED_YEAR_MIN = 1900
# A firm declares at most this many rows per section; more is a mistake or an attack on the server.
MAX_ROWS = 100


class DateInput(forms.DateInput):
    """The browser's date picker; it always submits ISO dates whatever the page language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _upload_field(*, required: bool, label) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )


def _clean_upload(file):
    """Run the upload checks so their errors show next to the file field."""
    if file:
        validate_upload(file)
    return file


# --- Identity -----------------------------------------------------------------------------------


class OrganisationIdentityForm(forms.ModelForm):
    # Firms type "thaco.com.vn": most sites are served over https today.
    website = forms.URLField(
        label=Organisation._meta.get_field("website").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = list(services.ORGANISATION_IDENTITY_FIELDS)


class ProfileIdentityForm(forms.ModelForm):
    class Meta:
        model = SupplierProfile
        fields = [*services.PROFILE_IDENTITY_FIELDS, "sectors", "vsic_codes"]
        widgets = {
            "trading_names": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "sectors": forms.CheckboxSelectMultiple,
            "vsic_codes": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.order_by("name_vi")
        self.fields["vsic_codes"].queryset = VsicCode.objects.order_by("-version", "code")
        self.fields["founded_year"].widget.attrs.update(min=FOUNDED_YEAR_MIN, max=timezone.localdate().year)

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        this_year = timezone.localdate().year
        if year is not None and not FOUNDED_YEAR_MIN <= year <= this_year:
            raise forms.ValidationError(
                gettext("Enter a year between %(first)s and %(last)s.")
                % {"first": FOUNDED_YEAR_MIN, "last": this_year}
            )
        return year


# --- Rows of the profile (inline formsets) ------------------------------------------------------


class RowFormSet(forms.BaseInlineFormSet):
    """An inline formset whose changes are handed to a service instead of saved by the formset."""

    def changes(self):
        """``(changed forms, rows to delete)``: new or edited rows to save, and rows to remove."""
        deleted = set(self.deleted_forms)
        changed = [form for form in self.forms if form.has_changed() and form not in deleted]
        return changed, [form.instance for form in deleted if form.instance.pk]

    def add_fields(self, form, index):
        """Give every row the same, once-computed choices: one query per select, not one per row."""
        super().add_fields(form, index)
        cache = self.__dict__.setdefault("_choices_cache", {})
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField) and not field.widget.is_hidden:
                if name not in cache:
                    cache[name] = list(field.choices)
                field.choices = cache[name]


def _row_formset(model, form, **kwargs):
    return forms.inlineformset_factory(
        SupplierProfile,
        model,
        form=form,
        formset=RowFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
        **kwargs,
    )


class ProcessChoiceIterator(forms.models.ModelChoiceIterator):
    """Process terms grouped by process group, so the select shows them in optgroups."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        terms = sorted(self.queryset.select_related("process_group"), key=self._position)
        for group, members in itertools.groupby(terms, key=lambda t: t.process_group):
            label = group.name if group else gettext("Other processes")
            yield (label, [self.choice(term) for term in members])

    @staticmethod
    def _position(term):
        """Groups in their set order, processes without a group last, by name within a group."""
        group = term.process_group
        return (group is None, group.position if group else 0, group.pk if group else 0, term.name)


class ProcessChoiceField(forms.ModelChoiceField):
    iterator = ProcessChoiceIterator


class ProcessCapabilityForm(forms.ModelForm):
    class Meta:
        model = ProcessCapability
        fields = [
            "process",
            "monthly_capacity",
            "capacity_unit",
            "best_tolerance_mm",
            "max_part_size_mm",
            "max_part_weight_kg",
        ]
        field_classes = {"process": ProcessChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("monthly_capacity", "best_tolerance_mm", "max_part_weight_kg"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0


ProcessFormSet = _row_formset(ProcessCapability, ProcessCapabilityForm)


class CapabilitiesForm(forms.ModelForm):
    """The materials the firm works and the practices it follows (on the processes page)."""

    class Meta:
        model = SupplierProfile
        fields = ["materials", "practices"]
        widgets = {"materials": forms.CheckboxSelectMultiple, "practices": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].queryset = Term.objects.materials().order_by("name_vi")
        self.fields["practices"].queryset = Term.objects.filter(kind=Term.Kind.PRACTICE).order_by("name_vi")


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["machine_type", "make", "count", "key_spec"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].validators.append(MinValueValidator(1))
        self.fields["count"].widget.attrs["min"] = 1


EquipmentFormSet = _row_formset(Equipment, EquipmentForm)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "name_en", "product_group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_group"].queryset = self.fields["product_group"].queryset.order_by(
            "category", "name_vi"
        )


ProductFormSet = _row_formset(Product, ProductForm)


class MarketForm(forms.ModelForm):
    """Customers, export markets and spare capacity (on the products page)."""

    class Meta:
        model = SupplierProfile
        fields = list(services.PROFILE_MARKET_FIELDS)
        widgets = {
            "main_customers": forms.Textarea(attrs={"rows": 3}),
            "spare_capacity_percent": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "spare_capacity_as_of": DateInput,
        }

    def clean_spare_capacity_percent(self):
        percent = self.cleaned_data.get("spare_capacity_percent")
        if percent is not None and not 0 <= percent <= 100:
            raise forms.ValidationError(gettext("Enter a percentage between 0 and 100."))
        return percent

    def clean_spare_capacity_as_of(self):
        day = self.cleaned_data.get("spare_capacity_as_of")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(gettext("This date cannot be in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        declared = cleaned.get("spare_capacity_percent") is not None
        if declared and not cleaned.get("spare_capacity_as_of") and "spare_capacity_as_of" not in self.errors:
            message = gettext("Say on which day the spare capacity was measured.")
            self.add_error("spare_capacity_as_of", message)
        return cleaned


class CertificateForm(forms.ModelForm):
    scan = _upload_field(required=False, label=_("Scan of the certificate"))

    class Meta:
        model = Certificate
        fields = ["standard", "number", "issuing_body", "issued_on", "expires_on", "scope"]
        widgets = {"issued_on": DateInput, "expires_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Term.objects.certifications().order_by("name_vi")

    def clean_scan(self):
        return _clean_upload(self.cleaned_data.get("scan"))

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", gettext("The expiry date must be after the issue date."))
        return cleaned


CertificateFormSet = _row_formset(Certificate, CertificateForm)


# --- Documents ----------------------------------------------------------------------------------

UPLOAD_KINDS = [Document.Kind.PHOTO, Document.Kind.BROCHURE, Document.Kind.OTHER]


class DocumentUploadForm(forms.Form):
    # Certificate scans are uploaded with their certificate, so they are not offered here.
    kind = forms.ChoiceField(label=_("Kind"), choices=[(kind.value, kind.label) for kind in UPLOAD_KINDS])
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = _upload_field(required=True, label=_("File"))
    is_private = forms.BooleanField(
        label=_("Private"),
        required=False,
        help_text=_("Only staff and your colleagues can open it."),
    )

    def clean_file(self):
        return _clean_upload(self.cleaned_data.get("file"))
