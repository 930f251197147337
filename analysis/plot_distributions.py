#!/usr/bin/python3
"""Household distributions at one snapshot: plot_distributions.py RUN.h5 -o OUT.png.

Histograms of life satisfaction (S), income and compensation received over the panel
households (/panel) at a chosen snapshot (--step, default the last), grouped by village,
county or sector (--by; the village and county come from /households and /villages, the
sector from a panel field or /households column named `sector` where the run writes one).
Each row shows a histogram (stacked by group when there are at most 8 groups, pooled
otherwise) and a box plot per group.
"""

import argparse
import sys

import minesim_deps

minesim_deps.require("plot_distributions.py")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import minesim_figures  # noqa: E402
import minesim_io  # noqa: E402
import minesim_labels  # noqa: E402

#: Panel fields drawn (their labels come from minesim_labels).
FIELDS = ["S", "income_yuan_per_year", "received_yuan"]
SECTORS = {0: "agriculture", 1: "mining", 2: "green", 3: "unemployed"}
MAX_STACKED = 8
#: Most group names written under the box plots.
MAX_BOX_LABELS = 24


def groups_for(path, households, by, snap):
    """Group label of each household id in ``households`` (a pandas Series), or raise
    ValueError naming what is missing."""
    ids = households.to_numpy()
    with h5py.File(path, "r") as f:
        if by == "sector":
            if "sector" in snap.columns:
                codes = snap["sector"].to_numpy()
            elif "households/sector" in f:
                codes = np.asarray(f["households/sector"][()])[ids]
            else:
                raise ValueError("this run writes no sector (needs /panel/households/sector "
                                 "or /households/sector)")
            return pd.Series([SECTORS.get(int(c), str(int(c))) for c in codes], index=households)
        if "households/village" not in f:
            raise ValueError("this run has no /households/village")
        village = np.asarray(f["households/village"][()], dtype=np.int64)[ids]
        if by == "village":
            return pd.Series([f"village {v}" for v in village], index=households)
        if "villages/county" not in f:
            raise ValueError("this run has no /villages/county")
        county = np.asarray(f["villages/county"][()], dtype=np.int64)[village]
        names = {0: "west county", 1: "east county"}
        return pd.Series([names.get(int(c), f"county {c}") for c in county], index=households)


def draw(snap, groups, fields, units, descriptions, by, title):
    """One row per field: histogram (stacked by group when few) and box plot by group."""
    order = sorted(groups.unique(), key=lambda g: (len(g), g))
    fig, axes = plt.subplots(len(fields), 2, figsize=(10, 2.9 * len(fields)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1.3]}, layout="constrained")
    for row, field in enumerate(fields):
        hist_ax, box_ax = axes[row]
        values = snap[field]
        per_group = [values[groups == g].to_numpy() for g in order]
        axis_label = minesim_labels.label(field, units.get(field), descriptions.get(field))
        if len(order) <= MAX_STACKED:
            hist_ax.hist(per_group, bins=30, stacked=True, label=order)
            hist_ax.legend(fontsize="x-small", title=by, title_fontsize="x-small")
        else:
            hist_ax.hist(values.to_numpy(), bins=30, color="C0")
            hist_ax.set_title(f"all {len(values)} panel households, {len(order)} {by}s",
                              fontsize="small")
        hist_ax.set_xlabel(axis_label)
        hist_ax.set_ylabel("Households")
        hist_ax.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))
        minesim_figures.compact_ticks(hist_ax.xaxis, values)
        hist_ax.grid(True, alpha=0.3)
        box_ax.boxplot(per_group, showfliers=False)
        # Every group gets a box; with many, only every k-th is named, so that the names
        # do not run into each other.
        every = max(1, -(-len(order) // MAX_BOX_LABELS))
        box_ax.set_xticks(range(1, len(order) + 1))
        box_ax.set_xticklabels([g.replace("village ", "") if i % every == 0 else ""
                                for i, g in enumerate(order)],
                               rotation=90 if len(order) > 8 else 0, fontsize="small")
        box_ax.set_xlabel(by.capitalize())
        box_ax.set_ylabel(axis_label)
        minesim_figures.compact_ticks(box_ax.yaxis, values)
        box_ax.grid(True, axis="y", alpha=0.3)
    fig.suptitle(title)
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Histograms of household satisfaction, income and compensation received "
                    "at one panel snapshot, by village, county or sector.",
        epilog="Exit status: 0 written, 2 bad arguments, not a complete run, no panel or "
               "no grouping field.")
    parser.add_argument("run", metavar="RUN.h5", help="run file written by `minesim run -o`")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="figure to write: PNG at 300 dpi, or vector for .pdf/.svg")
    parser.add_argument("--step", type=int,
                        help="snapshot step (the latest snapshot at or before it; default: "
                             "the last snapshot)")
    parser.add_argument("--by", choices=["village", "county", "sector"], default="village",
                        help="grouping (default village)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the figure (same name, .pdf)")
    args = parser.parse_args(argv)

    if not minesim_io.is_complete(args.run):
        print(f"plot_distributions.py: {args.run}: not a complete minesim run file",
              file=sys.stderr)
        return 2
    run = minesim_io.load_run(args.run)
    try:
        snap = minesim_io.snapshot(run, args.step)
        fields = [f for f in FIELDS if f in snap.columns]
        if not fields:
            raise ValueError("the panel holds none of " + ", ".join(FIELDS))
        households = pd.Series(snap.index.to_numpy(), index=snap.index)
        groups = groups_for(args.run, households, args.by, snap)
    except ValueError as e:
        print(f"plot_distributions.py: {args.run}: {e}", file=sys.stderr)
        return 2
    step = snap.attrs["step"]
    title = (f"Distributions over the {len(snap)} panel households by {args.by}, step {step} "
             f"(year {step / minesim_figures.STEPS_PER_YEAR:g})")
    fig = draw(snap, groups, fields, run["panel_units"], run["panel_descriptions"], args.by,
               title)
    minesim_figures.save(fig, args.output, args.pdf)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
