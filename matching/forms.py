"""Forms of the part-request pages. They only validate; matching.services writes."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from matching import services
from matching.models import PartRequest, Quotation, QuoteInvitation, ShortlistEntry
from portal.models import Organisation, ProductGroup, Province, Term
from suppliers.forms_profile import DateInput, ProcessChoiceIterator
from suppliers.uploads import ACCEPT, validate_upload

# A request carries a few drawings and specifications; more at once is a mistake.
MAX_FILES_PER_UPLOAD = 10


class ProcessMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Processes in optgroups, one per process group (the same grouping as the supplier profile)."""

    iterator = ProcessChoiceIterator


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like any upload (PDF, JPEG, PNG ≤ 10 MB)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise ValidationError(
                _("Upload at most %(count)s files at once."), params={"count": MAX_FILES_PER_UPLOAD}
            )
        cleaned = [super(MultipleFileField, self).clean(file, initial) for file in files]
        for file in cleaned:
            validate_upload(file)
        return cleaned


class PartRequestForm(forms.ModelForm):
    """What a buyer needs, in the sections of the page (``SECTIONS``), plus drawings to attach."""

    documents = MultipleFileField(
        label=_("drawings and specifications"),
        required=False,
        help_text=_(
            "PDF, JPEG or PNG, at most 10 MB each. Only your colleagues and the Department of "
            "Industry and Trade can open them. If the form shows an error, select the files again."
        ),
    )

    SECTIONS = (
        (_("What you need"), ("title", "title_en", "description", "description_en", "product_group")),
        (
            _("Requirements"),
            ("required_processes", "optional_processes", "materials", "required_certifications"),
        ),
        (
            _("Quantities"),
            ("annual_volume", "volume_unit", "tolerance_mm", "part_size_mm", "part_weight_kg"),
        ),
        (_("Delivery and dates"), ("delivery_province", "response_deadline", "needed_by")),
        (_("Visibility"), ("visibility",)),
        (_("Drawings and specifications"), ("documents",)),
    )
    # Short inputs shown two to a row on wide screens.
    HALF_WIDTH = (
        "title",
        "title_en",
        "product_group",
        "annual_volume",
        "volume_unit",
        "tolerance_mm",
        "part_size_mm",
        "part_weight_kg",
        "delivery_province",
        "response_deadline",
        "needed_by",
    )

    class Meta:
        model = PartRequest
        fields = list(services.REQUEST_EDITABLE_FIELDS)
        field_classes = {
            "required_processes": ProcessMultipleChoiceField,
            "optional_processes": ProcessMultipleChoiceField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "required_processes": forms.SelectMultiple(attrs={"size": 10}),
            "optional_processes": forms.SelectMultiple(attrs={"size": 10}),
            "materials": forms.SelectMultiple(attrs={"size": 8}),
            "required_certifications": forms.CheckboxSelectMultiple,
            "response_deadline": DateInput,
            "needed_by": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["required_processes"].queryset = Term.objects.processes()
        fields["optional_processes"].queryset = Term.objects.processes()
        fields["materials"].queryset = Term.objects.materials().order_by("name_vi")
        fields["required_certifications"].queryset = Term.objects.certifications().order_by("name_vi")
        fields["product_group"].queryset = ProductGroup.objects.order_by("category", "name_vi")
        fields["delivery_province"].queryset = Province.objects.order_by("name_vi")
        several = _("Hold Ctrl (⌘ on a Mac) to select several.")
        for name in ("required_processes", "optional_processes", "materials"):
            fields[name].help_text = several
        for name in ("annual_volume", "tolerance_mm", "part_weight_kg"):
            fields[name].validators.append(MinValueValidator(0))
            fields[name].widget.attrs["min"] = 0

    def sections(self):
        """(heading, bound fields) per section, for the template."""
        return [(heading, [self[name] for name in names]) for heading, names in self.SECTIONS]

    def clean(self):
        cleaned = super().clean()
        try:
            services.part_request_check(
                needed_by=cleaned.get("needed_by"),
                response_deadline=cleaned.get("response_deadline"),
                required_processes=cleaned.get("required_processes") or [],
                optional_processes=cleaned.get("optional_processes") or [],
                previous_needed_by=self.initial.get("needed_by") if self.instance.pk else None,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def m2m(self) -> dict:
        """The requirement lists, for ``services.part_request_submit``."""
        return {name: self.cleaned_data[name] for name in services.REQUEST_M2M}


class AwardForm(forms.Form):
    """Award an open request to one of the supplier organisations it was matched with."""

    awarded_to = forms.ModelChoiceField(label=_("supplier"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awarded_to"].queryset = organisations


class MatchFilterForm(forms.Form):
    """Narrow a request's ranked suppliers (GET): eligible only, a province, a valid certification."""

    eligible = forms.BooleanField(label=_("Eligible only"), required=False)
    province = forms.ModelChoiceField(
        Province.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Province"),
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    certification = forms.ModelChoiceField(
        Term.objects.certifications(),
        to_field_name="code",
        required=False,
        label=_("Holds a valid certification"),
        empty_label=_("Any"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class ShortlistEntryForm(forms.ModelForm):
    """Where a shortlisted supplier stands; the reason is required only for a rejection."""

    class Meta:
        model = ShortlistEntry
        fields = ["status", "note", "rejection_reason"]
        widgets = {
            "status": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "note": forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            "rejection_reason": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        }

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ShortlistEntry.Status.REJECTED
            and not cleaned.get("rejection_reason", "").strip()
        ):
            self.add_error("rejection_reason", _("Say why the supplier is rejected."))
        return cleaned


class QuoteInviteForm(forms.Form):
    """The buyer's note to the suppliers invited from the shortlist."""

    message = forms.CharField(
        label=_("Message to the suppliers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class InterestForm(forms.Form):
    """A supplier's "we are interested", with an optional word to the buyer."""

    note = forms.CharField(
        label=_("A word to the buyer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (QuoteInvitation.Answer.INTERESTED, _("Interested")),
            (QuoteInvitation.Answer.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    decline_reason = forms.CharField(label=_("Reason for declining"), required=False, max_length=255)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("answer") == QuoteInvitation.Answer.DECLINED
            and not cleaned.get("decline_reason", "").strip()
        ):
            self.add_error("decline_reason", _("Say why you decline."))
        return cleaned


class QuotationForm(forms.ModelForm):
    """A supplier's quotation; files (PDF, JPEG, PNG) are checked before anything is saved."""

    files = MultipleFileField(label=_("Attachments"), required=False)

    class Meta:
        model = Quotation
        fields = ["unit_price", "currency", "lead_time_days", "valid_until", "notes"]
        widgets = {"valid_until": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].validators.append(MinValueValidator(Decimal("0.01")))
        for name, field in self.fields.items():
            css = "form-select" if name == "currency" else "form-control"
            field.widget.attrs.setdefault("class", css)
