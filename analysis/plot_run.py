#!/usr/bin/python3
"""Time series of one or more minesim runs: plot_run.py RUN.h5 [RUN.h5 ...] -o OUT.png.

Draws whichever of the known time series the run files hold (land, restoration rates,
perceptions, life satisfaction, income, information, and, where present, compensation,
employment, petitioning/participation and compliance) against time in years (step / 12).
Several runs are overlaid, one colour per run, named by file stem or --label. The
scenario's calendar events (a mine closing, a parameter changing at a step) are marked
with vertical lines, drawn where the event's month begins, and short labels. Refuses, with
exit status 2, a file that is not a complete run.
"""

import argparse
import os
import sys

import minesim_deps

minesim_deps.require("plot_run.py")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.patches as mpatches  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

import minesim_figures  # noqa: E402
import minesim_io  # noqa: E402
import minesim_labels  # noqa: E402

STEPS_PER_YEAR = minesim_figures.STEPS_PER_YEAR


def prefixed(columns, prefix):
    """Names in ``columns`` starting with ``prefix``, in file order."""
    return [c for c in columns if c.startswith(prefix)]


def panel_specs(columns):
    """List of (kind, title, quantity, names) for the panels these series can fill.

    ``kind`` is "lines" (one line per name) or "band" (median with a p10-p90 band);
    ``quantity`` names the y axis of a panel of several series (units are added from the
    first series).
    """
    specs = []

    def lines(title, quantity, names):
        names = [n for n in names if n in columns]
        if names:
            specs.append(("lines", title, quantity, names))

    lines("Land", "Area", ["damaged_ha", "restoring_ha", "restored_ha",
                           "cumulative_damaged_ha"])
    lines("Restoration", "Restored share of land ever damaged",
          prefixed(columns, "restoration_rate"))
    lines("Perceptions", "Mean perception", ["E_mean", "P_mean", "C_mean", "R_mean", "S_mean"])
    if "S_p50" in columns:
        specs.append(("band", "Life satisfaction", "Life satisfaction S",
                      ["S_p50", "S_p10", "S_p90"]))
    lines("Income", "Income", ["income_mean_yuan"])
    lines("Information", "Information level", ["informed_mean"])
    lines("Compensation", "Compensation paid per month", prefixed(columns, "compensation_paid"))
    lines("Employment", "Households", prefixed(columns, "employment_") + ["unemployed"])
    lines("Petitioning and participation", "Share of households",
          ["petitioning_share", "participation_share"])
    lines("Compliance", "Share of enterprises", ["compliance_share"])
    return specs


def run_label(path):
    """Default legend name of a run: its file name without the suffix."""
    return os.path.splitext(os.path.basename(os.fspath(path)))[0]


def calendar_marks(runs, labels):
    """{step: [short label, ...]} of the calendar events of every run. With several runs,
    an event that not every run has is followed by the names of the runs that have it."""
    seen = {}
    for run, name in zip(runs, labels):
        events = minesim_io.calendar_events(run)
        for step, text in zip(events["step"], events["label"]):
            seen.setdefault((int(step), text), [])
            if name not in seen[(int(step), text)]:
                seen[(int(step), text)].append(name)
    marks = {}
    for (step, text), names in seen.items():
        if len(runs) > 1 and len(names) < len(runs):
            text = f"{text} ({', '.join(names)})"
        marks.setdefault(step, []).append(text)
    return dict(sorted(marks.items()))


def event_year(step):
    """Where an event of ``step`` is drawn: it applies at the start of that step, i.e.
    when month ``step`` begins (the series' value at ``step`` is the first after it)."""
    return (step - 1) / STEPS_PER_YEAR


def mark_events(ax, marks):
    """Vertical lines at the events' times."""
    for step in marks:
        ax.axvline(event_year(step), color="0.3", linestyle="--", linewidth=0.8, zorder=1)


def event_ticks(marks, span):
    """(times, texts) of the event labels: one line per event; events closer than 2% of
    ``span`` (years) share one label."""
    ticks, texts = [], []
    for step, labels in marks.items():
        x = event_year(step)
        if ticks and x - ticks[-1] < 0.02 * span:
            texts[-1] += "\n" + "\n".join(labels)
        else:
            ticks.append(x)
            texts.append("\n".join(labels))
    return ticks, texts


def label_events(ax, marks, span):
    """The events' short labels above ``ax``, on a top axis whose ticks sit at the events'
    times."""
    ticks, texts = event_ticks(marks, span)
    if not ticks:
        return None
    top = ax.secondary_xaxis("top")
    top.set_xticks(ticks)
    top.set_xticklabels(texts, rotation=90, fontsize="x-small", color="0.2")
    top.tick_params(length=3, pad=1)
    return top


def draw(runs, specs, title, labels=None):
    """The figure: one panel per spec; every run in every panel (colour = run when there
    are several, line style = series); calendar events marked. ``runs`` are dicts from
    minesim_io.load_run, ``labels`` their legend names."""
    labels = labels or [f"run {i + 1}" for i in range(len(runs))]
    several = len(runs) > 1
    ncols = 2 if len(specs) > 1 else 1
    nrows = max(1, -(-len(specs) // ncols))
    legend_row = 1 if several else 0
    marks = calendar_marks(runs, labels)
    last_year = max((r["timeseries"].index.max() for r in runs if len(r["timeseries"])),
                    default=0) / STEPS_PER_YEAR
    # Room above the top row for the event labels (vertical text, about 0.055 in a letter).
    longest = max((len(line) for text in event_ticks(marks, last_year or 1.0)[1]
                   for line in text.split("\n")), default=0)
    fig = plt.figure(figsize=(4.8 * ncols, 2.9 * nrows + 0.5 * legend_row + 0.055 * longest),
                     layout="constrained")
    ratios = ([0.5 / 2.9] if several else []) + [1.0] * nrows
    grid = fig.add_gridspec(nrows + legend_row, ncols, height_ratios=ratios)
    axes = [[fig.add_subplot(grid[row + legend_row, col]) for col in range(ncols)]
            for row in range(nrows)]
    flat = [ax for row in axes for ax in row]
    colours = [f"C{i % 10}" for i in range(len(runs))]

    for ax, (kind, panel_title, quantity, names) in zip(flat, specs):
        first_units = next((r["units"].get(names[0]) for r in runs
                            if names[0] in r["units"]), None)
        if len(names) == 1:
            ax.set_ylabel(minesim_io.label(next(r for r in runs if names[0] in r["units"]),
                                           names[0]))
        else:
            ax.set_ylabel(minesim_labels.with_units(quantity, first_units))
        series_handles = []
        for run, colour in zip(runs, colours):
            ts = run["timeseries"]
            years = ts.index.to_numpy() / STEPS_PER_YEAR
            if kind == "band":
                median, low, high = names
                if median not in ts:
                    continue
                ax.plot(years, ts[median], color=colour if several else "C0")
                if low in ts and high in ts:
                    ax.fill_between(years, ts[low], ts[high], alpha=0.15 if several else 0.25,
                                    color=colour if several else "C0", linewidth=0)
                continue
            for i, name in enumerate(names):
                if name not in ts:
                    continue
                style = minesim_figures.LINESTYLES[i % len(minesim_figures.LINESTYLES)]
                ax.plot(years, ts[name], color=colour if several else f"C{i}",
                        linestyle=style if several else "-")
        descriptions = next((r["descriptions"] for r in runs if names[0] in r["descriptions"]),
                            {})
        if kind == "band":
            series_handles = [
                Line2D([], [], color="0.2" if several else "C0", label="median"),
                mpatches.Patch(color="0.2" if several else "C0", alpha=0.25,
                               label="10th-90th percentile")]
        elif len(names) > 1:
            for i, name in enumerate(names):
                style = minesim_figures.LINESTYLES[i % len(minesim_figures.LINESTYLES)]
                series_handles.append(Line2D(
                    [], [], color="0.2" if several else f"C{i}",
                    linestyle=style if several else "-",
                    label=minesim_labels.quantity(name, descriptions.get(name))))
        if series_handles:
            ax.legend(handles=series_handles, fontsize="x-small")
        ax.autoscale_view()
        minesim_figures.compact_ticks(ax.yaxis)
        ax.set_title(panel_title, fontsize="medium")
        ax.set_xlim(0, last_year if last_year > 0 else 1)
        ax.grid(True, alpha=0.3)
        mark_events(ax, marks)

    for ax in flat[len(specs):]:
        ax.set_visible(False)
    # Event labels in the top row; the time axis named under the lowest panel of each
    # column, tick labels elsewhere left off.
    for col in range(ncols):
        used = [axes[row][col] for row in range(nrows) if axes[row][col].get_visible()]
        for ax in used[:-1]:
            ax.tick_params(labelbottom=False)
        if used:
            used[-1].set_xlabel(minesim_figures.TIME_LABEL)
            label_events(used[0], marks, last_year or 1.0)
    if not specs:
        flat[0].set_visible(True)
        flat[0].text(0.5, 0.5, "no known time series in this file", ha="center",
                     va="center", transform=flat[0].transAxes)
    if several:
        legend_ax = fig.add_subplot(grid[0, :])
        legend_ax.axis("off")
        handles = [Line2D([], [], color=c, linewidth=2, label=name)
                   for c, name in zip(colours, labels)]
        legend_ax.legend(handles=handles, loc="center", ncol=min(len(runs), 4),
                         frameon=False, title="run")
    fig.suptitle(title)
    return fig


def describe(runs, labels, named):
    """The figure's title: what is shown, from the runs' attributes."""
    if len(runs) == 1:
        attrs = runs[0]["attrs"]
        steps = attrs.get("steps")
        who = f"{labels[0]}: " if named else ""
        return (f"Regional time series of one run ({who}seed {attrs.get('seed')}, "
                f"{steps} months, minesim {attrs.get('minesim_version')})")
    seeds = sorted({r["attrs"].get("seed") for r in runs}, key=str)
    seed_text = (f"seed {seeds[0]}" if len(seeds) == 1
                 else f"seeds {', '.join(map(str, seeds))}")
    return f"Regional time series of {len(runs)} runs ({seed_text})"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot the time series of one or more complete minesim run files (x axis "
                    "in years), overlaid, with the scenario's calendar events marked.",
        epilog="Exit status: 0 written, 2 bad arguments or not a complete run file.")
    parser.add_argument("runs", metavar="RUN.h5", nargs="+",
                        help="run file(s) written by `minesim run -o`; several are overlaid")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="figure to write: PNG at 300 dpi, or vector for .pdf/.svg")
    parser.add_argument("--label", action="append", metavar="NAME",
                        help="legend name of each run, in the order of the files (repeat once "
                             "per run; default: the file name without .h5)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the figure (same name, .pdf)")
    args = parser.parse_args(argv)
    if args.label and len(args.label) != len(args.runs):
        parser.error(f"--label given {len(args.label)} times for {len(args.runs)} run files "
                     "(give it once per run, or not at all)")

    for path in args.runs:
        if not minesim_io.is_complete(path):
            print(f"plot_run.py: {path}: not a complete minesim run file", file=sys.stderr)
            return 2
    runs = [minesim_io.load_run(path) for path in args.runs]
    labels = args.label or [run_label(path) for path in args.runs]
    columns = []
    for run in runs:
        columns += [c for c in run["timeseries"].columns if c not in columns]
    specs = panel_specs(columns)
    if not specs:
        print(f"plot_run.py: {', '.join(args.runs)}: warning: no known time series",
              file=sys.stderr)
    fig = draw(runs, specs, describe(runs, labels, named=bool(args.label)), labels)
    minesim_figures.save(fig, args.output, args.pdf)
    plt.close(fig)
    return 0


if __name__ == "__main__":
    sys.exit(main())
