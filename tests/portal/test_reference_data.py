"""Reference data: loaded by the migration, complete, idempotent, and resolvable by any spelling."""

import pytest
from django.apps import apps

from portal.models import FormerProvince, ProcessGroup, Province, Sector, Term, VsicCode
from portal.reference import load_reference_data
from portal.vocabulary import resolve_term, term_index

pytestmark = pytest.mark.django_db


def test_the_34_provinces_are_loaded_with_their_codes():
    assert Province.objects.count() == 34
    assert Province.objects.get(code="48").name_vi == "Đà Nẵng"
    assert Province.objects.get(code="01").name_vi == "Hà Nội"
    assert Province.objects.filter(kind=Province.Kind.CITY).count() == 6


def test_the_63_former_provinces_map_to_their_new_unit():
    assert FormerProvince.objects.count() == 63
    assert FormerProvince.objects.get(name_vi="Quảng Nam").province.code == "48"
    assert FormerProvince.objects.get(name_vi="Bình Dương").province.code == "79"
    assert FormerProvince.objects.get(name_vi="Hải Dương").province.code == "31"
    assert FormerProvince.objects.get(search_key="thua thien hue").province.code == "46"


def test_sectors_vsic_and_process_groups_are_loaded():
    assert Sector.objects.count() == 6
    assert VsicCode.objects.filter(code="2592").values_list("version", flat=True).count() == 2
    assert list(ProcessGroup.objects.values_list("code", flat=True)) == [
        "forming",
        "casting",
        "machining",
        "joining",
        "plastics",
        "heat-treatment",
        "surface",
        "other",
    ]


def test_loading_twice_writes_nothing_the_second_time():
    assert load_reference_data(apps) == 0


def test_loading_restores_a_deleted_record_and_keeps_staff_additions():
    Sector.objects.get(code="textile").delete()
    Sector.objects.create(code="aerospace", name_vi="Hàng không", name_en="Aerospace")
    assert load_reference_data(apps) == 1
    assert Sector.objects.filter(code__in=["textile", "aerospace"]).count() == 2


@pytest.mark.parametrize("spelling", ["dập", "dap", "Stamping", "DẬP", "press stamping"])
def test_stamping_is_found_by_every_spelling(spelling):
    assert resolve_term(Term.Kind.PROCESS, spelling).code == "stamping"


@pytest.mark.parametrize(
    ("kind", "spelling", "code"),
    [
        (Term.Kind.PROCESS, "ép nhựa", "injection-moulding"),
        (Term.Kind.PROCESS, "injection molding", "injection-moulding"),
        (Term.Kind.CERTIFICATION, "iatf", "iatf-16949"),
        (Term.Kind.CERTIFICATION, "ISO 9001", "iso-9001"),
        (Term.Kind.MATERIAL, "sus304", "sus304"),
    ],
)
def test_synonyms_resolve_to_one_term(kind, spelling, code):
    assert resolve_term(kind, spelling).code == code


def test_unknown_spellings_resolve_to_nothing():
    assert resolve_term(Term.Kind.PROCESS, "teleportation") is None
    assert resolve_term(Term.Kind.PROCESS, "   ") is None


def test_no_spelling_is_shared_by_two_terms_of_a_kind():
    for kind in Term.Kind.values:
        seen: dict[str, str] = {}
        for term in Term.objects.filter(kind=kind):
            for key in term.search_keys.splitlines():
                assert seen.setdefault(key, term.code) == term.code, (kind, key)
        assert len(term_index(kind)) == len(seen)


def test_every_process_has_a_group_and_both_names():
    processes = Term.objects.processes()
    assert processes.count() > 40
    assert not processes.filter(process_group__isnull=True).exists()
    assert not Term.objects.filter(name_en="").exists()


def test_editing_a_term_in_the_admin_refreshes_its_search_keys():
    term = Term.objects.get(kind=Term.Kind.PROCESS, code="stamping")
    term.synonyms += "\nép dập thử"
    term.save()
    assert resolve_term(Term.Kind.PROCESS, "ep dap thu") == term
