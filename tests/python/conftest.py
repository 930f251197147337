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


def png_dpi(path):
    """(x, y) resolution in dots per inch from a PNG's pHYs chunk, or None without one."""
    data = Path(path).read_bytes()
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"pHYs" and length == 9 and body[8] == 1:  # unit 1: pixels per metre
            return tuple(round(int.from_bytes(body[i:i + 4], "big") * 0.0254) for i in (0, 4))
        if kind == b"IEND":
            break
        position += 12 + length
    return None


def assert_figure(path, dpi=300):
    """A figure file exists and is a non-trivial PNG, written at ``dpi`` (None: any)."""
    path = Path(path)
    assert path.is_file(), f"{path} not written"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert len(data) > 5000, f"{path} is suspiciously small ({len(data)} bytes)"
    if dpi is not None:
        assert png_dpi(path) == (dpi, dpi), f"{path}: {png_dpi(path)} dpi, not {dpi}"


# ------------------------------------------------------------------------------------
# Figure checks (matplotlib figures built in this process)

def _all_axes(fig):
    """Every axes of the figure, with the child axes (secondary axes) of each."""
    out = []
    for ax in fig.axes:
        out.append(ax)
        out.extend(getattr(ax, "child_axes", []))
    return out


def _ticklabels_in_view(axis):
    """The tick labels matplotlib draws on ``axis``: visible, non-empty, at a tick inside
    the view interval."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * max(1.0, abs(high - low))
    labels = []
    for tick in axis.get_major_ticks():
        location = tick.get_loc()
        if location is None or not low - slack <= location <= high + slack:
            continue
        for text in (tick.label1, tick.label2):
            if text.get_visible() and text.get_text().strip():
                labels.append(text)
    return labels


def layout_problems(fig, tolerance=1.0):
    """Texts of a figure that overlap each other or stick out of the figure, as a list of
    messages (empty when the layout is clean). Checked: the suptitle, each axes' titles,
    axis labels, drawn tick labels and legend (as one box)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    items = []

    def add(name, artist):
        if artist is None or not artist.get_visible():
            return
        if hasattr(artist, "get_text") and not artist.get_text().strip():
            return
        box = artist.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            items.append((name, box))

    add("suptitle", getattr(fig, "_suptitle", None))
    for i, ax in enumerate(_all_axes(fig)):
        if not ax.get_visible():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            add(f"axes {i} title '{title.get_text()}'", title)
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if axis.get_visible():
                    add(f"axes {i} label '{axis.label.get_text()}'", axis.label)
                    for text in _ticklabels_in_view(axis):
                        add(f"axes {i} tick label '{text.get_text()}'", text)
                    add(f"axes {i} offset '{axis.get_offset_text().get_text()}'",
                        axis.get_offset_text())
        add(f"axes {i} legend", ax.get_legend())
    problems = []
    frame = fig.bbox
    for name, box in items:
        if (box.x0 < frame.x0 - tolerance or box.y0 < frame.y0 - tolerance
                or box.x1 > frame.x1 + tolerance or box.y1 > frame.y1 + tolerance):
            problems.append(f"{name} is cut off by the figure's edge")
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            (name_a, box_a), (name_b, box_b) = items[a], items[b]
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > tolerance and height > tolerance:
                problems.append(f"{name_a} overlaps {name_b}")
    return problems


def figure_texts(fig):
    """Every visible, non-empty text of a figure (titles, labels, tick labels, legend
    entries and titles, annotations), child axes included."""
    from matplotlib.text import Text

    texts = []
    for artist in fig.findobj(Text):
        if artist.get_visible() and artist.get_text().strip():
            texts.append(artist.get_text())
    for ax in _all_axes(fig):
        for artist in ax.findobj(Text):
            if artist.get_visible() and artist.get_text().strip():
                texts.append(artist.get_text())
    return texts


def raw_names_shown(fig, names):
    """(name, text) for each dataset name in ``names`` that a text of ``fig`` shows as is,
    and each text that labels a dimensionless quantity "(1)"."""
    found = []
    for text in figure_texts(fig):
        for name in names:
            if "_" in name and name in text:
                found.append((name, text))
        if "(1)" in text or "[1]" in text:
            found.append(("(1)", text))
    return found


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


#: Time series of the synthetic region run: name -> (units, description).
REGION_SERIES = {
    "damaged_ha": ("ha", "Land damaged and not under restoration, all mines."),
    "restoring_ha": ("ha", "Land under restoration work, not yet established, all mines."),
    "restored_ha": ("ha", "Land whose restoration is established, all mines."),
    "cumulative_damaged_ha": ("ha", "All land ever damaged (damaged + restoring + restored)."),
    "restoration_rate": ("1", "Restored area over all area ever damaged, all mines."),
    "restoration_rate_legacy": ("1", "Restored over ever-damaged area, legacy mines."),
    "E_mean": ("1", "Mean economic-environment perception E of households."),
    "C_mean": ("1", "Mean compensation and employment satisfaction C of households."),
    "S_mean": ("1", "Mean life satisfaction S of households."),
    "S_p10": ("1", "10th percentile of life satisfaction (type 7 quantile)."),
    "S_p50": ("1", "Median life satisfaction (type 7 quantile)."),
    "S_p90": ("1", "90th percentile of life satisfaction (type 7 quantile)."),
    "income_mean_yuan": ("yuan/year", "Mean household income."),
    "compensation_paid_yuan": ("yuan", "Compensation paid this step, all payers."),
    "employment_mining": ("count", "Households with a mining job."),
    "unemployed": ("count", "Households that lost a mining job and found no other."),
    "petitioning_share": ("1", "Share of households petitioning this step."),
    "mystery_series_x": ("t CO2", "A series the label table does not know."),
}


def resolved_calendar(events):
    """``[[calendar.events]]`` blocks as minesim's resolved scenario writes them."""
    text = ""
    for event in events:
        text += f"\n[[calendar.events]]\nstep = {event['step']}\n"
        text += f"action = \"{event['action']}\"\n"
        for key, value in event.items():
            if key in ("step", "action"):
                continue
            literal = f'"{value}"' if isinstance(value, str) else repr(value)
            text += f"{key} = {literal}\n"
    return text


def write_region_run(path, seed=1, steps=24, households=240, villages=12, calendar=(),
                     shift=0.0):
    """A complete synthetic run file with what the one-run scripts read: root attributes,
    /scenario (a resolved_toml with ``calendar``, dicts with step, action and fields),
    REGION_SERIES, a panel every 12 steps, /households/village, /villages/county and a
    CSR /network (a ring within each village). ``shift`` moves S and the land series, so
    that overlaid runs differ."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps + 1, dtype=np.float64)
    per_village = households // villages
    village = np.repeat(np.arange(villages), per_village)
    n = len(village)
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["schema_version"] = np.int64(1)
        f.attrs["minesim_version"] = "0.1.0"
        f.attrs["seed"] = np.int64(seed)
        f.attrs["steps"] = np.int64(steps)
        scenario = f.create_group("scenario")
        scenario.attrs["toml"] = 'extends = "baseline.toml"\n'
        scenario.attrs["resolved_toml"] = (
            "# Resolved scenario\n\nschema = 1\n\n[simulation]\n"
            f"steps = {steps}  # unit: month\nseed = {seed}  # unit: 1\n\n"
            "[mines]\ndamage_ha_per_10kt = 0.3  # unit: ha/10kt\n" + resolved_calendar(calendar))
        ts = f.create_group("timeseries")
        s_mean = 0.5 + 0.1 * np.tanh(t / 12) + shift
        values = {
            "damaged_ha": 100 + 5 * t + 50 * shift, "restoring_ha": 10 + t,
            "restored_ha": 2 * t, "cumulative_damaged_ha": 112 + 8 * t,
            "restoration_rate": 2 * t / (112 + 8 * t),
            "restoration_rate_legacy": t / (112 + 8 * t),
            "E_mean": 0.4 + 0.01 * np.sin(t), "C_mean": 0.45 + 0.002 * t, "S_mean": s_mean,
            "S_p10": s_mean - 0.2, "S_p50": s_mean, "S_p90": s_mean + 0.2,
            "income_mean_yuan": 30000 + 100 * t,
            "compensation_paid_yuan": 1e5 * (t % 3), "employment_mining": 40 - t / 2,
            "unemployed": t / 4, "petitioning_share": 0.05 + 0.001 * t,
            "mystery_series_x": 3 * t,
        }
        for name, (units, description) in REGION_SERIES.items():
            _attrs(ts.create_dataset(name, data=np.asarray(values[name], dtype=np.float64)),
                   units, description)
        panel_steps = np.arange(0, steps + 1, 12, dtype=np.int64)
        ids = np.sort(rng.choice(n, size=min(n, 120), replace=False)).astype(np.int64)
        panel = f.create_group("panel")
        panel.create_dataset("steps", data=panel_steps)
        panel.create_dataset("household_ids", data=ids)
        fields = {
            "S": ("1", "Life satisfaction.", rng.random((len(panel_steps), len(ids)))),
            "E": ("1", "Economic-environment perception.",
                  rng.random((len(panel_steps), len(ids)))),
            "income_yuan_per_year": ("yuan/year", "Household income.",
                                     rng.lognormal(10.3, 0.4, (len(panel_steps), len(ids)))),
            "received_yuan": ("yuan", "Compensation received so far, all payers.",
                              rng.gamma(2.0, 600000.0, (len(panel_steps), len(ids)))),
            "damaged_land_ha": ("ha", "Farmland damaged and not restored.",
                                rng.random((len(panel_steps), len(ids)))),
        }
        for name, (units, description, data) in fields.items():
            _attrs(panel.create_dataset(f"households/{name}", data=data), units, description)
        _attrs(f.create_dataset("households/village", data=village.astype(np.int64)), "1",
               "Village of each household.")
        county = (np.arange(villages) >= villages // 2).astype(np.int64)
        _attrs(f.create_dataset("villages/county", data=county), "1", "County of each village.")
        neighbours = []
        for i in range(n):
            first = village[i] * per_village
            k = i - first
            neighbours.append(sorted({first + (k + 1) % per_village,
                                      first + (k - 1) % per_village}))
        offsets = np.concatenate([[0], np.cumsum([len(x) for x in neighbours])])
        _attrs(f.create_dataset("network/offsets", data=offsets.astype(np.uint64)), "1",
               "CSR offsets.")
        _attrs(f.create_dataset("network/targets", data=np.concatenate(neighbours)
                                .astype(np.uint32)), "1", "CSR targets.")
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
