"""Every analysis script: --help works, and on a tiny run or batch (real, from MINESIM_EXE,
or synthetic) it writes a non-empty figure or report; bad input exits with status 2."""

import io
import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import minesim_io
from conftest import (ANALYSIS, REPO, SYNTHETIC_EFFECTS, TINY, assert_figure,
                      make_synthetic_batch, run_script, write_synthetic_run)

SCRIPTS = ["plot_run.py", "plot_batch.py", "plot_forest.py", "plot_distributions.py",
           "plot_network.py", "survey_report.py", "model_results.py", "plot_sensitivity.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script):
    result = run_script(script, "--help")
    assert "usage:" in result.stdout and "Exit status" in result.stdout


@pytest.mark.parametrize("script", ["plot_run.py", "plot_distributions.py", "plot_network.py",
                                    "survey_report.py"])
def test_run_scripts_refuse_an_incomplete_run(script, tmp_path):
    path = tmp_path / "partial.h5"
    write_synthetic_run(path, "baseline", 0, with_attrs=False, complete=False)
    result = run_script(script, path, "-o", tmp_path / "x.png", check=False)
    assert result.returncode == 2
    assert "not a complete minesim run file" in result.stderr


# ----- one run -----------------------------------------------------------------------

def test_plot_run(tiny_run, tmp_path):
    run_script("plot_run.py", tiny_run, "-o", tmp_path / "dash.png")
    assert_figure(tmp_path / "dash.png")


def test_plot_run_overlays_a_run_with_a_calendar(minesim_exe, tiny_run, tmp_path):
    """A real run whose scenario has a calendar: its events are read from the run file,
    and plot_run draws it over the tiny run."""
    scenario = tmp_path / "calendar.toml"
    scenario.write_text(
        f'extends = "{REPO / "scenarios" / "baseline.toml"}"\n\n'
        '[[calendar.events]]\nstep = 12\naction = "close_mine"\nmine = 4\n\n'
        '[[calendar.events]]\nstep = 18\naction = "set"\n'
        'key = "mines.damage_ha_per_10kt"\nvalue = 0.33\n')
    closure = tmp_path / "closure.h5"
    subprocess.run([minesim_exe, "run", str(scenario), "-o", str(closure), "--quiet",
                    "--force", "--threads", "1", *TINY], cwd=REPO, check=True, timeout=300)
    events = minesim_io.calendar_events(closure)
    assert list(events["step"]) == [12, 18]
    assert list(events["label"]) == ["close mine 4", "set damage_ha_per_10kt = 0.33"]
    assert minesim_io.calendar_events(tiny_run).empty
    out = tmp_path / "two.png"
    run_script("plot_run.py", tiny_run, closure, "-o", out, "--label", "baseline",
               "--label", "closure")
    assert_figure(out)


@pytest.mark.parametrize("by", ["village", "county"])
def test_plot_distributions(tiny_run, tmp_path, by):
    out = tmp_path / f"dist_{by}.png"
    run_script("plot_distributions.py", tiny_run, "-o", out, "--by", by)
    assert_figure(out)


def test_plot_distributions_at_a_chosen_step(tiny_run, tmp_path):
    out = tmp_path / "dist12.png"
    run_script("plot_distributions.py", tiny_run, "-o", out, "--step", "12", "--pdf")
    assert_figure(out)
    assert (tmp_path / "dist12.pdf").stat().st_size > 0
    result = run_script("plot_distributions.py", tiny_run, "-o", out, "--step", "-5",
                        check=False)
    assert result.returncode == 2 and "no panel snapshot" in result.stderr


def test_plot_distributions_by_sector(tiny_run, tmp_path):
    with h5py.File(tiny_run, "r") as f:
        has_sector = "households/sector" in f or "panel/households/sector" in f
        households = f["households/village"].shape[0]
    out = tmp_path / "sector.png"
    if not has_sector:
        result = run_script("plot_distributions.py", tiny_run, "-o", out, "--by", "sector",
                            check=False)
        assert result.returncode == 2 and "sector" in result.stderr
        # With a sector column added, the same call draws one.
        copy = tmp_path / "with_sector.h5"
        shutil.copy(tiny_run, copy)
        with h5py.File(copy, "r+") as f:
            d = f.create_dataset("households/sector", data=np.arange(households) % 4)
            d.attrs["units"] = "1"
            d.attrs["description"] = "Sector."
        tiny_run = copy
    run_script("plot_distributions.py", tiny_run, "-o", out, "--by", "sector")
    assert_figure(out)


def test_plot_network_from_the_panel(tiny_run, tmp_path):
    out = tmp_path / "net.png"
    result = run_script("plot_network.py", tiny_run, "-o", out, "--step", "24")
    assert_figure(out)
    assert "S assortativity" in result.stdout and "panel snapshot at step 24" in result.stdout


def test_plot_network_prefers_a_field_of_all_households(tiny_run, tmp_path):
    copy = tmp_path / "with_field.h5"
    shutil.copy(tiny_run, copy)
    with h5py.File(copy, "r+") as f:
        n = f["network/offsets"].shape[0] - 1
        if "households/S" not in f:
            d = f.create_dataset("households/S", data=np.linspace(0.2, 0.8, n))
            d.attrs["units"] = "1"
            d.attrs["description"] = "Life satisfaction at the end."
    out = tmp_path / "net_all.png"
    result = run_script("plot_network.py", copy, "-o", out)
    assert_figure(out)
    assert f"all {n} households" in result.stdout
    # Households are numbered by village and ties are mostly within villages, so a value
    # that rises with the id is strongly assortative.
    r = float(result.stdout.split("S assortativity ")[1].split()[0])
    assert r > 0.5


def test_survey_report(tiny_run_with_survey, tmp_path):
    out = tmp_path / "survey.md"
    run_script("survey_report.py", tiny_run_with_survey, "-o", out)
    text = out.read_text()
    assert text.startswith("# Virtual survey")
    for needle in ["| statistic | target |", "Cronbach's alpha", "KMO", "Bartlett p",
                   "P ~ E", "S ~ C + P + R: C", "indirect effect", "bootstrap interval"]:
        assert needle in text, needle
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) >= 2 + 6 + 4 + 6 + 2  # header, alphas, KMO/Bartlett, paths, indirect
    assert len({line.count("|") for line in table}) == 1  # every row has every column
    printed = run_script("survey_report.py", tiny_run_with_survey).stdout
    assert printed == text


def test_survey_report_without_survey(tmp_path):
    path = tmp_path / "run.h5"
    write_synthetic_run(path, "baseline", 0, with_attrs=False)
    result = run_script("survey_report.py", path, check=False)
    assert result.returncode == 2 and "no /survey" in result.stderr


# ----- a batch -----------------------------------------------------------------------

def test_plot_batch_synthetic(tmp_path):
    synthetic_batch = make_synthetic_batch(tmp_path / "batch", "compound")
    out = tmp_path / "bands.png"
    run_script("plot_batch.py", synthetic_batch, "-m", "S_mean", "-m", "restoration_rate",
               "-o", out)
    assert_figure(out)
    out_range = tmp_path / "range.png"
    run_script("plot_batch.py", synthetic_batch, "-o", out_range, "--band", "range")
    assert_figure(out_range)


def test_plot_forest_synthetic_recovers_the_effects(synthetic_batch, tmp_path):
    out, csv = tmp_path / "forest.png", tmp_path / "forest.csv"
    run_script("plot_forest.py", synthetic_batch, "-o", out, "--csv", csv, "-b", "baseline")
    assert_figure(out, dpi=None)  # plot_forest.py keeps its own resolution
    table = pd.read_csv(csv)
    assert list(table.columns) == ["metric", "arm", "mean", "low", "high", "pairs"]
    for arm, effect in SYNTHETIC_EFFECTS.items():
        if arm == "baseline":
            continue
        row = table[table["arm"] == arm].iloc[0]
        assert row["mean"] == pytest.approx(effect, abs=1e-12)
        assert row["high"] - row["low"] == pytest.approx(0.0, abs=1e-9)  # exact pairs
        assert row["pairs"] == 4


def test_batch_scripts_on_the_tiny_batch(tiny_batch, tmp_path):
    bands, forest = tmp_path / "bands.png", tmp_path / "forest.png"
    run_script("plot_batch.py", tiny_batch, "-m", "S_mean", "-o", bands)
    assert_figure(bands)
    result = run_script("plot_forest.py", tiny_batch, "-m", "S_mean", "-m", "C_mean",
                        "-o", forest, "--csv", tmp_path / "f.csv")
    assert_figure(forest, dpi=None)
    assert "bounded_confidence" in result.stdout
    table = pd.read_csv(tmp_path / "f.csv")
    assert set(table["metric"]) == {"S_mean", "C_mean"} and (table["pairs"] == 3).all()


def test_batch_scripts_reject_bad_input(tmp_path):
    synthetic_batch = make_synthetic_batch(tmp_path / "batch", "attrs")
    result = run_script("plot_forest.py", synthetic_batch, "-o", tmp_path / "f.png",
                        "-b", "no_such_arm", check=False)
    assert result.returncode == 2 and "no_such_arm" in result.stderr
    result = run_script("plot_batch.py", synthetic_batch, "-o", tmp_path / "b.png",
                        "-m", "no_such_metric", check=False)
    assert result.returncode == 2 and "no_such_metric" in result.stderr
    result = run_script("plot_batch.py", tmp_path / "empty", "-o", tmp_path / "b.png",
                        check=False)
    assert result.returncode == 2 and "no run files" in result.stderr


def test_batch_scripts_on_a_minesim_batch_folder(minesim_batch_folder, tmp_path):
    """The layout `minesim batch` writes (index.h5 /runs as a group of columns)."""
    batch = minesim_io.load_batch(minesim_batch_folder)
    assert len(batch["arms"]) >= 2 and batch["runs"]["complete"].all()
    assert batch["runs"]["arm"].notna().all() and batch["runs"]["replicate"].notna().all()
    bands, forest = tmp_path / "bands.png", tmp_path / "forest.png"
    run_script("plot_batch.py", minesim_batch_folder, "-o", bands)
    assert_figure(bands)
    run_script("plot_forest.py", minesim_batch_folder, "-o", forest, "-b", batch["arms"][0])
    assert_figure(forest, dpi=None)


def test_plot_forest_agrees_with_minesim_compare(minesim_exe, minesim_batch_folder, tmp_path):
    """Two independent implementations of the paired comparison (Python and `minesim
    compare`, C++) give the same differences and intervals."""
    baseline = minesim_io.load_batch(minesim_batch_folder)["arms"][0]
    metrics = ["S_mean", "C_mean"]
    compare = subprocess.run(
        [minesim_exe, "compare", str(minesim_batch_folder), "--baseline", baseline, "--csv",
         *[a for m in metrics for a in ("--metric", m)]],
        capture_output=True, text=True, timeout=120)
    if compare.returncode != 0 or not compare.stdout.startswith("baseline,"):
        pytest.skip("this minesim has no `compare --csv`")
    theirs = pd.read_csv(io.StringIO(compare.stdout)).set_index(["metric", "arm"])
    csv = tmp_path / "ours.csv"
    args = [a for m in metrics for a in ("-m", m)]
    run_script("plot_forest.py", minesim_batch_folder, *args, "-b", baseline,
               "-o", tmp_path / "f.png", "--csv", csv)
    ours = pd.read_csv(csv).set_index(["metric", "arm"])
    for key, row in ours.iterrows():
        other = theirs.loc[key]
        assert row["pairs"] == other["pairs"]
        assert row["mean"] == pytest.approx(other["mean_difference"], rel=1e-9, abs=1e-15)
        assert row["low"] == pytest.approx(other["ci_low"], rel=1e-7, abs=1e-12)
        assert row["high"] == pytest.approx(other["ci_high"], rel=1e-7, abs=1e-12)


# ----- docs/model-results.md ---------------------------------------------------------

def _reduced_batch(name, tmp_path, replicates=3):
    """scenarios/batches/<name> with fewer replicates on a tiny region (same arms)."""
    source = (ANALYSIS.parent / "scenarios" / "batches" / name).read_text()
    baseline = ANALYSIS.parent / "scenarios" / "baseline.toml"
    source = source.replace('scenario = "../baseline.toml"', f'scenario = "{baseline}"')
    source = source.replace("replicates = 30", f"replicates = {replicates}")
    source = source.replace("households.count = 2000",
                            "households.count = 400\nregion.villages = 10\n"
                            "simulation.steps = 36\nsimulation.spinup_steps = 6")
    path = tmp_path / name
    path.write_text(source)
    return path


def test_model_results_on_reduced_batches(minesim_exe, tmp_path):
    """The script reads both shipped batch files' folders and writes every table: five
    models on each landscape setting, and one row group per lever."""
    folders = {}
    for name in ("model_results.toml", "levers.toml"):
        folders[name] = tmp_path / name.replace(".toml", "")
        subprocess.run([minesim_exe, "batch", str(_reduced_batch(name, tmp_path)), "-o",
                        str(folders[name]), "--quiet"], check=True, timeout=600)
    out = tmp_path / "results.md"
    run_script("model_results.py", folders["model_results.toml"], "--levers",
               folders["levers.toml"], "-o", out)
    text = out.read_text()
    for model in ("enterprise_direct", "enterprise_funded_gov_organized", "joint",
                  "state_funded", "investment_promotion"):
        assert text.count(f"| `{model}` |") == 2, model
    for arm in ("willingness_cap_1.8", "dispute_cooldown_12", "months_per_round_3",
                "no_spinup", "no_payouts", "no_county_cofunding", "no_unremedied_prior",
                "high_grievance"):
        assert f"(`{arm}`, n=3)" in text, arm
    assert "3 replicates per model." in text

    # Without the lever batch only the model tables; a batch without the arms is refused.
    alone = run_script("model_results.py", folders["model_results.toml"]).stdout
    assert "## Levers" not in alone and "| `joint` |" in alone
    wrong = run_script("model_results.py", folders["levers.toml"], check=False)
    assert wrong.returncode == 2 and "no arm 'enterprise_direct_landscape_seed-1'" in wrong.stderr
