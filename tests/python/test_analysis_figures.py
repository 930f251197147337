"""The figures of the analysis scripts, built in this process from synthetic files (no
executable needed): 300 dpi raster or vector output, readable labels with units and never
a raw dataset name or "(1)", no text overlapping or cut off, batch bands within the data,
and plot_run's overlay of several runs with the scenario's calendar events marked."""

import csv

import h5py
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import minesim_figures  # noqa: E402
import minesim_io  # noqa: E402
import minesim_labels  # noqa: E402
import plot_batch  # noqa: E402
import plot_distributions  # noqa: E402
import plot_network  # noqa: E402
import plot_run  # noqa: E402
import plot_sensitivity  # noqa: E402
from conftest import (REGION_SERIES, REPO, assert_figure, layout_problems,  # noqa: E402
                      make_synthetic_batch, raw_names_shown, write_region_run)

#: Calendar of the synthetic runs: two closures at step 12, a parameter change at 18.
CALENDAR = [{"step": 12, "action": "close_mine", "mine": 4},
            {"step": 12, "action": "close_mine", "mine": 5},
            {"step": 18, "action": "set", "key": "mines.damage_ha_per_10kt", "value": 0.33}]

#: Every dataset name the synthetic files hold (none may appear as is in a figure).
DATASET_NAMES = list(REGION_SERIES) + ["income_yuan_per_year", "received_yuan",
                                       "damaged_land_ha", "restoration_rate"]


@pytest.fixture(scope="module")
def region_runs(tmp_path_factory):
    """Two synthetic runs: 'closure' with the whole calendar, 'other' with only the
    closures and a different seed; 400 households in 40 villages."""
    directory = tmp_path_factory.mktemp("region")
    first, second = directory / "closure.h5", directory / "other.h5"
    write_region_run(first, seed=1, households=400, villages=40, calendar=CALENDAR)
    write_region_run(second, seed=2, households=400, villages=40, calendar=CALENDAR[:2],
                     shift=0.05)
    return first, second


@pytest.fixture
def captured(monkeypatch):
    """Figures the scripts hand to minesim_figures.save, kept for inspection; the file is
    written only when the list's ``write`` attribute is true."""
    original = minesim_figures.save

    class Captured(list):
        write = False

    figures = Captured()

    def save(fig, output, also_pdf=False):
        figures.append(fig)
        return original(fig, output, also_pdf) if figures.write else [output]

    monkeypatch.setattr(minesim_figures, "save", save)
    return figures


def assert_clean(fig):
    assert layout_problems(fig) == []
    assert raw_names_shown(fig, DATASET_NAMES) == []


# ----- labels ------------------------------------------------------------------------

def test_labels_have_units_but_never_one():
    assert minesim_labels.label("damaged_ha", "ha") == "Damaged land (ha)"
    assert minesim_labels.label("S_mean", "1") == "Life satisfaction S (mean)"
    assert minesim_labels.label("income_mean_yuan", "yuan/year") == \
        "Mean household income (yuan/year)"
    # Unknown names: the description (without its full stop), else a tidied name.
    assert minesim_labels.label("x_new", "t CO2", "Carbon stored in X.") == \
        "Carbon stored in X (t CO2)"
    assert minesim_labels.label("x_new", b"1") == "X new"


def test_every_documented_time_series_has_a_label():
    """docs/output-format.md's table of /timeseries names: each has an entry in the table."""
    text = (REPO / "docs" / "output-format.md").read_text()
    section = text.split("## /timeseries", 1)[1].split("\n## ", 1)[0]
    names = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("name", "---"):
            names += [n.strip() for n in cells[0].split(",")]
    assert len(names) > 50
    missing = [n for n in names if n not in minesim_labels.LABELS]
    assert missing == []


def test_load_run_label_uses_the_files_units(region_runs):
    run = minesim_io.load_run(region_runs[0])
    assert minesim_io.label(run, "damaged_ha") == "Damaged land (ha)"
    assert minesim_io.label(run, "received_yuan") == "Compensation received (yuan)"
    assert minesim_io.label(run, "mystery_series_x") == \
        "A series the label table does not know (t CO2)"


# ----- calendar ----------------------------------------------------------------------

def test_calendar_events_of_a_run(region_runs, monkeypatch):
    events = minesim_io.calendar_events(region_runs[0])
    assert list(events["step"]) == [12, 12, 18]
    assert list(events["label"]) == ["close mine 4", "close mine 5",
                                     "set damage_ha_per_10kt = 0.33"]
    assert events.loc[2, "key"] == "mines.damage_ha_per_10kt" and events.loc[2, "value"] == 0.33
    assert events.loc[0, "mine"] == 4
    # The same from a loaded run, and without a TOML library (Python < 3.11).
    run = minesim_io.load_run(region_runs[0])
    monkeypatch.setattr(minesim_io, "tomllib", None)
    again = minesim_io.calendar_events(run)
    assert again[["step", "action", "label"]].equals(events[["step", "action", "label"]])


def test_calendar_events_without_a_calendar(tmp_path):
    path = tmp_path / "plain.h5"
    write_region_run(path)
    events = minesim_io.calendar_events(path)
    assert events.empty and list(events.columns) == ["step", "action", "label"]


# ----- plot_run ----------------------------------------------------------------------

def test_plot_run_of_one_run(region_runs, tmp_path, captured):
    captured.write = True
    out = tmp_path / "one.png"
    assert plot_run.main([str(region_runs[0]), "-o", str(out)]) == 0
    assert_figure(out, dpi=300)
    (fig,) = captured
    assert_clean(fig)
    title = fig._suptitle.get_text()
    assert "closure" not in title and ".h5" not in title and "one run" in title
    ylabels = {ax.get_ylabel() for ax in fig.axes}
    assert {"Area (ha)", "Mean household income (yuan/year)",
            "Households petitioning (share)"} <= ylabels
    assert all(ax.get_xlabel() in ("", "Time (years)") for ax in fig.axes)


def event_lines(ax):
    """x positions of the vertical dashed lines of ``ax``."""
    return sorted({round(float(line.get_xdata()[0]), 9) for line in ax.get_lines()
                   if line.get_linestyle() == "--" and len(set(line.get_xdata())) == 1})


def test_plot_run_overlays_runs_and_marks_the_calendar(region_runs, tmp_path, captured):
    out = tmp_path / "two.png"
    assert plot_run.main([*map(str, region_runs), "-o", str(out), "--label", "closure",
                          "--label", "no change"]) == 0
    (fig,) = captured
    assert_clean(fig)
    panels = [ax for ax in fig.axes if ax.axison and ax.get_visible()]
    land = next(ax for ax in panels if ax.get_title() == "Land")
    # Two runs x four area series, and each run in its own colour.
    data_lines = [line for line in land.get_lines() if len(set(line.get_xdata())) > 1]
    assert len(data_lines) == 8
    assert len({line.get_color() for line in data_lines}) == 2
    legend_texts = {t.get_text() for ax in fig.axes if ax.get_legend()
                    for t in ax.get_legend().get_texts()}
    assert {"closure", "no change", "Damaged land"} <= legend_texts
    # The events: a line in every panel where the month of the event begins ...
    expected = [round((12 - 1) / 12, 9), round((18 - 1) / 12, 9)]
    for ax in panels:
        assert event_lines(ax) == expected, ax.get_title()
    # ... and short labels above the top row; the event only one run has is named so.
    tops = [child for ax in fig.axes for child in ax.child_axes]
    assert tops
    texts = [t.get_text() for t in tops[0].xaxis.get_ticklabels()]
    assert texts == ["close mine 4\nclose mine 5", "set damage_ha_per_10kt = 0.33 (closure)"]


def test_plot_run_names_runs_by_file_stem(region_runs, tmp_path, captured):
    plot_run.main([*map(str, region_runs), "-o", str(tmp_path / "x.png")])
    (fig,) = captured
    legend_texts = {t.get_text() for ax in fig.axes if ax.get_legend()
                    for t in ax.get_legend().get_texts()}
    assert {"closure", "other"} <= legend_texts


def test_plot_run_rejects_a_wrong_number_of_labels(region_runs, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        plot_run.main([*map(str, region_runs), "-o", str(tmp_path / "x.png"),
                       "--label", "only one"])
    assert stop.value.code == 2
    assert "--label given 1 times for 2 run files" in capsys.readouterr().err


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_vector_output_by_suffix(tmp_path, suffix, magic):
    batch = make_synthetic_batch(tmp_path / "batch", "attrs")
    out = tmp_path / f"bands{suffix}"
    assert plot_batch.main([str(batch), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data[:len(magic)] == magic
    if suffix == ".svg":  # vector paths, not an embedded picture
        assert b"<path" in data and b"<image" not in data


# ----- plot_distributions, plot_network ----------------------------------------------

@pytest.mark.parametrize("by", ["village", "county"])
def test_plot_distributions_labels_and_layout(region_runs, tmp_path, captured, by):
    captured.write = by == "county"
    out = tmp_path / "d.png"
    assert plot_distributions.main([str(region_runs[0]), "-o", str(out), "--by", by]) == 0
    if captured.write:
        assert_figure(out, dpi=300)
    (fig,) = captured
    assert_clean(fig)  # 40 villages: the box plots name only as many as fit
    xlabels = [ax.get_xlabel() for ax in fig.axes]
    assert {"Life satisfaction S", "Household income (yuan/year)",
            "Compensation received (yuan)", by.capitalize()} <= set(xlabels)
    assert "closure" not in fig._suptitle.get_text()


def test_plot_distributions_histogram_ticks_are_short(region_runs, tmp_path, captured):
    plot_distributions.main([str(region_runs[0]), "-o", str(tmp_path / "d.png")])
    (fig,) = captured
    fig.canvas.draw()
    income = next(ax for ax in fig.axes if ax.get_xlabel().startswith("Household income"))
    ticks = [t.get_text() for t in income.get_xticklabels() if t.get_text()]
    assert ticks and all(len(t) <= 5 for t in ticks), ticks  # 20k, not 20000


def test_plot_network_labels_and_layout(region_runs, tmp_path, captured, capsys):
    captured.write = True
    out = tmp_path / "n.png"
    assert plot_network.main([str(region_runs[0]), "-o", str(out)]) == 0
    assert_figure(out, dpi=300)
    (fig,) = captured
    assert_clean(fig)
    labels = {ax.get_xlabel() for ax in fig.axes} | {ax.get_ylabel() for ax in fig.axes}
    assert "Life satisfaction S, household" in labels
    assert "S assortativity" in capsys.readouterr().out


# ----- plot_batch --------------------------------------------------------------------

def test_batch_bands_stay_within_the_replicates():
    """A share near zero: the t interval of the mean would reach below 0."""
    rows = []
    for step in range(4):
        for replicate, value in enumerate([0.0, 0.0, 0.0, 0.02 * (step + 1)]):
            rows.append({"arm": "a", "step": step, "replicate": replicate, "share": value})
    frame = pd.DataFrame(rows)
    unclipped = [pd.Series([0.0, 0.0, 0.0, 0.02 * (s + 1)]) for s in range(4)]
    for band in ("ci", "range"):
        bands = plot_batch.arm_bands(frame, "share", 0.95, band)
        for step, values in enumerate(unclipped):
            row = bands[bands["step"] == step].iloc[0]
            assert values.min() <= row["low"] <= row["mean"] <= row["high"] <= values.max()
    ci = plot_batch.arm_bands(frame, "share", 0.95, "ci")
    assert (ci["low"] == 0.0).all()  # clipped at the smallest replicate


def test_plot_batch_labels_and_layout(tmp_path, captured):
    captured.write = True
    batch = make_synthetic_batch(tmp_path / "batch", "compound")
    out = tmp_path / "bands.png"
    assert plot_batch.main([str(batch), "-m", "S_mean", "-m", "restoration_rate",
                            "-o", str(out)]) == 0
    assert_figure(out, dpi=300)
    (fig,) = captured
    assert_clean(fig)
    ylabels = [ax.get_ylabel() for ax in fig.axes if ax.get_visible()]
    assert ylabels == ["Life satisfaction S (mean)", "Restoration rate, all mines"]
    title = fig._suptitle.get_text()
    assert "batch" not in title and "by arm" in title
    # Every band lies within the replicates' values at its step.
    loaded = minesim_io.load_batch(batch)
    ts = loaded["timeseries"]
    for ax, metric in zip(fig.axes, ["S_mean", "restoration_rate"]):
        lowest = ts.groupby("step")[metric].min().min()
        highest = ts.groupby("step")[metric].max().max()
        for collection in ax.collections:
            ys = np.concatenate([p.vertices[:, 1] for p in collection.get_paths()])
            assert lowest - 1e-12 <= ys.min() and ys.max() <= highest + 1e-12


# ----- plot_sensitivity --------------------------------------------------------------

def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


INDEX_HEADER = ["output", "parameter", "method", "mu", "mu_star", "mu_star_low",
                "mu_star_high", "sigma", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]


def test_plot_sensitivity_morris_with_a_ranking(tmp_path, captured):
    captured.write = True
    folder = tmp_path / "morris"
    folder.mkdir()
    rows = []
    for output in ("S_mean", "dispute_late"):
        for k in range(6):
            mu = 0.1 * (k + 1)
            rows.append([output, f"perception.p{k}", "morris", mu, mu, 0.8 * mu, 1.2 * mu,
                         0.5 * mu, "", "", "", "", "", ""])
    write_csv(folder / "indices.csv", INDEX_HEADER, rows)
    write_csv(folder / "ranking.csv", ["output", "p_a_beats_b", "low", "high", "n"],
              [["S_mean", 0.7, 0.6, 0.8, 40], ["dispute_late", 0.3, 0.2, 0.4, 40]])
    out = tmp_path / "morris.png"
    assert plot_sensitivity.main([str(folder), "-o", str(out)]) == 0
    assert_figure(out, dpi=300)
    (fig,) = captured
    assert_clean(fig)
    titles = {ax.get_title() for ax in fig.axes}
    assert "Life satisfaction S (mean)" in titles and "dispute_late" in titles


def test_plot_sensitivity_sobol_and_posterior(tmp_path, captured):
    sobol = tmp_path / "sobol"
    sobol.mkdir()
    write_csv(sobol / "indices.csv", INDEX_HEADER,
              [["y", f"x{k}", "sobol", "", "", "", "", "", 0.1 * k, 0.05 * k, 0.15 * k,
                0.12 * k, 0.1 * k, 0.2 * k] for k in range(4)])
    assert plot_sensitivity.main([str(sobol), "-o", str(tmp_path / "s.png")]) == 0
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    write_csv(calibration / "estimate.csv", ["parameter", "estimate", "low", "high"],
              [["perception.a", 0.5, 0.3, 0.7], ["households.b", 2.0, 1.0, 3.0]])
    rng = np.random.default_rng(0)
    with h5py.File(calibration / "posterior.h5", "w") as f:
        f["particles/weight"] = np.full(40, 1 / 40)
        f["particles/perception.a"] = rng.uniform(0.2, 0.8, 40)
        f["particles/households.b"] = rng.uniform(1.0, 3.0, 40)
    assert plot_sensitivity.main([str(calibration), "-o", str(tmp_path / "p.png")]) == 0
    for fig in captured:
        assert_clean(fig)
