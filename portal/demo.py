"""Demo organisations and the three demo logins (staff, supplier, buyer), created idempotently."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from portal.models import Membership, Organisation, Province, User
from portal.mst import check_digit
from portal.roles import STAFF_GROUP, sync_staff_group

DEMO_PASSWORD = "demo-cnht-2026"


def make_tax_code(first_nine: str) -> str:
    """A valid MST from nine digits (demo data only: the tenth is the check digit)."""
    digit = check_digit(first_nine)
    if digit is None:
        raise ValueError(f"no valid tax code starts with {first_nine}")
    return f"{first_nine}{digit}"


DEMO_ORGANISATIONS = [
    # key, name, English name, MST prefix, province code, kinds
    (
        "agency",
        "Sở Công Thương thành phố Đà Nẵng",
        "Da Nang Department of Industry and Trade",
        None,
        "48",
        {"is_agency": True},
    ),
    (
        "buyer",
        "Công ty TNHH Công nghiệp THACO (THACO Industries)",
        "THACO Industries Co., Ltd",
        "400100123",
        "48",
        {"is_buyer": True, "is_supplier": True},
    ),
    (
        "supplier",
        "Công ty TNHH Cơ khí Chính xác Chu Lai",
        "Chu Lai Precision Mechanical Co., Ltd",
        "400123456",
        "48",
        {"is_supplier": True},
    ),
]

DEMO_USERS = [
    # e-mail, first name, last name, position, organisation key, is staff
    ("staff@demo.cnht.vn", "Lan", "Nguyễn Thị", "Chuyên viên Phòng Quản lý Công nghiệp", "agency", True),
    ("buyer@demo.cnht.vn", "Minh", "Trần Văn", "Kỹ sư mua hàng", "buyer", False),
    ("supplier@demo.cnht.vn", "Hùng", "Lê Quang", "Giám đốc", "supplier", False),
]


def _organisation(name, name_en, prefix, province_code, kinds) -> Organisation:
    tax_code = make_tax_code(prefix) if prefix else None
    lookup = {"tax_code": tax_code} if tax_code else {"name": name}
    organisation, _created = Organisation.objects.update_or_create(
        **lookup,
        defaults={
            "name": name,
            "name_en": name_en,
            "province": Province.objects.get(code=province_code),
            **kinds,
        },
    )
    return organisation


def demo_user(email, first_name, last_name, position, *, is_staff=False) -> User:
    """A signed-up, e-mail-verified user with the demo password (created once, then kept)."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "position": position,
            "is_staff": is_staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load() -> list[tuple[str, str]]:
    """Create the demo organisations and logins; return (role, e-mail) pairs to print."""
    organisations = {key: _organisation(*rest) for key, *rest in DEMO_ORGANISATIONS}
    sync_staff_group()
    logins = []
    for email, first, last, position, org_key, is_staff in DEMO_USERS:
        user = demo_user(email, first, last, position, is_staff=is_staff)
        if is_staff:
            user.groups.add(Group.objects.get(name=STAFF_GROUP))
        Membership.objects.get_or_create(
            user=user, organisation=organisations[org_key], defaults={"role": Membership.Role.ADMIN}
        )
        logins.append((org_key, email))
    return logins
