"""plot_forest.py --stat: the statistic each run's series is reduced to before pairing, its
per-kind default (sum for a flow, final for a stock), its bad input, and the figure it
writes (300 dpi PNG, or vector graphics for .svg and .pdf). The batch is the tiny batch
`minesim batch` writes from scenarios/batches/tiny.toml (MINESIM_EXE)."""

import math
import struct

import h5py
import numpy as np
import pandas as pd
import pytest

import plot_forest
from conftest import assert_figure, run_script

FLOW = "compensation_paid_yuan"
STOCK = "S_mean"


def _paired_runs(folder):
    """(arm, replicate) -> run file, and the baseline and other arm, from index.h5."""
    with h5py.File(folder / "index.h5", "r") as f:
        runs = f["runs"]
        ids = runs["run_id"].asstr()[()]
        arms = runs["arm"].asstr()[()]
        replicates = runs["replicate"][()]
    files = {(a, int(r)): folder / "runs" / f"{i}.h5" for i, a, r in zip(ids, arms, replicates)}
    ordered = list(dict.fromkeys(arms))
    return files, ordered[0], ordered[1]


def _differences(folder, metric, reduce):
    """Per replicate: reduce(arm's series) - reduce(baseline's series), read with h5py."""
    files, baseline, arm = _paired_runs(folder)
    out = []
    for replicate in sorted({r for _, r in files}):
        values = []
        for which in (arm, baseline):
            with h5py.File(files[(which, replicate)], "r") as f:
                values.append(reduce(f["timeseries"][metric][()]))
        out.append(values[0] - values[1])
    return baseline, arm, np.array(out)


def _forest(capsys, folder, tmp_path, *args, name="f"):
    """plot_forest.py's main in this process (fast): its table and what it printed."""
    csv = tmp_path / f"{name}.csv"
    capsys.readouterr()
    assert plot_forest.main([str(a) for a in (folder, "-o", tmp_path / f"{name}.png",
                                               "--csv", csv, *args)]) == 0
    return pd.read_csv(csv).set_index(["metric", "arm"]), capsys.readouterr().out


def test_the_kinds_are_in_the_run_files(minesim_batch_folder):
    files, _, _ = _paired_runs(minesim_batch_folder)
    with h5py.File(next(iter(files.values())), "r") as f:
        assert f["timeseries"][FLOW].attrs["kind"] == "flow"
        assert f["timeseries"][STOCK].attrs["kind"] == "stock"


def test_stat_sum_is_the_mean_of_per_replicate_differences_of_sums(minesim_batch_folder,
                                                                   tmp_path, capsys):
    # Sums over steps 1 to the last: step 0 is the initial state.
    baseline, arm, d = _differences(minesim_batch_folder, FLOW, lambda v: v[1:].sum())
    assert np.any(d != 0), "the arms pay the same: the test would prove nothing"
    table, out = _forest(capsys, minesim_batch_folder, tmp_path, "-m", FLOW, "-b", baseline,
                         "--stat", "sum")
    row = table.loc[(FLOW, arm)]
    assert row["pairs"] == len(d)
    assert row["mean"] == pytest.approx(d.sum() / len(d), rel=1e-12, abs=1e-9)
    half = math.sqrt(2 * 0.95**2 / (1 - 0.95**2)) * d.std(ddof=1) / math.sqrt(len(d))
    assert row["low"] == pytest.approx(d.mean() - half, rel=1e-9, abs=1e-9)
    assert row["high"] == pytest.approx(d.mean() + half, rel=1e-9, abs=1e-9)
    assert " sum " in out and " yuan " in out  # the statistic and the units are printed


def test_default_is_sum_for_a_flow_and_final_for_a_stock(minesim_batch_folder, tmp_path,
                                                         capsys):
    baseline, arm, sums = _differences(minesim_batch_folder, FLOW, lambda v: v[1:].sum())
    _, _, finals = _differences(minesim_batch_folder, STOCK, lambda v: v[-1])
    default, out = _forest(capsys, minesim_batch_folder, tmp_path, "-m", FLOW, "-m", STOCK,
                           "-b", baseline, name="default")
    summed, _ = _forest(capsys, minesim_batch_folder, tmp_path, "-m", FLOW, "-b", baseline,
                        "--stat", "sum", name="sum")
    pd.testing.assert_frame_equal(default.loc[[FLOW]], summed)
    assert default.loc[(FLOW, arm), "mean"] == pytest.approx(sums.mean(), rel=1e-12, abs=1e-9)
    assert default.loc[(STOCK, arm), "mean"] == pytest.approx(finals.mean(), rel=1e-12,
                                                              abs=1e-15)
    # The printed table names each metric's statistic and units.
    lines = {line.split()[0]: line.split() for line in out.splitlines()
             if line.split()[:1] in ([FLOW], [STOCK])}
    assert lines[FLOW][1:3] == ["sum", "yuan"], lines
    assert lines[STOCK][1:3] == ["final", "1"], lines


def test_mean_and_at_read_the_steps_asked_for(minesim_batch_folder, tmp_path, capsys):
    baseline, arm, d = _differences(minesim_batch_folder, STOCK, lambda v: v[6:13].mean())
    table, _ = _forest(capsys, minesim_batch_folder, tmp_path, "-m", STOCK, "-b", baseline,
                       "--stat", "mean:6-12", name="mean")
    assert table.loc[(STOCK, arm), "mean"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-15)
    baseline, arm, d = _differences(minesim_batch_folder, FLOW, lambda v: v[5])
    table, _ = _forest(capsys, minesim_batch_folder, tmp_path, "-m", FLOW, "-b", baseline,
                       "--stat", "at:5", name="at")
    assert table.loc[(FLOW, arm), "mean"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("stat, message", [
    ("median", "--stat: expected final, sum, mean:FROM-TO or at:STEP, got 'median'"),
    ("mean:3", "--stat: expected final, sum, mean:FROM-TO or at:STEP, got 'mean:3'"),
    ("mean:9-2", "--stat: mean:9-2: FROM is after TO"),
    ("at:999", "--stat: at:999 reads step 999, but run "),
])
def test_bad_stat_exits_2_with_one_line(minesim_batch_folder, tmp_path, capsys, stat, message):
    capsys.readouterr()
    assert plot_forest.main([str(minesim_batch_folder), "-o", str(tmp_path / "f.png"),
                             "--stat", stat]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not (tmp_path / "f.png").exists()


def test_bad_stat_from_the_command_line(minesim_batch_folder, tmp_path):
    result = run_script("plot_forest.py", minesim_batch_folder, "-o", tmp_path / "f.png",
                        "--stat", "mean:1-2-3", check=False)
    assert result.returncode == 2
    assert result.stderr == ("plot_forest.py: --stat: expected final, sum, mean:FROM-TO or "
                             "at:STEP, got 'mean:1-2-3'\n")


def test_figure_is_300_dpi_png_or_vector(minesim_batch_folder, tmp_path):
    png, svg = tmp_path / "f.png", tmp_path / "f.svg"
    folder = str(minesim_batch_folder)
    assert plot_forest.main([folder, "-m", FLOW, "-m", STOCK, "-o", str(png)]) == 0
    assert_figure(png)
    data = png.read_bytes()
    width = struct.unpack(">I", data[16:20])[0]
    assert width == 2 * 6.5 * 300  # two panels of 6.5 inches at 300 dpi
    at = data.index(b"pHYs")  # pixels per metre: 300 dpi
    assert struct.unpack(">I", data[at + 4:at + 8])[0] == round(300 / 0.0254)
    assert plot_forest.main([folder, "-m", FLOW, "-m", STOCK, "-o", str(svg)]) == 0
    text = svg.read_text()
    assert "<svg" in text and "<image" not in text  # vector, no embedded raster
    # Readable labels with units, not dataset names; no "(1)" for dimensionless units.
    assert "total over steps 1" in text and "(yuan)" in text and "final value" in text
    assert FLOW not in text and STOCK not in text and "(1)" not in text


def test_titles_fit_and_do_not_overlap(minesim_batch_folder):
    """Constrained layout: the two-line figure title lies inside the figure and clear of
    every panel, its title and its labels."""
    import minesim_io

    metrics = [FLOW, STOCK, "negotiations"]
    batch = minesim_io.load_batch(minesim_batch_folder, metrics=metrics)
    baseline = batch["arms"][0]
    stats = {m: plot_forest.default_stat(k)
             for m, k in plot_forest.series_kinds(batch, metrics).items()}
    values = plot_forest.statistic_table(batch, metrics, stats)
    table = plot_forest.difference_table(values, metrics, baseline)
    fig = plot_forest.draw(table, batch, metrics, stats, baseline, 0.95, "tiny")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = fig._suptitle.get_window_extent(renderer)
    page = fig.bbox
    assert page.x0 <= title.x0 and title.x1 <= page.x1 and page.y0 <= title.y0
    assert title.y1 <= page.y1
    for ax in fig.axes:
        if ax.get_visible():
            assert not title.overlaps(ax.get_tightbbox(renderer)), ax.get_title()
