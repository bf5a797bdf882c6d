"""Forms of firm registration, colleague invitations and member management.

They only validate input; the writes are in ``suppliers.services``.
"""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Membership, Province, User
from portal.mst import clean_tax_code
from suppliers import services


class PasswordPairMixin(forms.Form):
    """Two password fields checked against Django's validators (length, common, like the name).

    There is deliberately no composition rule: a long all-lowercase passphrase is a good password.
    """

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. A few unrelated words make a strong, memorable password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def check_passwords(self, user: User) -> None:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if not password1 or not password2:
            return
        if password1 != password2:
            self.add_error("password2", gettext("The two passwords differ."))
            return
        try:
            validate_password(password1, user=user)
        except ValidationError as error:
            self.add_error("password1", error)


class PersonFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    position = forms.CharField(
        label=_("Position"), max_length=120, help_text=_("e.g. Director, Sales manager")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )


class RegistrationForm(PersonFields, PasswordPairMixin):
    """A supplier firm and the person registering it, who becomes its first administrator."""

    tax_code = forms.CharField(
        label=_("Tax code (MST)"),
        max_length=20,
        help_text=_("10 digits, or 10 digits, a dash and the 3-digit branch number (e.g. 4001234569-001)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(
        label=_("Legal name of the firm"),
        max_length=255,
        help_text=_("As on the business registration certificate, e.g. Công ty TNHH Cơ khí Đông Á."),
    )
    province = forms.ModelChoiceField(
        label=_("Province or city"), queryset=Province.objects.order_by("search_key"), empty_label="—"
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send a link to this address; you can sign in once you have followed it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = [
        "tax_code",
        "name",
        "province",
        "first_name",
        "last_name",
        "position",
        "email",
        "phone",
        "password1",
        "password2",
    ]

    def clean_tax_code(self) -> str:
        return clean_tax_code(self.cleaned_data["tax_code"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        try:
            services.supplier_register_check(tax_code=cleaned.get("tax_code"), email=cleaned.get("email"))
        except ValidationError as error:
            self.add_error(None, error)
        self.check_passwords(
            User(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
        )
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned data under the names ``services.supplier_register`` takes."""
        data = {key: self.cleaned_data[key] for key in self.fields if not key.startswith("password")}
        return {**data, "password": self.cleaned_data["password1"]}


class InvitationAcceptForm(PersonFields, PasswordPairMixin):
    """The account of an invited colleague who has none yet (the e-mail is the invited one)."""

    field_order = ["first_name", "last_name", "position", "phone", "password1", "password2"]

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        self.check_passwords(
            User(
                email=self.email,
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
        )
        return cleaned

    def service_arguments(self) -> dict:
        data = {key: self.cleaned_data[key] for key in self.fields if not key.startswith("password")}
        return {**data, "password": self.cleaned_data["password1"]}


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_("Administrators can also invite and remove colleagues."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
