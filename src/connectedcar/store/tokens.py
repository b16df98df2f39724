"""Authorization codes, access tokens and refresh tokens (stored by hash only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from connectedcar.store.tables import access_tokens, authorization_codes, refresh_tokens


@dataclass(frozen=True, slots=True)
class CodeRow:
    code_hash: str
    client_id: str
    user_id: str
    realm: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: int
    used_at: int | None
    family_id: str | None


@dataclass(frozen=True, slots=True)
class TokenRow:
    token_hash: str
    client_id: str
    user_id: str
    realm: str
    scope: str
    family_id: str
    expires_at: int
    revoked_at: int | None
    rotated_at: int | None = None


def insert_code(conn: Connection, code: CodeRow, now_ms: int) -> None:
    conn.execute(
        insert(authorization_codes).values(
            code_hash=code.code_hash,
            client_id=code.client_id,
            user_id=code.user_id,
            realm=code.realm,
            redirect_uri=code.redirect_uri,
            scope=code.scope,
            code_challenge=code.code_challenge,
            code_challenge_method=code.code_challenge_method,
            expires_at=code.expires_at,
            used_at=None,
            family_id=None,
            created_at=now_ms,
        )
    )


def code_by_hash(conn: Connection, code_hash: str) -> CodeRow | None:
    row = conn.execute(select(authorization_codes).where(authorization_codes.c.code_hash == code_hash)).first()
    if row is None:
        return None
    return CodeRow(
        code_hash=row.code_hash,
        client_id=row.client_id,
        user_id=row.user_id,
        realm=row.realm,
        redirect_uri=row.redirect_uri,
        scope=row.scope,
        code_challenge=row.code_challenge,
        code_challenge_method=row.code_challenge_method,
        expires_at=row.expires_at,
        used_at=row.used_at,
        family_id=row.family_id,
    )


def claim_code(conn: Connection, code_hash: str, family_id: str, now_ms: int) -> bool:
    """Mark a code used; False if someone used it first (the UPDATE is the single-use guard)."""
    result = conn.execute(
        update(authorization_codes)
        .where(authorization_codes.c.code_hash == code_hash, authorization_codes.c.used_at.is_(None))
        .values(used_at=now_ms, family_id=family_id)
    )
    return result.rowcount == 1


def insert_access_token(conn: Connection, token: TokenRow, now_ms: int) -> None:
    conn.execute(
        insert(access_tokens).values(
            token_hash=token.token_hash,
            client_id=token.client_id,
            user_id=token.user_id,
            realm=token.realm,
            scope=token.scope,
            family_id=token.family_id,
            expires_at=token.expires_at,
            revoked_at=None,
            created_at=now_ms,
        )
    )


def insert_refresh_token(conn: Connection, token: TokenRow, now_ms: int) -> None:
    conn.execute(
        insert(refresh_tokens).values(
            token_hash=token.token_hash,
            client_id=token.client_id,
            user_id=token.user_id,
            realm=token.realm,
            scope=token.scope,
            family_id=token.family_id,
            expires_at=token.expires_at,
            rotated_at=None,
            revoked_at=None,
            created_at=now_ms,
        )
    )


def _token(row: Any, rotated: bool) -> TokenRow:
    return TokenRow(
        token_hash=row.token_hash,
        client_id=row.client_id,
        user_id=row.user_id,
        realm=row.realm,
        scope=row.scope,
        family_id=row.family_id,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        rotated_at=row.rotated_at if rotated else None,
    )


def access_token_by_hash(conn: Connection, token_hash: str) -> TokenRow | None:
    row = conn.execute(select(access_tokens).where(access_tokens.c.token_hash == token_hash)).first()
    return _token(row, rotated=False) if row else None


def refresh_token_by_hash(conn: Connection, token_hash: str) -> TokenRow | None:
    row = conn.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)).first()
    return _token(row, rotated=True) if row else None


def rotate_refresh_token(conn: Connection, token_hash: str, now_ms: int) -> bool:
    """Mark a refresh token used; False if it was already rotated or revoked (a replay)."""
    result = conn.execute(
        update(refresh_tokens)
        .where(
            refresh_tokens.c.token_hash == token_hash,
            refresh_tokens.c.rotated_at.is_(None),
            refresh_tokens.c.revoked_at.is_(None),
        )
        .values(rotated_at=now_ms)
    )
    return result.rowcount == 1


def revoke_family(conn: Connection, family_id: str, now_ms: int) -> None:
    """RFC 9700 4.14.2: a replayed refresh token (or code) revokes every token of its grant."""
    for table in (access_tokens, refresh_tokens):
        conn.execute(
            update(table).where(table.c.family_id == family_id, table.c.revoked_at.is_(None)).values(revoked_at=now_ms)
        )


def revoke_user_client(conn: Connection, user_id: str | None, client_id: str | None, now_ms: int) -> None:
    for table in (access_tokens, refresh_tokens):
        conn.execute(
            update(table)
            .where(or_(table.c.user_id == user_id, table.c.client_id == client_id), table.c.revoked_at.is_(None))
            .values(revoked_at=now_ms)
        )
