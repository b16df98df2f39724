from __future__ import annotations

import pytest

from connectedcar.engine.geo import EARTH_RADIUS_M, haversine_m, heading_delta, normal_heading
from connectedcar.engine.stamps import compact, from_ms


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((48.0, 2.0), (48.0, 2.0), 0.0),
        ((48.0, 2.0), (49.0, 2.0), EARTH_RADIUS_M * 3.141592653589793 / 180),  # one degree of meridian
        ((0.0, 0.0), (0.0, 180.0), EARTH_RADIUS_M * 3.141592653589793),
        ((48.8566, 2.3522), (51.5074, -0.1278), 343_500.0),  # Paris - London
    ],
)
def test_haversine(a: tuple[float, float], b: tuple[float, float], metres: float) -> None:
    assert haversine_m(*a, *b) == pytest.approx(metres, rel=0.002, abs=1e-6)


@pytest.mark.parametrize(("a", "b", "delta"), [(0, 20, 20), (350, 10, 20), (10, 350, 20), (0, 180, 180), (90, 90, 0)])
def test_heading_delta(a: float, b: float, delta: float) -> None:
    assert heading_delta(a, b) == delta


@pytest.mark.parametrize(("h", "n"), [(360.0, 0.0), (-0.0, 0.0), (725.0, 5.0), (-1e-20, 0.0)])
def test_normal_heading(h: float, n: float) -> None:
    assert normal_heading(h) == n


@pytest.mark.parametrize("at_ms", [0, 1_497_424_173_999, 1_704_067_199_000, 4_102_444_800_000])
def test_compact_stamp_matches_strftime(at_ms: int) -> None:
    assert compact(at_ms) == from_ms(at_ms).strftime("%Y%m%d%H%M%S")
