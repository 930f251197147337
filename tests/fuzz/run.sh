#!/usr/bin/env bash
# Fuzz the scenario, batch and plan loaders (tests/fuzz/loader_harness.cpp) with libFuzzer.
#
# usage: tests/fuzz/run.sh --ci [libFuzzer options...]
#        tests/fuzz/run.sh [SECONDS] [libFuzzer options...]
#
# --ci       what scripts/test.sh runs: a fixed seed and a fixed number of executions, from
#            the committed corpus alone (tests/fuzz/corpus, read only), so the same commit
#            always gives the same result. MINESIM_FUZZ_RUNS (default 6000, about a minute
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
  # nothing from an earlier run changes this one.
  scratch=$(mktemp -d "$build/ci-corpus.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  # stdin from /dev/null: an input naming /dev/stdin (extends = "/dev/stdin") must not wait.
  "$build/minesim_fuzz_loader" "${common[@]}" \
    -seed="${MINESIM_FUZZ_SEED:-1}" -runs="${MINESIM_FUZZ_RUNS:-6000}" \
    "$@" "$scratch" tests/fuzz/corpus </dev/null
else
  seconds=${1:-600}
  shift || true
  mkdir -p "$build/corpus"
  "$build/minesim_fuzz_loader" "${common[@]}" -max_total_time="$seconds" \
    "$@" "$build/corpus" tests/fuzz/corpus </dev/null
fi
