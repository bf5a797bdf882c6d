"""Demo supplier firms: the Chu Lai cluster around THACO Industries and about 200 suppliers.

``load()`` is called by ``manage.py load_demo_data`` after ``portal.demo.load()`` (which creates
THACO Industries, the buyer, and Chu Lai Precision Mechanical, the demo supplier login's firm).

- Deterministic: every choice comes from ``random.Random(2026)``, drawn while building the plan
  and before the database is read, so the same firms come out whatever is already stored.
  Certificate dates are offsets from today, so "valid" and "expired" stay true whenever the demo
  is loaded.
- Idempotent: firms are keyed by tax code. A firm that already exists keeps what it has; its
  profile is only filled when it has no capability rows yet (the demo supplier's profile may have
  been created empty by registration code). A second run creates nothing.
- Fast: organisations, profiles and their rows are bulk-created, one insert per table, and
  ``profile_changed`` then runs for each filled profile (its search document is built and
  matching hears about it): a few seconds for 200 firms on SQLite.
"""

import datetime
import random
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from portal import demo as portal_demo
from portal.models import Organisation, ProductGroup, Province, Sector, Term, VsicCode
from portal.mst import check_digit
from portal.text import fold, legal_form_of, name_key
from suppliers import demo_catalogue as catalogue
from suppliers.models import (
    Certificate,
    Cluster,
    ClusterMember,
    Equipment,
    ProcessCapability,
    Product,
    SupplierProfile,
)
from suppliers.services import profile_changed

SEED = 2026
CLUSTER_NAME = "Cụm liên kết ngành cơ khí và công nghiệp hỗ trợ Chu Lai"
CLUSTER_NAME_EN = "Chu Lai Mechanical & Supporting-Industry Cluster"
CLUSTER_PROVINCE = "48"
CLUSTER_DESCRIPTION = (
    "Cụm liên kết ngành cơ khí và công nghiệp hỗ trợ tại Khu kinh tế mở Chu Lai, hình thành theo "
    "Đề án thí điểm cơ chế khuyến khích hợp tác liên kết sản xuất, với THACO Industries là doanh "
    "nghiệp đầu chuỗi. Các doanh nghiệp thành viên cung ứng linh kiện, phụ tùng và dịch vụ gia "
    "công cho các nhà máy lắp ráp ô tô, xe buýt, xe tải của THACO."
)
CLUSTER_SIZE = 40  # member suppliers besides the anchor, the demo supplier included
SUSPENDED = 3
PENDING_SHARE = 0.10
EXPIRED_SHARE = 0.08  # of certificates: expired ones must show up, and never match a search


@dataclass
class FirmPlan:
    """One demo firm as plain data: what to create if its tax code is not there yet."""

    tax_code: str
    name: str
    name_en: str
    province: str
    zone: str  # the industrial zone of its plant
    tier: int  # the tier its trade usually supplies at
    profile: dict  # SupplierProfile field values
    sectors: list[str]
    vsic: list[str]
    materials: list[str]
    practices: list[str]
    processes: list[dict]
    equipment: list[dict]
    products: list[dict]
    certificates: list[dict]
    status: str = SupplierProfile.Verification.VERIFIED
    reason: str = ""
    verified_day: datetime.date | None = None
    cluster_role: str = ""  # "", "tier1" or "tier2"
    joined_on: datetime.date | None = None


# --- The plan (no database) -------------------------------------------------------------------

TRADES = {trade.key: trade for trade in catalogue.TRADES}
# Names of the provinces the demo uses, for descriptions (the plan is built without the database).
PROVINCE_NAMES = {
    "48": ("thành phố Đà Nẵng", "Da Nang"),
    "79": ("Thành phố Hồ Chí Minh", "Ho Chi Minh City"),
    "01": ("Hà Nội", "Hanoi"),
    "31": ("Hải Phòng", "Hai Phong"),
    "24": ("Bắc Ninh", "Bac Ninh"),
    "75": ("Đồng Nai", "Dong Nai"),
    "51": ("Quảng Ngãi", "Quang Ngai"),
    "19": ("Thái Nguyên", "Thai Nguyen"),
    "33": ("Hưng Yên", "Hung Yen"),
    "38": ("Thanh Hóa", "Thanh Hoa"),
    "46": ("Huế", "Hue"),
    "25": ("Phú Thọ", "Phu Tho"),
    "92": ("Cần Thơ", "Can Tho"),
}
_ZONE_EN = (
    ("KCN ", "{} Industrial Park"),
    ("KCX ", "{} Export Processing Zone"),
    ("KKT ", "{} Economic Zone"),
)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _tax_code(rng: random.Random, prefixes: tuple[str, ...], taken: set[str]) -> str:
    """A valid, unused MST under one of the province's old tax-office prefixes."""
    while True:
        first_nine = rng.choice(prefixes) + f"{rng.randrange(10_000_000):07d}"
        digit = check_digit(first_nine)
        if digit is None:  # remainder 0: no valid number starts with these nine digits
            continue
        code = f"{first_nine}{digit}"
        if code not in taken:
            taken.add(code)
            return code


def _person(rng: random.Random) -> str:
    parts = (catalogue.SURNAMES, catalogue.MIDDLE_NAMES, catalogue.GIVEN_NAMES)
    return " ".join(rng.choice(words) for words in parts)


def _phone(rng: random.Random, area: str) -> str:
    if len(area) == 3:  # Hà Nội and Hồ Chí Minh: eight-digit numbers
        return f"{area} {rng.randint(3500, 3999)} {rng.randint(1000, 9999)}"
    return f"{area} {rng.randint(3500000, 3999999)}"


def _ascii(text: str) -> str:
    """ "Hưng Thịnh" → "Hung Thinh", for English names."""
    return fold(text).title()


def _zone_en(zone: str) -> str:
    for prefix, pattern in _ZONE_EN:
        if zone.startswith(prefix):
            return pattern.format(zone.removeprefix(prefix))
    return zone


def _capacity(rng: random.Random, cap: catalogue.Cap, band: str) -> dict:
    low, high = cap.capacity
    scaled = rng.uniform(low, high) * catalogue.BAND_SCALE[band]
    step = 1 if scaled < 100 else 10 if scaled < 10_000 else 1000
    return {
        "process": cap.process,
        "capacity_unit": cap.unit,
        "monthly_capacity": max(step, round(scaled / step) * step),
        "best_tolerance_mm": rng.choice(cap.tolerances) if cap.tolerances else None,
        "max_part_size_mm": rng.randrange(*cap.size_mm) // 10 * 10 if cap.size_mm else None,
        "max_part_weight_kg": round(rng.uniform(*cap.weight_kg), 1) if cap.weight_kg else None,
    }


def _equipment(rng: random.Random, trade: catalogue.Trade, band: str) -> list[dict]:
    most = {"1-9": 2, "10-49": 4, "50-199": 8, "200-499": 16, "500+": 30}[band]
    return [
        {"machine_type": kind, "make": make, "key_spec": spec, "count": rng.randint(1, most)}
        for kind, make, spec in rng.sample(trade.equipment, rng.randint(1, len(trade.equipment)))
    ]


def _products(rows) -> list[dict]:
    return [{"name": vi, "name_en": en, "product_group": group} for vi, en, group in rows]


def _certificate(rng: random.Random, code: str, today: datetime.date, *, expired: bool) -> dict:
    bodies = catalogue.IATF_BODIES if code == "iatf-16949" else catalogue.CERTIFICATION_BODIES
    body, pattern = catalogue.SPECIAL_BODIES.get(code) or rng.choice(bodies)
    validity = catalogue.VALIDITY_DAYS.get(code, catalogue.DEFAULT_VALIDITY_DAYS)
    age = rng.randint(validity + 10, validity + 400) if expired else rng.randint(20, validity - 30)
    issued = today - datetime.timedelta(days=age)
    return {
        "standard": code,
        "number": pattern.format(n=rng.randint(10000, 99999), yy=f"{issued.year % 100:02d}"),
        "issuing_body": body,
        "issued_on": issued,
        "expires_on": issued + datetime.timedelta(days=validity),
    }


def _certificates(rng: random.Random, trade: catalogue.Trade, band: str, today) -> list[dict]:
    """ISO 9001 for most; IATF 16949 for some automotive firms; trade-specific ones; a few expired."""
    bigger = band not in ("1-9", "10-49")
    codes = []
    if rng.random() < (0.92 if bigger else 0.65):
        codes.append("iso-9001")
    if trade.automotive and codes and rng.random() < (0.45 if bigger else 0.12):
        codes.append("iatf-16949")
    if rng.random() < (0.35 if bigger else 0.1):
        codes.append("iso-14001")
    if bigger and rng.random() < 0.15:
        codes.append("iso-45001")
    codes += [code for code in trade.certificates if code not in codes and rng.random() < 0.6]
    return [_certificate(rng, code, today, expired=rng.random() < EXPIRED_SHARE) for code in codes]


def _practices(rng: random.Random, certificates: list[dict]) -> list[str]:
    odds = (("5s", 0.6), ("kaizen", 0.3), ("lean", 0.15), ("tpm", 0.1))
    chosen = [code for code, chance in odds if rng.random() < chance]
    if any(c["standard"] == "iatf-16949" for c in certificates):
        chosen += IATF_CORE_TOOLS
    return chosen


# The core tools IATF 16949 requires: a firm holding it practises them.
IATF_CORE_TOOLS = ["apqp", "ppap", "fmea", "msa", "spc"]


def _unique_name(rng: random.Random, legal: str, trade, brands, places, used: set[str]) -> tuple[str, str]:
    """A name not used yet (compared by ``name_key``): legal form + trade + brand (+ place).

    Returns the name and its distinctive part (brand and place), for the English name.
    """
    while True:
        brand = rng.choice(brands)
        if rng.random() < 0.4:
            brand = f"{brand} {rng.choice(places)}"
        name = f"{legal} {trade.name_vi} {brand}"
        if name_key(name) not in used:
            used.add(name_key(name))
            return name, brand


def _legal_form(rng: random.Random, ownership: str) -> tuple[str, str]:
    if ownership == "domestic":
        return _weighted(rng, [((vi, en), weight) for vi, en, weight in catalogue.LEGAL_FORMS])
    # Foreign-invested firms are limited-liability or joint-stock companies.
    vi, en, _weight = catalogue.LEGAL_FORMS[0 if rng.random() < 0.7 else 2]
    return vi, en


def _firm(rng: random.Random, today, *, province: str, taken: set[str], used: set[str]) -> FirmPlan:
    _count, prefixes, areas, places, sites = catalogue.PROVINCES[province]
    trade = _weighted(rng, [(t, t.weight) for t in catalogue.TRADES])
    ownership = _weighted(rng, [("domestic", 82), ("fdi", 13), ("jv", 5)])
    legal_vi, legal_en = _legal_form(rng, ownership)
    brands = catalogue.BRANDS if ownership == "domestic" else catalogue.FDI_BRANDS
    name, brand = _unique_name(rng, legal_vi, trade, brands, places, used)
    tax_code = _tax_code(rng, prefixes, taken)
    band = _weighted(rng, catalogue.EMPLOYEE_BANDS)
    commune, zone = rng.choice(sites)
    certificates = _certificates(rng, trade, band, today)
    customers = catalogue.ELECTRONICS_CUSTOMERS if "electronics" in trade.sectors else catalogue.CUSTOMERS
    spare = rng.choice((5, 10, 15, 20, 25, 30, 40)) if rng.random() < 0.7 else None
    province_vi, province_en = PROVINCE_NAMES[province]
    profile = {
        "legal_form": legal_form_of(name),
        "ownership": ownership,
        "founded_year": rng.randint(2005, 2020) if ownership != "domestic" else rng.randint(1995, 2021),
        "employees_band": band,
        "trading_names": "",
        "commune": commune,
        "street": f"Lô {rng.choice('ABCDEFGH')}{rng.randint(1, 40)}, {zone}",
        "description": f"{trade.description_vi} Nhà xưởng tại {zone}, {province_vi}.",
        "description_en": f"{trade.description_en} Plant in {_zone_en(zone)}, {province_en}.",
        "contact_name": _person(rng),
        "contact_email": f"kinhdoanh.{fold(brand).replace(' ', '')}{tax_code[-3:]}@demo.cnht.vn",
        # The old tax office and the phone area code are those of the same former province.
        "contact_phone": _phone(rng, areas[prefixes.index(tax_code[:2]) % len(areas)]),
        "contacts_private": rng.random() < 0.2,
        "main_customers": "\n".join(rng.sample(customers, rng.randint(1, 3))),
        "customers_private": rng.random() < 0.25,
        "export_markets": "",
        "has_cnht_incentive_certificate": rng.random() < 0.1,
        "spare_capacity_percent": spare,
        "spare_capacity_as_of": today - datetime.timedelta(days=rng.randint(3, 150)) if spare else None,
    }
    if rng.random() < 0.2:
        profile["trading_names"] = f"{''.join(w[0] for w in _ascii(brand).split())} {trade.short_en}"
    if rng.random() < 0.2:
        profile["export_markets"] = ", ".join(rng.sample(catalogue.EXPORT_MARKETS, rng.randint(1, 3)))
    extra_caps = [cap for cap in trade.extra if rng.random() < 0.5]
    extra_materials = [code for code in trade.materials[2:] if rng.random() < 0.5]
    products = rng.sample(trade.products, rng.randint(1, min(3, len(trade.products))))
    return FirmPlan(
        tax_code=tax_code,
        name=name,
        name_en=f"{_ascii(brand)} {trade.name_en} {legal_en}",
        province=province,
        zone=zone,
        tier=trade.tier,
        profile=profile,
        sectors=list(trade.sectors),
        vsic=[trade.vsic],
        materials=[*trade.materials[:2], *extra_materials],
        practices=_practices(rng, certificates),
        processes=[_capacity(rng, cap, band) for cap in (*trade.core, *extra_caps)],
        equipment=_equipment(rng, trade, band),
        products=_products(products),
        certificates=certificates,
    )


def _demo_org(key: str) -> tuple:
    """A row of portal.demo.DEMO_ORGANISATIONS: key, name, English name, MST prefix, province, kinds."""
    return next(row for row in portal_demo.DEMO_ORGANISATIONS if row[0] == key)


def demo_org_tax_code(key: str) -> str:
    """The tax code portal.demo gives one of its organisations ("buyer", "supplier")."""
    return portal_demo.make_tax_code(_demo_org(key)[3])


def _demo_supplier_plan(rng: random.Random, today) -> FirmPlan:
    """The demo login's firm, Chu Lai Precision Mechanical: complete, verified, a tier-2 member."""
    _key, name, name_en, *_rest = _demo_org("supplier")
    trade, band = TRADES["precision"], "50-199"
    profile = {
        "legal_form": legal_form_of(name),
        "ownership": "domestic",
        "founded_year": 2012,
        "employees_band": band,
        "trading_names": "CLPM",
        "commune": "Xã Núi Thành",
        "street": "Lô C5, KCN THACO Chu Lai",
        "description": f"{trade.description_vi} Nhà xưởng tại KCN THACO Chu Lai, thành phố Đà Nẵng.",
        "description_en": f"{trade.description_en} Plant in THACO Chu Lai Industrial Park, Da Nang.",
        "contact_name": "Lê Quang Hùng",
        "contact_email": "supplier@demo.cnht.vn",
        "contact_phone": "0235 3567890",
        "contacts_private": False,
        "main_customers": catalogue.CUSTOMERS[0],
        "customers_private": True,
        "export_markets": "",
        "has_cnht_incentive_certificate": True,
        "spare_capacity_percent": 20,
        "spare_capacity_as_of": today - datetime.timedelta(days=14),
    }
    return FirmPlan(
        tax_code=demo_org_tax_code("supplier"),
        name=name,
        name_en=name_en,
        province="48",
        zone="KCN THACO Chu Lai",
        tier=2,
        profile=profile,
        sectors=list(trade.sectors),
        vsic=[trade.vsic],
        materials=["alloy-steel", "a6061", "sus304"],
        practices=["5s", "kaizen", *IATF_CORE_TOOLS],
        processes=[_capacity(rng, cap, band) for cap in (*trade.core, *trade.extra)],
        equipment=_equipment(rng, trade, band),
        products=_products(trade.products),
        certificates=[
            _certificate(rng, "iso-9001", today, expired=False),
            _certificate(rng, "iatf-16949", today, expired=False),
            _certificate(rng, "iso-14001", today, expired=True),
        ],
        verified_day=today - datetime.timedelta(days=30),
        cluster_role="tier2",
        joined_on=datetime.date(2024, 3, 15),
    )


def _verification(rng: random.Random, plans: list[FirmPlan], today) -> None:
    """Most verified; ~10 % pending; a few suspended, each with the reason the firm is shown."""
    order = list(range(len(plans)))
    rng.shuffle(order)
    pending = set(order[SUSPENDED : SUSPENDED + round(len(plans) * PENDING_SHARE)])
    for i, plan in enumerate(plans):
        if i in pending:
            plan.status = SupplierProfile.Verification.PENDING
        else:
            plan.verified_day = today - datetime.timedelta(days=rng.randint(10, 400))
    for i, reason in zip(order[:SUSPENDED], catalogue.SUSPENSION_REASONS, strict=True):
        plans[i].status = SupplierProfile.Verification.SUSPENDED
        plans[i].reason = reason
        plans[i].verified_day = None


def _cluster_roles(rng: random.Random, plans: list[FirmPlan], wanted: int) -> None:
    """Verified firms in the Chu Lai zones join the cluster, at the tier their trade supplies."""
    candidates = [
        p
        for p in plans
        if p.zone in catalogue.CHU_LAI_ZONES and p.status == SupplierProfile.Verification.VERIFIED
    ]
    for plan in rng.sample(candidates, min(wanted, len(candidates))):
        plan.cluster_role = f"tier{plan.tier}"
        plan.joined_on = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 540))


def build_plan(today: datetime.date) -> list[FirmPlan]:
    """Every demo supplier firm, the demo login's firm first. Pure: reads no database."""
    rng = random.Random(SEED)
    demo_supplier = _demo_supplier_plan(rng, today)
    taken = {demo_org_tax_code("buyer"), demo_supplier.tax_code}
    used = {name_key(demo_supplier.name)}
    plans = [
        _firm(rng, today, province=code, taken=taken, used=used)
        for code, (count, *_rest) in catalogue.PROVINCES.items()
        for _i in range(count)
    ]
    _verification(rng, plans, today)
    _cluster_roles(rng, plans, CLUSTER_SIZE - 1)
    return [demo_supplier, *plans]


# --- Writing it (bulk) -------------------------------------------------------------------------


class _References:
    """Reference records by code, loaded once (a handful of queries instead of one per row)."""

    def __init__(self):
        self.provinces = {p.code: p for p in Province.objects.all()}
        self.sectors = {s.code: s.pk for s in Sector.objects.all()}
        self.vsic = {v.code: v.pk for v in VsicCode.objects.filter(version="2025")}
        self.groups = {g.code: g.pk for g in ProductGroup.objects.all()}
        self.terms = {(t.kind, t.code): t.pk for t in Term.objects.all()}

    def term(self, kind: str, code: str) -> int:
        return self.terms[(kind, code)]


def _organisations(plans: list[FirmPlan], refs: _References) -> dict[str, Organisation]:
    """The firms by tax code; those missing are bulk-created (name keys set here: no save())."""
    existing = {o.tax_code: o for o in Organisation.objects.filter(tax_code__in=[p.tax_code for p in plans])}
    missing = [
        Organisation(
            name=p.name,
            name_en=p.name_en,
            tax_code=p.tax_code,
            province=refs.provinces[p.province],
            is_supplier=True,
            name_search_key=name_key(p.name),
        )
        for p in plans
        if p.tax_code not in existing
    ]
    Organisation.objects.bulk_create(missing)
    Organisation.objects.filter(tax_code__in=existing, is_supplier=False).update(is_supplier=True)
    return {o.tax_code: o for o in Organisation.objects.filter(tax_code__in=[p.tax_code for p in plans])}


def _profile_values(plan: FirmPlan) -> dict:
    verified_at = None
    if plan.verified_day:  # verified firms only
        verified_at = timezone.make_aware(datetime.datetime.combine(plan.verified_day, datetime.time(9, 30)))
    return {
        **plan.profile,
        "verification_status": plan.status,
        "verification_reason": plan.reason,
        "verified_at": verified_at,
    }


def _profiles_to_fill(plans: list[FirmPlan], organisations) -> list[tuple[FirmPlan, SupplierProfile]]:
    """Create the missing profiles; return (plan, profile) for every profile with no process yet.

    An existing profile without processes (the demo login's firm, if registration code created it
    empty) gets the plan's values too; a profile with processes is the firm's own and is kept.
    """
    existing = set(
        SupplierProfile.objects.filter(organisation__in=organisations.values()).values_list(
            "organisation_id", flat=True
        )
    )
    new = [
        SupplierProfile(organisation=organisations[plan.tax_code], **_profile_values(plan))
        for plan in plans
        if organisations[plan.tax_code].pk not in existing
    ]
    bulk_create_with_history(new, SupplierProfile, default_change_reason="demo data")
    empty = {
        profile.organisation_id: profile
        for profile in SupplierProfile.objects.filter(
            organisation__in=organisations.values(), processes__isnull=True
        ).select_related("organisation")
    }
    pairs = [
        (plan, empty[organisations[plan.tax_code].pk])
        for plan in plans
        if organisations[plan.tax_code].pk in empty
    ]
    for plan, profile in pairs:
        if profile.organisation_id in existing:
            for name, value in _profile_values(plan).items():
                setattr(profile, name, value)
            profile.full_clean()
            profile.save()
    return pairs


def _link(field_name: str, pairs) -> None:
    """Bulk-insert many-to-many links (profile id, target id) of one SupplierProfile field."""
    model_field = SupplierProfile._meta.get_field(field_name)
    through = model_field.remote_field.through
    source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [
            through(**{f"{source}_id": profile_id, f"{target}_id": target_id})
            for profile_id, target_id in pairs
        ],
        ignore_conflicts=True,
    )


def _without(row: dict, key: str) -> dict:
    return {name: value for name, value in row.items() if name != key}


def _fill(pairs: list[tuple[FirmPlan, SupplierProfile]], refs: _References) -> None:
    """Every row of every profile to fill, one bulk insert per table."""
    _link("sectors", [(pr.pk, refs.sectors[c]) for plan, pr in pairs for c in plan.sectors])
    _link("vsic_codes", [(pr.pk, refs.vsic[c]) for plan, pr in pairs for c in plan.vsic])
    _link("materials", [(pr.pk, refs.term("material", c)) for plan, pr in pairs for c in plan.materials])
    _link("practices", [(pr.pk, refs.term("practice", c)) for plan, pr in pairs for c in plan.practices])
    ProcessCapability.objects.bulk_create(
        ProcessCapability(
            profile=pr, process_id=refs.term("process", row["process"]), **_without(row, "process")
        )
        for plan, pr in pairs
        for row in plan.processes
    )
    Equipment.objects.bulk_create(
        Equipment(profile=pr, **row) for plan, pr in pairs for row in plan.equipment
    )
    Product.objects.bulk_create(
        Product(
            profile=pr,
            product_group_id=refs.groups[row["product_group"]],
            **_without(row, "product_group"),
        )
        for plan, pr in pairs
        for row in plan.products
    )
    certificates = [
        Certificate(
            profile=pr,
            standard_id=refs.term("certification", row["standard"]),
            **_without(row, "standard"),
        )
        for plan, pr in pairs
        for row in plan.certificates
    ]
    bulk_create_with_history(certificates, Certificate, default_change_reason="demo data")


def _cluster(plans: list[FirmPlan], organisations: dict[str, Organisation], refs: _References) -> Cluster:
    """The Chu Lai cluster, THACO Industries as its anchor, and its tier-1/tier-2 suppliers."""
    cluster, _created = Cluster.objects.get_or_create(
        name=CLUSTER_NAME,
        defaults={
            "name_en": CLUSTER_NAME_EN,
            "province": refs.provinces[CLUSTER_PROVINCE],
            "description": CLUSTER_DESCRIPTION,
        },
    )
    anchor = Organisation.objects.get(tax_code=demo_org_tax_code("buyer"))
    members = [
        ClusterMember(
            cluster=cluster,
            organisation=anchor,
            role=ClusterMember.Role.ANCHOR,
            joined_on=datetime.date(2023, 12, 1),
        )
    ]
    members += [
        ClusterMember(
            cluster=cluster,
            organisation=organisations[plan.tax_code],
            role=plan.cluster_role,
            tier=int(plan.cluster_role[-1]),
            joined_on=plan.joined_on,
        )
        for plan in plans
        if plan.cluster_role
    ]
    ClusterMember.objects.bulk_create(members, ignore_conflicts=True)  # existing members kept as they are
    return cluster


def _counts(plans: list[FirmPlan], cluster: Cluster, created: int) -> dict:
    profiles = SupplierProfile.objects.filter(organisation__tax_code__in=[p.tax_code for p in plans])
    by_status = dict(profiles.order_by().values_list("verification_status").annotate(n=Count("pk")))
    certificates = Certificate.objects.filter(profile__in=profiles)
    return {
        "profiles": profiles.count(),
        "created": created,
        "verified": by_status.get("verified", 0),
        "pending": by_status.get("pending", 0),
        "suspended": by_status.get("suspended", 0),
        "in_da_nang": profiles.filter(organisation__province__code=CLUSTER_PROVINCE).count(),
        "certificates": certificates.count(),
        "expired_certificates": certificates.filter(expires_on__lt=timezone.localdate()).count(),
        "cluster_members": cluster.members.count(),
    }


def load() -> dict:
    """Create the demo supplier firms and the Chu Lai cluster (idempotent); return counts."""
    plans = build_plan(timezone.localdate())
    refs = _References()
    organisations = _organisations(plans, refs)
    pairs = _profiles_to_fill(plans, organisations)
    _fill(pairs, refs)
    cluster = _cluster(plans, organisations, refs)
    # Prefetched: profile_search_document reads materials and products through .all().
    filled = SupplierProfile.objects.filter(pk__in=[profile.pk for _plan, profile in pairs])
    for profile in filled.select_related("organisation").prefetch_related("materials", "products"):
        profile_changed(profile)
    return _counts(plans, cluster, created=len(pairs))
