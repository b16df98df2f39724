from __future__ import annotations

from collections import Counter

from connectedcar.domain.brands import BY_CODE
from connectedcar.simulator import fleet_specs
from connectedcar.simulator.places import ILE_DE_FRANCE
from connectedcar.simulator.roads import build_path
from connectedcar.simulator.specs import WMI, vin_check_digit


def test_fleet_mixes_brands_and_energies() -> None:
    specs = fleet_specs(20, 1)
    assert Counter(s.energy for s in specs) == {"Fuel": 11, "Electric": 5, "Hybrid": 4}
    assert {s.brand for s in specs} == set(BY_CODE)
    assert len({s.vin for s in specs}) == 20
    for s in specs:
        assert len(s.vin) == 17 and s.vin.startswith(WMI[s.brand])
        assert not set("IOQ") & set(s.vin)
        assert s.vin[8] == vin_check_digit(s.vin)
        assert ILE_DE_FRANCE.bbox.contains(s.driver.home.lat, s.driver.home.lon)
        assert s.id == s.vin and s.profile().energy == s.energy
    assert fleet_specs(20, 1) == specs
    assert fleet_specs(20, 2) != specs


def test_paths_are_road_like() -> None:
    places = ILE_DE_FRANCE.places
    home = ILE_DE_FRANCE.of_kind("suburb")[0]  # Versailles
    for destination in places[::7]:
        if destination == home:
            continue
        path = build_path(home, destination, seed=1)
        assert (path.lats[0], path.lons[0]) == (home.lat, home.lon)
        assert abs(path.lats[-1] - destination.lat) < 1e-9 and abs(path.lons[-1] - destination.lon) < 1e-9
        assert path.length_m >= home.distance_to(destination) * 0.999
        assert all(length >= 1.0 for length in path.seg_len)
        for i in range(1, path.vertices - 1):
            assert path.vertex_speed[i] <= min(path.seg_limit[i - 1], path.seg_limit[i])
        classes = {c.name for c in path.seg_class}
        if home.distance_to(destination) > 15_000:
            assert "motorway" in classes
        assert "urban" in classes
        assert build_path(home, destination, seed=1).lats == path.lats
