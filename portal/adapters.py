"""django-allauth adapter: the portal's own rules for accounts."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created through firm registration (suppliers) or by an organisation's
        # admin and staff; allauth's bare e-mail sign-up would make users with no organisation.
        return False
