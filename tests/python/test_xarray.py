"""Run files open in xarray with the h5netcdf engine (docs/output-format.md, "Dimension scales"):
/timeseries has the coordinate `step`, /panel its snapshot steps and household ids, the
static tables their row ids; every value is h5py's, bit for bit. h5py readers that iterate
/timeseries (analysis/minesim_io.py) do not take the step scale for a series."""

import subprocess

import h5py
import numpy as np
import pytest
import xarray as xr

import minesim_io
from conftest import REPO

STEPS = 6
#: A tiny region (scenarios/batches/tiny.toml's), 6 months, a panel snapshot every 3.
SMALL = ["--set", "households.count=200", "--set", "region.villages=5",
         "--set", "region.side_km=10.0", "--set", "mines.count=4",
         "--set", "mines.legacy_count=1", "--set", "enterprises.count=2",
         "--set", f"simulation.steps={STEPS}", "--set", "simulation.snapshot_interval=3",
         "--set", "simulation.panel_size=20"]


@pytest.fixture(scope="module")
def small_run(minesim_exe, tmp_path_factory):
    out = tmp_path_factory.mktemp("xarray") / "run.h5"
    subprocess.run([minesim_exe, "run", "scenarios/baseline.toml", "-o", str(out), "--quiet",
                    "--threads", "1", *SMALL], cwd=REPO, check=True, timeout=120)
    return out


def open_group(path, group):
    return xr.open_dataset(path, group=group, engine="h5netcdf")


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_timeseries_has_step_coordinate(small_run):
    with h5py.File(small_run, "r") as f:
        group = f["timeseries"]
        series = sorted(n for n, d in group.items() if "CLASS" not in d.attrs)
        s_mean = group["S_mean"][()]
        units = group["S_mean"].attrs["units"]
    with open_group(small_run, "timeseries") as ds:
        assert list(ds.coords) == ["step"]
        assert ds["step"].dtype == np.int64
        assert ds["step"].values.tolist() == list(range(STEPS + 1))
        assert sorted(ds.data_vars) == series
        assert len(series) > 50
        assert all(ds[name].dims == ("step",) for name in series)
        assert same_bits(ds["S_mean"].values, s_mean)
        assert ds["S_mean"].attrs["units"] == units
        # Label-based selection works on the coordinate.
        assert ds["S_mean"].sel(step=STEPS).item() == s_mean[-1]


def test_panel_and_tables_have_their_dimensions(small_run):
    with h5py.File(small_run, "r") as f:
        steps = f["panel/steps"][()]
        ids = f["panel/household_ids"][()]
        s_panel = f["panel/households/S"][()]
        village = f["households/village"][()]
        x_km = f["villages/x_km"][()]
    assert steps.tolist() == [0, 3, 6] and len(ids) == 20
    with open_group(small_run, "panel") as coords, \
            open_group(small_run, "panel/households") as fields:
        assert same_bits(coords["steps"].values, steps)
        assert same_bits(coords["household_ids"].values, ids)
        # The fields' dimensions are the scales of /panel; their coordinates come from there.
        panel = fields.assign_coords(coords.coords)
        assert panel["S"].dims == ("steps", "household_ids")
        assert same_bits(panel["S"].values, s_panel)
        assert panel["S"].sel(steps=3, household_ids=ids[5]).item() == s_panel[1, 5]
    with open_group(small_run, "households") as households:
        assert households["household"].values.tolist() == list(range(200))
        assert same_bits(households["village"].values, village)
    with open_group(small_run, "villages") as villages:
        assert villages["village"].values.tolist() == list(range(5))
        assert same_bits(villages["x_km"].values, x_km)


def test_h5py_readers_skip_the_step_scale(small_run):
    run = minesim_io.load_run(small_run)
    assert "step" not in run["timeseries"].columns
    assert run["timeseries"].index.tolist() == list(range(STEPS + 1))
    with open_group(small_run, "timeseries") as ds:
        assert sorted(run["timeseries"].columns) == sorted(ds.data_vars)
        assert same_bits(run["timeseries"]["S_mean"].to_numpy(), ds["S_mean"].values)
