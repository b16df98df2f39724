"""All configuration, read from the environment (prefix CONNECTEDCAR_) or given explicitly."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every key can be set as CONNECTEDCAR_<KEY> (for example CONNECTEDCAR_DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="CONNECTEDCAR_", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/connectedcar.db",
        description="SQLAlchemy URL: sqlite:///path.db (default, WAL mode) or postgresql+psycopg://...",
    )
    host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port the HTTP API listens on.")
    public_url: str = Field(
        "",
        description="Base URL clients use to reach the API (for printed commands); empty: http://host:port.",
    )
    secret_key: str = Field(
        "",
        description="Key signing login forms. Empty: a random key per process (forms then expire on restart).",
    )
    rate_limit_requests: int = Field(120, ge=1, description="Requests a client may make per window.")
    rate_limit_window_seconds: int = Field(60, ge=1, description="Length of the rate-limit window.")
    access_token_ttl_seconds: int = Field(3600, ge=60, description="Lifetime of an OAuth2 access token.")
    refresh_token_ttl_seconds: int = Field(
        30 * 24 * 3600, ge=3600, description="Lifetime of an OAuth2 refresh token (rotated on every use)."
    )
    authorization_code_ttl_seconds: int = Field(
        60, ge=10, le=600, description="Lifetime of an authorization code (single use)."
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Failed sign-ins of one account, within the window, before the form holds it back.",
    )
    login_failure_window_seconds: int = Field(
        900, ge=10, description="The window over which failed sign-ins are counted (seconds)."
    )
    token_cache_seconds: float = Field(
        5.0,
        ge=0,
        description="How long a verified access token is trusted without re-reading the store "
        "(revocations in the same process take effect at once).",
    )
    max_page_size: int = Field(1000, ge=1, description="Largest limit/pageSize a collection accepts.")
    tls_cert_file: str = Field(
        "",
        description="PEM certificate (chain) of the HTTP API; with tls_key_file the API is served over HTTPS "
        "(empty: plain HTTP).",
    )
    tls_key_file: str = Field("", description="PEM private key of tls_cert_file.")
    tls_client_ca_file: str = Field(
        "",
        description="PEM CA certificate(s): with TLS on, clients must present a certificate signed by one "
        "(mutual TLS); empty: no client certificate asked for.",
    )
    osmand_port: int = Field(
        5055, ge=0, le=65535, description="Port of the OsmAnd / Traccar Client protocol (0: not served)."
    )
    reorder_window_ms: int = Field(
        1000,
        ge=0,
        le=60_000,
        description="How long a report waits after it arrives so that late ones of the same vehicle take "
        "their place in its timeline (milliseconds).",
    )
    max_pending_reports: int = Field(
        1_000_000, ge=1000, description="Reports that may wait for processing before ingest answers 503."
    )
    cors_allow_origins: str = Field(
        "*",
        description="Comma-separated origins browsers may call the API from ('*': any; empty: CORS off). "
        "Bearer tokens travel in a header, never in cookies, so no credentials mode is needed.",
    )
    webhook_allow_private: bool = Field(
        False,
        description="Allow webhook targets on loopback, private and other non-public addresses (local receivers).",
    )
    webhook_timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="How long one webhook request may take before it counts as failed (seconds)."
    )
    webhook_concurrency: int = Field(
        16, ge=1, le=1024, description="Webhook requests in flight at once (one per monitor or callback at most)."
    )
    max_monitors_per_fleet: int = Field(1000, ge=1, description="Monitors one fleet may hold.")
    log_level: str = Field("INFO", description="Logging level: DEBUG, INFO, WARNING, ERROR.")
    log_format: str = Field("console", description="'json' for one JSON object a line, 'console' for humans.")

    @property
    def tls(self) -> bool:
        """Whether the HTTP API is served over TLS (the OsmAnd port never is: phones speak plain HTTP)."""
        return bool(self.tls_cert_file and self.tls_key_file)

    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return self.public_url.rstrip("/") or f"{scheme}://{self.host}:{self.port}"
