#!/usr/bin/python3
"""Pictures of a sensitivity study or a calibration folder: plot_sensitivity.py DIR -o OUT.png.

- A Morris study (indices.csv with mu*): one mu*-sigma panel per output, each parameter a
  point with its bootstrap interval of mu*, the five largest labelled.
- A Sobol' study (indices.csv with S1 and ST): one bar panel per output, S1 and ST per
  parameter with their bootstrap intervals.
- A contrast (ranking.csv): a further panel with the probability that arm A beats arm B per
  output, with its interval.
- A calibration (posterior.h5): one weighted histogram of each parameter's posterior, with
  the 95% interval of estimate.csv.

Exit status 2 with one line when DIR holds none of these.
"""

import argparse
import csv
import math
import os
import sys

import minesim_deps

minesim_deps.require("plot_sensitivity.py", ("numpy", "matplotlib"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import minesim_figures  # noqa: E402
import minesim_labels  # noqa: E402


def output_title(name):
    """A study output's name as a panel title: the readable name where the output is a
    known series (S_mean), else the study's own name for it."""
    return minesim_labels.LABELS.get(name, name)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def value(row, key):
    text = row.get(key, "")
    return float(text) if text not in ("", None) else math.nan


def by_output(rows):
    out = {}
    for row in rows:
        out.setdefault(row["output"], []).append(row)
    return out


def morris_panel(ax, output, rows):
    mu_star = np.array([value(r, "mu_star") for r in rows])
    sigma = np.array([value(r, "sigma") for r in rows])
    low = np.array([value(r, "mu_star_low") for r in rows])
    high = np.array([value(r, "mu_star_high") for r in rows])
    err = np.vstack([np.nan_to_num(mu_star - low), np.nan_to_num(high - mu_star)])
    ax.errorbar(mu_star, sigma, xerr=err, fmt="o", ms=4, capsize=2, lw=0.8)
    for i in np.argsort(-np.nan_to_num(mu_star))[:5]:
        ax.annotate(rows[i]["parameter"].split(".")[-1], (mu_star[i], sigma[i]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
    top = np.nanmax(np.concatenate([mu_star, sigma, [1e-12]]))
    ax.plot([0, top], [0, top], ":", color="grey", lw=0.8)
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma (sd of elementary effects)")
    ax.set_title(output_title(output), fontsize=9)


def sobol_panel(ax, output, rows):
    names = [r["parameter"].split(".")[-1] for r in rows]
    x = np.arange(len(rows))
    for offset, key, label in ((-0.2, "S1", "first order S1"), (0.2, "ST", "total ST")):
        est = np.array([value(r, key) for r in rows])
        low = np.array([value(r, key + "_low") for r in rows])
        high = np.array([value(r, key + "_high") for r in rows])
        err = np.vstack([np.nan_to_num(est - low), np.nan_to_num(high - est)])
        ax.bar(x + offset, est, width=0.4, yerr=err, capsize=2, label=label)
    ax.set_xticks(x, names, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("Sobol' index")
    ax.set_title(output_title(output), fontsize=9)
    ax.legend(fontsize=7)


def ranking_panel(ax, rows):
    names = [output_title(r["output"]) for r in rows]
    p = np.array([value(r, "p_a_beats_b") for r in rows])
    low = np.array([value(r, "low") for r in rows])
    high = np.array([value(r, "high") for r in rows])
    y = np.arange(len(rows))
    ax.errorbar(p, y, xerr=np.vstack([p - low, high - p]), fmt="o", capsize=3)
    ax.axvline(0.5, color="grey", ls=":")
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(arm a beats arm b) over parameter draws")
    ax.set_title("Ranking of the contrast's arms", fontsize=9)


def posterior_panels(axes, folder):
    minesim_deps.require("plot_sensitivity.py", ("h5py",))
    import h5py

    estimate = {r["parameter"]: r for r in read_csv(os.path.join(folder, "estimate.csv"))}
    with h5py.File(os.path.join(folder, "posterior.h5"), "r") as f:
        group = f["particles"]
        weights = group["weight"][:]
        for ax, name in zip(axes, estimate):
            values = group[name][:]
            ax.hist(values, bins=20, weights=weights, color="tab:blue", alpha=0.7)
            row = estimate[name]
            for key, style in (("low", ":"), ("estimate", "-"), ("high", ":")):
                ax.axvline(value(row, key), color="black", ls=style, lw=1)
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("Parameter value")
            ax.set_ylabel("Posterior weight")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="a folder written by minesim sensitivity or calibrate")
    parser.add_argument("-o", "--output", required=True,
                        help="picture to write: PNG at 300 dpi, or vector for .pdf/.svg")
    args = parser.parse_args(argv)

    indices_path = os.path.join(args.folder, "indices.csv")
    ranking_path = os.path.join(args.folder, "ranking.csv")
    posterior_path = os.path.join(args.folder, "posterior.h5")
    if os.path.isfile(indices_path):
        outputs = by_output(read_csv(indices_path))
        ranking = read_csv(ranking_path) if os.path.isfile(ranking_path) else []
        panels = len(outputs) + (1 if ranking else 0)
        cols = min(3, panels)
        rows = math.ceil(panels / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4.5 * cols, 3.8 * rows), squeeze=False,
                                 layout="constrained")
        flat = axes.ravel()
        methods = {rows_of[0]["method"] for rows_of in outputs.values()}
        fig.suptitle("Morris elementary effects per output" if methods == {"morris"}
                     else "Sobol' indices per output" if methods == {"sobol"}
                     else "Sensitivity indices per output")
        for ax, (output, rows_of) in zip(flat, outputs.items()):
            if rows_of[0]["method"] == "morris":
                morris_panel(ax, output, rows_of)
            else:
                sobol_panel(ax, output, rows_of)
        if ranking:
            ranking_panel(flat[len(outputs)], ranking)
        for ax in flat[panels:]:
            ax.axis("off")
    elif os.path.isfile(posterior_path):
        names = [r["parameter"] for r in read_csv(os.path.join(args.folder, "estimate.csv"))]
        fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.5), squeeze=False,
                                 layout="constrained")
        fig.suptitle("Posterior of the calibrated parameters (lines: estimate and interval)")
        posterior_panels(axes.ravel(), args.folder)
    else:
        print(f"plot_sensitivity.py: {args.folder}: no indices.csv or posterior.h5 (run "
              "minesim sensitivity or minesim calibrate first)", file=sys.stderr)
        return 2
    minesim_figures.save(fig, args.output)
    plt.close(fig)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
