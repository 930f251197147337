#!/usr/bin/env bash
# The performance benchmark: the full model at 10,000, 100,000 and 1,000,000 households
# (mean degree about 12) on 1 and 2 threads, plus the CSR reference kernel, peak memory and
# the HDF5 write. Prints a Markdown table (and keeps the raw lines in results/bench/).
#
#   bash bench/run.sh                 # 240 steps at 10k and 100k, 48 steps at 1M
#   STEPS_1M=240 bash bench/run.sh    # the full 20 years at 1M too
#   SIZES="10000" bash bench/run.sh   # a quick look
#
# Not part of the CI test suite. Run it on an otherwise idle machine: OpenMP threads spin
# while they wait, and a competing process on a 2-core machine makes the 2-thread runs slow.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build-bench}
SIZES=${SIZES:-"10000 100000 1000000"}
THREADS=${THREADS:-"1 2"}
STEPS=${STEPS:-240}
STEPS_1M=${STEPS_1M:-48}
OUT=${OUT:-results/bench}
export OMP_PROC_BIND=${OMP_PROC_BIND:-true}

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMINESIM_BUILD_BENCH=ON \
  -DMINESIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target minesim_bench -j"$(nproc)" >/dev/null

mkdir -p "$OUT"
raw="$OUT/raw-$(date -u +%Y%m%dT%H%M%SZ).txt"
tmp_h5=$(mktemp -d)
trap 'rm -rf "$tmp_h5"' EXIT
for n in $SIZES; do
  steps=$STEPS
  if [ "$n" -ge 1000000 ]; then steps=$STEPS_1M; fi
  for t in $THREADS; do
    echo "running: $n households, $steps steps, $t thread(s)" >&2
    # /usr/bin/time -v reports the peak resident set of the whole process independently.
    line=$(/usr/bin/time -v -o "$tmp_h5/time.txt" \
      "$BUILD/minesim_bench" --households "$n" --steps "$steps" --threads "$t" \
      --output "$tmp_h5/run.h5")
    maxrss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp_h5/time.txt")
    echo "$line time_v_maxrss_bytes=$((maxrss_kb * 1024))" | tee -a "$raw" >&2
    rm -f "$tmp_h5/run.h5"
  done
done

python3 - "$raw" <<'EOF'
import sys
rows = []
for line in open(sys.argv[1]):
    rows.append(dict(kv.split("=", 1) for kv in line.split()))
def f(r, k): return float(r[k])
one = {(r["households"]): r for r in rows if r["threads"] == "1"}
print("| households | steps | threads | household-steps/s | s/step | step / CSR kernel | "
      "speed-up 1->2 | peak bytes/household | HDF5 share |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    base = one.get(r["households"])
    speed = f(base, "step_s") / f(r, "step_s") if base and r["threads"] != "1" else None
    print(f"| {int(r['households']):,} | {r['steps']} | {r['threads']} | "
          f"{f(r, 'household_steps_per_s'):.3g} | {f(r, 'step_s'):.4g} | "
          f"{f(r, 'step_over_kernel'):.2f} | {'' if speed is None else f'{speed:.2f}'} | "
          f"{f(r, 'time_v_maxrss_bytes') / f(r, 'households'):.0f} | "
          f"{100 * f(r, 'write_share'):.1f}% |")
phases = [k for k in rows[0] if k.startswith("phase_")]
print()
print("Seconds per step, by phase:")
print()
print("| households | threads | " + " | ".join(p[6:] for p in phases) + " | CSR kernel |")
print("|---:|---:|" + "---:|" * (len(phases) + 1))
for r in rows:
    print(f"| {int(r['households']):,} | {r['threads']} | " +
          " | ".join(f"{f(r, p):.4g}" for p in phases) + f" | {f(r, 'kernel_s'):.4g} |")
EOF
