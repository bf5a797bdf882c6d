"""Bad input everywhere: generated form posts, API bodies and import files never cause a 500 and
never leave anything half-saved.

Hypothesis makes the input: Vietnamese text (composed and decomposed), control characters and NUL,
very long strings, numbers as text, huge and negative numbers, impossible dates, several values
where one is expected. The rules checked for every example:

- the answer is never a server error (the test client re-raises a view's exception, so a crash
  fails the example with its traceback);
- a refusal (the form shown again, a 400, a 403, a 404) leaves every row of the portal's tables as
  it was;
- a success leaves only rows that pass ``full_clean()``;
- the API's 400s name the fields in a JSON object;
- an import commits all its good rows or nothing, and names each bad row's problems.

Examples share the test's database transaction, so each one runs in a savepoint that is rolled
back afterwards: a success in one example does not change what the next one starts from.
"""

import csv
import datetime
import io
import json
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from matching import services as matching_services
from matching.models import ShortlistEntry
from portal.models import Membership, Organisation, ProductGroup, Province, Sector, Term, User, VsicCode
from programs.models import Activity, Programme
from suppliers.importing import COLUMNS, import_suppliers, report_lines
from suppliers.models import Certificate, Equipment, ProcessCapability, Product
from tests.factories import OrganisationFactory
from tests.matching.test_request_views import make_request, verified_supplier

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = (TODAY + datetime.timedelta(days=90)).isoformat()
LATER = (TODAY + datetime.timedelta(days=200)).isoformat()
PDF_BYTES = b"%PDF-1.4\n%%EOF\n"

FUZZ = fuzz_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = fuzz_settings(FUZZ, max_examples=8)


# --- What users type ------------------------------------------------------------------------------

# Composed letters, the decomposed tone marks macOS sends, and đ/Đ.
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy AĂÂĐÊÔƠƯ áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợ"
    "úùủũụứừửữựýỳỷỹỵ\u0300\u0301\u0303\u0309\u0323"
)
NASTY = [
    "",
    " ",
    "\x00",
    "Cơ khí\x00Đông Á",
    "\t\r\n",
    "\x1b[31m\x07\x08",
    "\u200b\u200e\u202e",
    "\ufeff",
    "Công ty TNHH Cơ khí Đông Á",
    "Nguye\u0302\u0303n Thi\u0323 A\u0301nh",  # decomposed (NFD)
    "0",
    "-1",
    "-0",
    "+7",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "1_000",
    "1,5",
    "0.000001",
    "١٢٣",  # Arabic-Indic digits
    "１２３",  # full-width digits
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 40,
    "2024-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "31/12/2026",
    "2026-13-01",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s %(name)s {0}",
    "../../etc/passwd",
    "x" * 5000,
    "Đ" * 256,
    # Composition exclusions: NFC turns each of these into two code points, so 200 of them
    # become 400 characters after the portal normalises text, past a 255-character limit.
    "\u0958" * 200,
    "true",
    "null",
    "[]",
    "{}",
    "on",
]
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=VIETNAMESE, min_size=1, max_size=300),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(NASTY),
)
# What one form field receives: a value, or several where one is expected.
FIELD = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))


def form_posts(base: dict, fuzzed: dict | None = None):
    """POST data: ``base`` (valid values) with some fields replaced by generated ones or left out.

    ``fuzzed`` maps a field to its own strategy; other fields of ``base`` get ``FIELD``. Keeping
    most fields valid lets the generated value be the only problem, and lets some examples succeed.
    """
    strategies = dict.fromkeys(base, FIELD) | (fuzzed or {})
    names = sorted(strategies)
    return st.tuples(
        st.fixed_dictionaries(
            {}, optional={name: st.one_of(strategy, FIELD) for name, strategy in strategies.items()}
        ),
        st.sets(st.sampled_from(names), max_size=2),
    ).map(lambda parts: {k: v for k, v in {**base, **parts[0]}.items() if k not in parts[1]})


def ids_or_junk(*valid):
    """A choice field's value: one of the valid ids, or something else."""
    return st.one_of(st.sampled_from([str(value) for value in valid]), FIELD)


# --- The database before and after ------------------------------------------------------------------


def watched_models():
    """Every table users write to through the portal (history and many-to-many tables included)."""
    found = [
        model
        for label in ("suppliers", "matching", "programs")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return [*found, Organisation, Membership, User, EmailAddress]


def snapshot() -> dict:
    """Every row of the watched tables, by table and primary key."""
    tables = {}
    for model in watched_models():
        names = [field.attname for field in model._meta.concrete_fields]
        rows = model._default_manager.order_by("pk").values_list("pk", *names)
        tables[model] = {row[0]: row[1:] for row in rows}
    return tables


def changed_rows(before: dict, after: dict):
    """(model, pk) of every row added or changed between two snapshots."""
    for model, rows in after.items():
        for pk, values in rows.items():
            if before[model].get(pk) != values:
                yield model, pk


def assert_only_valid_rows_written(before: dict, after: dict) -> None:
    for model, pk in changed_rows(before, after):
        if model._meta.auto_created or model.__name__.startswith("Historical"):
            continue  # link and history rows: validated through the rows they belong to
        model._default_manager.get(pk=pk).full_clean()


class _Undo(Exception):
    pass


@contextmanager
def isolated():
    """One example in a savepoint rolled back at its end (also after a crash, which then fails it)."""
    cache.clear()  # the API's per-user throttle would count every example's request
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def check_form_post(client, url: str, data: dict, files: dict | None = None):
    """POST a form; no 500; a refusal writes nothing; a success (redirect) writes valid rows only."""
    with isolated():
        before = snapshot()
        response = client.post(url, {**data, **(files or {})})
        assert response.status_code < 500
        after = snapshot()
        if response.status_code in (301, 302, 303):
            assert_only_valid_rows_written(before, after)
        else:
            assert after == before, f"refused with {response.status_code}, yet the database changed"
    return response


def check_api_write(client, method: str, url: str, body: str):
    """Send a JSON body; no 500; a 400 names fields in an object and writes nothing."""
    with isolated():
        before = snapshot()
        response = client.generic(method, url, body, content_type="application/json")
        assert response.status_code < 500
        after = snapshot()
        if 200 <= response.status_code < 300:
            assert_only_valid_rows_written(before, after)
        else:
            assert after == before, f"refused with {response.status_code}, yet the database changed"
        if response.status_code == 400:
            errors = response.json()
            assert isinstance(errors, dict) and errors, errors
    return response


# --- Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pk_of(model, **lookup) -> str:
    return str(model.objects.get(**lookup).pk)


def management(prefix: str, total, initial="0") -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def row(prefix: str, index: int, values: dict) -> dict:
    return {f"{prefix}-{index}-{name}": value for name, value in values.items()}


@pytest.fixture
def member(client, alice, profile):
    """Alice signed in: her firm (pending verification) has a profile with one row in each section."""
    ProcessCapability.objects.create(
        profile=profile, process=Term.objects.get(kind="process", code="stamping")
    )
    Equipment.objects.create(profile=profile, machine_type="Máy dập 200 tấn", count=2)
    Product.objects.create(profile=profile, name="Khung ghế")
    Certificate.objects.create(
        profile=profile,
        standard=Term.objects.get(kind="certification", code="iso-9001"),
        expires_on=TODAY + datetime.timedelta(days=300),
    )
    client.force_login(alice)
    return client


@pytest.fixture
def sourcing(buyer, alice, firm):
    """An open request of the buyer with alice's verified firm ranked, shortlisted and invited."""
    supplier = verified_supplier(firm, certifications=("iatf-16949",))
    part_request = make_request(buyer, status="open", with_document=False)
    matching_services.recompute_requests([part_request])
    entry = matching_services.shortlist_add(request=part_request, supplier=supplier, by=buyer)
    [invitation] = matching_services.quote_invite(request=part_request, suppliers=[supplier], by=buyer)
    return part_request, supplier, entry, invitation


@pytest.fixture
def open_request(buyer):
    return make_request(buyer, status="open", with_document=False)


@pytest.fixture
def activity(db):
    """A training that builds IATF 16949, for the gap view's invitations."""
    agency = OrganisationFactory(name="Sở Công Thương thử", is_supplier=False, is_agency=True)
    programme = Programme.objects.create(kind="de-an", name="Đề án thử", lead_agency=agency)
    iatf = Term.objects.get(kind="certification", code="iatf-16949")
    return Activity.objects.create(
        programme=programme,
        kind="training-quality",
        title="IATF",
        starts_on=TODAY,
        organiser=agency,
        closes_gap=iatf,
    )


# --- 1. Web forms -----------------------------------------------------------------------------------


def identity_base() -> dict:
    return {
        "organisation-name": "Công ty TNHH Cơ khí Đông Á",
        "organisation-name_en": "Dong A Mechanical Co., Ltd",
        "organisation-province": pk_of(Province, code="48"),
        "organisation-website": "donga.vn",
        "trading_names": "Cơ khí Đông Á",
        "legal_form": "tnhh",
        "ownership": "domestic",
        "founded_year": "2008",
        "employees_band": "50-199",
        "commune": "Xã Tam Hiệp",
        "street": "Lô 5, KCN Chu Lai",
        "description": "Dập, hàn và sơn tĩnh điện.",
        "description_en": "Stamping and welding.",
        "contact_name": "Nguyễn Văn An",
        "contact_email": "an@donga.vn",
        "contact_phone": "0235 3567 890",
        "contacts_private": "on",
        "has_cnht_incentive_certificate": "on",
        "sectors": [pk_of(Sector, code="automotive")],
        "vsic_codes": [pk_of(VsicCode, code="2591", version="2025")],
    }


@FUZZ
@given(data=st.data())
def test_the_identity_section_never_fails_or_half_saves(member, data):
    base = identity_base()
    check_form_post(member, reverse("suppliers:profile_edit"), data.draw(form_posts(base)))


def process_base(existing: ProcessCapability) -> dict:
    return {
        **management("processes", "2", "1"),
        **row("processes", 0, {"id": str(existing.pk), "process": str(existing.process_id)}),
        **row(
            "processes",
            1,
            {
                "process": pk_of(Term, kind="process", code="mig-mag-welding"),
                "monthly_capacity": "5000",
                "capacity_unit": "pcs",
                "best_tolerance_mm": "0.05",
                "max_part_size_mm": "1200",
                "max_part_weight_kg": "12.5",
            },
        ),
        "materials": [pk_of(Term, kind="material", code="cold-rolled-steel")],
    }


COUNTS = st.sampled_from(["0", "1", "2", "3", "-1", "", "abc", "1e3", "\x00", "2.0", "١"])


@FUZZ
@given(data=st.data())
def test_the_processes_section_never_fails_or_half_saves(member, profile, data):
    base = process_base(profile.processes.get())
    fuzzed = {"processes-TOTAL_FORMS": COUNTS, "processes-INITIAL_FORMS": COUNTS, "processes-0-DELETE": FIELD}
    check_form_post(member, reverse("suppliers:profile_processes"), data.draw(form_posts(base, fuzzed)))


@FUZZ
@given(data=st.data())
def test_the_equipment_section_never_fails_or_half_saves(member, profile, data):
    existing = profile.equipment.get()
    base = {
        **management("equipment", "2", "1"),
        **row("equipment", 0, {"id": str(existing.pk), "machine_type": existing.machine_type, "count": "2"}),
        **row(
            "equipment",
            1,
            {"machine_type": "Máy hàn MIG", "make": "Panasonic", "count": "3", "key_spec": "350 A"},
        ),
    }
    fuzzed = {"equipment-TOTAL_FORMS": COUNTS, "equipment-0-id": FIELD, "equipment-0-DELETE": FIELD}
    check_form_post(member, reverse("suppliers:profile_equipment"), data.draw(form_posts(base, fuzzed)))


@FUZZ
@given(data=st.data())
def test_the_products_section_never_fails_or_half_saves(member, profile, data):
    existing = profile.products.get()
    group = ProductGroup.objects.order_by("pk").first()
    base = {
        **management("products", "2", "1"),
        **row("products", 0, {"id": str(existing.pk), "name": existing.name}),
        **row(
            "products", 1, {"name": "Giá đỡ cản", "name_en": "Bumper bracket", "product_group": str(group.pk)}
        ),
        "main_customers": "THACO\nVinFast",
        "customers_private": "on",
        "export_markets": "Nhật Bản",
        "spare_capacity_percent": "30",
        "spare_capacity_as_of": TODAY.isoformat(),
    }
    fuzzed = {"products-TOTAL_FORMS": COUNTS}
    check_form_post(member, reverse("suppliers:profile_products"), data.draw(form_posts(base, fuzzed)))


@FUZZ
@given(data=st.data())
def test_the_certificates_section_never_fails_or_half_saves(member, profile, data):
    existing = profile.certificates.get()
    base = {
        **management("certificates", "2", "1"),
        **row(
            "certificates",
            0,
            {
                "id": str(existing.pk),
                "standard": str(existing.standard_id),
                "expires_on": existing.expires_on.isoformat(),
            },
        ),
        **row(
            "certificates",
            1,
            {
                "standard": pk_of(Term, kind="certification", code="iatf-16949"),
                "number": "IATF-0001",
                "issuing_body": "TÜV Rheinland",
                "issued_on": "2024-01-15",
                "expires_on": LATER,
                "scope": "Dập và hàn",
            },
        ),
    }
    check_form_post(member, reverse("suppliers:profile_certificates"), data.draw(form_posts(base)))


UPLOADS = st.tuples(
    st.one_of(
        st.sampled_from(["scan.pdf", "photo.JPG", "x.png", "noext", ".pdf", "a.pdf.exe", "ả" * 300 + ".pdf"]),
        st.text(min_size=1, max_size=40).filter(lambda n: n.strip("\x00/\\.") != ""),
    ),
    st.one_of(st.just(PDF_BYTES), st.binary(max_size=64), st.binary(max_size=16).map(lambda b: b"%PDF-" + b)),
)


@FEW
@given(data=st.data(), upload=UPLOADS)
def test_the_documents_section_never_fails_or_half_saves(member, data, upload):
    name, content = upload
    base = {"kind": "photo", "title": "Xưởng dập", "is_private": "on"}
    files = {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}
    check_form_post(member, reverse("suppliers:profile_documents"), data.draw(form_posts(base)), files)


def registration_base() -> dict:
    return {
        "tax_code": "0402468133",
        "name": "Công ty TNHH Cơ khí Chính xác Núi Thành",
        "province": pk_of(Province, code="48"),
        "first_name": "Lan",
        "last_name": "Nguyễn Thị",
        "position": "Giám đốc",
        "email": "lan@nuithanh.vn",
        "phone": "0905 123 456",
        "password1": "tam-ky-chu-lai-stamping",
        "password2": "tam-ky-chu-lai-stamping",
    }


@FUZZ
@given(data=st.data())
def test_registration_never_fails_or_half_saves(client, db, data):
    check_form_post(client, reverse("suppliers:register"), data.draw(form_posts(registration_base())))


@FEW
@given(data=st.data())
def test_inviting_a_colleague_never_fails_or_half_saves(member, data):
    base = {"email": "binh@donga.vn", "role": "member"}
    check_form_post(member, reverse("suppliers:member_invite"), data.draw(form_posts(base)))


def part_request_base() -> dict:
    return {
        "title": "Giá đỡ cản trước",
        "title_en": "Front bumper bracket",
        "description": "Thép SPCC dày 2 mm",
        "description_en": "",
        "product_group": str(ProductGroup.objects.order_by("pk").first().pk),
        "required_processes": [pk_of(Term, kind="process", code="stamping")],
        "optional_processes": [pk_of(Term, kind="process", code="mig-mag-welding")],
        "materials": [pk_of(Term, kind="material", code="cold-rolled-steel")],
        "required_certifications": [pk_of(Term, kind="certification", code="iatf-16949")],
        "annual_volume": "24000",
        "volume_unit": "pcs",
        "tolerance_mm": "0.1",
        "part_size_mm": "450",
        "part_weight_kg": "1.2",
        "delivery_province": pk_of(Province, code="48"),
        "response_deadline": SOON,
        "needed_by": LATER,
        "visibility": "verified",
    }


@FUZZ
@given(data=st.data())
def test_posting_a_part_request_never_fails_or_half_saves(client, buyer, data):
    client.force_login(buyer)
    check_form_post(client, reverse("matching:request_create"), data.draw(form_posts(part_request_base())))


@FUZZ
@given(data=st.data())
def test_editing_a_part_request_never_fails_or_half_saves(client, buyer, open_request, data):
    client.force_login(buyer)
    url = reverse("matching:request_edit", args=[open_request.pk])
    check_form_post(client, url, data.draw(form_posts(part_request_base())))


@FUZZ
@given(data=st.data())
def test_shortlist_notes_and_status_never_fail_or_half_save(client, buyer, sourcing, data):
    part_request, _supplier, entry, _invitation = sourcing
    client.force_login(buyer)
    prefix = f"entry-{entry.pk}"
    base = {
        f"{prefix}-status": "rejected",
        f"{prefix}-note": "Giá cao",
        f"{prefix}-rejection_reason": "Giá cao",
    }
    statuses = st.sampled_from([choice for choice, _label in ShortlistEntry.Status.choices])
    url = reverse("matching:shortlist_update", args=[part_request.pk, entry.pk])
    check_form_post(client, url, data.draw(form_posts(base, {f"{prefix}-status": statuses})))


@FEW
@given(data=st.data())
def test_inviting_suppliers_to_quote_never_fails_or_half_saves(client, buyer, sourcing, data):
    part_request, supplier, _entry, _invitation = sourcing
    client.force_login(buyer)
    base = {"supplier": [str(supplier.pk)], "message": "Xin báo giá trước 30/12"}
    url = reverse("matching:quote_invite", args=[part_request.pk])
    check_form_post(client, url, data.draw(form_posts(base)))


@FEW
@given(data=st.data())
def test_declaring_interest_never_fails_or_half_saves(client, alice, sourcing, data):
    part_request = sourcing[0]
    client.force_login(alice)
    url = reverse("matching:interest_declare", args=[part_request.pk])
    check_form_post(client, url, data.draw(form_posts({"note": "Chúng tôi dập được."})))


@FUZZ
@given(data=st.data())
def test_answering_an_invitation_never_fails_or_half_saves(client, alice, sourcing, data):
    invitation = sourcing[3]
    client.force_login(alice)
    base = {"answer": "declined", "decline_reason": "Hết công suất"}
    answers = st.sampled_from(["interested", "declined", "quoted", "pending"])
    url = reverse("matching:invitation_answer", args=[invitation.pk])
    check_form_post(client, url, data.draw(form_posts(base, {"answer": answers})))


@FUZZ
@given(data=st.data())
def test_the_quotation_form_never_fails_or_half_saves(client, alice, sourcing, data):
    invitation = sourcing[3]
    client.force_login(alice)
    base = {
        "unit_price": "12500",
        "currency": "VND",
        "lead_time_days": "30",
        "valid_until": SOON,
        "notes": "FOB",
    }
    url = reverse("matching:invitation_quote", args=[invitation.pk])
    check_form_post(client, url, data.draw(form_posts(base)))


@FEW
@given(data=st.data())
def test_inviting_firms_to_a_programme_activity_never_fails_or_half_saves(
    client, staff, firm, activity, data
):
    """The programme side's one form outside the admin: staff invite near-miss firms from a gap."""
    client.force_login(staff)
    base = {"activity": str(activity.pk), "firm": [str(firm.pk)]}
    url = reverse("programs:gap_invite", args=[f"certification-{activity.closes_gap_id}"])
    check_form_post(client, url, data.draw(form_posts(base)))


# --- 2. The JSON API --------------------------------------------------------------------------------

JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
JSON = st.recursive(
    JSON_SCALAR,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=8,
)


def json_bodies(valid: dict) -> st.SearchStrategy[str]:
    """A JSON body: known fields with valid or random values (most often), any JSON, or not JSON."""
    known = st.fixed_dictionaries(
        {}, optional={name: st.one_of(st.just(value), JSON) for name, value in valid.items()}
    )
    extra = st.dictionaries(st.sampled_from([*valid, "id", "status", "buyer", "\x00", ""]), JSON, max_size=2)
    objects = st.tuples(known, extra).map(lambda parts: {**parts[0], **parts[1]})
    return st.one_of(
        objects.map(json.dumps),
        objects.map(json.dumps),
        objects.map(json.dumps),
        JSON.map(json.dumps),  # NaN and Infinity included: not JSON, as a careless client writes them
        st.text(max_size=40),
    )


PROFILE_FIELDS = {
    "description": "Dập và hàn",
    "contact_email": "an@donga.vn",
    "contact_phone": "0235 3567 890",
    "contacts_private": True,
    "employees_band": "50-199",
    "founded_year": 2008,
    "export_markets": "Nhật Bản",
    "trading_names": ["Cơ khí Đông Á", "DONGA MECH"],
    "main_customers": ["THACO"],
    "spare_capacity_percent": 30,
    "spare_capacity_as_of": TODAY.isoformat(),
    "commune": "Xã Tam Hiệp",
    "street": "Lô 5",
    "sectors": ["automotive"],
    "materials": ["cold-rolled-steel"],
}


@FUZZ
@given(body=json_bodies(PROFILE_FIELDS))
def test_patching_the_own_profile_through_the_api_never_fails_or_half_saves(member, body):
    check_api_write(member, "PATCH", reverse("suppliers_api:supplier-me"), body)


PART_REQUEST_FIELDS = {
    "title": "Giá đỡ cản trước",
    "description": "Thép SPCC",
    "required_processes": ["stamping"],
    "optional_processes": ["mig-mag-welding"],
    "materials": ["cold-rolled-steel"],
    "required_certifications": ["iatf-16949"],
    "delivery_province": "48",
    "annual_volume": "24000",
    "tolerance_mm": 0.1,
    "part_size_mm": 450,
    "part_weight_kg": "1.2",
    "response_deadline": SOON,
    "needed_by": LATER,
    "visibility": "invited",
    "volume_unit": "pcs",
}


@FUZZ
@given(body=json_bodies(PART_REQUEST_FIELDS))
def test_creating_a_part_request_through_the_api_never_fails_or_half_saves(client, buyer, body):
    client.force_login(buyer)
    check_api_write(client, "POST", reverse("matching_api:part-request-list"), body)


@FUZZ
@given(body=json_bodies(PART_REQUEST_FIELDS))
def test_changing_a_part_request_through_the_api_never_fails_or_half_saves(client, buyer, open_request, body):
    client.force_login(buyer)
    check_api_write(
        client, "PATCH", reverse("matching_api:part-request-detail", args=[open_request.pk]), body
    )


@FUZZ
@given(data=st.data())
def test_the_sourcing_api_never_fails_or_half_saves(client, buyer, alice, sourcing, charlie, data):
    """Shortlist entries, invitations, answers, quotations, interest and closing, in one test."""
    part_request, supplier, entry, invitation = sourcing
    other = charlie.memberships.get().organisation
    writes = {
        "shortlist-add": (
            buyer,
            "POST",
            reverse("matching_api:shortlist-entry-list"),
            {"request": part_request.pk, "supplier": supplier.pk},
        ),
        "shortlist-update": (
            buyer,
            "PATCH",
            reverse("matching_api:shortlist-entry-detail", args=[entry.pk]),
            {"status": "rejected", "note": "Giá cao", "rejection_reason": "Giá cao"},
        ),
        "invite": (
            buyer,
            "POST",
            reverse("matching_api:invitation-list"),
            {"request": part_request.pk, "suppliers": [supplier.pk], "message": "Xin báo giá"},
        ),
        "answer": (
            alice,
            "POST",
            reverse("matching_api:invitation-answer", args=[invitation.pk]),
            {"answer": "declined", "decline_reason": "Hết công suất"},
        ),
        "quote": (
            alice,
            "POST",
            reverse("matching_api:invitation-quote", args=[invitation.pk]),
            {
                "unit_price": "12500",
                "currency": "VND",
                "lead_time_days": 30,
                "valid_until": SOON,
                "notes": "FOB",
            },
        ),
        "interest": (
            alice,
            "POST",
            reverse("matching_api:part-request-interest", args=[part_request.pk]),
            {"note": "Chúng tôi dập được."},
        ),
        "close": (
            buyer,
            "POST",
            reverse("matching_api:part-request-close", args=[part_request.pk]),
            {"awarded_to": other.pk},
        ),
    }
    user, method, url, valid = writes[data.draw(st.sampled_from(sorted(writes)))]
    client.force_login(user)
    check_api_write(client, method, url, data.draw(json_bodies(valid)))


# --- 3. The supplier import -------------------------------------------------------------------------

HEADERS = [column.header for column in COLUMNS]
GOOD_CELLS = {
    "tax_code": ["", "0401111116", "0402468133", "4001234569-001", "401111116"],
    "name": ["Công ty TNHH Cơ khí Đông Á", "Cong ty Co phan Nhua Tam Ky", "Cơ khí Hòa Khánh"],
    "name_en": ["", "Hoa Khanh Mechanical"],
    "province": ["48", "Đà Nẵng", "Thanh pho Ha Noi", "Quảng Nam", "79"],
    "sectors": ["", "automotive", "mechanical; automotive"],
    "processes": ["", "dap", "stamping; welding", "ep nhua"],
    "materials": ["", "SPCC", "nhom"],
    "certifications": ["", "IATF 16949 (2027-05-31)", "ISO 9001 (31/12/2026); IATF 16949 (2027-05-31)"],
    "email": ["", "info@hoakhanh.vn"],
    "phone": ["", "0236 3733 999"],
    "description": ["", "Gia công cơ khí chính xác"],
    "employees_band": ["", "50-199", "120", "500+"],
}
CELL = st.one_of(st.none(), TEXT, st.integers(), st.floats(allow_nan=False), st.dates())


def import_rows():
    """Rows of firms: each cell a plausible value (or a unique name) or anything at all."""

    def cell(key):
        plausible = st.sampled_from(GOOD_CELLS[key])
        if key == "name":
            plausible = st.one_of(plausible, st.text(alphabet=VIETNAMESE, min_size=3, max_size=30))
        return st.one_of(plausible, plausible, CELL)

    row_strategy = st.fixed_dictionaries({column.key: cell(column.key) for column in COLUMNS})
    return st.lists(row_strategy, min_size=1, max_size=6)


def csv_bytes(rows: list[dict], delimiter: str, header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for cells in rows:
        writer.writerow(["" if cells[c.key] is None else cells[c.key] for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict], header: list[str]) -> bytes:
    sheet_book = openpyxl.Workbook()
    sheet = sheet_book.active
    # A spreadsheet cannot hold control characters: Excel never writes them.
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", name) for name in header])
    for cells in rows:
        values = [cells[c.key] for c in COLUMNS]
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    out = io.BytesIO()
    sheet_book.save(out)
    return out.getvalue()


def corrupted(xlsx: bytes, member_index: int, garbage: bytes) -> bytes:
    """The workbook with one of its parts replaced by other bytes (a damaged download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for index, name in enumerate(names):
            target.writestr(name, garbage if index == member_index % len(names) else source.read(name))
    return out.getvalue()


HEADER = st.one_of(
    st.just(HEADERS),
    st.permutations(HEADERS).map(lambda h: [*h, "Ghi chú"]),
    st.lists(st.one_of(st.sampled_from(HEADERS), TEXT), min_size=1, max_size=14),
)


@st.composite
def import_files(draw) -> tuple[bytes, str]:
    rows, header = draw(import_rows()), draw(HEADER)
    kind = draw(st.sampled_from(["csv", "csv", "xlsx", "xlsx", "broken-xlsx", "raw"]))
    if kind == "csv":
        return csv_bytes(rows, draw(st.sampled_from(",;\t")), header), "firms.csv"
    xlsx = xlsx_bytes(rows, header)
    if kind == "xlsx":
        return xlsx, "firms.xlsx"
    if kind == "broken-xlsx":
        return corrupted(xlsx, draw(st.integers(0, 20)), draw(st.binary(max_size=200))), "firms.xlsx"
    raw = draw(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
    return ",".join(HEADERS).encode() + b"\n" + raw, draw(
        st.sampled_from(["firms.csv", "firms.xlsx", "firms"])
    )


def check_import(data: bytes, filename: str) -> None:
    """Import for real: all good rows committed, or nothing written and every problem reported."""
    with isolated():
        before = snapshot()
        report = import_suppliers(data, dry_run=False, source=filename)
        report_lines(report)  # what staff read must render too
        after = snapshot()
        if report.committed:
            assert report.ok
            added = after[Organisation].keys() - before[Organisation].keys()
            assert len(added) == len(report.new_rows) == len(report.created_profile_ids)
            assert_only_valid_rows_written(before, after)
        else:
            assert after == before, "a refused import wrote to the database"
            assert report.file_errors or report.bad_rows
            for bad in report.bad_rows:
                assert bad.errors and bad.row_number >= 2


@FUZZ
@given(upload=import_files())
def test_an_import_commits_every_good_row_or_none_and_never_fails(firm, upload):
    check_import(*upload)


@FEW
@given(upload=import_files())
def test_the_admin_import_never_fails_or_half_saves(client, staff, firm, upload):
    data, filename = upload
    client.force_login(staff)
    url = reverse("admin:suppliers_supplierprofile_import")
    with isolated():
        before = snapshot()
        preview = client.post(url, {"file": SimpleUploadedFile(filename, data)})
        assert preview.status_code < 500
        assert snapshot() == before  # the preview writes nothing
        confirmed = client.post(url, {"confirm": "1"})
        assert confirmed.status_code < 500
        after = snapshot()
        if confirmed.status_code == 302 and after != before:
            assert_only_valid_rows_written(before, after)
