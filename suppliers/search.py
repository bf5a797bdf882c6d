"""Supplier search: one box over names, products, processes, materials and descriptions, and facets.

How a query is read (``parse``): folded like every stored search text (diacritics optional, đ = d),
legal-form words dropped ("Công ty TNHH Cơ khí Đông Á" → "co khi dong a"); every remaining word
must begin a word of the firm's ``search_document`` (so "dap" finds "dap", "co kh" finds "co khi").
Ranking (``ranked``): words found in the firm's name weigh most; words typed *with* diacritics
weigh more again where the firm has them exactly, so "đúc nhôm" lists aluminium foundries before
firms of somebody named "Đức".

Two engines, one behaviour:
- PostgreSQL: the words become a prefix ``tsquery`` over the stored, GIN-indexed ``search_vector``
  (migration suppliers 0002); when no firm has them all, trigram word similarity (``<%``, GIN
  trigram index) takes the words nobody has as typos.
- SQLite (the embedded default): the same prefix test with LIKE on ``search_document``; typos are
  corrected to the closest word that firms do use (``difflib``).

Facets (``facet_counts``): values within a facet combine with OR, facets with AND (the filters of
``suppliers.filters``); each facet counts with every *other* facet applied, so a count says what
ticking that value would add. A broad search (more than COUNT_CAP firms) counts its facets over
the first COUNT_CAP matching firms and the page says so: exact counts of 30,000 matches would cost
a second per page and change no decision.
"""

import datetime
import difflib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Case, Count, Max, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.models import Province, Sector, Term
from portal.text import accent_key, fold, strip_legal_form
from suppliers.filters import SupplierProfileFilter
from suppliers.models import Certificate, Cluster, ClusterMember, ProcessCapability, SupplierProfile

COUNT_CAP = 1000  # broad queries say "1000+" rather than count every match
FACET_VALUES_SHOWN = 12
NAME_WEIGHT, EXACT_WEIGHT = 3, 4


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...] = ()  # folded, legal-form words dropped
    accented: tuple[str, ...] = ()  # words typed with diacritics, as typed (lower case, NFC)
    corrected_from: tuple[str, ...] = field(default=(), compare=False)  # words replaced as typos

    def __bool__(self) -> bool:
        return bool(self.words)


def parse(text: str | None) -> Query:
    text = (text or "").strip()[:200]
    words = tuple(dict.fromkeys(strip_legal_form(fold(text)).split()))
    accented = tuple(w for w in dict.fromkeys(accent_key(text).split()) if fold(w) != w and fold(w) in words)
    return Query(text=text, words=words, accented=accented)


# --- Text: which firms, and in which order ---------------------------------------------------


def _begins_a_word(column: str, word: str) -> Q:
    return Q(**{f"{column}__startswith": word}) | Q(**{f"{column}__contains": f" {word}"})


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _having_words(profiles: QuerySet, words: tuple[str, ...]) -> QuerySet:
    if _postgres():
        # Folded words are [0-9a-z]+ only: nothing in them is tsquery syntax.
        tsquery = " & ".join(f"{word}:*" for word in words)
        return profiles.filter(
            RawSQL("search_vector @@ to_tsquery('cnht', %s)", (tsquery,), output_field=BooleanField())
        )
    condition = Q()
    for word in words:
        condition &= _begins_a_word("search_document", word)
    return profiles.filter(condition)


def matching(profiles: QuerySet, query: Query) -> tuple[QuerySet, Query]:
    """The profiles that have every word; if none does, typo-tolerant ones (and the query used)."""
    if not query:
        return profiles, query
    found = _having_words(profiles, query.words)
    if found.exists():
        return found, query
    return _similar_on_postgres(profiles, query) if _postgres() else _corrected_on_sqlite(profiles, query)


def _similar_on_postgres(profiles: QuerySet, query: Query) -> tuple[QuerySet, Query]:
    """Words no firm has are matched by trigram word similarity instead of as prefixes."""
    unknown = tuple(w for w in query.words if not _having_words(profiles, (w,)).exists())
    known = tuple(w for w in query.words if w not in unknown)
    found = _having_words(profiles, known) if known else profiles
    for word in unknown:
        found = found.filter(RawSQL("%s <%% search_document", (word,), output_field=BooleanField()))
    return found, Query(query.text, query.words, query.accented, corrected_from=unknown)


def _corrected_on_sqlite(profiles: QuerySet, query: Query) -> tuple[QuerySet, Query]:
    """Words no firm has are replaced by the closest word firms do use."""
    vocabulary = _vocabulary()
    corrected, replaced = [], []
    for word in query.words:
        if word in vocabulary or any(v.startswith(word) for v in vocabulary):
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
        replaced.append(word)
    words = tuple(corrected)
    return _having_words(profiles, words), Query(
        query.text, words, query.accented, corrected_from=tuple(replaced)
    )


def _vocabulary() -> list[str]:
    """Every word of every firm's search text, cached until a profile changes."""
    state = SupplierProfile.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    stamp = state["last"].timestamp() if state["last"] else 0
    key = f"suppliers:vocabulary:{state['n']}:{stamp:.6f}"
    words = cache.get(key)
    if words is None:
        words = sorted(
            {
                w
                for doc in SupplierProfile.objects.values_list("search_document", flat=True)
                for w in doc.split()
            }
        )
        cache.set(key, words, 3600)
    return words


def ranked(profiles: QuerySet, query: Query) -> QuerySet:
    """Annotate ``relevance`` (name words, then exact diacritics) and order by it."""
    if not query:
        return profiles.annotate(relevance=Value(0)).order_by("organisation__name_search_key", "pk")
    points = [
        Case(
            When(_begins_a_word("organisation__name_search_key", word), then=Value(NAME_WEIGHT)),
            default=Value(0),
        )
        for word in query.words
    ]
    points += [
        Case(When(_begins_a_word("search_exact", word), then=Value(EXACT_WEIGHT)), default=Value(0))
        for word in query.accented
    ]
    relevance = sum(points[1:], points[0])
    return profiles.annotate(relevance=relevance).order_by(
        "-relevance", "organisation__name_search_key", "pk"
    )


SORTS = {
    "relevance": _("Relevance"),
    "name": _("Name"),
    "updated": _("Last updated"),
}


def ordered(profiles: QuerySet, sort: str) -> QuerySet:
    """Re-order ranked profiles by name or freshness; "relevance" keeps ``ranked``'s order."""
    if sort == "name":
        return profiles.order_by("organisation__name_search_key", "pk")
    if sort == "updated":
        return profiles.order_by("-updated_at", "pk")
    return profiles


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: a broad query costs a bounded count, shown as "1000+"."""

    @cached_property
    def count(self) -> int:
        return self.object_list.values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


# --- Facets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    values: list[FacetValue]
    partial: bool = False  # counted over the first COUNT_CAP matches only (a broad search)


FACETS = {
    "province": _("Province"),
    "sector": _("CNHT sector"),
    "process": _("Process"),
    "material": _("Material"),
    "certification": _("Valid certification"),
    "cluster": _("Cluster"),
    "size": _("Employees"),
    "verified": _("Verification"),
}


def _counts_by_province(ids: QuerySet, today) -> dict[str, int]:
    rows = (
        SupplierProfile.objects.filter(pk__in=ids).values("organisation__province_id").annotate(n=Count("pk"))
    )
    return {row["organisation__province_id"]: row["n"] for row in rows if row["organisation__province_id"]}


def _counts_by_m2m(through, owner: str, target: str):
    def count(ids: QuerySet, today) -> dict[int, int]:
        rows = (
            through.objects.filter(**{f"{owner}__in": ids})
            .values(target)
            .annotate(n=Count(owner, distinct=True))
        )
        return {row[target]: row["n"] for row in rows}

    return count


def _counts_by_certification(ids: QuerySet, today) -> dict[int, int]:
    rows = (
        Certificate.objects.valid_on(today)
        .filter(profile_id__in=ids)
        .values("standard_id")
        .annotate(n=Count("profile_id", distinct=True))
    )
    return {row["standard_id"]: row["n"] for row in rows}


def _counts_by_cluster(ids: QuerySet, today) -> dict[int, int]:
    organisations = SupplierProfile.objects.filter(pk__in=ids).values("organisation_id")
    rows = (
        ClusterMember.objects.filter(status=ClusterMember.Status.ACTIVE, organisation_id__in=organisations)
        .values("cluster_id")
        .annotate(n=Count("organisation_id", distinct=True))
    )
    return {row["cluster_id"]: row["n"] for row in rows}


def _counts_by_field(name: str):
    def count(ids: QuerySet, today) -> dict[str, int]:
        rows = SupplierProfile.objects.filter(pk__in=ids).values(name).annotate(n=Count("pk"))
        return {row[name]: row["n"] for row in rows if row[name]}

    return count


def _counts_by_verification(ids: QuerySet, today) -> dict[str, int]:
    verified = SupplierProfile.Verification.VERIFIED
    counts = _counts_by_field("verification_status")(ids, today)
    yes = counts.get(verified, 0)
    return {"true": yes, "false": sum(counts.values()) - yes}


def _labels(facet: str) -> dict:
    """facet → {counted key: (code in the URL, label)} in the active language."""
    if facet == "province":
        return {p.pk: (p.code, p.name) for p in Province.objects.all()}
    if facet == "sector":
        return {s.pk: (s.code, s.name) for s in Sector.objects.all()}
    if facet in ("process", "material", "certification"):
        kind = {"process": Term.Kind.PROCESS, "material": Term.Kind.MATERIAL}.get(
            facet, Term.Kind.CERTIFICATION
        )
        return {t.pk: (t.code, t.name) for t in Term.objects.filter(kind=kind)}
    if facet == "cluster":
        return {c.pk: (str(c.pk), c.name) for c in Cluster.objects.all()}
    if facet == "size":
        return {value: (value, label) for value, label in SupplierProfile.EmployeesBand.choices}
    return {"true": ("true", _("Verified")), "false": ("false", _("Not verified (yet)"))}


COUNTERS = {
    "province": _counts_by_province,
    "sector": _counts_by_m2m(SupplierProfile.sectors.through, "supplierprofile_id", "sector_id"),
    "process": _counts_by_m2m(ProcessCapability, "profile_id", "process_id"),
    "material": _counts_by_m2m(SupplierProfile.materials.through, "supplierprofile_id", "term_id"),
    "certification": _counts_by_certification,
    "cluster": _counts_by_cluster,
    "size": _counts_by_field("employees_band"),
    "verified": _counts_by_verification,
}


def _only_facets(params) -> QueryDict:
    kept = QueryDict(mutable=True)
    for key in FACETS:
        kept.setlist(key, params.getlist(key))
    return kept


@dataclass
class SearchResult:
    query: Query
    matched: QuerySet  # the words' matches, before the facets narrow them
    profiles: QuerySet  # matched, filtered, ordered
    facets: list[Facet]
    errors: dict  # filter errors, by field: the page shows them beside the facets


def run(
    profiles: QuerySet, params, *, today: datetime.date | None = None, facets: bool = True
) -> SearchResult:
    """The search page's whole answer for ``params`` (a QueryDict of the URL)."""
    matched, query = matching(profiles, parse(params.get("q")))
    narrowed = SupplierProfileFilter(data=_only_facets(params), queryset=matched)
    sort = params.get("sort") if params.get("sort") in SORTS else "relevance"
    results = ordered(ranked(narrowed.qs, query), sort)
    counted = facet_counts(matched, params, today=today) if facets else []
    return SearchResult(query, matched, results, counted, dict(narrowed.errors))


def facet_counts(matched: QuerySet, params, *, today: datetime.date | None = None) -> list[Facet]:
    """Every facet with its values' counts among ``matched`` narrowed by the *other* facets."""
    today = today or timezone.localdate()
    # The words are matched once: the facets then count among at most COUNT_CAP known firms, so a
    # broad search costs eight small queries, not eight full-text scans of 50,000 firms.
    first = list(matched.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    partial = len(first) > COUNT_CAP
    base = SupplierProfile.objects.filter(pk__in=first[:COUNT_CAP])
    facets = []
    for key, label in FACETS.items():
        others = _only_facets(params)
        others.pop(key, None)
        ids = SupplierProfileFilter(data=others, queryset=base).qs.values("pk")
        counts = COUNTERS[key](ids, today)
        selected = set(params.getlist(key))
        names = _labels(key)
        values = [
            FacetValue(code=names[k][0], label=str(names[k][1]), count=n, selected=names[k][0] in selected)
            for k, n in counts.items()
            if k in names and n
        ]
        values.sort(key=lambda v: (not v.selected, -v.count, v.label))
        shown = [v for i, v in enumerate(values) if v.selected or i < FACET_VALUES_SHOWN]
        facets.append(Facet(key=key, label=str(label), values=shown, partial=partial))
    return facets
