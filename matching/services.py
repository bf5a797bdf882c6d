"""Writes for matching: recompute marks, score rows, and the recompute runs themselves.

The flow (see RecomputeMark): a change marks what it touched, in its own transaction, and
enqueues ``recompute_marked_task`` after commit. The task calls ``recompute_marked``, which
claims marks, recomputes and clears them. Nothing here enqueues inside an open transaction.
"""

import gc
import logging
import math
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from matching import rebuild, selectors
from matching.models import (
    SCORE_FIELDS,
    MatchScore,
    PartRequest,
    Quotation,
    QuotationDocument,
    QuoteInvitation,
    RecomputeMark,
    RecomputeRun,
    RequestDocument,
    ShortlistEntry,
    SupplierInterest,
)
from matching.scoring import FastEngine
from matching.writing import BlockWriter, scored_rows
from portal.text import nfc
from suppliers.models import SupplierProfile
from suppliers.uploads import private_file_store, validate_upload

log = logging.getLogger(__name__)

MAX_ELIGIBLE_STORED = 200  # per request; pages say "200+" when the cap is reached
WRITE_BLOCK = 50  # requests written per transaction in a full recompute
# Threads scoring a block's requests: numpy lets go of the interpreter inside its loops over all
# suppliers, so a second thread scores while the first is between numpy calls (-8 % at 50,000 ×
# 10,000 on two cores; a third thread gained nothing).
SCORING_THREADS = 2
MAX_NEAR_MISSES = 25  # the best non-eligible suppliers kept per request, with their gaps
MAX_ATTEMPTS = 3  # a mark claimed this often without finishing is left for staff (poison)
BATCH_SIZE = 500  # marks taken per run
RECOMPUTE_QUEUED = "matching:recompute-queued"  # a task is queued for this quiet period


# --- Marks ----------------------------------------------------------------------------------


def mark_for_recompute(*, supplier_ids: Iterable[int] = (), request_ids: Iterable[int] = ()) -> None:
    """Record that these scores are stale and, once the caller's transaction commits, enqueue work."""
    now = timezone.now()
    marks = [
        RecomputeMark(kind=RecomputeMark.Kind.SUPPLIER, object_id=i, marked_at=now) for i in supplier_ids
    ]
    marks += [RecomputeMark(kind=RecomputeMark.Kind.REQUEST, object_id=i, marked_at=now) for i in request_ids]
    if not marks:
        return
    RecomputeMark.objects.bulk_create(
        marks,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["marked_at", "claimed_at", "attempts"],
    )
    transaction.on_commit(enqueue_recompute)


def enqueue_recompute() -> None:
    """Ask a worker to run; if the broker is down the marks wait for the beat sweep.

    One task per quiet period is enough, whatever the number of edits: it serves every mark
    ready when it runs and comes back while marks are still in their quiet period
    (``recompute_marked_task``). So a burst of edits across many firms is scored together, one
    engine build for all of them (3 suppliers cost what 1 does), not one task per edit, each
    claiming one mark: under the load benchmark that was a third of the machine's CPU.
    """
    from matching.tasks import recompute_marked_task

    delay = settings.MATCHING_RECOMPUTE_DELAY_SECONDS
    if delay and not cache.add(RECOMPUTE_QUEUED, "1", timeout=delay):
        return  # the task queued in this quiet period runs after these marks were committed
    try:
        # A short delay lets a burst of edits collapse into one recompute (the marks coalesce).
        recompute_marked_task.apply_async(countdown=settings.MATCHING_RECOMPUTE_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - any broker failure: the database keeps the work
        log.warning("broker unavailable: recompute left to the sweep", exc_info=True)


def pending_marks(*, supplier_id: int | None = None, request_id: int | None = None) -> bool:
    """Is a recompute pending for this supplier or request?"""
    kind, object_id = (
        (RecomputeMark.Kind.SUPPLIER, supplier_id)
        if supplier_id
        else (RecomputeMark.Kind.REQUEST, request_id)
    )
    return RecomputeMark.objects.filter(kind=kind, object_id=object_id).exists()


def claim_lease() -> timedelta:
    return timedelta(seconds=settings.MATCHING_CLAIM_LEASE_SECONDS)


def marks_held_by_others() -> bool:
    """Marks claimed by a worker that may still be alive (their lease has not run out)."""
    return RecomputeMark.objects.filter(
        claimed_at__gte=timezone.now() - claim_lease(), attempts__lt=MAX_ATTEMPTS
    ).exists()


def _quiet_period() -> timedelta:
    return timedelta(seconds=settings.MATCHING_RECOMPUTE_DELAY_SECONDS)


def _ready(now, quiet: timedelta) -> Q:
    """Marks left alone for ``quiet`` (a burst of edits is over), or waiting too long already."""
    max_wait = timedelta(seconds=settings.MATCHING_RECOMPUTE_MAX_WAIT_SECONDS)
    return Q(marked_at__lte=now - quiet) | Q(first_marked_at__lte=now - max_wait)


def marks_in_quiet_period() -> bool:
    """Unclaimed marks that are not ready yet: someone must come back for them."""
    now = timezone.now()
    return (
        RecomputeMark.objects.filter(claimed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .exclude(_ready(now, _quiet_period()))
        .exists()
    )


def _claim(batch: int, quiet: timedelta | None = None) -> list[RecomputeMark]:
    """Take up to ``batch`` ready, unclaimed (or abandoned) marks; other workers skip locked rows."""
    now = timezone.now()
    quiet = _quiet_period() if quiet is None else quiet
    with transaction.atomic():
        claimable = RecomputeMark.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lease()),
            _ready(now, quiet),
            attempts__lt=MAX_ATTEMPTS,
        ).order_by("marked_at")
        if connection.features.has_select_for_update_skip_locked:
            claimable = claimable.select_for_update(skip_locked=True)
        marks = list(claimable[:batch])
        RecomputeMark.objects.filter(pk__in=[m.pk for m in marks]).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
    return marks


def _release(marks: list[RecomputeMark]) -> None:
    """Delete the marks we served, unless they were marked again while we worked."""
    for mark in marks:
        RecomputeMark.objects.filter(pk=mark.pk, marked_at=mark.marked_at).delete()


def recompute_marked(*, batch: int = BATCH_SIZE, quiet: timedelta | None = None) -> dict[str, int]:
    """Serve marked suppliers and requests; returns what was done (for logs and tests).

    Nothing is done while a full recompute runs: it serves the marks, or enqueues them when done.
    """
    with scores_lock(exclusive=False) as taken:
        return _serve_marks(batch, quiet) if taken else {"suppliers": 0, "requests": 0}


def _serve_marks(batch: int, quiet: timedelta | None) -> dict[str, int]:
    marks = _claim(batch, quiet)
    if marks and settings.MATCHING_PAUSE_AFTER_CLAIM_SECONDS:
        time.sleep(settings.MATCHING_PAUSE_AFTER_CLAIM_SECONDS)
    supplier_ids = [m.object_id for m in marks if m.kind == RecomputeMark.Kind.SUPPLIER]
    request_ids = [m.object_id for m in marks if m.kind == RecomputeMark.Kind.REQUEST]
    if request_ids:
        recompute_requests(PartRequest.objects.open().filter(pk__in=request_ids))
        _clear_closed(request_ids)
    if supplier_ids:
        recompute_suppliers(supplier_ids)
    _release(marks)
    return {"suppliers": len(supplier_ids), "requests": len(request_ids)}


def recompute_marked_until_done(*, max_runs: int = 100, quiet: timedelta | None = None) -> dict[str, int]:
    """Serve the ready marks, batch after batch while batches come full (bounded), logging each run.

    ``quiet`` overrides the quiet period (``timedelta(0)``: serve everything marked, now). Marks
    that become ready meanwhile are not chased one by one: ``recompute_marked_task`` comes back
    for them after a quiet period and serves them together.
    """
    done = {"suppliers": 0, "requests": 0, "runs": 0}
    if not RecomputeMark.objects.exists():
        return done  # the common case after a burst: an earlier message already did the work
    for _run in range(max_runs):
        run = RecomputeRun.objects.create(kind=RecomputeRun.Kind.MARKED, started_at=timezone.now())
        served = recompute_marked(quiet=quiet)
        if not (served["suppliers"] or served["requests"]):
            run.delete()  # nothing to do: not worth a line in the log
            break
        RecomputeRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **served)
        done["suppliers"] += served["suppliers"]
        done["requests"] += served["requests"]
        done["runs"] += 1
        if served["suppliers"] + served["requests"] < BATCH_SIZE:
            break  # no backlog left behind this batch
    return done


def recompute_all_logged() -> int:
    run = RecomputeRun.objects.create(kind=RecomputeRun.Kind.FULL, started_at=timezone.now())
    written = recompute_all()
    RecomputeRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), rows_written=written, requests=PartRequest.objects.open().count()
    )
    return written


def mark_suppliers_with_expired_certificates(today=None) -> int:
    """Mark suppliers with a certificate that expired yesterday or today (the daily sweep)."""
    from suppliers.models import Certificate

    today = today or timezone.localdate()
    ids = set(
        Certificate.objects.filter(expires_on__range=(today - timedelta(days=1), today)).values_list(
            "profile_id", flat=True
        )
    )
    with transaction.atomic():
        mark_for_recompute(supplier_ids=ids)
    return len(ids)


def _clear_closed(request_ids: list[int]) -> None:
    """Drafts have no scores yet; closed and awarded requests keep theirs as they were."""
    MatchScore.objects.filter(request_id__in=request_ids, request__status=PartRequest.Status.DRAFT).delete()


# --- Recomputes ------------------------------------------------------------------------------


def _best(totals: np.ndarray, candidates: np.ndarray, limit: int) -> np.ndarray:
    """The ``limit`` best of ``candidates`` (ascending indices), best first, ties by index.

    A partition finds the cut in linear time; only the survivors are sorted. Values below a floor
    taken from a sample are dropped first, so the partition runs on hundreds of values rather than
    20,000: it was a seventh of a full recompute.
    """
    values = totals[candidates]
    if len(candidates) > limit:
        survivors = np.flatnonzero(values >= _floor_of_the_cut(values, limit))
        candidates, values = candidates[survivors], values[survivors]
        cut = np.partition(values, len(values) - limit)[len(values) - limit]
        above = values > cut
        ties = np.flatnonzero(values == cut)[: limit - int(above.sum())]
        keep = np.sort(np.concatenate([np.flatnonzero(above), ties]))
        candidates, values = candidates[keep], values[keep]
    return candidates[np.lexsort((candidates, -values))]


def _floor_of_the_cut(values: np.ndarray, limit: int) -> float:
    """A value never above the ``limit``-th best of ``values``: the ``limit``-th best of a sample.

    A subset's k-th best is never above the whole set's, so nothing that makes the cut is below
    it. A sample of m values leaves about len × limit / m survivors; m = √(len × limit) balances
    the two partitions (about 700 values each for 20,000 values and a limit of 25).
    """
    step = len(values) // max(1, math.isqrt(len(values) * limit))
    if step < 2:
        return -math.inf
    sample = values[::step]
    return float(np.partition(sample, len(sample) - limit)[len(sample) - limit])


def _selected(totals: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Indices to store: the best eligible suppliers, then the best near misses."""
    return np.concatenate(
        [
            _best(totals, np.flatnonzero(eligible), MAX_ELIGIBLE_STORED),
            _best(totals, np.flatnonzero(~eligible), MAX_NEAR_MISSES),
        ]
    )


def _upsert(rows: list[MatchScore]) -> None:
    MatchScore.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["request", "supplier"],
        update_fields=["total", "eligible", *SCORE_FIELDS, "gaps", "engine_version", "computed_at"],
    )


def recompute_requests(requests, engine: FastEngine | None = None, *, into: str | None = None) -> int:
    """Score each request against every supplier; replace its stored rows. Returns rows written.

    Requests are written in blocks, one transaction each: a reader sees a request's old rows or its
    new ones, never a mix, and a full recompute does not pay one commit per request. A block's rows
    are replaced (delete, then a binary COPY on PostgreSQL): the effect of an upsert plus the removal
    of rows that fell out of the bounds, at a fraction of the cost; ``writing.BlockWriter`` writes
    them in a thread while the next block is scored. Supplier edits upsert (``_upsert``).

    ``into``: a full recompute's new table (``rebuild``), where blocks are only added.
    """
    with _collector_paused():
        inputs = selectors.request_data(requests)
        engine = engine or (_engine() if inputs else None)
    if not inputs:
        return 0

    def rows_of(request):
        totals, eligible, subs = engine.score(request)
        return scored_rows(request, engine, _selected(totals, eligible), totals, eligible, subs)

    written = 0
    starts = range(0, len(inputs), WRITE_BLOCK)
    with (
        _inputs_out_of_the_collectors_sight(),
        ThreadPoolExecutor(SCORING_THREADS, "matching-scorer") as scorers,
        BlockWriter(len(starts), into) as writer,
    ):
        for start in starts:
            block = inputs[start : start + WRITE_BLOCK]
            now = timezone.now()
            scored = list(scorers.map(rows_of, block))
            writer.write([request.id for request in block], scored, now)
            written += sum(map(len, scored))
    return written


def _engine(supplier_ids: list[int] | None = None) -> FastEngine:
    with _collector_paused():
        return FastEngine(selectors.supplier_data(supplier_ids), selectors.distances())


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while the engine's inputs are built.

    They are hundreds of thousands of new objects and no garbage, yet every so many allocations
    the collector scanned them all: 1.3 s of the 3.3 s ``supplier_data`` took for 50,000 suppliers.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _inputs_out_of_the_collectors_sight():
    """Spare the engine's and the requests' objects the cyclic garbage collector's rescans.

    Scoring allocates a few lists per stored row (the gaps); every so many allocations Python's
    collector runs, and its oldest generation holds the inputs' hundreds of thousands of objects.
    Measured at 20,000 × 5,000, those rescans were 6.5 s of a 32 s full recompute. ``gc.freeze``
    moves what exists now out of its sight until ``unfreeze``; rows made meanwhile are unaffected.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def recompute_suppliers(supplier_ids: list[int]) -> int:
    """Rescore a few suppliers against every open request, keeping each request's bounds.

    A supplier's row is kept where it would make the request's cut (the best MAX_ELIGIBLE_STORED
    eligible suppliers, the best MAX_NEAR_MISSES near misses); requests pushed over a bound are
    trimmed with the full recompute's order (score, then supplier), so both paths store the same.
    """
    engine = _engine(supplier_ids)
    with _collector_paused():
        requests = selectors.request_data(PartRequest.objects.open())
    stored = _stored_bounds([r.id for r in requests], exclude=supplier_ids)
    rows, crowded = [], set()
    now = timezone.now()
    for request in requests:
        totals, eligible, subs = engine.score(request)
        keep, over = _within_bounds(np.round(totals, 6), eligible, stored.get(request.id, {}))
        if over:
            crowded.add(request.id)
        rows += scored_rows(request, engine, np.flatnonzero(keep), totals, eligible, subs).as_objects(now)
    with transaction.atomic():
        MatchScore.objects.filter(
            supplier_id__in=supplier_ids, request__status=PartRequest.Status.OPEN
        ).delete()
        _upsert(rows)
        _trim_to_bounds(crowded)
        PartRequest.objects.filter(pk__in=[r.id for r in requests]).update(matches_computed_at=now)
    return len(rows)


def _bound(eligible: bool) -> int:
    """How many rows of a request are stored for eligible suppliers, or for near misses."""
    return MAX_ELIGIBLE_STORED if eligible else MAX_NEAR_MISSES


def _stored_bounds(request_ids: list[int], *, exclude: list[int]) -> dict[int, dict[bool, tuple[int, float]]]:
    """request → {eligible?: (rows of other suppliers stored, the lowest of their totals)}."""
    rows = (
        MatchScore.objects.filter(request_id__in=request_ids)
        .exclude(supplier_id__in=exclude)
        .values("request_id", "eligible")
        .annotate(count=Count("pk"), floor=Min("total"))
    )
    found: dict[int, dict[bool, tuple[int, float]]] = {}
    for row in rows:
        found.setdefault(row["request_id"], {})[row["eligible"]] = (row["count"], row["floor"])
    return found


def _within_bounds(totals: np.ndarray, eligible: np.ndarray, stored: dict) -> tuple[np.ndarray, bool]:
    """(rows that could make the cut, whether keeping them pushes a group over its bound)."""
    keep = np.zeros(len(totals), dtype=bool)
    over = False
    for group in (True, False):
        count, floor = stored.get(group, (0, None))
        candidates = eligible == group
        if count >= _bound(group):
            candidates &= totals >= floor
        keep |= candidates
        over = over or count + int(candidates.sum()) > _bound(group)
    return keep, over


def _trim_to_bounds(request_ids: set[int]) -> None:
    """Delete the rows past each request's bounds, ranked by score, then supplier."""
    if not request_ids:
        return
    rank = Window(
        RowNumber(),
        partition_by=[F("request_id"), F("eligible")],
        order_by=[F("total").desc(), F("supplier_id").asc()],
    )
    past = (
        MatchScore.objects.filter(request_id__in=request_ids)
        .annotate(rank=rank)
        .filter(Q(eligible=True, rank__gt=_bound(True)) | Q(eligible=False, rank__gt=_bound(False)))
    )
    MatchScore.objects.filter(pk__in=list(past.values_list("request_id", "supplier_id"))).delete()


def delete_orphans() -> int:
    """Remove scores whose supplier or request no longer exists (see MatchScore: no DB constraints).

    Django deletes scores with their supplier; only a supplier deleted while a recompute was
    writing its rows can leave some behind, and nobody sees them (pages join the supplier).
    """
    gone = ~Q(supplier__in=SupplierProfile.objects.all()) | ~Q(request__in=PartRequest.objects.all())
    return MatchScore.objects.filter(gone).delete()[0]


def recompute_all() -> int:
    """Every open request against every supplier, with one engine built once; clears all marks.

    On PostgreSQL the rows go into a new table that replaces the live one (``rebuild``); marks
    made meanwhile, and left by the incremental recomputes while this held the lock, are served
    afterwards.
    """
    with scores_lock(exclusive=True):
        started = timezone.now()
        engine = _engine()
        if rebuild.possible():
            written = _recompute_all_into_new_table(engine)  # leaves no orphans behind
        else:
            written = recompute_requests(PartRequest.objects.open(), engine=engine)
            delete_orphans()
        RecomputeMark.objects.filter(marked_at__lt=started).delete()
    if RecomputeMark.objects.exists():
        enqueue_recompute()
    return written


def _recompute_all_into_new_table(engine: FastEngine) -> int:
    requests = list(PartRequest.objects.open().order_by("pk"))
    with rebuild.new_table() as table:
        written = recompute_requests(requests, engine=engine, into=table)
        rebuild.swap_in([request.pk for request in requests], engine.ids.tolist())
    return written


# Session-level advisory lock on the score rows, PostgreSQL only: a full recompute holds it
# exclusively, incremental recomputes shared. Any 64-bit number unique to this use will do.
SCORES_LOCK = 0x636E_6874_5F73_636F  # "cnht_sco"


@contextmanager
def scores_lock(*, exclusive: bool):
    """Hold the score lock; yields whether it was taken (always, elsewhere than PostgreSQL).

    Exclusive waits for running incremental recomputes to finish; shared does not wait: a full
    recompute is replacing the table, and the caller leaves its work for after it. Inside a
    transaction the lock is the transaction's, so that an error cannot leave it held.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    scope = "_xact" if connection.in_atomic_block else ""
    with connection.cursor() as cursor:
        if exclusive:
            cursor.execute(f"SELECT pg_advisory{scope}_lock(%s)", [SCORES_LOCK])
            taken = True
        else:
            cursor.execute(f"SELECT pg_try_advisory{scope}_lock_shared(%s)", [SCORES_LOCK])
            taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken and not scope:
            unlock = "pg_advisory_unlock" if exclusive else "pg_advisory_unlock_shared"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {unlock}(%s)", [SCORES_LOCK])


# --- Part requests ---------------------------------------------------------------------------

# What a buyer sets on a request (the form and the API both take exactly these).
REQUEST_EDITABLE_FIELDS = (
    "title",
    "title_en",
    "description",
    "description_en",
    "product_group",
    "required_processes",
    "optional_processes",
    "materials",
    "required_certifications",
    "annual_volume",
    "volume_unit",
    "tolerance_mm",
    "part_size_mm",
    "part_weight_kg",
    "delivery_province",
    "response_deadline",
    "needed_by",
    "visibility",
)
REQUEST_M2M = ("required_processes", "optional_processes", "materials", "required_certifications")


@transaction.atomic
def part_request_save(*, request: PartRequest, m2m: dict | None = None, by=None) -> PartRequest:
    """Create or update a request (fields already set on it) and its requirement lists."""
    if request.pk is None:
        request.created_by = by
    request.full_clean()
    request.save()
    for name, values in (m2m or {}).items():
        if name not in REQUEST_M2M:
            raise ValueError(f"not a requirement list: {name}")
        getattr(request, name).set(values)
    if request.status == PartRequest.Status.OPEN:
        mark_for_recompute(request_ids=[request.pk])
    return request


@transaction.atomic
def part_request_publish(*, request: PartRequest) -> PartRequest:
    """Draft → open: suppliers can see it (per its visibility) and it gets scored."""
    if request.status != PartRequest.Status.DRAFT:
        raise ValueError("only a draft can be published")
    request.status = PartRequest.Status.OPEN
    request.published_at = timezone.now()
    request.save(update_fields=["status", "published_at", "updated_at"])
    mark_for_recompute(request_ids=[request.pk])
    return request


@transaction.atomic
def part_request_close(*, request: PartRequest, awarded_to=None) -> PartRequest:
    """Open → closed, or awarded to a supplier organisation; scores stay as they were."""
    if request.status != PartRequest.Status.OPEN:
        raise ValueError("only an open request can be closed or awarded")
    request.status = PartRequest.Status.AWARDED if awarded_to else PartRequest.Status.CLOSED
    request.awarded_to = awarded_to
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "awarded_to", "closed_at", "updated_at"])
    _quotations_answered(request)
    return request


def _quotations_answered(request: PartRequest, supplier=None) -> None:
    """The buyer has decided on these quotations (all of the request's, or one supplier's) now."""
    quotations = Quotation.objects.filter(invitation__request=request, buyer_answered_at=None)
    if supplier is not None:
        quotations = quotations.filter(invitation__supplier=supplier)
    quotations.update(buyer_answered_at=timezone.now())


# --- Part requests: the web forms and the API (matching/views.py, matching/api.py) ----------

EDITABLE_STATUSES = (PartRequest.Status.DRAFT, PartRequest.Status.OPEN)
REQUEST_TEXT_FIELDS = ("title", "title_en", "description", "description_en")


def part_request_check(
    *,
    needed_by,
    response_deadline,
    required_processes: Iterable,
    optional_processes: Iterable,
    previous_needed_by=None,
    today=None,
) -> None:
    """Refuse dates and process lists that make no sense, naming the field (ValidationError).

    Called by the form and the API serializer (so every error shows at once) and again by
    ``part_request_submit``. A needed-by date already stored may have passed since: it is only
    refused in the past when it is new or changed, so an old request can still be edited.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if needed_by and needed_by < today and needed_by != previous_needed_by:
        errors["needed_by"] = gettext("The needed-by date cannot be in the past.")
    if needed_by and response_deadline and response_deadline > needed_by:
        errors["response_deadline"] = gettext("The response deadline cannot be after the needed-by date.")
    both = set(required_processes) & set(optional_processes)
    if both:
        names = ", ".join(sorted(term.name for term in both))
        errors["optional_processes"] = gettext(
            "A process cannot be both required and optional: %(names)s."
        ) % {"names": names}
    if errors:
        raise ValidationError(errors)


def request_document_add(*, request: PartRequest, file, title: str = "", uploaded_by=None) -> RequestDocument:
    """Store a drawing or specification (PDF, JPEG or PNG ≤ 10 MB, checked by ``validate_upload``)."""
    return private_file_store(RequestDocument(request=request), file, title=title, uploaded_by=uploaded_by)


def _current_processes(request: PartRequest, m2m: dict, name: str) -> list:
    """The process list after the change: the new one, or (partial update) the stored one."""
    if name in m2m:
        return list(m2m[name])
    return list(getattr(request, name).all()) if request.pk else []


@transaction.atomic
def part_request_submit(*, request: PartRequest, m2m: dict, files=(), by=None) -> PartRequest:
    """Create or change a request (fields already set on it), its requirement lists and new files.

    All or nothing: the checks, the save and the documents run in one transaction, and every file
    is checked before the first one is stored, so a refused file leaves no other file behind.
    """
    if request.pk and request.status not in EDITABLE_STATUSES:
        raise ValidationError(gettext("A closed or awarded request can no longer be changed."))
    for field in REQUEST_TEXT_FIELDS:  # stored composed (NFC), as typed, so searches match
        setattr(request, field, nfc(getattr(request, field)))
    previous = PartRequest.objects.filter(pk=request.pk).values_list("needed_by", flat=True).first()
    part_request_check(
        needed_by=request.needed_by,
        response_deadline=request.response_deadline,
        required_processes=_current_processes(request, m2m, "required_processes"),
        optional_processes=_current_processes(request, m2m, "optional_processes"),
        previous_needed_by=previous if request.pk else None,
    )
    for file in files:
        validate_upload(file)
    part_request_save(request=request, m2m=m2m, by=by)
    for file in files:
        request_document_add(request=request, file=file, uploaded_by=by)
    return request


@transaction.atomic
def part_request_award(*, request: PartRequest, awarded_to) -> PartRequest:
    """Award an open request to a supplier organisation (not the buyer itself)."""
    if not awarded_to.is_supplier or awarded_to.pk == request.buyer_id:
        raise ValidationError({"awarded_to": gettext("Choose a supplier organisation.")})
    return part_request_close(request=request, awarded_to=awarded_to)


# --- Shortlists ------------------------------------------------------------------------------


NOT_SHORTLISTABLE = gettext_noop(
    "Only a supplier ranked for this request, or one interested in it, can be shortlisted."
)


@transaction.atomic
def shortlist_add(*, request: PartRequest, supplier: SupplierProfile, by=None) -> ShortlistEntry:
    """Keep a ranked supplier for a request (idempotent: adding it again changes nothing)."""
    if request.status == PartRequest.Status.DRAFT:
        raise ValidationError(gettext("Publish the request before shortlisting suppliers."))
    ranked = MatchScore.objects.filter(request=request, supplier=supplier).exists()
    if not ranked and not SupplierInterest.objects.filter(request=request, supplier=supplier).exists():
        raise ValidationError(gettext(NOT_SHORTLISTABLE))
    entry, _created = ShortlistEntry.objects.get_or_create(
        request=request, supplier=supplier, defaults={"added_by": by}
    )
    return entry


@transaction.atomic
def shortlist_update(
    *, entry: ShortlistEntry, status: str, note: str = "", rejection_reason: str = ""
) -> ShortlistEntry:
    """Move a shortlisted supplier along the pipeline; a rejection needs its reason."""
    if status == ShortlistEntry.Status.REJECTED and not rejection_reason.strip():
        raise ValidationError({"rejection_reason": gettext("Say why the supplier is rejected.")})
    entry.status = status
    entry.note = nfc(note)
    entry.rejection_reason = nfc(rejection_reason) if status == ShortlistEntry.Status.REJECTED else ""
    entry.full_clean()
    entry.save()
    if status in DECISIONS:
        _quotations_answered(entry.request, entry.supplier)
    return entry


# Pipeline steps past "quotation received": the buyer has answered the supplier's quotation.
DECISIONS = (ShortlistEntry.Status.SAMPLE, ShortlistEntry.Status.APPROVED, ShortlistEntry.Status.REJECTED)


def shortlist_remove(*, entry: ShortlistEntry) -> None:
    entry.delete()


# --- Suppliers' interest in open requests ------------------------------------------------------


@transaction.atomic
def interest_declare(
    *, request: PartRequest, supplier: SupplierProfile, note: str = "", by=None
) -> SupplierInterest:
    """The supplier tells the buyer it wants to quote (saying it again replaces the note).

    Who may is the caller's check (``permissions.may_declare_interest``): the request is visible to
    the firm. Here: the request must be open, and a firm does not answer its own request.
    """
    if request.status != PartRequest.Status.OPEN:
        raise ValidationError(gettext("This request is no longer open."))
    if supplier.organisation_id == request.buyer_id:
        raise ValidationError(gettext("A firm cannot answer its own request."))
    interest = SupplierInterest.objects.filter(request=request, supplier=supplier).first()
    interest = interest or SupplierInterest(request=request, supplier=supplier)
    interest.note = nfc(note.strip())
    interest.declared_by = by
    interest.full_clean()
    interest.save()
    return interest


def interest_withdraw(*, request: PartRequest, supplier: SupplierProfile) -> None:
    SupplierInterest.objects.filter(request=request, supplier=supplier).delete()


# --- Invitations to quote and quotations ------------------------------------------------------


@transaction.atomic
def quote_invite(*, request: PartRequest, suppliers, message: str = "", by=None) -> list[QuoteInvitation]:
    """Invite shortlisted suppliers to quote (others are ignored; inviting one again changes nothing).

    Those still at "shortlisted" move to "contacted"; the new invitees are mailed after commit.
    """
    if request.status != PartRequest.Status.OPEN:
        raise ValidationError(gettext("Only an open request can be sent to suppliers."))
    suppliers = [
        entry.supplier
        for entry in request.shortlist.filter(supplier__in=suppliers).select_related("supplier")
    ]
    if not suppliers:
        raise ValidationError(gettext("Tick the shortlisted suppliers to invite."))
    created = []
    for supplier in suppliers:
        invitation, new = QuoteInvitation.objects.get_or_create(
            request=request, supplier=supplier, defaults={"message": nfc(message), "invited_by": by}
        )
        if new:
            created.append(invitation)
    for entry in request.shortlist.filter(supplier__in=suppliers, status=ShortlistEntry.Status.SHORTLISTED):
        entry.status = ShortlistEntry.Status.CONTACTED
        entry.save()  # through save, so the change log has it
    transaction.on_commit(lambda: [_mail_invitation(invitation) for invitation in created])
    return created


def _mail_invitation(invitation: QuoteInvitation) -> None:
    recipients = list(invitation.supplier.organisation.memberships.values_list("user__email", flat=True))
    if not recipients:
        return
    context = {
        "invitation": invitation,
        "request": invitation.request,
        "buyer": invitation.request.buyer,
        "url": settings.SITE_URL.rstrip("/") + reverse("matching:invitation_detail", args=[invitation.pk]),
    }
    subject = " ".join(render_to_string("matching/email/invitation_subject.txt", context).split())
    send_mail(subject, render_to_string("matching/email/invitation_message.txt", context), None, recipients)


def invitation_opened(invitation: QuoteInvitation) -> None:
    """The first time one of the supplier's people opens it: no longer unread."""
    if invitation.read_at is None:
        QuoteInvitation.objects.filter(pk=invitation.pk, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def invitation_answer(*, invitation: QuoteInvitation, answer: str, reason: str = "") -> QuoteInvitation:
    """Interested, or declined with a reason (a quotation is sent with ``quotation_submit``)."""
    if answer not in (QuoteInvitation.Answer.INTERESTED, QuoteInvitation.Answer.DECLINED):
        raise ValidationError({"answer": gettext("Choose interested or decline.")})
    if answer == QuoteInvitation.Answer.DECLINED and not reason.strip():
        raise ValidationError({"decline_reason": gettext("Say why you decline.")})
    invitation.answer = answer
    invitation.decline_reason = nfc(reason) if answer == QuoteInvitation.Answer.DECLINED else ""
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answer", "decline_reason", "answered_at"])
    return invitation


@transaction.atomic
def quotation_submit(*, invitation: QuoteInvitation, data: dict, files=(), by=None) -> Quotation:
    """Send (or replace) the supplier's quotation; all or nothing, files checked before any is stored."""
    if invitation.request.status != PartRequest.Status.OPEN:
        raise ValidationError(gettext("This request is no longer open for quotations."))
    if data["valid_until"] < timezone.localdate():
        raise ValidationError({"valid_until": gettext("A quotation must be valid today or later.")})
    for file in files:
        validate_upload(file)
    quotation, _created = Quotation.objects.update_or_create(
        invitation=invitation,
        defaults={
            "unit_price": data["unit_price"],
            "currency": data["currency"],
            "lead_time_days": data["lead_time_days"],
            "valid_until": data["valid_until"],
            "notes": nfc(data.get("notes", "")),
            "submitted_by": by,
        },
    )
    for file in files:
        private_file_store(QuotationDocument(quotation=quotation), file, uploaded_by=by)
    invitation.answer = QuoteInvitation.Answer.QUOTED
    invitation.decline_reason = ""
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answer", "decline_reason", "answered_at"])
    early = (ShortlistEntry.Status.SHORTLISTED, ShortlistEntry.Status.CONTACTED)
    for entry in invitation.request.shortlist.filter(supplier=invitation.supplier, status__in=early):
        entry.status = ShortlistEntry.Status.QUOTATION
        entry.save()
    return quotation


# --- Daily digest of new requests a supplier matches --------------------------------------------

DIGEST_MIN_SCORE = selectors.GOOD_MATCH  # eligible and at least this good: worth a supplier's attention
DIGEST_MAX_REQUESTS = 10  # per firm and e-mail


def send_daily_digest(*, now=None) -> int:
    """Mail each supplier firm the open requests published in the last 24 h it matches well.

    Run once a day by beat, so each request is in one digest. Only requests the firm may see: for
    all verified suppliers (and the firm is verified) or invited-only ones it is invited to.
    Returns the number of e-mails sent.
    """
    now = now or timezone.now()
    scores = (
        MatchScore.objects.filter(
            eligible=True,
            total__gte=DIGEST_MIN_SCORE,
            request__status=PartRequest.Status.OPEN,
            request__published_at__gte=now - timedelta(days=1),
            request__published_at__lt=now,
        )
        .filter(
            Q(
                request__visibility=PartRequest.Visibility.VERIFIED_SUPPLIERS,
                supplier__verification_status=SupplierProfile.Verification.VERIFIED,
            )
            | Q(
                Exists(
                    QuoteInvitation.objects.filter(request=OuterRef("request"), supplier=OuterRef("supplier"))
                )
            )
        )
        .select_related("request__buyer", "supplier__organisation")
        .order_by("supplier_id", "-total")
    )
    by_firm: dict[int, list[MatchScore]] = {}
    for score in scores:
        by_firm.setdefault(score.supplier_id, []).append(score)
    sent = 0
    for rows in by_firm.values():
        organisation = rows[0].supplier.organisation
        recipients = list(organisation.memberships.values_list("user__email", flat=True))
        if recipients:
            _mail_digest(organisation, rows[:DIGEST_MAX_REQUESTS], recipients)
            sent += 1
    return sent


def _mail_digest(organisation, rows: list[MatchScore], recipients: list[str]) -> None:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "organisation": organisation,
        "rows": [(row, site + reverse("matching:request_detail", args=[row.request_id])) for row in rows],
    }
    subject = " ".join(render_to_string("matching/email/digest_subject.txt", context).split())
    send_mail(subject, render_to_string("matching/email/digest_message.txt", context), None, recipients)
