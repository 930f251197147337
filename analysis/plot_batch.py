#!/usr/bin/python3
"""Arms of a batch over time: plot_batch.py DIR --metric NAME -o OUT.png.

For each arm of a batch folder (DIR/runs/*.h5, see minesim_io.load_batch), draws the mean
of the chosen metric across replicates against time in years, with a band: by default the
95% confidence interval of that mean (Student t over replicates), or with --band range
the 2.5th to 97.5th percentile of the replicates themselves. Several --metric options give
one panel each.
"""

import argparse
import math
import os
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import minesim_io  # noqa: E402
import minesim_stats  # noqa: E402

STEPS_PER_YEAR = 12.0


def arm_bands(timeseries, metric, level=0.95, band="ci"):
    """Per arm and step: mean, low, high and replicate count of ``metric``.

    Returns a DataFrame with columns arm, step, mean, low, high, n. ``band`` "ci" gives the
    t interval of the mean, "range" the (1 - level)/2 and (1 + level)/2 quantiles (type 7)
    of the replicates.
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
        rows.append({"arm": arm, "step": int(step), "mean": mean, "low": float(low),
                     "high": float(high), "n": n})
    return pd.DataFrame(rows, columns=["arm", "step", "mean", "low", "high", "n"])


def draw(batch, metrics, level, band, title):
    """The figure: one panel per metric, one line and band per arm."""
    ncols = 1 if len(metrics) == 1 else 2
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.0 * ncols, 3.6 * nrows), squeeze=False)
    flat = axes.ravel()
    what = (f"{level:.0%} CI of the mean" if band == "ci"
            else f"{level:.0%} range of replicates")
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
        description = batch["descriptions"].get(metric) or metric
        ax.set_title(textwrap.fill(f"{metric}: {description}", 60), fontsize="medium")
        ax.set_ylabel(batch["units"].get(metric) or "")
        ax.set_xlabel("years")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small", title=f"arm, band: {what}", title_fontsize="small")
    for ax in flat[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot each arm's mean across replicates, with a band, for metrics of a "
                    "minesim batch folder (DIR/runs/*.h5).",
        epilog="Exit status: 0 written, 2 bad arguments, no runs or unknown metric.")
    parser.add_argument("batch", metavar="DIR", help="batch folder written by `minesim batch`")
    parser.add_argument("-m", "--metric", action="append", metavar="NAME",
                        help="time series to plot (repeatable; default S_mean)")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="PNG file to write")
    parser.add_argument("--level", type=float, default=0.95,
                        help="coverage of the band (default 0.95)")
    parser.add_argument("--band", choices=["ci", "range"], default="ci",
                        help="ci: t interval of the mean across replicates (default); "
                             "range: quantiles of the replicates themselves")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the PNG (same name, .pdf)")
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
    title = (f"{os.path.basename(os.path.normpath(args.batch))}: {len(batch['arms'])} arms, "
             f"{int(batch['runs']['complete'].sum())} runs")
    fig = draw(batch, metrics, args.level, args.band, title)
    fig.savefig(args.output, dpi=120)
    if args.pdf:
        fig.savefig(os.path.splitext(args.output)[0] + ".pdf")
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
