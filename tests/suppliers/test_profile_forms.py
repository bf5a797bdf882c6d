"""The profile's edit sections: each saves through a service, keeps typed values on errors, own firm only."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import ProductGroup, Province, Sector, Term, VsicCode
from suppliers.models import Certificate, Document, Equipment, ProcessCapability, Product
from suppliers.signals import capabilities_changed


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read messages outside a request (lazy form errors, services): in English."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"
SECTION_URLS = [
    "suppliers:profile_edit",
    "suppliers:profile_processes",
    "suppliers:profile_equipment",
    "suppliers:profile_products",
    "suppliers:profile_certificates",
    "suppliers:profile_documents",
]


def term(kind: str, code: str) -> Term:
    return Term.objects.get(kind=kind, code=code)


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """POST data of an inline formset: the management form and each row's fields."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def changes():
    """The profile ids announced by ``profile_changed`` during the test."""
    sent: list[int] = []

    def receiver(sender, profile_id, **kwargs):
        sent.append(profile_id)

    capabilities_changed.connect(receiver)
    yield sent
    capabilities_changed.disconnect(receiver)


@pytest.fixture
def signed_in(client, alice, profile):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    return client


def identity_data(**overrides) -> dict:
    data = {
        "organisation-name": "Công ty TNHH Cơ khí Đông Á",
        "organisation-name_en": "Dong A Mechanical Co., Ltd",
        "organisation-province": str(Province.objects.get(code="48").pk),
        "organisation-website": "https://donga.vn",
        "trading_names": "Cơ khí Đông Á\nDONGA MECH",
        "legal_form": "tnhh",
        "ownership": "domestic",
        "founded_year": "2008",
        "employees_band": "50-199",
        "commune": "Xã Tam Hiệp",
        "street": "Lô 5, KCN THACO Chu Lai",
        "description": "Dập, hàn và sơn tĩnh điện chi tiết khung xe tải.",
        "description_en": "Stamping, welding and powder coating of truck frame parts.",
        "contact_name": "Nguyễn Văn An",
        "contact_email": "an@donga.vn",
        "contact_phone": "0235 3567 890",
        "sectors": [
            str(Sector.objects.get(code="automotive").pk),
            str(Sector.objects.get(code="mechanical").pk),
        ],
        "vsic_codes": [str(VsicCode.objects.get(code="2591", version="2025").pk)],
        "has_cnht_incentive_certificate": "on",
    }
    data.update(overrides)
    return data


# --- Who may edit -------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", SECTION_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", SECTION_URLS)
def test_people_without_a_supplier_firm_get_a_404(client, buyer, url_name):
    client.force_login(buyer)
    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("url_name", SECTION_URLS)
def test_every_section_shows_the_firms_own_profile_with_the_section_nav(client, alice, profile, url_name):
    client.force_login(alice)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["profile"] == profile
    content = response.content.decode()
    assert 'data-testid="section-nav"' in content
    assert 'data-testid="completeness"' in content
    assert f'aria-current="page" href="{reverse(url_name)}"' in content


def test_a_colleague_edits_the_firms_profile(client, bob, profile, changes):
    client.force_login(bob)
    response = client.post(reverse("suppliers:profile_edit"), identity_data(description="Bob wrote this."))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.description == "Bob wrote this."
    assert changes == [profile.pk]


def test_another_firm_posting_to_the_same_urls_changes_only_its_own_profile(
    client, charlie, profile, other_profile
):
    stamping = ProcessCapability.objects.create(profile=profile, process=term("process", "stamping"))
    client.force_login(charlie)
    client.post(reverse("suppliers:profile_edit"), identity_data(description="Charlie's text."))
    client.post(
        reverse("suppliers:profile_processes"),
        formset("processes", [{"id": str(stamping.pk), "process": str(term("process", "welding").pk)}], 1),
    )
    profile.refresh_from_db()
    other_profile.refresh_from_db()
    assert profile.description == ""
    assert profile.organisation.name == "Công ty TNHH Cơ khí Đông Á"
    assert other_profile.description == "Charlie's text."
    stamping.refresh_from_db()
    assert stamping.profile == profile and stamping.process.code == "stamping"
    assert not ProcessCapability.objects.filter(profile=other_profile).exists()


# --- Identity -----------------------------------------------------------------------------------


def test_the_identity_section_saves_and_rebuilds_the_search_document(signed_in, profile, changes):
    response = signed_in.post(reverse("suppliers:profile_edit"), identity_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:profile_edit")
    profile.refresh_from_db()
    organisation = profile.organisation
    assert organisation.name_en == "Dong A Mechanical Co., Ltd"
    assert organisation.website == "https://donga.vn"
    assert (profile.founded_year, profile.employees_band, profile.legal_form) == (2008, "50-199", "tnhh")
    assert profile.contact_email == "an@donga.vn"
    assert profile.has_cnht_incentive_certificate
    assert {s.code for s in profile.sectors.all()} == {"automotive", "mechanical"}
    assert [v.code for v in profile.vsic_codes.all()] == ["2591"]
    assert "son tinh dien" in profile.search_document
    assert "donga mech" in profile.search_document
    assert changes == [profile.pk]


def test_the_tax_code_is_shown_but_cannot_be_changed(signed_in, profile):
    organisation = profile.organisation
    organisation.tax_code = "4001234569"
    organisation.save()
    content = signed_in.get(reverse("suppliers:profile_edit")).content.decode()
    assert re.search(r'data-testid="tax-code">\s*4001234569', content)
    signed_in.post(
        reverse("suppliers:profile_edit"), identity_data(**{"organisation-tax_code": "0100233488"})
    )
    organisation.refresh_from_db()
    assert organisation.tax_code == "4001234569"


@pytest.mark.parametrize("year", ["1899", str(timezone.localdate().year + 1)])
def test_a_founded_year_out_of_range_is_refused_and_the_typed_values_are_kept(
    signed_in, profile, changes, year
):
    response = signed_in.post(
        reverse("suppliers:profile_edit"), identity_data(founded_year=year, description="Mô tả mới")
    )
    assert response.status_code == 200
    this_year = timezone.localdate().year
    assert response.context["form"].errors["founded_year"] == [f"Enter a year between 1900 and {this_year}."]
    content = response.content.decode()
    # The error sits right after the invalid field, and what was typed is still there.
    field = re.search(r'<input[^>]*name="founded_year"[^>]*>', content).group(0)
    assert f'value="{year}"' in field and "is-invalid" in field
    assert re.search(
        r'id="id_founded_year"[^>]*>\s*<div class="invalid-feedback d-block">Enter a year', content
    )
    assert "Mô tả mới</textarea>" in content
    assert response.context["organisation_form"]["website"].value() == "https://donga.vn"
    profile.refresh_from_db()
    assert profile.description == "" and profile.founded_year is None
    assert changes == []


def test_this_year_and_1900_are_accepted_as_founded_years(signed_in, profile):
    for year in (1900, timezone.localdate().year):
        assert (
            signed_in.post(
                reverse("suppliers:profile_edit"), identity_data(founded_year=str(year))
            ).status_code
            == 302
        )
        profile.refresh_from_db()
        assert profile.founded_year == year


def test_an_organisation_without_a_name_is_refused_next_to_the_name(signed_in, profile):
    response = signed_in.post(reverse("suppliers:profile_edit"), identity_data(**{"organisation-name": ""}))
    assert response.status_code == 200
    assert "name" in response.context["organisation_form"].errors
    assert response.context["form"]["contact_name"].value() == "Nguyễn Văn An"
    assert "Công ty TNHH Cơ khí Đông Á</h1>" in response.content.decode()  # the saved name, not the typed one
    profile.organisation.refresh_from_db()
    assert profile.organisation.name == "Công ty TNHH Cơ khí Đông Á"


# --- Processes ----------------------------------------------------------------------------------


def process_row(code: str, **fields) -> dict:
    return {"process": str(term("process", code).pk), "capacity_unit": "pcs", **fields}


def test_the_processes_section_saves_rows_materials_and_practices(signed_in, profile, changes):
    data = formset(
        "processes",
        [
            process_row(
                "stamping", monthly_capacity="50000", best_tolerance_mm="0.05", max_part_size_mm="1200"
            ),
            process_row("mig-mag-welding", monthly_capacity="8000", max_part_weight_kg="35.5"),
        ],
    )
    data["materials"] = [str(term("material", "sus304").pk), str(term("material", "aluminium").pk)]
    data["practices"] = [str(term("practice", "5s").pk)]
    response = signed_in.post(reverse("suppliers:profile_processes"), data)
    assert response.status_code == 302
    rows = {row.process.code: row for row in profile.processes.select_related("process")}
    assert set(rows) == {"stamping", "mig-mag-welding"}
    assert rows["stamping"].monthly_capacity == 50000
    assert str(rows["stamping"].best_tolerance_mm) == "0.0500"
    assert rows["mig-mag-welding"].max_part_weight_kg == pytest.approx(35.5)
    assert {m.code for m in profile.materials.all()} == {"sus304", "aluminium"}
    assert [p.code for p in profile.practices.all()] == ["5s"]
    profile.refresh_from_db()
    assert "dap" in profile.search_document.split()  # "dập", the Vietnamese name of stamping
    assert changes == [profile.pk]


def test_the_process_select_is_grouped_by_process_group(signed_in):
    content = signed_in.get(reverse("suppliers:profile_processes")).content.decode()
    select = re.search(r'<select name="processes-0-process".*?</select>', content, re.S).group(0)
    assert select.count("<optgroup") >= 5
    assert re.search(r'<optgroup label="Forming[^"]*">.*?Stamping.*?</optgroup>', select, re.S)


def test_rows_are_edited_and_deleted(signed_in, profile, changes):
    stamping = ProcessCapability.objects.create(profile=profile, process=term("process", "stamping"))
    welding = ProcessCapability.objects.create(profile=profile, process=term("process", "mig-mag-welding"))
    data = formset(
        "processes",
        [
            {**process_row("stamping", monthly_capacity="1000"), "id": str(stamping.pk)},
            {**process_row("mig-mag-welding"), "id": str(welding.pk), "DELETE": "on"},
        ],
        initial=2,
    )
    assert signed_in.post(reverse("suppliers:profile_processes"), data).status_code == 302
    assert list(profile.processes.all()) == [stamping]
    stamping.refresh_from_db()
    assert stamping.monthly_capacity == 1000
    profile.refresh_from_db()
    assert "han" not in profile.search_document.split()
    assert changes == [profile.pk]


def test_the_same_process_twice_is_a_formset_error_not_a_server_error(signed_in, profile, changes):
    data = formset(
        "processes",
        [process_row("stamping", monthly_capacity="10"), process_row("stamping", monthly_capacity="20")],
    )
    response = signed_in.post(reverse("suppliers:profile_processes"), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert 'data-testid="formset-errors"' in response.content.decode()
    # Both typed rows are still on the page.
    assert response.context["formset"].forms[1]["monthly_capacity"].value() == "20"
    assert not profile.processes.exists()
    assert changes == []


def test_adding_a_process_the_firm_already_has_is_an_error_not_a_server_error(signed_in, profile):
    existing = ProcessCapability.objects.create(profile=profile, process=term("process", "stamping"))
    data = formset(
        "processes",
        [{**process_row("stamping"), "id": str(existing.pk)}, process_row("stamping", monthly_capacity="5")],
        initial=1,
    )
    response = signed_in.post(reverse("suppliers:profile_processes"), data)
    assert response.status_code == 200
    assert not response.context["formset"].is_valid()
    assert profile.processes.count() == 1


def test_a_negative_capacity_is_refused_next_to_the_field(signed_in, profile):
    data = formset("processes", [process_row("stamping", monthly_capacity="-5")])
    response = signed_in.post(reverse("suppliers:profile_processes"), data)
    assert response.status_code == 200
    assert "monthly_capacity" in response.context["formset"].forms[0].errors
    assert 'name="processes-0-monthly_capacity" value="-5"' in response.content.decode()


def test_a_material_that_is_not_a_material_is_refused(signed_in, profile):
    data = formset("processes", [])
    data["materials"] = [str(term("process", "stamping").pk)]
    response = signed_in.post(reverse("suppliers:profile_processes"), data)
    assert response.status_code == 200
    assert "materials" in response.context["form"].errors
    assert not profile.materials.exists()


# --- Equipment and products ---------------------------------------------------------------------


def test_the_equipment_section_saves(signed_in, profile, changes):
    data = formset(
        "equipment",
        [
            {"machine_type": "Máy dập", "make": "Amada", "count": "4", "key_spec": "200 t"},
            {"machine_type": "", "make": "", "count": "1", "key_spec": ""},  # the blank extra row
        ],
    )
    assert signed_in.post(reverse("suppliers:profile_equipment"), data).status_code == 302
    machine = Equipment.objects.get(profile=profile)
    assert (machine.machine_type, machine.count, machine.key_spec) == ("Máy dập", 4, "200 t")
    assert changes == [profile.pk]


def test_equipment_without_a_machine_type_is_refused(signed_in, profile):
    data = formset("equipment", [{"machine_type": "", "make": "Amada", "count": "2"}])
    response = signed_in.post(reverse("suppliers:profile_equipment"), data)
    assert response.status_code == 200
    assert "machine_type" in response.context["formset"].forms[0].errors
    assert 'value="Amada"' in response.content.decode()
    assert not Equipment.objects.exists()


def products_data(**market) -> dict:
    group = ProductGroup.objects.get(code="sheet-metal-welded")
    data = formset(
        "products", [{"name": "Khung ghế", "name_en": "Seat frame", "product_group": str(group.pk)}]
    )
    data.update(
        {
            "main_customers": "THACO Industries\nVinFast",
            "customers_private": "on",
            "export_markets": "Nhật Bản, Hoa Kỳ",
            "spare_capacity_percent": "30",
            "spare_capacity_as_of": timezone.localdate().isoformat(),
            **market,
        }
    )
    return data


def test_the_products_section_saves_products_customers_and_spare_capacity(signed_in, profile, changes):
    assert signed_in.post(reverse("suppliers:profile_products"), products_data()).status_code == 302
    product = Product.objects.get(profile=profile)
    assert (product.name, product.product_group.code) == ("Khung ghế", "sheet-metal-welded")
    profile.refresh_from_db()
    assert profile.customers_private
    assert profile.main_customers == "THACO Industries\nVinFast"
    assert (profile.spare_capacity_percent, profile.spare_capacity_as_of) == (30, timezone.localdate())
    assert "khung ghe" in profile.search_document
    assert changes == [profile.pk]


@pytest.mark.parametrize(
    ("market", "field"),
    [
        ({"spare_capacity_percent": "120"}, "spare_capacity_percent"),
        (
            {"spare_capacity_as_of": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "spare_capacity_as_of",
        ),
        ({"spare_capacity_as_of": ""}, "spare_capacity_as_of"),
    ],
)
def test_spare_capacity_must_be_a_percentage_measured_on_a_past_day(signed_in, profile, market, field):
    response = signed_in.post(reverse("suppliers:profile_products"), products_data(**market))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert response.context["formset"].forms[0]["name"].value() == "Khung ghế"
    assert not Product.objects.exists()


# --- Certificates -------------------------------------------------------------------------------


def certificate_row(**fields) -> dict:
    return {
        "standard": str(term("certification", "iso-9001").pk),
        "number": "VN-QMS-1234",
        "issuing_body": "QUACERT",
        "issued_on": "2024-03-01",
        "expires_on": "2027-02-28",
        "scope": "Dập và hàn chi tiết ô tô",
        **fields,
    }


def test_the_certificates_section_saves_a_certificate_with_its_scan(
    signed_in, profile, settings, tmp_path, changes
):
    settings.MEDIA_ROOT = tmp_path
    data = formset("certificates", [certificate_row(scan=SimpleUploadedFile("ISO 9001.pdf", PDF_BYTES))])
    response = signed_in.post(reverse("suppliers:profile_certificates"), data)
    assert response.status_code == 302
    certificate = Certificate.objects.get(profile=profile)
    assert (certificate.number, certificate.expires_on) == ("VN-QMS-1234", datetime.date(2027, 2, 28))
    document = certificate.document
    assert (document.kind, document.original_name, document.organisation) == (
        Document.Kind.CERTIFICATE,
        "ISO 9001.pdf",
        profile.organisation,
    )
    assert changes and set(changes) == {profile.pk}


def test_an_expiry_before_the_issue_date_is_refused_next_to_the_expiry(signed_in, profile):
    data = formset("certificates", [certificate_row(issued_on="2025-06-01", expires_on="2025-05-31")])
    response = signed_in.post(reverse("suppliers:profile_certificates"), data)
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert form.errors["expires_on"] == ["The expiry date must be after the issue date."]
    assert form["number"].value() == "VN-QMS-1234"
    assert 'value="2025-05-31"' in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_saved(
    signed_in, profile, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = formset("certificates", [certificate_row(scan=SimpleUploadedFile("iso.pdf", b"<html></html>"))])
    response = signed_in.post(reverse("suppliers:profile_certificates"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["scan"] == [
        "The file's content does not match its extension."
    ]
    assert not Certificate.objects.exists() and not Document.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_an_expired_certificate_is_marked_expired_on_the_edit_page(signed_in, profile):
    Certificate.objects.create(
        profile=profile, standard=term("certification", "iso-9001"), expires_on=datetime.date(2020, 1, 1)
    )
    content = signed_in.get(reverse("suppliers:profile_certificates")).content.decode()
    assert content.count('data-testid="certificate-expired"') == 1


# --- Navigation and completeness ----------------------------------------------------------------


def test_suppliers_have_my_profile_in_the_navigation(signed_in, buyer, client):
    response = signed_in.get(reverse("home"))
    assert {"label": "My profile", "url": reverse("suppliers:profile_edit")} in response.context["nav_items"]
    client.force_login(buyer)
    assert reverse("suppliers:profile_edit") not in [
        item["url"] for item in client.get("/").context["nav_items"]
    ]


def test_the_edit_pages_list_what_is_missing(signed_in, profile):
    response = signed_in.get(reverse("suppliers:profile_edit"))
    completeness = response.context["completeness"]
    assert completeness.percent == 0
    assert "Add at least one process with its monthly capacity." in completeness.missing
    assert "Add at least one process with its monthly capacity." in response.content.decode()
    signed_in.post(
        reverse("suppliers:profile_processes"),
        formset("processes", [process_row("stamping", monthly_capacity="10")]),
    )
    after = signed_in.get(reverse("suppliers:profile_edit")).context["completeness"]
    assert after.percent > 0
    assert "Add at least one process with its monthly capacity." not in after.missing
