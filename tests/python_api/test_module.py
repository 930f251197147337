"""The Python module (python/minesim, docs/python.md) against the command line it shares its
library with: the same one-line errors, bit-identical series and run files, views without
copies, and interventions that behave as calendar events.

Run by CTest as `python_module` with PYTHONPATH=build/python and MINESIM_EXE=build/minesim;
by hand:
    PYTHONPATH=build/python MINESIM_EXE=build/minesim /usr/bin/python3 -m pytest tests/python_api
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

import minesim

REPO = Path(__file__).resolve().parents[2]
BASELINE = str(REPO / "scenarios" / "baseline.toml")
TINY_BATCH = REPO / "scenarios" / "batches" / "tiny.toml"
EXE = os.environ.get("MINESIM_EXE")

#: A small region: 800 households in 20 villages, 36 months (a survey at month 24 of the
#: baseline's calendar is not reached; the events and panel are).
SMALL = {"households.count": 800, "region.villages": 20, "simulation.steps": 36}
SMALL_SET = ["--set", "households.count=800", "--set", "region.villages=20",
             "--set", "simulation.steps=36"]

needs_exe = pytest.mark.skipif(not EXE, reason="MINESIM_EXE (the minesim executable) is not set")


def cli(*args, check=True):
    result = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"minesim {' '.join(map(str, args))} exited {result.returncode}: "
                             f"{result.stderr}")
    return result


def cli_run(path, *extra, seed=5, threads=1):
    cli("run", BASELINE, *SMALL_SET, *extra, "--seed", seed, "--threads", threads, "-o", path,
        "--quiet")
    return path


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def datasets(path):
    """Every dataset of a run file but /timings (wall times), by name."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not name.startswith("timings"):
                out[name] = obj[()]
        f.visititems(visit)
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small run by `minesim run` on one thread: the file the module is compared with."""
    if not EXE:
        pytest.skip("MINESIM_EXE (the minesim executable) is not set")
    return cli_run(tmp_path_factory.mktemp("cli") / "cli.h5", threads=1)


@pytest.fixture(scope="module")
def finished():
    """A small run stepped to its end on two threads."""
    sim = minesim.Simulation(BASELINE, seed=5, threads=2, set=SMALL)
    sim.run()
    return sim


# --- creating and stepping ---------------------------------------------------------------

def test_a_new_simulation_is_at_step_zero_with_its_scenario_length():
    sim = minesim.Simulation(BASELINE, seed=1, threads=1, set=SMALL)
    assert (sim.step_now, sim.steps, sim.threads) == (0, 36, 1)
    assert "step 0 of 36" in repr(sim)
    assert len(sim.timeseries()) == 1  # the initial state
    sim.step()
    sim.step(4)
    assert sim.step_now == 5
    assert list(sim.timeseries().index) == list(range(6))
    sim.run()
    assert sim.step_now == 36
    sim.run()  # nothing left: a no-op
    assert sim.step_now == 36


def test_stepping_past_the_end_or_backwards_is_refused():
    sim = minesim.Simulation(BASELINE, seed=1, set=dict(SMALL, **{"simulation.steps": 3}))
    with pytest.raises(ValueError, match=r"step\(4\): only 3 steps remain"):
        sim.step(4)
    with pytest.raises(ValueError, match="must be 0 or more"):
        sim.step(-1)
    with pytest.raises(TypeError):
        sim.step(1.5)
    sim.step(3)
    with pytest.raises(ValueError, match="the run is complete"):
        sim.step(1)
    assert sim.step_now == 3


@needs_exe
@pytest.mark.parametrize("chunks", [[36], [1] * 36, [1, 5, 7, 23]])
def test_series_stepped_in_any_chunks_equal_the_command_lines_bit_for_bit(chunks,
                                                                              reference):
    sim = minesim.Simulation(BASELINE, seed=5, threads=2, set=SMALL)
    for n in chunks:
        sim.step(n)
    series = sim.timeseries()
    with h5py.File(reference, "r") as f:
        names = sorted(k for k in f["timeseries"] if k != "step")
        assert sorted(series.columns) == names
        for name in names:
            assert same_bits(series[name].to_numpy(), f["timeseries"][name][()]), name
            assert series.attrs["units"][name] == f["timeseries"][name].attrs["units"]


@needs_exe
def test_saved_run_file_holds_the_command_lines_datasets(tmp_path, finished, reference):
    finished.save(tmp_path / "py.h5")
    ours, theirs = datasets(tmp_path / "py.h5"), datasets(reference)
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        assert same_bits(ours[name], theirs[name]), name
    with h5py.File(tmp_path / "py.h5", "r") as f:
        assert f.attrs["status"] == "complete"
        assert f.attrs["threads"] == 2
        assert "minesim.Simulation(" in f.attrs["command_line"]
    # The file is a run file as any other: `minesim rerun` repeats it.
    cli("rerun", tmp_path / "py.h5", "-o", tmp_path / "rerun.h5")


def test_save_refuses_an_unfinished_run_and_an_existing_file(tmp_path, finished):
    sim = minesim.Simulation(BASELINE, seed=5, set=SMALL)
    sim.step(2)
    with pytest.raises(ValueError, match="at step 2 of 36.*call run"):
        sim.save(tmp_path / "early.h5")
    assert not (tmp_path / "early.h5").exists()
    (tmp_path / "taken.h5").write_text("keep")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        finished.save(tmp_path / "taken.h5")
    assert (tmp_path / "taken.h5").read_text() == "keep"
    finished.save(tmp_path / "taken.h5", overwrite=True)
    assert h5py.is_hdf5(tmp_path / "taken.h5")


# --- errors --------------------------------------------------------------------------------

@needs_exe
@pytest.mark.parametrize("overrides,cli_args", [
    ({"households.cout": 5}, ["--set", "households.cout=5"]),
    ({"households.count": -3}, ["--set", "households.count=-3"]),
    ({"influence.kind": "majority"}, ["--set", "influence.kind=majority"]),
])
def test_scenario_errors_carry_the_command_lines_one_line_message(tmp_path, overrides,
                                                                  cli_args):
    result = cli("run", BASELINE, *cli_args, "-o", tmp_path / "x.h5", check=False)
    assert result.returncode == 2
    with pytest.raises(minesim.ScenarioError) as error:
        minesim.Simulation(BASELINE, set=overrides)
    assert str(error.value) == result.stderr.strip()
    assert "\n" not in str(error.value)


@needs_exe
def test_a_missing_or_broken_scenario_file_is_a_scenario_error(tmp_path):
    missing = tmp_path / "missing.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text('extends = "%s"\n[households]\ncount = "many"\n' % BASELINE)
    for path in (missing, broken):
        result = cli("run", path, "-o", tmp_path / "x.h5", check=False)
        with pytest.raises(minesim.ScenarioError) as error:
            minesim.Simulation(path)
        assert str(error.value) == result.stderr.strip()
    assert isinstance(error.value, ValueError)
    with pytest.raises(minesim.ScenarioError, match="a batch file, not a scenario"):
        minesim.Simulation(TINY_BATCH)


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError):
        minesim.Simulation(BASELINE, seed="one")
    with pytest.raises(TypeError):
        minesim.Simulation(BASELINE, set=["households.count=5"])
    with pytest.raises(TypeError):
        minesim.Simulation(BASELINE, set={"households.count": [1, 2]})
    with pytest.raises(ValueError, match="threads: expected at least 1"):
        minesim.Simulation(BASELINE, threads=0)


# --- reading the state -----------------------------------------------------------------------

def test_household_columns_are_read_only_views_of_the_model_not_copies():
    sim = minesim.Simulation(BASELINE, seed=5, threads=2, set=SMALL)
    raw = {name: values for name, values, _, _ in sim._run.columns("households")}
    frame = sim.households()
    assert len(frame) == 800 and frame.index.name == "household"
    for name in frame.columns:
        column = frame[name].to_numpy()
        assert np.shares_memory(column, raw[name]), f"{name} was copied"
        assert not column.flags.writeable
    with pytest.raises(ValueError):
        frame["S"].to_numpy()[0] = 0.5
    before = frame["S"].to_numpy().copy()
    sim.step(3)
    assert not np.array_equal(before, frame["S"].to_numpy())  # a view shows the state now
    units = frame.attrs["units"]
    assert set(units) == set(frame.columns) and all(units.values())
    assert units["land_ha"] == "ha" and units["income_yuan_per_year"] == "yuan/year"
    assert set(frame.attrs["descriptions"]) == set(frame.columns)
    assert list(sim.households(["S", "village"]).columns) == ["S", "village"]
    with pytest.raises(KeyError, match="no column 'satisfaction'"):
        sim.households(["satisfaction"])


def test_latents_stay_in_the_unit_interval_and_villages_index_their_households(finished):
    h = finished.households()
    for latent in "EPCRS":
        assert h[latent].between(0.0, 1.0).all(), latent
    v = finished.villages()
    assert len(v) == 20 and v["households"].sum() == 800
    # Households are numbered by village: village v holds first_household[v] onwards.
    expected = np.repeat(np.arange(20), v["households"].to_numpy())
    assert np.array_equal(h["village"].to_numpy(), expected)
    assert np.array_equal(v["first_household"].to_numpy(),
                          np.concatenate([[0], np.cumsum(v["households"].to_numpy())[:-1]]))


@needs_exe
def test_entity_tables_agree_with_the_run_file(finished, reference):
    with h5py.File(reference, "r") as f:
        for store, table in [("villages", finished.villages()), ("mines", finished.mines()),
                             ("governments", finished.governments())]:
            group = f[store]
            shared = [c for c in table.columns if c in group and c != store[:-1]]
            assert shared, store
            for column in shared:
                assert np.array_equal(table[column].to_numpy(), group[column][()]), column
            assert all(table.attrs["units"].values()), store
        assert len(finished.mines()) == len(f["mines"]["x_km"])
        assert len(finished.governments()) == len(f["governments"]["west_km"])


@needs_exe
def test_network_is_the_run_files_csr_over_the_models_arrays(finished, reference):
    matrix = finished.network()
    raw_indptr, raw_indices, n = finished._run.network()
    assert matrix.shape == (800, 800) and n == 800
    assert np.shares_memory(matrix.indices, raw_indices)
    with h5py.File(reference, "r") as f:
        assert np.array_equal(matrix.indptr, f["network/offsets"][()])
        assert np.array_equal(matrix.indices, f["network/targets"][()])
    assert (matrix != matrix.T).nnz == 0  # every tie in both directions
    assert matrix.diagonal().sum() == 0


@needs_exe
def test_events_are_the_run_files_event_tables(finished, reference):
    with h5py.File(reference, "r") as f:
        for name in ("negotiations", "inspections"):
            table = finished.events(name)
            stored = f["events"][name][()]
            assert len(table) == len(stored) > 0, name
            for column in stored.dtype.names:
                assert same_bits(table[column].to_numpy(), stored[column]), (name, column)
    units = finished.events("negotiations").attrs["units"]
    assert units["offer_yuan"] == "yuan" and units["step"] == "step"
    with pytest.raises(ValueError, match="no event table disputes.*negotiations"):
        finished.events("disputes")


def test_an_event_table_without_rows_keeps_its_column_types():
    sim = minesim.Simulation(BASELINE, seed=5, set=SMALL)
    table = sim.events("negotiations")  # at step 0, before any negotiation
    assert len(table) == 0
    assert table["offer_yuan"].dtype == np.float64 and table["step"].dtype == np.int64


def test_timeseries_carry_units_descriptions_and_kinds(finished):
    series = finished.timeseries()
    assert series.index.name == "step" and len(series) == 37
    assert series.attrs["units"]["damaged_ha"] == "ha"
    assert series.attrs["kinds"]["negotiations"] == "flow"
    assert series.attrs["kinds"]["S_mean"] == "stock"
    assert set(series.attrs["descriptions"]) == set(series.columns)


# --- interventions -----------------------------------------------------------------------

@needs_exe
def test_set_between_steps_equals_a_calendar_set_event(tmp_path):
    scenario = tmp_path / "hearings.toml"
    scenario.write_text(
        'extends = "%s"\n\n[[calendar.events]]\nstep = 13\naction = "set"\n'
        'key = "participation.hearing_interval_months"\nvalue = 2\n\n'
        '[[calendar.events]]\nstep = 13\naction = "set"\n'
        'key = "policy.digital_platform"\nvalue = true\n' % BASELINE)
    cli("run", scenario, *SMALL_SET, "--seed", 5, "--threads", 1, "-o", tmp_path / "cli.h5",
        "--quiet")
    sim = minesim.Simulation(BASELINE, seed=5, threads=2, set=SMALL)
    sim.step(12)
    assert sim.get("participation.hearing_interval_months") == 6
    sim.set("participation.hearing_interval_months", 2)
    sim.set("policy.digital_platform", True)
    assert sim.get("participation.hearing_interval_months") == 6  # from the next step on
    sim.step()
    assert sim.get("participation.hearing_interval_months") == 2
    assert sim.get("policy.digital_platform") is True
    sim.run()
    with h5py.File(tmp_path / "cli.h5", "r") as f:
        for name in f["timeseries"]:
            if name != "step":
                assert same_bits(sim.timeseries()[name].to_numpy(), f["timeseries"][name][()])
    # The saved file's scenario holds the change, so a rerun repeats it.
    sim.save(tmp_path / "py.h5")
    result = cli("rerun", tmp_path / "py.h5", "-o", tmp_path / "rerun.h5")
    assert "identical" in result.stderr


def test_set_is_validated_as_a_calendar_set_event():
    sim = minesim.Simulation(BASELINE, seed=5, set=SMALL)
    cases = [
        ("participation.hearing_interval_months", 0,
         "Simulation.set: participation.hearing_interval_months: "),
        ("participation.hearing_intervals_months", 3, "did you mean "
         "'participation.hearing_interval_months'?"),
        ("households.count", 10, "cannot be set during a run; it is fixed at initialisation"),
        ("policy.digital_platform", "yes", "policy.digital_platform"),
    ]
    for key, value, message in cases:
        with pytest.raises(minesim.ScenarioError) as error:
            sim.set(key, value)
        assert message in str(error.value), str(error.value)
        assert str(error.value).startswith("Simulation.set: ")
    with pytest.raises(TypeError):
        sim.set("participation.hearing_interval_months", None)
    # A refused change leaves nothing behind.
    sim.run()
    plain = minesim.Simulation(BASELINE, seed=5, set=SMALL)
    plain.run()
    assert same_bits(sim.timeseries().to_numpy(), plain.timeseries().to_numpy())
    with pytest.raises(minesim.ScenarioError, match="the run is complete"):
        sim.set("participation.hearing_interval_months", 3)
    with pytest.raises(KeyError, match="did you mean"):
        sim.get("participation.hearing_interval_month")


# --- the GIL and interruption -----------------------------------------------------------------

def test_a_step_releases_the_gil():
    sim = minesim.Simulation(BASELINE, seed=5, threads=1, set={"simulation.steps": 40})
    counter = [0]
    done = threading.Event()

    def count():
        while not done.is_set():
            counter[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        time.sleep(0.05)
        before = counter[0]
        started = time.perf_counter()
        sim.step(40)
        seconds = time.perf_counter() - started
        during = counter[0] - before
    finally:
        done.set()
        thread.join()
    # Holding the GIL for the whole call, the counter could only move at its edges.
    assert during > 1000, (during, seconds)


def test_ctrl_c_stops_at_the_end_of_a_step_and_the_run_goes_on():
    import _thread
    sim = minesim.Simulation(BASELINE, seed=5, threads=1, set={"simulation.steps": 1200})
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sim.run()
    timer.join()
    stopped = sim.step_now
    assert 0 < stopped < 1200
    assert len(sim.timeseries()) == stopped + 1
    sim.step(1)
    assert sim.step_now == stopped + 1


def test_a_second_thread_cannot_use_a_simulation_while_it_steps():
    sim = minesim.Simulation(BASELINE, seed=5, threads=1, set={"simulation.steps": 1200})
    stepping = threading.Thread(target=sim.step, args=(600,))
    stepping.start()
    refused = []
    try:
        while sim.step_now == 0:  # the step has begun
            time.sleep(0.001)
        for call in (lambda: sim.step(1), lambda: sim.set("policy.digital_platform", True),
                     sim.timeseries, lambda: sim.events("negotiations")):
            with pytest.raises(RuntimeError, match="in use by another thread") as error:
                call()
            refused.append(str(error.value))
    finally:
        stepping.join()
    assert len(refused) == 4 and sim.step_now == 600
    sim.step(1)  # free again
    assert sim.step_now == 601


def test_game_mode_steps_and_gives_the_games_series(tmp_path):
    game = REPO / "scenarios" / "game" / "convergent.toml"
    sim = minesim.Simulation(game, seed=2, set={"simulation.steps": 24})
    sim.run()
    series = sim.timeseries()
    assert len(series) == 25
    sim.save(tmp_path / "game.h5")
    with h5py.File(tmp_path / "game.h5", "r") as f:
        assert sorted(series.columns) == sorted(k for k in f["timeseries"] if k != "step")
        for name in series.columns:
            assert same_bits(series[name].to_numpy(), f["timeseries"][name][()])
    with pytest.raises(ValueError, match="game mode"):
        sim.households()
    with pytest.raises(minesim.ScenarioError, match="game mode"):
        minesim.Simulation(game, set={"simulation.steps": 24}).set("policy.digital_platform",
                                                                    True)


# --- batches and readers ------------------------------------------------------------------

@needs_exe
def test_batch_runs_like_the_command_line(tmp_path):
    ours = minesim.batch(TINY_BATCH, tmp_path / "py", workers=2)
    cli("batch", TINY_BATCH, "-o", tmp_path / "cli", "--quiet", "--workers", 2)
    assert len(ours["runs"]) == 6 and set(ours["runs"]["status"]) == {"complete"}
    for run in sorted((tmp_path / "cli" / "runs").glob("*.h5")):
        a, b = datasets(run), datasets(tmp_path / "py" / "runs" / run.name)
        assert sorted(a) == sorted(b)
        assert all(same_bits(a[k], b[k]) for k in a), run.name
    # A finished folder: run again, it skips everything.
    again = minesim.batch(TINY_BATCH, tmp_path / "py", workers=2)
    assert len(again["runs"]) == 6


def test_a_bad_batch_file_is_a_scenario_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('scenario = "%s"\nreplicates = 2\nseed = 1\n[set]\nhouseholds.cout = 5\n'
                   % BASELINE)
    with pytest.raises(minesim.ScenarioError, match="households.cout"):
        minesim.batch(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_readers_are_the_analysis_packages():
    import minesim_io
    assert minesim.load_run is minesim_io.load_run
    assert minesim.load_batch is minesim_io.load_batch
    assert "households.count" in minesim.parameter_keys()
