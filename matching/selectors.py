"""Reads for matching: the plain scoring inputs built from the database, and ranked results."""

import datetime
import functools
import string
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from matching.models import (
    SCORE_FIELDS,
    MatchScore,
    PartRequest,
    Quotation,
    QuoteInvitation,
    ShortlistEntry,
    SupplierInterest,
)
from matching.scoring import (
    CRITERIA,
    Capability,
    CertificateRecord,
    Distances,
    RequestData,
    SupplierData,
    score_pair,
)
from portal.models import Organisation, Province, Term
from portal.roles import organisations_of
from portal.text import fold
from suppliers.models import Certificate, ClusterMember, ProcessCapability, SupplierProfile

# Words too common to say anything about a fit (folded).
STOPWORDS = frozenset(
    [
        "va",
        "cua",
        "cho",
        "cac",
        "voi",
        "la",
        "co",
        "trong",
        "tren",
        "duoi",
        "theo",
        "mot",
        "nhung",
        "nay",
        "do",
        "de",
        "khi",
        "tai",
        "tu",
        "den",
        "the",
        "and",
        "for",
        "with",
        "of",
        "to",
        "in",
        "on",
        "a",
        "an",
        "by",
        "or",
        "from",
        "as",
        "at",
        "is",
        "are",
        "be",
    ]
)


def text_tokens(*texts: str) -> frozenset[str]:
    """Folded words of two letters or more, stop words dropped: the text criterion's unit."""
    return frozenset(
        word for text in texts for word in fold(text).split() if len(word) > 1 and word not in STOPWORDS
    )


@functools.lru_cache(maxsize=16_384)
def _request_tokens(*texts: str) -> frozenset[str]:
    """``text_tokens`` of a request's titles and descriptions, remembered by the worker process:
    every supplier edit rescores every open request, and folding their texts again was a third
    of such a recompute. Keyed by the texts themselves, so an edited request is folded anew."""
    return text_tokens(*texts)


def distances() -> Distances:
    centres = {
        p.code: (p.latitude, p.longitude)
        for p in Province.objects.exclude(latitude=None).only("code", "latitude", "longitude")
    }
    return Distances.from_centres(centres)


def _to_float(value) -> float | None:
    return None if value is None else float(value)


def supplier_data(profile_ids: list[int] | None = None) -> list[SupplierData]:
    """Scoring inputs for the given profiles (all when None), in five queries whatever the count."""
    profiles = SupplierProfile.objects.all()
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=profile_ids)
    # The local day of the last update, worked out by the database: 20,000 ``astimezone`` calls
    # took a third of a second.
    updated_on = TruncDate("updated_at", tzinfo=timezone.get_current_timezone())
    rows = list(
        profiles.values_list(
            "pk",
            "organisation_id",
            "organisation__province__code",
            "verification_status",
            updated_on,
            "search_document",
        ).order_by("pk")
    )
    ids = profiles.values("pk")  # a subquery: 20,000 ids as parameters cost more than the query
    processes, materials, certificates = defaultdict(list), defaultdict(set), defaultdict(list)
    for pid, process, capacity, unit, tolerance in ProcessCapability.objects.filter(
        profile_id__in=ids
    ).values_list("profile_id", "process_id", "monthly_capacity", "capacity_unit", "best_tolerance_mm"):
        processes[pid].append(Capability(process, _to_float(capacity), unit, _to_float(tolerance)))
    through = SupplierProfile.materials.through
    for pid, term in through.objects.filter(supplierprofile_id__in=ids).values_list(
        "supplierprofile_id", "term_id"
    ):
        materials[pid].add(term)
    for pid, standard, issued, expires in Certificate.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "standard_id", "issued_on", "expires_on"
    ):
        certificates[pid].append(
            CertificateRecord(standard, expires.toordinal(), issued.toordinal() if issued else None)
        )
    anchors = _cluster_anchors(profiles.values("organisation_id"))
    return [
        SupplierData(
            id=pid,
            processes=tuple(processes[pid]),
            materials=frozenset(materials[pid]),
            certificates=tuple(certificates[pid]),
            province=province or "",
            cluster_anchors=anchors.get(org, frozenset()),
            verification=status,
            updated_day=updated.toordinal(),
            tokens=_document_tokens(document),
        )
        for pid, org, province, status, updated, document in rows
    ]


# A folded text has only [0-9a-z] words: these are all its one-character words.
_ONE_CHARACTER_WORDS = frozenset(string.ascii_lowercase + string.digits)


def _document_tokens(document: str) -> frozenset[str]:
    """``text_tokens`` of a ``search_document``, which is folded already: split, not folded again."""
    return frozenset(document.split()).difference(STOPWORDS, _ONE_CHARACTER_WORDS)


def _cluster_anchors(organisation_ids: QuerySet) -> dict[int, frozenset[int]]:
    """organisation → the anchor OEMs of the active clusters it belongs to."""
    active = ClusterMember.objects.filter(status=ClusterMember.Status.ACTIVE)
    anchor_of = defaultdict(set)
    for cluster, org in active.filter(role=ClusterMember.Role.ANCHOR).values_list(
        "cluster_id", "organisation_id"
    ):
        anchor_of[cluster].add(org)
    result = defaultdict(set)
    for cluster, org in active.filter(organisation_id__in=organisation_ids).values_list(
        "cluster_id", "organisation_id"
    ):
        result[org] |= anchor_of[cluster]
    return {org: frozenset(found) for org, found in result.items()}


REQUEST_TERM_LISTS = ("required_processes", "optional_processes", "materials", "required_certifications")


def _request_terms(request_ids: list[int]) -> dict[str, dict[int, set[int]]]:
    """list name → request id → term ids, with one plain query per list (no model instances)."""
    lists: dict[str, dict[int, set[int]]] = {}
    for name in REQUEST_TERM_LISTS:
        through = getattr(PartRequest, name).through
        found: dict[int, set[int]] = defaultdict(set)
        for request_id, term_id in through.objects.filter(partrequest_id__in=request_ids).values_list(
            "partrequest_id", "term_id"
        ):
            found[request_id].add(term_id)
        lists[name] = found
    return lists


def request_data(
    requests: QuerySet | list[PartRequest], today: datetime.date | None = None
) -> list[RequestData]:
    """Scoring inputs for part requests, in five queries however many there are.

    Values, not model instances: a supplier edit rescores every open request, so this runs on
    each edit and must stay cheap at thousands of requests.
    """
    today = today or timezone.localdate()
    # A subquery, not a list of thousands of ids to send back and forth five times.
    ids = requests.values("pk") if isinstance(requests, QuerySet) else [r.pk for r in requests]
    rows = PartRequest.objects.filter(pk__in=ids).values_list(
        "pk",
        "buyer_id",
        "needed_by",
        "delivery_province__code",
        "annual_volume",
        "volume_unit",
        "tolerance_mm",
        "title",
        "title_en",
        "description",
        "description_en",
    )
    terms = _request_terms(ids)
    return [
        RequestData(
            id=pk,
            buyer=buyer,
            today=today.toordinal(),
            needed_by=max(needed_by or today, today).toordinal(),
            province=province,
            required_processes=frozenset(terms["required_processes"].get(pk, ())),
            optional_processes=frozenset(terms["optional_processes"].get(pk, ())),
            materials=frozenset(terms["materials"].get(pk, ())),
            certifications=frozenset(terms["required_certifications"].get(pk, ())),
            annual_volume=_to_float(volume),
            unit=unit,
            tolerance_mm=_to_float(tolerance),
            tokens=_request_tokens(*texts),
        )
        for pk, buyer, needed_by, province, volume, unit, tolerance, *texts in rows
    ]


def ranked_matches(request: PartRequest) -> QuerySet:
    """A request's stored scores, eligible first, best first."""
    return (
        MatchScore.objects.filter(request=request)
        .select_related("supplier__organisation__province")
        .order_by("-eligible", "-total", "supplier_id")
    )


def filtered_matches(
    request: PartRequest, *, eligible_only=False, province=None, certification=None
) -> QuerySet:
    """``ranked_matches`` narrowed as the buyer asks; a certification counts if valid on the needed-by day."""
    rows = ranked_matches(request)
    if eligible_only:
        rows = rows.filter(eligible=True)
    if province is not None:
        rows = rows.filter(supplier__organisation__province=province)
    if certification is not None:
        day = max(request.needed_by or timezone.localdate(), timezone.localdate())
        holders = Certificate.objects.valid_on(day).filter(standard=certification).values("profile_id")
        rows = rows.filter(supplier_id__in=holders)
    return rows


# --- Part request pages and API (matching/views.py, matching/api.py) ------------------------


def with_eligible_count(requests: QuerySet) -> QuerySet:
    """Add ``eligible_count``: the stored eligible suppliers (capped by the engine, see services)."""
    return requests.annotate(eligible_count=Count("scores", filter=Q(scores__eligible=True)))


def request_list(requests: QuerySet) -> QuerySet:
    """Requests with everything a list row shows, in a fixed number of queries whatever the count."""
    return with_eligible_count(
        requests.select_related("buyer", "product_group", "delivery_province", "awarded_to").prefetch_related(
            *REQUEST_TERM_LISTS, "documents"
        )
    ).order_by("-created_at", "-pk")


def request_detail(requests: QuerySet, pk: int) -> PartRequest:
    """One request with its requirements (processes with their groups) and documents."""
    processes = Term.objects.select_related("process_group")
    return (
        requests.select_related("buyer", "product_group", "delivery_province", "awarded_to", "created_by")
        .prefetch_related(
            Prefetch("required_processes", queryset=processes),
            Prefetch("optional_processes", queryset=processes),
            "materials",
            "required_certifications",
            "documents",
        )
        .get(pk=pk)
    )


def match_organisations(request: PartRequest) -> QuerySet:
    """The supplier organisations scored for a request: those it may be awarded to on its page."""
    return Organisation.objects.filter(supplier_profile__scores__request=request).order_by("name")


# --- Shortlists ------------------------------------------------------------------------------


def shortlist(request: PartRequest) -> QuerySet:
    """A request's shortlisted suppliers with their scores' firms, oldest first."""
    return request.shortlist.select_related("supplier__organisation__province", "added_by")


def shortlisted_supplier_ids(request: PartRequest) -> set[int]:
    return set(request.shortlist.values_list("supplier_id", flat=True))


def shortlist_changes(request: PartRequest, limit: int = 50) -> list:
    """Who changed what on the shortlist and when, newest first (django-simple-history)."""
    return list(
        ShortlistEntry.history.filter(request_id=request.pk)
        .select_related("history_user", "supplier__organisation")
        .order_by("-history_date")[:limit]
    )


# --- Comparison and export of suppliers for a request ----------------------------------------

MAX_COMPARED = 4


@dataclass(frozen=True)
class Compared:
    """One supplier as the comparison and the export show it, for one request."""

    profile: SupplierProfile
    score: MatchScore
    entry: ShortlistEntry | None
    valid_certificates: list
    expired_certificates: list
    quotation: object = None  # the supplier's Quotation for this request, if any


def compared(request: PartRequest, supplier_ids: list[int]) -> list[Compared]:
    """The first four of ``supplier_ids`` that are ranked or shortlisted (others are ignored), best first."""
    kept = set(request.shortlist.values_list("supplier_id", flat=True))
    kept |= set(request.scores.filter(supplier_id__in=supplier_ids).values_list("supplier_id", flat=True))
    return _compared(request, scores_of(request, [pk for pk in supplier_ids if pk in kept][:MAX_COMPARED]))


def shortlist_compared(request: PartRequest) -> list[Compared]:
    """Every shortlisted supplier, for the export."""
    shortlisted = list(request.shortlist.values_list("supplier_id", flat=True))
    return _compared(request, scores_of(request, shortlisted))


def scores_of(request: PartRequest, supplier_ids: list[int]) -> dict[int, MatchScore]:
    """supplier id → its score for ``request``: the stored one, or one computed now (not stored).

    A supplier may be shortlisted without being stored among the ranked (it said it was
    interested, or fell out of the stored top since): comparing it still needs its score.
    """
    stored = MatchScore.objects.filter(request=request, supplier_id__in=supplier_ids)
    scores = {score.supplier_id: score for score in stored}
    missing = [pk for pk in supplier_ids if pk not in scores]
    if missing and request.status != PartRequest.Status.DRAFT:
        (data,) = request_data([request])
        distance = distances()
        for supplier in supplier_data(missing):
            pair = score_pair(supplier, data, distance)
            scores[supplier.id] = MatchScore(
                request=request,
                supplier_id=supplier.id,
                total=pair.total,
                eligible=pair.eligible,
                gaps=pair.gaps,
                computed_at=timezone.now(),
                **{field: pair.breakdown[c] for c, field in zip(CRITERIA, SCORE_FIELDS, strict=True)},
            )
    return scores


def _compared(request: PartRequest, scores: dict[int, MatchScore]) -> list[Compared]:
    day = max(request.needed_by or timezone.localdate(), timezone.localdate())
    profiles = (
        SupplierProfile.objects.filter(pk__in=scores)
        .select_related("organisation__province")
        .prefetch_related(
            Prefetch(
                "processes",
                queryset=ProcessCapability.objects.select_related("process").order_by("process__name_vi"),
            ),
            Prefetch(
                "certificates", queryset=Certificate.objects.select_related("standard").order_by("expires_on")
            ),
        )
    )
    entries = {e.supplier_id: e for e in request.shortlist.filter(supplier_id__in=scores)}
    quotations = {
        q.invitation.supplier_id: q
        for q in Quotation.objects.filter(
            invitation__request=request, invitation__supplier_id__in=scores
        ).select_related("invitation")
    }
    rows = [
        Compared(
            profile=profile,
            score=scores[profile.pk],
            entry=entries.get(profile.pk),
            valid_certificates=[c for c in profile.certificates.all() if c.is_valid_on(day)],
            expired_certificates=[c for c in profile.certificates.all() if not c.is_valid_on(day)],
            quotation=quotations.get(profile.pk),
        )
        for profile in profiles
    ]
    return sorted(rows, key=lambda row: (not row.score.eligible, -row.score.total, row.profile.pk))


# --- Invitations to quote ----------------------------------------------------------------------


def invitations_for(user) -> QuerySet:
    """Invitations addressed to the firms of ``user`` (a supplier's inbox), newest first."""
    return QuoteInvitation.objects.filter(supplier__organisation__in=organisations_of(user)).select_related(
        "request__buyer", "supplier__organisation", "quotation"
    )


def unread_invitations(user) -> int:
    return invitations_for(user).filter(read_at=None).count()


def request_invitations(request: PartRequest) -> dict[int, QuoteInvitation]:
    """supplier id → its invitation (with quotation and files) for one request, for the buyer's pages."""
    rows = (
        QuoteInvitation.objects.filter(request=request)
        .select_related("quotation")
        .prefetch_related("quotation__documents")
    )
    return {row.supplier_id: row for row in rows}


# --- Suppliers' interest, and what a supplier sees of its own fit ---------------------------------

GOOD_MATCH = 60.0  # eligible and at least this score: "matches you well" (the page and the digest)


def request_interests(request: PartRequest) -> QuerySet:
    """The suppliers that said they are interested in a request, newest first (the buyer's page)."""
    return request.interests.select_related("supplier__organisation__province", "declared_by")


def with_own_fit(requests: QuerySet, profiles: QuerySet) -> QuerySet:
    """Add, for the caller's supplier firms (``profiles``): ``own_score`` (their best stored total,
    or None when not ranked), ``own_eligible`` and ``own_interest`` (one of them said it is interested)."""
    best = MatchScore.objects.filter(request=OuterRef("pk"), supplier__in=profiles).order_by("-total")
    return requests.annotate(
        own_score=Subquery(best.values("total")[:1]),
        own_eligible=Subquery(best.values("eligible")[:1]),
        own_interest=Exists(SupplierInterest.objects.filter(request=OuterRef("pk"), supplier__in=profiles)),
    )


def good_matches(requests: QuerySet) -> QuerySet:
    """Of ``with_own_fit`` requests, those the caller's firm matches well."""
    return requests.filter(own_eligible=True, own_score__gte=GOOD_MATCH)


def own_match(request: PartRequest, profile: SupplierProfile) -> MatchScore | None:
    """The supplier's own stored score for a request (never another firm's)."""
    return MatchScore.objects.filter(request=request, supplier=profile).first()


# --- How a buyer treats suppliers ------------------------------------------------------------------


@dataclass(frozen=True)
class BuyerRecord:
    """How a buyer has treated suppliers, shown to them on its requests and invitations."""

    decided: int  # requests closed or awarded in the last year
    award_rate: float | None  # awarded / decided
    median_days_to_decision: float | None  # publication → close or award
    answered: int = 0  # quotations of the last year the buyer has answered
    median_days_to_answer: float | None = None  # a quotation's arrival → the buyer's decision on it


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _days(later, earlier) -> float:
    return max(0.0, (later - earlier).total_seconds() / 86400)


def buyer_record(buyer, *, today: datetime.date | None = None) -> BuyerRecord:
    since = timezone.now() - datetime.timedelta(days=365)
    answers = [
        _days(answered, sent)
        for sent, answered in Quotation.objects.filter(
            invitation__request__buyer=buyer, submitted_at__gte=since, buyer_answered_at__isnull=False
        ).values_list("submitted_at", "buyer_answered_at")
    ]
    rows = list(
        PartRequest.objects.filter(
            buyer=buyer,
            status__in=[PartRequest.Status.CLOSED, PartRequest.Status.AWARDED],
            closed_at__gte=since,
            published_at__isnull=False,
        ).values_list("status", "published_at", "closed_at")
    )
    awarded = sum(status == PartRequest.Status.AWARDED for status, _p, _c in rows)
    return BuyerRecord(
        decided=len(rows),
        award_rate=awarded / len(rows) if rows else None,
        median_days_to_decision=_median([_days(closed, published) for _s, published, closed in rows]),
        answered=len(answers),
        median_days_to_answer=_median(answers),
    )
