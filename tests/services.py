"""Real PostgreSQL and Redis on loopback, without Docker, for the tests and for ``make stack``.

    python -m tests.services test -- COMMAND...   throw-away cluster + redis, run COMMAND, stop both
    python -m tests.services stack [--port N]     persistent cluster in .stack/, redis, gunicorn,
                                                  a Celery worker and beat, until Ctrl+C

Both are stopped in a ``finally`` block, so a failing or interrupted run leaves nothing behind.
PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` user.
"""

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = "apt-get install -y postgresql postgresql-contrib redis-server"


def find_binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if not found:
        sys.exit(f"services: '{name}' not found. Install the servers first: {INSTALL_HINT}")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class Postgres:
    """A PostgreSQL cluster in ``data_dir``, listening on 127.0.0.1:``port`` only."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir, self.port = data_dir, port
        self.as_user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.as_user, "--"] if self.as_user else []
        return subprocess.run([*prefix, *args], check=True, **kwargs)

    def start(self) -> None:
        if self.as_user:
            try:
                owner = pwd.getpwnam(self.as_user)
            except KeyError:
                sys.exit(f"services: running as root needs a 'postgres' user: {INSTALL_HINT}")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
            os.chmod(self.data_dir, 0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                find_binary("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                stdout=subprocess.DEVNULL,
            )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            find_binary("pg_ctl"),
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.data_dir / "server.log"),
            "-w",
            "start",
            stdout=subprocess.DEVNULL,
        )

    def create_database(self, name: str) -> None:
        exists = subprocess.run(
            [find_binary("psql"), *self._conn(), "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not exists:
            subprocess.run([find_binary("createdb"), *self._conn(), name], check=True)

    def _conn(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._run(
                find_binary("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "stop",
                stdout=subprocess.DEVNULL,
            )


class Redis:
    """A redis-server on 127.0.0.1:``port`` with no persistence (a throw-away broker and cache)."""

    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.process = port, workdir, None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                find_binary("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
            if self.process.poll() is None:
                self.process.kill()


@contextlib.contextmanager
def running_services(workdir: Path, pg_port: int | None = None):
    """Start PostgreSQL and Redis, yield the environment that points the portal at them."""
    postgres = Postgres(workdir / "pgdata", pg_port or free_port())
    redis = Redis(free_port(), workdir / "redis")
    try:
        postgres.start()
        postgres.create_database("cnht")
        redis.start()
        yield {
            "DATABASE_URL": postgres.url("cnht"),
            "REDIS_URL": redis.url(0),
            "CELERY_BROKER_URL": redis.url(1),
            "CNHT_SERVICES_DIR": str(workdir),
            "CNHT_REDIS_PORT": str(redis.port),
        }
    finally:
        redis.stop()
        postgres.stop()


def run_tests(command: list[str]) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="cnht-services-"))
    os.chmod(workdir, 0o755)  # the postgres user must reach its data directory inside
    try:
        with running_services(workdir) as service_env:
            env = {**os.environ, **service_env, "SECRET_KEY": "test-only-secret-key", "DEBUG": "1"}
            print(
                f"services: PostgreSQL {service_env['DATABASE_URL']}, Redis {service_env['REDIS_URL']}",
                flush=True,
            )
            return subprocess.run(command, env=env, cwd=ROOT).returncode
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_stack(port: int) -> int:
    """The docker-compose topology as local processes: for trying the real thing on this machine."""
    workdir = ROOT / ".stack"
    workdir.mkdir(exist_ok=True)
    os.chmod(workdir, 0o755)
    py = str(ROOT / ".venv" / "bin" / "python")
    with running_services(workdir, pg_port=55432) as service_env:
        env = {
            **os.environ,
            **service_env,
            "DEBUG": "0",
            "SECRET_KEY": "stack-on-loopback-only",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
        }
        for step in (
            ["migrate", "--noinput"],
            ["load_reference_data"],
            ["load_demo_data"],
            ["collectstatic", "--noinput", "--verbosity", "0"],
        ):
            subprocess.run([py, "manage.py", *step], env=env, cwd=ROOT, check=True)
        bin_dir = ROOT / ".venv" / "bin"
        processes = [
            subprocess.Popen(
                [
                    str(bin_dir / "gunicorn"),
                    "portal.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "3",
                    "--access-logfile",
                    "-",
                ],
                env=env,
                cwd=ROOT,
            ),
            subprocess.Popen(
                [
                    str(bin_dir / "celery"),
                    "-A",
                    "portal",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                ],
                env=env,
                cwd=ROOT,
            ),
            subprocess.Popen(
                [
                    str(bin_dir / "celery"),
                    "-A",
                    "portal",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(workdir / "celerybeat-schedule"),
                ],
                env=env,
                cwd=ROOT,
            ),
        ]
        print(
            f"stack: http://127.0.0.1:{port}/ (gunicorn, worker, beat; Ctrl+C stops everything)", flush=True
        )
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(20)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.services")
    sub = parser.add_subparsers(dest="mode", required=True)
    test = sub.add_parser("test", help="run a command against throw-away services")
    test.add_argument("command", nargs=argparse.REMAINDER)
    stack = sub.add_parser("stack", help="the production topology on loopback")
    stack.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.mode == "test":
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        return run_tests(command)
    return run_stack(args.port)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
