"""Importing supplier firms from CSV/XLSX (all or nothing), and exporting them in the same layout."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.core.management import CommandError, call_command
from django.utils import translation

from portal.models import Organisation, Province
from suppliers.importing import employees_band, export_file, import_suppliers, parse_date
from suppliers.models import PossibleDuplicate, SupplierProfile
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HEADER = "Mã số thuế,Tên doanh nghiệp,Tỉnh/Thành phố,Công nghệ,Chứng nhận\n"


@pytest.fixture(autouse=True)
def english():
    """Reasons are checked in English; the Vietnamese wording is the translators' to choose."""
    with translation.override("en"):
        yield


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def profile_named(name: str) -> SupplierProfile:
    return SupplierProfile.objects.select_related("organisation__province").get(organisation__name=name)


def test_a_good_csv_creates_the_firms_with_their_processes_materials_and_certificates():
    report = import_suppliers(DATA / "good_firms.csv", dry_run=False)

    assert report.ok and report.committed
    assert len(report.created_profile_ids) == 2
    stamping = profile_named("Cong ty TNHH Dap Chu Lai")
    organisation = stamping.organisation
    assert organisation.is_supplier
    assert organisation.tax_code == "0401111116"
    assert organisation.name_en == "Chu Lai Stamping Co. Ltd"
    assert organisation.province.code == "48"  # "Quảng Nam" merged into Đà Nẵng
    assert {c.process.code for c in stamping.processes.select_related("process")} == {"stamping", "welding"}
    assert {m.code for m in stamping.materials.all()} == {"cold-rolled-steel", "galvanised-steel"}
    assert {s.code for s in stamping.sectors.all()} == {"mechanical", "automotive"}
    certificates = {(c.standard.code, c.expires_on) for c in stamping.certificates.select_related("standard")}
    assert certificates == {
        ("iatf-16949", datetime.date(2027, 5, 31)),
        ("iso-9001", datetime.date(2026, 12, 31)),
    }
    assert stamping.contact_email == "info@dapchulai.vn"
    assert stamping.employees_band == "50-199"
    assert stamping.legal_form == "tnhh"
    assert stamping.verification_status == SupplierProfile.Verification.PENDING
    assert "dap" in stamping.search_document  # profile_changed ran

    plastics = profile_named("Cong ty Co phan Nhua Tam Ky")
    assert [c.process.code for c in plastics.processes.all()] == ["injection-moulding"]  # "ep nhua"
    assert {m.code for m in plastics.materials.all()} == {"pp", "abs"}
    assert plastics.employees_band == "50-199"  # a head count of 120
    assert plastics.legal_form == "cp"


def test_a_dry_run_lists_the_rows_it_would_create_and_writes_nothing():
    before = Organisation.objects.count()

    report = import_suppliers(DATA / "good_firms.csv", dry_run=True)

    assert report.ok and not report.committed
    assert [row.row_number for row in report.new_rows] == [2, 3]
    assert Organisation.objects.count() == before


def test_a_file_with_two_bad_rows_commits_nothing_and_reports_both_with_reasons():
    before = Organisation.objects.count()

    report = import_suppliers(DATA / "bad_rows.csv", dry_run=False)

    assert not report.ok and not report.committed
    assert Organisation.objects.count() == before  # rows 2 and 4 are good, yet not created
    assert [row.row_number for row in report.bad_rows] == [3, 5]
    third, fifth = (" | ".join(row.errors) for row in report.bad_rows)
    assert "Unknown process “xyz”" in third
    assert "Bad tax code “0401444440”" in third
    assert "The firm name is missing." in fifth
    assert "Unknown province “Atlantis”" in fifth
    assert "Bad expiry date “2026-02-30”" in fifth


def test_a_row_with_the_tax_code_of_an_existing_firm_is_kept_as_a_possible_duplicate():
    existing = OrganisationFactory(name="Công ty TNHH Một Tên Khác", tax_code="0401111116")

    report = import_suppliers(DATA / "good_firms.csv", dry_run=False, source="danh-sach.csv")

    assert report.committed
    assert not Organisation.objects.filter(name="Cong ty TNHH Dap Chu Lai").exists()
    assert Organisation.objects.filter(name="Cong ty Co phan Nhua Tam Ky").exists()
    flagged = PossibleDuplicate.objects.get()
    assert flagged.existing == existing
    assert flagged.reason == PossibleDuplicate.Reason.SAME_TAX_CODE
    assert flagged.row["name"] == "Cong ty TNHH Dap Chu Lai"
    assert flagged.row["row_number"] == 2
    assert flagged.source == "danh-sach.csv"


def test_the_same_name_in_the_same_province_is_a_possible_duplicate_whatever_the_legal_form(firm):
    # firm: "Công ty TNHH Cơ khí Đông Á" in Đà Nẵng, without a tax code.
    data = csv_file(",CO KHI DONG A,Da Nang,tien,", ",CO KHI DONG A,Ha Noi,tien,")

    report = import_suppliers(data, dry_run=False, source="dong-a.csv")

    assert report.committed
    flagged = PossibleDuplicate.objects.get()
    assert flagged.existing == firm
    assert flagged.reason == PossibleDuplicate.Reason.SAME_NAME_PROVINCE
    # Same name in another province is another firm.
    created = Organisation.objects.get(name="CO KHI DONG A")
    assert created.province.code == "01"


def test_the_same_firm_twice_in_one_file_is_a_bad_row():
    data = csv_file(
        "0401333334,Cong ty TNHH Tien Phay A,Da Nang,tien,",
        "0401333334,Cong ty TNHH Tien Phay B,Da Nang,phay,",
        ",Cong ty TNHH Han C,Hue,han,",
        ",Han C,Hue,han,",
    )

    report = import_suppliers(data, dry_run=False, source="twice.csv")

    assert not report.committed
    assert [(row.row_number, row.errors) for row in report.bad_rows] == [
        (3, ["Same tax code as row 2."]),
        (5, ["Same firm name and province as row 4."]),
    ]
    assert not Organisation.objects.filter(name__startswith="Cong ty TNHH Tien Phay").exists()


def test_an_xlsx_file_is_imported_like_a_csv():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["MST", "name", "Tinh/Thanh pho", "Cong nghe", "Chung nhan", "Ghi chú"])
    # Excel turns a tax code into a number and drops its leading zero.
    sheet.append(
        [401333334, "Công ty TNHH Cơ khí Núi Thành", "Quang Nam", "Tiện; phay", "ISO 9001 (31/12/2026)", "x"]
    )
    sheet.append([None, None, None, None, None, None])  # a blank row is skipped, numbering kept
    sheet.append(["0401555552", "Công ty TNHH Sơn Tam Hiệp", "48", "xyz", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    dry = import_suppliers(buffer.getvalue(), dry_run=True, source="firms.xlsx")
    assert [row.row_number for row in dry.bad_rows] == [4]
    assert dry.ignored_columns == ["Ghi chú"]

    sheet.delete_rows(4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_suppliers(buffer.getvalue(), dry_run=False, source="firms.xlsx")

    assert report.committed
    profile = profile_named("Công ty TNHH Cơ khí Núi Thành")
    assert profile.organisation.tax_code == "0401333334"
    assert {c.process.code for c in profile.processes.all()} == {"cnc-turning", "cnc-milling"}
    assert profile.certificates.get().expires_on == datetime.date(2026, 12, 31)


def test_a_semicolon_separated_csv_without_bom_is_read():
    data = csv_file(
        '0401333334;Cong ty TNHH Co khi Nui Thanh;Quang Nam;"tien; phay";',
        header="MST;Tên doanh nghiệp;Tỉnh;Công nghệ;Chứng nhận\n",
    )

    report = import_suppliers(data, dry_run=True, source="firms.csv")

    assert report.ok
    assert [term.code for term in report.new_rows[0].processes] == ["cnc-turning", "cnc-milling"]


def test_headers_match_without_case_or_diacritics_and_blank_lines_keep_the_row_numbers():
    data = csv_file(
        ",Cong ty TNHH Han Ky Ha,TP Da Nang,han,",
        "",
        ",Cong ty TNHH Tien Hoa Khanh,Da Nang,xyz,",
        header="MA SO THUE,TEN DOANH NGHIEP,tinh / thanh pho,CÔNG NGHỆ,chung nhan\n",
    )

    report = import_suppliers(data, dry_run=True, source="upper.csv")

    assert report.ignored_columns == []
    assert [row.row_number for row in report.new_rows] == [2]
    assert report.new_rows[0].province.code == "48"
    assert [row.row_number for row in report.bad_rows] == [4]


def test_a_file_that_is_not_utf8_or_lacks_the_name_column_is_refused():
    legacy = (
        csv_file(",Công ty TNHH Cơ khí Núi Thành,Quang Nam,,").decode().encode("cp1258", errors="replace")
    )
    assert import_suppliers(legacy, dry_run=True, source="old.csv").file_errors

    no_name = import_suppliers(b"MST,Province\n0401333334,48\n", dry_run=True, source="x.csv")
    assert not no_name.ok
    assert "no column for the firm name" in no_name.file_errors[0]


def test_a_certification_without_expiry_date_is_a_bad_row():
    data = csv_file(",Cong ty TNHH Han Ky Ha,Da Nang,han,ISO 9001; Chứng nhận UN-ECE (E-mark)")

    report = import_suppliers(data, dry_run=True, source="certs.csv")

    assert len(report.bad_rows[0].errors) == 2
    assert all("has no expiry date" in error for error in report.bad_rows[0].errors)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-05-31", datetime.date(2027, 5, 31)),
        ("31/05/2027", datetime.date(2027, 5, 31)),
        ("1/6/2027", datetime.date(2027, 6, 1)),
        ("31.12.2026", datetime.date(2026, 12, 31)),
        ("2026-02-30", None),
        ("05/31/2027", None),
        ("next year", None),
    ],
)
def test_expiry_dates_are_read_in_iso_or_day_month_year(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1-9", "1-9"), ("50–199", "50-199"), ("500+", "500+"), ("120", "50-199"), ("7", "1-9"), ("many", None)],
)
def test_employee_counts_are_read_as_bands_or_head_counts(text, expected):
    assert employees_band(text) == expected


def test_the_command_dry_run_commits_nothing_and_fails_on_bad_rows():
    before = Organisation.objects.count()
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_suppliers", str(DATA / "bad_rows.csv"), "--dry-run", stdout=out)

    assert "Row 3: Unknown process “xyz”." in out.getvalue()
    assert "Row 5: The firm name is missing." in out.getvalue()
    assert Organisation.objects.count() == before


def test_the_command_fails_on_bad_rows_without_dry_run_too_and_commits_nothing():
    before = Organisation.objects.count()

    with pytest.raises(CommandError):
        call_command("import_suppliers", str(DATA / "bad_rows.csv"), stdout=io.StringIO())

    assert Organisation.objects.count() == before


def test_the_command_imports_a_good_file_and_its_dry_run_does_not():
    call_command("import_suppliers", str(DATA / "good_firms.csv"), "--dry-run", stdout=io.StringIO())
    assert not Organisation.objects.filter(tax_code="0401111116").exists()

    out = io.StringIO()
    call_command("import_suppliers", str(DATA / "good_firms.csv"), stdout=out)

    assert Organisation.objects.filter(tax_code="0401111116").exists()
    assert "Firms created: 2." in out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_flags_every_firm_as_a_possible_duplicate(fmt):
    import_suppliers(DATA / "good_firms.csv", dry_run=False)
    profiles = SupplierProfile.objects.all()
    content, _type = export_file(profiles, fmt)

    report = import_suppliers(content, dry_run=False, source=f"export.{fmt}")

    assert report.ok, [row.errors for row in report.bad_rows]
    assert report.new_rows == []
    assert {d.existing.tax_code for d in report.duplicates} == {"0401111116", "0401222225"}
    assert PossibleDuplicate.objects.filter(reason=PossibleDuplicate.Reason.SAME_TAX_CODE).count() == 2
    # Everything exported was read back: the same processes, certificates and band.
    by_name = {d.row.name: d.row for d in report.duplicates}
    stamping = by_name["Cong ty TNHH Dap Chu Lai"]
    assert {t.code for t in stamping.processes} == {"stamping", "welding"}
    assert {(t.code, day) for t, day in stamping.certificates} == {
        ("iatf-16949", datetime.date(2027, 5, 31)),
        ("iso-9001", datetime.date(2026, 12, 31)),
    }
    assert stamping.employees_band == "50-199"
    assert stamping.province == Province.objects.get(code="48")


def test_the_csv_export_opens_in_excel_with_vietnamese_text():
    import_suppliers(DATA / "good_firms.csv", dry_run=False)

    content, content_type = export_file(SupplierProfile.objects.all(), "csv")

    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert "charset=utf-8" in content_type
    dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    assert dataset.headers[:4] == ["Mã số thuế", "Tên doanh nghiệp", "Tên tiếng Anh", "Tỉnh/Thành phố"]
    assert "Đà Nẵng" in dataset["Tỉnh/Thành phố"]
