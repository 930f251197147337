#!/usr/bin/env bash
# The performance benchmark: the full model at 10,000, 100,000 and 1,000,000 households (the
# baseline's network, mean degree about 15) on 1 and 2 threads, the CSR reference kernel,
# peak memory at two run lengths, the HDF5 write, and the 5,000-household baseline run start
# to finish. Prints the tables and the targets of docs/performance.md, each with its
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

for n in $SIZES; do
  steps=$STEPS
  if [ "$n" -ge 1000000 ]; then steps=$STEPS_1M; fi
  for t in $THREADS; do bench "$n" "$steps" "$t" table; done
  if [ "$n" -ge 1000000 ] && [ "$STEPS_1M_LONG" != "$STEPS_1M" ]; then
    bench "$n" "$STEPS_1M_LONG" 2 memory
  fi
done

# The baseline scenario as a user runs it: one process, one thread, start to finish
# (initialisation, spin-up, 240 steps, the survey and the HDF5 file).
echo "running: scenarios/baseline.toml x $SMALL_RUNS, 1 thread" >&2
for _ in $(seq "$SMALL_RUNS"); do
  /usr/bin/time -f "%e" -o "$tmp/wall.txt" "$BUILD/minesim" run scenarios/baseline.toml \
    -o "$tmp/baseline.h5" --force --quiet --threads 1
  echo "baseline_wall_s=$(cat "$tmp/wall.txt") label=baseline" | tee -a "$raw" >&2
done

python3 - "$raw" <<'EOF'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1])]
table = [r for r in rows if r["label"] == "table"]
f = lambda r, k: float(r[k])
one = {r["households"]: r for r in table if r["threads"] == "1"}
print("| households | steps | threads | household-steps/s | s/step | step / CSR kernel | "
      "speed-up 1->2 | peak bytes/household | HDF5 share |")
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
long = next((r for r in rows if r["label"] == "memory"), None)
if big2:
    short_b = f(big2, "time_v_maxrss_bytes") / 1e6
    text = f"{short_b:.0f} at {big2['steps']} steps"
    ok = short_b <= 400
    if long:
        long_b = f(long, "time_v_maxrss_bytes") / 1e6
        text += f", {long_b:.0f} at {long['steps']} steps"
        ok = ok and long_b <= 400 and long_b <= short_b * 1.02
    target("peak memory <= 400 bytes/household at 1M, not growing with steps", text, ok)
shares = [f(r, "write_share") for r in table]
if shares:
    target("HDF5 output <= 5% of run time", f"{100 * max(shares):.1f}% (largest)",
           max(shares) <= 0.05)
print("\nTargets:\n")
print("| target | measured | status |")
print("|---|---|---|")
for t in targets:
    print("| " + " | ".join(t) + " |")
EOF
