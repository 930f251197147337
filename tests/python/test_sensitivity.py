"""`minesim sensitivity` and `minesim calibrate` from the command line (docs/sensitivity.md).

Analytic studies are checked against the closed-form Sobol' indices of the Ishigami and g
functions; scenario studies against their own runs (the index holds every run's value, so
the contrast and the replicate means are recomputed here from it), and the calibration
against a parameter value known because the target was made by a run at that value.
"""

import csv
import math
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import REPO

BASELINE = REPO / "scenarios" / "baseline.toml"
HEADER = ("output,parameter,method,mu,mu_star,mu_star_low,mu_star_high,sigma,"
          "S1,S1_low,S1_high,ST,ST_low,ST_high")
#: 800 households in 20 villages for 24 months: about 0.03 s a run.
SMALL_SET = """[set]
households.count = 800
region.villages = 20
simulation.steps = 24
"""


def minesim(exe, *args, check=True):
    result = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"minesim {' '.join(map(str, args))} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def read_indices(path):
    with open(path, newline="") as f:
        header = f.readline().strip()
        assert header == HEADER
        f.seek(0)
        return list(csv.DictReader(f))


def uniform_inputs(n, low, high):
    return "".join(f'[[parameters]]\nkey = "x{i + 1}"\ndistribution = "uniform"\n'
                   f"low = {low!r}\nhigh = {high!r}\n" for i in range(n))


def g_indices(a):
    """Closed-form first-order and total indices of Sobol's g-function."""
    v = np.array([1.0 / (3.0 * (1.0 + ai) ** 2) for ai in a])
    total_var = np.prod(1.0 + v) - 1.0
    s1 = v / total_var
    st = np.array([v[i] * np.prod(np.delete(1.0 + v, i)) for i in range(len(a))]) / total_var
    return s1, st


def test_ishigami_sobol_matches_the_closed_form(minesim_exe, tmp_path):
    study = tmp_path / "ishigami.toml"
    study.write_text('model = "ishigami"\nmethod = "sobol"\nseed = 1\n'
                     "[sobol]\nsamples = 4096\nbootstrap = 400\n"
                     + uniform_inputs(3, -math.pi, math.pi))
    minesim(minesim_exe, "sensitivity", study, "-o", tmp_path / "out")
    rows = read_indices(tmp_path / "out" / "indices.csv")
    s1 = [0.3139, 0.4424, 0.0]
    st = [0.5576, 0.4424, 0.2437]
    for row, a, b in zip(rows, s1, st):
        assert row["method"] == "sobol" and row["mu"] == ""
        for name, truth in (("S1", a), ("ST", b)):
            est, low, high = (float(row[name + s]) for s in ("", "_low", "_high"))
            assert abs(est - truth) < 0.03, (row["parameter"], name, est, truth)
            assert low <= truth <= high, (row["parameter"], name, low, truth, high)
    with h5py.File(tmp_path / "out" / "index.h5") as f:
        assert f["runs/y"].shape == (4096 * 5,)
        x = np.stack([f[f"runs/x{i}"][:] for i in (1, 2, 3)])
        y = np.sin(x[0]) + 7 * np.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * np.sin(x[0])
        np.testing.assert_allclose(f["runs/y"][:], y, rtol=1e-12, atol=1e-12)


def test_g_function_sobol_and_morris(minesim_exe, tmp_path):
    a = [0, 1, 4.5, 9, 99, 99]
    study = tmp_path / "g.toml"
    inputs = uniform_inputs(6, 0.0, 1.0)
    study.write_text('model = "sobol_g"\nmethod = "sobol"\nseed = 2\n'
                     "[sobol]\nsamples = 4096\nbootstrap = 400\n" + inputs)
    minesim(minesim_exe, "sensitivity", study, "-o", tmp_path / "sobol")
    s1, st = g_indices(a)
    for row, a1, at in zip(read_indices(tmp_path / "sobol" / "indices.csv"), s1, st):
        for name, truth in (("S1", a1), ("ST", at)):
            est, low, high = (float(row[name + s]) for s in ("", "_low", "_high"))
            assert abs(est - truth) < 0.03, (row["parameter"], name, est, truth)
            assert low <= truth <= high, (row["parameter"], name, low, truth, high)

    morris = tmp_path / "g_morris.toml"
    morris.write_text('model = "sobol_g"\nmethod = "morris"\nseed = 2\n'
                      "[morris]\ntrajectories = 40\nlevels = 4\n" + inputs)
    minesim(minesim_exe, "sensitivity", morris, "-o", tmp_path / "morris")
    mu_star = [float(r["mu_star"]) for r in read_indices(tmp_path / "morris" / "indices.csv")]
    # Smaller a, more important input: x1 > x2 > x3 > x4 > x5, x6.
    assert mu_star[0] > mu_star[1] > mu_star[2] > mu_star[3] > max(mu_star[4], mu_star[5])


def scenario_study(path, body, method="morris", replicates=2, seed=7):
    path.write_text(f'scenario = "{BASELINE}"\nmethod = "{method}"\nseed = {seed}\n'
                    f"replicates = {replicates}\n" + SMALL_SET + body)
    return path


MORRIS_BODY = """[morris]
trajectories = 3
levels = 4
bootstrap = 100
[[parameters]]
key = "perception.S_intercept"
distribution = "uniform"
low = -1.8
high = -1.2
[[parameters]]
key = "compensation.willingness_cap_enterprise"
distribution = "triangular"
low = 1.2
mode = 1.5
high = 1.8
[[parameters]]
key = "compensation.dispute_cooldown_months"
distribution = "uniform"
low = 2
high = 12
[[outputs]]
name = "S_final"
series = "S_mean"
[[outputs]]
name = "disputes"
series = "dispute_rate"
stat = "mean"
from = 1
to = 24
[[outputs]]
name = "kmo"
series = "survey:kmo"
"""


def test_morris_study_on_a_scenario_and_its_resume(minesim_exe, tmp_path):
    study = scenario_study(tmp_path / "morris.toml", MORRIS_BODY)
    check = minesim(minesim_exe, "sensitivity", study, "--check")
    assert "12 design points x 2 replicates = 24 runs" in check.stdout
    assert "whole study" in check.stdout
    out = tmp_path / "out"
    minesim(minesim_exe, "sensitivity", study, "-o", out, "--quiet")
    rows = read_indices(out / "indices.csv")
    assert len(rows) == 9 and {r["method"] for r in rows} == {"morris"}
    with h5py.File(out / "index.h5") as f:
        runs = f["runs"]
        point = runs["point"][:]
        assert len(point) == 24
        # Every point runs on the same two seeds (common random numbers).
        seeds = runs["seed"][:].reshape(12, 2)
        assert (seeds == seeds[0]).all() and seeds[0, 0] != seeds[0, 1]
        # Integer parameters are rounded; the value in the run file is the one in the index.
        degree = runs["compensation.dispute_cooldown_months"][:]
        assert np.array_equal(degree, np.round(degree))
        s_final = runs["S_final"][:]
        first = runs["run_id"][0].decode()
        with h5py.File(out / "batch" / "runs" / f"{first}.h5") as run:
            assert run["timeseries/S_mean"][-1] == s_final[0]
            assert run["timeseries/dispute_rate"][1:25].mean() == pytest.approx(
                runs["disputes"][0], rel=1e-12)
    # mu of S_final is recomputed from the index: elementary effects of the replicate means.
    before = (out / "indices.csv").read_text()
    again = minesim(minesim_exe, "sensitivity", study, "-o", out)
    assert "24 of 24 runs complete (24 already were)" in again.stderr
    assert (out / "indices.csv").read_text() == before


def test_contrast_ranking(minesim_exe, tmp_path):
    body = """[sobol]
samples = 4
bootstrap = 50
[contrast.a]
name = "joint"
set.compensation.model = "joint"
[contrast.b]
name = "direct"
set.compensation.model = "enterprise_direct"
[[parameters]]
key = "perception.S_intercept"
distribution = "truncated_normal"
mean = -1.5
sd = 0.2
low = -2.0
high = -1.0
[[parameters]]
key = "compensation.willingness_cap_enterprise"
distribution = "uniform"
low = 1.2
high = 1.8
[[outputs]]
name = "S"
series = "S_mean"
better = "higher"
[[outputs]]
name = "disputes"
series = "dispute_rate"
stat = "mean"
better = "lower"
"""
    study = scenario_study(tmp_path / "contrast.toml", body, method="sobol", replicates=1)
    out = tmp_path / "out"
    minesim(minesim_exe, "sensitivity", study, "-o", out, "--quiet")
    with open(out / "ranking.csv", newline="") as f:
        assert f.readline().strip() == "output,p_a_beats_b,low,high,n"
    ranking = {r["output"]: r for r in csv.DictReader(open(out / "ranking.csv", newline=""))}
    with h5py.File(out / "index.h5") as f:
        runs = f["runs"]
        arm = np.array([a.decode() for a in runs["arm"][:]])
        point = runs["point"][:]
        n_points = 4 * 4
        for name, better in (("S", "higher"), ("disputes", "lower")):
            v = runs[name][:]
            diff = v[arm == "joint"] - v[arm == "direct"]
            assert np.array_equal(point[arm == "joint"], np.arange(n_points))
            # Independent draws only: the rows of A and B in each block of k + 2.
            draws = diff[[i for i in range(n_points) if i % 4 in (0, 3)]]
            wins = (draws > 0) if better == "higher" else (draws < 0)
            row = ranking[name]
            assert int(float(row["n"])) == 8
            assert float(row["p_a_beats_b"]) == pytest.approx(wins.mean())
            assert float(row["low"]) <= wins.mean() <= float(row["high"])


@pytest.mark.parametrize("body, message", [
    ('[[parameters]]\nkey = "perception.S_intercep"\ndistribution = "uniform"\nlow = 0\nhigh = 1\n'
     '[[outputs]]\nseries = "S_mean"\n',
     "parameters[0].key: unknown key"),
    ('[[parameters]]\nkey = "compensation.willingness_cap_enterprise"\ndistribution = "uniform"\n'
     'low = 0.5\nhigh = 1.8\n[[outputs]]\nseries = "S_mean"\n',
     "parameters[0].low: the distribution's support [0.5, 1.8] must lie within"),
    ('[[parameters]]\nkey = "perception.S_intercept"\ndistribution = "normal"\nlow = 0\n'
     'high = 1\n[[outputs]]\nseries = "S_mean"\n',
     'parameters[0].distribution: unknown value "normal"'),
    ('[[parameters]]\nkey = "perception.S_intercept"\ndistribution = "uniform"\nlow = -2\n'
     'high = -1\n[[outputs]]\nseries = "S_mean"\nstat = "mean"\nto = 500\n',
     "outputs[0]: outputs[0] (S_mean): step 500 is outside the run's steps 0-24"),
])
def test_bad_studies_are_refused_with_the_place(minesim_exe, tmp_path, body, message):
    study = scenario_study(tmp_path / "bad.toml", body)
    result = minesim(minesim_exe, "sensitivity", study, "-o", tmp_path / "out", check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"{study}:"), result.stderr
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_calibration_is_refused_by_sensitivity(minesim_exe, tmp_path):
    study = scenario_study(tmp_path / "cal.toml", '[[parameters]]\nkey = "perception.S_intercept"'
                           '\ndistribution = "uniform"\nlow = -2\nhigh = -1\n[[targets]]\n'
                           'series = "S_mean"\nvalue = 0.6\nsd = 0.01\n', method="abc_smc",
                           replicates=1)
    result = minesim(minesim_exe, "sensitivity", study, "-o", tmp_path / "out", check=False)
    assert result.returncode == 2 and "minesim calibrate" in result.stderr


#: The recovery example of scenarios/calibration/synthetic.toml, reduced: 60 months.
TRUTH = {"perception.S_intercept": -1.4, "compensation.willingness_cap_enterprise": 1.65,
         "households.threshold_mean": 0.2}
PRIORS = {"perception.S_intercept": (-2.2, -0.6),
          "compensation.willingness_cap_enterprise": (1.1, 2.2),
          "households.threshold_mean": (0.05, 0.45)}
#: (name, series, first step, last step) of the mean each target takes.
TARGETS = [("S_late", "S_mean", 31, 60), ("dispute_rate", "dispute_rate", 1, 60),
           ("petitioning_share", "petitioning_share", 1, 60)]
RECOVERY_SET = SMALL_SET.replace("simulation.steps = 24", "simulation.steps = 60") + \
    "simulation.landscape_seed = 1\n"


def test_calibration_recovers_three_known_parameters(minesim_exe, tmp_path):
    """Targets come from runs made with known values of three parameters: the observation is
    replicate 0 of a batch at the truth, and each target's sd is the spread of the statistic
    over replicates 1-6 (so the distance weighs each target by its own noise). ABC-SMC from
    uniform priors must cover each true value with a 95% interval under half its prior's
    width."""
    truth_batch = tmp_path / "truth.toml"
    truth_batch.write_text(f'scenario = "{BASELINE}"\nreplicates = 7\nseed = 4242\n' +
                           RECOVERY_SET + "".join(f"{k} = {v}\n" for k, v in TRUTH.items()))
    minesim(minesim_exe, "batch", truth_batch, "-o", tmp_path / "truth", "--quiet")
    stats = []
    for r in range(7):
        with h5py.File(tmp_path / "truth" / "runs" / f"base_r{r:03d}.h5") as f:
            stats.append([f["timeseries"][series][a:b + 1].mean() for _, series, a, b in TARGETS])
    stats = np.array(stats)
    observed, sd = stats[0], stats[1:].std(axis=0, ddof=1)

    body = "[abc]\nparticles = 40\nquantile = 0.5\ngenerations = 8\nmin_acceptance = 0.05\n"
    for key, (low, high) in PRIORS.items():
        body += (f'[[parameters]]\nkey = "{key}"\ndistribution = "uniform"\n'
                 f"low = {low}\nhigh = {high}\n")
    for (name, series, a, b), value, scale in zip(TARGETS, observed, sd):
        body += (f'[[targets]]\nname = "{name}"\nseries = "{series}"\nstat = "mean"\n'
                 f"from = {a}\nto = {b}\nvalue = {value!r}\nsd = {scale!r}\n")
    study = tmp_path / "calibration.toml"
    study.write_text(f'scenario = "{BASELINE}"\nmethod = "abc_smc"\nseed = 2030\n' +
                     RECOVERY_SET + body)
    out = tmp_path / "out"
    minesim(minesim_exe, "calibrate", study, "-o", out, "--quiet")
    with open(out / "estimate.csv", newline="") as f:
        assert f.readline().strip() == "parameter,estimate,low,high"
    rows = {r["parameter"]: r for r in csv.DictReader(open(out / "estimate.csv", newline=""))}
    for key, truth in TRUTH.items():
        low, high = float(rows[key]["low"]), float(rows[key]["high"])
        prior_low, prior_high = PRIORS[key]
        assert low <= truth <= high, (key, rows[key])
        assert high - low < 0.5 * (prior_high - prior_low), (key, rows[key])
    with h5py.File(out / "posterior.h5") as f:
        w = f["particles/weight"][:]
        assert len(w) == 40 and w.sum() == pytest.approx(1.0)
        for key, (low, high) in PRIORS.items():
            values = f["particles"][key][:]
            assert values.min() >= low and values.max() <= high
    # A rerun replays the finished batches from their run files: the same posterior.
    before = (out / "estimate.csv").read_text()
    minesim(minesim_exe, "calibrate", study, "-o", out, "--quiet")
    assert (out / "estimate.csv").read_text() == before
    # And the posterior plot draws.
    from conftest import assert_figure, run_script

    run_script("plot_sensitivity.py", out, "-o", tmp_path / "posterior.png")
    assert_figure(tmp_path / "posterior.png")


def test_plot_sensitivity_draws_each_kind_of_folder(minesim_exe, tmp_path):
    from conftest import assert_figure, run_script

    study = tmp_path / "g.toml"
    study.write_text('model = "sobol_g"\nmethod = "morris"\nseed = 2\n'
                     "[morris]\ntrajectories = 10\n" + uniform_inputs(6, 0.0, 1.0))
    minesim(minesim_exe, "sensitivity", study, "-o", tmp_path / "morris", "--quiet")
    run_script("plot_sensitivity.py", tmp_path / "morris", "-o", tmp_path / "morris.png")
    assert_figure(tmp_path / "morris.png")
    study.write_text(study.read_text().replace('"morris"', '"sobol"')
                     .replace("[morris]\ntrajectories = 10", "[sobol]\nsamples = 64"))
    minesim(minesim_exe, "sensitivity", study, "-o", tmp_path / "sobol", "--quiet")
    run_script("plot_sensitivity.py", tmp_path / "sobol", "-o", tmp_path / "sobol.png")
    assert_figure(tmp_path / "sobol.png")
    empty = run_script("plot_sensitivity.py", tmp_path, "-o", tmp_path / "x.png", check=False)
    assert empty.returncode == 2 and "no indices.csv" in empty.stderr


SHIPPED = sorted((REPO / "scenarios" / "sensitivity").glob("*.toml")) + \
    sorted((REPO / "scenarios" / "calibration").glob("*.toml"))


@pytest.mark.parametrize("study", SHIPPED, ids=lambda p: p.name)
def test_shipped_studies_are_valid(minesim_exe, study):
    """Every design point of the shipped studies (and the first batch of proposals of the
    shipped calibration) loads; the full studies run by the commands in their headers."""
    command = "calibrate" if "calibration" in study.parts else "sensitivity"
    result = minesim(minesim_exe, command, study, "--check")
    estimate = "generation 0" if command == "calibrate" else "whole study"
    assert ": valid " in result.stdout and estimate in result.stdout, result.stdout
