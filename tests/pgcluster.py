"""A throwaway PostgreSQL cluster for the tests and the collector benchmark.

Rules: everything lives in one temporary directory (data, unix socket, log) and listens on a free
loopback port with trust authentication; ``stop`` removes it all. initdb refuses to run as root,
so as root the cluster runs as the unprivileged ``postgres`` user from Debian's package (which
``./dev test`` installs). ``find_bindir`` returns None when PostgreSQL is not installed: callers
skip and say so.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb + pg_ctl in a temporary directory; ``url`` is the superuser's connection URL."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable  # fsync on, as in production (the benchmark); off for the tests
        root = os.geteuid() == 0
        # /tmp, whatever TMPDIR says: the postgres user must reach it, and a unix socket path is short.
        self.dir = Path(tempfile.mkdtemp(prefix="veil-pg-", dir="/tmp" if root else None))
        self.port = _free_port()
        self.user = "postgres"
        self._as: list[str] = []
        if root:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:  # PostgreSQL installed without Debian's package: make its user
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
                               check=True, capture_output=True, timeout=60)
                owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120, cwd=self.dir)

    def start(self) -> Cluster:
        data = self.dir / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", self.user, "-E", "UTF8",
                  "--locale=C", *([] if self.durable else ["--no-sync"]))
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
