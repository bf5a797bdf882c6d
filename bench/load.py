"""The load benchmark: the production topology on loopback under a realistic mix of users.

    python -m bench.load --services [--suppliers 50000] [--users 4,8,16] [--seconds 30]

``--services`` starts a throw-away PostgreSQL and Redis and re-runs this module in a subprocess
pointed at them, which migrates, generates ``--suppliers`` synthetic firms and 200 open requests
(``bench.generate``), computes their scores once, and starts what ``make stack`` starts: gunicorn
(3 workers, as in docker-compose.yml), a Celery worker (concurrency 2) and Celery beat. Then, for
each number of concurrent users in ``--users``, for ``--seconds``, every user in turn:

- 60 %: an OEM buyer, signed in, searching (the search page with words and facets: popular
  searches and a long tail, ``bench.search.SearchMix``) or opening a supplier's profile;
- 30 %: a supplier firm's member editing the firm's description through the API (its own token):
  each edit marks the firm for recompute, which the worker does in the background;
- 10 %: a Sở Công Thương official opening the staff dashboard or the programme list.

Printed per level: requests/s, p50/p95/p99 (all requests, and per kind), errors, the recompute
backlog (marks waiting) at the start and the end, its peak and the longest a change waited for its
scores during the level, and the CPU seconds each part used; after the last level, the seconds
until the worker has drained it. A user waits for each answer before the next request (a closed
loop), so the figures are those of N people clicking without pause: more than N real users
would cause.
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench import INNER, ROOT, rerun_with_services, setup_django, timed
from bench.search import SearchMix, percentile
from tests.services import free_port

TARGET_P95_MS = 300.0  # at 8 users, with zero errors
EDITORS = 40  # supplier firms whose member edits during the load


# --- Who signs in -------------------------------------------------------------------------------


def session_cookie(user) -> str:
    """A signed-in session of ``user``, written to the session store gunicorn reads."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def people() -> dict:
    """A buyer's and a staff member's session cookie, the editors' token headers, profile ids."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    from portal.models import Membership, Organisation, User
    from portal.roles import STAFF_GROUP, sync_staff_group
    from portal.tokens import create_token
    from suppliers.models import SupplierProfile

    oem, _ = Organisation.objects.get_or_create(name="BENCH OEM", defaults={"is_buyer": True})
    buyer, _ = User.objects.get_or_create(email="bench-buyer@example.com")
    Membership.objects.get_or_create(user=buyer, organisation=oem, defaults={"role": Membership.Role.MEMBER})
    staff, _ = User.objects.get_or_create(email="bench-staff@example.com", defaults={"is_staff": True})
    sync_staff_group()
    staff.groups.add(Group.objects.get(name=STAFF_GROUP))
    # Staff must have an authenticator app (MfaRequiredMiddleware); the session stands for a
    # sign-in that passed it.
    Authenticator.objects.get_or_create(user=staff, type=Authenticator.Type.TOTP, defaults={"data": {}})
    profiles = list(SupplierProfile.objects.select_related("organisation").order_by("pk")[:2000])
    editors = []
    for profile in profiles[:EDITORS]:
        member, _ = User.objects.get_or_create(email=f"bench-editor-{profile.pk}@example.com")
        Membership.objects.get_or_create(
            user=member, organisation=profile.organisation, defaults={"role": Membership.Role.MEMBER}
        )
        secret = create_token(member, name="bench", days=30)[1]
        editors.append({"Authorization": f"Token {secret}", "Content-Type": "application/json"})
    return {
        "buyer": session_cookie(buyer),
        "staff": session_cookie(staff),
        "editors": editors,
        "profile_ids": [profile.pk for profile in profiles],
        "searches": SearchMix(seed=2026),
    }


# --- One simulated user ------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(error)

    def all(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def next_request(rng: random.Random, who: dict, counter: int) -> tuple[str, str, str, dict, bytes | None]:
    """(kind, method, path, headers, body) of one user's next click."""
    share = rng.random()
    if share < 0.6:
        cookie = {"Cookie": who["buyer"]}
        if rng.random() < 0.6:
            return "search", "GET", who["searches"].next(rng), cookie, None
        return "profile", "GET", f"/suppliers/{rng.choice(who['profile_ids'])}/", cookie, None
    if share < 0.9:
        body = json.dumps({"description": f"Gia công cơ khí chính xác, lần sửa {counter}"}).encode()
        return "edit", "PATCH", "/api/v1/suppliers/me/", rng.choice(who["editors"]), body
    path = "/programmes/dashboard/" if rng.random() < 0.5 else "/programmes/"
    return "staff", "GET", path, {"Cookie": who["staff"]}, None


def user_loop(port: int, who: dict, seed: int, stop: float, results: Results) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    counter = 0
    while time.monotonic() < stop:
        counter += 1
        kind, method, path, headers, body = next_request(rng, who, counter)
        started = time.perf_counter()
        error = None
        try:
            connection.request(method, path, body=body, headers={**headers, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                error = f"{response.status} {method} {path}"
        except (OSError, http.client.HTTPException) as failure:
            error = f"{failure!r} {method} {path}"
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        results.add(kind, time.perf_counter() - started, error)


# --- The topology ------------------------------------------------------------------------------


def start_topology(port: int, workdir: Path) -> dict[str, subprocess.Popen]:
    """gunicorn, a Celery worker and beat, as ``make stack`` (and docker-compose.yml) run them; each
    leads its own process group (its id is the leader's pid), which ``cpu_seconds`` adds up."""
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    commands = {
        "gunicorn": [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "3"],
        "worker": [*celery, "worker", "--loglevel", "WARNING", "--concurrency", "2"],
        "beat": [
            *celery,
            "beat",
            "--loglevel",
            "WARNING",
            "--schedule",
            str(workdir / "celerybeat-schedule"),
        ],
    }
    return {
        name: subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / f"{name}.log", "a"),  # noqa: SIM115
            start_new_session=True,
        )
        for name, command in commands.items()
    }


def wait_for(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def backlog() -> int:
    from matching.models import RecomputeMark

    return RecomputeMark.objects.count()


class BacklogWatch(threading.Thread):
    """Samples the recompute backlog twice a second while a level runs: the most marks waiting,
    and the longest any firm's change had waited for its scores (its mark's ``first_marked_at``).
    A backlog that drains under load keeps the second small; one that falls behind makes it grow."""

    def __init__(self, stop: float):
        super().__init__()
        self.stop, self.most, self.longest = stop, 0, 0.0

    def run(self) -> None:
        from django.db import connection
        from django.db.models import Count, Min
        from django.utils import timezone

        from matching.models import RecomputeMark

        try:
            while time.monotonic() < self.stop:
                state = RecomputeMark.objects.aggregate(marks=Count("pk"), oldest=Min("first_marked_at"))
                self.most = max(self.most, state["marks"])
                if state["oldest"]:
                    self.longest = max(self.longest, (timezone.now() - state["oldest"]).total_seconds())
                time.sleep(0.5)
        finally:
            connection.close()


# --- Running ------------------------------------------------------------------------------------


def cpu_seconds(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each started process group (name → its id), by PostgreSQL's
    processes and by this one (the clients). Read from /proc; a process that ended counts in its
    parent's total once the parent has reaped it."""
    names = {group: name for name, group in groups.items()}
    used = defaultdict(float)
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = path.read_text()
        except OSError:  # the process ended meanwhile
            continue
        command, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        name = names.get(int(fields[2]))
        if name is None:
            name = (
                "postgres"
                if command == "postgres"
                else "clients"
                if int(path.parent.name) == os.getpid()
                else None
            )
        if name:
            # utime, stime, and those of its children that ended (a backend, a gunicorn worker)
            used[name] += sum(int(ticks) for ticks in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return used


def level(port: int, who: dict, users: int, seconds: float, groups: dict[str, int]) -> bool:
    results = Results()
    before, cpu_before = backlog(), cpu_seconds(groups)
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=user_loop, args=(port, who, n, stop, results)) for n in range(users)]
    threads.append(watch_backlog := BacklogWatch(stop))
    with timed() as watch:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    everything = results.all()
    p95 = percentile(everything, 0.95) * 1000
    print(
        f"  {users:>2} users, {watch.seconds:.0f} s: {len(everything):,} requests, "
        f"{len(everything) / watch.seconds:.0f} req/s, p50 {statistics.median(everything) * 1000:.0f} ms, "
        f"p95 {p95:.0f} ms, p99 {percentile(everything, 0.99) * 1000:.0f} ms, errors {len(results.errors)}; "
        f"recompute backlog {before} → {backlog()}"
    )
    print(
        f"      backlog during the level: at most {watch_backlog.most} marks; the longest a change "
        f"waited for its scores: {watch_backlog.longest:.1f} s"
    )
    for kind, values in sorted(results.latencies.items()):
        print(
            f"      {kind:<8} {len(values):>6,}  p50 {statistics.median(values) * 1000:>5.0f} ms  "
            f"p95 {percentile(values, 0.95) * 1000:>5.0f} ms"
        )
    cpu = cpu_seconds(groups)
    spent = ", ".join(f"{name} {cpu[name] - cpu_before.get(name, 0):.1f} s" for name in sorted(cpu))
    print(f"      CPU used: {spent} (of {watch.seconds * os.cpu_count():.0f} s on {os.cpu_count()} CPUs)")
    for error in results.errors[:5]:
        print(f"      error: {error}")
    return not results.errors and p95 <= TARGET_P95_MS


def run(args) -> int:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench import generate
    from matching import services
    from matching.models import PartRequest

    if connection.vendor != "postgresql":
        print("bench.load measures the production topology: run it with --services or DATABASE_URL")
        return 2
    workdir = Path(os.environ["STATIC_ROOT"]).parent
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    seconds = generate.generate(suppliers=args.suppliers, requests=200, seed=args.seed, log=lambda *_: None)
    with timed() as first:
        services.recompute_requests(list(PartRequest.objects.filter(status="open")))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    who = people()
    print(
        f"bench.load: {args.suppliers:,} suppliers and 200 open requests generated in {seconds:.0f} s, "
        f"scored in {first.seconds:.0f} s; gunicorn ×3, Celery worker ×2, beat"
    )
    port = free_port()
    processes = start_topology(port, workdir)
    verdicts = {}
    try:
        wait_for(port)
        groups = {name: process.pid for name, process in processes.items()}
        for users in args.users:
            verdicts[users] = level(port, who, users, args.seconds, groups)
        with timed() as drain:
            while backlog() and drain.stop() < args.drain_limit:
                time.sleep(0.5)
        left = backlog()
        print(
            f"  backlog drained in {drain.seconds:.1f} s after the load"
            if not left
            else f"  backlog {left} left"
        )
    finally:
        for process in processes.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            process.wait(30)
    if 8 in verdicts:
        verdict = "PASS" if verdicts[8] else "FAIL"
        print(f"  target at 8 users (p95 ≤ {TARGET_P95_MS:.0f} ms, 0 errors): {verdict}")
    print(f"note: load average (1 min) at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


def parse(argv: list[str]):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--users", type=lambda text: [int(n) for n in text.split(",")], default=[4, 8, 16], help="e.g. 4,8,16"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each level")
    parser.add_argument("--drain-limit", type=float, default=300.0, help="seconds to wait for the backlog")
    parser.add_argument("--services", action="store_true", help="throw-away PostgreSQL + Redis")
    parser.add_argument("--time-limit", type=float, default=1800.0, help="seconds for the whole run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.services and not os.environ.get(INNER):
        return rerun_with_services("bench.load", argv, args.time_limit)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
