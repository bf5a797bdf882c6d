"""Writing a full recompute's scores: rows built from the engine's arrays, binary COPY, a writer thread.

A full recompute stores about 830,000 rows (20,000 suppliers × 5,000 requests). Measured on the
2-core machine (bench/README.md), formatting them as COPY text cost more than PostgreSQL took to
load them, and Python and PostgreSQL took turns, each leaving the other core idle. So:

- ``copy_payload`` encodes a block in PostgreSQL's binary COPY format: every field but the gaps
  is a fixed-size binary number, so numpy lays out all rows at once; the gaps come as JSON text
  from the engine (``FastEngine.gaps_json``).
- ``BlockWriter`` hands blocks to a thread with its own database connection, which deletes a
  block's old rows, COPYs the new ones and commits while the caller scores the next block. The
  connection waits on the socket without the GIL, so PostgreSQL loads on one core while Python
  scores on the other. Each block is still one transaction: readers see a request's old rows or
  its new ones, never a mix.

The thread is used only on PostgreSQL and only outside a transaction: a second connection would
not see the caller's uncommitted rows (in a test's transaction, for instance), so there the blocks
are written in line, on the caller's connection, with the same statements.
"""

import datetime
import io
import json
import queue
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain

import numpy as np
from django.db import connection, transaction

from matching.models import SCORE_FIELDS, MatchScore, PartRequest
from matching.scoring import ENGINE_VERSION, FastEngine, RequestData


@dataclass(frozen=True)
class ScoredRows:
    """The rows to store for one request, as arrays; numbers rounded once (6 places) for all rows."""

    request_id: int
    supplier_ids: np.ndarray  # int64
    totals: np.ndarray
    eligible: np.ndarray  # bool
    subs: np.ndarray  # one row per supplier, one column per criterion (CRITERIA order)
    gaps: list[str]  # JSON text, one per supplier (``FastEngine.gaps_json``)

    def __len__(self) -> int:
        return len(self.supplier_ids)

    def as_objects(self, now) -> list[MatchScore]:
        rows = zip(
            self.supplier_ids.tolist(),
            self.totals.tolist(),
            self.eligible.tolist(),
            self.subs.tolist(),
            self.gaps,
            strict=True,
        )
        return [
            MatchScore(
                request_id=self.request_id,
                supplier_id=supplier_id,
                total=total,
                eligible=eligible,
                gaps=json.loads(gaps),
                engine_version=ENGINE_VERSION,
                computed_at=now,
                **dict(zip(SCORE_FIELDS, subs, strict=True)),
            )
            for supplier_id, total, eligible, subs, gaps in rows
        ]


def scored_rows(request: RequestData, engine: FastEngine, chosen, totals, eligible, subs) -> ScoredRows:
    chosen = np.asarray(chosen, dtype=np.int64)
    return ScoredRows(
        request_id=request.id,
        supplier_ids=engine.ids[chosen],
        totals=np.round(totals[chosen], 6),
        eligible=eligible[chosen],
        subs=np.round(subs[chosen], 6),
        gaps=engine.gaps_json(request, chosen),
    )


# --- Binary COPY ------------------------------------------------------------------------------

# Gaps last: the one field whose size varies from row to row.
COPY_COLUMNS = (
    "request_id",
    "supplier_id",
    "total",
    "eligible",
    *SCORE_FIELDS,
    "engine_version",
    "computed_at",
    "gaps",
)
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # signature, flags, no extension
_TRAILER = struct.pack("!h", -1)
_POSTGRES_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)  # timestamps count µs from here
_VERSION = ENGINE_VERSION.encode()
_JSONB_FORMAT = 1  # the byte that starts a jsonb value in binary form

# Each field is preceded by its size in bytes, all big-endian (network order) as COPY wants them.
_FIXED_FIELDS = [
    ("request_id", ">i8"),
    ("supplier_id", ">i8"),
    ("total", ">f8"),
    ("eligible", "?"),
    *[(field, ">f8") for field in SCORE_FIELDS],
    ("engine_version", f"S{len(_VERSION)}"),
    ("computed_at", ">i8"),
]
_ROW = np.dtype(
    [("fields", ">i2")]
    + [item for name, kind in _FIXED_FIELDS for item in ((f"{name}_size", ">i4"), (name, kind))]
    + [("gaps_size", ">i4"), ("jsonb_format", "u1")]  # the gaps' JSON text follows each row
)
_AS_BYTES = np.dtype((np.void, _ROW.itemsize))


def copy_payload(scored: list[ScoredRows], now: datetime.datetime) -> bytes:
    """``scored`` in PostgreSQL's binary COPY format, columns in COPY_COLUMNS order."""
    rows = np.zeros(sum(map(len, scored)), dtype=_ROW)
    rows["fields"] = len(COPY_COLUMNS)
    for name, _kind in _FIXED_FIELDS:
        rows[f"{name}_size"] = _ROW.fields[name][0].itemsize
    rows["request_id"] = np.repeat([s.request_id for s in scored], [len(s) for s in scored])
    rows["supplier_id"] = np.concatenate([s.supplier_ids for s in scored])
    rows["total"] = np.concatenate([s.totals for s in scored])
    rows["eligible"] = np.concatenate([s.eligible for s in scored])
    subs = np.concatenate([s.subs for s in scored])
    for column, field in enumerate(SCORE_FIELDS):
        rows[field] = subs[:, column]
    rows["engine_version"] = _VERSION
    rows["computed_at"] = (now - _POSTGRES_EPOCH) // datetime.timedelta(microseconds=1)
    gaps = [text.encode() for s in scored for text in s.gaps]
    rows["gaps_size"] = np.fromiter(map(len, gaps), dtype=np.int32, count=len(gaps)) + 1
    rows["jsonb_format"] = _JSONB_FORMAT
    fixed = rows.view(_AS_BYTES).tolist()  # one bytes object per row
    return b"".join([_HEADER, *chain.from_iterable(zip(fixed, gaps, strict=True)), _TRAILER])


def _copy(payload: bytes, table: str) -> None:
    columns = ", ".join(COPY_COLUMNS)
    with connection.cursor() as cursor:
        # One read of the whole block: each read takes the GIL back from the scoring thread.
        cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT binary)",
            io.BytesIO(payload),
            len(payload) + 1,  # the read size; positional, as Django's debug cursor passes it on
        )


def _bulk_create(scored: list[ScoredRows], now) -> None:
    MatchScore.objects.bulk_create([o for rows in scored for o in rows.as_objects(now)], batch_size=2000)


def inserter(scored: list[ScoredRows], now, table: str | None = None) -> Callable[[], None]:
    """What inserts ``scored``: a COPY of bytes encoded now, on PostgreSQL; a bulk insert elsewhere.

    ``table``: another table shaped like MatchScore's (a full recompute's new one), PostgreSQL only.
    """
    if connection.vendor == "postgresql":
        return partial(_copy, copy_payload(scored, now), table or MatchScore._meta.db_table)
    return partial(_bulk_create, scored, now)


def replace_block(request_ids: list[int], insert: Callable[[], None], now) -> None:
    """One transaction: the requests' old rows out, ``insert`` the new ones, and when they were computed."""
    with transaction.atomic():
        MatchScore.objects.filter(request_id__in=request_ids).delete()
        insert()
        PartRequest.objects.filter(pk__in=request_ids).update(matches_computed_at=now)


# --- The writer thread ------------------------------------------------------------------------


class BlockWriter:
    """``write(request_ids, scored, now)`` replaces blocks of rows, in a thread where that helps.

    With a ``table`` (``rebuild.new_table``), blocks are only COPYed into it: it starts empty, and
    the requests' times are recorded when it is swapped in.

    The rows are encoded in the caller's thread (Python work holds the GIL wherever it runs); the
    writer thread only waits on its connection. Use it as a context manager: leaving waits until
    every block is written and raises the writer's error, if it had one. The queue holds two
    blocks: scoring never runs far ahead of writing, so memory stays bounded.
    """

    def __init__(self, blocks: int, table: str | None = None):
        self.table = table
        # One block gains nothing from a thread, and a second connection costs a few milliseconds.
        self.threaded = blocks > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
        self.blocks: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="matching-writer", daemon=True)

    def __enter__(self) -> "BlockWriter":
        if self.threaded:
            self.thread.start()
        return self

    def write(self, request_ids: list[int], scored: list[ScoredRows], now) -> None:
        insert = inserter(scored, now, self.table)
        if not self.threaded:
            self._store(request_ids, insert, now)
            return
        self._raise_if_failed()
        self.blocks.put((request_ids, insert, now))

    def __exit__(self, kind, error, traceback) -> None:
        if not self.threaded:
            return
        self.blocks.put(None)
        self.thread.join()
        if error is None:
            self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (block := self.blocks.get()) is not None:
                if self.error is None:  # after a failure, drain the queue so the caller never blocks
                    self._write(*block)
        finally:
            connection.close()  # this thread's own connection

    def _write(self, request_ids, insert, now) -> None:
        try:
            self._store(request_ids, insert, now)
        except BaseException as error:  # noqa: BLE001  (re-raised in the caller's thread)
            self.error = error

    def _store(self, request_ids, insert, now) -> None:
        if self.table is None:
            replace_block(request_ids, insert, now)
        else:
            insert()
