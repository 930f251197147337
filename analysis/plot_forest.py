#!/usr/bin/python3
"""Paired differences of batch arms against a baseline arm: plot_forest.py DIR -o OUT.png.

Replicate r of every arm runs on the same seed (common random numbers), so each arm is
compared with the baseline replicate by replicate: for every chosen metric the final value
(last step) of arm minus baseline, averaged over replicates, with its 95% confidence
interval (Student t over the pairs). Draws a forest plot (one row per arm, one panel per
metric, a line at zero) and prints the table; --csv also writes it.
"""

import argparse
import math
import os
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import minesim_io  # noqa: E402
import minesim_stats  # noqa: E402


def difference_table(batch, metrics, baseline, level=0.95):
    """Long DataFrame: metric, arm, mean, low, high, pairs (see paired_differences)."""
    frames = []
    for metric in metrics:
        d = minesim_stats.paired_differences(batch["final"], metric, baseline, level)
        d = d.reset_index()
        d.insert(0, "metric", metric)
        frames.append(d)
    return pd.concat(frames, ignore_index=True)


def draw(table, batch, metrics, baseline, level, title):
    """Forest plot: per metric, a point and interval per arm, a vertical line at 0."""
    ncols = 1 if len(metrics) == 1 else 2
    nrows = math.ceil(len(metrics) / ncols)
    arms = [a for a in batch["arms"] if a != baseline]
    height = max(2.2, 0.45 * len(arms) + 1.4)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, height * nrows), squeeze=False)
    flat = axes.ravel()
    for ax, metric in zip(flat, metrics):
        t = table[table["metric"] == metric].set_index("arm").reindex(arms)
        y = list(range(len(arms)))[::-1]
        ax.errorbar(t["mean"], y, xerr=[t["mean"] - t["low"], t["high"] - t["mean"]],
                    fmt="o", capsize=3, color="C0")
        ax.axvline(0.0, color="0.4", linewidth=1, linestyle="--")
        ax.set_yticks(y)
        ax.set_yticklabels([f"{a} (n={int(p)})" if p == p else a
                            for a, p in zip(arms, t["pairs"])])
        units = batch["units"].get(metric) or ""
        ax.set_xlabel(f"final {metric} - {baseline}" + (f" [{units}]" if units else ""))
        description = batch["descriptions"].get(metric) or metric
        ax.set_title(textwrap.fill(f"{metric}: {description}", 55), fontsize="medium")
        ax.grid(True, axis="x", alpha=0.3)
    for ax in flat[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}\npaired differences vs {baseline}, {level:.0%} CI over replicates")
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Forest plot of paired differences (arm - baseline) of final values in a "
                    "minesim batch folder, replicate by replicate.",
        epilog="Exit status: 0 written, 2 bad arguments, no runs, unknown metric or arm.")
    parser.add_argument("batch", metavar="DIR", help="batch folder written by `minesim batch`")
    parser.add_argument("-m", "--metric", action="append", metavar="NAME",
                        help="time series whose final value is compared (repeatable; "
                             "default S_mean)")
    parser.add_argument("-b", "--baseline", metavar="ARM",
                        help="arm to compare against (default: 'baseline' if present, else "
                             "the first arm of the batch)")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="PNG file to write")
    parser.add_argument("--level", type=float, default=0.95,
                        help="confidence level of the intervals (default 0.95)")
    parser.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the PNG (same name, .pdf)")
    args = parser.parse_args(argv)
    metrics = args.metric or ["S_mean"]
    if not 0.0 < args.level < 1.0:
        parser.error("--level must lie in (0, 1)")

    try:
        batch = minesim_io.load_batch(args.batch, metrics=metrics)
    except (OSError, ValueError) as e:
        print(f"plot_forest.py: {e}", file=sys.stderr)
        return 2
    arms = batch["arms"]
    baseline = args.baseline or ("baseline" if "baseline" in arms else (arms[0] if arms else None))
    if baseline not in arms:
        print(f"plot_forest.py: baseline arm '{baseline}' not in the batch "
              f"(arms: {', '.join(arms)})", file=sys.stderr)
        return 2
    if len(arms) < 2:
        print("plot_forest.py: the batch has one arm; nothing to compare", file=sys.stderr)
        return 2

    table = difference_table(batch, metrics, baseline, args.level)
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
    if args.csv:
        table.to_csv(args.csv, index=False)
    title = os.path.basename(os.path.normpath(args.batch))
    fig = draw(table, batch, metrics, baseline, args.level, title)
    fig.savefig(args.output, dpi=120)
    if args.pdf:
        fig.savefig(os.path.splitext(args.output)[0] + ".pdf")
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
