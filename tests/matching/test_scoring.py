"""The scoring specification (reference) and its agreement with the fast engine."""

import datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.scoring import (
    CRITERIA,
    WEIGHTS,
    Capability,
    CertificateRecord,
    Distances,
    FastEngine,
    RequestData,
    SupplierData,
    pair_gaps,
    score_pair,
)

TODAY = datetime.date(2026, 11, 23).toordinal()
STAMPING, WELDING, PAINTING = 1, 2, 3
STEEL = 10
IATF, ISO9001 = 20, 21
BUYER = 99
DISTANCES = Distances.from_centres(
    {"48": (16.054, 108.202), "79": (10.776, 106.700), "01": (21.028, 105.854)}
)


def supplier(**overrides) -> SupplierData:
    values = {
        "id": 1,
        "processes": (Capability(STAMPING, 10_000, "pcs", 0.05), Capability(WELDING, 8_000, "pcs", 0.1)),
        "materials": frozenset({STEEL}),
        "certificates": (CertificateRecord(IATF, TODAY + 365, TODAY - 30),),
        "province": "48",
        "verification": "verified",
        "updated_day": TODAY - 10,
        "tokens": frozenset({"dap", "khung", "xe"}),
    }
    values.update(overrides)
    return SupplierData(**values)


def request(**overrides) -> RequestData:
    values = {
        "id": 7,
        "buyer": BUYER,
        "today": TODAY,
        "needed_by": TODAY + 90,
        "province": "48",
        "required_processes": frozenset({STAMPING, WELDING}),
        "optional_processes": frozenset({PAINTING}),
        "materials": frozenset({STEEL}),
        "certifications": frozenset({IATF}),
        "annual_volume": 60_000,
        "unit": "pcs",
        "tolerance_mm": 0.1,
        "tokens": frozenset({"khung", "xe"}),
    }
    values.update(overrides)
    return RequestData(**values)


def test_weights_sum_to_one_and_cover_every_criterion():
    assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-12
    assert set(CRITERIA) == set(WEIGHTS)


def test_a_full_match_is_eligible_with_every_reason_in_the_breakdown():
    result = score_pair(supplier(), request(), DISTANCES)
    assert result.eligible
    assert set(result.breakdown) == set(CRITERIA)
    assert result.breakdown["processes"] == 1.0
    assert result.gaps == []
    assert 0 < result.total <= 100


def test_a_valid_required_certificate_beats_an_expired_one():
    valid = score_pair(supplier(), request(), DISTANCES)
    expired = score_pair(
        supplier(certificates=(CertificateRecord(IATF, TODAY + 30, TODAY - 400),)), request(), DISTANCES
    )
    assert valid.total > expired.total
    assert not expired.eligible
    assert ["certification_expired", IATF] in expired.gaps


def test_a_certificate_expiring_before_the_needed_by_date_does_not_count():
    result = score_pair(
        supplier(certificates=(CertificateRecord(IATF, TODAY + 10, TODAY - 400),)),
        request(needed_by=TODAY + 60),
        DISTANCES,
    )
    assert result.breakdown["certifications"] == 0.0
    assert not result.eligible


def test_a_missing_must_have_process_makes_a_supplier_not_eligible_but_still_scored():
    result = score_pair(supplier(processes=(Capability(STAMPING, 10_000),)), request(), DISTANCES)
    assert not result.eligible
    assert ["process", WELDING] in result.gaps
    assert result.breakdown["processes"] == 0.5
    assert result.total > 0


def test_a_suspended_firm_is_not_eligible():
    result = score_pair(supplier(verification="suspended"), request(), DISTANCES)
    assert not result.eligible
    assert ["suspended", None] in result.gaps


def test_capacity_below_the_volume_is_a_soft_gap_with_its_percentage():
    result = score_pair(
        supplier(processes=(Capability(STAMPING, 2_000), Capability(WELDING, 8_000))), request(), DISTANCES
    )
    assert result.eligible
    assert ["capacity", 40] in result.gaps
    assert result.breakdown["capacity"] == 0.4


@given(st.floats(0, 50_000), st.floats(0, 50_000))
def test_more_capacity_never_lowers_a_score(low, extra):
    def total(capacity):
        s = supplier(processes=(Capability(STAMPING, capacity), Capability(WELDING, 8_000)))
        return score_pair(s, request(), DISTANCES).total

    assert total(low + extra) >= total(low)


def test_nearer_suppliers_and_cluster_members_score_higher_on_location():
    near = score_pair(supplier(province="48"), request(), DISTANCES).breakdown["location"]
    far = score_pair(supplier(province="01"), request(), DISTANCES).breakdown["location"]
    clustered = score_pair(
        supplier(province="01", cluster_anchors=frozenset({BUYER})), request(), DISTANCES
    ).breakdown["location"]
    assert near == 1.0 > clustered > far


# --- agreement of the reference and the fast engine on random data ---------------------------

PROCESSES = st.integers(1, 8)
UNITS = st.sampled_from(["pcs", "kg", "t"])
OPTIONAL_FLOAT = st.one_of(st.none(), st.floats(0.001, 100_000, allow_nan=False))

capabilities = st.builds(
    Capability,
    process=PROCESSES,
    monthly_capacity=OPTIONAL_FLOAT,
    unit=UNITS,
    tolerance_mm=st.one_of(st.none(), st.floats(0.001, 2)),
)
certificates = st.builds(
    CertificateRecord,
    standard=st.integers(20, 24),
    expires=st.integers(TODAY - 400, TODAY + 800),
    issued=st.one_of(st.none(), st.integers(TODAY - 2000, TODAY + 100)),
)
provinces = st.sampled_from(["48", "79", "01"])
tokens = st.frozensets(st.sampled_from(["dap", "han", "khung", "xe", "nhua", "ep", "khuon"]), max_size=5)


@st.composite
def suppliers(draw, ident):
    caps = draw(st.lists(capabilities, max_size=5, unique_by=lambda c: c.process))
    return SupplierData(
        id=ident,
        processes=tuple(caps),
        materials=draw(st.frozensets(st.integers(10, 14), max_size=4)),
        certificates=tuple(draw(st.lists(certificates, max_size=4))),
        province=draw(provinces),
        cluster_anchors=draw(st.frozensets(st.sampled_from([BUYER, 98]), max_size=2)),
        verification=draw(st.sampled_from(["verified", "pending", "suspended"])),
        updated_day=draw(st.integers(TODAY - 2000, TODAY)),
        tokens=draw(tokens),
    )


requests = st.builds(
    RequestData,
    id=st.just(1),
    buyer=st.sampled_from([BUYER, 98, 97]),
    today=st.just(TODAY),
    needed_by=st.integers(TODAY, TODAY + 400),
    province=provinces,
    required_processes=st.frozensets(PROCESSES, max_size=3),
    optional_processes=st.frozensets(PROCESSES, max_size=2),
    materials=st.frozensets(st.integers(10, 15), max_size=3),
    certifications=st.frozensets(st.integers(20, 25), max_size=2),
    annual_volume=OPTIONAL_FLOAT,
    unit=UNITS,
    tolerance_mm=st.one_of(st.none(), st.floats(0.001, 2)),
    tokens=tokens,
)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(*[suppliers(i) for i in range(n)])), requests)
def test_the_fast_engine_agrees_with_the_reference(supplier_list, req):
    engine = FastEngine(supplier_list, DISTANCES)
    totals, eligible, subs = engine.score(req)
    for row, s in enumerate(supplier_list):
        expected = score_pair(s, req, DISTANCES)
        assert bool(eligible[row]) == expected.eligible
        assert np.allclose(subs[row], [expected.breakdown[c] for c in CRITERIA], rtol=0, atol=1e-12)
        assert abs(totals[row] - expected.total) < 1e-9
    # The gaps of any chosen suppliers, in any order, are the reference's.
    chosen = list(range(len(supplier_list)))[::-1]
    assert engine.gaps(req, chosen) == [pair_gaps(supplier_list[i], req) for i in chosen]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạ0129 -_.,/", max_size=80))
def test_a_stored_search_documents_tokens_are_the_text_criterions_tokens(text):
    """``supplier_data`` splits the stored, already folded ``search_document`` instead of folding it
    again: for any folded text that gives ``text_tokens``' words (two letters or more, no stop words)."""
    from matching.selectors import _document_tokens, text_tokens
    from portal.text import fold

    document = fold(text + " the of a 7")  # one-character words and stop words among the rest
    assert _document_tokens(document) == text_tokens(document) == text_tokens(text + " the of a 7")
