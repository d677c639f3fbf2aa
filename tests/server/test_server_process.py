"""The real thing: `fieldvisit-server run` (uvicorn) on 127.0.0.1 and the `fieldvisit`
command line logging in and syncing two data dirs through it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PASSWORD = "mot-de-passe-solide"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "FIELDVISIT_CREDENTIALS": "file", "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


def server_cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "fieldvisit-server"), *args, "--db", db],
        capture_output=True,
        text=True,
        env=_env(FIELDVISIT_SERVER_PASSWORD=PASSWORD),
        timeout=120,
    )


def app_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "fieldvisit"), "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=_env(FIELDVISIT_PASSWORD=PASSWORD),
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


class RunningServer:
    def __init__(
        self, db: str, files: Path, extra: tuple[str, ...] = (), stderr: Path | None = None
    ) -> None:
        self.db = db
        self.files = files
        self.extra = extra
        self.stderr = stderr
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "fieldvisit-server"),
                "run",
                "--db",
                self.db,
                "--files",
                str(self.files),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *self.extra,
            ],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=self.stderr.open("ab") if self.stderr else subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def running(db_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    for name, role, where in (("admin", "admin", ""), ("agent", "agent", "15")):
        done = server_cli(db_url, "users", "add", name, "--role", role, "--territories", where)
        assert done.returncode == 0, done.stderr
    server = RunningServer(db_url, tmp_path / "files")
    server.start()
    yield server
    server.stop()


def test_two_laptops_sync_through_a_real_server(running: RunningServer, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert app_cli(a, "demo").returncode == 0
    for laptop in (a, b):
        done = app_cli(laptop, "login", "--server", running.url, "--user", "admin")
        assert done.returncode == 0, done.stderr
        assert "Connecté en tant que admin" in done.stderr
    first = app_cli(a, "sync")
    assert first.returncode == 0, first.stderr
    assert "Synchronisation terminée" in first.stderr and "fichier(s) joint(s)" in first.stderr
    assert app_cli(b, "sync").returncode == 0
    lists = [json.loads(app_cli(x, "visits", "list", "--json").stdout) for x in (a, b)]
    assert lists[0] == lists[1] and len(lists[0]) == 5
    health = httpx.get(f"{running.url}/openapi.json").json()
    assert "/api/v1/push" in health["paths"]


def test_server_down_revoked_device_and_wrong_password(
    running: RunningServer, tmp_path: Path, db_url: str
) -> None:
    laptop = tmp_path / "laptop"
    assert app_cli(laptop, "sync").returncode == 2  # never logged in: bad usage
    bad = subprocess.run(
        [str(BIN / "fieldvisit"), "--data-dir", str(laptop), "login", "--server", running.url,
         "--user", "agent"],
        capture_output=True, text=True, env=_env(FIELDVISIT_PASSWORD="mauvais-mot-de-passe"),
        timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert bad.returncode == 1 and "mot de passe incorrect" in bad.stderr
    assert app_cli(laptop, "login", "--server", running.url, "--user", "agent").returncode == 0
    assert app_cli(laptop, "sync").returncode == 0

    running.stop()
    down = app_cli(laptop, "sync")
    assert down.returncode == 1 and "Serveur injoignable" in down.stderr
    running.start()  # restarted on the same database
    assert app_cli(laptop, "sync").returncode == 0

    devices = server_cli(db_url, "devices", "list")
    assert devices.returncode == 0 and "agent" in devices.stdout
    device_id = devices.stdout.split()[0]
    assert server_cli(db_url, "devices", "revoke", device_id).returncode == 0
    revoked = app_cli(laptop, "sync")
    assert revoked.returncode == 1 and "révoqué" in revoked.stderr


def test_server_admin_commands(db_url: str, tmp_path: Path) -> None:
    assert server_cli(db_url, "users", "add", "x", "--role", "chef").returncode == 2
    assert server_cli(db_url, "users", "add", "x", "--role", "agent").returncode == 2
    bad_dep = server_cli(db_url, "users", "add", "x", "--role", "agent", "--territories", "999")
    assert bad_dep.returncode == 2 and "invalide" in bad_dep.stderr
    ok = server_cli(db_url, "users", "add", "x", "--role", "agent", "--territories", "15,2a")
    assert ok.returncode == 0
    assert (
        server_cli(db_url, "users", "add", "x", "--role", "agent", "--territories", "15").returncode
        == 2
    )
    listed = server_cli(db_url, "users", "list")
    assert "x\tagent\t15 2A" in listed.stdout
    assert server_cli(db_url, "users", "passwd", "x").returncode == 0
    assert server_cli(db_url, "users", "passwd", "inconnu").returncode == 2
    assert server_cli(db_url, "devices", "revoke", "999").returncode == 2
    form = tmp_path / "essai.v1.toml"
    form.write_text('id = "essai"\nversion = 1\ntitle = "Essai"\n', encoding="utf-8")
    assert server_cli(db_url, "forms", "publish", str(form), "--as", "x").returncode == 2
    server_cli(db_url, "users", "add", "root", "--role", "admin")
    assert server_cli(db_url, "forms", "publish", str(form), "--as", "root").returncode == 0
    bad_name = server_cli(db_url, "users", "add", "ro\x1bot", "--role", "admin")
    assert bad_name.returncode == 2 and "caractères de contrôle" in bad_name.stderr
    half_tls = server_cli(db_url, "run", "--ssl-certfile", str(form))
    assert half_tls.returncode == 2 and "ensemble" in half_tls.stderr
    not_a_dir = server_cli(db_url, "run", "--log-dir", str(form / "logs"))
    assert not_a_dir.returncode == 2 and "journaux" in not_a_dir.stderr


def test_https_with_certificate_checking_and_a_custom_ca(tmp_path: Path) -> None:
    """A server with a certificate from an internal CA: refused without the CA file,
    accepted with it (`fieldvisit login --ca-file`)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    key_file, cert_file, ca_file = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "ca.pem"
    cert.private_key_pem.write_to_path(str(key_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    ca.cert_pem.write_to_path(str(ca_file))
    db = f"sqlite+pysqlite:///{tmp_path / 'tls.sqlite3'}"
    assert (
        server_cli(db, "users", "add", "agent", "--role", "agent", "--territories", "15").returncode
        == 0
    )
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "fieldvisit-server"), "run", "--db", db, "--files", str(tmp_path / "f"),
         "--host", "127.0.0.1", "--port", str(port),
         "--ssl-certfile", str(cert_file), "--ssl-keyfile", str(key_file)],
        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/health", verify=str(ca_file), timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        laptop = tmp_path / "laptop"
        refused = app_cli(laptop, "login", "--server", url, "--user", "agent")
        assert refused.returncode == 1 and "Certificat du serveur" in refused.stderr
        accepted = app_cli(
            laptop, "login", "--server", url, "--user", "agent", "--ca-file", str(ca_file)
        )
        assert accepted.returncode == 0, accepted.stderr
        synced = app_cli(laptop, "sync")
        assert synced.returncode == 0, synced.stderr
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_real_server_writes_json_logs_without_secrets(db_url: str, tmp_path: Path) -> None:
    """`run --log-dir`: access, audit and error logs as JSON lines; after a login, a
    push, a pull, an upload, a download and a failed login, neither they nor the
    console hold the token, the passwords or the record's text."""
    import hashlib

    from fieldvisit.server.testing import attachment_fields, change, push_body, visit_fields

    assert (
        server_cli(
            db_url, "users", "add", "agent", "--role", "agent", "--territories", "15"
        ).returncode
        == 0
    )
    logs, console = tmp_path / "logs", tmp_path / "console.txt"
    server = RunningServer(
        db_url, tmp_path / "files", extra=("--log-dir", str(logs)), stderr=console
    )
    secret, wrong = "Point de deal signalé derrière la salle des fêtes", "Mauvais-Mot-De-Passe-42"
    photo = b"\xff\xd8 une photo de la place \xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            answer = http.post(
                "/api/v1/login",
                json={"username": "agent", "password": PASSWORD, "device_id": "portable-1"},
            )
            token = answer.json()["token"]
            assert "server" not in answer.headers  # no "uvicorn" banner
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
            h = {"Authorization": f"Bearer {token}"}
            put = http.put(
                f"/api/v1/attachments/{sha}", params={"offset": 0, "size": len(photo)},
                headers=h, content=photo,
            )  # fmt: skip
            assert put.json()["complete"]
            body = push_body(
                "portable-1",
                change("visits", "v1", visit_fields(summary=secret)),
                change("attachments", "p1", attachment_fields("v1", sha, len(photo))),
            )
            results = http.post("/api/v1/push", headers=h, json=body).json()["results"]
            assert [r["status"] for r in results] == ["accepted", "accepted"]
            assert secret in http.get("/api/v1/changes", headers=h).text
            assert http.get(f"/api/v1/attachments/{sha}/content", headers=h).content == photo
            refused = http.post(
                "/api/v1/login",
                json={"username": "agent", "password": wrong, "device_id": "portable-2"},
            )
            assert refused.status_code == 401
            assert "Strict-Transport-Security" not in refused.headers  # plain HTTP
            # Behind a reverse proxy on this machine (README): its client address and
            # scheme are believed, so the log names the laptop and HSTS is sent.
            proxied = http.get(
                "/health",
                headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
            )
            assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        server.stop()

    written = {name: (logs / name).read_text(encoding="utf-8") for name in
               ("access.jsonl", "audit.jsonl", "errors.jsonl")}  # fmt: skip
    access = [json.loads(line) for line in written["access.jsonl"].splitlines()]
    audit = [json.loads(line) for line in written["audit.jsonl"].splitlines()]
    # Files are named by a keyed reference, never by their hash (a hash is what a
    # reader of the logs would need to ask for a file); admins can compute it.
    ref_answer = server_cli(db_url, "files", "ref", sha)
    assert ref_answer.returncode == 0, ref_answer.stderr
    ref = ref_answer.stdout.split()[1]
    assert ref.startswith("f-") and sha not in ref
    assert [a["path"] for a in access if a["path"].startswith("/api")] == [
        "/api/v1/login", f"/api/v1/attachments/{ref}", "/api/v1/push", "/api/v1/changes",
        f"/api/v1/attachments/{ref}/content", "/api/v1/login",
    ]  # fmt: skip
    assert [a.get("file") for a in audit if "file" in a] == [ref, ref]  # upload, download
    assert [a["status"] for a in access if a["path"] == "/api/v1/login"] == [200, 401]
    assert [a["client"] for a in access if a["path"] == "/health"][-1] == "203.0.113.7"
    assert all(a["client"] == "127.0.0.1" for a in access if a["path"].startswith("/api"))
    assert [a["event"] for a in audit] == [
        "login", "upload", "push", "pull", "download", "login_refused",
    ]  # fmt: skip
    assert all(a.get("user") == "agent" for a in audit)
    assert audit[2]["records"] == {"accepted": {"visits": ["v1"], "attachments": ["p1"]}}
    assert written["errors.jsonl"] == ""
    everything = "\n".join(written.values()) + console.read_text(encoding="utf-8")
    assert "Uvicorn running" in everything  # the console still says where it listens
    for leak in (token, PASSWORD, wrong, secret, "une photo", sha):
        assert leak not in everything, f"{leak!r} logged"
