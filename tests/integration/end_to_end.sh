#!/usr/bin/env bash
# End-to-end checks of the minesim executable: usage: end_to_end.sh MINESIM CASE
# Run from the repository root. Each CASE is one CTest test (see tests/cmake/integration.cmake).
set -euo pipefail
exe=$1
case_name=$2
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# The metrics of docs/output-format.md that this version computes.
required=(damaged_ha restoring_ha restored_ha cumulative_damaged_ha restoration_rate
          restoration_rate_legacy restoration_rate_active E_mean P_mean C_mean R_mean S_mean
          S_p10 S_p50 S_p90 income_mean_yuan income_gini informed_mean
          net_restoration_cost_yuan_per_ha carbon_sink_t_co2 carbon_revenue_yuan
          employment_mining employment_green employment_agriculture unemployed
          fiscal_spending_yuan social_capital_invested_yuan compliance_share
          rating_A rating_B rating_C rating_D compensation_paid_yuan
          compensation_paid_enterprise_yuan compensation_paid_local_gov_yuan
          compensation_paid_state_yuan compensation_paid_social_capital_yuan negotiations
          agreements disputes_open participation_share compensation_gini negotiation_index_mean
          petitioning_share mines_halted strict_supervision_share inspections detections fines_yuan)

# Datasets that must be bit-identical between runs of the same scenario and seed.
compare_datasets() {
  local a=$1 b=$2
  for obj in /timeseries /panel /network /households /villages /mines /governments; do
    h5diff -q "$a" "$b" "$obj" "$obj" || fail "$obj differs between $a and $b"
  done
}

case "$case_name" in
baseline_layout)
  # The baseline in full; every shipped variant for 3 years (enough for each submodel to act:
  # negotiations, establishment after the 24-month lag, yearly strategies).
  "$exe" run scenarios/baseline.toml -o "$tmp/baseline.h5" --quiet
  "$py" tests/integration/check_run_file.py -q "$tmp/baseline.h5" --require "${required[@]}"
  for s in carbon_market fiscal_push no_restoration_duty bounded_confidence \
    compensation/enterprise_direct compensation/enterprise_funded_gov_organized \
    compensation/joint compensation/state_funded compensation/investment_promotion \
    supervision/none supervision/public_reporting supervision/digital_platform \
    supervision/joint_centre supervision/credit_linkage supervision/all_measures; do
    mkdir -p "$tmp/$(dirname "$s")"
    "$exe" run scenarios/$s.toml -o "$tmp/$s.h5" --quiet --threads 1 --set simulation.steps=36
    "$py" tests/integration/check_run_file.py -q "$tmp/$s.h5" --require "${required[@]}"
  done
  for s in convergent cycling; do
    "$exe" run scenarios/game/$s.toml -o "$tmp/$s.h5" --quiet --threads 1
    "$py" tests/integration/check_run_file.py -q "$tmp/$s.h5" --require share_enterprises_restoring \
      share_governments_strict share_residents_monitoring replicator_share_enterprises_restoring
  done
  ;;
three_counties)
  # region.counties = 3: three local governments, each governing its own strip.
  "$exe" run scenarios/three_counties.toml -o "$tmp/three.h5" --quiet --set simulation.steps=36
  "$py" tests/integration/check_run_file.py -q "$tmp/three.h5" --require "${required[@]}"
  "$py" - "$tmp/three.h5" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as f:
    g = f["governments"]
    assert g["villages"].shape == (3,), g["villages"].shape
    assert int(g["villages"][:].sum()) == f["villages/x_km"].shape[0]
    assert int(g["households"][:].sum()) == f["households/village"].shape[0]
    assert int(g["mines"][:].sum()) == f["mines/x_km"].shape[0]
    west, east = g["west_km"][:], g["east_km"][:]
    for table in ("villages", "mines"):
        x, county = f[table]["x_km"][:], f[table]["county"][:]
        assert set(np.unique(county)) <= {0, 1, 2}
        assert np.all((west[county] <= x) & (x < east[county])), table
    inspections = f["events/inspections"]["government"]
    assert set(np.unique(inspections)) <= {0, 1, 2}
    print("three local governments:", g["villages"][:].tolist(), "villages,",
          g["mines"][:].tolist(), "mines,", len(inspections), "inspections")
PY
  ;;
threads_identical)
  "$exe" run scenarios/baseline.toml -o "$tmp/t1.h5" --threads 1 --quiet
  "$exe" run scenarios/baseline.toml -o "$tmp/t2.h5" --threads 2 --quiet
  compare_datasets "$tmp/t1.h5" "$tmp/t2.h5"
  "$exe" run scenarios/bounded_confidence.toml -o "$tmp/b1.h5" --threads 1 --quiet --set simulation.steps=60
  "$exe" run scenarios/bounded_confidence.toml -o "$tmp/b2.h5" --threads 2 --quiet --set simulation.steps=60
  compare_datasets "$tmp/b1.h5" "$tmp/b2.h5"
  echo "1 and 2 threads: identical datasets"
  ;;
resolved_reruns)
  # The resolved parameters stored in a run file reproduce the run exactly.
  "$exe" run scenarios/early_closure.toml -o "$tmp/a.h5" --quiet --set simulation.steps=130
  "$py" -c "import h5py,sys; open(sys.argv[2],'w').write(h5py.File(sys.argv[1])['scenario'].attrs['resolved_toml'])" \
    "$tmp/a.h5" "$tmp/resolved.toml"
  "$exe" run "$tmp/resolved.toml" -o "$tmp/b.h5" --quiet
  compare_datasets "$tmp/a.h5" "$tmp/b.h5"
  ;;
seed_option)
  "$exe" run scenarios/baseline.toml -o "$tmp/a.h5" --quiet --seed 7 --set simulation.steps=12
  "$exe" run scenarios/baseline.toml -o "$tmp/b.h5" --quiet --set simulation.seed=7 --set simulation.steps=12
  compare_datasets "$tmp/a.h5" "$tmp/b.h5"
  [ "$("$py" -c "import h5py,sys; print(h5py.File(sys.argv[1]).attrs['seed'])" "$tmp/a.h5")" = 7 ] ||
    fail "seed attribute is not 7"
  ;;
refuses_overwrite)
  echo "precious" > "$tmp/out.h5"
  set +e
  err=$("$exe" run scenarios/baseline.toml -o "$tmp/out.h5" --quiet 2>&1 >/dev/null)
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "exit $rc, expected 2"
  [ "$(cat "$tmp/out.h5")" = precious ] || fail "existing file was changed"
  [[ $err == *"--force"* ]] || fail "message does not mention --force: $err"
  "$exe" run scenarios/baseline.toml -o "$tmp/out.h5" --quiet --force --set simulation.steps=2
  "$py" tests/integration/check_run_file.py -q "$tmp/out.h5"
  ;;
unwritable_output)
  set +e
  err=$("$exe" run scenarios/baseline.toml -o "$tmp/no/such/dir/out.h5" 2>&1)
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "exit $rc, expected 2"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "more than one line: $err"
  ;;
interrupt_leaves_nothing)
  # SIGINT mid-run: exit 130, a message, and no file that could pass for a result.
  "$exe" run scenarios/baseline.toml -o "$tmp/int.h5" --quiet --set simulation.steps=12000 \
    2>"$tmp/err" &
  pid=$!
  sleep 2
  kill -INT $pid
  set +e
  wait $pid
  rc=$?
  set -e
  [ $rc -eq 130 ] || fail "exit $rc, expected 130"
  grep -q "interrupted" "$tmp/err" || fail "no interruption message"
  [ ! -e "$tmp/int.h5" ] && [ ! -e "$tmp/int.h5.partial" ] || fail "an output file was left"
  ;;
check_command)
  out=$("$exe" check scenarios/baseline.toml)
  [[ $out == *"valid"* ]] || fail "check did not say valid"
  [[ $out == *"estimated peak memory"* ]] || fail "check printed no memory estimate"
  [[ $out == *"small_world_degree = 12"* ]] || fail "check did not print resolved parameters"
  ;;
output_estimate)
  # `check`'s output size is an upper bound of the run file written, for every shipped
  # scenario (1,000 households, all 240 months) and the baseline itself.
  checked=0
  while read -r s; do
    args=(--set households.count=1000)
    [ "$s" = scenarios/baseline.toml ] && args=()
    bound=$("$exe" check "$s" "${args[@]}" | sed -n 's/.*output at most .* (\([0-9]*\) bytes).*/\1/p')
    [ -n "$bound" ] || fail "check $s prints no output bound"
    "$exe" run "$s" -o "$tmp/s.h5" --force --quiet --threads 1 "${args[@]}"
    size=$(stat -c %s "$tmp/s.h5")
    [ "$size" -le "$bound" ] || fail "$s: wrote $size bytes, check said at most $bound"
    checked=$((checked + 1))
  done < <(find scenarios -name '*.toml' ! -path '*/batches/*' ! -path '*/sensitivity/*' \
    ! -path '*/calibration/*' ! -path '*/game/*' | sort)
  [ "$checked" -ge 15 ] || fail "only $checked scenarios checked"
  ;;
rerun)
  # rerun: the stored parameters reproduce the run bit for bit (exit 0); a file whose results
  # were changed afterwards is caught (exit 4, naming the dataset); bad input leaves nothing.
  small=(--set households.count=300 --set simulation.steps=12 --set region.villages=4 --quiet)
  "$exe" run scenarios/baseline.toml -o "$tmp/a.h5" --seed 11 --threads 2 "${small[@]}"
  "$exe" rerun "$tmp/a.h5" -o "$tmp/again.h5" --threads 1 2>"$tmp/err" || fail "rerun: $(cat "$tmp/err")"
  grep -q "bit-identical" "$tmp/err" || fail "rerun did not report the comparison: $(cat "$tmp/err")"
  compare_datasets "$tmp/a.h5" "$tmp/again.h5"
  cp "$tmp/a.h5" "$tmp/changed.h5"
  "$py" - "$tmp/changed.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["timeseries/S_mean"][5] += 1e-12
PY
  rc=0
  "$exe" rerun "$tmp/changed.h5" -o "$tmp/again2.h5" --quiet 2>"$tmp/err" || rc=$?
  [ $rc -eq 4 ] || fail "rerun of a changed file exited $rc, expected 4"
  grep -q "differs from .* in 1 dataset (/timeseries/S_mean)" "$tmp/err" || fail "$(cat "$tmp/err")"
  # A batch's run file holds its arm's resolved scenario, so it reruns as well.
  "$exe" batch scenarios/batches/tiny.toml -o "$tmp/batch" --replicates 1 --set simulation.steps=6 --quiet
  "$exe" rerun "$tmp/batch/runs/bounded_confidence_r000.h5" -o "$tmp/arm.h5" --quiet ||
    fail "a batch run does not rerun bit-identically"
  for bad in "$tmp/none.h5" "$tmp/a.h5.partial" scenarios/baseline.toml; do
    rc=0
    "$exe" rerun "$bad" -o "$tmp/bad.h5" 2>"$tmp/err" || rc=$?
    [ $rc -eq 2 ] || fail "rerun $bad exited $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "rerun $bad: not one line: $(cat "$tmp/err")"
    [ ! -e "$tmp/bad.h5" ] && [ ! -e "$tmp/bad.h5.partial" ] || fail "rerun $bad left a file"
  done
  ;;
command_line)
  "$exe" --help >/dev/null
  # --version: the version, git commit, compiler and HDF5 library, one per line.
  "$exe" --version >"$tmp/version"
  for field in "^minesim [0-9]" "^git commit " "^compiler g\+\+ " "^HDF5 1\.[0-9]+\.[0-9]+$"; do
    grep -Eq "$field" "$tmp/version" || fail "--version lacks /$field/: $(cat "$tmp/version")"
  done
  # Usage errors: exit 2, one line, pointing at the command's own --help, with a suggestion
  # for a mistyped command or option.
  expect_usage() { # expect_usage "TEXT ON STDERR" ARGS...
    local want=$1
    shift
    set +e
    "$exe" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    set -e
    [ $rc -eq 2 ] || fail "minesim $* exited $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "minesim $*: not one line: $(cat "$tmp/err")"
    grep -qF -- "$want" "$tmp/err" || fail "minesim $*: no '$want' in: $(cat "$tmp/err")"
  }
  expect_usage "(see minesim run --help)" run scenarios/baseline.toml # no -o
  expect_usage "unknown command 'frobnicate'" frobnicate
  expect_usage "unknown command 'runn'; did you mean 'run'? (see minesim --help)" runn
  expect_usage "unknown command 'bacth'; did you mean 'batch'?" bacth x -o y
  expect_usage "minesim run: unknown option '--thread'; did you mean '--threads'? (see minesim run --help)" \
    run scenarios/baseline.toml -o "$tmp/x.h5" --thread 2
  expect_usage "did you mean '--output'?" batch scenarios/batches/tiny.toml --ouptut "$tmp/b"
  expect_usage "(see minesim run --help)" run scenarios/baseline.toml -o "$tmp/x.h5" --threads 0
  expect_usage "--seed: expected a whole number from 0 to 9223372036854775807, got 'abc'" \
    run scenarios/baseline.toml -o "$tmp/x.h5" --seed abc
  expect_usage "--seed: expected a whole number" check scenarios/baseline.toml --seed -3
  [ ! -e "$tmp/x.h5" ] || fail "a usage error left an output file"
  # Values that look like options are values: a --set value starting with '-' is not judged
  # as an option (the loader range-checks it instead).
  expect_usage "influence.epsilon" check scenarios/baseline.toml --set influence.epsilon=-1
  # A failed write to standard output is an error, not a silent success.
  if [ -w /dev/full ]; then
    for args in "params" "check scenarios/baseline.toml" "--help" "--version"; do
      set +e
      # shellcheck disable=SC2086
      "$exe" $args >/dev/full 2>"$tmp/err"
      rc=$?
      set -e
      [ $rc -ne 0 ] || fail "minesim $args > /dev/full exited 0"
      grep -q "cannot write to standard output" "$tmp/err" || fail "minesim $args > /dev/full: $(cat "$tmp/err")"
    done
  fi
  ;;
plot)
  "$exe" run scenarios/baseline.toml -o "$tmp/p.h5" --quiet --set simulation.steps=36
  "$py" analysis/plot_run.py "$tmp/p.h5" -o "$tmp/p.png"
  [ -s "$tmp/p.png" ] || fail "no plot written"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
