"""The schema. Times are epoch milliseconds (UTC) in BIGINT columns: portable, exact and index-friendly."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _stamps() -> list[Column[int]]:
    return [Column("created_at", BigInteger, nullable=False), Column("updated_at", BigInteger, nullable=False)]


users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("first_name", String(100), nullable=False, default=""),
    Column("last_name", String(100), nullable=False, default=""),
    *_stamps(),
)

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(200), nullable=True),  # NULL for a public client (PKCE only)
    Column("redirect_uris", JSON, nullable=False),
    Column("public", Boolean, nullable=False, default=False),
    Column("rate_limit", Integer, nullable=True),  # requests per window; NULL: the configured default
    *_stamps(),
)

authorization_codes = Table(
    "authorization_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", String(64), ForeignKey("oauth_clients.client_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("realm", String(32), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scope", String(200), nullable=False),
    Column("code_challenge", String(128), nullable=True),
    Column("code_challenge_method", String(10), nullable=True),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger, nullable=True),
    Column("family_id", String(64), nullable=True),  # tokens issued from this code
    Column("created_at", BigInteger, nullable=False),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("client_id", String(64), ForeignKey("oauth_clients.client_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("realm", String(32), nullable=False),
    Column("scope", String(200), nullable=False),
    Column("family_id", String(64), nullable=False, index=True),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("client_id", String(64), ForeignKey("oauth_clients.client_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("realm", String(32), nullable=False),
    Column("scope", String(200), nullable=False),
    Column("family_id", String(64), nullable=False, index=True),
    Column("expires_at", BigInteger, nullable=False),
    Column("rotated_at", BigInteger, nullable=True),  # set when exchanged; a second use is a replay
    Column("revoked_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
)

vehicles = Table(
    "vehicles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("vin", String(17), nullable=False, unique=True),
    Column("user_id", String(32), ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("device_id", String(64), nullable=True, unique=True),  # OsmAnd / Traccar Client `id`
    Column("device_token_hash", String(64), nullable=True, unique=True),  # native protocol credential
    Column("brand", String(4), nullable=False),
    Column("model", String(32), nullable=False, default=""),
    Column("sub_model", String(32), nullable=False, default=""),
    Column("engine", String(32), nullable=False, default=""),
    Column("gearbox", String(32), nullable=False, default=""),
    Column("energy", String(16), nullable=False, default="Fuel"),
    *_stamps(),
)

positions = Table(
    "positions",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("trip_id", String(80), nullable=True),
    Column("recorded_at", BigInteger, nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("alt", Float, nullable=True),
    Column("heading", Float, nullable=True),
    Column("speed", Float, nullable=True),  # km/h
    Column("created_at", BigInteger, nullable=False),  # date of collection, as the API means it
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_positions_vehicle_recorded", "vehicle_id", "recorded_at"),
)

telemetry = Table(
    "telemetry",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("trip_id", String(80), nullable=True, index=True),
    Column("recorded_at", BigInteger, nullable=False),
    Column("paths", Text, nullable=False),  # "|vehicle.fuel.level|vehicle.moving|": the `type` filter
    Column("data", JSON, nullable=False),
    *_stamps(),
    Index("ix_telemetry_vehicle_recorded", "vehicle_id", "recorded_at"),
)

trips = Table(
    "trips",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("stopped_at", BigInteger, nullable=True),  # NULL while the trip goes on
    Column("distance", Float, nullable=False, default=0.0),  # km
    Column("fuel_consumption", Float, nullable=True),  # litres
    Column("energy_consumption", Float, nullable=True),  # kWh
    Column("avg_consumption", Float, nullable=True),  # l/100 km (or kWh/100 km for electric)
    Column("avg_speed", Float, nullable=True),  # km/h
    Column("co2_emission", Float, nullable=True),  # grams; NULL renders as the API's -1
    Column("refueling", Boolean, nullable=False, default=False),
    Column("reference", Boolean, nullable=False, default=False),
    Column("start_position_id", String(80), nullable=True),
    Column("stop_position_id", String(80), nullable=True),
    *_stamps(),
    Index("ix_trips_vehicle_started", "vehicle_id", "started_at"),
)

waypoints = Table(
    "waypoints",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("trip_id", String(80), ForeignKey("trips.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("recorded_at", BigInteger, nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("alt", Float, nullable=True),
    Column("heading", Float, nullable=True),
    Column("speed", Float, nullable=True),
    Index("ix_waypoints_trip_seq", "trip_id", "seq"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("trip_id", String(80), nullable=True, index=True),
    Column("type", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("ended_at", BigInteger, nullable=True),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("alt", Float, nullable=True),
    Column("heading", Float, nullable=True),
    *_stamps(),
    Index("ix_alerts_vehicle_created", "vehicle_id", "created_at"),
)

collisions = Table(
    "collisions",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("trip_id", String(80), nullable=True, index=True),
    Column("roll_over", Boolean, nullable=False, default=False),
    Column("front_level", String(8), nullable=False, default="NONE"),
    Column("rear_level", String(8), nullable=False, default="NONE"),
    Column("lateral_level", String(8), nullable=False, default="NONE"),
    Column("pedestrian", Boolean, nullable=False, default=False),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("alt", Float, nullable=True),
    Column("heading", Float, nullable=True),
    *_stamps(),
    Index("ix_collisions_vehicle_created", "vehicle_id", "created_at"),
)

maintenance = Table(
    "maintenance",
    metadata,
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("days", Integer, nullable=False),
    Column("mileage", Integer, nullable=False),
    *_stamps(),
)

events = Table(
    "events",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),  # TRIP, ALERT, COLLISION, REFUEL, FUEL_STOLEN
    Column("event_id", String(100), nullable=False),  # id of the trip, alert or collision it is about
    Column("data", JSON, nullable=True),  # for REFUEL / FUEL_STOLEN: litres, levels
    *_stamps(),
    Index("ix_events_vehicle_created", "vehicle_id", "created_at"),
)

ecodriving = Table(
    "ecodriving",
    metadata,
    Column("trip_id", String(80), ForeignKey("trips.id", ondelete="CASCADE"), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("scores", JSON, nullable=False),  # {"global": {...}, "detailed": {...}}, seed 000's shape
    *_stamps(),
)

vehicle_states = Table(
    "vehicle_states",
    metadata,
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True),
    Column("state", JSON, nullable=False),  # the pipeline's per-vehicle state, so restarts resume it
    Column("updated_at", BigInteger, nullable=False),
)

fleets = Table(
    "fleets",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("name", String(200), nullable=False),
    # The fleet's own client_id (the specs' ClientId query key), not an oauth_clients row: fleet calls
    # authenticate with HTTP Basic (and, later, a client certificate), never with OAuth2 tokens.
    Column("client_id", String(64), nullable=False, unique=True),
    Column("username", String(64), nullable=False, unique=True),  # HTTP Basic user name
    Column("password_hash", String(200), nullable=False),  # scrypt, as users' passwords
    # The key that signs the fleet's webhook requests (Standard Webhooks `whsec_...`). Kept as is, not
    # hashed: the platform must compute HMACs with it. It authenticates nothing to the platform.
    Column("webhook_secret", String(80), nullable=True),
    *_stamps(),
)

# A vehicle may belong to several fleets (a leasing company's and an insurer's, say): the key is the pair.
fleet_vehicles = Table(
    "fleet_vehicles",
    metadata,
    Column("fleet_id", String(24), ForeignKey("fleets.id", ondelete="CASCADE"), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("added_at", BigInteger, nullable=False),
)

# An integer key that autoincrements on SQLite (INTEGER PRIMARY KEY) and PostgreSQL (BIGSERIAL) alike.
SerialKey = BigInteger().with_variant(Integer(), "sqlite")

monitors = Table(
    "monitors",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("fleet_id", String(24), ForeignKey("fleets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("label", String(200), nullable=False),
    Column("status", String(8), nullable=False),  # Running, Paused (the spec's MonitorStatus)
    Column("body", JSON, nullable=False),  # the MonitorParameter as accepted, rendered back by GET
    *_stamps(),
)

# What each monitor remembers about each vehicle (engine.monitors.evaluation.MonitorVehicleState).
monitor_states = Table(
    "monitor_states",
    metadata,
    Column("monitor_id", String(40), ForeignKey("monitors.id", ondelete="CASCADE"), primary_key=True),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# The transactional outbox: every event to post to a webhook, written in the transaction that caused it.
outbox = Table(
    "outbox",
    metadata,
    Column("seq", SerialKey, primary_key=True, autoincrement=True),  # delivery order
    Column("event_id", String(64), nullable=False),  # stable: the same firing is never queued twice
    Column("kind", String(8), nullable=False),  # monitor, remote
    Column("subscription_id", String(40), nullable=False),  # the monitor or remote callback
    Column("fleet_id", String(24), nullable=True),
    Column("vehicle_id", String(32), nullable=True),
    Column("vin", String(17), nullable=True),
    Column("batch_key", String(80), nullable=False),  # events that may share a request (and keep order)
    Column("event", JSON, nullable=False),  # the rendered event of the payload
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("message_id", String(64), nullable=True),  # set when grouped into a request (webhook-id)
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", BigInteger, nullable=False),
    Column("delivered_at", BigInteger, nullable=True),
    Column("failed_at", BigInteger, nullable=True),  # given up (retry policy spent, refused, expired)
    Column("last_error", Text, nullable=True),
    UniqueConstraint("event_id", name="uq_outbox_event_id"),
    Index("ix_outbox_pending", "delivered_at", "failed_at", "batch_key", "seq"),
    Index("ix_outbox_subscription", "subscription_id", "seq"),
)

# Every attempt at posting a message, delivered or not.
delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", SerialKey, primary_key=True, autoincrement=True),
    Column("message_id", String(64), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("subscription_id", String(40), nullable=False),
    Column("attempted_at", BigInteger, nullable=False),
    Column("events", Integer, nullable=False),
    Column("outcome", String(10), nullable=False),  # delivered, retry, failed
    Column("status_code", Integer, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Index("ix_delivery_attempts_subscription", "subscription_id", "attempted_at"),
)

# A fleet's reusable remote callback: the webhook remote actions report to, and the types it serves.
remote_callbacks = Table(
    "remote_callbacks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("fleet_id", String(24), ForeignKey("fleets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("label", String(200), nullable=True),
    Column("status", String(8), nullable=False),  # Running, Paused (the spec's CallbackStatus)
    Column("body", JSON, nullable=False),  # the RemoteCallbackSubscribe as accepted
    *_stamps(),
)

# Remote actions: what was asked, where its lifecycle stands, and the command the vehicle takes.
remote_actions = Table(
    "remote_actions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("fleet_id", String(24), ForeignKey("fleets.id", ondelete="CASCADE"), nullable=False),
    Column("vehicle_id", String(32), ForeignKey("vehicles.id", ondelete="CASCADE"), nullable=False),
    Column("callback_id", String(40), ForeignKey("remote_callbacks.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(40), nullable=False),  # the spec's RemoteType
    Column("body", JSON, nullable=False),  # the Remote as posted
    Column("state", JSON, nullable=False),  # engine.remotes.lifecycle.RemoteState
    Column("status", String(40), nullable=False),  # the last status reported
    Column("done", Boolean, nullable=False),
    Column("deadline_at", BigInteger, nullable=True),  # when a tick times it out
    Column("woke_vehicle", Boolean, nullable=False, default=False),
    Column("sent_at", BigInteger, nullable=True),  # when the vehicle took the command
    Column("expires_at", BigInteger, nullable=False),  # the command's expiry, for the vehicle
    *_stamps(),
    Index("ix_remote_actions_vehicle_done", "vehicle_id", "done"),
    Index("ix_remote_actions_callback_created", "callback_id", "vehicle_id", "created_at"),
    Index("ix_remote_actions_done_deadline", "done", "deadline_at"),
)
