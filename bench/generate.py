"""Synthetic supplier firms and open part requests for the matching benchmark.

    python -m bench.generate --suppliers 20000 --requests 5000 [--seed 2026] [--buyers 20]
    python -m bench.generate --delete                            only remove the synthetic data

Works on the configured database (``DATABASE_URL`` chooses PostgreSQL; SQLite otherwise). Everything
is written with ``bulk_create`` in batches, bypassing the per-object services: no history rows, no
recompute marks, no signals. ``SupplierProfile.search_document`` is set directly (folded names,
products, and the ``Term.search_keys`` of the firm's processes and materials, like
``suppliers.services.profile_search_document``).

Synthetic rows are recognisable: organisations (and clusters) named ``"BENCH …"`` with no tax code.
They are deleted before generating again; demo data and real firms are never touched. The same
seed gives the same data (apart from database ids and the dates, which are relative to today).

Frequencies are meant to look like the Vietnamese supporting industry: common processes (stamping,
welding, CNC machining, injection moulding, powder coating…) much more often than exotic ones, by a
Zipf-like weighting over a hand-written commonness order of real ``Term`` codes; Đà Nẵng heavy among
provinces, then Hồ Chí Minh, Hà Nội, Hải Phòng, Bắc Ninh, Đồng Nai; ISO 9001 for about 60 % of firms,
IATF 16949 for about 15 %, some certificates expired; about 85 % of firms verified.
"""

import argparse
import datetime
import random
import sys
from decimal import Decimal

from bench import setup_django, timed

PREFIX = "BENCH "
BATCH = 5000

# Processes, most common first (real Term codes). Terms missing from this list follow, rarest.
PROCESS_COMMONNESS = [
    "stamping",
    "welding",
    "cnc-machining",
    "injection-moulding",
    "powder-coating",
    "mig-mag-welding",
    "cnc-turning",
    "cnc-milling",
    "painting",
    "assembly",
    "laser-cutting",
    "press-brake-bending",
    "punching",
    "spot-welding",
    "drilling",
    "zinc-electroplating",
    "die-casting",
    "heat-treatment",
    "tig-welding",
    "grinding",
    "progressive-die",
    "deep-drawing",
    "tube-bending",
    "e-coating",
    "tool-and-die-making",
    "casting",
    "sand-casting",
    "forging",
    "hot-dip-galvanising",
    "shot-blasting",
    "riveting",
    "harness-assembly",
    "seat-cover-sewing",
    "anodising",
    "phosphating",
    "quenching",
    "robotic-welding",
    "plasma-cutting",
    "blow-moulding",
    "vulcanising",
    "cmm-measurement",
]
MATERIAL_COMMONNESS = [
    "cold-rolled-steel",
    "hot-rolled-steel",
    "galvanised-steel",
    "stainless-steel",
    "aluminium",
    "pp",
    "abs",
    "alloy-steel",
    "sus304",
    "adc12",
    "grey-iron",
    "ductile-iron",
    "pom",
    "polyamide",
    "pc",
    "copper",
    "brass",
    "epdm",
    "pvc",
    "a6061",
    "nbr",
]
# Materials a firm of a process group tends to work with (biases the Zipf draw, does not restrict it).
GROUP_MATERIALS = {
    "plastics": ["pp", "abs", "polyamide", "pc", "pom", "pvc", "epdm", "nbr", "frp", "smc"],
    "casting": ["grey-iron", "ductile-iron", "aluminium", "adc12", "a6061", "brass", "copper"],
    "other": ["fabric", "leather", "artificial-leather", "glass", "copper", "pvc"],
}
# (code, share of firms holding it). IATF 16949 mostly on top of ISO 9001.
CERTIFICATE_SHARES = [
    ("iso-9001", 0.60),
    ("iatf-16949", 0.15),
    ("iso-14001", 0.20),
    ("iso-45001", 0.07),
    ("iso-3834", 0.03),
    ("rohs", 0.03),
    ("iso-iec-17025", 0.02),
    ("vda-6-3", 0.015),
    ("vn-conformity", 0.02),
]
EXPIRED_SHARE = 0.12
# Province weights: the pilot is in Đà Nẵng (which now includes Chu Lai); the rest by industry size.
PROVINCE_WEIGHTS = {
    "48": 30,
    "79": 14,
    "01": 11,
    "31": 7,
    "24": 6,
    "75": 6,
    "33": 4,
    "51": 3,
    "22": 2.5,
    "19": 2,
    "25": 2,
    "37": 2,
    "38": 1.5,
    "40": 1.5,
    "46": 1.5,
    "80": 1.5,
    "56": 1,
    "92": 1,
}
OTHER_PROVINCE_WEIGHT = 0.3
VERIFICATION_SHARES = [("verified", 0.85), ("pending", 0.12), ("suspended", 0.03)]
CAPACITY_UNITS = [("pcs", 0.78), ("kg", 0.08), ("sets", 0.06), ("h", 0.05), ("m2", 0.03)]
REQUEST_UNITS = [("pcs", 0.85), ("kg", 0.08), ("sets", 0.07)]
# Best tolerances (mm) firms declare, by process group.
GROUP_TOLERANCES = {
    "machining": [0.002, 0.005, 0.01, 0.01, 0.02, 0.05],
    "forming": [0.05, 0.1, 0.1, 0.2, 0.3],
    "casting": [0.1, 0.2, 0.3, 0.5, 1.0],
    "plastics": [0.02, 0.05, 0.1, 0.2],
    "joining": [0.2, 0.5, 1.0],
    "heat-treatment": [0.05, 0.1, 0.2],
    "surface": [0.01, 0.02, 0.05],
    "other": [0.1, 0.5, 1.0],
}
REQUEST_TOLERANCES = [0.01, 0.02, 0.05, 0.05, 0.1, 0.1, 0.2, 0.5]
# Ages of profiles (days since last update) and their shares: most firms keep their profile fresh.
PROFILE_AGES = [
    (0, 0.2),
    (30, 0.2),
    (90, 0.15),
    (170, 0.1),
    (300, 0.1),
    (500, 0.1),
    (800, 0.08),
    (1400, 0.07),
]

TRADES = [
    ("Cơ khí", "Mechanical"),
    ("Cơ khí Chính xác", "Precision Mechanical"),
    ("Nhựa", "Plastics"),
    ("Đúc", "Foundry"),
    ("Kim khí", "Metalware"),
    ("Linh kiện Ô tô", "Auto Parts"),
    ("Sơn Tĩnh điện", "Powder Coating"),
    ("Cao su Kỹ thuật", "Technical Rubber"),
    ("Khuôn mẫu", "Mould and Die"),
    ("Kết cấu Thép", "Steel Structures"),
]
NAMES = [
    "Đông Á",
    "Hòa Phát",
    "Minh Tâm",
    "Thành Công",
    "Việt Tiến",
    "Phú Thành",
    "An Khang",
    "Sông Hàn",
    "Ngũ Hành",
    "Hải Vân",
    "Tam Kỳ",
    "Chu Lai",
    "Kỳ Hà",
    "Trường Sơn",
    "Bình Minh",
    "Hưng Thịnh",
    "Đại Phát",
    "Tân Tiến",
    "Quang Trung",
    "Nam Việt",
]
LEGAL_FORMS = [
    ("Công ty TNHH", "Co., Ltd", "tnhh"),
    ("Công ty Cổ phần", "JSC", "cp"),
    ("Công ty TNHH MTV", "Co., Ltd", "tnhh-1tv"),
]
PARTS = [
    ("Giá đỡ ắc quy", "battery bracket"),
    ("Khung ghế", "seat frame"),
    ("Vỏ hộp số", "gearbox housing"),
    ("Ống xả", "exhaust pipe"),
    ("Bạc lót", "bushing"),
    ("Trục truyền động", "drive shaft"),
    ("Bánh răng", "gear"),
    ("Tấm chắn nhiệt", "heat shield"),
    ("Bản lề cửa", "door hinge"),
    ("Ốp nhựa nội thất", "interior plastic trim"),
    ("Gioăng cao su", "rubber gasket"),
    ("Bó dây điện", "wiring harness"),
    ("Thùng nhiên liệu", "fuel tank"),
    ("Pát bắt động cơ", "engine mounting bracket"),
    ("Vỏ gương chiếu hậu", "mirror housing"),
    ("Cản trước", "front bumper"),
    ("Nắp capo", "bonnet"),
    ("Khung sườn xe tải", "truck chassis frame"),
    ("Moay ơ", "wheel hub"),
    ("Bàn đạp phanh", "brake pedal"),
    ("Giá đỡ két nước", "radiator bracket"),
    ("Bulông đặc chủng", "special bolt"),
    ("Tay nắm cửa", "door handle"),
    ("Vỏ đèn", "lamp housing"),
]
BUYERS = [
    ("Ô tô Sông Hàn", "Song Han Automotive", "48"),
    ("Công nghiệp Chu Lai Mới", "New Chu Lai Industries", "48"),
    ("Xe máy Phương Nam", "Southern Motorcycles", "79"),
    ("Ô tô Thăng Long", "Thang Long Motors", "01"),
    ("Điện tử Cửa Biển", "Harbour Electronics", "31"),
    ("Linh kiện Kinh Bắc", "Kinh Bac Components", "24"),
    ("Máy nông nghiệp Đồng Nai", "Dong Nai Farm Machinery", "75"),
    ("Xe buýt Phố Hiến", "Pho Hien Buses", "33"),
    ("Xe tải Miền Trung", "Central Trucks", "48"),
    ("Thiết bị Sài Gòn", "Saigon Equipment", "79"),
]
VEHICLES = ["xe tải nhẹ", "xe buýt", "xe du lịch", "xe máy", "máy nông nghiệp", "xe điện"]
# (cluster name, province, index of the anchor buyer, share of that province's firms in it)
CLUSTERS = [
    ("Cụm CNHT cơ khí Chu Lai", "48", 1, 0.35),
    ("Cụm linh kiện Kinh Bắc", "24", 5, 0.3),
    ("Cụm cơ khí Đồng Nai", "75", 6, 0.25),
]


def _zipf(codes: list[str], commonness: list[str], exponent: float = 1.0) -> list[float]:
    """Weights 1/rank^exponent over codes ordered by commonness, the unlisted ones after, rarest."""
    order = [c for c in commonness if c in codes] + sorted(c for c in codes if c not in commonness)
    rank = {code: position + 1 for position, code in enumerate(order)}
    return [1.0 / rank[code] ** exponent for code in codes]


def _weighted_distinct(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items drawn with the given weights (rejection: fine for small k)."""
    k = min(k, len(items))
    chosen: list = []
    for _attempt in range(50 * k):
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
            if len(chosen) == k:
                break
    return chosen


def _pick(rng: random.Random, shares: list[tuple]) -> object:
    return rng.choices([value for value, _share in shares], [share for _value, share in shares])[0]


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


class Vocabulary:
    """The real Term rows (loaded by migrations) with the weights the generator draws them by."""

    def __init__(self) -> None:
        from portal.models import Province, Term

        terms = list(
            Term.objects.select_related("process_group").only(
                "pk", "kind", "code", "name_vi", "name_en", "search_keys", "process_group__code"
            )
        )
        self.by_code = {(t.kind, t.code): t for t in terms}
        self.processes = [t for t in terms if t.kind == Term.Kind.PROCESS]
        self.materials = [t for t in terms if t.kind == Term.Kind.MATERIAL]
        if not self.processes or not self.materials:
            sys.exit("bench.generate: no vocabulary terms: run `manage.py migrate` first (it loads them)")
        self.process_weights = _zipf([t.code for t in self.processes], PROCESS_COMMONNESS)
        self.material_weights = _zipf([t.code for t in self.materials], MATERIAL_COMMONNESS, 0.9)
        self.certificates = [
            (self.by_code[("certification", code)], share)
            for code, share in CERTIFICATE_SHARES
            if ("certification", code) in self.by_code
        ]
        self.provinces = {p.code: p for p in Province.objects.all()}
        codes = sorted(self.provinces)
        self.province_codes = codes
        self.province_weights = [PROVINCE_WEIGHTS.get(code, OTHER_PROVINCE_WEIGHT) for code in codes]

    def group_of(self, process) -> str:
        return process.process_group.code if process.process_group else "other"

    def keys(self, term) -> str:
        return term.search_keys.replace("\n", " ")

    def province(self, rng: random.Random):
        return self.provinces[rng.choices(self.province_codes, self.province_weights)[0]]

    def materials_for(self, rng: random.Random, processes: list, k: int) -> list:
        groups = {self.group_of(p) for p in processes}
        favoured = {code for group in groups for code in GROUP_MATERIALS.get(group, [])}
        weights = [
            w * (6.0 if m.code in favoured else 1.0)
            for m, w in zip(self.materials, self.material_weights, strict=True)
        ]
        return _weighted_distinct(rng, self.materials, weights, k)


# --- Deleting ---------------------------------------------------------------------------------


def delete_synthetic(log=print) -> None:
    """Remove every synthetic row, children first, with set-based SQL (no per-object signals)."""
    from django.db import connection, transaction

    from matching.models import MatchScore, PartRequest, RecomputeMark, RequestDocument
    from portal.models import Organisation
    from suppliers.models import (
        Certificate,
        Cluster,
        ClusterMember,
        Equipment,
        NamePrefix,
        ProcessCapability,
        Product,
        SupplierProfile,
    )

    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    orgs = f"SELECT id FROM {table(Organisation)} WHERE name LIKE %s AND tax_code IS NULL"
    profiles = f"SELECT id FROM {table(SupplierProfile)} WHERE organisation_id IN ({orgs})"
    requests = f"SELECT id FROM {table(PartRequest)} WHERE buyer_id IN ({orgs})"
    clusters = f"SELECT id FROM {table(Cluster)} WHERE name LIKE %s"
    like = PREFIX + "%"
    statements: list[tuple[str, list]] = [
        (f"DELETE FROM {table(MatchScore)} WHERE supplier_id IN ({profiles})", [like]),
        (f"DELETE FROM {table(MatchScore)} WHERE request_id IN ({requests})", [like]),
        (
            f"DELETE FROM {table(RecomputeMark)} WHERE kind = 'supplier' AND object_id IN ({profiles})",
            [like],
        ),
        (
            f"DELETE FROM {table(RecomputeMark)} WHERE kind = 'request' AND object_id IN ({requests})",
            [like],
        ),
        (f"DELETE FROM {table(RequestDocument)} WHERE request_id IN ({requests})", [like]),
    ]
    for name in ("required_processes", "optional_processes", "materials", "required_certifications"):
        through = getattr(PartRequest, name).through
        statements.append((f"DELETE FROM {table(through)} WHERE partrequest_id IN ({requests})", [like]))
    statements += [
        (f"UPDATE {table(PartRequest)} SET awarded_to_id = NULL WHERE awarded_to_id IN ({orgs})", [like]),
        (f"DELETE FROM {table(PartRequest)} WHERE buyer_id IN ({orgs})", [like]),
    ]
    for name in ("materials", "practices", "sectors", "vsic_codes"):
        through = getattr(SupplierProfile, name).through
        statements.append((f"DELETE FROM {table(through)} WHERE supplierprofile_id IN ({profiles})", [like]))
    for model in (ProcessCapability, Certificate, Equipment, Product, NamePrefix):
        statements.append((f"DELETE FROM {table(model)} WHERE profile_id IN ({profiles})", [like]))
    statements += [
        (f"DELETE FROM {table(SupplierProfile)} WHERE organisation_id IN ({orgs})", [like]),
        (f"DELETE FROM {table(ClusterMember)} WHERE cluster_id IN ({clusters})", [like]),
        (f"DELETE FROM {table(ClusterMember)} WHERE organisation_id IN ({orgs})", [like]),
        (f"DELETE FROM {table(Cluster)} WHERE name LIKE %s", [like]),
    ]
    with timed() as watch, transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        # What is left (memberships, documents… if anyone made some) goes through the ORM.
        Organisation.objects.filter(name__startswith=PREFIX, tax_code__isnull=True).delete()
    log(f"  deleted previous synthetic data in {watch.seconds:.1f} s")


def synthetic_counts() -> tuple[int, int]:
    """(synthetic supplier profiles, synthetic open requests) now in the database."""
    from matching.models import PartRequest
    from suppliers.models import SupplierProfile

    suppliers = SupplierProfile.objects.filter(
        organisation__name__startswith=PREFIX, organisation__tax_code__isnull=True
    ).count()
    requests = (
        PartRequest.objects.open()
        .filter(buyer__name__startswith=PREFIX, buyer__tax_code__isnull=True)
        .count()
    )
    return suppliers, requests


# --- Generating -------------------------------------------------------------------------------


def _bulk(model, objects: list, log, label: str) -> list:
    with timed() as watch:
        for start in range(0, len(objects), BATCH):
            model.objects.bulk_create(objects[start : start + BATCH])
    log(f"  {label:<34} {len(objects):>9,} rows  {watch.seconds:6.1f} s")
    return objects


def _suppliers(rng: random.Random, vocab: Vocabulary, count: int, today: datetime.date, log) -> list:
    """Organisations, profiles, capabilities, materials and certificates of ``count`` firms."""
    from django.db.models import Case, Value, When
    from django.utils import timezone

    from portal.models import Organisation
    from portal.text import accent_key, fold, name_key, strip_legal_form
    from suppliers.models import Certificate, ProcessCapability, SupplierProfile

    plans = []
    organisations = []
    for i in range(count):
        trade_vi, trade_en = rng.choice(TRADES)
        person = rng.choice(NAMES)
        form_vi, form_en, form_code = rng.choice(LEGAL_FORMS)
        name = f"{PREFIX}{form_vi} {trade_vi} {person} {i + 1:05d}"
        name_en = f"{PREFIX}{fold(person).title()} {trade_en} {form_en} {i + 1:05d}"
        province = vocab.province(rng)
        organisations.append(
            Organisation(
                name=name,
                name_en=name_en,
                tax_code=None,
                province=province,
                is_supplier=True,
                name_search_key=name_key(name),
            )
        )
        plans.append({"name": name, "name_en": name_en, "form": form_code, "province": province.code})
    _bulk(Organisation, organisations, log, "organisations (suppliers)")

    now = timezone.now()
    profiles = []
    for organisation, plan in zip(organisations, plans, strict=True):
        processes = _weighted_distinct(rng, vocab.processes, vocab.process_weights, rng.randint(2, 6))
        materials = vocab.materials_for(rng, processes, rng.randint(1, 4))
        products = rng.sample(PARTS, rng.randint(1, 3))
        status = _pick(rng, VERIFICATION_SHARES)
        parts = [strip_legal_form(fold(plan["name"])), strip_legal_form(fold(plan["name_en"]))]
        parts += [vocab.keys(p) for p in processes] + [vocab.keys(m) for m in materials]
        parts += [f"{fold(vi)} {fold(en)}" for vi, en in products]
        plan.update(processes=processes, materials=materials, age=_pick(rng, PROFILE_AGES))
        profiles.append(
            SupplierProfile(
                organisation=organisation,
                legal_form=plan["form"],
                founded_year=rng.randint(1990, 2024),
                employees_band=rng.choice(SupplierProfile.EmployeesBand.values),
                verification_status=status,
                verified_at=now if status == "verified" else None,
                search_document=" ".join(p for p in parts if p),
                name_search_key=organisation.name_search_key,
                search_province=organisation.province,
                search_exact=" ".join(
                    accent_key(t) for t in [plan["name"], plan["name_en"], *(vi for vi, _en in products)]
                ),
            )
        )
    _bulk(SupplierProfile, profiles, log, "supplier profiles")

    # updated_at is auto_now (bulk_create sets it to now): age the profiles in one UPDATE.
    with timed() as watch:
        by_age: dict[int, list[int]] = {}
        for profile, plan in zip(profiles, plans, strict=True):
            by_age.setdefault(plan["age"], []).append(profile.pk)
        SupplierProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(
            updated_at=Case(
                *[
                    When(pk__in=ids, then=Value(now - datetime.timedelta(days=age)))
                    for age, ids in sorted(by_age.items())
                ],
                default=Value(now),
            )
        )
    log(f"  {'profile ages (updated_at)':<34} {len(profiles):>9,} rows  {watch.seconds:6.1f} s")

    capabilities, material_rows, certificates = [], [], []
    through = SupplierProfile.materials.through
    for profile, plan in zip(profiles, plans, strict=True):
        unit = _pick(rng, CAPACITY_UNITS)  # a firm mostly counts in one unit
        for process in plan["processes"]:
            capacity = None if rng.random() < 0.1 else rng.lognormvariate(8.5, 1.3)  # median ≈ 5,000/month
            tolerance = None
            if rng.random() >= 0.25:
                tolerance = rng.choice(GROUP_TOLERANCES.get(vocab.group_of(process), [0.1]))
            capabilities.append(
                ProcessCapability(
                    profile=profile,
                    process=process,
                    monthly_capacity=None if capacity is None else _decimal(capacity, 0),
                    capacity_unit=unit if rng.random() < 0.9 else _pick(rng, CAPACITY_UNITS),
                    best_tolerance_mm=None if tolerance is None else _decimal(tolerance, 4),
                )
            )
        material_rows += [through(supplierprofile_id=profile.pk, term_id=m.pk) for m in plan["materials"]]
        held = [term for term, share in vocab.certificates if rng.random() < share]
        if any(t.code == "iatf-16949" for t in held) and not any(t.code == "iso-9001" for t in held):
            held.insert(0, vocab.by_code[("certification", "iso-9001")])  # IATF builds on ISO 9001
        for standard in held[:3]:
            if rng.random() < EXPIRED_SHARE:
                expires = today - datetime.timedelta(days=rng.randint(1, 400))
            else:
                expires = today + datetime.timedelta(days=rng.randint(20, 1095))
            certificates.append(
                Certificate(
                    profile=profile,
                    standard=standard,
                    number=f"BENCH-{profile.pk}-{standard.code}".upper()[:80],
                    issuing_body=rng.choice(["Bureau Veritas", "TÜV", "SGS", "Quacert", "DNV"]),
                    issued_on=expires - datetime.timedelta(days=3 * 365),
                    expires_on=expires,
                )
            )
    _bulk(ProcessCapability, capabilities, log, "process capabilities")
    _bulk(through, material_rows, log, "supplier materials (m2m)")
    _bulk(Certificate, certificates, log, "certificates")
    return list(zip(organisations, plans, strict=True))


def _facet_values(firms: list, log) -> None:
    """Each firm's stored facet values (``suppliers.services.facet_values_of``), as the services set them."""
    from suppliers import search_cache
    from suppliers.models import SupplierProfile
    from suppliers.services import facet_values_of

    with timed() as watch:
        organisation_ids = [organisation.pk for organisation, _plan in firms]
        for start in range(0, len(organisation_ids), BATCH):
            profiles = list(
                SupplierProfile.objects.filter(organisation_id__in=organisation_ids[start : start + BATCH])
                .select_related("organisation")
                .order_by("pk")
            )
            values = facet_values_of(profiles)
            for profile in profiles:
                profile.facet_values = values[profile.pk]
            SupplierProfile.objects.bulk_update(profiles, ["facet_values"], batch_size=1000)
    search_cache.bump()  # bulk writes skip services.profile_changed: cached searches are stale
    log(f"  {'facet values of the profiles':<34} {len(firms):>9,} rows  {watch.seconds:6.1f} s")


def _name_prefixes(firms: list, log) -> None:
    """Each firm's ``NamePrefix`` rows (``suppliers.services.name_prefix_rows``), as the services
    write them."""
    from suppliers.models import NamePrefix, SupplierProfile
    from suppliers.services import name_prefix_rows

    with timed() as watch:
        ids = [organisation.pk for organisation, _plan in firms]
        written = 0
        for start in range(0, len(ids), BATCH):
            batch = SupplierProfile.objects.filter(organisation_id__in=ids[start : start + BATCH])
            rows = list(name_prefix_rows(batch.values_list("pk", "name_search_key")))
            NamePrefix.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
    log(f"  {'name prefixes of the profiles':<34} {written:>9,} rows  {watch.seconds:6.1f} s")


def _clusters(rng: random.Random, vocab: Vocabulary, buyers: list, firms: list, log) -> None:
    from suppliers.models import Cluster, ClusterMember

    clusters, members = [], []
    for name, province, anchor, share in CLUSTERS:
        if anchor >= len(buyers):
            continue
        cluster = Cluster(name=f"{PREFIX}{name}", province=vocab.provinces[province])
        clusters.append(cluster)
        members.append(ClusterMember(cluster=cluster, organisation=buyers[anchor], role="anchor"))
        for organisation, plan in firms:
            if plan["province"] == province and rng.random() < share:
                tier = rng.choice([1, 2, 2])
                members.append(
                    ClusterMember(cluster=cluster, organisation=organisation, role=f"tier{tier}", tier=tier)
                )
    for cluster in clusters:
        cluster.save()
    for member in members:
        member.cluster_id = member.cluster.pk
    _bulk(ClusterMember, members, log, "cluster members")


def _requests(rng: random.Random, vocab: Vocabulary, buyers: list, count: int, today, log) -> None:
    from django.utils import timezone

    from matching.models import PartRequest
    from portal.models import ProductGroup

    groups = list(ProductGroup.objects.values_list("pk", flat=True)) or [None]
    certification = [("", 0.5), ("iso-9001", 0.3), ("iatf-16949", 0.15), ("iso-14001", 0.05)]
    buyer_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(buyers))]  # a few big buyers
    now = timezone.now()
    objects, plans = [], []
    for _i in range(count):
        buyer = rng.choices(buyers, buyer_weights)[0]
        required = _weighted_distinct(
            rng, vocab.processes, vocab.process_weights, _pick(rng, [(1, 0.45), (2, 0.35), (3, 0.2)])
        )
        optional = [
            p
            for p in _weighted_distinct(rng, vocab.processes, vocab.process_weights, rng.randint(0, 2))
            if p not in required
        ]
        materials = vocab.materials_for(rng, required, _pick(rng, [(0, 0.25), (1, 0.55), (2, 0.2)]))
        cert_code = _pick(rng, certification)
        certs = [vocab.by_code[("certification", cert_code)]] if cert_code else []
        part_vi, part_en = rng.choice(PARTS)
        main = required[0]
        material_vi = materials[0].name_vi.lower() if materials else "theo bản vẽ"
        material_en = materials[0].name_en.lower() if materials else "per drawing"
        province = buyer.province if rng.random() < 0.7 else vocab.province(rng)
        unit = _pick(rng, REQUEST_UNITS)
        volume = None if rng.random() < 0.1 else rng.lognormvariate(10.8, 1.2)  # median ≈ 50,000/year
        tolerance = None if rng.random() < 0.4 else rng.choice(REQUEST_TOLERANCES)
        needed_by = today + datetime.timedelta(days=rng.randint(30, 365))
        objects.append(
            PartRequest(
                buyer=buyer,
                title=f"{part_vi} — {main.name_vi.lower()}",
                title_en=f"{part_en.capitalize()} — {main.name_en.lower()}",
                description=(
                    f"Cần nhà cung cấp {main.name_vi.lower()} {part_vi.lower()} cho {rng.choice(VEHICLES)}, "
                    f"vật liệu {material_vi}."
                ),
                description_en=f"{main.name_en} of a {part_en} in {material_en}.",
                product_group_id=rng.choice(groups),
                annual_volume=None if volume is None else _decimal(volume, 0),
                volume_unit=unit,
                tolerance_mm=None if tolerance is None else _decimal(tolerance, 4),
                delivery_province=province,
                response_deadline=today + datetime.timedelta(days=rng.randint(7, 60)),
                needed_by=needed_by,
                visibility=PartRequest.Visibility.VERIFIED_SUPPLIERS,
                status=PartRequest.Status.OPEN,
                published_at=now,
            )
        )
        plans.append((required, optional, materials, certs))
    _bulk(PartRequest, objects, log, "part requests (open)")
    for name, position in (
        ("required_processes", 0),
        ("optional_processes", 1),
        ("materials", 2),
        ("required_certifications", 3),
    ):
        through = getattr(PartRequest, name).through
        rows = [
            through(partrequest_id=request.pk, term_id=term.pk)
            for request, plan in zip(objects, plans, strict=True)
            for term in plan[position]
        ]
        _bulk(through, rows, log, f"request {name.replace('_', ' ')}")


def generate(*, suppliers: int, requests: int, seed: int = 2026, buyers: int = 20, log=print) -> float:
    """Replace the synthetic data with a fresh set; returns the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from portal.models import Organisation
    from portal.text import name_key

    rng = random.Random(seed)
    today = timezone.localdate()
    log(f"bench.generate: {suppliers:,} suppliers, {requests:,} requests, {buyers} buyers, seed {seed}")
    with timed() as watch:
        delete_synthetic(log)
        vocab = Vocabulary()
        with transaction.atomic():
            firms = _suppliers(rng, vocab, suppliers, today, log)
            buyer_orgs = []
            for i in range(buyers):
                name_vi, name_en, province = BUYERS[i % len(BUYERS)]
                name = f"{PREFIX}Công ty TNHH {name_vi} {i + 1:02d}"
                buyer_orgs.append(
                    Organisation(
                        name=name,
                        name_en=f"{PREFIX}{name_en} Co., Ltd {i + 1:02d}",
                        tax_code=None,
                        province=vocab.provinces[province],
                        is_buyer=True,
                        name_search_key=name_key(name),
                    )
                )
            _bulk(Organisation, buyer_orgs, log, "organisations (buyers)")
            _clusters(rng, vocab, buyer_orgs, firms, log)
            _facet_values(firms, log)
            _name_prefixes(firms, log)
            _requests(rng, vocab, buyer_orgs, requests, today, log)
        _vacuum(log)
    log(f"bench.generate: done in {watch.seconds:.1f} s")
    return watch.seconds


def _vacuum(log) -> None:
    """VACUUM ANALYZE and CHECKPOINT on PostgreSQL: the state a real database is in long before a
    nightly recompute (autovacuum and the checkpointer have caught up with the day's writes).
    Measured right after the bulk load instead, with autovacuum busy on the new tables, the first
    full recompute took 11.4 s rather than 9.3 s."""
    from django.db import connection

    from suppliers.models import SupplierProfile

    if connection.vendor != "postgresql":
        return
    with timed() as watch, connection.cursor() as cursor:
        # Each profile row was written three times here (created, aged, given its facet values),
        # leaving two dead copies' worth of empty pages at the front of the table, which every
        # sequential read of profiles walks through first. A live database's updates reuse their
        # space as they go: compact it, as if each firm had been written once.
        cursor.execute(f"VACUUM FULL {connection.ops.quote_name(SupplierProfile._meta.db_table)}")
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")  # a superuser's or pg_checkpoint's right, as on the bench cluster
    log(f"  {'VACUUM (FULL: profiles), CHECKPOINT':<34} {'':>14}  {watch.seconds:6.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--delete", action="store_true", help="only delete the synthetic data")
    args = parser.parse_args(argv)
    setup_django()
    if args.delete:
        delete_synthetic()
        return 0
    generate(suppliers=args.suppliers, requests=args.requests, seed=args.seed, buyers=args.buyers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
