"""Indicator actuals the portal counts itself, per programme and year.

A counted actual is the state at the end of the year (today for the current year): verified
firms, firms holding a valid certificate, the programme's own activity outcomes, and the sourcing
on the portal (invitations, quotations, awards). Firms and requests are those of the programme's
province when it has one (a firm by its organisation's province, a request by its delivery site).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from matching.models import PartRequest, Quotation, QuoteInvitation
from programs.models import Activity, Indicator, IndicatorValue, Participation, Programme
from suppliers.models import Certificate, SupplierProfile


def _last_day(year: int) -> datetime.date:
    return min(datetime.date(year, 12, 31), timezone.localdate())


def _firms(programme: Programme):
    firms = SupplierProfile.objects.all()
    return firms.filter(organisation__province=programme.province) if programme.province_id else firms


def _verified_firms(programme: Programme, year: int) -> int:
    return (
        _firms(programme)
        .filter(
            verification_status=SupplierProfile.Verification.VERIFIED, verified_at__date__lte=_last_day(year)
        )
        .count()
    )


def _holding(code: str):
    def count(programme: Programme, year: int) -> int:
        holders = (
            Certificate.objects.valid_on(_last_day(year)).filter(standard__code=code).values("profile_id")
        )
        return _firms(programme).filter(pk__in=holders).count()

    return count


def _outcomes(outcome: str):
    def count(programme: Programme, year: int) -> int:
        rows = Participation.objects.filter(
            activity__programme=programme, activity__starts_on__year=year, outcome=outcome
        )
        return rows.values("organisation_id").distinct().count()

    return count


def _connections(programme: Programme, year: int) -> int:
    return Participation.objects.filter(
        activity__programme=programme, activity__starts_on__year=year, activity__kind=Activity.Kind.CONNECTION
    ).count()


def _requests(programme: Programme):
    requests = PartRequest.objects.all()
    return requests.filter(delivery_province=programme.province) if programme.province_id else requests


def _invitations(programme: Programme, year: int) -> int:
    return QuoteInvitation.objects.filter(request__in=_requests(programme), invited_at__year=year).count()


def _quotations(programme: Programme, year: int) -> int:
    return Quotation.objects.filter(
        invitation__request__in=_requests(programme), submitted_at__year=year
    ).count()


def _awards(programme: Programme, year: int) -> int:
    return _requests(programme).filter(status=PartRequest.Status.AWARDED, closed_at__year=year).count()


COUNTERS = {
    Indicator.Source.VERIFIED_FIRMS: _verified_firms,
    Indicator.Source.FIRMS_IATF: _holding("iatf-16949"),
    Indicator.Source.FIRMS_ISO9001: _holding("iso-9001"),
    Indicator.Source.FIRMS_CONSULTED: _outcomes(Participation.Outcome.CONSULTED),
    Indicator.Source.FIRMS_TRAINED: _outcomes(Participation.Outcome.TRAINED),
    Indicator.Source.DIRECT_SUPPLIERS: _outcomes(Participation.Outcome.DIRECT_SUPPLIER),
    Indicator.Source.CONNECTIONS: _connections,
    Indicator.Source.INVITATIONS: _invitations,
    Indicator.Source.QUOTATIONS: _quotations,
    Indicator.Source.AWARDS: _awards,
}


def counted(indicator: Indicator, year: int) -> Decimal | None:
    """A counted indicator's actual for ``year`` (none for a year not begun)."""
    if year > timezone.localdate().year:
        return None
    return Decimal(COUNTERS[indicator.source](indicator.programme, year))


def actual(indicator: Indicator, year: int) -> Decimal | None:
    """The year's actual: counted for a counted indicator, else as typed."""
    if indicator.computed:
        return counted(indicator, year)
    value = IndicatorValue.objects.filter(indicator=indicator, year=year).first()
    return value.actual if value else None
