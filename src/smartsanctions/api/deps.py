"""Request-scoped dependencies: the store, the screener, and API-key checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy import Engine

from smartsanctions.api.auditlog import AuditWriter
from smartsanctions.api.entities import EntityCache
from smartsanctions.api.keys import KeyInfo, authenticate
from smartsanctions.api.screener import Screener

# yente clients send "Authorization: ApiKey <key>"; "Bearer <key>" and X-API-Key work too.
_authorization = APIKeyHeader(name="Authorization", auto_error=False, scheme_name="ApiKey")
_x_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="XApiKey")
AuthorizationHeader = Annotated[str | None, Security(_authorization)]
XApiKeyHeader = Annotated[str | None, Security(_x_api_key)]


@dataclass
class Settings:
    require_read_key: bool = False
    authored_dir: Path | None = None  # where API-edited authored lists keep their versions


def engine(request: Request) -> Engine:
    found: Engine = request.app.state.engine
    return found


def screener(request: Request) -> Screener:
    found: Screener = request.app.state.screener
    return found


def audit_writer(request: Request) -> AuditWriter:
    found: AuditWriter = request.app.state.audit_writer
    return found


def entity_cache(request: Request) -> EntityCache:
    found: EntityCache = request.app.state.entity_cache
    return found


def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def _presented(authorization: str | None, x_api_key: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() in ("apikey", "bearer", "token") and value.strip():
            return value.strip()
        return authorization.strip()
    return None


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "ApiKey"})


def _check(request: Request, presented: str | None, needed: str | None) -> KeyInfo | None:
    if presented is None:
        if needed is None:
            return None
        raise _unauthorised(f"an API key with role '{needed}' is required")
    with request.app.state.engine.connect() as conn:
        info = authenticate(conn, presented)
    if info is None:
        raise _unauthorised("invalid or revoked API key")
    if needed is not None and not info.allows(needed):
        raise HTTPException(status_code=403, detail=f"this key's role '{info.role}' cannot do this; needs '{needed}'")
    return info


def require(role: str) -> Callable[..., KeyInfo]:
    """A dependency demanding a valid key with at least ``role``."""

    def dependency(request: Request, authorization: AuthorizationHeader, x_api_key: XApiKeyHeader) -> KeyInfo:
        info = _check(request, _presented(authorization, x_api_key), role)
        assert info is not None
        return info

    return dependency


def reader(
    request: Request,
    authorization: AuthorizationHeader,
    x_api_key: XApiKeyHeader,
    config: Annotated[Settings, Depends(settings)],
) -> KeyInfo | None:
    """Reads are open unless configured otherwise; a key that is presented must be valid."""
    needed = "reader" if config.require_read_key else None
    return _check(request, _presented(authorization, x_api_key), needed)


def actor(key: KeyInfo | None) -> str:
    return f"{key.name} (key {key.id})" if key is not None else "anonymous"


# Parameter types for route handlers (FastAPI's Annotated style).
EngineDep = Annotated[Engine, Depends(engine)]
ScreenerDep = Annotated[Screener, Depends(screener)]
CacheDep = Annotated[EntityCache, Depends(entity_cache)]
WriterDep = Annotated[AuditWriter, Depends(audit_writer)]
SettingsDep = Annotated[Settings, Depends(settings)]
Reader = Annotated[KeyInfo | None, Depends(reader)]
AnalystKey = Annotated[KeyInfo, Depends(require("analyst"))]
AdminKey = Annotated[KeyInfo, Depends(require("admin"))]
