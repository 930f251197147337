#!/usr/bin/python3
"""Paired differences of batch arms against a baseline arm: plot_forest.py DIR -o OUT.png.

Replicate r of every arm runs on the same seed (common random numbers), so each arm is
compared with the baseline replicate by replicate. Each run's time series is first reduced
to one number, its statistic (--stat, as in `minesim compare`):

    final         the value at the last step (default for stocks: areas, means, shares)
    sum           the total over steps 1 to the last (default for flows: amounts per step)
    mean:FROM-TO  the mean over steps FROM to TO, both included
    at:STEP       the value at STEP

The default follows each series' `kind` attribute ("stock" or "flow", docs/output-format.md); a
run file without it (an older minesim) counts every series as a stock. For every chosen
metric, the statistic of arm minus baseline is averaged over replicates, with its 95%
confidence interval (Student t over the pairs). Draws a forest plot (one row per arm, one
panel per metric, a line at zero) and prints the table with each metric's statistic and
units; --csv also writes it.
"""

import argparse
import math
import os
import re
import sys
import textwrap

import minesim_deps

minesim_deps.require("plot_forest.py")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: files only, no display needed
# Vector figures keep their text as text (editable, searchable), not as outlines.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["pdf.fonttype"] = 42
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

import minesim_io  # noqa: E402
import minesim_stats  # noqa: E402
from minesim_labels import quantity, unit_text  # noqa: E402

#: --stat's forms, as `minesim compare` spells them.
STAT_HELP = "final, sum, mean:FROM-TO or at:STEP"
VECTOR_FORMATS = (".pdf", ".svg")


class StatError(ValueError):
    """A --stat that cannot be used: the message is one line for the user."""


def parse_stat(text):
    """--stat's text as (name, first step, last step): ("final", None, None),
    ("sum", None, None), ("mean", FROM, TO) or ("at", STEP, STEP). Raises StatError."""
    if text in ("final", "sum"):
        return (text, None, None)
    match = re.fullmatch(r"at:([0-9]+)", text)
    if match:
        step = int(match.group(1))
        return ("at", step, step)
    match = re.fullmatch(r"mean:([0-9]+)-([0-9]+)", text)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            raise StatError(f"--stat: {text}: FROM is after TO")
        return ("mean", first, last)
    raise StatError(f"--stat: expected {STAT_HELP}, got '{text}'")


def stat_text(stat):
    """The statistic as --stat spells it."""
    name, first, last = stat
    if name == "mean":
        return f"mean:{first}-{last}"
    if name == "at":
        return f"at:{first}"
    return name


def default_stat(kind):
    """The statistic of a series when --stat is not given: the sum of a flow, else the
    final value (a stock, or a series without a kind)."""
    return ("sum", None, None) if kind == "flow" else ("final", None, None)


def series_kinds(batch, metrics):
    """metric -> the `kind` attribute of its dataset in the first complete run file (None
    where the file has none)."""
    runs = batch["runs"]
    path = runs[runs["complete"]]["path"].iloc[0]
    kinds = {}
    with h5py.File(path, "r") as f:
        for metric in metrics:
            kind = f["timeseries"][metric].attrs.get("kind")
            kinds[metric] = minesim_io.python_value(kind) if kind is not None else None
    return kinds


def run_statistic(series, stat, run_id):
    """``stat`` of one run's series (a Series indexed by step, from 0). Raises StatError
    when a step the statistic reads lies beyond the run's last step."""
    name, first, last = stat
    steps = int(series.index.max())
    if last is not None and last > steps:
        raise StatError(f"--stat: {stat_text(stat)} reads step {last}, but run {run_id} ends "
                        f"at step {steps}")
    if name == "final":
        return float(series.loc[steps])
    if name == "sum":  # step 0 is the initial state, not an amount of the run
        return float(series[series.index >= 1].sum())
    if name == "at":
        return float(series.loc[first])
    return float(series[(series.index >= first) & (series.index <= last)].mean())


def statistic_table(batch, metrics, stats):
    """One row per complete run (index run_id): arm, replicate, and the statistic of every
    metric (``stats``: metric -> statistic)."""
    rows = []
    for run_id, frame in batch["timeseries"].groupby("run_id", sort=False):
        frame = frame.set_index("step").sort_index()
        row = {"run_id": run_id, "arm": frame["arm"].iloc[0],
               "replicate": frame["replicate"].iloc[0]}
        for metric in metrics:
            row[metric] = run_statistic(frame[metric], stats[metric], run_id)
        rows.append(row)
    return pd.DataFrame(rows).set_index("run_id")


def difference_table(values, metrics, baseline, level=0.95):
    """Long DataFrame: metric, arm, mean, low, high, pairs (see paired_differences)."""
    frames = []
    for metric in metrics:
        d = minesim_stats.paired_differences(values, metric, baseline, level)
        d = d.reset_index()
        d.insert(0, "metric", metric)
        frames.append(d)
    return pd.concat(frames, ignore_index=True)


def stat_phrase(stat, steps):
    """What a statistic is, in words, for an axis label."""
    name, first, last = stat
    if name == "final":
        return f"final value (step {steps})" if steps is not None else "final value"
    if name == "sum":
        return f"total over steps 1\u2013{steps}" if steps is not None else "total over the run"
    if name == "at":
        return f"value at step {first}"
    return f"mean over steps {first}\u2013{last}"


def batch_description(folder):
    """The batch file's `description`, as index.h5 records it, or "" (the figure's title)."""
    try:
        with h5py.File(os.path.join(folder, "index.h5"), "r") as f:
            text = f["batch"].attrs.get("description", "")
    except (OSError, KeyError):
        return ""
    return text.decode() if isinstance(text, bytes) else str(text)


def draw(table, batch, metrics, stats, baseline, level, title):
    """Forest plot: per metric, a point and interval per arm, a vertical line at 0."""
    ncols = 1 if len(metrics) == 1 else 2
    nrows = math.ceil(len(metrics) / ncols)
    arms = [a for a in batch["arms"] if a != baseline]
    height = max(2.4, 0.45 * len(arms) + 1.8)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, height * nrows + 0.6),
                             squeeze=False, layout="constrained")
    steps = batch["timeseries"]["step"].max() if len(batch["timeseries"]) else None
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
        unit = unit_text(batch["units"].get(metric))
        what = stat_phrase(stats[metric], None if steps is None else int(steps))
        ax.set_xlabel(textwrap.fill(f"Difference in {what}, arm \u2212 {baseline}"
                                    + (f" ({unit})" if unit else ""), 60))
        # Few ticks with short labels: long differences ("-0.025") must not run together.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        name = quantity(metric, batch["descriptions"].get(metric))
        ax.set_title(textwrap.fill(name, 50), fontsize="medium")
        ax.grid(True, axis="x", alpha=0.3)
    for ax in flat[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"{textwrap.fill(title, 70)}\neach arm minus {baseline}, paired by replicate\n"
                 f"mean difference with its {level:.0%} confidence interval over replicates")
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Forest plot of paired differences (arm - baseline) in a minesim batch "
                    "folder, replicate by replicate, of each run's final value, total or "
                    "mean (--stat).",
        epilog="Exit status: 0 written, 2 bad arguments, no runs, unknown metric or arm, or "
               "a --stat the runs cannot give.")
    parser.add_argument("batch", metavar="DIR", help="batch folder written by `minesim batch`")
    parser.add_argument("-m", "--metric", action="append", metavar="NAME",
                        help="time series to compare (repeatable; default S_mean)")
    parser.add_argument("-b", "--baseline", metavar="ARM",
                        help="arm to compare against (default: 'baseline' if present, else "
                             "the first arm of the batch)")
    parser.add_argument("--stat", metavar="STAT",
                        help=f"what each run's series is reduced to, for every metric: "
                             f"{STAT_HELP} (default: final for stocks, sum for flows, by "
                             f"each series' kind attribute)")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="figure to write: PNG (or another raster format) at --dpi, or "
                             "vector graphics when the name ends .pdf or .svg")
    parser.add_argument("--dpi", type=int, default=300,
                        help="resolution of a raster figure (default 300)")
    parser.add_argument("--level", type=float, default=0.95,
                        help="confidence level of the intervals (default 0.95)")
    parser.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the figure (same name, .pdf)")
    args = parser.parse_args(argv)
    metrics = args.metric or ["S_mean"]
    if not 0.0 < args.level < 1.0:
        parser.error("--level must lie in (0, 1)")
    if args.dpi < 10:
        parser.error("--dpi must be at least 10")
    try:
        explicit = parse_stat(args.stat) if args.stat is not None else None
    except StatError as e:
        print(f"plot_forest.py: {e}", file=sys.stderr)
        return 2

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

    kinds = series_kinds(batch, metrics)
    stats = {m: explicit or default_stat(kinds[m]) for m in metrics}
    try:
        values = statistic_table(batch, metrics, stats)
    except StatError as e:
        print(f"plot_forest.py: {e}", file=sys.stderr)
        return 2
    table = difference_table(values, metrics, baseline, args.level)
    shown = table.copy()
    shown.insert(1, "stat", [stat_text(stats[m]) for m in shown["metric"]])
    shown.insert(2, "units", [batch["units"].get(m) or "" for m in shown["metric"]])
    print(f"Paired differences, arm - baseline ({baseline}), mean over replicates with a "
          f"{args.level:.0%} confidence interval:")
    with pd.option_context("display.width", 160, "display.max_rows", 200):
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
    if args.csv:
        table.to_csv(args.csv, index=False)
    title = batch_description(args.batch) or "Batch " + os.path.basename(
        os.path.normpath(args.batch))
    fig = draw(table, batch, metrics, stats, baseline, args.level, title)
    vector = os.path.splitext(args.output)[1].lower() in VECTOR_FORMATS
    fig.savefig(args.output, **({} if vector else {"dpi": args.dpi}))
    if args.pdf:
        fig.savefig(os.path.splitext(args.output)[0] + ".pdf")
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
