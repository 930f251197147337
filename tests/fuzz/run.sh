#!/usr/bin/env bash
# Fuzz the scenario, batch and plan loaders (tests/fuzz/loader_harness.cpp) with libFuzzer.
#
# usage: tests/fuzz/run.sh --ci [libFuzzer options...]
#        tests/fuzz/run.sh [SECONDS] [libFuzzer options...]
#
# --ci       what scripts/test.sh runs: a fixed seed and a fixed number of executions, from
#            the committed corpus alone (tests/fuzz/corpus, read only), without address
#            randomisation, so the same commit always tries the same inputs. MINESIM_FUZZ_RUNS (default 6000, about a minute
#            here) and MINESIM_FUZZ_SEED (default 1) change them.
# SECONDS    exploratory fuzzing (default 600): a random seed, for that long. It starts from
#            the committed corpus and keeps what it learns in build-fuzz/corpus, so later runs
#            go deeper. Not part of CI: run it after changing a loader, and move what it finds
#            into the corpora (docs/hardening.md, "Fuzzing").
#
# Builds build-fuzz/ with clang-14 (the fuzz preset) when needed. A finding (crash, sanitizer
# report, leak, hang, out-of-memory, or an exception other than InputError) is written to
# build-fuzz/artifacts/ and the script exits non-zero. Replay one with:
#   build-fuzz/minesim_fuzz_loader build-fuzz/artifacts/crash-...
# A long run, in the background: nohup tests/fuzz/run.sh 3600 > fuzz.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."

build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build "$build" --target minesim_fuzz_loader -j "$(nproc)" >/dev/null

mkdir -p "$build/artifacts"
# Allocation stacks are recorded only 8 frames deep: collecting them dominates the run time
# of this allocation-heavy target, and 8 frames place a leak well enough.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=8:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
common=(-timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=8192
  -dict=tests/fuzz/toml.dict -artifact_prefix="$build/artifacts/" -print_final_stats=1)

if [ "${1:-}" = --ci ]; then
  shift
  # libFuzzer adds what it finds to its first corpus folder: a fresh one each time, so
  # nothing from an earlier run changes this one; -reload=0 keeps it from rereading that
  # folder every second, which made the inputs it tried depend on timing.
  scratch=$(mktemp -d "$build/ci-corpus.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  # Address-space layout randomisation off: some branches of the loaders' libraries depend
  # on addresses (a few edges of 6,300), and libFuzzer steers by the edges it sees, so with
  # it on, one seed could try other inputs from run to run.
  norandom=(setarch "$(uname -m)" --addr-no-randomize)
  if ! "${norandom[@]}" true 2>/dev/null; then
    echo "run.sh: cannot turn address randomisation off here; the run may not be repeatable" >&2
    norandom=()
  fi
  # stdin from /dev/null: an input naming /dev/stdin (extends = "/dev/stdin") must not wait.
  "${norandom[@]}" "$build/minesim_fuzz_loader" "${common[@]}" \
    -seed="${MINESIM_FUZZ_SEED:-1}" -runs="${MINESIM_FUZZ_RUNS:-6000}" -reload=0 \
    "$@" "$scratch" tests/fuzz/corpus </dev/null
else
  seconds=${1:-600}
  shift || true
  mkdir -p "$build/corpus"
  "$build/minesim_fuzz_loader" "${common[@]}" -max_total_time="$seconds" \
    "$@" "$build/corpus" tests/fuzz/corpus </dev/null
fi
