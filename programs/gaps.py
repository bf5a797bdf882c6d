"""The capability-gap view: what local suppliers most often lack for open part requests.

Read from the stored near misses (``MatchScore`` rows that are not eligible: the engine keeps the
best 25 of them per request), so a gap is counted where it matters: firms close to qualifying.
A gap is a missing process, certification (missing or expired before the needed-by date) or
material, or too little capacity / too coarse a tolerance. For each: how many open requests and
how many near-miss firms it affects, by the firms' province and cluster.

Staff link a gap to an activity that builds it (``Activity.closes_gap``) and invite the firms
(a ``Participation`` with outcome "invited"). A firm that later has the capability (a valid
certificate, the process, the material) shows as having closed the gap; its matches follow by
themselves, through the normal recompute of its profile.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from matching.models import MatchScore, PartRequest
from portal.models import Term
from programs.models import Activity, Participation
from suppliers.models import Certificate, ClusterMember, ProcessCapability, SupplierProfile

TERM_GAPS = {"process": "process", "certification": "certification", "material": "material"}
# Stored gap codes → the gap they count as (an expired certificate is a missing one here).
GAP_OF_CODE = {
    "process": "process",
    "certification": "certification",
    "certification_expired": "certification",
    "material": "material",
    "capacity": "capacity",
    "capacity_unknown": "capacity",
    "tolerance": "tolerance",
    "tolerance_unknown": "tolerance",
}


@dataclass
class Gap:
    kind: str  # process | certification | material | capacity | tolerance
    term: Term | None  # the missing term, for the first three
    requests: set = field(default_factory=set)
    firms: set = field(default_factory=set)  # supplier profile ids
    by_province: dict = field(default_factory=lambda: defaultdict(set))
    by_cluster: dict = field(default_factory=lambda: defaultdict(set))
    activities: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.term.pk}" if self.term else self.kind


def _near_misses(province=None, cluster=None):
    rows = MatchScore.objects.filter(eligible=False, request__status=PartRequest.Status.OPEN)
    if province is not None:
        rows = rows.filter(supplier__organisation__province=province)
    if cluster is not None:
        members = ClusterMember.objects.filter(cluster=cluster, status=ClusterMember.Status.ACTIVE)
        rows = rows.filter(supplier__organisation__in=members.values("organisation_id"))
    return rows.values_list("request_id", "supplier_id", "gaps")


def capability_gaps(*, province=None, cluster=None) -> list[Gap]:
    """Every gap of the near misses of open requests, most requests first."""
    gaps: dict[tuple, Gap] = {}
    firm_ids = set()
    for request_id, supplier_id, stored in _near_misses(province, cluster):
        firm_ids.add(supplier_id)
        for code, detail in stored:
            kind = GAP_OF_CODE.get(code)
            if kind is None:
                continue
            key = (kind, detail if kind in TERM_GAPS else None)
            gap = gaps.setdefault(key, Gap(kind=kind, term=None))
            gap.requests.add(request_id)
            gap.firms.add(supplier_id)
    _describe(gaps, firm_ids)
    return sorted(gaps.values(), key=lambda g: (-len(g.requests), -len(g.firms), g.key))


def _describe(gaps: dict[tuple, Gap], firm_ids: set) -> None:
    """Terms, the firms' provinces and clusters, and the activities that build each gap."""
    terms = Term.objects.in_bulk([detail for (_kind, detail) in gaps if detail is not None])
    profiles = SupplierProfile.objects.filter(pk__in=firm_ids).select_related("organisation__province")
    province_of = {p.pk: p.organisation.province for p in profiles}
    organisation_of = {p.pk: p.organisation_id for p in profiles}
    clusters = defaultdict(list)
    members = ClusterMember.objects.filter(
        organisation_id__in=organisation_of.values(), status=ClusterMember.Status.ACTIVE
    ).select_related("cluster")
    for member in members:
        clusters[member.organisation_id].append(member.cluster)
    building = defaultdict(list)
    for activity in Activity.objects.filter(closes_gap__in=terms).order_by("-starts_on"):
        building[activity.closes_gap_id].append(activity)
    for (_kind, detail), gap in gaps.items():
        gap.term = terms.get(detail)
        gap.activities = building.get(detail, [])
        for firm in gap.firms:
            gap.by_province[province_of.get(firm)].add(firm)
            for cluster in clusters[organisation_of.get(firm)]:
                gap.by_cluster[cluster].add(firm)


def find_gap(key: str) -> Gap | None:
    """The gap named by ``Gap.key``; a term's gap nobody has any more is found too (empty)."""
    found = next((gap for gap in capability_gaps() if gap.key == key), None)
    kind, _dash, term_id = key.partition("-")
    if found is None and kind in TERM_GAPS and term_id.isdigit():
        term = Term.objects.filter(pk=int(term_id), kind=_TERM_KIND[kind]).first()
        found = Gap(kind=kind, term=term) if term else None
    return found


_TERM_KIND = {
    "process": Term.Kind.PROCESS,
    "certification": Term.Kind.CERTIFICATION,
    "material": Term.Kind.MATERIAL,
}


@dataclass(frozen=True)
class GapFirm:
    profile: SupplierProfile
    requests: int  # open requests where the gap keeps it from being eligible
    invited_to: list  # activities building this gap the firm was invited to
    closed: bool  # the firm has the capability now


def gap_firms(gap: Gap) -> list[GapFirm]:
    """The near-miss firms with this gap and the firms invited to build it, whether they closed it."""
    invitations = defaultdict(list)
    if gap.term is not None:
        invited = Participation.objects.filter(
            outcome=Participation.Outcome.INVITED, activity__closes_gap=gap.term
        ).select_related("activity")
        for row in invited:
            invitations[row.organisation_id].append(row.activity)
    profiles = SupplierProfile.objects.filter(
        Q(pk__in=gap.firms) | Q(organisation_id__in=invitations)
    ).select_related("organisation__province")
    counts = defaultdict(int)
    rows = MatchScore.objects.filter(
        eligible=False, request__status=PartRequest.Status.OPEN, supplier_id__in=gap.firms
    ).values_list("supplier_id", "gaps")
    for supplier_id, stored in rows:
        if any(_same_gap(gap, code, detail) for code, detail in stored):
            counts[supplier_id] += 1
    have = _holders(gap, [p.pk for p in profiles])
    firms = [
        GapFirm(
            profile=profile,
            requests=counts[profile.pk],
            invited_to=invitations.get(profile.organisation_id, []),
            closed=profile.pk in have,
        )
        for profile in profiles
    ]
    return sorted(firms, key=lambda f: (f.closed, -f.requests, f.profile.organisation.name))


def _same_gap(gap: Gap, code: str, detail) -> bool:
    kind = GAP_OF_CODE.get(code)
    return kind == gap.kind and (gap.term is None or detail == gap.term.pk)


def _holders(gap: Gap, profile_ids: list[int]) -> set[int]:
    """Of ``profile_ids``, those that have the gap's term now (capacity/tolerance: never known here)."""
    if gap.term is None:
        return set()
    if gap.kind == "certification":
        rows = Certificate.objects.valid_on(timezone.localdate()).filter(standard=gap.term)
        return set(rows.filter(profile_id__in=profile_ids).values_list("profile_id", flat=True))
    if gap.kind == "process":
        rows = ProcessCapability.objects.filter(process=gap.term, profile_id__in=profile_ids)
        return set(rows.values_list("profile_id", flat=True))
    return set(
        SupplierProfile.objects.filter(pk__in=profile_ids, materials=gap.term).values_list("pk", flat=True)
    )
