"""HTTP client of the sync server (httpx), with clear French errors.

HTTPS with certificate checking always; a custom CA file can be given (a server with
an internal certificate authority). Plain http:// is accepted only for the loopback
address (a server on the same machine, tests).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.sync.http import httpx
from fieldvisit.sync.wire import (
    API_PREFIX,
    FormList,
    HealthStatus,
    LoginRequest,
    LoginResponse,
    LostVersions,
    LostVersionsQuery,
    PullPage,
    PushBatch,
    PushResult,
    ReferenceIndex,
    UploadStatus,
    UserInfo,
)

M = TypeVar("M", bound=BaseModel)
LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SyncError(FieldvisitError):
    """A sync operation failed; the message says why and what to do."""


class ServerUnreachable(SyncError):
    pass


class CertificateRejected(ServerUnreachable):
    """The server's TLS certificate is not trusted here (unknown authority, wrong name,
    expired): a custom CA file may be needed."""


class ConnectionLost(ServerUnreachable):
    """The request may have reached the server but its answer did not come back."""


class NotAuthenticated(SyncError):
    """No token, or the server refused it (expired, revoked, unknown)."""


class AccessDenied(SyncError):
    pass


class ServerFull(SyncError):
    """The server's disk is full (507): it kept nothing of the request; the data stays on
    this computer and goes at a later sync. Not "offline": the server answered."""


class RequestRefused(SyncError):
    """The server refused the request (4xx other than auth)."""

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def check_server_url(url: str) -> str:
    """The server's base URL without a trailing slash; refuses what is not HTTPS."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise BadInput(f"Adresse de serveur invalide : « {url} » (exemple : https://serveur.fr).")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise BadInput(
            f"Adresse non chiffrée refusée : « {url} ». Utilisez https:// (les mots de passe "
            "et les données ne circulent jamais en clair)."
        )
    return url.strip().rstrip("/")


def _verify(ca_file: Path | None) -> ssl.SSLContext | bool:
    if ca_file is None:
        return True
    if not ca_file.is_file():
        raise BadInput(f"Fichier d'autorité de certification introuvable : {ca_file}.")
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (ssl.SSLError, OSError) as err:
        raise BadInput(
            f"Fichier d'autorité de certification illisible : {ca_file} ({err})."
        ) from err


class SyncClient:
    """One server, one token. `http` may be injected (an in-process test client)."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        *,
        ca_file: Path | None = None,
        http: httpx.Client | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.server_url = (
            server_url.rstrip("/") if http is not None else check_server_url(server_url)
        )
        self.token = token
        self._owned = http is None
        if http is None:
            # A plain-http URL is a server on this machine (check_server_url): no TLS
            # is ever opened, so no certificate store is loaded (about 0.1 s a round).
            plain = urlsplit(self.server_url).scheme == "http"
            http = httpx.Client(verify=False if plain else _verify(ca_file), timeout=timeout)
        self.http = http

    def close(self) -> None:
        if self._owned:
            self.http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- requests --------------------------------------------------------------------

    def _headers(self, auth: bool) -> dict[str, str]:
        if not auth:
            return {}
        if not self.token:
            raise NotAuthenticated(
                "Pas de session sur ce serveur : connectez-vous avec « fieldvisit login »."
            )
        return {"Authorization": f"Bearer {self.token}"}

    @contextmanager
    def _transport_errors(self) -> Iterator[None]:
        where = self.server_url
        try:
            yield
        except httpx.ConnectError as err:
            if isinstance(err.__cause__, ssl.SSLError) or "CERTIFICATE" in str(err).upper():
                raise CertificateRejected(
                    f"Certificat du serveur {where} non reconnu ({err}). Vérifiez l'adresse, "
                    "ou indiquez le fichier de l'autorité de certification de votre "
                    "organisation (--ca-file)."
                ) from err
            raise ServerUnreachable(
                f"Serveur injoignable ({where}) : vérifiez la connexion réseau ; les données "
                "restent sur cet ordinateur et partiront à la prochaine synchronisation."
            ) from err
        except httpx.TimeoutException as err:
            raise ConnectionLost(
                f"Le serveur {where} ne répond pas (délai dépassé). Réessayez plus tard ; "
                "rien n'est perdu."
            ) from err
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
            raise ConnectionLost(
                f"Connexion au serveur {where} coupée en cours d'échange. Réessayez ; rien "
                "n'est perdu."
            ) from err
        except httpx.HTTPError as err:
            raise ServerUnreachable(f"Échange avec le serveur {where} impossible : {err}.") from err

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        json: Any = None,
        content: bytes | str | None = None,
        params: dict[str, Any] | None = None,
        json_body: bool = False,
    ) -> httpx.Response:
        headers = self._headers(auth)
        if content is not None:
            headers["Content-Type"] = (
                "application/json" if json_body else "application/octet-stream"
            )
        with self._transport_errors():
            response = self.http.request(
                method,
                self.server_url + path,
                headers=headers,
                json=json,
                content=content,
                params=params,
            )
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def _error(self, response: httpx.Response) -> SyncError:
        status = response.status_code
        try:
            body = response.json()
            detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
            code = str(body.get("code", "")) if isinstance(body, dict) else ""
        except ValueError:
            detail, code = "", ""
        if status == 401:
            return NotAuthenticated(
                detail
                or "Session refusée par le serveur : reconnectez-vous avec « fieldvisit login »."
            )
        if status == 403:
            return AccessDenied(detail or "Accès refusé par le serveur.")
        if status == 413:
            return RequestRefused(
                detail or "Envoi trop volumineux pour le serveur.", status, code or "too_large"
            )
        if status == 429:
            return RequestRefused(
                detail or "Trop de tentatives : patientez quelques minutes.", status, code
            )
        if status == 507:
            return ServerFull(
                f"Le serveur {self.server_url} n'a plus de place pour enregistrer (disque "
                "plein) : rien n'est perdu, vos modifications restent sur cet ordinateur et "
                "partiront à une prochaine synchronisation, une fois de la place libérée. "
                "Prévenez l'administrateur du serveur."
            )
        if status >= 500:
            return ServerUnreachable(
                f"Le serveur {self.server_url} est en difficulté (erreur {status}) : réessayez "
                "plus tard ; rien n'est perdu."
            )
        return RequestRefused(detail or f"Requête refusée (erreur {status}).", status, code)

    def _parse(self, model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as err:
            raise SyncError(
                f"Réponse inattendue du serveur {self.server_url} (version incompatible ?) : "
                f"{err.error_count()} erreur(s)."
            ) from err

    # --- endpoints -------------------------------------------------------------------

    def health(self) -> HealthStatus:
        return self._parse(HealthStatus, self.request("GET", "/health", auth=False))

    def login(
        self, username: str, password: str, device_id: str, device_name: str = ""
    ) -> LoginResponse:
        body = LoginRequest(
            username=username, password=password, device_id=device_id, device_name=device_name
        )
        response = self.request(
            "POST", f"{API_PREFIX}/login", auth=False, json=body.model_dump(mode="json")
        )
        result = self._parse(LoginResponse, response)
        self.token = result.token
        return result

    def logout(self) -> None:
        self.request("POST", f"{API_PREFIX}/logout")

    def me(self) -> UserInfo:
        return self._parse(UserInfo, self.request("GET", f"{API_PREFIX}/me"))

    def pull(self, after: int, limit: int) -> PullPage:
        response = self.request(
            "GET", f"{API_PREFIX}/changes", params={"after": after, "limit": limit}
        )
        return self._parse(PullPage, response)

    def push(self, batch: PushBatch) -> PushResult:
        response = self.request(
            "POST", f"{API_PREFIX}/push", content=batch.model_dump_json(), json_body=True
        )
        return self._parse(PushResult, response)

    def lost_versions(self, query: LostVersionsQuery) -> LostVersions:
        """After a restore of the server: which of these versions it lost."""
        response = self.request(
            "POST", f"{API_PREFIX}/lost-versions", content=query.model_dump_json(), json_body=True
        )
        return self._parse(LostVersions, response)

    def upload_status(self, sha256: str) -> UploadStatus:
        return self._parse(UploadStatus, self.request("GET", f"{API_PREFIX}/attachments/{sha256}"))

    def upload_chunk(self, sha256: str, offset: int, size: int, data: bytes) -> UploadStatus:
        response = self.request(
            "PUT",
            f"{API_PREFIX}/attachments/{sha256}",
            content=data,
            params={"offset": offset, "size": size},
        )
        return self._parse(UploadStatus, response)

    def download(self, sha256: str) -> bytes:
        return self.request("GET", f"{API_PREFIX}/attachments/{sha256}/content").content

    def forms(self) -> FormList:
        return self._parse(FormList, self.request("GET", f"{API_PREFIX}/forms"))

    def form_text(self, form_id: str, version: int) -> bytes:
        return self.request("GET", f"{API_PREFIX}/forms/{form_id}/{version}").content

    def reference_index(self) -> ReferenceIndex:
        """The parts of public datasets the server holds for this account's territories."""
        return self._parse(ReferenceIndex, self.request("GET", f"{API_PREFIX}/reference"))

    def reference_part(self, dataset: str, territory: str) -> bytes:
        return self.request("GET", f"{API_PREFIX}/reference/{dataset}/{territory}").content
