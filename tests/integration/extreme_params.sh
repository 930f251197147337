#!/usr/bin/env bash
# Extreme but valid parameters never produce NaN or infinity in any output.
# usage: extreme_params.sh MINESIM CASE (run from the repository root); each CASE is one
# CTest test (tests/cmake/hardening.cmake):
#   behaviour_min, behaviour_max  every behavioural parameter (those a calendar may set) at
#                                 the lower, or upper, end of its range, read from
#                                 `minesim params`, so parameters added later are covered
#   behaviour_mixed               each at one end or the other, chosen at random (4 draws)
#   structure                     the initial state at its edges: 1 village, 1 mine, one
#                                 legacy mine only, 2-household villages, a tiny region,
#                                 no network rewiring or kinship, wide and narrow spreads
#   game                          the tripartite game with its rates and shares at their ends
#   game_payoffs                  ... and with its payoffs at their ends
# Every run is short (a small region, a few years) and is checked by check_run_file.py
# (every time series finite, among the contract's checks) and by a scan of every other
# float dataset (panel, tables, events) for NaN and infinity. The survey's statistics are
# left out: on a degenerate sample (answers that never vary) some are undefined, and NaN
# is their documented value then.
set -euo pipefail
exe=$(realpath "$1")
case_name=$2
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# A small, short region: extremes are about values, not size.
small=(--set simulation.steps=36 --set simulation.snapshot_interval=6
       --set simulation.panel_size=30 --set households.count=240 --set region.villages=6
       --set mines.count=5 --set mines.legacy_count=2 --set enterprises.count=2
       --set survey.sample_size=100 --set survey.bootstrap_resamples=50)

# run NAME ARGS...: one run with ARGS after the small region, then the checks.
run() {
  local name=$1
  shift
  local out="$tmp/$name.h5"
  echo "--- $name: $*"
  "$exe" run scenarios/baseline.toml -o "$out" --quiet --threads 2 "${small[@]}" "$@" ||
    fail "$name: minesim run failed"
  "$py" tests/integration/check_run_file.py -q "$out" || fail "$name: run file check failed"
  "$py" - "$out" <<'EOF' || fail "$name: non-finite values"
import sys, h5py, numpy as np
bad = []
def visit(name, item):
    if not isinstance(item, h5py.Dataset) or name.startswith("survey"):
        return
    data = item[()]
    fields = data.dtype.names or [None]
    for field in fields:
        values = np.asarray(data if field is None else data[field])
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            where = f"{name}" + (f".{field}" if field else "")
            bad.append(f"{where}: {int((~np.isfinite(values)).sum())} non-finite")
with h5py.File(sys.argv[1], "r") as f:
    f.visititems(visit)
if bad:
    print("\n".join(bad))
    sys.exit(1)
EOF
}

# --set arguments putting every behavioural number at "min", "max" or, with a seed,
# "mixed"; *init* parameters (the initial state) keep the small region above.
behaviour_sets() {
  cat >"$tmp/sets.py" <<'EOF'
import random, re, sys
mode = sys.argv[1]
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
table = None
for line in sys.stdin:
    heading = re.match(r"## \[(\w+)\]$", line.strip())
    if heading:
        table = heading.group(1)
        continue
    cells = [c.strip() for c in line.split("|")]
    if table is None or len(cells) < 7 or not cells[1].startswith("`"):
        continue
    key, default, values, meaning = cells[1].strip("`"), cells[2].strip("`"), cells[4], cells[5]
    if "(*init*)" in meaning:
        continue
    end = mode if mode != "mixed" else rng.choice(["min", "max"])
    bounds = re.match(r"\[(\S+), (\S+)\]$", values)
    if bounds:
        value = bounds.group(1) if end == "min" else bounds.group(2)
        if re.fullmatch(r"-?\d+", default):
            value = str(int(float(value)))  # an integer parameter: "1e+09" is 1000000000
    elif values == "true, false":
        value = "false" if end == "min" else "true"
    elif values:
        choices = [c.strip().strip("`") for c in values.split(",")]
        value = choices[0] if end == "min" else choices[-1]
    else:
        continue  # free text (survey.steps)
    print(f"--set\n{table}.{key}={value}")
# The bootstrap's size changes the run time, not what can overflow: at most 200 resamples.
if mode != "min":
    print("--set\nsurvey.bootstrap_resamples=200")
EOF
  "$exe" params | "$py" "$tmp/sets.py" "$@"
}

case "$case_name" in
behaviour_min | behaviour_max)
  mapfile -t sets < <(behaviour_sets "${case_name#behaviour_}")
  [ "${#sets[@]}" -gt 100 ] || fail "only ${#sets[@]} arguments read from minesim params"
  run "$case_name" "${sets[@]}"
  ;;
behaviour_mixed)
  for seed in 1 2 3 4; do
    mapfile -t sets < <(behaviour_sets mixed "$seed")
    [ "${#sets[@]}" -gt 100 ] || fail "only ${#sets[@]} arguments read from minesim params"
    run "mixed_$seed" "${sets[@]}"
  done
  ;;
structure)
  run one_village_one_mine --set region.villages=1 --set mines.count=1 \
    --set mines.legacy_count=0 --set enterprises.count=1
  run only_a_legacy_mine --set mines.count=1 --set mines.legacy_count=1
  run no_legacy_mines --set mines.legacy_count=0
  run two_household_villages --set households.count=20 --set region.villages=10 \
    --set households.min_per_village=2 --set network.small_world_degree=2 \
    --set network.kinship_min_size=2 --set network.kinship_max_size=2 --set survey.sample_size=1
  run tiny_region_no_damage --set region.side_km=0.1 --set region.damage_radius_km=0 \
    --set mines.output_median_t_per_month=0 --set mines.damage_ha_per_10kt=0 \
    --set mines.legacy_initial_damage_max_ha=0 --set mines.legacy_initial_damage_min_ha=0 \
    --set mines.active_initial_damage_max_ha=0 --set mines.active_initial_damage_min_ha=0
  run huge_region --set region.side_km=10000 --set region.exposure_lambda_km=0.01 \
    --set economy.mining_job_radius_km=0 --set network.inter_village_distance_km=0.01
  run plain_lattice --set network.rewiring=0 --set network.kinship_share=0 \
    --set network.inter_village_share=0
  run dense_ties --set network.rewiring=1 --set network.kinship_share=1 \
    --set network.inter_village_share=0.9 --set network.small_world_degree=38 \
    --set network.kinship_min_size=40 --set network.kinship_max_size=40
  run no_spread --set mines.output_sd_log=0 --set households.land_sd_log=0 \
    --set households.expectation_sd_log=0 --set households.threshold_sd=0 \
    --set households.informed_min=0.3 --set households.informed_max=0.3 \
    --set perception.offset_sd=0 --set mines.remaining_life_min_years=0 \
    --set mines.remaining_life_max_years=0
  run wide_spread --set mines.output_sd_log=3 --set households.land_sd_log=3 \
    --set households.expectation_sd_log=3 --set households.threshold_sd=1 \
    --set households.informed_min=0 --set households.informed_max=1 \
    --set perception.offset_sd=10 --set households.land_median_ha=1000 \
    --set households.expectation_median=100 --set households.size_mean_persons=6
  run tiny_land --set households.land_median_ha=0.000001 --set households.expectation_median=0.01 \
    --set households.size_mean_persons=1
  run one_step --set simulation.steps=1 --set simulation.panel_size=0
  run snapshots_every_step --set simulation.snapshot_interval=1 \
    --set simulation.panel_size=10000000 --set survey.items_per_construct=50 \
    --set survey.loading=0 --set survey.bootstrap_resamples=0
  ;;
game)
  game=(--set game.tripartite=true --set simulation.steps=200 --set simulation.panel_size=0
        --set simulation.record_events=false)
  run game_min "${game[@]}" --set game.population=2 --set game.revision_rate=0.000001 \
    --set game.delta_max=0.000001 --set game.x0=0 --set game.y0=0 --set game.z0=0 \
    --set game.pg=0 --set game.pr=0
  run game_max "${game[@]}" --set game.population=100000 --set game.revision_rate=1 \
    --set game.delta_max=1000000000 --set game.x0=1 --set game.y0=1 --set game.z0=1 \
    --set game.pg=1 --set game.pr=1
  ;;
game_payoffs)
  # Payoffs at the ends of their range: the RK4 step of the replicator equations then
  # leaves [0, 1] and diverges to NaN within two steps (reported; this test is disabled in
  # tests/cmake/hardening.cmake until the step is stabilised).
  game=(--set game.tripartite=true --set simulation.steps=200 --set simulation.panel_size=0
        --set simulation.record_events=false)
  payoffs=(Ce Be Sb F Le Cg Ph W Cr K Q V)
  low=() high=()
  for p in "${payoffs[@]}"; do
    low+=(--set "game.$p=-1000000")
    high+=(--set "game.$p=1000000")
  done
  run game_payoffs_low "${game[@]}" "${low[@]}"
  run game_payoffs_high "${game[@]}" "${high[@]}" --set game.delta_max=0.000001
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
