#!/usr/bin/python3
"""Tables of docs/model-results.md: the five compensation models compared on paired
replicates, and the measured effect of each revision-2 lever.

Input: the batch folders of scenarios/batches/model_results.toml and (optionally)
scenarios/batches/levers.toml. Each run is reduced to one number per statistic (below);
arms are compared replicate by replicate (common random numbers), and every difference is
given with the standard error of the paired differences, sd / sqrt(n).

Run statistics (steps 1..T, after the spin-up):
  dispute_share         disputes / negotiation outcomes over the run (events table)
  first_dispute_share   share of claims whose first outcome is a dispute: free of how often
                        a claim comes back, so it separates terms from pace
  settlement_months     settlement_months_mean weighted by the step's agreements
  unsettled_claim_share mean over steps
  compensation_ratio_gini  value at the last step (a stock of what was received)
  S_mean, petitioning_share  means over steps
  employment_green      value at the last step
  halted_share          halted mine-months / (producing + halted) mine-months

    analysis/model_results.py results/model_results [--levers results/levers] [-o OUT.md]

Exit status: 0 written, 2 bad input (no runs, a missing arm or series).
"""

import argparse
import math
import sys

import minesim_deps

minesim_deps.require("model_results.py", ("h5py", "numpy", "pandas"))

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import minesim_io  # noqa: E402

MODELS = ["enterprise_direct", "enterprise_funded_gov_organized", "joint", "state_funded",
          "investment_promotion"]
REFERENCE = "enterprise_direct"
SERIES = ["dispute_rate", "agreements", "settlement_months_mean", "unsettled_claim_share",
          "compensation_ratio_gini", "S_mean", "S_p10", "S_p90", "petitioning_share",
          "employment_green", "mines_active", "mines_halted", "disputes_open",
          "claims_awaiting_payment", "enterprise_cash_yuan", "enterprise_payout_yuan",
          "restoration_rate_legacy", "county_legacy_restoration_yuan", "compliance_share",
          "compensation_paid_yuan", "deposits_forfeited_yuan", "informed_mean"]

#: (statistic, label, decimals) of the model table.
MODEL_COLUMNS = [("dispute_share", "dispute share", 3),
                 ("first_dispute_share", "first-outcome dispute share", 3),
                 ("settlement_months", "settlement months", 2),
                 ("unsettled_claim_share", "unsettled claim share", 3),
                 ("compensation_ratio_gini", "compensation ratio Gini", 4),
                 ("S_mean", "S mean", 4),
                 ("petitioning_share", "petitioning share", 4),
                 ("employment_green", "green jobs (final)", 1)]


def fail(message):
    print(f"model_results.py: {message}", file=sys.stderr)
    sys.exit(2)


def negotiation_stats(path):
    """(dispute share, first-outcome dispute share) of one run's negotiation events."""
    with h5py.File(path, "r") as f:
        if "events/negotiations" not in f:
            return math.nan, math.nan
        ev = f["events/negotiations"][()]
    if len(ev) == 0:
        return math.nan, math.nan
    agreed = np.asarray(ev["agreed"], dtype=np.int64)
    frame = pd.DataFrame({"step": ev["step"], "household": ev["household"],
                          "mine": ev["mine"], "agreed": agreed})
    first = frame.sort_values("step", kind="stable").groupby(["household", "mine"]).first()
    return float(1.0 - agreed.mean()), float(1.0 - first["agreed"].mean())


def run_statistics(batch):
    """One row per complete run: arm, replicate and the run statistics."""
    ts = batch["timeseries"]
    ts = ts[ts["step"] >= 1]
    rows = []
    for run_id, g in ts.groupby("run_id", sort=True):
        g = g.sort_values("step")
        info = batch["runs"].loc[run_id]
        weights = g["agreements"].to_numpy()
        settled = (np.average(g["settlement_months_mean"], weights=weights)
                   if weights.sum() > 0 else math.nan)
        mine_months = (g["mines_active"] + g["mines_halted"]).sum()
        dispute_share, first_share = negotiation_stats(info["path"])
        informed = g["informed_mean"].to_numpy()
        rows.append({
            "run_id": run_id, "arm": info["arm"], "replicate": int(info["replicate"]),
            "dispute_share": dispute_share,
            "first_dispute_share": first_share,
            "settlement_months": settled,
            "unsettled_claim_share": g["unsettled_claim_share"].mean(),
            "compensation_ratio_gini": g["compensation_ratio_gini"].iloc[-1],
            "S_mean": g["S_mean"].mean(),
            "petitioning_share": g["petitioning_share"].mean(),
            "employment_green": g["employment_green"].iloc[-1],
            "halted_share": g["mines_halted"].sum() / mine_months if mine_months else math.nan,
            "disputes_open": g["disputes_open"].mean(),
            "claims_awaiting_payment": g["claims_awaiting_payment"].mean(),
            "enterprise_cash_final": g["enterprise_cash_yuan"].iloc[-1],
            "payouts_sum": g["enterprise_payout_yuan"].sum(),
            "compensation_paid_sum": g["compensation_paid_yuan"].sum(),
            "restoration_rate_legacy": g["restoration_rate_legacy"].iloc[-1],
            "county_legacy_sum": g["county_legacy_restoration_yuan"].sum(),
            "compliance_share": g["compliance_share"].mean(),
            "deposits_forfeited_sum": g["deposits_forfeited_yuan"].sum(),
            "S_spread_step1": (g["S_p90"] - g["S_p10"]).iloc[0],
            "S_spread_step12": (g["S_p90"] - g["S_p10"]).iloc[11],
            "informed_change_sd": float(np.std(np.diff(informed), ddof=1)),
        })
    return pd.DataFrame(rows)


def paired(stats, arm, reference, column):
    """(mean difference, its standard error, pairs) of arm - reference, by replicate."""
    a = stats[stats["arm"] == arm].set_index("replicate")[column]
    b = stats[stats["arm"] == reference].set_index("replicate")[column]
    d = (a - b).dropna()
    if len(d) < 2:
        return math.nan, math.nan, len(d)
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d))), len(d)


def mean_se(values):
    v = pd.Series(values).dropna()
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.nan


def fmt(x, decimals):
    return "n/a" if x != x else f"{x:,.{decimals}f}"


def model_table(stats, suffix, title):
    lines = [f"### {title}", "",
             "Each cell: the arm's mean over its replicates, then its paired difference from "
             f"`{REFERENCE}` (± 1 SE of the differences; **bold** where |difference| > 3 SE).",
             ""]
    lines.append("| model | " + " | ".join(label for _, label, _ in MODEL_COLUMNS) + " |")
    lines.append("|---|" + "---|" * len(MODEL_COLUMNS))
    n_runs = 0
    for model in MODELS:
        arm = model + suffix
        if arm not in set(stats["arm"]):
            fail(f"no arm '{arm}' in the model batch")
        cells = []
        for column, _, decimals in MODEL_COLUMNS:
            m, _ = mean_se(stats.loc[stats["arm"] == arm, column])
            if model == REFERENCE:
                cells.append(fmt(m, decimals))
                continue
            d, se, _ = paired(stats, arm, REFERENCE + suffix, column)
            text = f"{d:+,.{decimals}f} ± {se:,.{decimals}f}"
            if abs(d) > 3 * se:
                text = f"**{text}**"
            cells.append(f"{fmt(m, decimals)} ({text})")
        n_runs = max(n_runs, int((stats["arm"] == arm).sum()))
        lines.append(f"| `{model}` | " + " | ".join(cells) + " |")
    lines += ["", f"{n_runs} replicates per model.", ""]
    return lines


def landscape_spread(stats, varying, fixed):
    """Between-replicate sd of each statistic with landscapes varying and fixed."""
    lines = ["### What the fixed landscape removes", "",
             "Standard deviation between replicates of each run statistic, pooled over the "
             "five models: with a landscape drawn from each replicate's seed, and with one "
             "fixed landscape (only behaviour varies). The ratio is fixed / varying.", "",
             "| statistic | sd, landscapes vary | sd, one landscape | ratio |", "|---|---|---|---|"]
    for column, label, decimals in MODEL_COLUMNS:
        sds = []
        for suffix in (varying, fixed):
            per_model = [stats.loc[stats["arm"] == m + suffix, column].std(ddof=1)
                         for m in MODELS]
            sds.append(float(np.sqrt(np.mean(np.square(per_model)))))
        ratio = sds[1] / sds[0] if sds[0] > 0 else math.nan
        lines.append(f"| {label} | {fmt(sds[0], decimals + 1)} | {fmt(sds[1], decimals + 1)} | "
                     f"{fmt(ratio, 2)} |")
    lines.append("")
    return lines


#: Levers of scenarios/batches/levers.toml: arm, what moved, statistics where it should act.
LEVERS = [
    ("willingness_cap_1.8", "payers concede toward a higher cap (1.5 → 1.8)",
     [("dispute_share", 4), ("settlement_months", 3), ("compensation_paid_sum", 0),
      ("S_mean", 4)]),
    ("dispute_cooldown_12", "disputes reopen after 12 months (6)",
     [("disputes_open", 2), ("unsettled_claim_share", 4), ("dispute_share", 4)]),
    ("months_per_round_3", "a round every 3 months (1), nothing else",
     [("dispute_share", 4), ("first_dispute_share", 4), ("settlement_months", 3)]),
    ("no_spinup", "no spin-up (24 months)",
     [("S_spread_step1", 4), ("S_spread_step12", 4)]),
    ("no_payouts", "enterprises pay out nothing (3 months' reserve)",
     [("payouts_sum", 0), ("enterprise_cash_final", 0), ("claims_awaiting_payment", 3)]),
    ("no_county_cofunding", "no county co-funding of legacy restoration (0.2)",
     [("county_legacy_sum", 0), ("restoration_rate_legacy", 4)]),
    ("no_unremedied_prior", "deposit term without its prior (0.2)",
     [("compliance_share", 4), ("deposits_forfeited_sum", 0)]),
    ("high_grievance", "high expectations, stingy payers (stress scenario's overrides)",
     [("halted_share", 4), ("petitioning_share", 4), ("dispute_share", 4)]),
]


def lever_table(stats):
    lines = ["| lever (arm) | statistic | baseline | lever − baseline (± SE) | |",
             "|---|---|---|---|---|"]
    for arm, what, columns in LEVERS:
        if arm not in set(stats["arm"]):
            fail(f"no arm '{arm}' in the lever batch")
        for i, (column, decimals) in enumerate(columns):
            base, _ = mean_se(stats.loc[stats["arm"] == "baseline", column])
            d, se, n = paired(stats, arm, "baseline", column)
            acts = "acts" if abs(d) > 3 * se else "no effect within 3 SE"
            head = f"{what} (`{arm}`, n={n})" if i == 0 else ""
            lines.append(f"| {head} | {column} | {fmt(base, decimals)} | "
                         f"{d:+,.{decimals}f} ± {se:,.{decimals}f} | {acts} |")
    lines.append("")
    base = stats[stats["arm"] == "baseline"]
    m, se = mean_se(base["informed_change_sd"])
    h, hse = mean_se(base["halted_share"])
    lines += [f"Staggered hearings: in the baseline the sd of the monthly change of "
              f"`informed_mean` is {m:.5f} ± {se:.5f}. Baseline halted share of mine-months: "
              f"{h:.4f} ± {hse:.4f}.", ""]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Exit status: 0 written, 2 bad input (no runs, a missing arm or series).")
    parser.add_argument("models", metavar="DIR", help="batch folder of model_results.toml")
    parser.add_argument("--levers", metavar="DIR", help="batch folder of levers.toml")
    parser.add_argument("-o", "--output", metavar="OUT.md", help="write here (default stdout)")
    args = parser.parse_args(argv)
    try:
        models = minesim_io.load_batch(args.models, metrics=SERIES)
        levers = minesim_io.load_batch(args.levers, metrics=SERIES) if args.levers else None
    except (FileNotFoundError, ValueError, OSError, KeyError) as e:
        fail(str(e))
    stats = run_statistics(models)
    lines = ["## Compensation models", ""]
    lines += model_table(stats, "_landscape_seed-1", "One fixed landscape (landscape_seed = 1)")
    lines += model_table(stats, "_landscape_seed--1",
                         "Landscapes varying with the replicate's seed (landscape_seed = -1)")
    lines += landscape_spread(stats, "_landscape_seed--1", "_landscape_seed-1")
    if levers is not None:
        lines += ["## Levers", ""] + lever_table(run_statistics(levers))
    text = "\n".join(lines)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
