"""factory_boy factories for the records most tests need."""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from portal.models import Membership, Organisation, Province, User

TEST_PASSWORD = "correct-horse-battery"
# The authenticator-app secret of every test user that has one (base32, as an app stores it).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """What the authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def give_authenticator(user, secret: str = TEST_TOTP_SECRET):
    """An authenticator app for ``user``, as staff and firm administrators must have."""
    TOTP.activate(user, secret)
    return user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Công ty TNHH Cơ khí Số {n}")
    province = factory.LazyFunction(lambda: Province.objects.get(code="48"))
    is_supplier = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """A firm administrator has an authenticator app unless made with ``mfa=False``."""
        if create and self.role == Membership.Role.ADMIN and extracted is not False:
            give_authenticator(self.user)
