"""Fixtures of the analysis tests: a tiny run and a tiny batch made by the minesim
executable (MINESIM_EXE, set by tests/cmake/analysis.cmake; tests that need it are skipped
with a message when it is unset), and synthetic run files, surveys and batch folders
written with h5py, which need no executable.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
ANALYSIS = REPO / "analysis"
PYTHON = "/usr/bin/python3"
sys.path.insert(0, str(ANALYSIS))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import survey_reference  # noqa: E402

#: The tiny run of the issue: 800 households in 20 villages, 24 months.
TINY = ["--set", "households.count=800", "--set", "region.villages=20",
        "--set", "simulation.steps=24"]


def run_script(name, *args, check=True):
    """Run analysis/<name> with /usr/bin/python3; return the CompletedProcess."""
    result = subprocess.run([PYTHON, str(ANALYSIS / name), *map(str, args)],
                            capture_output=True, text=True, timeout=300, cwd=REPO)
    if check and result.returncode != 0:
        raise AssertionError(f"{name} {' '.join(map(str, args))} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def assert_figure(path):
    """A figure file exists and is a non-trivial PNG."""
    path = Path(path)
    assert path.is_file(), f"{path} not written"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert len(data) > 5000, f"{path} is suspiciously small ({len(data)} bytes)"


@pytest.fixture(scope="session")
def minesim_exe():
    exe = os.environ.get("MINESIM_EXE")
    if not exe:
        pytest.skip("MINESIM_EXE is not set: run through ctest (tests/cmake/analysis.cmake "
                    "sets it to the built minesim) or export MINESIM_EXE=build/minesim")
    if not os.access(exe, os.X_OK):
        pytest.fail(f"MINESIM_EXE={exe} is not an executable file")
    return exe


def minesim_run(exe, out, *extra):
    subprocess.run([exe, "run", "scenarios/baseline.toml", "-o", str(out), "--quiet", "--force",
                    "--threads", "1",
                    *TINY, *extra], cwd=REPO, check=True, timeout=300)


@pytest.fixture(scope="session")
def tiny_run(minesim_exe, tmp_path_factory):
    """A complete run file of the tiny scenario."""
    out = tmp_path_factory.mktemp("tiny") / "tiny.h5"
    minesim_run(minesim_exe, out)
    return out


@pytest.fixture(scope="session")
def tiny_run_with_survey(tiny_run, tmp_path_factory):
    """The tiny run with a /survey group: the model's own when it writes one, otherwise a
    synthetic survey added to a copy (see add_survey)."""
    with h5py.File(tiny_run, "r") as f:
        if "survey" in f:
            return tiny_run
    out = tmp_path_factory.mktemp("tiny_survey") / "tiny_survey.h5"
    shutil.copy(tiny_run, out)
    with h5py.File(out, "r+") as f:
        latents = np.column_stack([f[f"panel/households/{x}"][-1] for x in "EPCRS"])
        ids = f["panel/household_ids"][()]
        steps = int(f.attrs["steps"])
    add_survey(out, steps, latents, ids)
    return out


@pytest.fixture(scope="session")
def tiny_batch(minesim_exe, tmp_path_factory):
    """A batch folder of real tiny runs: arms 'baseline' and 'bounded_confidence', 3
    replicates each (replicate r runs on seed 100 + r in both arms), with an index.h5 /runs
    compound table; the run files carry no arm or replicate."""
    directory = tmp_path_factory.mktemp("tiny_batch")
    (directory / "runs").mkdir()
    arms = {"baseline": [], "bounded_confidence": ["--set", "influence.kind=bounded_confidence"]}
    rows = []
    for arm, extra in arms.items():
        for replicate in range(3):
            run_id = f"{arm}-r{replicate:03d}"
            minesim_run(minesim_exe, directory / "runs" / f"{run_id}.h5", "--seed",
                        str(100 + replicate), *extra)
            rows.append((run_id, arm, replicate, 100 + replicate, "complete", 0.1))
    write_index(directory, rows, layout="compound")
    return directory


# ------------------------------------------------------------------------------------
# Synthetic files

def _attrs(obj, units, description):
    obj.attrs["units"] = units
    obj.attrs["description"] = description


def likert(latents, rng, loading=0.8, per=4):
    """Likert answers as docs/odd.md §3.13 generates them (numpy, independent of the C++)."""
    n = latents.shape[0]
    columns = [1 + np.round(4 * np.clip(loading * latents[:, [c]]
                                        + (1 - loading) * rng.random((n, per)), 0, 1))
               for c in range(latents.shape[1])]
    return np.concatenate(columns, axis=1).astype(np.int64)


def add_survey(path, step, latents, ids, seed=0):
    """Add /survey/step_NNNN to a run file, with statistics computed by the numpy
    reference from Likert items generated from ``latents`` (rows: households ``ids``)."""
    rng = np.random.default_rng(seed)
    items = likert(np.asarray(latents, dtype=np.float64), rng)
    x = items.astype(np.float64)
    statistic, df, p = survey_reference.bartlett(x)
    scores = survey_reference.construct_scores(x, 4)
    paths = survey_reference.paths(scores)
    indirect = paths[1] * paths[3]
    # A small bootstrap for the interval (numpy's generator: this is test data).
    boot = []
    for _ in range(200):
        rows = rng.integers(0, len(x), len(x))
        bp = survey_reference.paths(scores[rows])
        boot.append(bp[1] * bp[3])
    low, high = np.quantile(boot, [0.025, 0.975])
    with h5py.File(path, "r+") as f:
        g = f.create_group(f"survey/step_{step:04d}")
        g.attrs["step"] = np.int64(step)
        g.attrs["sample_size"] = np.int64(len(ids))
        g.attrs["bootstrap_resamples"] = np.int64(200)
        scalars = {"alpha": survey_reference.cronbach_alpha(x),
                   "kmo": survey_reference.kmo(x), "bartlett_statistic": statistic,
                   "bartlett_df": df, "bartlett_p": p, "indirect_effect": indirect,
                   "indirect_ci_low": low, "indirect_ci_high": high, "interval_level": 0.95}
        for name, value in scalars.items():
            _attrs(g.create_dataset(name, data=np.float64(value)), "1", f"Synthetic {name}.")
        d = g.create_dataset("alpha_by_construct", data=np.array(
            [survey_reference.cronbach_alpha(x[:, 4 * c:4 * c + 4]) for c in range(5)]))
        _attrs(d, "1", "Synthetic alpha by construct.")
        d.attrs["names"] = list("EPCRS")
        d = g.create_dataset("paths", data=paths)
        _attrs(d, "1", "Synthetic paths.")
        d.attrs["names"] = ["P~E", "C~P", "R~C", "S~C", "S~P", "S~R"]
        d = g.create_dataset("items", data=items)
        _attrs(d, "1", "Synthetic answers.")
        d.attrs["names"] = [f"{c}{k}" for c in "EPCRS" for k in range(1, 5)]
        _attrs(g.create_dataset("household_ids", data=np.asarray(ids, dtype=np.int64)), "1",
               "Respondents.")


#: Effects of the synthetic arms on S_mean's final value (exact paired differences).
SYNTHETIC_EFFECTS = {"baseline": 0.0, "fair_compensation": 0.05, "digital_platform": -0.02}
SYNTHETIC_REPLICATES = 4
SYNTHETIC_STEPS = 12


def write_synthetic_run(path, arm, replicate, with_attrs, complete=True):
    """A minimal complete run file: root attributes and two time series. S_mean is
    0.5 + effect(arm) * step / steps + a replicate term shared by all arms (common random
    numbers), so every paired difference of final values equals the arm's effect."""
    steps = SYNTHETIC_STEPS
    t = np.arange(steps + 1) / steps
    shared = 0.01 * np.sin(replicate + 1.0) * t
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["schema_version"] = np.int64(1)
        f.attrs["seed"] = np.int64(100 + replicate)
        f.attrs["steps"] = np.int64(steps)
        if with_attrs:
            f.attrs["arm"] = arm
            f.attrs["replicate"] = np.int64(replicate)
        ts = f.create_group("timeseries")
        _attrs(ts.create_dataset("S_mean", data=0.5 + SYNTHETIC_EFFECTS[arm] * t + shared), "1",
               "Mean life satisfaction.")
        _attrs(ts.create_dataset("restoration_rate", data=0.1 * t + 0.001 * replicate), "1",
               "Restored over ever damaged.")
        if complete:
            f.attrs["status"] = "complete"


def write_index(directory, rows, layout):
    """DIR/index.h5 with /runs as a compound dataset or a group of column datasets.
    ``rows``: (run_id, arm, replicate, seed, status, wall_seconds)."""
    string = h5py.string_dtype("utf-8")
    columns = list(zip(*rows))
    with h5py.File(Path(directory) / "index.h5", "w") as f:
        if layout == "compound":
            dtype = np.dtype([("run_id", string), ("arm", string), ("replicate", np.int64),
                              ("seed", np.int64), ("status", string),
                              ("wall_seconds", np.float64)])
            table = np.array(rows, dtype=dtype)
            f.create_dataset("runs", data=table)
        else:
            g = f.create_group("runs")
            names = ["run_id", "arm", "replicate", "seed", "status", "wall_seconds"]
            types = [string, string, np.int64, np.int64, string, np.float64]
            for name, kind, values in zip(names, types, columns):
                _attrs(g.create_dataset(name, data=np.array(values, dtype=kind)), "1", name)


def make_synthetic_batch(directory, layout):
    """A synthetic batch folder: 3 arms x 4 replicates. ``layout``: 'attrs' (arm and
    replicate in each run file, no index), 'compound' or 'columns' (arm and replicate only
    in index.h5's /runs)."""
    directory = Path(directory)
    (directory / "runs").mkdir(parents=True)
    rows = []
    for arm in SYNTHETIC_EFFECTS:
        for replicate in range(SYNTHETIC_REPLICATES):
            run_id = f"{arm}-{replicate}"
            write_synthetic_run(directory / "runs" / f"{run_id}.h5", arm, replicate,
                                with_attrs=(layout == "attrs"))
            rows.append((run_id, arm, replicate, 100 + replicate, "complete", 0.5))
    if layout != "attrs":
        write_index(directory, rows, layout)
    return directory


@pytest.fixture(params=["attrs", "compound", "columns"])
def synthetic_batch(request, tmp_path):
    return make_synthetic_batch(tmp_path / f"batch_{request.param}", request.param)


@pytest.fixture(scope="session")
def minesim_batch_folder(minesim_exe, tmp_path_factory):
    """A batch folder written by `minesim batch` itself from scenarios/batches/tiny.toml
    (skipped where this build has no batch command or the file is missing)."""
    batch_file = REPO / "scenarios" / "batches" / "tiny.toml"
    probe = subprocess.run([minesim_exe, "batch", "--help"], capture_output=True, timeout=60)
    if probe.returncode != 0 or not batch_file.is_file():
        pytest.skip("this minesim has no `batch` command or no scenarios/batches/tiny.toml")
    out = tmp_path_factory.mktemp("minesim_batch") / "tiny"
    subprocess.run([minesim_exe, "batch", str(batch_file), "-o", str(out), "--quiet",
                    "--workers", "1", "--threads", "1"], cwd=REPO, check=True, timeout=300)
    return out
