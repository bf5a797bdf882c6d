"""Messages of django-allauth that our users see, listed so they land in our catalogues.

django-allauth ships no Vietnamese translation. Its page templates are overridden under
``templates/account/``; the strings below come from its Python code (form labels, errors,
flash messages). Listing them here with ``gettext_noop`` makes ``makemessages`` put them in
``locale/vi``, and Django's merged catalogue then translates allauth's own calls.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MESSAGES = [
    # Two-factor sign-in (allauth.mfa)
    gettext_noop("Authenticator code"),
    gettext_noop("Code"),
    gettext_noop("Incorrect code."),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop("You cannot generate recovery codes without having two-factor authentication enabled."),
    gettext_noop("You cannot activate two-factor authentication until you have verified your email address."),
    gettext_noop("You cannot add an email address to an account protected by two-factor authentication."),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Remember Me"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Password (again)"),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("This account is currently inactive."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Please type your current password."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("You have signed out."),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Password Reset Email"),
    gettext_noop("Unable to confirm %(email)s because it is already confirmed by a different account."),
]
