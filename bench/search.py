"""The supplier-search benchmark: database time of searches, against a plain ILIKE scan, and HTTP load.

    python -m bench.search --services [--suppliers 50000] [--repeat 20] [--clients 4 --seconds 30]

``--services`` starts a throw-away PostgreSQL and Redis (``tests.services.running_services``) and
re-runs this module in a subprocess pointed at them, which migrates, generates ``--suppliers``
synthetic firms (``bench.generate``) and measures:

1. Database time of the search page's queries (``suppliers.search.run``: the words with the
   facets' values, the filters, the capped count and the first page of 20), and the wall-clock of
   the same work, for narrow and broad queries, p50/p95 over ``--repeat`` runs each.
2. The same words through a plain ``unaccent(…) ILIKE '%word%'`` scan (count + first page), the
   baseline the full-text search must beat by 20×.
3. gunicorn (3 workers, as in docker-compose.yml) on loopback with ``--clients`` concurrent
   signed-in buyers for ``--seconds``, a mix of search pages (``SearchMix``: popular searches and
   a long tail) and supplier profile pages: requests/s, p50/p95/p99 and errors, once with the
   search results cache off and once on (suppliers/search_cache.py).

Figures are wall-clock on whatever else the machine is doing: see bench/README.md.
"""

import argparse
import contextlib
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import INNER, ROOT, rerun_with_services, setup_django, timed

TARGETS = {
    "narrow_p95_ms": 20.0,
    "broad_p95_ms": 100.0,
    "speedup": 20.0,
    "http_p95_ms": 150.0,
    "http_rps": 100.0,
}

# Narrow: a firm's own words (chosen from the data at run time, see narrow_queries), or a product
# in one province. Broad: a common process or word.
NARROW = [
    {"q": "vo hop so", "province": "48"},
    {"q": "banh rang", "certification": "iatf-16949"},
    {"q": "giá đỡ ắc quy", "province": "79"},
]
BROAD = [
    {"q": "dap"},
    {"q": "han"},
    {"q": "co khi"},
    {"q": "thep"},
    {},  # everything, facets only
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _query_dict(params: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = value
    return data


class DatabaseTime:
    """Seconds spent inside the database driver's ``execute`` while active (Django's execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def search_page_time(params: dict) -> tuple[float, float, int]:
    """(database seconds, wall-clock seconds, count) of one search page's work.

    The page's work: ``search.run`` (the words, the facets' values and counts, the filters), the
    capped count and the first page of 20 firms. Database time is the time inside the queries;
    wall-clock adds Django's and our Python around them (rendering not included).
    """
    from django.db import connection

    from suppliers import search
    from suppliers.models import SupplierProfile

    database = DatabaseTime()
    with timed() as whole, connection.execute_wrapper(database):
        result = search.run(SupplierProfile.objects.all(), _query_dict(params))
        paginator = search.CappedPaginator(result.profiles, 20, known_count=result.count)
        ids = [profile.pk for profile in paginator.page(1).object_list]
        count = paginator.count
    assert count == 0 or ids
    return database.seconds, whole.seconds, count


def ilike_time(params: dict) -> tuple[float, int]:
    """The baseline: every word as unaccent ILIKE over names, products and description; no index helps."""
    from django.db import connection

    words = (params.get("q") or "").split()
    where = " AND ".join(
        "unaccent(o.name || ' ' || p.description || ' ' || p.search_exact) ILIKE unaccent(%s)" for _ in words
    )
    where = where or "TRUE"
    args = [f"%{word}%" for word in words]
    base = (
        "FROM suppliers_supplierprofile p JOIN portal_organisation o ON o.id = p.organisation_id "
        f"WHERE {where}"
    )
    with timed() as watch, connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT p.id {base} LIMIT 1001) capped", args)
        count = cursor.fetchone()[0]
        cursor.execute(f"SELECT p.id {base} ORDER BY o.name LIMIT 20", args)
        cursor.fetchall()
    return watch.seconds, count


def narrow_queries(seed: int) -> list[dict]:
    """Three firms' distinguishing words (person's name and number, as a buyer would copy them)."""
    from portal.models import Organisation

    keys = list(
        Organisation.objects.filter(is_supplier=True).values_list("name_search_key", flat=True)[:5000]
    )
    rng = random.Random(seed)
    return [{"q": " ".join(key.split()[-3:])} for key in rng.sample(keys, 3)] + NARROW


def explain(params: dict) -> None:
    """EXPLAIN ANALYZE of the results query, to see which index serves it."""
    from django.db import connection

    from suppliers import search
    from suppliers.models import SupplierProfile

    result = search.run(SupplierProfile.objects.all(), _query_dict(params), facets=False)
    sql, sql_params = result.profiles.values("pk")[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}", sql_params)
        print("\n".join(f"    {row[0]}" for row in cursor.fetchall()))


def database_section(args) -> dict:
    figures = {}
    narrow = narrow_queries(args.seed)
    if args.explain:
        for params in (narrow[0], BROAD[0]):
            print(f"  EXPLAIN ANALYZE of {params}:")
            explain(params)
    for label, queries in (("narrow", narrow), ("broad", BROAD)):
        results, facets, baseline, counts = [], [], [], []
        for params in queries:
            search_page_time(params)  # warm the cache and the plan
            for _ in range(args.repeat):
                r, f, count = search_page_time(params)
                results.append(r)
                facets.append(f)
            counts.append(count)
            if params.get("q"):
                for _ in range(max(3, args.repeat // 5)):
                    baseline.append(ilike_time(params)[0])
        figures[label] = (results, facets, baseline)
        p95 = percentile(results, 0.95) * 1000
        target = TARGETS[f"{label}_p95_ms"]
        print(
            f"  {label} searches {counts}: database time p50 {statistics.median(results) * 1000:.1f} ms, ",
            end="",
        )
        print(f"p95 {p95:.1f} ms (target ≤ {target:.0f} ms: {'PASS' if p95 <= target else 'FAIL'})")
        print(
            f"  {label} wall-clock of the same work (Python included): p50 "
            f"{statistics.median(facets) * 1000:.1f} ms, p95 {percentile(facets, 0.95) * 1000:.1f} ms"
        )
        if baseline:
            speedup = statistics.median(baseline) / statistics.median(results)
            print(
                f"  {label} unaccent ILIKE scan: p50 {statistics.median(baseline) * 1000:.1f} ms → "
                f"search is {speedup:.0f}× faster (target ≥ 20×: {'PASS' if speedup >= 20 else 'FAIL'})"
            )
    return figures


# --- HTTP load through gunicorn ---------------------------------------------------------------


def signed_in_cookie() -> str:
    """A session of a buyer, written to the session store the server reads."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from portal.models import Membership, Organisation, User

    oem, _ = Organisation.objects.get_or_create(
        name="BENCH OEM", defaults={"is_buyer": True, "is_supplier": False}
    )
    user, _ = User.objects.get_or_create(email="bench-buyer@example.com")
    Membership.objects.get_or_create(user=user, organisation=oem, defaults={"role": Membership.Role.MEMBER})
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class SearchMix:
    """The search pages buyers ask for: a few popular searches, and a long tail.

    Popular (``POPULAR_SHARE`` of the searches): the benchmark's narrow and broad queries, their
    second pages and name order. The long tail: one of 5,000 firms' distinguishing words, or a
    process ticked in a province, so most of the tail is asked once in a run. Which share of
    the pages the results cache can answer depends on this mix, so the run prints it.
    """

    POPULAR_SHARE = 0.6

    def __init__(self, seed: int):
        from portal.models import Organisation, Province, Term

        popular = NARROW + BROAD
        popular += [{**params, "page": "2"} for params in BROAD]
        popular += [{**params, "sort": "name"} for params in BROAD]
        self.popular = [_search_path(params) for params in popular]
        names = Organisation.objects.filter(is_supplier=True).values_list("name_search_key", flat=True)
        provinces = list(Province.objects.values_list("code", flat=True))
        processes = list(Term.objects.filter(kind=Term.Kind.PROCESS).values_list("code", flat=True))
        rng = random.Random(seed)
        words = [{"q": " ".join(key.split()[-2:])} for key in names[:5000]]
        ticks = [{"process": rng.choice(processes), "province": rng.choice(provinces)} for _ in range(2000)]
        self.tail = [_search_path(params) for params in words + ticks]

    def next(self, rng: random.Random) -> str:
        return rng.choice(self.popular if rng.random() < self.POPULAR_SHARE else self.tail)


def _search_path(params: dict) -> str:
    return f"/suppliers/search/?{urlencode(params)}"


def load_section(args) -> None:
    from django.core.management import call_command

    from suppliers.models import SupplierProfile

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off: the manifest is needed
    cookie = signed_in_cookie()
    profile_ids = list(SupplierProfile.objects.values_list("pk", flat=True)[:2000])
    mix = SearchMix(args.seed)
    for cache_seconds in ("0", "300"):
        with gunicorn({"SEARCH_CACHE_SECONDS": cache_seconds}) as port:
            for path in mix.popular[:4]:  # start every worker
                _get(port, path, cookie)
            title = "results cache off" if cache_seconds == "0" else "results cache on"
            _report(title, args, _load(port, cookie, mix, profile_ids, args))


@contextlib.contextmanager
def gunicorn(env: dict):
    """gunicorn with 3 workers (as in docker-compose.yml) on a free loopback port; yields the port."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", **env},
        stdout=subprocess.DEVNULL,
        stderr=open(Path(os.environ["STATIC_ROOT"]).parent / "gunicorn.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    try:
        _wait_for(port)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def _load(port: int, cookie: str, mix: SearchMix, profile_ids: list[int], args) -> dict:
    """``args.clients`` clients for ``args.seconds``: 60 % search pages (``mix``), 40 % profiles."""
    latencies, errors, searched = [], [], []
    stop = time.monotonic() + args.seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            if rng.random() < 0.6:
                path = mix.next(rng)
                searched.append(path)
            else:
                path = f"/suppliers/{rng.choice(profile_ids)}/"
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{error!r} {path}")
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    with timed() as watch:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {"latencies": latencies, "errors": errors, "searched": searched, "seconds": watch.seconds}


def _report(title: str, args, run: dict) -> None:
    latencies, errors, searched = run["latencies"], run["errors"], run["searched"]
    rps = len(latencies) / run["seconds"]
    p95 = percentile(latencies, 0.95) * 1000
    distinct = len(set(searched))
    p99 = percentile(latencies, 0.99) * 1000
    clients = f"{args.clients} clients, {run['seconds']:.0f} s"
    print(f"  gunicorn ×3, {clients}, 60 % search / 40 % profiles, {title}:")
    rps_verdict = _verdict(rps >= TARGETS["http_rps"])
    print(f"    {len(latencies):,} requests, {rps:.0f} req/s (target ≥ 100: {rps_verdict})")
    print(f"    p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95:.0f} ms ", end="")
    print(f"(target ≤ 150: {_verdict(p95 <= TARGETS['http_p95_ms'])}), p99 {p99:.0f} ms")
    print(
        f"    {len(searched):,} search pages, {distinct:,} different ones "
        f"(with the cache on, {1 - distinct / max(1, len(searched)):.0%} of them could be answered from it)"
    )
    print(f"    errors {len(errors)}")
    for error in errors[:5]:
        print(f"    error: {error}")
    if errors:
        log = (Path(os.environ["STATIC_ROOT"]).parent / "gunicorn.log").read_text()[-3000:]
        print(f"    gunicorn's log ends with:\n{log}")


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response.status


def _wait_for(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            _get(port, "/health/", "")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


# --- Running ----------------------------------------------------------------------------------


def run(args) -> int:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench import generate

    if connection.vendor != "postgresql":
        print("bench.search measures PostgreSQL full-text search: run it with --services or DATABASE_URL")
        return 2
    if args.services:
        call_command("migrate", interactive=False, verbosity=0)
    if args.services or generate.synthetic_counts()[0] != args.suppliers:
        seconds = generate.generate(
            suppliers=args.suppliers, requests=10, seed=args.seed, log=lambda *_: None
        )
        print(f"  bench.generate {args.suppliers:,} suppliers: {seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"bench.search: {args.suppliers:,} suppliers on PostgreSQL, {args.repeat} runs per query")
    database_section(args)
    if args.clients:
        load_section(args)
    print(f"note: load average (1 min) at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


def run_with_services(argv: list[str], args) -> int:
    return rerun_with_services("bench.search", argv, args.time_limit)


def parse(argv: list[str]):
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=20, help="runs of each query")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients (0: skip the load)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the HTTP load")
    parser.add_argument("--services", action="store_true", help="throw-away PostgreSQL + Redis")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of two searches")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for the whole run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.services and not os.environ.get(INNER):
        return run_with_services(argv, args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
