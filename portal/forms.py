"""Forms of the portal app's own pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.tokens import LIFETIME_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("The program that will use it, e.g. “ERP sync” or “Purchasing spreadsheet”."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=90,
        choices=lambda: [  # called when the form is shown, so in the reader's language
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days}) for days in LIFETIME_DAYS
        ],
    )
