#!/usr/bin/env bash
# The performance benchmark: the full model at 10,000, 100,000 and 1,000,000 households (the
# baseline's network, mean degree about 15) on 1 and 2 threads, the CSR reference kernel,
# the 5,000-household baseline run start to finish, and at 1M households two runs of
# `minesim run` as users run it (streaming the run file) for the peak memory at two run
# lengths and the share of time spent writing output. Prints the tables and the targets of docs/performance.md, each with its
# measured figure and whether it is met; keeps the raw lines in results/bench/.
#
#   bash bench/run.sh                    # 240 steps at 10k and 100k; 24 and 120 at 1M
#   STEPS_1M=240 bash bench/run.sh       # the full 20 years at 1M too
#   SIZES="10000" bash bench/run.sh      # a quick look (the targets at 1M are then skipped)
#
# Not part of the CI test suite. Run it on an otherwise idle machine: OpenMP threads spin
# while they wait, and a competing process on a 2-core machine makes the 2-thread runs slow.
# bench/ab.sh compares two commits with whole processes run alternately.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build-bench}
SIZES=${SIZES:-"10000 100000 1000000"}
THREADS=${THREADS:-"1 2"}
STEPS=${STEPS:-240}
STEPS_1M=${STEPS_1M:-24}
STEPS_1M_LONG=${STEPS_1M_LONG:-120}
SMALL_RUNS=${SMALL_RUNS:-5}
OUT=${OUT:-results/bench}
export OMP_PROC_BIND=${OMP_PROC_BIND:-true}

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMINESIM_BUILD_BENCH=ON \
  -DMINESIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target minesim_bench minesim -j"$(nproc)" >/dev/null

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw="$OUT/raw-$stamp.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One benchmark process; appends its line (plus the peak resident set that /usr/bin/time -v
# reports for the whole process) to the raw file.
bench() { # households steps threads label
  echo "running: $1 households, $2 steps, $3 thread(s)" >&2
  local line maxrss_kb
  line=$(/usr/bin/time -v -o "$tmp/time.txt" \
    "$BUILD/minesim_bench" --households "$1" --steps "$2" --threads "$3" --output "$tmp/run.h5")
  maxrss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
  echo "$line time_v_maxrss_bytes=$((maxrss_kb * 1024)) label=$4" | tee -a "$raw" >&2
  rm -f "$tmp/run.h5"
}

# One `minesim run` as a user runs it, streaming the run file while it runs: its wall time,
# peak resident set, and the time it spent writing the run file (which it prints).
cli_line() { # households steps threads label
  /usr/bin/time -f "%e %M" -o "$tmp/cli_time.txt" "$BUILD/minesim" run scenarios/baseline.toml \
    --set "households.count=$1" --set "region.villages=$(($1 / 125))" \
    --set "simulation.steps=$2" --threads "$3" -o "$tmp/cli.h5" --force 2>"$tmp/cli.err"
  local wall maxrss_kb output_s
  read -r wall maxrss_kb <"$tmp/cli_time.txt"
  output_s=$(grep -o 'writing the run file [0-9.]* s' "$tmp/cli.err" | awk '{print $5}')
  echo "households=$1 steps=$2 threads=$3 cli_wall_s=$wall cli_maxrss_bytes=$((maxrss_kb * 1024)) cli_output_s=$output_s label=$4" |
    tee -a "$raw" >&2
  rm -f "$tmp/cli.h5"
}

for n in $SIZES; do
  steps=$STEPS
  if [ "$n" -ge 1000000 ]; then steps=$STEPS_1M; fi
  for t in $THREADS; do bench "$n" "$steps" "$t" table; done
  if [ "$n" -ge 1000000 ]; then
    echo "running: minesim run, $n households, $STEPS_1M and $STEPS_1M_LONG steps, 2 threads" >&2
    cli_line "$n" "$STEPS_1M" 2 cli
    if [ "$STEPS_1M_LONG" != "$STEPS_1M" ]; then cli_line "$n" "$STEPS_1M_LONG" 2 cli; fi
  fi
done

# The baseline scenario as a user runs it: one process, one thread, start to finish
# (initialisation, spin-up, 240 steps, the survey and the HDF5 file).
echo "running: scenarios/baseline.toml x $SMALL_RUNS, 1 thread" >&2
for _ in $(seq "$SMALL_RUNS"); do
  /usr/bin/time -f "%e" -o "$tmp/wall.txt" "$BUILD/minesim" run scenarios/baseline.toml \
    -o "$tmp/baseline.h5" --force --threads 1 2>"$tmp/baseline.err"
  output_s=$(grep -o 'writing the run file [0-9.]* s' "$tmp/baseline.err" | awk '{print $5}')
  echo "baseline_wall_s=$(cat "$tmp/wall.txt") cli_output_s=$output_s label=baseline" |
    tee -a "$raw" >&2
done

python3 - "$raw" <<'EOF'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1])]
table = [r for r in rows if r["label"] == "table"]
f = lambda r, k: float(r[k])
one = {r["households"]: r for r in table if r["threads"] == "1"}
print("| households | steps | threads | household-steps/s | s/step | step / CSR kernel | "
      "speed-up 1->2 | peak bytes/household (bench) | HDF5 share (whole file at the end) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in table:
    base = one.get(r["households"])
    speed = f(base, "step_s") / f(r, "step_s") if base and r["threads"] != "1" else None
    print(f"| {int(r['households']):,} | {r['steps']} | {r['threads']} | "
          f"{f(r, 'household_steps_per_s'):.3g} | {f(r, 'step_s'):.4g} | "
          f"{f(r, 'step_over_kernel'):.2f} | {'' if speed is None else f'{speed:.2f}'} | "
          f"{f(r, 'time_v_maxrss_bytes') / f(r, 'households'):.0f} | "
          f"{100 * f(r, 'write_share'):.1f}% |")
phases = [k for k in table[0] if k.startswith("phase_")]
print("\nSeconds per step, by phase:\n")
print("| households | threads | " + " | ".join(p[6:] for p in phases) + " | CSR kernel |")
print("|---:|---:|" + "---:|" * (len(phases) + 1))
for r in table:
    print(f"| {int(r['households']):,} | {r['threads']} | " +
          " | ".join(f"{f(r, p):.4g}" for p in phases) + f" | {f(r, 'kernel_s'):.4g} |")

# The targets (docs/performance.md).
targets = []
def target(name, measured, ok):
    targets.append((name, measured, "met" if ok else "**missed**"))
big = [r for r in table if r["households"] == "1000000"]
big1 = next((r for r in big if r["threads"] == "1"), None)
big2 = next((r for r in big if r["threads"] == "2"), None)
if big2:
    hs = f(big2, "household_steps_per_s")
    target("1,000,000 households, 2 threads: >= 10 M household-steps/s",
           f"{hs / 1e6:.2f} M", hs >= 10e6)
    ratio = f(big2, "step_over_kernel")
    target("step time <= 4 x CSR kernel (1M, 2 threads)", f"{ratio:.1f} x", ratio <= 4)
if big1 and big2:
    s = f(big1, "step_s") / f(big2, "step_s")
    target("speed-up 1 -> 2 threads >= 1.7 (1M)", f"{s:.2f}", s >= 1.7)
walls = [f(r, "baseline_wall_s") for r in rows if r["label"] == "baseline"]
if walls:
    w = statistics.median(walls)
    target("baseline (5,000 x 240), 1 thread, start to finish <= 0.25 s",
           f"{w:.2f} s (median of {len(walls)})", w <= 0.25)
# Memory and output as a user's `minesim run` sees them: the run file streamed during the run.
cli = sorted((r for r in rows if r["label"] == "cli"), key=lambda r: int(r["steps"]))
if cli:
    per = [(r["steps"], f(r, "cli_maxrss_bytes") / f(r, "households")) for r in cli]
    text = ", ".join(f"{b:.0f} at {s} steps" for s, b in per) + " (`minesim run`, 2 threads)"
    ok = all(b <= 400 for _, b in per) and per[-1][1] <= per[0][1] * 1.05
    target("peak memory <= 400 bytes/household at 1M, not growing with steps", text, ok)
shares = [(f"1M x {r['steps']}", f(r, "cli_output_s") / f(r, "cli_wall_s")) for r in cli]
base = [r for r in rows if r["label"] == "baseline" and r.get("cli_output_s")]
if base:
    shares.append(("baseline", statistics.median(
        f(r, "cli_output_s") / f(r, "baseline_wall_s") for r in base)))
if shares:
    target("HDF5 output <= 5% of run time",
           ", ".join(f"{100 * s:.1f}% ({name})" for name, s in shares) +
           " (`minesim run`: writing the run file over wall time)",
           max(s for _, s in shares) <= 0.05)
print("\nTargets:\n")
print("| target | measured | status |")
print("|---|---|---|")
for t in targets:
    print("| " + " | ".join(t) + " |")
EOF
