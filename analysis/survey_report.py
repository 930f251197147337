#!/usr/bin/python3
"""Report of the virtual survey of a run, as Markdown: survey_report.py RUN.h5 [-o OUT.md].

One table with a column per survey step: Cronbach's alpha (all items and per construct),
the KMO measure, Bartlett's sphericity test (statistic, df, p), the standardized path
coefficients of the chain E -> P -> C -> R -> S, and the indirect effect P -> C -> S with
its bootstrap percentile interval; next to each, the source study's target (docs/odd.md
§3.13) and whether every survey meets it. Written to OUT.md, or printed without -o.
"""

import argparse
import math
import os
import sys

import minesim_deps

minesim_deps.require("survey_report.py", ("h5py", "numpy", "pandas"))

import minesim_io  # noqa: E402

#: Readable names of the paths (outcome~predictor).
PATH_LABELS = {
    "P~E": "P ~ E (economic -> ecological perception)",
    "C~P": "C ~ P (ecological perception -> compensation satisfaction), a",
    "R~C": "R ~ C (compensation satisfaction -> restoration expectation)",
    "S~C": "S ~ C + P + R: C, b",
    "S~P": "S ~ C + P + R: P",
    "S~R": "S ~ C + P + R: R",
}
CONSTRUCTS = {"E": "economic-environment perception", "P": "ecological perception",
              "C": "compensation and employment satisfaction",
              "R": "restoration expectation and participation", "S": "life satisfaction"}


def fmt(value, digits=3):
    """A number for the table: fixed digits, scientific for tiny p-values, '-' for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value != 0 and abs(value) < 10 ** -digits:
        return f"{value:.2e}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.{digits}f}"


def rows_of(summary):
    """(label, target text, test or None, column name) for each row of the table."""
    rows = [("Cronbach's alpha, all items", "> 0.8", lambda v: v > 0.8, "alpha")]
    for c in [c for c in summary.columns if c.startswith("alpha_")]:
        letter = c[len("alpha_"):]
        rows.append((f"alpha {letter} ({CONSTRUCTS.get(letter, letter)})", "> 0.8",
                     lambda v: v > 0.8, c))
    rows += [("KMO", "> 0.9", lambda v: v > 0.9, "kmo"),
             ("Bartlett chi-square", "", None, "bartlett_statistic"),
             ("Bartlett df", "", None, "bartlett_df"),
             ("Bartlett p", "< 0.05", lambda v: v < 0.05, "bartlett_p")]
    for c in [c for c in summary.columns if c.startswith("path_")]:
        name = c[len("path_"):]
        if name == "P~E":
            target, test = "< 0", (lambda v: v < 0)
        else:
            target, test = "> 0", (lambda v: v > 0)
        rows.append((PATH_LABELS.get(name, name), target, test, c))
    rows.append(("indirect effect P -> C -> S (a b)", "> 0", lambda v: v > 0, "indirect_effect"))
    return rows


def report(path, survey, attrs):
    """The Markdown text."""
    summary = survey["summary"]
    steps = list(summary.index)
    lines = [f"# Virtual survey: {os.path.basename(path)}", ""]
    details = [f"seed {attrs.get('seed')}", f"{attrs.get('steps')} steps"]
    first = summary.iloc[0]
    if "sample_size" in summary.columns:
        details.append(f"{int(first['sample_size']):,} respondents")
    items = survey["items"].get(steps[0])
    if items is not None:
        details.append(f"{items.shape[1]} Likert items (1-5)")
    if "bootstrap_resamples" in summary.columns:
        details.append(f"{int(first['bootstrap_resamples']):,} bootstrap resamples")
    lines += [", ".join(details) + ". Paths are standardized regression coefficients on "
              "construct scores (item means); targets are the source study's (docs/odd.md "
              "§3.13).", ""]

    header = ["statistic", "target"] + [f"step {s}" for s in steps] + ["met"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] * 2 + ["---:"] * len(steps) + [":---:"]) + "|")
    for label, target, test, column in rows_of(summary):
        if column not in summary.columns:
            continue
        values = [float(v) for v in summary[column]]
        cells = [fmt(v, 0 if column == "bartlett_df" else 3) for v in values]
        if column == "bartlett_p":  # an exact 0 is an underflow of the chi-square tail
            cells = ["< 1e-300" if v == 0.0 else c for v, c in zip(values, cells)]
        met = ""
        if test is not None:
            met = "yes" if all(not math.isnan(v) and test(v) for v in values) else "no"
        lines.append("| " + " | ".join([label, target] + cells + [met]) + " |")
    if {"indirect_ci_low", "indirect_ci_high"} <= set(summary.columns):
        level = summary["interval_level"].iloc[0] if "interval_level" in summary.columns else 0.95
        cells = [f"[{fmt(lo)}, {fmt(hi)}]"
                 for lo, hi in zip(summary["indirect_ci_low"], summary["indirect_ci_high"])]
        met = "yes" if all(lo > 0 for lo in summary["indirect_ci_low"]) else "no"
        lines.append("| " + " | ".join(
            [f"{level:.0%} bootstrap interval of a b", "excludes 0"] + cells + [met]) + " |")
    lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Markdown report of a run's virtual survey: reliability, sampling "
                    "adequacy, sphericity, path coefficients and the indirect effect.",
        epilog="Exit status: 0 written, 2 bad arguments, not a complete run or no survey.")
    parser.add_argument("run", metavar="RUN.h5", help="run file written by `minesim run -o`")
    parser.add_argument("-o", "--output", metavar="OUT.md",
                        help="Markdown file to write (default: print)")
    args = parser.parse_args(argv)

    if not minesim_io.is_complete(args.run):
        print(f"survey_report.py: {args.run}: not a complete minesim run file", file=sys.stderr)
        return 2
    survey = minesim_io.load_survey(args.run)
    if survey["summary"].empty:
        print(f"survey_report.py: {args.run}: no /survey (the run took no survey)",
              file=sys.stderr)
        return 2
    attrs = minesim_io.load_run(args.run)["attrs"]
    text = report(args.run, survey, attrs)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
