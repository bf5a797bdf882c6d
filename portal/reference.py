"""Load the reference data of ``portal.reference_data`` into the database, idempotently.

Used by the data migration (with historical models) and by ``manage.py load_reference_data``
(with today's models) so that staff edits made in the admin are only overwritten for the fields
the reference data defines, and records staff added themselves are kept.
"""

from portal import reference_data as data
from portal.text import fold, spelling_keys


def _upsert(model, lookup: dict, values: dict) -> bool:
    """Create or update one record; return whether anything was written."""
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    if hasattr(obj, "search_key"):
        # Historical models used by migrations have no custom save(): keep the key right here.
        values = {**values, "search_key": fold(values.get("name_vi", obj.name_vi))}
    if obj.pk and all(getattr(obj, field) == value for field, value in values.items()):
        return False
    for field, value in values.items():
        setattr(obj, field, value)
    obj.save()
    return True


def load_reference_data(apps) -> int:
    """Upsert every reference record; ``apps`` is a migration app registry or ``django.apps.apps``.

    Returns how many records were created or changed (0 when the database is already current).
    """
    model = apps.get_model
    Province = model("portal", "Province")
    written = sum(
        _upsert(
            Province,
            {"code": code},
            {
                "name_vi": name_vi,
                "name_en": name_en,
                "kind": kind,
                "latitude": data.PROVINCE_CENTRES[code][0],
                "longitude": data.PROVINCE_CENTRES[code][1],
            },
        )
        for code, name_vi, name_en, kind in data.PROVINCES
    )
    provinces = {p.code: p for p in Province.objects.all()}
    written += sum(
        _upsert(model("portal", "FormerProvince"), {"name_vi": name_vi}, {"province": provinces[code]})
        for name_vi, code in data.FORMER_PROVINCES
    )
    written += sum(
        _upsert(model("portal", "Sector"), {"code": code}, {"name_vi": name_vi, "name_en": name_en})
        for code, name_vi, name_en in data.SECTORS
    )
    written += sum(
        _upsert(
            model("portal", "VsicCode"),
            {"code": code, "version": version},
            {"name_vi": name_vi, "name_en": name_en},
        )
        for code, version, name_vi, name_en in data.VSIC_CODES
    )
    written += sum(
        _upsert(
            model("portal", "ProductGroup"),
            {"code": code},
            {"category": category, "name_vi": name_vi, "name_en": name_en},
        )
        for code, category, name_vi, name_en in data.PRODUCT_GROUPS
    )
    return written + _load_terms(model)


def _load_terms(model) -> int:
    ProcessGroup = model("portal", "ProcessGroup")
    written = sum(
        _upsert(ProcessGroup, {"code": code}, {"name_vi": name_vi, "name_en": name_en, "position": position})
        for position, (code, name_vi, name_en) in enumerate(data.PROCESS_GROUPS)
    )
    groups = {g.code: g for g in ProcessGroup.objects.all()}
    Term = model("portal", "Term")
    for kind, code, group, name_vi, name_en, synonyms in data.TERMS:
        values = {
            "name_vi": name_vi,
            "name_en": name_en,
            "synonyms": "\n".join(synonyms),
            "process_group": groups.get(group) if kind == "process" else None,
            "group": group,
        }
        values["search_keys"] = "\n".join(spelling_keys(code.replace("-", " "), name_vi, name_en, *synonyms))
        written += _upsert(Term, {"kind": kind, "code": code}, values)
    return written
