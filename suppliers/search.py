"""Supplier search: one box over names, products, processes, materials and descriptions, and facets.

How a query is read (``parse``): folded like every stored search text (diacritics optional, đ = d),
legal-form words dropped ("Công ty TNHH Cơ khí Đông Á" → "co khi dong a"); every remaining word
must begin a word of the firm's ``search_document`` (so "dap" finds "dap", "co kh" finds "co khi").
Ranking (``ranked``): words found in the firm's name weigh most; words typed *with* diacritics
weigh more again where the firm has them exactly, so "đúc nhôm" lists aluminium foundries before
firms of somebody named "Đức".

Two engines, one behaviour:
- PostgreSQL: ``search_vector`` (stored, GIN-indexed) holds every prefix of every word of
  ``search_document`` as a lexeme (migrations suppliers 0002 and 0006), so the words become one
  exact ``tsquery`` (``'gia' & 'do'``) rather than a prefix scan per word; when no firm has them
  all, trigram word similarity (``<%``, GIN trigram index) takes the words nobody has as typos.
- SQLite (the embedded default): the same prefix test with LIKE on ``search_document``; typos are
  corrected to the closest word that firms do use (``difflib``).

Facets (``_facets``): values within a facet combine with OR, facets with AND (the filters of
``suppliers.filters``); each facet counts with every *other* facet applied, so a count says what
ticking that value would add. They are counted in Python from each firm's stored
``facet_values`` (one column, rebuilt by ``services.profile_changed``), read in the same query
that matches the words. A broad search (more than COUNT_CAP firms) counts its facets over the
first COUNT_CAP matching firms and the page says so: exact counts of 30,000 matches would cost a
second per page and change no decision.

How ``run`` answers (speed, see bench/search.py):
- narrow (at most COUNT_CAP matches): the facets are applied in Python to those firms and the
  page lists them by id; the words are not matched again and nothing is counted in SQL;
- words that match more, narrowed by ticked facets: one query fetches the ids that pass (at most
  COUNT_CAP + 1, ranked when the page is); when they are few, they are counted and listed by id
  like a narrow search, in that order;
- broad: the filters run in the database; relevance order comes from ``RankedByTiers`` (firms
  with every word in their name by name from ``NamePrefix``, else the few firms with a word in
  their name ranked and the rest by name from the name index), not from ranking every match.
Ranking, sorting by name and the province filter read the profile's own copies of its
organisation's name and province (``name_search_key``, ``search_province``; migration 0007), so
they need no join to the organisations.
"""

import datetime
import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Case, Count, Max, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Province, Sector, Term
from portal.text import accent_key, fold, strip_legal_form
from suppliers import search_cache
from suppliers.filters import SupplierProfileFilter
from suppliers.models import Cluster, NamePrefix, SupplierProfile

COUNT_CAP = 1000  # broad queries say "1000+" rather than count every match
PREFIX_LENGTH = 20  # the longest word prefix stored in search_vector (migration suppliers 0006)
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


def word_prefixes_query(words: tuple[str, ...]) -> str:
    """The tsquery of firms having every word as the beginning of one of theirs: ``search_vector``
    holds every prefix of every word, up to PREFIX_LENGTH letters (migration suppliers 0006)."""
    # Folded words are [0-9a-z]+ only: nothing in them needs quoting inside the quotes.
    return " & ".join(f"'{word[:PREFIX_LENGTH]}'" for word in words)


def name_prefixes(name: str) -> set[str]:
    """Every beginning, up to PREFIX_LENGTH letters, of every word of a folded name: a firm's
    ``NamePrefix`` rows. A word (of at most PREFIX_LENGTH letters) begins a word of the name, as
    ``_begins_a_word`` tests it, exactly when it is one of them: folded names are words of
    [0-9a-z] between single spaces."""
    return {word[:length] for word in name.split() for length in range(1, min(len(word), PREFIX_LENGTH) + 1)}


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _having_words(profiles: QuerySet, words: tuple[str, ...]) -> QuerySet:
    if _postgres():
        found = profiles.filter(
            RawSQL("search_vector @@ %s::tsquery", (word_prefixes_query(words),), output_field=BooleanField())
        )
        for word in words:
            if len(word) > PREFIX_LENGTH:  # its first PREFIX_LENGTH letters matched: now the rest
                found = found.filter(_begins_a_word("search_document", word))
        return found
    condition = Q()
    for word in words:
        condition &= _begins_a_word("search_document", word)
    return profiles.filter(condition)


def matching(profiles: QuerySet, query: Query) -> tuple[QuerySet, Query]:
    """The profiles that have every word; if none does, typo-tolerant ones (and the query used)."""
    if not query:
        return profiles, query
    found = _having_words(profiles, query.words)
    return (found, query) if found.exists() else _typo_tolerant(profiles, query)


def _typo_tolerant(profiles: QuerySet, query: Query) -> tuple[QuerySet, Query]:
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


# The folded name a firm is ranked and sorted by: the profile's copy (migration suppliers 0007) or,
# where thousands of names are read at once, the organisation's own (see RankedByTiers).
NAME, ORGANISATION_NAME = "name_search_key", "organisation__name_search_key"


def ranked(profiles: QuerySet, query: Query, name: str = NAME) -> QuerySet:
    """Annotate ``relevance`` (name words, then exact diacritics) and order by it."""
    if not query:
        return profiles.annotate(relevance=Value(0)).order_by(name, "pk")
    return profiles.annotate(relevance=_relevance(query, name)).order_by("-relevance", name, "pk")


def _relevance(query: Query, name: str):
    points = [
        Case(When(_begins_a_word(name, word), then=Value(NAME_WEIGHT)), default=Value(0))
        for word in query.words
    ]
    points += [
        Case(When(_begins_a_word("search_exact", word), then=Value(EXACT_WEIGHT)), default=Value(0))
        for word in query.accented
    ]
    return sum(points[1:], points[0])


def _relevant(query: Query, name: str) -> Q:
    """Firms with some relevance: a word begins a word of their name, or an accented word is theirs."""
    condition = Q(pk__in=[])
    for word in query.words:
        condition |= _begins_a_word(name, word)
    for word in query.accented:
        condition |= _begins_a_word("search_exact", word)
    return condition


# The firms with every word in their name, by name, among the first ``walk`` names having the
# longest word (likely the fewest names). The inner LIMIT bounds the work when few names have the
# other words too; each other word is then one look-up of the key per name.
_WITH_EVERY_WORD = (
    "SELECT led.profile_id FROM (SELECT name_key, profile_id FROM {table} WHERE prefix = %s"
    " ORDER BY name_key, profile_id LIMIT %s) AS led{others} ORDER BY led.name_key, led.profile_id LIMIT %s"
)
_ALSO = (
    "EXISTS (SELECT 1 FROM {table} AS also WHERE also.prefix = %s"
    " AND also.name_key = led.name_key AND also.profile_id = led.profile_id)"
)
NAMES_WALKED = 10  # names looked at per place wanted, before the tiers take over


def _named_with_every_word(words: tuple[str, ...], walk: int, limit: int) -> list[int]:
    leading, *others = sorted(words, key=len, reverse=True)
    table = NamePrefix._meta.db_table
    others_sql = " WHERE " + " AND ".join(_ALSO.format(table=table) for _ in others) if others else ""
    sql = _WITH_EVERY_WORD.format(table=table, others=others_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [leading, walk, *others, limit])
        return [profile_id for (profile_id,) in cursor.fetchall()]


class RankedByTiers(Sequence):
    """A broad search's results in ``ranked`` order, without ranking every match.

    Ranking 30,000 matches to show 20 costs a sort of them all (≈ 100 ms at 50,000 firms). The
    order is relevance, then name. When the places asked for all go to firms with the most
    relevance there is (every word in their name, every accented word exactly: "han" has 5,000),
    they are those firms by name, read from ``NamePrefix`` (``_named_in_full``, under a
    millisecond). Otherwise the few firms with some relevance (a word in their name, an exact
    accented word) are ranked, and the rest follow by name, which the name index serves a page at
    a time. Same order as ``ranked``; slicing gives model instances as a queryset would.

    ``name`` says which copy of the names to read (they are equal, the speed is not): for words
    alone, the organisations' (``ORGANISATION_NAME``): the relevant firms are thousands ("co khi":
    15,000) and their trigram index and narrow table (≈ 1,800 pages at 50,000 firms) find them
    twice as fast as the profiles' wide rows. When ticked facets have narrowed the words' matches
    to a few thousand profile rows, the profiles' own (``NAME``): those rows are read anyway, and
    joining the organisations cost as much again ("vo hop so" in Đà Nẵng: 16 → 7 ms).

    ``first``: the ids of the first places when a query has already ranked them (``run``, ticked
    facets), every one of them when ``complete``; pages within them are fetched by id alone.
    """

    def __init__(
        self,
        profiles: QuerySet,
        query: Query,
        prepare=None,
        name: str = ORGANISATION_NAME,
        *,
        first: Sequence[int] = (),
        complete: bool = False,
    ):
        self.profiles = profiles.order_by()
        self.query = query
        self.prepare = prepare or (lambda queryset: queryset)
        self.name = name
        self.first, self.complete = list(first), complete

    def using(self, prepare) -> "RankedByTiers":
        """The same results, each page's query passed through ``prepare`` (prefetches)."""
        return RankedByTiers(
            self.profiles, self.query, prepare, self.name, first=self.first, complete=self.complete
        )

    def ids(self, stop: int) -> list[int]:
        if stop <= len(self.first) or self.complete:
            return self.first[:stop]
        named = self._named_in_full(stop)
        if named is not None:
            return named
        relevant = _relevant(self.query, self.name)
        top = ranked(self.profiles.filter(relevant), self.query, self.name)
        ids = list(top.values_list("pk", flat=True)[:stop])
        if len(ids) < stop:
            rest = self.profiles.exclude(relevant).order_by(self.name, "pk")
            ids += list(rest.values_list("pk", flat=True)[: stop - len(ids)])
        return ids

    def _named_in_full(self, stop: int) -> list[int] | None:
        """The first ``stop`` places when that many firms have the most relevance there is (every
        word in their name, every accented word exactly): those firms by name, from the name
        prefixes, kept if they pass. None when fewer pass among the first names looked at: the
        tiers then rank them."""
        if max(map(len, self.query.words)) > PREFIX_LENGTH:
            return None
        # Twice the places wanted: enough unless the filters leave out most of the names.
        candidates = _named_with_every_word(self.query.words, walk=NAMES_WALKED * stop, limit=2 * stop)
        exact = Q()
        for word in self.query.accented:
            exact &= _begins_a_word("search_exact", word)
        passing = set(self.profiles.filter(exact, pk__in=candidates).values_list("pk", flat=True))
        top = [pk for pk in candidates if pk in passing][:stop]
        return top if len(top) == stop else None

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        ids = self.ids(window.stop)[window.start or 0 :]
        # By id alone: these ids have just passed the words and filters, no need to test them again.
        shown = self.profiles.model._default_manager.filter(pk__in=ids)
        found = {p.pk: p for p in self.prepare(shown)}
        return [found[pk] for pk in ids if pk in found]

    def __len__(self) -> int:
        return self.count()

    def count(self) -> int:
        return self.profiles.values("pk")[: COUNT_CAP + 1].count()


SORTS = {
    "relevance": _("Relevance"),
    "name": _("Name"),
    "updated": _("Last updated"),
}


def ordered(profiles: QuerySet, sort: str) -> QuerySet:
    """Re-order ranked profiles by name or freshness; "relevance" keeps ``ranked``'s order."""
    if sort == "name":
        return profiles.order_by(NAME, "pk")
    if sort == "updated":
        return profiles.order_by("-updated_at", "pk")
    return profiles


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: a broad query costs a bounded count, shown as "1000+".

    ``known_count`` (``SearchResult.count``) spares the count when the search already knows it.
    """

    def __init__(self, object_list, per_page, *, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        if isinstance(self.object_list, RankedByTiers):
            return self.object_list.count()
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()  # no sort to count

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


# Each firm's values of every facet, as the counts key them: province, sector, term and cluster
# ids, the employees band, "true"/"false" for verification.
FacetValues = dict[str, set]


def _facet_values(rows: list[tuple[int, dict]], day: datetime.date) -> dict[int, FacetValues]:
    """Every facet's values of the firms in ``rows`` (id, stored ``facet_values``); certificates
    count when valid on ``day``."""
    iso = day.isoformat()
    values = {}
    for pk, stored in rows:
        values[pk] = {
            "province": {stored["province"]} if stored.get("province") else set(),
            "sector": set(stored.get("sector", ())),
            "process": set(stored.get("process", ())),
            "material": set(stored.get("material", ())),
            "certification": _valid_on(stored.get("certification", ()), iso),
            "cluster": set(stored.get("cluster", ())),
            "size": {stored["size"]} if stored.get("size") else set(),
            "verified": {"true" if stored.get("verified") else "false"},
        }
    return values


def _valid_on(certificates, iso_day: str) -> set:
    """The standards of stored [standard, issued, expires] certificates valid on the day."""
    return {
        standard
        for standard, issued, expires in certificates
        if (issued is None or issued <= iso_day) and expires is not None and expires >= iso_day
    }


def _selection(narrowed: SupplierProfileFilter) -> dict[str, set]:
    """The ticked values of each facet, keyed as ``_facet_values`` keys them (refused ones left out,
    as the filters leave them out)."""
    cleaned = _cleaned(narrowed)
    selection = {key: set() for key in FACETS}
    for key in ("province", "sector", "process", "material", "certification", "cluster"):
        selection[key] = {item.pk for item in cleaned.get(key) or []}
    selection["size"] = set(cleaned.get("size") or [])
    if cleaned.get("verified") is not None:
        selection["verified"] = {"true" if cleaned["verified"] else "false"}
    return selection


def _failing(values: FacetValues, selection: dict[str, set]) -> list[str]:
    """The facets a firm does not pass: something is ticked there and the firm has none of it."""
    return [key for key, ticked in selection.items() if ticked and not ticked & values[key]]


def _labels() -> dict[str, dict]:
    """facet → {counted key: (code in the URL, label)} in the active language, cached
    (``search_cache.labels``)."""
    return search_cache.labels(_read_labels)


def _read_labels() -> dict[str, dict]:
    """``_labels`` from the database, in four queries; plain strings, so that they can be cached."""
    english = get_language() == "en"

    def named(model) -> dict:
        rows = model.objects.order_by().values_list("pk", "code", "name_vi", "name_en")
        return {
            pk: (code, name_en if english and name_en else name_vi) for pk, code, name_vi, name_en in rows
        }

    terms = {Term.Kind.PROCESS: {}, Term.Kind.MATERIAL: {}, Term.Kind.CERTIFICATION: {}}
    rows = (
        Term.objects.filter(kind__in=terms).order_by().values_list("pk", "code", "name_vi", "name_en", "kind")
    )
    for pk, code, name_vi, name_en, kind in rows:
        terms[kind][pk] = (code, name_en if english and name_en else name_vi)
    return {
        "province": named(Province),
        "sector": named(Sector),
        "process": terms[Term.Kind.PROCESS],
        "material": terms[Term.Kind.MATERIAL],
        "certification": terms[Term.Kind.CERTIFICATION],
        "cluster": {c.pk: (str(c.pk), c.name) for c in Cluster.objects.all()},
        "size": {value: (value, str(label)) for value, label in SupplierProfile.EmployeesBand.choices},
        "verified": {"true": ("true", str(_("Verified"))), "false": ("false", str(_("Not verified (yet)")))},
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
    profiles: QuerySet | RankedByTiers  # matched, filtered, ordered
    facets: list[Facet]
    errors: dict  # filter errors, by field: the page shows them beside the facets
    count: int | None = None  # the firms in ``profiles`` when known without counting (not capped)

    def listing(self, prepare):
        """``profiles`` with ``prepare`` (a queryset → queryset, e.g. prefetches) applied to what is shown."""
        if isinstance(self.profiles, RankedByTiers):
            return self.profiles.using(prepare)
        return prepare(self.profiles)


def run(
    profiles: QuerySet, params, *, today: datetime.date | None = None, facets: bool = True
) -> SearchResult:
    """The search page's whole answer for ``params`` (a QueryDict of the URL).

    The words are matched once, for the first COUNT_CAP + 1 firms. When that is all of them (a
    narrow search), the facets are applied to those firms in Python and the page lists them by id:
    the full-text query is not run again. When the words match more, ticked facets are applied in
    one query for at most COUNT_CAP + 1 ids, in rank order when the page is ranked by relevance; if
    that is all, the page lists them by id too. A broad search (more than COUNT_CAP firms pass)
    filters and ranks in the database (its first places known already when the ids were ranked).
    """
    day = today or timezone.localdate()
    matched, query, first = _matching_with_values(profiles, parse(params.get("q")))
    narrowed = SupplierProfileFilter(data=_only_facets(params), queryset=matched)
    sort = params.get("sort") if params.get("sort") in SORTS else "relevance"
    errors = dict(narrowed.errors)
    selection = _selection(narrowed)
    ticked = any(selection.values())
    rows, day = first[:COUNT_CAP], _certificate_day(narrowed, day)
    values = _facet_values(rows, day) if ticked else {}  # per-firm sets: only to test the ticks
    capped = len(first) > COUNT_CAP
    counts = _counts(values, selection) if ticked else _counts_of_all(rows, day)
    counted = _facets(counts, params, partial=capped) if facets else []
    tiered = bool(query) and sort == "relevance"
    in_rank_order = capped and ticked and tiered
    if not capped:  # every match of the words is in hand: the ticks are applied to them here
        passing = [pk for pk, _stored in rows if not ticked or not _failing(values[pk], selection)]
    elif ticked:  # more matches than in hand, but the ticks may leave few: one query for their ids,
        # in rank order when the page is ranked: they are then its first places, with no more query
        in_order = ranked(narrowed.qs, query) if in_rank_order else narrowed.qs.order_by()
        passing = list(in_order.values_list("pk", flat=True)[: COUNT_CAP + 1])
    else:
        passing = None
    known = passing[:COUNT_CAP] if in_rank_order else ()
    if passing is None or len(passing) > COUNT_CAP:
        name = NAME if ticked else ORGANISATION_NAME
        found = (
            RankedByTiers(narrowed.qs, query, name=name, first=known)
            if tiered
            else ordered(ranked(narrowed.qs, query), sort)
        )
        return SearchResult(query, matched, found, counted, errors, count=COUNT_CAP + 1)  # "1000+"
    if in_rank_order:
        found = RankedByTiers(narrowed.qs, query, name=NAME, first=known, complete=True)
    else:
        found = ordered(ranked(profiles.filter(pk__in=passing), query), sort)
    return SearchResult(query, matched, found, counted, errors, count=len(passing))


def _certificate_day(narrowed: SupplierProfileFilter, today: datetime.date) -> datetime.date:
    """The day certificates must be valid on: ``valid_on`` when given (and valid), else today."""
    return _cleaned(narrowed).get("valid_on") or today


def _cleaned(narrowed: SupplierProfileFilter) -> dict:
    """The filters' valid values (a refused one is left out, as the filters leave it out)."""
    narrowed.form.errors  # validates the form once  # noqa: B018
    return getattr(narrowed.form, "cleaned_data", {})


def _matching_with_values(profiles: QuerySet, query: Query) -> tuple[QuerySet, Query, list[tuple[int, dict]]]:
    """``matching``, and (id, facet values) of its first COUNT_CAP + 1 firms: one evaluation of the
    words gives whether anything matched, the capped count, the facets and a narrow page's ids."""
    if not query:
        return profiles, query, _first(profiles)
    found = _having_words(profiles, query.words)
    first = _first(found)
    if first:
        return found, query, first
    found, query = _typo_tolerant(profiles, query)
    return found, query, _first(found)


def _first(profiles: QuerySet) -> list[tuple[int, dict]]:
    return list(profiles.order_by().values_list("pk", "facet_values")[: COUNT_CAP + 1])


def _counts(values: dict[int, FacetValues], selection: dict[str, set]) -> dict[str, Counter]:
    """Each facet counts the firms that pass every *other* facet: what ticking a value would add."""
    counts = {key: Counter() for key in FACETS}
    for firm in values.values():
        failing = _failing(firm, selection)
        for key in FACETS if not failing else failing if len(failing) == 1 else ():
            counts[key].update(firm[key])
    return counts


def _counts_of_all(rows: list[tuple[int, dict]], day: datetime.date) -> dict[str, Counter]:
    """``_counts`` with nothing ticked: every firm counts in every facet. One pass per facet over the
    stored values, without ``_facet_values``' sets per firm (half a broad search's Python time)."""
    stored = [values for _pk, values in rows]
    iso = day.isoformat()
    counts = {
        key: Counter(chain.from_iterable(set(values.get(key, ())) for values in stored))
        for key in ("sector", "process", "material", "cluster")
    }
    valid = (_valid_on(values.get("certification", ()), iso) for values in stored)
    counts["certification"] = Counter(chain.from_iterable(valid))
    counts["province"] = Counter(values["province"] for values in stored if values.get("province"))
    counts["size"] = Counter(values["size"] for values in stored if values.get("size"))
    counts["verified"] = Counter("true" if values.get("verified") else "false" for values in stored)
    return counts


def _facets(counts: dict[str, Counter], params, *, partial: bool) -> list[Facet]:
    labels = _labels()
    return [_facet(key, label, counts[key], labels[key], params, partial) for key, label in FACETS.items()]


def _facet(key: str, label, counts: dict, names: dict, params, partial: bool) -> Facet:
    selected = set(params.getlist(key))
    values = [
        FacetValue(code=names[k][0], label=str(names[k][1]), count=n, selected=names[k][0] in selected)
        for k, n in counts.items()
        if k in names and n
    ]
    values.sort(key=lambda v: (not v.selected, -v.count, v.label))
    shown = [v for i, v in enumerate(values) if v.selected or i < FACET_VALUES_SHOWN]
    return Facet(key=key, label=str(label), values=shown, partial=partial)
