#!/usr/bin/env bash
# Fuzz the scenario, batch and plan loaders (tests/fuzz/loader_fuzz.cpp) with libFuzzer.
#
# usage: tests/fuzz/run.sh [SECONDS] [libFuzzer options...]
#   SECONDS  how long to fuzz (default 60, what scripts/test.sh runs in CI)
# Builds build-fuzz/ with clang-14 (the fuzz preset) when needed. Starts from the seed
# corpus in tests/fuzz/corpus and keeps what it learns in build-fuzz/corpus, so later runs
# go deeper; a finding (crash, sanitizer report, leak, hang, or an exception other than
# InputError) is written to build-fuzz/artifacts/ and the script exits non-zero. Replay one
# with: build-fuzz/minesim_fuzz_loader build-fuzz/artifacts/crash-...
# A long run, in the background: nohup tests/fuzz/run.sh 3600 > fuzz.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true

build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build "$build" --target minesim_fuzz_loader -j "$(nproc)" >/dev/null

mkdir -p "$build/corpus" "$build/artifacts"
# Allocation stacks are recorded only 8 frames deep: collecting them dominates the run time
# of this allocation-heavy target, and 8 frames place a leak well enough.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=8:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# stdin from /dev/null: an input naming /dev/stdin (extends = "/dev/stdin") must not wait.
"$build/minesim_fuzz_loader" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=8192 \
  -dict=tests/fuzz/toml.dict -artifact_prefix="$build/artifacts/" -print_final_stats=1 \
  "$@" "$build/corpus" tests/fuzz/corpus </dev/null
