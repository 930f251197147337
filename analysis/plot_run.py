#!/usr/bin/python3
"""Dashboard of one minesim run: plot_run.py RUN.h5 -o OUT.png [--pdf].

Draws whichever of the known time series the run file holds (area stocks, perceptions,
life satisfaction, income, information, and, where present, restoration rates,
compensation, employment, petitioning/participation and compliance) against time in
years (step / 12). Refuses, with exit status 2, a file that is not a complete run.
"""

import argparse
import math
import os
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import minesim_io  # noqa: E402

STEPS_PER_YEAR = 12.0


def prefixed(columns, prefix):
    """Names in ``columns`` starting with ``prefix``, in file order."""
    return [c for c in columns if c.startswith(prefix)]


def panel_specs(columns):
    """List of (kind, title_or_None, names) for the panels this run can fill.

    ``kind`` is "lines" (one line per name) or "band" (median with a p10-p90 band).
    A None title means: use the single series' description.
    """
    specs = []

    def lines(title, names):
        names = [n for n in names if n in columns]
        if names:
            specs.append(("lines", title if len(names) > 1 else None, names))

    lines("Area stocks", ["damaged_ha", "restoring_ha", "restored_ha", "cumulative_damaged_ha"])
    lines("Restoration rate", prefixed(columns, "restoration_rate"))
    lines("Mean perceptions", ["E_mean", "P_mean", "C_mean", "R_mean", "S_mean"])
    if "S_p50" in columns:
        specs.append(("band", "Life satisfaction (median, 10th-90th percentile)",
                      ["S_p50", "S_p10", "S_p90"]))
    lines("Mean income", ["income_mean_yuan"])
    lines("Information", ["informed_mean"])
    lines("Compensation paid", prefixed(columns, "compensation_paid"))
    lines("Employment", prefixed(columns, "employment_") + ["unemployed"])
    lines("Petitioning and participation", ["petitioning_share", "participation_share"])
    lines("Compliance", ["compliance_share"])
    return specs


def draw(run, specs, title):
    """Build the dashboard figure from ``run`` (see minesim_io.load_run)."""
    ts = run["timeseries"]
    units = run["units"]
    descriptions = run["descriptions"]
    years = ts.index.to_numpy() / STEPS_PER_YEAR

    ncols = 2 if len(specs) > 1 else 1
    nrows = max(1, math.ceil(len(specs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, 3.2 * nrows),
                             squeeze=False, sharex=True)
    flat = axes.ravel()

    for ax, (kind, panel_title, names) in zip(flat, specs):
        first = names[0]
        if kind == "band":
            ax.plot(years, ts[first], label=first)
            low = ts[names[1]] if names[1] in ts else None
            high = ts[names[2]] if names[2] in ts else None
            if low is not None and high is not None:
                ax.fill_between(years, low, high, alpha=0.25, label=f"{names[1]}-{names[2]}")
        else:
            for name in names:
                ax.plot(years, ts[name], label=name)
        if len(names) > 1 or kind == "band":
            ax.legend(fontsize="small")
        title_text = panel_title or descriptions.get(first) or first
        ax.set_title(textwrap.fill(title_text, 60), fontsize="medium")
        ax.set_ylabel(units.get(first) or "")
        ax.grid(True, alpha=0.3)

    for ax in flat[len(specs):]:
        ax.set_visible(False)
    # With a shared x axis only the bottom row shows tick labels; where the bottom cell of a
    # column is unused, the lowest used one needs them (and the axis label) instead.
    for column in range(ncols):
        used = [axes[row][column] for row in range(nrows) if axes[row][column].get_visible()]
        if used:
            used[-1].tick_params(labelbottom=True)
            used[-1].set_xlabel("years")
    if not specs:
        flat[0].set_visible(True)
        flat[0].text(0.5, 0.5, "no known time series in this file", ha="center",
                     va="center", transform=flat[0].transAxes)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot a dashboard of a complete minesim run file (x axis in years).",
        epilog="Exit status: 0 written, 2 bad arguments or not a complete run file.")
    parser.add_argument("run", metavar="RUN.h5", help="run file written by `minesim run -o`")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="PNG file to write")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the PNG (same name, .pdf)")
    args = parser.parse_args(argv)

    if not minesim_io.is_complete(args.run):
        print(f"plot_run.py: {args.run}: not a complete minesim run file", file=sys.stderr)
        return 2

    run = minesim_io.load_run(args.run)
    specs = panel_specs(list(run["timeseries"].columns))
    if not specs:
        print(f"plot_run.py: {args.run}: warning: no known time series", file=sys.stderr)
    attrs = run["attrs"]
    title = (f"{os.path.basename(args.run)}  seed {attrs.get('seed')}  "
             f"steps {attrs.get('steps')}  minesim {attrs.get('minesim_version')}")
    fig = draw(run, specs, title)
    fig.savefig(args.output, dpi=120)
    if args.pdf:
        fig.savefig(os.path.splitext(args.output)[0] + ".pdf")
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
