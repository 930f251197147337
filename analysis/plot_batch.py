#!/usr/bin/python3
"""Arms of a batch over time: plot_batch.py DIR --metric NAME -o OUT.png.

For each arm of a batch folder (DIR/runs/*.h5, see minesim_io.load_batch), draws the mean
of the chosen metric across replicates against time in years, with a band: by default the
95% confidence interval of that mean (Student t over replicates), clipped to the range of
the replicates' values at that step (so that a share never shows below 0 or above 1), or
with --band range the 2.5th to 97.5th percentile of the replicates themselves. Several
--metric options give one panel each.
"""

import argparse
import math
import sys

import minesim_deps

minesim_deps.require("plot_batch.py")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import minesim_figures  # noqa: E402
import minesim_io  # noqa: E402
import minesim_labels  # noqa: E402
import minesim_stats  # noqa: E402

STEPS_PER_YEAR = minesim_figures.STEPS_PER_YEAR


def arm_bands(timeseries, metric, level=0.95, band="ci"):
    """Per arm and step: mean, low, high and replicate count of ``metric``.

    Returns a DataFrame with columns arm, step, mean, low, high, n. ``band`` "ci" gives the
    t interval of the mean, clipped to the smallest and largest replicate value at that
    step (the interval of a share near 0 would otherwise reach below 0); "range" the
    (1 - level)/2 and (1 + level)/2 quantiles (type 7) of the replicates. Either way the
    band lies within the values observed.
    """
    rows = []
    for (arm, step), group in timeseries.groupby(["arm", "step"], sort=False):
        values = group[metric].to_numpy(dtype=np.float64)
        values = values[~np.isnan(values)]
        if band == "range":
            mean = float(values.mean()) if len(values) else math.nan
            if len(values):
                low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
            else:
                low = high = math.nan
            n = len(values)
        else:
            mean, low, high, n = minesim_stats.mean_interval(values, level)
            if n:
                low, high = max(low, float(values.min())), min(high, float(values.max()))
        rows.append({"arm": arm, "step": int(step), "mean": mean, "low": float(low),
                     "high": float(high), "n": n})
    return pd.DataFrame(rows, columns=["arm", "step", "mean", "low", "high", "n"])


def band_text(level, band):
    """What the band shows, for the legend."""
    if band == "ci":
        return f"{level:.0%} confidence interval of the mean, within the replicates' range"
    return f"{level:.0%} range of replicates"


def draw(batch, metrics, level, band, title):
    """The figure: one panel per metric, one line and band per arm."""
    ncols = 1 if len(metrics) == 1 else 2
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 3.4 * nrows), squeeze=False,
                             layout="constrained")
    flat = axes.ravel()
    for ax, metric in zip(flat, metrics):
        bands = arm_bands(batch["timeseries"], metric, level, band)
        for arm in batch["arms"]:
            b = bands[bands["arm"] == arm].sort_values("step")
            if b.empty:
                continue
            years = b["step"].to_numpy() / STEPS_PER_YEAR
            n = int(b["n"].max())
            (line,) = ax.plot(years, b["mean"], label=f"{arm} (n={n})")
            ax.fill_between(years, b["low"], b["high"], color=line.get_color(), alpha=0.2,
                            linewidth=0)
        ax.set_ylabel(minesim_labels.label(metric, batch["units"].get(metric),
                                           batch["descriptions"].get(metric)))
        ax.set_xlabel(minesim_figures.TIME_LABEL)
        ax.autoscale_view()
        minesim_figures.compact_ticks(ax.yaxis)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="x-small", title="arm (replicates)", title_fontsize="x-small")
    for ax in flat[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}\nband: {band_text(level, band)}")
    return fig


def describe(batch, metrics):
    """The figure's title: what is shown."""
    names = [minesim_labels.quantity(m, batch["descriptions"].get(m)) for m in metrics]
    what = " and ".join(names) if len(names) <= 2 else f"{len(names)} time series"
    runs = int(batch["runs"]["complete"].sum())
    return (f"{what} by arm: mean over replicates ({len(batch['arms'])} arms, "
            f"{runs} runs)")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot each arm's mean across replicates, with a band, for metrics of a "
                    "minesim batch folder (DIR/runs/*.h5).",
        epilog="Exit status: 0 written, 2 bad arguments, no runs or unknown metric.")
    parser.add_argument("batch", metavar="DIR", help="batch folder written by `minesim batch`")
    parser.add_argument("-m", "--metric", action="append", metavar="NAME",
                        help="time series to plot (repeatable; default S_mean)")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="figure to write: PNG at 300 dpi, or vector for .pdf/.svg")
    parser.add_argument("--level", type=float, default=0.95,
                        help="coverage of the band (default 0.95)")
    parser.add_argument("--band", choices=["ci", "range"], default="ci",
                        help="ci: t interval of the mean across replicates, clipped to the "
                             "replicates' range (default); range: quantiles of the replicates "
                             "themselves")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the figure (same name, .pdf)")
    args = parser.parse_args(argv)
    metrics = args.metric or ["S_mean"]
    if not 0.0 < args.level < 1.0:
        parser.error("--level must lie in (0, 1)")

    try:
        batch = minesim_io.load_batch(args.batch, metrics=metrics)
    except (OSError, ValueError) as e:
        print(f"plot_batch.py: {e}", file=sys.stderr)
        return 2
    if batch["timeseries"].empty:
        print(f"plot_batch.py: {args.batch}: no complete run", file=sys.stderr)
        return 2
    fig = draw(batch, metrics, args.level, args.band, describe(batch, metrics))
    minesim_figures.save(fig, args.output, args.pdf)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
