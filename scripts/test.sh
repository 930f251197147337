#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole test suite.
# Then, as CI does (docs/hardening.md):
#   1. an AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/ and a reduced
#      suite under it: the unit tests and the integration tests of bad input and faults;
#   2. the fuzz target of the scenario, batch and plan loaders: a fixed seed and a fixed
#      number of executions from the committed corpus, so one commit always gives one result
#      (exploratory fuzzing with random seeds is tests/fuzz/run.sh SECONDS, outside CI).
# For quick local runs, MINESIM_SKIP_SANITIZERS=1 skips 1 and MINESIM_SKIP_FUZZ=1 skips 2.
# MINESIM_TSAN=1 adds a ThreadSanitizer build (clang-14, libomp with Archer) in build-tsan/
# running the unit and regression tests (about 2 minutes; not in CI, whose 15 minutes it
# would nearly fill).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
jobs=$(nproc)
elapsed() { echo "test.sh: $1 after $((SECONDS - start)) s"; }

bash scripts/install-deps.sh runtime analysis test
bash scripts/build.sh -DMINESIM_WARNINGS_AS_ERRORS=ON -DMINESIM_BUILD_TESTS=ON -DMINESIM_BUILD_PYTHON=ON
(cd build && ctest --output-on-failure -j "$jobs" --timeout 600)
elapsed "test suite passed"

if [ "${MINESIM_SKIP_SANITIZERS:-0}" = 1 ]; then
  echo "test.sh: MINESIM_SKIP_SANITIZERS=1: no sanitizer build"
else
  cmake --preset asan >/dev/null
  cmake --build build-asan -j "$jobs" --target minesim minesim_unit_tests
  elapsed "sanitizer build done"
  # Any report fails the test that caused it: UB aborts (-fno-sanitize-recover), and ASan
  # and LeakSanitizer exit non-zero. The suppressions name leaks of system libraries.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:check_initialization_order=1
  export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The reduced suite: the unit tests, and the integration tests of bad input, signals,
  # truncated and unwritable files, extreme parameters and a few commands, which run the
  # minesim executable. Left out: the replay of the loaders' fuzz corpus (LoaderCorpus, a
  # minute under ASan), which step 2 runs under ASan and UBSan anyway; the slow model tests
  # (validation, regression, the shipped scenarios), MPI (Open MPI's own allocations), and
  # allow_large (ulimit -v and ASan's shadow memory do not mix).
  selected='^(bad_input.*|faults_(sigterm_run|second_signal|truncated_run_file|unwritable_output'
  selected+='|full_disk|dev_full|empty_scenario|scenario_from_pipe)|extreme_params_(behaviour_min'
  selected+='|behaviour_max|structure|game)|e2e_(seed_option|refuses_overwrite|unwritable_output'
  selected+='|interrupt_leaves_nothing|check_command|command_line)'
  selected+='|batch_(bad_override|runtime_failure|check_batch))$'
  (cd build-asan &&
    ctest --output-on-failure -j "$jobs" --timeout 900 -L unit -E '^LoaderCorpus\.' &&
    ctest --output-on-failure -j "$jobs" --timeout 900 -R "$selected")
  elapsed "sanitizer suite passed"
fi

if [ "${MINESIM_TSAN:-0}" = 1 ]; then
  cmake --preset tsan >/dev/null
  cmake --build build-tsan -j "$jobs" --target minesim minesim_unit_tests minesim_regression_tests
  # Archer tells TSan about OpenMP's synchronisation; the OpenMP runtime itself is not
  # instrumented, and its internal accesses are not ours to report.
  (cd build-tsan &&
    OMP_TOOL_LIBRARIES=/usr/lib/llvm-14/lib/libarcher.so \
      TSAN_OPTIONS="ignore_noninstrumented_modules=1 halt_on_error=1" \
      ctest --output-on-failure -j "$jobs" --timeout 900 -L "unit|regression")
  elapsed "ThreadSanitizer suite passed"
fi

if [ "${MINESIM_SKIP_FUZZ:-0}" = 1 ]; then
  echo "test.sh: MINESIM_SKIP_FUZZ=1: no fuzzing"
else
  bash tests/fuzz/run.sh --ci
  elapsed "fuzzing (fixed seed and executions) found nothing"
fi
