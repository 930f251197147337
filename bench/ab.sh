#!/usr/bin/env bash
# Before and after: the benchmark of an older commit (A) against the working tree (B), as
# whole processes run alternately (A B A B ...) so that both see the same background load.
#
#   bash bench/ab.sh COMMIT           # e.g. bash bench/ab.sh 10625ee
#   REPS=5 bash bench/ab.sh COMMIT    # more pairs (default 3)
#   CONFIGS="baseline 100k-1" bash bench/ab.sh COMMIT
#
# Configurations: baseline (minesim run scenarios/baseline.toml: 5,000 households x 240
# months, one thread, start to finish), 100k-1 (100,000 households x 24 steps, 1 thread),
# 1m-1 and 1m-2 (1,000,000 households x 24 steps, 1 and 2 threads). For the bench runs the
# figure is the steps' time (initialisation, spin-up included, is reported apart). The
# commit is built from `git archive` in build-ab-COMMIT (minesim and minesim_bench only).
# Prints a Markdown table of medians; raw lines go to results/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then
  echo "usage: bash bench/ab.sh COMMIT" >&2
  exit 2
fi
commit=$(git rev-parse --short "$1")
REPS=${REPS:-3}
CONFIGS=${CONFIGS:-"baseline 100k-1 1m-1 1m-2"}
OUT=${OUT:-results/bench}
export OMP_PROC_BIND=${OMP_PROC_BIND:-true}

old_src="build-ab-$commit/src"
old_build="build-ab-$commit/build"
if [ ! -x "$old_build/minesim_bench" ]; then
  rm -rf "$old_src" && mkdir -p "$old_src"
  git archive "$commit" | tar -x -C "$old_src"
  cmake -S "$old_src" -B "$old_build" -DCMAKE_BUILD_TYPE=Release -DMINESIM_BUILD_BENCH=ON \
    -DMINESIM_BUILD_TESTS=OFF >/dev/null
  cmake --build "$old_build" --target minesim minesim_bench -j"$(nproc)" >/dev/null
fi
new_build=build-bench
cmake -S . -B "$new_build" -DCMAKE_BUILD_TYPE=Release -DMINESIM_BUILD_BENCH=ON \
  -DMINESIM_BUILD_TESTS=OFF >/dev/null
cmake --build "$new_build" --target minesim minesim_bench -j"$(nproc)" >/dev/null

mkdir -p "$OUT"
raw="$OUT/ab-$commit-$(date -u +%Y%m%dT%H%M%SZ).txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The baseline network for both sides (older benchmarks set a sparser one themselves).
network=(--set network.small_world_degree=12 --set network.kinship_share=0.3)

one() { # side build config
  local side=$1 build=$2 config=$3 line
  case $config in
  baseline)
    /usr/bin/time -f "%e" -o "$tmp/wall.txt" "$build/minesim" run scenarios/baseline.toml \
      -o "$tmp/run.h5" --force --quiet --threads 1
    line="seconds=$(cat "$tmp/wall.txt")"
    ;;
  100k-1 | 1m-1 | 1m-2)
    local n=100000 t=1
    case $config in 1m-*) n=1000000 ;; esac
    case $config in *-2) t=2 ;; esac
    line=$("$build/minesim_bench" --households "$n" --steps 24 --threads "$t" "${network[@]}")
    line="seconds=$(sed 's/.* step_s=\([^ ]*\).*/\1/' <<<"$line") $line"
    ;;
  *)
    echo "unknown configuration $config" >&2
    exit 2
    ;;
  esac
  echo "side=$side config=$config $line" | tee -a "$raw" >&2
}

for _ in $(seq "$REPS"); do
  for config in $CONFIGS; do
    one A "$old_build" "$config"
    one B "$new_build" "$config"
  done
done

python3 - "$raw" "$commit" <<'EOF'
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(sys.argv[1])]
what = {"baseline": "baseline run, wall s", "100k-1": "100k x 24, 1 thread, s/step",
        "1m-1": "1M x 24, 1 thread, s/step", "1m-2": "1M x 24, 2 threads, s/step"}
print(f"| configuration | A ({sys.argv[2]}) | B (this tree) | B / A |")
print("|---|---:|---:|---:|")
for config in dict.fromkeys(r["config"] for r in rows):
    a = statistics.median(float(r["seconds"]) for r in rows if r["config"] == config and r["side"] == "A")
    b = statistics.median(float(r["seconds"]) for r in rows if r["config"] == config and r["side"] == "B")
    print(f"| {what.get(config, config)} | {a:.4g} | {b:.4g} | {b / a:.2f} |")
EOF
