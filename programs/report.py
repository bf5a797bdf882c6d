"""The annual report of a programme ("tổng hợp, đánh giá tình hình thực hiện hàng năm theo bộ tiêu
chí"): its indicators against their targets, its tasks and its activities for one year, as a
printable page and as an XLSX workbook (one sheet each; tablib, installed with django-import-export).
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.db.models import Q
from django.utils.translation import gettext as _

from programs import indicators
from programs.models import Indicator, IndicatorValue, Participation, Programme, Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    target: Decimal | None
    actual: Decimal | None

    @property
    def attainment(self) -> int | None:
        """Actual as a percentage of the target (None when either is unknown or the target is 0)."""
        if self.target in (None, 0) or self.actual is None:
            return None
        return round(100 * self.actual / self.target)


@dataclass(frozen=True)
class ActivityLine:
    activity: object
    firms: int
    outcomes: dict  # outcome label → firms


@dataclass(frozen=True)
class AnnualReport:
    programme: Programme
    year: int
    indicators: list[IndicatorLine]
    tasks: list[Task]
    activities: list[ActivityLine]
    day: datetime.date  # overdue as of this day (the year's end, or today)

    @property
    def overdue(self) -> set[int]:
        return {task.pk for task in self.tasks if task.is_overdue(self.day)}


def annual_report(programme: Programme, year: int, today: datetime.date) -> AnnualReport:
    values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(indicator__programme=programme, year=year)
    }
    lines = [_indicator_line(item, values.get(item.pk), year) for item in programme.indicators.all()]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    tasks = list(
        programme.tasks.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=end))
        .filter(Q(due_on__isnull=True) | Q(due_on__gte=start) | ~Q(status=Task.Status.DONE))
        .select_related("lead_agency")
        .prefetch_related("coordinating_agencies")
    )
    year_activities = programme.activities.filter(starts_on__year=year).order_by("starts_on")
    activities = [_activity_line(activity) for activity in year_activities.prefetch_related("participations")]
    return AnnualReport(programme, year, lines, tasks, activities, min(end, today))


def _indicator_line(indicator: Indicator, value: IndicatorValue | None, year: int) -> IndicatorLine:
    entered = value.actual if value else None
    actual = indicators.counted(indicator, year) if indicator.computed else entered
    return IndicatorLine(indicator, value.target if value else None, actual)


def _activity_line(activity) -> ActivityLine:
    labels = dict(Participation.Outcome.choices)
    rows = activity.participations.all()
    outcomes = Counter(labels[row.outcome] for row in rows)
    return ActivityLine(activity, len({row.organisation_id for row in rows}), dict(outcomes))


def _number(value):
    """A number a spreadsheet can add up (whole numbers as integers), or an empty cell."""
    if value is None:
        return ""
    return int(value) if value == int(value) else float(value)


def workbook(report: AnnualReport) -> bytes:
    """The report as XLSX (headers in the active language: the view renders it in Vietnamese)."""
    sheet_indicators = tablib.Dataset(
        headers=[
            _("No."),
            _("Indicator"),
            _("Unit"),
            _("Target"),
            _("Actual"),
            _("Attainment (%)"),
            _("Source"),
        ],
        title=_("Indicators")[:31],
    )
    for line in report.indicators:
        sheet_indicators.append(
            [
                line.indicator.number,
                line.indicator.name,
                line.indicator.unit,
                _number(line.target),
                _number(line.actual),
                "" if line.attainment is None else line.attainment,
                str(line.indicator.get_source_display()),
            ]
        )
    sheet_tasks = tablib.Dataset(
        headers=[
            _("No."),
            _("Task"),
            _("Lead agency"),
            _("Due"),
            _("Status"),
            _("Progress (%)"),
            _("Overdue"),
        ],
        title=_("Tasks")[:31],
    )
    overdue = report.overdue
    for task in report.tasks:
        sheet_tasks.append(
            [
                task.number,
                task.title,
                task.lead_agency.name,
                task.due_on.strftime("%d/%m/%Y") if task.due_on else "",
                str(task.get_status_display()),
                task.progress,
                _("yes") if task.pk in overdue else "",
            ]
        )
    sheet_activities = tablib.Dataset(
        headers=[_("Date"), _("Activity"), _("Kind"), _("Place"), _("Firms"), _("Outcomes")],
        title=_("Activities")[:31],
    )
    for line in report.activities:
        sheet_activities.append(
            [
                line.activity.starts_on.strftime("%d/%m/%Y"),
                line.activity.title,
                str(line.activity.get_kind_display()),
                line.activity.place,
                line.firms,
                "; ".join(f"{label}: {count}" for label, count in line.outcomes.items()),
            ]
        )
    return tablib.Databook([sheet_indicators, sheet_tasks, sheet_activities]).export("xlsx")
