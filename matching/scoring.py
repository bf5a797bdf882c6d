"""How well a supplier fits a part request: pure functions over plain data (no ORM, no settings).

Two implementations that must agree (tests/matching/test_scoring_agreement.py checks it with
hypothesis on random data):

* ``score_pair`` — the reference, one supplier and one request at a time, written to be read.
  It *is* the specification.
* ``FastEngine`` — the same arithmetic vectorised with numpy over all suppliers at once
  (boolean matrices for processes, materials and certificates, float columns for capacity,
  tolerance and distance), used for recomputes.

Every criterion yields a sub-score in [0, 1]; the total is 100 × Σ weight × sub-score. Gaps say
what is missing; a *hard* gap (a missing must-have process, a required certification not valid on
the needed-by date, a suspended firm) makes the supplier not eligible, but it is still scored
so buyers and staff can see near misses.
"""

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

ENGINE_VERSION = "1.0"

# Weights (sum to 1). Why these numbers: what an OEM purchasing engineer screens first.
WEIGHTS: dict[str, float] = {
    # Can they make it at all? The must-have processes decide most of the fit.
    "processes": 0.30,
    # Nice-to-have processes (e.g. painting after stamping) save a second supplier.
    "optional": 0.05,
    # Experience with the specified materials.
    "materials": 0.10,
    # Certifications are gatekeepers in automotive (IATF 16949): high weight, and hard.
    "certifications": 0.15,
    # Can they make enough? Capacity against the annual volume.
    "capacity": 0.10,
    # Can they hold the tolerance?
    "tolerance": 0.08,
    # Logistics cost and the cluster policy of the Đề án: nearby and in-cluster suppliers first.
    "location": 0.10,
    # Verified by the Sở Công Thương and keeping the profile current.
    "trust": 0.07,
    # The words of the request found in the supplier's products and description.
    "text": 0.05,
}
CRITERIA: tuple[str, ...] = tuple(WEIGHTS)
HARD_GAPS = frozenset({"process", "certification", "certification_expired", "suspended"})

DISTANCE_SCALE_KM = 300.0  # a supplier 300 km away gets half the location score
CLUSTER_BONUS = 0.5  # member of a cluster anchored by the buyer
UNKNOWN_CAPACITY = 0.5  # capacity declared in another unit, or not at all
UNKNOWN_TOLERANCE = 0.3  # no tolerance declared for the relevant processes
FRESH_DAYS = 180  # profiles updated within this many days are fully fresh
STALE_FLOOR = 0.5
STALE_SPAN_DAYS = 1100.0
VERIFICATION_SCORE = {"verified": 1.0, "pending": 0.5, "suspended": 0.0}


@dataclass(frozen=True)
class Capability:
    process: int
    monthly_capacity: float | None = None
    unit: str = "pcs"
    tolerance_mm: float | None = None


@dataclass(frozen=True)
class CertificateRecord:
    standard: int
    expires: int  # proleptic Gregorian ordinal (date.toordinal())
    issued: int | None = None


@dataclass(frozen=True)
class SupplierData:
    id: int
    processes: tuple[Capability, ...] = ()
    materials: frozenset[int] = frozenset()
    certificates: tuple[CertificateRecord, ...] = ()
    province: str = ""
    cluster_anchors: frozenset[int] = frozenset()
    verification: str = "pending"
    updated_day: int = 0
    tokens: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RequestData:
    id: int
    buyer: int
    today: int
    needed_by: int
    province: str
    required_processes: frozenset[int] = frozenset()
    optional_processes: frozenset[int] = frozenset()
    materials: frozenset[int] = frozenset()
    certifications: frozenset[int] = frozenset()
    annual_volume: float | None = None
    unit: str = "pcs"
    tolerance_mm: float | None = None
    tokens: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Distances:
    """Great-circle kilometres between provinces, from their centres."""

    km: Mapping[tuple[str, str], float] = field(default_factory=dict)

    @classmethod
    def from_centres(cls, centres: Mapping[str, tuple[float, float]]) -> "Distances":
        return cls({(a, b): great_circle_km(centres[a], centres[b]) for a in centres for b in centres})

    def between(self, a: str, b: str) -> float:
        return 0.0 if a == b else self.km.get((a, b), math.inf)


@dataclass(frozen=True)
class PairScore:
    total: float
    eligible: bool
    breakdown: dict[str, float]
    gaps: list[list]


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def total_of(breakdown: Mapping[str, float]) -> float:
    """100 × the weighted sum, added in the fixed order of CRITERIA (both engines do the same)."""
    total = 0.0
    for criterion in CRITERIA:
        total += WEIGHTS[criterion] * breakdown[criterion]
    return 100.0 * total


# --- The reference: one pair at a time -------------------------------------------------------


def _fraction(wanted: frozenset[int], have: Iterable[int]) -> float:
    return 1.0 if not wanted else len(wanted & frozenset(have)) / len(wanted)


def _valid_standards(supplier: SupplierData, day: int) -> set[int]:
    return {
        c.standard
        for c in supplier.certificates
        if (c.issued is None or c.issued <= day) and c.expires >= day
    }


def _relevant(supplier: SupplierData, request: RequestData) -> list[Capability]:
    """The capabilities a request's capacity and tolerance are judged on."""
    if not request.required_processes:
        return list(supplier.processes)
    return [c for c in supplier.processes if c.process in request.required_processes]


def capacity_score(supplier: SupplierData, request: RequestData) -> tuple[float, list]:
    if request.annual_volume is None or request.annual_volume <= 0 or not request.required_processes:
        return 1.0, []
    comparable = [
        12.0 * c.monthly_capacity
        for c in _relevant(supplier, request)
        if c.monthly_capacity is not None and c.unit == request.unit
    ]
    if not comparable:
        return UNKNOWN_CAPACITY, [["capacity_unknown", None]]
    ratio = min(comparable) / request.annual_volume
    if ratio >= 1.0:
        return 1.0, []
    return ratio, [["capacity", round(100 * ratio)]]


def tolerance_score(supplier: SupplierData, request: RequestData) -> tuple[float, list]:
    if request.tolerance_mm is None:
        return 1.0, []
    declared = [c.tolerance_mm for c in _relevant(supplier, request) if c.tolerance_mm is not None]
    if not declared:
        return UNKNOWN_TOLERANCE, [["tolerance_unknown", None]]
    best = min(declared)
    if best <= request.tolerance_mm:
        return 1.0, []
    return request.tolerance_mm / best, [["tolerance", best]]


def location_score(supplier: SupplierData, request: RequestData, distances: Distances) -> float:
    decay = 1.0 / (1.0 + distances.between(supplier.province, request.province) / DISTANCE_SCALE_KM)
    bonus = CLUSTER_BONUS if request.buyer in supplier.cluster_anchors else 0.0
    return min(1.0, decay + bonus)


def trust_score(supplier: SupplierData, request: RequestData) -> float:
    age = request.today - supplier.updated_day
    freshness = 1.0 if age <= FRESH_DAYS else max(STALE_FLOOR, 1.0 - (age - FRESH_DAYS) / STALE_SPAN_DAYS)
    return 0.7 * VERIFICATION_SCORE[supplier.verification] + 0.3 * freshness


def text_score(supplier: SupplierData, request: RequestData) -> float:
    if not request.tokens:
        return 1.0
    return len(request.tokens & supplier.tokens) / len(request.tokens)


def pair_gaps(supplier: SupplierData, request: RequestData) -> list[list]:
    """What the supplier lacks for this request, hard gaps first."""
    have = {c.process for c in supplier.processes}
    gaps: list[list] = [["process", p] for p in sorted(request.required_processes - have)]
    valid = _valid_standards(supplier, request.needed_by)
    held = {c.standard for c in supplier.certificates}
    for standard in sorted(request.certifications - valid):
        gaps.append(["certification_expired" if standard in held else "certification", standard])
    if supplier.verification == "suspended":
        gaps.append(["suspended", None])
    gaps += [["material", m] for m in sorted(request.materials - supplier.materials)]
    gaps += capacity_score(supplier, request)[1] + tolerance_score(supplier, request)[1]
    return gaps


def score_pair(supplier: SupplierData, request: RequestData, distances: Distances) -> PairScore:
    """The reference scoring of one supplier against one request."""
    have = [c.process for c in supplier.processes]
    breakdown = {
        "processes": _fraction(request.required_processes, have),
        "optional": _fraction(request.optional_processes, have),
        "materials": _fraction(request.materials, supplier.materials),
        "certifications": _fraction(request.certifications, _valid_standards(supplier, request.needed_by)),
        "capacity": capacity_score(supplier, request)[0],
        "tolerance": tolerance_score(supplier, request)[0],
        "location": location_score(supplier, request, distances),
        "trust": trust_score(supplier, request),
        "text": text_score(supplier, request),
    }
    gaps = pair_gaps(supplier, request)
    eligible = not any(code in HARD_GAPS for code, _detail in gaps)
    return PairScore(total_of(breakdown), eligible, breakdown, gaps)


# --- The fast engine: one request against all suppliers --------------------------------------


def _index(values: Iterable[int]) -> dict[int, int]:
    return {value: column for column, value in enumerate(sorted(set(values)))}


class FastEngine:
    """All suppliers as matrices, built once; ``score`` scores one request against all of them.

    Matrices have one *row per term* (process, material, certificate standard) and one column per
    supplier, so the few terms a request names are contiguous rows: selecting them costs a copy of
    k × N values, not a strided gather. Missing capacities and tolerances are stored as +inf, so a
    minimum over a request's processes needs no mask. ``gaps`` lists what the chosen suppliers lack,
    with the same arithmetic as ``pair_gaps`` (a hypothesis test checks both).
    """

    def __init__(self, suppliers: Sequence[SupplierData], distances: Distances):
        self.suppliers = list(suppliers)
        self.n = len(self.suppliers)
        self.ids = np.array([s.id for s in self.suppliers], dtype=np.int64)
        self._ones = np.ones(self.n)
        self._build_processes()
        self._build_materials_and_certificates()
        self._build_places_and_trust(distances)
        self._build_tokens()
        # Criteria that depend on a few request fields only are computed once per distinct value.
        self._cache: dict[tuple, np.ndarray] = {}

    def _cached(self, key: tuple, compute) -> np.ndarray:
        """``compute()``, once per key. Threads may score at once: at worst one computes it again."""
        value = self._cache.get(key)
        if value is None:
            if len(self._cache) > 512:
                self._cache.clear()
            value = self._cache[key] = compute()
        return value

    def __len__(self) -> int:
        return self.n

    def _build_processes(self) -> None:
        self.process_col = _index(c.process for s in self.suppliers for c in s.processes)
        self.unit_index = {
            u: i for i, u in enumerate(sorted({c.unit for s in self.suppliers for c in s.processes}))
        }
        shape = (len(self.process_col), self.n)
        self.has_process = np.zeros(shape, dtype=bool)
        self.annual_capacity = np.full(shape, np.inf)
        self.capacity_unit = np.full(shape, -1, dtype=np.int16)
        self.tolerance = np.full(shape, np.inf)
        for column, supplier in enumerate(self.suppliers):
            for c in supplier.processes:
                row = self.process_col[c.process]
                self.has_process[row, column] = True
                if c.monthly_capacity is not None:
                    self.annual_capacity[row, column] = 12.0 * c.monthly_capacity
                    self.capacity_unit[row, column] = self.unit_index[c.unit]
                if c.tolerance_mm is not None:
                    self.tolerance[row, column] = c.tolerance_mm

    def _build_materials_and_certificates(self) -> None:
        self.material_col = _index(m for s in self.suppliers for m in s.materials)
        self.has_material = np.zeros((len(self.material_col), self.n), dtype=bool)
        for column, supplier in enumerate(self.suppliers):
            self.has_material[[self.material_col[m] for m in supplier.materials], column] = True
        records = [(column, c) for column, s in enumerate(self.suppliers) for c in s.certificates]
        self.cert_col = _index(c.standard for _column, c in records)
        self.cert_supplier = np.array([column for column, _c in records], dtype=np.int64)
        self.cert_std = np.array([self.cert_col[c.standard] for _column, c in records], dtype=np.int64)
        self.cert_issued = np.array(
            [-1 if c.issued is None else c.issued for _c, c in records], dtype=np.int64
        )
        self.cert_expires = np.array([c.expires for _column, c in records], dtype=np.int64)
        self.holds_cert = np.zeros((len(self.cert_col), self.n), dtype=bool)
        self.holds_cert[self.cert_std, self.cert_supplier] = True

    def _build_places_and_trust(self, distances: Distances) -> None:
        self.distances = distances
        self.provinces = sorted({s.province for s in self.suppliers})
        position = {p: i for i, p in enumerate(self.provinces)}
        self.province_of = np.array([position[s.province] for s in self.suppliers], dtype=np.int64)
        self.anchor_members: dict[int, np.ndarray] = {}
        for column, supplier in enumerate(self.suppliers):
            for anchor in supplier.cluster_anchors:
                self.anchor_members.setdefault(anchor, np.zeros(self.n, dtype=bool))[column] = True
        self.verification = np.array([VERIFICATION_SCORE[s.verification] for s in self.suppliers])
        self.suspended = np.array([s.verification == "suspended" for s in self.suppliers], dtype=bool)
        self.updated_day = np.array([s.updated_day for s in self.suppliers], dtype=np.int64)

    def _build_tokens(self) -> None:
        postings: dict[str, list[int]] = {}
        for column, supplier in enumerate(self.suppliers):
            for token in supplier.tokens:
                postings.setdefault(token, []).append(column)
        self.postings = {token: np.array(columns, dtype=np.int64) for token, columns in postings.items()}

    # -- criteria ---------------------------------------------------------------------------

    def _coverage(self, wanted: frozenset[int], rows_of: dict[int, int], matrix: np.ndarray) -> np.ndarray:
        if not wanted:
            return self._ones
        rows = [rows_of[w] for w in wanted if w in rows_of]
        if not rows:
            return np.zeros(self.n)
        return matrix[rows].sum(axis=0) / len(wanted)

    def _process_rows(self, request: RequestData) -> list[int]:
        return [self.process_col[p] for p in request.required_processes if p in self.process_col]

    def _bottleneck(self, request: RequestData, columns=slice(None)) -> np.ndarray:
        """Lowest annual capacity, in the request's unit, over its must-have processes (inf: none)."""
        rows = self._process_rows(request)
        if not rows:
            return np.full(len(self.ids[columns]), np.inf)
        return self._capacity_in(request.unit)[rows][:, columns].min(axis=0)

    def _capacity_in(self, unit: str) -> np.ndarray:
        """Annual capacity per (process, supplier) in ``unit``; +inf where declared in another one."""

        def compute():
            same_unit = self.capacity_unit == self.unit_index.get(unit, -2)
            return np.where(same_unit, self.annual_capacity, np.inf)

        return self._cached(("capacity in", unit), compute)

    def _capacity_applies(self, request: RequestData) -> bool:
        return bool(
            request.annual_volume is not None and request.annual_volume > 0 and request.required_processes
        )

    def _capacity(self, request: RequestData) -> np.ndarray:
        if not self._capacity_applies(request):
            return self._ones
        bottleneck = self._bottleneck(request)
        ratio = np.minimum(1.0, bottleneck / request.annual_volume)
        return np.where(np.isfinite(bottleneck), ratio, UNKNOWN_CAPACITY)

    def _best_tolerance(self, request: RequestData, columns=slice(None)) -> np.ndarray:
        """Finest declared tolerance over the relevant processes (all when none is required)."""
        if not request.required_processes:
            best = self._cached(("tolerance-any",), lambda: self.tolerance.min(axis=0, initial=np.inf))
            return best[columns]
        rows = self._process_rows(request)
        if not rows:
            return np.full(len(self.ids[columns]), np.inf)
        return self.tolerance[rows][:, columns].min(axis=0)

    def _tolerance(self, request: RequestData) -> np.ndarray:
        if request.tolerance_mm is None:
            return self._ones
        best = self._best_tolerance(request)
        with np.errstate(divide="ignore"):
            ratio = np.where(best <= request.tolerance_mm, 1.0, request.tolerance_mm / best)
        return np.where(np.isfinite(best), ratio, UNKNOWN_TOLERANCE)

    def _certifications(self, request: RequestData) -> np.ndarray:
        if not request.certifications:  # most requests name none: no validity matrix for their day
            return self._ones
        valid = self._valid_certificates(request.needed_by)
        return self._coverage(request.certifications, self.cert_col, valid)

    def _valid_certificates(self, day: int) -> np.ndarray:
        def compute():
            valid = np.zeros((len(self.cert_col), self.n), dtype=bool)
            ok = (self.cert_issued <= day) & (self.cert_expires >= day)
            valid[self.cert_std[ok], self.cert_supplier[ok]] = True
            return valid

        return self._cached(("valid", day), compute)

    def _location(self, request: RequestData) -> np.ndarray:
        km = np.array([self.distances.between(p, request.province) for p in self.provinces])
        decay = (1.0 / (1.0 + km / DISTANCE_SCALE_KM))[self.province_of]
        members = self.anchor_members.get(request.buyer)
        bonus = CLUSTER_BONUS * members if members is not None else 0.0
        return np.minimum(1.0, decay + bonus)

    def _trust(self, request: RequestData) -> np.ndarray:
        age = request.today - self.updated_day
        stale = np.maximum(STALE_FLOOR, 1.0 - (age - FRESH_DAYS) / STALE_SPAN_DAYS)
        return 0.7 * self.verification + 0.3 * np.where(age <= FRESH_DAYS, 1.0, stale)

    def _text(self, request: RequestData) -> np.ndarray:
        if not request.tokens:
            return self._ones
        found = [self.postings[t] for t in request.tokens if t in self.postings]
        hits = np.bincount(np.concatenate(found), minlength=self.n) if found else np.zeros(self.n)
        return hits / len(request.tokens)

    def score(self, request: RequestData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(totals, eligible, sub-scores with one column per criterion in CRITERIA order)."""
        subs = np.empty((len(CRITERIA), self.n))
        subs[0] = self._coverage(request.required_processes, self.process_col, self.has_process)
        subs[1] = self._coverage(request.optional_processes, self.process_col, self.has_process)
        subs[2] = self._coverage(request.materials, self.material_col, self.has_material)
        subs[3] = self._certifications(request)
        subs[4] = self._capacity(request)
        subs[5] = self._tolerance(request)
        subs[6] = self._cached(("location", request.province, request.buyer), lambda: self._location(request))
        subs[7] = self._cached(("trust", request.today), lambda: self._trust(request))
        subs[8] = self._text(request)
        totals = 100.0 * (WEIGHT_VECTOR @ subs)
        eligible = (subs[0] == 1.0) & (subs[3] == 1.0) & ~self.suspended
        return totals, eligible, subs.T

    # -- gaps of chosen suppliers -----------------------------------------------------------

    def gaps(self, request: RequestData, columns: np.ndarray) -> list[list[list]]:
        """``pair_gaps`` for the suppliers at ``columns``, in its order: ``gaps_json`` read back."""
        return [json.loads(text) for text in self.gaps_json(request, columns)]

    def gaps_json(self, request: RequestData, columns: np.ndarray) -> list[str]:
        """The JSON text of ``pair_gaps`` for each supplier at ``columns``, computed for all at once.

        Stored rows keep their gaps as JSON, so they are written as JSON straight away. Each kind of
        gap is formatted once per supplier that has it and appended to the texts of those
        suppliers with numpy (an object array adds strings in C). Making lists, then JSON of
        each row's lists, was a sixth of a full recompute.
        """
        columns = np.asarray(columns, dtype=np.int64)
        texts = np.full(len(columns), "", dtype=object)  # ',[code,detail]' for each gap, in order
        for where, fragments in self._gap_fragments(request, columns):
            texts[where] = texts[where] + fragments
        return [f"[{text[1:]}]" for text in texts.tolist()]

    def _gap_fragments(self, request: RequestData, columns: np.ndarray):
        """(which of ``columns`` have the gap, its ',[code,detail]' text), in ``pair_gaps``'s order.

        The text is one string when the detail is the same for all, else one per supplier."""
        for process in sorted(request.required_processes):
            yield ~self._holds(self.has_process, self.process_col, process, columns), _gap("process", process)
        for standard in sorted(request.certifications):
            valid = self._valid_certificates(request.needed_by)
            missing = ~self._holds(valid, self.cert_col, standard, columns)
            expired = self._holds(self.holds_cert, self.cert_col, standard, columns)[missing]
            codes = ["certification_expired" if held else "certification" for held in expired.tolist()]
            yield missing, _texts([_gap(code, standard) for code in codes])
        yield self.suspended[columns], _gap("suspended", None)
        for material in sorted(request.materials):
            missing = ~self._holds(self.has_material, self.material_col, material, columns)
            yield missing, _gap("material", material)
        if self._capacity_applies(request):
            ratio = self._bottleneck(request, columns) / request.annual_volume
            known = np.isfinite(ratio)
            yield ~known, _gap("capacity_unknown", None)
            short = known & (ratio < 1.0)
            yield short, _texts([_gap("capacity", round(100 * r)) for r in ratio[short].tolist()])
        if request.tolerance_mm is not None:
            best = self._best_tolerance(request, columns)
            known = np.isfinite(best)
            yield ~known, _gap("tolerance_unknown", None)
            coarse = known & (best > request.tolerance_mm)
            yield coarse, _texts([_gap("tolerance", b) for b in best[coarse].tolist()])

    @staticmethod
    def _holds(matrix: np.ndarray, rows_of: dict[int, int], term: int, columns: np.ndarray) -> np.ndarray:
        row = rows_of.get(term)
        return np.zeros(len(columns), dtype=bool) if row is None else matrix[row, columns]


WEIGHT_VECTOR = np.array([WEIGHTS[c] for c in CRITERIA])


def _gap(code: str, detail: int | float | None) -> str:
    """One gap as the JSON text that follows a comma. ``repr`` of an int or a finite float is valid
    JSON, and reads back as the same number; no detail is ever inf or NaN."""
    return f',["{code}",{"null" if detail is None else repr(detail)}]'


def _texts(texts: list[str]) -> np.ndarray:
    """Strings as an object array: numpy adds those with Python's ``+`` (a string array would not)."""
    array = np.empty(len(texts), dtype=object)
    array[:] = texts
    return array
