"""Staff pages of the programmes outside the admin: the programme list with its annual reports,
and the capability-gap view.

Sở Công Thương staff only (``portal.roles.is_staff_member``): anyone else signed in gets a 403,
anonymous visitors the sign-in page. Writes are POSTs, then a redirect.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from portal.models import Organisation, Province
from portal.roles import is_staff_member
from programs import dashboard as figures
from programs import gaps, report, services
from programs.models import Activity, Programme, ProgrammeDocument, TaskUpdateAttachment, overdue_q
from suppliers.models import Cluster
from suppliers.uploads import private_file_response


def staff_only(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
def gap_list(request):
    """Gaps across open requests, optionally for one province's or one cluster's firms."""
    province = Province.objects.filter(code=request.GET.get("province", "")).first()
    cluster_id = request.GET.get("cluster", "")
    cluster = Cluster.objects.filter(pk=cluster_id).first() if cluster_id.isdigit() else None
    context = {
        "gaps": gaps.capability_gaps(province=province, cluster=cluster),
        "province": province,
        "cluster": cluster,
        "provinces": Province.objects.all(),
        "clusters": Cluster.objects.order_by("name"),
    }
    return render(request, "programs/gap_list.html", context)


def _gap(key: str) -> gaps.Gap:
    gap = gaps.find_gap(key)
    if gap is None:
        raise Http404
    return gap


@staff_only
def gap_detail(request, key: str):
    gap = _gap(key)
    context = {
        "gap": gap,
        "firms": gaps.gap_firms(gap),
        "activities": Activity.objects.filter(closes_gap=gap.term).order_by("-starts_on") if gap.term else [],
    }
    return render(request, "programs/gap_detail.html", context)


@staff_only
@require_POST
def gap_invite(request, key: str):
    gap = _gap(key)
    activity_id = request.POST.get("activity", "")
    activity = Activity.objects.filter(pk=activity_id).first() if activity_id.isdigit() else None
    ids = [int(value) for value in request.POST.getlist("firm") if value.isdigit()]
    try:
        if activity is None:
            raise ValidationError(gettext("Choose an activity that builds this capability."))
        created = services.gap_invite(
            activity=activity, term=gap.term, organisations=list(Organisation.objects.filter(pk__in=ids))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("%(count)s firm(s) invited.") % {"count": created})
    return redirect("programs:gap_detail", key=key)


# --- Programmes and their annual reports ---------------------------------------------------------


@staff_only
def programme_list(request):
    today = timezone.localdate()
    late = overdue_q(today, prefix="tasks__")
    programmes = (
        Programme.objects.select_related("lead_agency")
        .prefetch_related("documents")
        .annotate(
            task_count=Count("tasks", distinct=True), overdue_count=Count("tasks", filter=late, distinct=True)
        )
    )
    years = [today.year, today.year - 1]
    return render(request, "programs/programme_list.html", {"programmes": programmes, "years": years})


def _report(pk: int, year: int) -> report.AnnualReport:
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    return report.annual_report(get_object_or_404(Programme, pk=pk), year, timezone.localdate())


@staff_only
def annual_report(request, pk: int, year: int):
    """The printable report, in Vietnamese whatever the interface language: it goes to the UBND."""
    with translation.override("vi"):
        return render(request, "programs/annual_report.html", {"report": _report(pk, year)})


@staff_only
def annual_report_xlsx(request, pk: int, year: int):
    with translation.override("vi"):
        content = report.workbook(_report(pk, year))
    response = HttpResponse(content, content_type=report.XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{pk}-{year}.xlsx"'
    return response


@staff_only
def dashboard(request):
    """Task progress, indicator attainment, the sourcing funnel and firms over time: charts and tables."""
    today = timezone.localdate()
    programmes = figures.task_summary(today)
    attainment = figures.attainment(programmes, today.year, today)
    funnels = figures.funnels([today.year, today.year - 1])
    months = figures.firms_by_month(today)
    context = {
        "year": today.year,
        "programmes": programmes,
        "overdue": figures.overdue_tasks(today),
        "attainment": attainment,
        "funnels": funnels,
        "steps": figures.funnel_step_labels(),
        "months": months,
        "charts": figures.chart_data(programmes, attainment, funnels, months),
    }
    return render(request, "programs/dashboard.html", context)


# --- Files: programme documents and progress-update attachments, staff only -----------------------


@staff_only
def programme_document_download(request, pk: int):
    return private_file_response(get_object_or_404(ProgrammeDocument, pk=pk))


@staff_only
def task_attachment_download(request, pk: int):
    return private_file_response(get_object_or_404(TaskUpdateAttachment, pk=pk))
