"""analysis/minesim_io.py: load_run, load_survey and load_batch return the documented
DataFrames, on a tiny real run and batch and on synthetic files of every batch layout."""

import shutil
import warnings

import h5py
import numpy as np
import pandas as pd
import pytest

import minesim_io
import survey_reference
from conftest import (SYNTHETIC_EFFECTS, SYNTHETIC_REPLICATES, SYNTHETIC_STEPS, add_survey,
                      make_synthetic_batch, write_synthetic_run)

SUMMARY_COLUMNS = (["alpha"] + [f"alpha_{c}" for c in "EPCRS"]
                   + ["kmo", "bartlett_statistic", "bartlett_df", "bartlett_p"]
                   + [f"path_{p}" for p in ["P~E", "C~P", "R~C", "S~C", "S~P", "S~R"]]
                   + ["indirect_effect", "indirect_ci_low", "indirect_ci_high"])
RUN_COLUMNS = ["arm", "replicate", "seed", "status", "complete", "path"]


def test_load_run_of_the_tiny_run(tiny_run):
    run = minesim_io.load_run(tiny_run)
    ts = run["timeseries"]
    assert ts.index.name == "step" and len(ts) == 25
    for name in ["S_mean", "E_mean", "damaged_ha", "income_mean_yuan"]:
        assert name in ts.columns
    assert run["attrs"]["status"] == "complete"
    assert set(["S", "income_yuan_per_year", "received_yuan"]) <= set(run["panel"])
    assert set(run["panel_descriptions"]) == set(run["panel"])
    assert run["panel_descriptions"]["S"] and run["panel_units"]["received_yuan"] == "yuan"
    # Every series the model writes gets a readable label, never its raw name.
    for name in ts.columns:
        text = minesim_io.label(run, name)
        assert text != name and "_" not in text and "(1)" not in text, (name, text)


def test_event_tables_keep_their_columns_types(tiny_run):
    # The run file is written during the run, and its event tables are created before the
    # first event: a real column (offers, demands) must still be float64, not truncated to
    # int64 for want of a row to tell its type.
    with h5py.File(tiny_run, "r") as f:
        rows = f["events/negotiations"][()]
        types = rows.dtype
    assert len(rows) > 0
    for name in ["offer_yuan", "demand_yuan"]:
        assert types[name] == np.float64, name
    assert np.any(rows["offer_yuan"] != np.round(rows["offer_yuan"]))
    for name in ["step", "household", "mine", "model", "payer", "rounds", "agreed",
                 "amount_yuan"]:
        assert types[name] == np.int64, name


def test_snapshot_takes_the_latest_at_or_before(tiny_run):
    run = minesim_io.load_run(tiny_run)
    steps = list(run["panel"]["S"].index)
    last = minesim_io.snapshot(run)
    assert last.attrs["step"] == steps[-1]
    assert "S" in last.columns and last.index.name == "household"
    assert minesim_io.snapshot(run, steps[1] + 1).attrs["step"] == steps[1]
    with pytest.raises(ValueError):
        minesim_io.snapshot(run, -1)


def test_load_survey_columns(tiny_run_with_survey):
    survey = minesim_io.load_survey(tiny_run_with_survey)
    summary = survey["summary"]
    assert summary.index.name == "step" and len(summary) >= 1
    assert list(c for c in summary.columns if c in SUMMARY_COLUMNS) == SUMMARY_COLUMNS
    assert list(survey["paths"].columns) == ["P~E", "C~P", "R~C", "S~C", "S~P", "S~R"]
    step = summary.index[0]
    items = survey["items"][step]
    assert items.index.name == "household" and items.shape[1] == 20
    assert items.columns[0] == "E1" and items.columns[-1] == "S4"
    assert items.to_numpy().min() >= 1 and items.to_numpy().max() <= 5
    assert survey["units"]["alpha"] == "1"
    assert summary["indirect_ci_low"].iloc[0] <= summary["indirect_ci_high"].iloc[0]


def test_model_survey_agrees_with_the_numpy_reference(tiny_run):
    """When the model writes its own survey, every statistic matches the reference."""
    with h5py.File(tiny_run, "r") as f:
        if "survey" not in f:
            pytest.skip("the model does not write /survey yet (the lead wires run_survey)")
    assert survey_reference.compare(tiny_run) == []


def test_reference_notices_a_wrong_statistic(tiny_run_with_survey, tmp_path):
    copy = tmp_path / "tampered.h5"
    shutil.copy(tiny_run_with_survey, copy)
    assert survey_reference.compare(copy) == []
    with h5py.File(copy, "r+") as f:
        group = next(iter(f["survey"].values()))
        group["kmo"][()] = group["kmo"][()] + 1e-6
    problems = survey_reference.compare(copy)
    assert len(problems) == 1 and "kmo" in problems[0]


def test_load_survey_without_survey_is_empty(tmp_path):
    path = tmp_path / "run.h5"
    write_synthetic_run(path, "baseline", 0, with_attrs=False)
    survey = minesim_io.load_survey(path)
    assert survey["summary"].empty and survey["items"] == {}


def test_load_survey_of_several_steps(tmp_path):
    path = tmp_path / "run.h5"
    write_synthetic_run(path, "baseline", 0, with_attrs=False)
    rng = np.random.default_rng(1)
    latents = rng.random((300, 5))
    add_survey(path, 12, latents, np.arange(300))
    add_survey(path, 6, latents, np.arange(300), seed=2)
    summary = minesim_io.load_survey(path)["summary"]
    assert list(summary.index) == [6, 12]
    assert summary.loc[12, "sample_size"] == 300


def check_batch(batch, arms):
    runs = batch["runs"]
    assert runs.index.name == "run_id"
    assert list(runs.columns) == RUN_COLUMNS
    assert runs["complete"].all()
    ts = batch["timeseries"]
    assert list(ts.columns[:4]) == ["run_id", "arm", "replicate", "step"]
    assert "S_mean" in ts.columns
    final = batch["final"]
    assert list(final.columns[:2]) == ["arm", "replicate"] and "S_mean" in final.columns
    assert batch["arms"] == arms
    assert batch["units"]["S_mean"] == "1"


def test_load_batch_of_every_layout(synthetic_batch):
    batch = minesim_io.load_batch(synthetic_batch)
    arms = list(SYNTHETIC_EFFECTS)
    layout = synthetic_batch.name.split("_")[-1]
    # Without an index, arms come sorted by name; with one, in its order.
    check_batch(batch, sorted(arms) if layout == "attrs" else arms)
    assert len(batch["runs"]) == len(arms) * SYNTHETIC_REPLICATES
    assert len(batch["timeseries"]) == len(arms) * SYNTHETIC_REPLICATES * (SYNTHETIC_STEPS + 1)
    final = batch["final"].set_index(["arm", "replicate"])["S_mean"]
    for arm, effect in SYNTHETIC_EFFECTS.items():
        for r in range(SYNTHETIC_REPLICATES):
            assert final[(arm, r)] - final[("baseline", r)] == pytest.approx(effect, abs=1e-12)
    assert batch["runs"]["replicate"].dtype.kind == "i"
    if layout != "attrs":
        assert list(batch["index"].columns[:3]) == ["run_id", "arm", "replicate"]


def test_load_batch_selected_metrics(synthetic_batch):
    batch = minesim_io.load_batch(synthetic_batch, metrics=["restoration_rate"])
    assert list(batch["timeseries"].columns) == ["run_id", "arm", "replicate", "step",
                                                 "restoration_rate"]
    with pytest.raises(ValueError, match="no time series"):
        minesim_io.load_batch(synthetic_batch, metrics=["nonexistent"])


def test_load_batch_leaves_out_incomplete_runs(tmp_path):
    directory = make_synthetic_batch(tmp_path / "b", "attrs")
    write_synthetic_run(directory / "runs" / "broken.h5", "baseline", 9, with_attrs=True,
                        complete=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = minesim_io.load_batch(directory)
    assert any("broken.h5" in str(w.message) for w in caught)
    assert not batch["runs"].loc["broken", "complete"]
    assert "broken" not in set(batch["timeseries"]["run_id"])


def test_load_batch_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        minesim_io.load_batch(tmp_path)
    (tmp_path / "runs").mkdir()
    write_synthetic_run(tmp_path / "runs" / "x.h5", "baseline", 0, with_attrs=False)
    with pytest.raises(ValueError, match="no arm/replicate"):
        minesim_io.load_batch(tmp_path)


def test_read_table_of_both_layouts(tmp_path):
    from conftest import write_index

    rows = [("a-0", "a", 0, 1, "complete", 1.5), ("b-0", "b", 0, 1, "complete", 2.5)]
    for layout in ("compound", "columns"):
        directory = tmp_path / layout
        directory.mkdir()
        write_index(directory, rows, layout)
        with h5py.File(directory / "index.h5", "r") as f:
            table = minesim_io.read_table(f["runs"])
        assert set(table.columns) == {"run_id", "arm", "replicate", "seed", "status",
                                      "wall_seconds"}
        assert list(table["run_id"]) == ["a-0", "b-0"]  # str, not bytes
        assert list(table["wall_seconds"]) == [1.5, 2.5]


def test_load_batch_of_the_tiny_batch(tiny_batch):
    batch = minesim_io.load_batch(tiny_batch)
    check_batch(batch, ["baseline", "bounded_confidence"])
    assert len(batch["runs"]) == 6
    assert sorted(batch["runs"]["seed"]) == [100, 100, 101, 101, 102, 102]
    assert set(batch["timeseries"]["step"]) == set(range(25))
    assert isinstance(batch["final"], pd.DataFrame) and len(batch["final"]) == 6
