"""A full recompute on PostgreSQL writes a new score table and swaps it in for the live one.

Why: replacing 830,000 rows in place (20,000 suppliers × 5,000 requests) made PostgreSQL check
every new row's key against the row it had just deleted, and update the indexes row by row: the
second full recompute took 10–12 s where the first, into an empty table, took 8.5 s. Loaded into
a table without indexes, the rows go in at three times the speed, and the indexes are then built
in one pass (bench/README.md has the figures).

How (``recompute_all`` uses it when PostgreSQL runs outside a transaction):

1. ``new_table`` creates ``matching_matchscore_rebuild`` like the live table (columns, defaults,
   NOT NULL and check constraints) but without indexes. The writer COPYs the blocks into it.
2. ``swap_in`` builds the live table's indexes on it under temporary names and analyses it; then,
   in one transaction, it records when each request's scores were computed, locks the live
   table, copies over the rows of requests this run did not score (closed and awarded requests
   keep theirs), leaves out the rows of suppliers and requests deleted since they were scored,
   drops the live table, and renames the new one and its indexes to the live names (a primary
   key's constraint follows its index). No orphan rows survive a swap (``delete_orphans`` is for
   the rows replaced in place).
3. If anything fails before the swap commits, the new table is dropped and the live one was
   never touched; a run killed outright leaves the new table behind, and the next one drops it.

The new table is owned by the role that runs the recompute (the portal's own, as every table), and
grants made on the live table to other roles (a reporting role, say) are not carried over: grant
them on the schema's future tables instead (``ALTER DEFAULT PRIVILEGES``).

Readers wait for the swap transaction only (tens of milliseconds), and see the old rows or the
new ones, never a mix. Nothing else may write scores meanwhile, or it would be written into the
table that is about to go: ``recompute_all`` holds ``services.scores_lock`` exclusively, and
the incremental recomputes leave their marks for later while it is held.
"""

import logging
import re
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from matching.models import MatchScore, PartRequest
from suppliers.models import SupplierProfile

log = logging.getLogger(__name__)

LIVE = MatchScore._meta.db_table
NEW = f"{LIVE}_rebuild"
# What a new table can be given (p: primary key, u: unique, c: check, n: not null). A foreign key,
# an exclusion constraint, a trigger, or a view or foreign key of another table that depends on it
# would need more than this module does: then rows are replaced in place instead (``possible``).
_CARRIED_CONSTRAINTS = {"p", "u", "c", "n"}
_DEPENDED_ON = (
    "EXISTS (SELECT FROM pg_trigger WHERE tgrelid = t.oid)"
    " OR EXISTS (SELECT FROM pg_constraint WHERE confrelid = t.oid)"
    " OR EXISTS (SELECT FROM pg_depend d JOIN pg_rewrite v ON v.oid = d.objid"
    " WHERE d.refobjid = t.oid AND v.ev_class <> t.oid)"
)
# Requests not in the run, found with a join (``NOT (id = ANY(…))`` compares each row with each id).
_OTHER_REQUESTS = (
    f"SELECT r.id FROM {PartRequest._meta.db_table} AS r"
    " WHERE NOT EXISTS (SELECT FROM unnest(%s::bigint[]) AS run(id) WHERE run.id = r.id)"
)
_SUPPLIERS = f"SELECT id FROM {SupplierProfile._meta.db_table}"
_INDEX_DEFINITION = re.compile(r"^(CREATE (?:UNIQUE )?INDEX) (\S+) ON (\S+) (USING .*)$")


def possible() -> bool:
    """Can a full recompute swap tables here? PostgreSQL, outside a transaction, a plain table."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT array_agg(DISTINCT contype::text) FROM pg_constraint WHERE conrelid = t.oid),"
            f" {_DEPENDED_ON} FROM pg_class t WHERE t.oid = %s::regclass",
            [LIVE],
        )
        kinds, depended_on = cursor.fetchone()
    return set(kinds or ()) <= _CARRIED_CONSTRAINTS and not depended_on


@contextmanager
def new_table():
    """The empty table a full recompute writes into; dropped again unless ``swap_in`` took it."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW}")  # a killed run's leftover
        # Without autovacuum until it is swapped in: a vacuum that had started on it would hold
        # the swap (and the readers behind it) for a second, until PostgreSQL cancelled it.
        cursor.execute(
            f"CREATE TABLE {NEW} (LIKE {LIVE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            " WITH (autovacuum_enabled = false)"
        )
    try:
        yield NEW
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {NEW}")  # a no-op after a swap: the name is gone


def swap_in(request_ids: list[int], supplier_ids: list[int]) -> None:
    """Make the new table the live one, holding rows of ``request_ids`` × ``supplier_ids``.

    The live table's rows of other requests are carried over. Rows of a supplier or request
    deleted meanwhile are left out: Django deleted them from the live table only.
    """
    indexes = _live_indexes()
    with connection.cursor() as cursor:
        for name, definition, constraint in indexes:
            cursor.execute(_on_new_table(definition, _temporary(name)))
            if constraint:
                temporary = _temporary(name)
                add = f"ALTER TABLE {NEW} ADD CONSTRAINT {temporary} {constraint}"
                cursor.execute(f"{add} USING INDEX {temporary}")
        cursor.execute(f"ANALYZE {NEW}")  # the planner's statistics, before anyone reads it
        computed_at = _computed_at(cursor, request_ids)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in MatchScore._meta.concrete_fields)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PartRequest._meta.db_table} AS r SET matches_computed_at = v.at"
            " FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE r.id = v.id",
            [request_ids, computed_at],
        )
        started = time.perf_counter()  # readers of the scores wait from here to the commit
        cursor.execute(f"LOCK TABLE {LIVE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            f"INSERT INTO {NEW} ({columns}) SELECT {columns} FROM {LIVE}"
            f" WHERE request_id IN ({_OTHER_REQUESTS}) AND supplier_id IN ({_SUPPLIERS})",
            [request_ids],
        )
        _leave_out_deleted(cursor, request_ids, supplier_ids)
        cursor.execute(f"DROP TABLE {LIVE}")
        cursor.execute(f"ALTER TABLE {NEW} RENAME TO {LIVE}")
        cursor.execute(f"ALTER TABLE {LIVE} RESET (autovacuum_enabled)")
        for name, _definition, _constraint in indexes:
            cursor.execute(f"ALTER INDEX {_temporary(name)} RENAME TO {name}")
    log.info("match scores swapped in: readers waited up to %.0f ms", 1000 * (time.perf_counter() - started))


def _leave_out_deleted(cursor, request_ids: list[int], supplier_ids: list[int]) -> None:
    """Delete the new rows of suppliers and requests deleted since they were scored (usually none)."""
    for column, ids, table in [
        ("supplier_id", supplier_ids, SupplierProfile._meta.db_table),
        ("request_id", request_ids, PartRequest._meta.db_table),
    ]:
        cursor.execute(
            f"SELECT array_agg(run.id) FROM unnest(%s::bigint[]) AS run(id)"
            f" WHERE NOT EXISTS (SELECT FROM {table} AS t WHERE t.id = run.id)",
            [ids],
        )
        deleted = cursor.fetchone()[0]
        if deleted:
            cursor.execute(f"DELETE FROM {NEW} WHERE {column} = ANY(%s)", [deleted])


def _computed_at(cursor, request_ids: list[int]) -> list:
    """When each request's new rows were computed (its block's time); now if it has none."""
    cursor.execute(f"SELECT request_id, max(computed_at) FROM {NEW} GROUP BY request_id")
    latest = dict(cursor.fetchall())
    now = timezone.now()
    return [latest.get(request_id, now) for request_id in request_ids]


def _live_indexes() -> list[tuple[str, str, str]]:
    """(name, definition, 'PRIMARY KEY' or 'UNIQUE' if it backs that constraint, else '')."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid),"
            " CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE '' END"
            " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
            " WHERE x.indrelid = %s::regclass ORDER BY i.relname",
            [LIVE],
        )
        return cursor.fetchall()


def _on_new_table(definition: str, name: str) -> str:
    """``CREATE INDEX live_name ON public.live USING …`` as the same index, named ``name``, on NEW."""
    create, _name, table, rest = _INDEX_DEFINITION.match(definition).groups()
    schema = table.rpartition(".")[0]
    return f"{create} {name} ON {schema + '.' if schema else ''}{NEW} {rest}"


def _temporary(name: str) -> str:
    return f"{name[:54]}_rebuild"  # PostgreSQL keeps 63 bytes of a name
