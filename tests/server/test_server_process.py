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
    assert lists[0] == lists[1] and len(lists[0]) == 6  # the demo's six visits
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
    """`run --log-dir`: access, audit and error logs as JSON lines. A first round (a
    login, an upload, a push, a pull, a download, a failed login) is checked line by
    line. Then two accounts of two territories upload (in chunks, damaged, onto the
    other's file), download, push notes with a password typed in them, are refused in
    every way, log in and out, and one's password is changed while the server runs;
    a malformed request comes in too. Every file the server wrote under its log
    folder, and its console, is then searched for the hash of every file uploaded,
    every token (and its stored hash), every password and every marked text or file."""
    import hashlib

    from fieldvisit.server.testing import (
        attachment_fields,
        change,
        note_fields,
        push_body,
        visit_fields,
    )

    for name, where in (("agent", "15"), ("agent43", "43")):
        added = server_cli(db_url, "users", "add", name, "--role", "agent", "--territories", where)
        assert added.returncode == 0, added.stderr
    logs, console = tmp_path / "logs", tmp_path / "console.txt"
    server = RunningServer(
        db_url, tmp_path / "files", extra=("--log-dir", str(logs)), stderr=console
    )
    secret, wrong = "Point de deal signalé derrière la salle des fêtes", "Mauvais-Mot-De-Passe-42"
    photo = b"\xff\xd8 une photo de la place \xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    # Phase two's markers: texts of 43, a code typed in a note, their photo, passwords.
    texts = ("Rodéos signalés QX-LOG-8d1e57", "Légende QX-LOG-c3a9f0", "QX-LOG-77b2e4")
    portail = "Code-Portail-Mairie-5581"
    photo43 = b"\xff\xd8 QX-LOG-photo-e08f1d halle aux grains " * 40 + b"\xff\xd9"
    sha43 = hashlib.sha256(photo43).hexdigest()
    damaged = b"\xff\xd8 QX-LOG-abimee-41c6 fontaine \xff\xd9" * 20
    damaged_sha = hashlib.sha256(damaged).hexdigest()
    new_password, typo = "Nouveau-Mot-De-Passe-2027", "Mot-De-Passe-Tape-Dans-Le-Nom"
    tokens: list[str] = []
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:

            def login(user: str, password: str, device: str) -> dict[str, str]:
                body = {"username": user, "password": password, "device_id": device}
                answer = http.post("/api/v1/login", json=body)
                assert answer.status_code == 200, answer.text
                tokens.append(answer.json()["token"])
                return {"Authorization": f"Bearer {tokens[-1]}"}

            answer = http.post(
                "/api/v1/login",
                json={"username": "agent", "password": PASSWORD, "device_id": "portable-1"},
            )
            token = answer.json()["token"]
            tokens.append(token)
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

            # Phase two. The Haute-Loire's agent: a photo in two chunks, a visit, a
            # note with the code of a gate, the photo's record; his own download.
            h43 = login("agent43", PASSWORD, "portable-43")
            half = len(photo43) // 2
            for offset, part in ((0, photo43[:half]), (half, photo43[half:])):
                put = http.put(
                    f"/api/v1/attachments/{sha43}", params={"offset": offset, "size": len(photo43)},
                    headers=h43, content=part,
                )  # fmt: skip
                assert put.status_code == 200, put.text
            assert put.json()["complete"]
            note = {**note_fields("v43"), "text": f"{texts[2]} code du portail : {portail}"}
            caption = {**attachment_fields("v43", sha43, len(photo43)), "caption": texts[1]}
            body = push_body(
                "portable-43",
                change("visits", "v43", visit_fields("43", "43157", summary=texts[0])),
                change("quick_notes", "n43", note),
                change("attachments", "p43", caption),
            )
            results = http.post("/api/v1/push", headers=h43, json=body).json()["results"]
            assert {r["status"] for r in results} == {"accepted"}, results
            assert http.get(f"/api/v1/attachments/{sha43}/content", headers=h43).content == photo43
            # The Cantal's agent, with the 43 photo's hash and ids: refused each time.
            assert http.get(f"/api/v1/attachments/{sha43}/content", headers=h).status_code == 404
            assert http.get(f"/api/v1/attachments/{sha43}", headers=h).json()["received"] == 0
            jam = http.put(
                f"/api/v1/attachments/{sha43}", params={"offset": 5, "size": 1}, headers=h,
                content=b"x",
            )  # fmt: skip
            assert jam.status_code == 409
            forged = push_body(
                "portable-1",
                change("attachments", "p2", attachment_fields("v1", sha43, len(photo43))),
                change("visits", "v-ys", visit_fields("15", "43268", summary=texts[0])),
                change("quick_notes", "n43", {**note, "visit_id": "v1"}, base=1),
            )
            results = http.post("/api/v1/push", headers=h, json=forged).json()["results"]
            assert [r["code"] for r in results] == [
                "file_not_received", "commune_mismatch", "out_of_territory",
            ]  # fmt: skip
            history = http.get("/api/v1/records/quick_notes/n43/history", headers=h)
            assert history.status_code == 404
            lost = http.post(
                "/api/v1/lost-versions", headers=h,
                json={"epoch": http.get("/api/v1/changes", headers=h).json()["epoch"],
                      "records": [{"table": "quick_notes", "id": "n43", "version": 9}]},
            )  # fmt: skip
            assert lost.json()["records"][0]["fields"] is None
            # Damaged bytes, a hash in capitals, a token in the query string, a body
            # the server cannot read: all refused.
            bad = http.put(
                f"/api/v1/attachments/{damaged_sha}", params={"offset": 0, "size": len(damaged)},
                headers=h, content=damaged[:-1] + b"!",
            )  # fmt: skip
            assert bad.status_code == 422 and bad.json()["code"] == "hash_mismatch"
            assert http.get(f"/api/v1/attachments/{sha43.upper()}", headers=h).status_code == 422
            leaked = http.get("/api/v1/me", params={"access_token": token}, headers=h)
            assert leaked.status_code == 422
            misplaced = http.get("/api/v1/changes", params={"after": token}, headers=h)
            assert misplaced.status_code == 422
            unreadable = http.post(
                "/api/v1/push", headers=h,
                content=json.dumps({"batch_id": texts[2], "note": portail}).encode(),
            )  # fmt: skip
            assert unreadable.status_code == 422
            # Logins gone wrong: a wrong password, a password typed as the user name.
            for user, password in (("agent43", wrong), (typo, typo)):
                body = {"username": user, "password": password, "device_id": "portable-43"}
                assert http.post("/api/v1/login", json=body).status_code == 401
            # A password changed while the server runs: the old token is refused, the
            # new password logs in; then a logout.
            changed = subprocess.run(
                [str(BIN / "fieldvisit-server"), "users", "passwd", "agent43", "--db", db_url],
                capture_output=True, text=True, timeout=120,
                env=_env(FIELDVISIT_SERVER_PASSWORD=new_password),
            )  # fmt: skip
            assert changed.returncode == 0, changed.stderr
            assert http.get("/api/v1/me", headers=h43).status_code == 401
            h43 = login("agent43", new_password, "portable-43")
            assert texts[0] in http.get("/api/v1/changes", headers=h43).text
            assert http.post("/api/v1/logout", headers=h43).status_code == 204
        # Not HTTP at all, with a token and a marker in it.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(b"\x00\x01 " + texts[2].encode() + b"\r\nAuthorization: " + token.encode())
            raw.sendall(b"\r\n\r\n")
            assert b"400" in raw.recv(4096)
    finally:
        server.stop()

    files = sorted(path for path in logs.rglob("*") if path.is_file())
    assert [path.name for path in files] == ["access.jsonl", "audit.jsonl", "errors.jsonl"]
    written = {path.name: path.read_text(encoding="utf-8") for path in files}
    access = [json.loads(line) for line in written["access.jsonl"].splitlines()]
    audit = [json.loads(line) for line in written["audit.jsonl"].splitlines()]
    errors = [json.loads(line) for line in written["errors.jsonl"].splitlines()]
    # Files are named by a keyed reference, never by their hash (a hash is what a
    # reader of the logs would need to ask for a file); admins can compute it.
    ref_answer = server_cli(db_url, "files", "ref", sha)
    assert ref_answer.returncode == 0, ref_answer.stderr
    ref = ref_answer.stdout.split()[1]
    assert ref.startswith("f-") and sha not in ref
    first = [a for a in access if a["path"].startswith("/api")][:6]
    assert [a["path"] for a in first] == [
        "/api/v1/login", f"/api/v1/attachments/{ref}", "/api/v1/push", "/api/v1/changes",
        f"/api/v1/attachments/{ref}/content", "/api/v1/login",
    ]  # fmt: skip
    assert [a["status"] for a in first if a["path"] == "/api/v1/login"] == [200, 401]
    assert [a["client"] for a in access if a["path"] == "/health"][-1] == "203.0.113.7"
    assert all(a["client"] == "127.0.0.1" for a in access if a["path"].startswith("/api"))
    assert [a["event"] for a in audit[:6]] == [
        "login", "upload", "push", "pull", "download", "login_refused",
    ]  # fmt: skip
    assert [a.get("file") for a in audit[:6] if "file" in a] == [ref, ref]  # upload, download
    assert all(a.get("user") == "agent" for a in audit[:6])
    assert audit[2]["records"] == {"accepted": {"visits": ["v1"], "attachments": ["p1"]}}
    # Phase two was logged: the refusals, the old token after the password change.
    events = {a["event"] for a in audit[6:]}
    assert {"upload_refused", "download_refused", "history_refused", "login_refused"} <= events
    assert {"token_refused", "logout", "lost_versions"} <= events
    assert [a["reason"] for a in audit if a["event"] == "token_refused"] == ["token_revoked"]
    assert any(a["path"].endswith("/content") and a["status"] == 404 for a in access)
    # errors.jsonl: uvicorn's word on the malformed request, nothing else.
    assert [e["event"] for e in errors] == ["Invalid HTTP request received."]
    everything = "\n".join(written.values()) + console.read_text(encoding="utf-8")
    assert "Uvicorn running" in everything  # the console still says where it listens
    hashes = [sha, sha43, damaged_sha]
    leaks = [
        *hashes, *(h.upper() for h in hashes),
        *(t[:12] for t in tokens), *(hashlib.sha256(t.encode()).hexdigest() for t in tokens),
        PASSWORD, wrong, new_password, typo, portail,
        secret, "une photo", *texts, "QX-LOG",
    ]  # fmt: skip
    for leak in leaks:
        assert leak not in everything, f"{leak!r} logged"
