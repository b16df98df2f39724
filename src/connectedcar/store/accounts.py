"""Users and OAuth2 clients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from connectedcar.domain.entities import OAuthClient, User
from connectedcar.domain.timefmt import from_ms, to_ms
from connectedcar.store.tables import oauth_clients, users


def _user(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        first_name=row.first_name,
        last_name=row.last_name,
        created_at=from_ms(row.created_at),
        updated_at=from_ms(row.updated_at),
    )


def create_user(conn: Connection, user: User) -> None:
    conn.execute(
        insert(users).values(
            id=user.id,
            email=user.email.lower(),
            password_hash=user.password_hash,
            first_name=user.first_name,
            last_name=user.last_name,
            created_at=to_ms(user.created_at),
            updated_at=to_ms(user.updated_at),
        )
    )


def user_by_email(conn: Connection, email: str) -> User | None:
    row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    return _user(row) if row else None


def user_by_id(conn: Connection, user_id: str) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def set_password_hash(conn: Connection, user_id: str, password_hash: str, now_ms: int) -> bool:
    result = conn.execute(
        update(users).where(users.c.id == user_id).values(password_hash=password_hash, updated_at=now_ms)
    )
    return result.rowcount > 0


def list_users(conn: Connection) -> Sequence[User]:
    return [_user(r) for r in conn.execute(select(users).order_by(users.c.created_at, users.c.email))]


def delete_user(conn: Connection, user_id: str) -> bool:
    return conn.execute(delete(users).where(users.c.id == user_id)).rowcount > 0


def _client(row: Any) -> OAuthClient:
    return OAuthClient(
        client_id=row.client_id,
        name=row.name,
        secret_hash=row.secret_hash,
        redirect_uris=tuple(row.redirect_uris),
        public=bool(row.public),
        rate_limit=row.rate_limit,
        created_at=from_ms(row.created_at),
    )


def create_client(conn: Connection, client: OAuthClient) -> None:
    now = to_ms(client.created_at)
    conn.execute(
        insert(oauth_clients).values(
            client_id=client.client_id,
            name=client.name,
            secret_hash=client.secret_hash,
            redirect_uris=list(client.redirect_uris),
            public=client.public,
            rate_limit=client.rate_limit,
            created_at=now,
            updated_at=now,
        )
    )


def client_by_id(conn: Connection, client_id: str) -> OAuthClient | None:
    row = conn.execute(select(oauth_clients).where(oauth_clients.c.client_id == client_id)).first()
    return _client(row) if row else None


def list_clients(conn: Connection) -> Sequence[OAuthClient]:
    rows = conn.execute(select(oauth_clients).order_by(oauth_clients.c.created_at, oauth_clients.c.name))
    return [_client(r) for r in rows]


def delete_client(conn: Connection, client_id: str) -> bool:
    return conn.execute(delete(oauth_clients).where(oauth_clients.c.client_id == client_id)).rowcount > 0


def update_client(
    conn: Connection,
    client_id: str,
    now_ms: int,
    *,
    secret_hash: str | None = None,
    redirect_uris: Sequence[str] | None = None,
) -> bool:
    """Rotate a client's secret (by its hash) and/or replace its redirect URIs."""
    values: dict[str, Any] = {"updated_at": now_ms}
    if secret_hash is not None:
        values["secret_hash"] = secret_hash
    if redirect_uris is not None:
        values["redirect_uris"] = list(redirect_uris)
    return (
        conn.execute(update(oauth_clients).where(oauth_clients.c.client_id == client_id).values(**values)).rowcount > 0
    )
