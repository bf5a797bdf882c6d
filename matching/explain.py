"""Human-readable reasons for a stored score, in the reader's language.

Scores store numbers only (sub-scores per criterion and coded gaps), so that a score computed
at night reads in Vietnamese to one user and in English to another. This module turns them
into sentences: one reason per criterion with its weight, and one line per gap.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.scoring import CRITERIA, HARD_GAPS, WEIGHTS
from portal.models import Term

CRITERION_LABELS = {
    "processes": gettext_lazy("Must-have processes"),
    "optional": gettext_lazy("Optional processes"),
    "materials": gettext_lazy("Materials"),
    "certifications": gettext_lazy("Certifications valid on the needed-by date"),
    "capacity": gettext_lazy("Capacity against the annual volume"),
    "tolerance": gettext_lazy("Tolerance"),
    "location": gettext_lazy("Distance to the delivery site and cluster membership"),
    "trust": gettext_lazy("Verification and profile freshness"),
    "text": gettext_lazy("Words of the request found in the profile"),
}


@dataclass(frozen=True)
class Reason:
    criterion: str
    label: str
    weight_percent: int
    score: float  # 0–1
    points: float  # contribution to the 0–100 total


def reasons(breakdown: dict[str, float]) -> list[Reason]:
    """One line per criterion: what it weighs and how much this supplier got of it."""
    return [
        Reason(
            criterion=c,
            label=str(CRITERION_LABELS[c]),
            weight_percent=round(100 * WEIGHTS[c]),
            score=breakdown.get(c, 0.0),
            points=round(100 * WEIGHTS[c] * breakdown.get(c, 0.0), 1),
        )
        for c in CRITERIA
    ]


def term_names(gap_lists: list[list[list]]) -> dict[int, str]:
    """Names of every term the gaps mention, in one query for a whole page of scores."""
    ids = {detail for gaps in gap_lists for code, detail in gaps if code in TERM_GAPS and detail is not None}
    return {term.pk: term.name for term in Term.objects.filter(pk__in=ids)}


TERM_GAPS = {"process", "certification", "certification_expired", "material"}


def gap_text(code: str, detail, names: dict[int, str]) -> str:
    """One gap as a sentence, e.g. "Missing IATF 16949" / "Thiếu IATF 16949"."""
    name = names.get(detail, "?") if code in TERM_GAPS else ""
    texts = {
        "process": _("Missing process: %(name)s") % {"name": name},
        "certification": _("Missing %(name)s") % {"name": name},
        "certification_expired": _("%(name)s expired before the needed-by date") % {"name": name},
        "material": _("No experience declared with %(name)s") % {"name": name},
        "suspended": _("Suspended by the Department of Industry and Trade"),
        "capacity": _("Capacity %(percent)s %% of the annual volume") % {"percent": detail},
        "capacity_unknown": _("Capacity not declared in the unit of the request"),
        "tolerance": _("Best declared tolerance %(mm)s mm") % {"mm": detail},
        "tolerance_unknown": _("No tolerance declared for these processes"),
    }
    return texts.get(code, code)


def gap_lines(gaps: list[list], names: dict[int, str]) -> list[tuple[bool, str]]:
    """(is hard, sentence) for each gap, hard gaps first as stored."""
    return [(code in HARD_GAPS, gap_text(code, detail, names)) for code, detail in gaps]
