"""Write docs/api-coverage.md: every endpoint of the seeds and the official specs, and whether this
server answers it. Run: .venv/bin/python scripts/api_coverage.py [SPECS_DIR]"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from fastapi import FastAPI
from starlette.routing import Mount

from connectedcar.api.app import create_app
from connectedcar.config import Settings
from connectedcar.runtime import build_runtime

ROOT = Path(__file__).resolve().parents[1]
SPECS = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "specs"
METHODS = ("get", "post", "put", "delete", "patch")

# Endpoints the seeds show (seed file, method, full path).
SEED_ENDPOINTS: list[tuple[str, str, str]] = [
    ("000", "GET", "/accounts/signin/v1/{brand}/oauth2/authorize"),
    ("000", "POST", "/accounts/signin/v1/{brand}/oauth2/token"),
    *[("000", "GET", f"/connectedcar/v2{p}") for p in (
        "/user", "/vehicles", "/vehicles/{id}", "/vehicles/{id}/lastPosition", "/vehicles/{id}/alerts",
        "/vehicles/{id}/collisions", "/vehicles/{id}/maintenance", "/vehicles/{id}/events",
        "/vehicles/{id}/telemetry", "/vehicles/{id}/trips", "/trips", "/trips/{id}", "/trips/{id}/collisions",
        "/trips/{id}/alerts", "/trips/{id}/ecodriving", "/trips/{id}/telemetry", "/trips/{id}/wayPoints",
        "/collisions/{id}",
    )],
    ("001", "GET", "/connectedcar/v3/fleets"),
    ("001", "GET", "/connectedcar/v3/fleets/{fid}/vehicles"),
    ("001", "GET", "/connectedcar/v3/fleets/{fid}/vehicles/{vid}/lastPosition"),
    ("001", "GET", "/connectedcar/v3/fleets/{fid}/vehicles/{vid}/alerts"),
    ("001", "POST", "/connectedcar/v3/fleets/{fid}/monitors"),
    ("001", "DELETE", "/connectedcar/v3/fleets/{fid}/monitors/{mid}"),
    ("003", "GET", "/connectedcar/v1/accounts/vehicles"),
    ("003", "GET", "/connectedcar/v1/accounts/vehicles/{vid}/alerts"),
    ("003", "POST", "/connectedcar/v1/accounts/channels/{chId}/monitors"),
    ("003", "DELETE", "/connectedcar/v1/accounts/channels/{chId}/monitors/{mid}"),
    ("004", "POST", "/connectedcar/v3/fleets/{fid}/remote/callbacks"),
    ("004", "POST", "/connectedcar/v3/fleets/{fid}/vehicles/{vid}/callbacks/{cbid}/remotes"),
]


OUTGOING = {
    "/root/monitors/webhook": "outgoing: posted by the delivery worker (MonitorEvents), see docs/fidelity.md",
    "/root/remote/webhook": "outgoing: posted by the delivery worker (RemoteEvents), see docs/fidelity.md",
}


def planned(path: str) -> str:
    if path in OUTGOING:
        return OUTGOING[path]
    if "/stolen" in path:
        return "not yet (stolen episodes are not recorded yet; the Stolen remote action is served)"
    if "/user/" in path and ("/callbacks" in path or "/remote" in path):
        return "not yet (B2C callbacks and remotes: no issue yet; the fleet remote engine would serve them)"
    if "/user/" in path and "/monitors" in path:
        return "not yet (B2C monitors: no issue yet; the fleet monitor engine would serve them)"
    if "/remote" in path or "/callbacks" in path:
        return "not yet (issue 5: remote actions)"
    if "/alarms" in path:
        return "not yet (alarms: no issue yet)"
    if "/fleets" in path or "/monitors" in path:
        return "not yet (Fleet Owner API)"
    if "/connectedcar/v1/" in path:
        return "not yet (End-Users API v1: no issue yet)"
    if "/connectedcar/v4/" in path or "/status" in path:
        return "not yet (B2C v4: no issue yet)"
    return "not yet"


def spec_endpoints(spec: Path) -> tuple[str, list[tuple[str, str]]]:
    text = spec.read_text().replace("\t", "    ")
    server = re.search(r"^servers:\s*\n\s*-\s*url:\s*['\"]?([^'\"\n]+)", text, re.M)
    base = re.sub(r"^https?://[^/]+", "", server.group(1)).rstrip("/") if server else ""
    base = base.removeprefix("/api")
    found: list[tuple[str, str]] = []
    in_paths, path = False, None
    for line in text.splitlines():
        if re.match(r"^paths:\s*$", line):
            in_paths = True
            continue
        if in_paths and re.match(r"^\S", line):
            in_paths = False
        if not in_paths:
            continue
        m = re.match(r"^  ['\"]?(/[^'\"]*)['\"]?:\s*$", line.rstrip())
        if m:
            path = m.group(1)
            continue
        m = re.match(r"^    (get|post|put|delete|patch):", line)
        if m and path:
            found.append((m.group(1).upper(), base + path))
    return base, found


def shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


def served_routes() -> set[tuple[str, str]]:
    """(method, path shape) of every documented operation, read from the apps' own OpenAPI documents."""
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp}/coverage.db"))
        app = create_app(runtime)
        apps: list[tuple[str, FastAPI]] = [("", app)]
        apps += [(r.path, r.app) for r in app.routes if isinstance(r, Mount) and isinstance(r.app, FastAPI)]
        routes = {
            (method.upper(), shape(prefix + path))
            for prefix, surface in apps
            for path, operations in surface.openapi().get("paths", {}).items()
            for method in operations
            if method in METHODS
        }
        runtime.close()
        return routes


def main() -> None:
    served = served_routes()
    lines = [
        "# API coverage",
        "",
        "Every endpoint of the seed documents and of the official OpenAPI files, and whether connectedcar",
        "answers it. Generated by `scripts/api_coverage.py` from the specs and the server's own routes.",
        "",
        "## Seed documents",
        "",
        "| seed | method | path | status |",
        "|---|---|---|---|",
    ]
    for seed, method, path in SEED_ENDPOINTS:
        status = "implemented" if (method, shape(path)) in served else planned(path)
        lines.append(f"| {seed} | {method} | `{path}` | {status} |")
    total_done = total = 0
    for spec in sorted(SPECS.glob("*.yaml")):
        base, endpoints = spec_endpoints(spec)
        if not endpoints:
            continue
        lines += ["", f"## {spec.name} (base `{base or '/'}`)", "", "| method | path | status |", "|---|---|---|"]
        for method, path in endpoints:
            done = (method, shape(path)) in served
            total += 1
            total_done += done
            lines.append(f"| {method} | `{path}` | {'implemented' if done else planned(path)} |")
    lines[4:4] = [f"Spec endpoints answered: {total_done} of {total}.", ""]
    (ROOT / "docs" / "api-coverage.md").write_text("\n".join(lines) + "\n")
    print(f"docs/api-coverage.md: {total_done}/{total} spec endpoints, {len(SEED_ENDPOINTS)} seed endpoints")


if __name__ == "__main__":
    main()
