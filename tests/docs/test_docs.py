"""The documentation keeps up with the code: every setting is documented."""

from __future__ import annotations

from pathlib import Path

from connectedcar.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_in_the_deployment_guide() -> None:
    text = (DOCS / "deployment.md").read_text()
    missing = [name for name in Settings.model_fields if f"CONNECTEDCAR_{name.upper()}" not in text]
    assert missing == []
