"""A request's shortlist or comparison as a spreadsheet (XLSX or CSV), headers in the reader's language.

One row per supplier: where it stands on the shortlist, its score and sub-scores, what it lacks,
its certifications with expiry, and its processes with capacity. CSV starts with a byte-order mark
so Excel reads Vietnamese as UTF-8; XLSX through tablib (installed with django-import-export).
"""

import tablib
from django.utils.translation import gettext as _

from matching import explain
from matching.scoring import CRITERIA
from matching.selectors import Compared

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def dataset(rows: list[Compared]) -> tablib.Dataset:
    labels = [str(explain.CRITERION_LABELS[c]) for c in CRITERIA]
    headers = [
        _("Supplier"),
        _("Tax code"),
        _("Province"),
        _("Shortlist status"),
        _("Note"),
        _("Reason for rejection"),
        _("Score (0–100)"),
        _("Eligible"),
        *[f"{label} (0–1)" for label in labels],
        _("Gaps"),
        _("Valid certifications (expiry)"),
        _("Expired certifications"),
        _("Processes (monthly capacity)"),
        _("Unit price"),
        _("Currency"),
        _("Lead time (days)"),
        _("Quotation valid until"),
    ]
    data = tablib.Dataset(headers=headers)
    names = explain.term_names([row.score.gaps for row in rows])
    for row in rows:
        data.append(_cells(row, names))
    return data


def _cells(row: Compared, names: dict) -> list:
    organisation = row.profile.organisation
    entry = row.entry
    certificates = "; ".join(f"{c.standard.name} ({c.expires_on:%d/%m/%Y})" for c in row.valid_certificates)
    expired = "; ".join(f"{c.standard.name} ({c.expires_on:%d/%m/%Y})" for c in row.expired_certificates)
    processes = "; ".join(
        f"{c.process.name} ({c.monthly_capacity:g} {c.capacity_unit})"
        if c.monthly_capacity
        else c.process.name
        for c in row.profile.processes.all()
    )
    return [
        organisation.name,
        organisation.tax_code or "",
        organisation.province.name if organisation.province else "",
        entry.get_status_display() if entry else "",
        entry.note if entry else "",
        entry.rejection_reason if entry else "",
        round(row.score.total, 1),
        _("yes") if row.score.eligible else _("no"),
        *[round(row.score.breakdown[c], 3) for c in CRITERIA],
        "; ".join(text for _hard, text in explain.gap_lines(row.score.gaps, names)),
        certificates,
        expired,
        processes,
        *_quotation_cells(row.quotation),
    ]


def _quotation_cells(quotation) -> list:
    if quotation is None:
        return ["", "", "", ""]
    valid = f"{quotation.valid_until:%d/%m/%Y}" + (f" ({_('expired')})" if quotation.is_expired() else "")
    return [quotation.unit_price, quotation.currency, quotation.lead_time_days, valid]


def export(rows: list[Compared], fmt: str) -> tuple[bytes, str]:
    data = dataset(rows)
    if fmt == "xlsx":
        return data.export("xlsx"), CONTENT_TYPES["xlsx"]
    if fmt == "csv":
        return ("\ufeff" + data.export("csv")).encode("utf-8"), CONTENT_TYPES["csv"]
    raise ValueError(f"unknown export format {fmt!r}")
