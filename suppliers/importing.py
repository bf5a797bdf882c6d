"""Import supplier firms from a spreadsheet (CSV or XLSX), and export them in the same layout.

One row per firm; the first row holds the column headers. Row numbers in reports are those a
spreadsheet shows: the header is row 1, the first firm row 2.

Columns (the header may be any of the spellings listed, with or without diacritics, in any case;
the first spelling is the one an export writes, so an export can be imported again):

=====================================  ===========================================================
Header (aliases)                       Content
=====================================  ===========================================================
Mã số thuế (MST, tax_code)             Tax code: 10 digits, or 10 digits, a dash and a 3-digit
                                       branch. Optional; checked with its check digit when given.
                                       A 9-digit number gets back the leading zero a spreadsheet
                                       dropped.
Tên doanh nghiệp (name, Tên công ty)   Legal name in Vietnamese. Required.
Tên tiếng Anh (name_en)                English name.
Tỉnh/Thành phố (province, Tỉnh)        Required. A code ("48"), a name with or without diacritics
                                       ("Đà Nẵng", "Thanh pho Da Nang") or a province that merged on
                                       1/7/2025 ("Quảng Nam" → Đà Nẵng).
Lĩnh vực CNHT (sectors, Lĩnh vực)      CNHT sectors by code, Vietnamese or English name.
Công nghệ (processes)                  Processes: code, name or synonym ("dap", "ep nhua").
Vật liệu (materials)                   Materials: code, name or synonym ("SPCC", "nhom").
Chứng nhận (certifications)            Standard and expiry date in brackets, as 2027-05-31 or
                                       31/05/2027: "IATF 16949 (2027-05-31); ISO 9001 (31/12/2026)".
Email (E-mail)                         Contact e-mail address.
Điện thoại (phone)                     Contact phone.
Mô tả (description)                    Description in Vietnamese.
Số lao động (employees_band)           1-9, 10-49, 50-199, 200-499, 500+ or a head count ("120").
=====================================  ===========================================================

Cells with several values separate them with ";" (or a line break inside the cell). Other columns
are ignored and listed in the report. CSV files are UTF-8, with or without a byte-order mark, and
separated by commas, semicolons or tabs. The same documentation, for staff, is in
docs/import-suppliers.md.

A dry run validates every row and reports every bad row with its reasons, the rows that would be
created and those that look like firms we already have. A real run is all-or-nothing: if any row is
bad nothing is written. A row with the tax code of an existing organisation, or with the same name
(legal-form words aside, see ``portal.text.name_key``) in the same province, is not created but kept
as a ``PossibleDuplicate`` for staff to review. Two rows of one file that are the same firm are bad.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext, ngettext

from portal.models import FormerProvince, Organisation, Province, Sector, Term
from portal.mst import clean_tax_code, format_tax_code
from portal.text import fold, legal_form_of, name_key, nfc
from portal.vocabulary import resolve_term, term_index
from suppliers.models import Certificate, PossibleDuplicate, ProcessCapability, SupplierProfile
from suppliers.services import profile_changed, supplier_profile_create


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # written by exports; a data-format label, so deliberately not translated
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("tax_code", "Mã số thuế", ("MST", "tax_code", "tax code", "Mã số doanh nghiệp")),
    Column("name", "Tên doanh nghiệp", ("name", "Tên công ty", "Tên", "firm name", "company name")),
    Column("name_en", "Tên tiếng Anh", ("name_en", "English name", "Tên tiếng Anh")),
    Column("province", "Tỉnh/Thành phố", ("province", "Tỉnh", "Tỉnh thành", "Tỉnh/TP")),
    Column("sectors", "Lĩnh vực CNHT", ("sectors", "sector", "Lĩnh vực")),
    Column("processes", "Công nghệ", ("processes", "process", "Công nghệ sản xuất")),
    Column("materials", "Vật liệu", ("materials", "material")),
    Column("certifications", "Chứng nhận", ("certifications", "certificates", "Chứng chỉ")),
    Column("email", "Email", ("E-mail", "Thư điện tử")),
    Column("phone", "Điện thoại", ("phone", "Số điện thoại", "telephone")),
    Column("description", "Mô tả", ("description",)),
    Column("employees_band", "Số lao động", ("employees_band", "employees", "Quy mô lao động")),
)
HEADER_INDEX: dict[str, str] = {
    fold(spelling): column.key for column in COLUMNS for spelling in (column.header, *column.aliases)
}
MAX_ROWS = 5000  # a province's whole register fits; beyond that the request would time out
_SEPARATOR = re.compile(r"[;\n]")
_CERTIFICATE = re.compile(r"^(?P<standard>.*?\S)\s*\((?P<date>[^()]*)\)\s*$", re.S)
_PROVINCE_PREFIX = re.compile(r"^(?:thanh pho|tp|tinh)\s+")
_BANDS = (  # (smallest head count, band) largest first, for head counts typed as a number
    (500, SupplierProfile.EmployeesBand.VERY_LARGE),
    (200, SupplierProfile.EmployeesBand.LARGE),
    (50, SupplierProfile.EmployeesBand.MEDIUM),
    (10, SupplierProfile.EmployeesBand.SMALL),
    (1, SupplierProfile.EmployeesBand.MICRO),
)
_BAND_EXPORT = {band.value: band.value.replace("-", "–") for band in SupplierProfile.EmployeesBand}


# --- Results ---------------------------------------------------------------------------------


@dataclass
class FirmRow:
    """One row of the file: the cells as read and what they resolved to."""

    row_number: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    name: str = ""
    name_en: str = ""
    tax_code: str | None = None
    province: Province | None = None
    sectors: list[Sector] = field(default_factory=list)
    processes: list[Term] = field(default_factory=list)
    materials: list[Term] = field(default_factory=list)
    certificates: list[tuple[Term, datetime.date]] = field(default_factory=list)
    email: str = ""
    phone: str = ""
    description: str = ""
    employees_band: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.cells.get("name", "")


@dataclass
class Duplicate:
    row: FirmRow
    reason: str  # a PossibleDuplicate.Reason value
    existing: Organisation

    @property
    def reason_label(self) -> str:
        return str(PossibleDuplicate.Reason(self.reason).label)


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    file_errors: list[str] = field(default_factory=list)
    bad_rows: list[FirmRow] = field(default_factory=list)
    new_rows: list[FirmRow] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    created_profile_ids: list[int] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        """Nothing stops the import: no problem with the file and no bad row."""
        return not self.file_errors and not self.bad_rows


class _Rollback(Exception):
    """Raised inside the import transaction to undo it when a row fails while saving."""


# --- Import ----------------------------------------------------------------------------------


def import_suppliers(file, *, dry_run: bool = True, source: str = "", by=None) -> ImportReport:
    """Validate a CSV or XLSX file of firms and, unless ``dry_run``, create them all or none.

    ``file`` is a path, bytes, or an open (uploaded) file. ``source`` names the file in the report
    and on possible duplicates; ``by`` is the user recorded in the profiles' history.
    """
    data, filename = _read_bytes(file)
    report = ImportReport(source=source or filename, dry_run=dry_run)
    table = _read_table(data, report.source, report)
    if table is None:
        return report
    rows = _parse_rows(table, report)
    if report.file_errors:
        return report
    if dry_run:
        _sort_rows(rows, report)
        return report
    try:
        with transaction.atomic():
            # Checked inside the transaction so that the duplicates found are the ones committed.
            _sort_rows(rows, report)
            if not report.ok:
                raise _Rollback
            _commit(report, by=by)
    except _Rollback:
        report.created_profile_ids = []
        return report
    report.committed = True
    return report


def _read_bytes(file) -> tuple[bytes, str]:
    if isinstance(file, bytes):
        return file, ""
    if isinstance(file, str | PurePath):
        return Path(file).read_bytes(), Path(file).name
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(), PurePath(getattr(file, "name", "") or "").name


def _read_table(data: bytes, filename: str, report: ImportReport) -> list[tuple[int, list]] | None:
    """The file's rows as (row number, cells), the header first; None after a file error."""
    suffix = PurePath(filename).suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xlsx" or (not suffix and is_zip):
        rows = _read_xlsx(data, report)
    elif suffix in (".csv", ".txt") or not suffix:
        rows = _read_csv(data, report)
    else:
        report.file_errors.append(gettext("Only CSV and XLSX files can be imported."))
        return None
    if rows is not None and not rows:
        report.file_errors.append(gettext("The file is empty."))
        return None
    return rows


def _read_xlsx(data: bytes, report: ImportReport) -> list[tuple[int, list]] | None:
    try:
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    except Exception:
        # Any failure here is the file's: a damaged workbook fails deep inside openpyxl with
        # whatever its XML parser raises (ParseError, TypeError, …), not only the zip errors
        # listed before, and staff got a server error instead of this message.
        report.file_errors.append(gettext("The file could not be read as an Excel workbook (XLSX)."))
        return None
    # openpyxl reports blank rows too, so the index is the spreadsheet's row number.
    header = list(dataset.headers or [])
    return [(1, header)] + [(index + 2, list(row)) for index, row in enumerate(dataset)] if header else []


def _read_csv(data: bytes, report: ImportReport) -> list[tuple[int, list]] | None:
    # The csv module rather than tablib: tablib drops blank lines, which would shift row numbers.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.file_errors.append(
            gettext('The file is not UTF-8 text: save it from Excel as "CSV UTF-8" or as XLSX.')
        )
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Numbered by record, blank lines included, as a spreadsheet numbers its rows.
    return list(enumerate(reader, start=1))


def _cell_text(value, key: str) -> str:
    """A cell as text. Spreadsheets turn tax codes and codes into numbers: undo that."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = nfc(str(value))
    if key == "tax_code" and re.fullmatch(r"\d{9}", text):
        text = "0" + text  # a leading zero dropped by a spreadsheet; never a valid 9-digit MST
    return text


def _parse_rows(table: list[tuple[int, list]], report: ImportReport) -> list[FirmRow]:
    _line, header = table[0]
    keys = _header_keys(header, report)
    if report.file_errors:
        return []
    data_rows = table[1:]
    if len(data_rows) > MAX_ROWS:
        report.file_errors.append(
            gettext("The file has more than %(max)d rows: split it into smaller files.") % {"max": MAX_ROWS}
        )
        return []
    lookups = Lookups.load()
    rows = []
    for row_number, values in data_rows:
        cells = {
            key: _cell_text(value, key) for key, value in zip(keys, values, strict=False) if key is not None
        }
        if any(cells.values()):
            rows.append(_parse_row(FirmRow(row_number=row_number, cells=cells), lookups))
    if not rows:
        report.file_errors.append(gettext("The file has no firm rows under its header."))
    return rows


def _header_keys(header: list, report: ImportReport) -> list[str | None]:
    """The column key of each header cell (None for ignored columns)."""
    keys: list[str | None] = []
    seen: dict[str, str] = {}
    for cell in header:
        label = nfc(str(cell or ""))
        key = HEADER_INDEX.get(fold(label))
        if key is None and label:
            report.ignored_columns.append(label)
        elif key in seen:
            report.file_errors.append(
                gettext("Two columns mean the same thing: “%(first)s” and “%(second)s”.")
                % {"first": seen[key], "second": label}
            )
        elif key:
            seen[key] = label
        keys.append(key)
    if "name" not in seen:
        report.file_errors.append(gettext("The file has no column for the firm name (“Tên doanh nghiệp”)."))
    return keys


# --- Reading one row -------------------------------------------------------------------------


@dataclass
class Lookups:
    """Every spelling → record, built once per import so that rows cost no queries."""

    provinces: dict[str, Province]
    sectors: dict[str, Sector]
    terms: dict[str, dict[str, Term]]

    @classmethod
    def load(cls) -> Lookups:
        provinces: dict[str, Province] = {}
        for province in Province.objects.all():
            for key in (province.code, fold(province.name_vi), fold(province.name_en)):
                provinces.setdefault(key, province)
        # Former names come second: "Hà Nội" is both, and the current unit must win.
        for former in FormerProvince.objects.select_related("province"):
            provinces.setdefault(fold(former.name_vi), former.province)
        sectors: dict[str, Sector] = {}
        for sector in Sector.objects.all():
            for key in (fold(sector.code), fold(sector.name_vi), fold(sector.name_en)):
                sectors.setdefault(key, sector)
        kinds = (Term.Kind.PROCESS, Term.Kind.MATERIAL, Term.Kind.CERTIFICATION)
        return cls(provinces=provinces, sectors=sectors, terms={kind: term_index(kind) for kind in kinds})

    def province(self, text: str) -> Province | None:
        key = fold(text)
        if key.isdigit():
            key = key.zfill(2)
        return self.provinces.get(key) or self.provinces.get(_PROVINCE_PREFIX.sub("", key))

    def sector(self, text: str) -> Sector | None:
        return self.sectors.get(fold(text))

    def term(self, kind: str, text: str) -> Term | None:
        return resolve_term(kind, text, self.terms[kind])


def _values(cell: str) -> list[str]:
    return [part.strip() for part in _SEPARATOR.split(cell or "") if part.strip()]


def _parse_row(row: FirmRow, lookups: Lookups) -> FirmRow:
    """Resolve every cell of a row, collecting every problem (not only the first)."""
    _parse_identity(row, lookups)
    _parse_classification(row, lookups)
    _parse_certificates(row, lookups)
    _parse_contact(row)
    return row


def _parse_identity(row: FirmRow, lookups: Lookups) -> None:
    cells = row.cells
    row.name = cells.get("name", "")
    row.name_en = cells.get("name_en", "")
    if not row.name:
        row.errors.append(gettext("The firm name is missing."))
    for value in (row.name, row.name_en):
        if len(value) > 255:
            row.errors.append(
                gettext("The name “%(value)s…” is longer than %(max)d characters.")
                % {"value": value[:40], "max": 255}
            )
    if cells.get("tax_code"):
        try:
            row.tax_code = clean_tax_code(cells["tax_code"])
        except ValidationError as error:
            row.errors.append(
                gettext("Bad tax code “%(value)s”: %(error)s")
                % {"value": cells["tax_code"], "error": " ".join(error.messages)}
            )
    province_text = cells.get("province", "")
    if not province_text:
        row.errors.append(gettext("The province is missing."))
    else:
        row.province = lookups.province(province_text)
        if row.province is None:
            row.errors.append(gettext("Unknown province “%(value)s”.") % {"value": province_text})


def _parse_classification(row: FirmRow, lookups: Lookups) -> None:
    for text in _values(row.cells.get("sectors", "")):
        sector = lookups.sector(text)
        if sector is None:
            row.errors.append(gettext("Unknown CNHT sector “%(value)s”.") % {"value": text})
        elif sector not in row.sectors:
            row.sectors.append(sector)
    unknown = {
        Term.Kind.PROCESS: gettext("Unknown process “%(value)s”."),
        Term.Kind.MATERIAL: gettext("Unknown material “%(value)s”."),
    }
    for kind, found, column in (
        (Term.Kind.PROCESS, row.processes, "processes"),
        (Term.Kind.MATERIAL, row.materials, "materials"),
    ):
        for text in _values(row.cells.get(column, "")):
            term = lookups.term(kind, text)
            if term is None:
                row.errors.append(unknown[kind] % {"value": text})
            elif term not in found:
                found.append(term)


def _parse_certificates(row: FirmRow, lookups: Lookups) -> None:
    for text in _values(row.cells.get("certifications", "")):
        match = _CERTIFICATE.match(text)
        # A bracket without a digit is part of the name ("UN-ECE (E-mark)"), not a date.
        if not match or not re.search(r"\d", match["date"]):
            row.errors.append(
                gettext("Certification “%(value)s” has no expiry date: write it as ISO 9001 (31/12/2026).")
                % {"value": text}
            )
            continue
        standard = lookups.term(Term.Kind.CERTIFICATION, match["standard"])
        expires_on = parse_date(match["date"])
        if standard is None:
            row.errors.append(gettext("Unknown certification “%(value)s”.") % {"value": match["standard"]})
        if expires_on is None:
            row.errors.append(
                gettext(
                    "Bad expiry date “%(date)s” for certification “%(value)s”: "
                    "write 2026-12-31 or 31/12/2026."
                )
                % {"date": match["date"], "value": match["standard"]}
            )
        if standard is not None and expires_on is not None:
            row.certificates.append((standard, expires_on))


def parse_date(text: str) -> datetime.date | None:
    """A date written as 2027-05-31 or 31/05/2027 (also 31.05.2027); None otherwise."""
    text = text.strip()
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", "dmy"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return datetime.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def _parse_contact(row: FirmRow) -> None:
    cells = row.cells
    row.email = cells.get("email", "")
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(gettext("Bad e-mail address “%(value)s”.") % {"value": row.email})
    row.phone = cells.get("phone", "")
    if len(row.phone) > 30:
        row.errors.append(
            gettext("The phone number “%(value)s” is longer than %(max)d characters.")
            % {"value": row.phone, "max": 30}
        )
    row.description = cells.get("description", "")
    band_text = cells.get("employees_band", "")
    if band_text:
        row.employees_band = employees_band(band_text) or ""
        if not row.employees_band:
            row.errors.append(
                gettext("Unknown number of employees “%(value)s”: use 1-9, 10-49, 50-199, 200-499 or 500+.")
                % {"value": band_text}
            )


def employees_band(text: str) -> str | None:
    """A band value from a band as written ("50-199", "50–199", "500+") or a head count ("120")."""
    key = fold(text)
    for band in SupplierProfile.EmployeesBand:
        if key in (fold(band.value), fold(str(band.label))):
            return band.value
    if key.isdigit() and int(key) > 0:
        return next(band.value for least, band in _BANDS if int(key) >= least)
    return None


# --- Sorting rows: bad, possible duplicates, new ---------------------------------------------


def _sort_rows(rows: list[FirmRow], report: ImportReport) -> None:
    _flag_repeats_in_file(rows)
    candidates = [row for row in rows if not row.errors]
    by_tax_code, by_name = _existing_firms(candidates)
    for row in rows:
        if row.errors:
            report.bad_rows.append(row)
        elif row.tax_code and row.tax_code in by_tax_code:
            report.duplicates.append(
                Duplicate(row, PossibleDuplicate.Reason.SAME_TAX_CODE, by_tax_code[row.tax_code])
            )
        elif (key := (name_key(row.name), row.province.pk)) in by_name:
            report.duplicates.append(
                Duplicate(row, PossibleDuplicate.Reason.SAME_NAME_PROVINCE, by_name[key])
            )
        else:
            report.new_rows.append(row)


def _flag_repeats_in_file(rows: list[FirmRow]) -> None:
    """A firm listed twice in one file is a mistake in the file: the later rows are bad."""
    first_by_tax_code: dict[str, int] = {}
    first_by_name: dict[tuple[str, int], int] = {}
    for row in rows:
        if row.tax_code:
            first = first_by_tax_code.setdefault(row.tax_code, row.row_number)
            if first != row.row_number:
                row.errors.append(gettext("Same tax code as row %(row)d.") % {"row": first})
        key = name_key(row.name)
        if key and row.province:
            first = first_by_name.setdefault((key, row.province.pk), row.row_number)
            if first != row.row_number:
                row.errors.append(gettext("Same firm name and province as row %(row)d.") % {"row": first})


def _existing_firms(rows: list[FirmRow]):
    """Organisations that share a tax code, or a name key and province, with the rows (2 queries)."""
    tax_codes = {row.tax_code for row in rows if row.tax_code}
    by_tax_code = {org.tax_code: org for org in Organisation.objects.filter(tax_code__in=tax_codes)}
    keys = {name_key(row.name) for row in rows} - {""}
    by_name = {}
    for org in Organisation.objects.filter(name_search_key__in=keys, province__isnull=False).order_by("pk"):
        by_name.setdefault((org.name_search_key, org.province_id), org)
    return by_tax_code, by_name


# --- Writing ---------------------------------------------------------------------------------


def _commit(report: ImportReport, *, by) -> None:
    for duplicate in report.duplicates:
        flagged = PossibleDuplicate(
            existing=duplicate.existing,
            reason=duplicate.reason,
            row={**duplicate.row.cells, "row_number": duplicate.row.row_number},
            source=report.source[:255],
        )
        flagged.full_clean()
        flagged.save()
    for row in report.new_rows:
        try:
            report.created_profile_ids.append(_create_firm(row, by=by).pk)
        except ValidationError as error:
            # Validation above should have caught it; if not, the row is bad and nothing is kept.
            row.errors.extend(error.messages)
            report.bad_rows.append(row)
    if report.bad_rows:
        raise _Rollback


def _create_firm(row: FirmRow, *, by) -> SupplierProfile:
    """Organisation + supplier profile + capabilities of one row (inside the import transaction)."""
    organisation = Organisation(
        name=row.name, name_en=row.name_en, tax_code=row.tax_code, province=row.province, is_supplier=True
    )
    organisation.full_clean()
    organisation.save()
    profile = supplier_profile_create(organisation=organisation)
    legal_form = legal_form_of(row.name)
    if legal_form in SupplierProfile.LegalForm.values:
        profile.legal_form = legal_form
    profile.description = row.description
    profile.contact_email = row.email
    profile.contact_phone = row.phone
    profile.employees_band = row.employees_band
    profile._history_user = by
    profile.full_clean()
    profile.save()
    profile.sectors.set(row.sectors)
    profile.materials.set(row.materials)
    for process in row.processes:
        capability = ProcessCapability(profile=profile, process=process)
        capability.full_clean()
        capability.save()
    for standard, expires_on in row.certificates:
        certificate = Certificate(profile=profile, standard=standard, expires_on=expires_on)
        certificate._history_user = by
        certificate.full_clean()
        certificate.save()
    profile_changed(profile)
    return profile


# --- Reporting -------------------------------------------------------------------------------


def report_lines(report: ImportReport) -> list[str]:
    """The report as lines of text (for the management command)."""
    lines = list(report.file_errors)
    for row in report.bad_rows:
        lines += [
            gettext("Row %(row)d: %(reason)s") % {"row": row.row_number, "reason": reason}
            for reason in row.errors
        ]
    for duplicate in report.duplicates:
        lines.append(
            gettext("Row %(row)d (%(name)s): possible duplicate of “%(existing)s” (%(reason)s).")
            % {
                "row": duplicate.row.row_number,
                "name": duplicate.row.display_name,
                "existing": duplicate.existing,
                "reason": duplicate.reason_label,
            }
        )
    if report.ignored_columns:
        lines.append(
            gettext("Ignored columns: %(columns)s.") % {"columns": ", ".join(report.ignored_columns)}
        )
    lines.append(report_summary(report))
    return lines


def report_summary(report: ImportReport) -> str:
    """One sentence on the outcome, for the admin's message and the command's last line."""
    values = {"new": len(report.new_rows), "duplicates": len(report.duplicates), "bad": len(report.bad_rows)}
    if report.file_errors:
        return gettext("Nothing was imported.")
    if report.bad_rows:
        return (
            ngettext(
                "%(bad)d bad row: nothing was imported.",
                "%(bad)d bad rows: nothing was imported.",
                values["bad"],
            )
            % values
        )
    # Counts after a colon: two numbers in one sentence cannot both take the right plural form.
    if report.committed:
        return (
            gettext("Imported. Firms created: %(new)d. Possible duplicates kept for review: %(duplicates)d.")
            % values
        )
    return (
        gettext(
            "Nothing saved yet. Firms to be created: %(new)d. "
            "Possible duplicates to be kept for review: %(duplicates)d."
        )
        % values
    )


# --- Export ----------------------------------------------------------------------------------


def export_queryset(profiles):
    """The profiles with everything an export reads, in a fixed number of queries."""
    return profiles.select_related("organisation__province").prefetch_related(
        "sectors",
        "materials",
        Prefetch("processes", queryset=ProcessCapability.objects.select_related("process")),
        Prefetch("certificates", queryset=Certificate.objects.select_related("standard")),
    )


def export_dataset(profiles) -> tablib.Dataset:
    """One row per firm, with the import's headers, so that the file can be imported again."""
    dataset = tablib.Dataset(headers=[column.header for column in COLUMNS])
    for profile in export_queryset(profiles):
        dataset.append([_export_cell(profile, column.key) for column in COLUMNS])
    return dataset


def _export_cell(profile: SupplierProfile, key: str) -> str:
    organisation = profile.organisation
    join = "; ".join
    cells = {
        "tax_code": lambda: format_tax_code(organisation.tax_code),
        "name": lambda: organisation.name,
        "name_en": lambda: organisation.name_en,
        "province": lambda: organisation.province.name_vi if organisation.province else "",
        "sectors": lambda: join(sector.name_vi for sector in profile.sectors.all()),
        "processes": lambda: join(capability.process.name_vi for capability in profile.processes.all()),
        "materials": lambda: join(material.name_vi for material in profile.materials.all()),
        "certifications": lambda: join(
            f"{certificate.standard.name_vi} ({certificate.expires_on:%Y-%m-%d})"
            for certificate in profile.certificates.all()
        ),
        "email": lambda: profile.contact_email,
        "phone": lambda: profile.contact_phone,
        "description": lambda: profile.description,
        # An en dash: Excel would read "1-9" in a CSV as the date 1 September.
        "employees_band": lambda: _BAND_EXPORT.get(profile.employees_band, ""),
    }
    return cells[key]()


def export_file(profiles, fmt: str) -> tuple[bytes, str]:
    """The export as file content and its content type; ``fmt`` is "xlsx" or "csv"."""
    dataset = export_dataset(profiles)
    if fmt == "xlsx":
        return dataset.export("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if fmt == "csv":
        # The byte-order mark makes Excel read the file as UTF-8 (else Vietnamese turns to mojibake).
        return ("\ufeff" + dataset.export("csv")).encode("utf-8"), "text/csv; charset=utf-8"
    raise ValueError(f"unknown export format {fmt!r}")


def export_filename(fmt: str, today: datetime.date) -> str:
    return f"doanh-nghiep-cnht-{today:%Y%m%d}.{fmt}"


def stash_name(filename: str) -> str:
    """A server-chosen storage name for an upload awaiting confirmation (nothing typed reaches it)."""
    suffix = ".xlsx" if PurePath(filename).suffix.lower() == ".xlsx" else ".csv"
    return f"imports/{uuid.uuid4().hex}{suffix}"
