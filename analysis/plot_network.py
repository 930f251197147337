#!/usr/bin/python3
"""The social network of a run: plot_network.py RUN.h5 -o OUT.png.

Reads /network (CSR) and draws the degree distribution (histogram and complementary
cumulative distribution on log axes), the mean degree of neighbours against degree, and
the satisfaction of each household against its neighbours' mean, with Newman's scalar
assortativity of satisfaction. Satisfaction comes from a field of all households
(/households/<field>) when the run writes one, otherwise from a panel snapshot (--step,
default the last), in which case only ties between two panel households count. Prints
the figures it reports.
"""

import argparse
import sys

import minesim_deps

minesim_deps.require("plot_network.py")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402

import minesim_figures  # noqa: E402
import minesim_io  # noqa: E402
import minesim_labels  # noqa: E402
import minesim_stats  # noqa: E402


def household_values(path, run, field, step):
    """Values of ``field`` for every household (NaN where unknown) and a description of
    where they come from."""
    with h5py.File(path, "r") as f:
        n = f["network/offsets"].shape[0] - 1
    full = minesim_io.household_field(path, field)
    if full is not None and step is None:
        return full, f"/households/{field} (all {n} households)"
    snap = minesim_io.snapshot(run, step)
    if field not in snap.columns:
        raise ValueError(f"no /households/{field} and no panel field {field}")
    values = np.full(n, np.nan)
    values[snap.index.to_numpy()] = snap[field].to_numpy()
    return values, (f"panel snapshot at step {snap.attrs['step']} ({len(snap)} of {n} "
                    "households)")


def units_of(path, field):
    """The ``units`` attribute of /households/<field>, or None."""
    with h5py.File(path, "r") as f:
        d = f.get(f"households/{field}")
        return minesim_io.python_value(d.attrs.get("units")) if d is not None else None


def neighbour_means(offsets, targets, values):
    """Mean of ``values`` over each node's neighbours, ignoring NaN (NaN when none)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    sources = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    v = values[np.asarray(targets, dtype=np.int64)]
    ok = ~np.isnan(v)
    sums = np.bincount(sources[ok], weights=v[ok], minlength=len(offsets) - 1)
    counts = np.bincount(sources[ok], minlength=len(offsets) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def draw(offsets, targets, values, field, source, title, field_label=None):
    """Four panels: degree histogram, degree CCDF, neighbour degree, field assortativity.
    ``field_label``: the field's readable name with units (default from minesim_labels)."""
    field_label = field_label or minesim_labels.label(field)
    degree = minesim_stats.degrees(offsets)
    fig, axes = plt.subplots(2, 2, figsize=(9, 7), layout="constrained")
    (hist_ax, ccdf_ax), (knn_ax, field_ax) = axes

    counts = np.bincount(degree)
    hist_ax.bar(np.arange(len(counts)), counts, width=0.9)
    hist_ax.set_xlabel("Degree (ties)")
    hist_ax.set_ylabel("Households")
    hist_ax.set_title(f"Degree distribution, mean {degree.mean():.2f}", fontsize="medium")

    positive = np.sort(degree[degree > 0])
    if len(positive):
        ccdf = 1.0 - np.arange(len(positive)) / len(positive)
        ccdf_ax.loglog(positive, ccdf, marker=".", linestyle="none")
    # Plain numbers on the log axes (20, not 2 x 10^1).
    ccdf_ax.xaxis.set_major_formatter(mticker.LogFormatter())
    ccdf_ax.xaxis.set_minor_formatter(mticker.LogFormatter(labelOnlyBase=False,
                                                           minor_thresholds=(2, 0.5)))
    ccdf_ax.set_xlabel("Degree k (ties)")
    ccdf_ax.set_ylabel("Share of households with degree ≥ k")
    ccdf_ax.set_title("Complementary cumulative distribution", fontsize="medium")

    knn = neighbour_means(offsets, targets, degree.astype(np.float64))
    r_degree, _ = minesim_stats.scalar_assortativity(offsets, targets, degree)
    knn_ax.scatter(degree, knn, s=4, alpha=0.3)
    knn_ax.set_xlabel("Degree (ties)")
    knn_ax.set_ylabel("Mean degree of neighbours (ties)")
    knn_ax.set_title(f"Degree assortativity r = {r_degree:.3f}", fontsize="medium")

    r_field, ties = minesim_stats.scalar_assortativity(offsets, targets, values)
    mean_nbr = neighbour_means(offsets, targets, values)
    ok = ~(np.isnan(values) | np.isnan(mean_nbr))
    field_ax.scatter(values[ok], mean_nbr[ok], s=4, alpha=0.3)
    field_ax.set_xlabel(f"{field_label}, household")
    field_ax.set_ylabel(f"{field_label}, mean of neighbours")
    name = minesim_labels.quantity(field)
    field_ax.set_title(f"Assortativity of {name[:1].lower() + name[1:]}: r = {r_field:.3f} "
                       f"over {ties} ties\n{source}", fontsize="medium")
    for ax in axes.ravel():
        ax.grid(True, alpha=0.3)
    fig.suptitle(title)
    return fig, r_degree, r_field, ties


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Degree distribution and satisfaction assortativity of a run's social "
                    "network.",
        epilog="Exit status: 0 written, 2 bad arguments, not a complete run, no network or "
               "no values of the field.")
    parser.add_argument("run", metavar="RUN.h5", help="run file written by `minesim run -o`")
    parser.add_argument("-o", "--output", metavar="OUT.png", required=True,
                        help="figure to write: PNG at 300 dpi, or vector for .pdf/.svg")
    parser.add_argument("--field", default="S",
                        help="household field whose assortativity is shown (default S)")
    parser.add_argument("--step", type=int,
                        help="use the panel snapshot at or before this step (default: a field "
                             "of all households if written, else the last snapshot)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write a PDF next to the figure (same name, .pdf)")
    args = parser.parse_args(argv)

    if not minesim_io.is_complete(args.run):
        print(f"plot_network.py: {args.run}: not a complete minesim run file", file=sys.stderr)
        return 2
    with h5py.File(args.run, "r") as f:
        if "network/offsets" not in f or "network/targets" not in f:
            print(f"plot_network.py: {args.run}: no /network", file=sys.stderr)
            return 2
        offsets = np.asarray(f["network/offsets"][()], dtype=np.int64)
        targets = np.asarray(f["network/targets"][()], dtype=np.int64)
    run = minesim_io.load_run(args.run)
    try:
        values, source = household_values(args.run, run, args.field, args.step)
    except ValueError as e:
        print(f"plot_network.py: {args.run}: {e}", file=sys.stderr)
        return 2
    title = (f"Social network of the run: {len(offsets) - 1} households, "
             f"{len(targets) // 2} ties")
    field_label = minesim_labels.label(
        args.field, run["panel_units"].get(args.field, units_of(args.run, args.field)),
        run["panel_descriptions"].get(args.field))
    fig, r_degree, r_field, ties = draw(offsets, targets, values, args.field, source, title,
                                        field_label)
    minesim_figures.save(fig, args.output, args.pdf)
    plt.close(fig)
    degree = minesim_stats.degrees(offsets)
    print(f"households {len(degree)}  ties {len(targets) // 2}  mean degree {degree.mean():.3f}  "
          f"degree assortativity {r_degree:.4f}")
    print(f"{args.field} assortativity {r_field:.4f} over {ties} ties ({source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
