"""Demo programmes from the seeds: the Chu Lai Đề án with its parties, tasks, activities, firms'
outcomes and indicators for 2025–2026; Kế hoạch 4691/KH-UBND with its departments' tasks; and a
supplier-development programme (consulting at the firms, as the Samsung programmes did) with its
outcomes. Idempotent: each programme is looked up by name first and filled only when new.
"""

import datetime

from django.db.models import Q

from portal.models import Organisation, Province, Term
from programs.models import Activity, Indicator, IndicatorValue, Participation, Programme, Task
from suppliers.models import SupplierProfile

AGENCIES = {
    # key: (name, English name, kinds)
    "institute": (
        "Viện Nghiên cứu Chiến lược, Chính sách Công Thương",
        "Vietnam Institute of Strategy and Policy for Industry and Trade",
        {"is_institute": True},
    ),
    "ministry": ("Bộ Công Thương", "Ministry of Industry and Trade", {"is_agency": True}),
    "planning": ("Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", {"is_agency": True}),
    "finance": ("Sở Tài chính", "Department of Finance", {"is_agency": True}),
    "zones": (
        "Ban Quản lý các Khu kinh tế và Khu công nghiệp",
        "Management Board of Economic Zones and Industrial Parks",
        {"is_agency": True},
    ),
}

# number, title, lead (key), co-ordinating keys, deliverable, due (months from the start), progress
DE_AN_TASKS = [
    (
        1,
        "Xây dựng, thống nhất đề cương và lộ trình thực hiện Đề án",
        "institute",
        ["agency", "thaco"],
        "Đề cương và lộ trình được thống nhất",
        6,
        100,
    ),
    (
        2,
        "Xây dựng hệ thống dữ liệu ngành công nghiệp ô tô, cơ khí và công nghiệp hỗ trợ",
        "ministry",
        ["agency"],
        "Cơ sở dữ liệu doanh nghiệp ngành",
        18,
        60,
    ),
    (
        3,
        "Tổ chức hội thảo, kết nối đối tác và chuyên gia tư vấn cho Đề án",
        "ministry",
        ["institute"],
        "Các hội thảo, biên bản tư vấn",
        24,
        40,
    ),
    (
        4,
        "Hỗ trợ, tư vấn layout, nhà xưởng, dây chuyền sản xuất cho doanh nghiệp đầu tư tại KCN THACO Chu Lai",
        "thaco",
        ["agency"],
        "Phương án layout cho doanh nghiệp",
        24,
        30,
    ),
    (
        5,
        "Rà soát cơ chế, chính sách hiện hành của Trung ương và tỉnh về công nghiệp cơ khí và CNHT",
        "agency",
        ["institute"],
        "Báo cáo rà soát chính sách",
        9,
        100,
    ),
    (6, "Khảo sát nhu cầu của doanh nghiệp", "agency", ["institute", "thaco"], "Báo cáo khảo sát", 10, 80),
    (
        7,
        "Đề xuất các quy định, chính sách khả thi, phù hợp thực tế",
        "institute",
        ["agency"],
        "Dự thảo cơ chế, chính sách thí điểm",
        15,
        20,
    ),
    (
        8,
        "Xem xét tài trợ kinh phí thực hiện Đề án",
        "agency",
        ["thaco", "finance"],
        "Phương án kinh phí",
        8,
        0,
    ),
]
KE_HOACH_TASKS = [
    (
        1,
        "Chủ trì, điều phối, giám sát thực hiện Kế hoạch; tổng hợp, đánh giá hằng năm theo bộ tiêu chí",
        "agency",
        [],
        "Báo cáo đánh giá hằng năm",
        12,
        50,
    ),
    (
        2,
        "Xúc tiến đầu tư các dự án đáp ứng tiêu chí kinh tế tuần hoàn",
        "planning",
        ["agency"],
        "Danh mục dự án kêu gọi đầu tư",
        18,
        20,
    ),
    (
        3,
        "Tham mưu cân đối, bố trí kinh phí thực hiện Kế hoạch hằng năm",
        "finance",
        ["agency"],
        "Dự toán kinh phí hằng năm",
        6,
        100,
    ),
    (
        4,
        "Xúc tiến đầu tư khu kinh tế, khu công nghiệp; hỗ trợ liên kết, hình thành khu công nghiệp hỗ trợ",
        "zones",
        ["agency"],
        "Khu, cụm liên kết ngành",
        24,
        35,
    ),
]
# number, name, unit, source, {year: (target, entered actual)}
INDICATORS = [
    (1, "Doanh nghiệp tham gia chương trình", "DN", "entered", {2025: (40, 32), 2026: (60, None)}),
    (
        2,
        "Doanh nghiệp nhà cung ứng đã được xác minh",
        "DN",
        "verified-firms",
        {2025: (100, None), 2026: (150, None)},
    ),
    (3, "Doanh nghiệp đạt chứng nhận IATF 16949", "DN", "firms-iatf", {2025: (10, None), 2026: (15, None)}),
    (
        4,
        "Lượt doanh nghiệp tham gia kết nối cung ứng",
        "lượt DN",
        "connections",
        {2025: (30, None), 2026: (50, None)},
    ),
    (5, "Doanh nghiệp được tư vấn cải tiến", "DN", "firms-consulted", {2025: (15, None), 2026: (20, None)}),
    (6, "Doanh nghiệp được đào tạo", "DN", "firms-trained", {2025: (20, None), 2026: (30, None)}),
    (
        7,
        "Doanh nghiệp trở thành nhà cung ứng trực tiếp",
        "DN",
        "direct-suppliers",
        {2025: (3, None), 2026: (5, None)},
    ),
    (
        8,
        "Tỷ lệ nội địa hóa linh kiện ô tô (THACO Chu Lai)",
        "%",
        "entered",
        {2025: (40, 38), 2026: (45, None)},
    ),
]


DEVELOPMENT_INDICATORS = [
    (1, "Doanh nghiệp được tư vấn cải tiến tại xưởng", "DN", "firms-consulted", {2025: (15, None)}),
    (2, "Doanh nghiệp trở thành nhà cung ứng trực tiếp", "DN", "direct-suppliers", {2025: (3, None)}),
]


def _agency(key: str) -> Organisation:
    name, name_en, kinds = AGENCIES[key]
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"name_en": name_en, "is_supplier": False, **kinds}
    )
    return organisation


def _parties() -> dict[str, Organisation]:
    from portal.demo import DEMO_ORGANISATIONS, make_tax_code

    parties = {key: _agency(key) for key in AGENCIES}
    for key, name, _en, prefix, *_rest in DEMO_ORGANISATIONS:
        lookup = {"tax_code": make_tax_code(prefix)} if prefix else {"name": name}
        parties["thaco" if key == "buyer" else key] = Organisation.objects.get(**lookup)
    return parties


def _programme(name: str, **fields) -> tuple[Programme, bool]:
    return Programme.objects.get_or_create(name=name, defaults=fields)


def _tasks(programme: Programme, rows, parties) -> None:
    for number, title, lead, helpers, deliverable, months, progress in rows:
        task = Task.objects.create(
            programme=programme,
            number=number,
            title=title,
            lead_agency=parties[lead],
            deliverable=deliverable,
            starts_on=programme.starts_on,
            due_on=programme.starts_on + datetime.timedelta(days=30 * months),
            progress=progress,
            status=Task.Status.DONE
            if progress >= 100
            else Task.Status.IN_PROGRESS
            if progress
            else Task.Status.NOT_STARTED,
        )
        task.coordinating_agencies.set([parties[key] for key in helpers])


def _firms(count: int) -> list[Organisation]:
    """Verified demo firms of Đà Nẵng, the demo supplier's own firm first (its login shows outcomes)."""
    profiles = SupplierProfile.objects.verified().filter(
        Q(organisation__province__code="48"), organisation__tax_code__isnull=False
    )
    own = list(profiles.filter(organisation__name="Công ty TNHH Cơ khí Chính xác Chu Lai"))
    rest = profiles.exclude(pk__in=[p.pk for p in own]).order_by("organisation__tax_code")[: count - len(own)]
    return [p.organisation for p in [*own, *rest]]


def _activities(programme: Programme, parties) -> int:
    firms = _firms(12)
    iatf = Term.objects.get(kind=Term.Kind.CERTIFICATION, code="iatf-16949")
    plans = [
        (
            Activity.Kind.TRAINING_5S,
            "Đào tạo, tư vấn cải tiến 5S/3D cho DN CNHT cơ khí",
            2025,
            4,
            "agency",
            None,
            [(firm, Participation.Outcome.TRAINED) for firm in firms[:8]]
            + [(firm, Participation.Outcome.CONSULTED) for firm in firms[:5]],
        ),
        (
            Activity.Kind.CONNECTION,
            "Hội nghị kết nối THACO Industries – doanh nghiệp CNHT",
            2025,
            9,
            "thaco",
            None,
            [(firm, Participation.Outcome.ATTENDED) for firm in firms]
            + [(firm, Participation.Outcome.DIRECT_SUPPLIER) for firm in firms[:2]],
        ),
        (
            Activity.Kind.TRAINING_QUALITY,
            "Khóa đào tạo sẵn sàng IATF 16949",
            2026,
            3,
            "institute",
            iatf,
            [(firm, Participation.Outcome.TRAINED) for firm in firms[2:8]]
            + [(firm, Participation.Outcome.CERTIFIED) for firm in firms[2:4]],
        ),
    ]
    made = 0
    for kind, title, year, month, organiser, gap, outcomes in plans:
        activity = Activity.objects.create(
            programme=programme,
            kind=kind,
            title=title,
            starts_on=datetime.date(year, month, 15),
            place="KCN THACO Chu Lai, Núi Thành",
            organiser=parties[organiser],
            closes_gap=gap,
        )
        made += _participate(activity, outcomes, oem=parties["thaco"], standard=iatf)
    return made


def _participate(activity: Activity, outcomes, *, oem: Organisation, standard=None) -> int:
    """Record (firm, outcome) pairs; "certified" is to ``standard``, "direct supplier" of ``oem``."""
    for firm, outcome in outcomes:
        Participation.objects.create(
            activity=activity,
            organisation=firm,
            outcome=outcome,
            standard=standard if outcome == Participation.Outcome.CERTIFIED else None,
            supplier_of=oem if outcome == Participation.Outcome.DIRECT_SUPPLIER else None,
        )
    return len(outcomes)


def _indicators(programme: Programme, rows) -> None:
    for number, name, unit, source, years in rows:
        indicator = Indicator.objects.create(
            programme=programme, number=number, name=name, unit=unit, source=source
        )
        for year, (target, actual) in years.items():
            IndicatorValue.objects.create(indicator=indicator, year=year, target=target, actual=actual)


def load() -> dict[str, int]:
    parties = _parties()
    danang = Province.objects.get(code="48")
    created = participations = 0
    de_an, new = _programme(
        "Đề án thí điểm cơ chế khuyến khích hợp tác liên kết sản xuất theo cụm ngành công nghiệp hỗ trợ "
        "và công nghiệp cơ khí tại Khu kinh tế mở Chu Lai",
        kind=Programme.Kind.DE_AN,
        short_name="Đề án cụm ngành CNHT – cơ khí Chu Lai",
        issuer="UBND tỉnh Quảng Nam (nay là UBND thành phố Đà Nẵng)",
        lead_agency=parties["agency"],
        province=danang,
        starts_on=datetime.date(2024, 7, 1),
        ends_on=datetime.date(2026, 12, 31),
        funding_sources="Ngân sách tỉnh; tài trợ của THACO Industries (đang xem xét)",
        description="Hình thành Trung tâm công nghiệp cơ khí và CNHT; doanh nghiệp địa phương tham gia chuỗi "
        "sản xuất của THACO (qua THACO Industries).",
    )
    if new:
        de_an.participating_agencies.set([parties["institute"], parties["ministry"], parties["thaco"]])
        _tasks(de_an, DE_AN_TASKS, parties)
        participations += _activities(de_an, parties)
        _indicators(de_an, INDICATORS)
        created += 1
    plan, new = _programme(
        "Kế hoạch tái cơ cấu ngành Công Thương tỉnh Quảng Nam giai đoạn đến năm 2030",
        kind=Programme.Kind.KE_HOACH,
        short_name="Kế hoạch 4691/KH-UBND",
        document_number="4691/KH-UBND",
        document_date=datetime.date(2024, 6, 25),
        issuer="UBND tỉnh Quảng Nam",
        lead_agency=parties["agency"],
        province=danang,
        starts_on=datetime.date(2024, 6, 25),
        ends_on=datetime.date(2030, 12, 31),
        description="Công nghiệp chiếm 28,7 % GRDP vào năm 2030; thúc đẩy CNHT phục vụ các ngành chủ lực.",
    )
    if new:
        plan.participating_agencies.set([parties["planning"], parties["finance"], parties["zones"]])
        _tasks(plan, KE_HOACH_TASKS, parties)
        created += 1
    development, new = _programme(
        "Chương trình phát triển nhà cung ứng cho Khu phức hợp ô tô THACO Chu Lai",
        kind=Programme.Kind.CHUONG_TRINH,
        short_name="Chương trình phát triển nhà cung ứng THACO",
        issuer="Sở Công Thương và THACO Industries",
        lead_agency=parties["agency"],
        province=danang,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        funding_sources="THACO Industries; kinh phí khuyến công",
        description="Tư vấn cải tiến sản xuất và chất lượng tại doanh nghiệp, như các chương trình của "
        "Bộ Công Thương với Samsung Việt Nam tại Hải Dương và Bắc Ninh.",
    )
    if new:
        development.participating_agencies.set([parties["thaco"], parties["ministry"]])
        participations += _consulting(development, parties)
        _indicators(development, DEVELOPMENT_INDICATORS)
        created += 1
    return {"programmes_created": created, "participations": participations}


def _consulting(programme: Programme, parties) -> int:
    """A consulting round at 6 firms' workshops; one of them became a direct supplier of THACO."""
    firms = _firms(14)[8:14]
    activity = Activity.objects.create(
        programme=programme,
        kind=Activity.Kind.CONSULTING,
        title="Tư vấn cải tiến sản xuất và chất lượng tại doanh nghiệp, đợt 1",
        starts_on=datetime.date(2025, 6, 2),
        ends_on=datetime.date(2025, 11, 28),
        place="Tại xưởng của doanh nghiệp",
        organiser=parties["thaco"],
    )
    outcomes = [(firm, Participation.Outcome.CONSULTED) for firm in firms]
    outcomes += [(firms[0], Participation.Outcome.DIRECT_SUPPLIER)] if firms else []
    return _participate(activity, outcomes, oem=parties["thaco"])
