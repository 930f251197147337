#!/usr/bin/env bash
# End-to-end checks of batches: usage: batch.sh MINESIM CASE (run from the repository root).
# Each CASE is one CTest test (tests/cmake/batch.cmake). "Same index" means every /runs
# column but wall_seconds, the /links and the /batch attributes are equal (docs/batch.md).
set -euo pipefail
exe=$(realpath "$1")
case_name=$2
py=/usr/bin/python3
tiny=scenarios/batches/tiny.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# shellcheck source=batch_lib.sh
source "$(dirname "$0")/batch_lib.sh"

case "$case_name" in
modes_identical)
  # Serial, 2 workers and 2 MPI ranks: the same index and bit-identical run datasets.
  "$exe" batch "$tiny" -o "$tmp/serial" --workers 1 --threads 1 --quiet
  "$exe" batch "$tiny" -o "$tmp/workers" --workers 2 --threads 1 --quiet
  mpirun_np 2 "$exe" batch "$tiny" -o "$tmp/mpi" 2>"$tmp/mpi.err"
  cat "$tmp/mpi.err"
  grep -q "on each of 2 MPI ranks" "$tmp/mpi.err" || fail "mpirun did not give 2 ranks"
  for d in workers mpi; do
    same_index "$tmp/serial" "$tmp/$d"
    same_run_files "$tmp/serial" "$tmp/$d"
  done
  [ "$(statuses "$tmp/serial" | grep -o '=complete' | wc -l)" = 6 ] || fail "not 6 complete runs"
  # A batch run is the single run `minesim run` makes with the same overrides and seed.
  seed=$("$py" -c "import h5py,sys; print(h5py.File(sys.argv[1])['runs/seed'][4])" "$tmp/serial/index.h5")
  mapfile -t sets < <("$py" -c "
import tomllib; plan = tomllib.load(open('$tmp/serial/plan.toml', 'rb'))
print('\n'.join(plan['arms'][1]['overrides']))")
  args=()
  for s in "${sets[@]}"; do args+=(--set "$s"); done
  "$exe" run scenarios/baseline.toml -o "$tmp/single.h5" --quiet --seed "$seed" "${args[@]}"
  same_datasets "$tmp/single.h5" "$tmp/serial/runs/bounded_confidence_r001.h5"
  # Common random numbers: replicate r has one seed in every arm, and replicates differ.
  "$py" - "$tmp/serial/index.h5" <<'EOF'
import sys, h5py
r = h5py.File(sys.argv[1], "r")["runs"]
seeds = {}
for arm, rep, seed in zip(r["arm"].asstr()[()], r["replicate"][()], r["seed"][()]):
    seeds.setdefault(int(rep), set()).add(int(seed))
assert all(len(s) == 1 for s in seeds.values()), seeds
assert len({next(iter(s)) for s in seeds.values()}) == 3, seeds
assert all(0 <= next(iter(s)) < 2**53 for s in seeds.values()), seeds
EOF
  ;;
resume_after_kill)
  # More and longer runs, so that SIGKILL lands mid-batch.
  slow=$(longer_variant)
  "$exe" batch "$slow" -o "$tmp/reference" --quiet
  "$exe" batch "$slow" -o "$tmp/killed" --workers 1 --threads 1 --quiet &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(ls "$tmp/killed/runs" 2>/dev/null | grep -c '\.h5$')" -ge 3 ] && break
    sleep 0.02
  done
  kill -KILL $pid 2>/dev/null || true
  wait $pid || true
  done_at_kill=$(ls "$tmp/killed/runs" | grep -c '\.h5$' || true)
  echo "complete when killed: $done_at_kill of 16"
  [ "$done_at_kill" -lt 16 ] || fail "the batch finished before it could be killed"
  [ ! -e "$tmp/killed/index.h5" ] || fail "a killed batch left an index"
  # What a kill can leave besides: a partial file, and a run file that never completed.
  echo "garbage" > "$tmp/killed/runs/bounded_confidence_r002.h5.partial"
  echo "garbage" > "$tmp/killed/runs/bounded_confidence_r001.h5"
  "$exe" batch "$slow" -o "$tmp/killed" --quiet
  same_index "$tmp/reference" "$tmp/killed"
  same_run_files "$tmp/reference" "$tmp/killed"
  [ ! -e "$tmp/killed/runs/bounded_confidence_r002.h5.partial" ] || fail "partial file kept"
  ;;
rank_death)
  # Under mpirun --enable-recovery, a worker rank killed mid-run costs only its run: rank 0
  # stops waiting for it after MINESIM_RANK_TIMEOUT seconds, records the run as failed,
  # finishes the others with the remaining ranks and exits 3. mpirun itself exits 0 then
  # (Open MPI 4 ignores exit codes under --enable-recovery), so the status comes from rank
  # 0's last line and batch-merge. A rerun redoes the run.
  slow=$(longer_variant)
  "$exe" batch "$slow" -o "$tmp/reference" --quiet
  # mpirun_np's flags, under `timeout` (which takes no shell function): a hang fails here.
  MINESIM_RANK_TIMEOUT=3 timeout 60 mpirun --allow-run-as-root --oversubscribe --enable-recovery \
    -np 3 "$exe" batch "$slow" -o "$tmp/mpi" --workers 1 --threads 1 2>"$tmp/err" &
  job=$!
  for _ in $(seq 1 600); do
    [ "$(ls "$tmp/mpi/runs" 2>/dev/null | grep -c '\.h5$')" -ge 2 ] && break
    sleep 0.02
  done
  # Rank 1 is the process whose environment says so (mpirun and timeout have no rank).
  victim=
  for pid in $(pgrep -f -- "-o $tmp/mpi"); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then
      victim=$pid
    fi
  done
  [ -n "$victim" ] || fail "no process of MPI rank 1 to kill"
  kill -KILL "$victim"
  set +e
  wait $job
  rc=$?
  set -e
  cat "$tmp/err"
  [ $rc -ne 124 ] || fail "mpirun did not return within 60 s of a rank's death"
  [ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "mpirun exits $rc, expected 0 (Open MPI 4) or 3"
  grep -q "^minesim: batch $tmp/mpi exits with code 3; mpirun --enable-recovery exits 0" \
    "$tmp/err" || fail "rank 0 does not say that the batch exits with code 3"
  st=$(statuses "$tmp/mpi")
  [ "$(echo "$st" | grep -o '=failed' | wc -l)" = 1 ] || fail "not one failed run: $st"
  [ "$(echo "$st" | grep -o '=complete' | wc -l)" = 15 ] || fail "not 15 complete runs: $st"
  lost=$(echo "$st" | tr ' ' '\n' | sed -n 's/=failed$//p')
  "$py" - "$tmp/mpi/index.h5" "$lost" <<'EOF'
import sys, h5py
r = h5py.File(sys.argv[1])["runs"]
m = dict(zip(r["run_id"].asstr()[()], r["message"].asstr()[()]))
want = "MPI rank 1 stopped responding (killed or lost) while running this run: nothing heard from it for 3 s"
assert m[sys.argv[2]] == want, m[sys.argv[2]]
EOF
  grep -q "run $lost failed: MPI rank 1 stopped responding" "$tmp/err" || fail "no failure line"
  rc=0
  "$exe" batch-merge "$tmp/mpi" --quiet 2>/dev/null || rc=$?
  [ $rc -eq 3 ] || fail "batch-merge after the death exits $rc, expected 3"
  # The rerun (without --enable-recovery, so that mpirun passes the exit code on).
  mpirun_np 3 "$exe" batch "$slow" -o "$tmp/mpi" --workers 1 --threads 1 2>"$tmp/err"
  grep -q "16 of 16 runs complete (15 already were)" "$tmp/err" || fail "rerun: $(cat "$tmp/err")"
  [ ! -e "$tmp/mpi/runs/$lost.error" ] || fail "the error record of $lost was kept"
  same_index "$tmp/reference" "$tmp/mpi"
  same_run_files "$tmp/reference" "$tmp/mpi"
  ;;
interrupt_resume)
  slow=$(longer_variant)
  "$exe" batch "$slow" -o "$tmp/int" --workers 1 --threads 1 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 1 600); do
    [ "$(ls "$tmp/int/runs" 2>/dev/null | grep -c '\.h5$')" -ge 1 ] && break
    sleep 0.02
  done
  kill -INT $pid 2>/dev/null || true
  set +e
  wait $pid
  rc=$?
  set -e
  cat "$tmp/err"
  [ $rc -eq 130 ] || fail "exit $rc after SIGINT, expected 130"
  grep -q "interrupted" "$tmp/err" || fail "no interruption message"
  grep -q "resume" "$tmp/err" || fail "the message does not say how to resume"
  [ ! -e "$tmp/int/index.h5" ] || fail "an interrupted batch wrote an index"
  ls "$tmp/int/runs" | grep -q partial && fail "an interrupted run left a partial file"
  "$exe" batch "$slow" -o "$tmp/int" --quiet
  "$exe" batch "$slow" -o "$tmp/ref" --quiet
  same_index "$tmp/ref" "$tmp/int"
  ;;
shards_merge)
  "$exe" batch "$tiny" -o "$tmp/serial" --quiet
  # --shard, then a Slurm array's environment; the shards run side by side.
  "$exe" batch "$tiny" -o "$tmp/sharded" --shard 0/2 --quiet &
  pid=$!
  SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_STEP=1 SLURM_ARRAY_TASK_COUNT=2 \
    "$exe" batch "$tiny" -o "$tmp/sharded" --quiet
  wait $pid
  [ ! -e "$tmp/sharded/index.h5" ] || fail "a shard wrote the index"
  [ "$(ls "$tmp/sharded/runs" | grep -c '\.h5$')" = 6 ] || fail "the shards did not make 6 runs"
  "$exe" batch-merge "$tmp/sharded"
  same_index "$tmp/serial" "$tmp/sharded"
  same_run_files "$tmp/serial" "$tmp/sharded"
  # A rerun without --shard finds everything complete and writes the same index.
  rm "$tmp/sharded/index.h5"
  "$exe" batch "$tiny" -o "$tmp/sharded" 2>"$tmp/err"
  grep -q "6 already were" "$tmp/err" || fail "the rerun did not skip the complete runs"
  same_index "$tmp/serial" "$tmp/sharded"
  # Merging with a shard missing reports it and exits 3.
  "$exe" batch "$tiny" -o "$tmp/half" --shard 1/2 --quiet
  set +e
  "$exe" batch-merge "$tmp/half" 2>"$tmp/err"
  rc=$?
  set -e
  [ $rc -eq 3 ] || fail "merge of half a batch exits $rc, expected 3"
  grep -q "3 runs have not run" "$tmp/err" || fail "merge does not name the missing runs"
  [ "$(statuses "$tmp/half" | grep -o '=missing' | wc -l)" = 3 ] || fail "not 3 missing rows"
  ;;
bad_override)
  # Every arm is validated before anything runs: exit 2, one line naming file, line and key.
  bad=$(variant bad 's/^set.influence.epsilon = 0.1/set.influence.epsilon = 1.5/')
  line=$(grep -n "epsilon = 1.5" "$bad" | cut -d: -f1)
  for cmd in check batch; do
    set +e
    if [ $cmd = check ]; then
      err=$("$exe" check "$bad" 2>&1 >/dev/null)
    else
      err=$("$exe" batch "$bad" -o "$tmp/out" 2>&1 >/dev/null)
    fi
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$cmd exits $rc, expected 2"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$cmd: more than one line: $err"
    expected="$bad:$line: arms[1].set.influence.epsilon: must be in [0, 1] (got 1.5)"
    [ "$err" = "$expected" ] || fail "$cmd said: $err; expected: $expected"
  done
  [ ! -e "$tmp/out" ] || fail "a rejected batch created its folder"
  # A typo in a key gets a suggestion, at the batch file's line.
  typo=$(variant typo 's/^set.influence.epsilon = 0.1/set.influence.epsilom = 0.1/')
  set +e
  err=$("$exe" check "$typo" 2>&1 >/dev/null)
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "typo: exit $rc, expected 2"
  [[ $err == "$typo:$line: arms[1].set.influence.epsilom: unknown key; did you mean 'influence.epsilon'?" ]] ||
    fail "typo: $err"
  ;;
runtime_failure)
  # A run that fails while running (its file cannot be written: a directory is in the way)
  # is "failed" in the index with its reason, the others complete, and the batch exits 3.
  mkdir -p "$tmp/out/runs/degroot_r001.h5.partial/in_the_way"
  set +e
  "$exe" batch "$tiny" -o "$tmp/out" 2>"$tmp/err"
  rc=$?
  set -e
  cat "$tmp/err"
  [ $rc -eq 3 ] || fail "exit $rc, expected 3"
  grep -q "run degroot_r001 failed" "$tmp/err" || fail "no failure message"
  grep -q "1 of 6 runs failed" "$tmp/err" || fail "no summary of failures"
  st=$(statuses "$tmp/out")
  [[ $st == *"degroot_r001=failed"* ]] || fail "statuses: $st"
  [ "$(echo "$st" | grep -o '=complete' | wc -l)" = 5 ] || fail "statuses: $st"
  "$py" -c "
import h5py, sys
r = h5py.File(sys.argv[1])['runs']
m = dict(zip(r['run_id'].asstr()[()], r['message'].asstr()[()]))
assert 'Directory not empty' in m['degroot_r001'], m
assert 'degroot_r001' not in h5py.File(sys.argv[1])['links']" "$tmp/out/index.h5"
  # Remove the obstacle and rerun: only the failed run is redone.
  rm -rf "$tmp/out/runs/degroot_r001.h5.partial"
  "$exe" batch "$tiny" -o "$tmp/out" --threads 1 2>"$tmp/err"
  grep -q "5 already were" "$tmp/err" || fail "complete runs were not skipped"
  [ ! -e "$tmp/out/runs/degroot_r001.error" ] || fail "the error record was kept"
  "$exe" batch "$tiny" -o "$tmp/clean" --quiet
  same_index "$tmp/clean" "$tmp/out"
  ;;
other_batch_refused)
  "$exe" batch "$tiny" -o "$tmp/out" --quiet
  other=$(variant other 's/^seed = 2024/seed = 7/')
  set +e
  err=$("$exe" batch "$other" -o "$tmp/out" 2>&1)
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "exit $rc, expected 2"
  [[ $err == *"plan.toml: the folder holds the runs of another batch (the batch seed differs)"* ]] ||
    fail "message: $err"
  ;;
check_batch)
  out=$("$exe" check "$tiny")
  echo "$out"
  [[ $out == *"valid batch of 6 runs (2 arms x 3 replicates)"* ]] || fail "no run count"
  [[ $out == *"peak memory"* && $out == *"output up to"* && $out == *"of one core"* ]] ||
    fail "no estimates of memory, output and time"
  out=$("$exe" check scenarios/batches/influence.toml)
  [[ $out == *"valid batch of 100 runs (5 arms x 20 replicates)"* ]] || fail "influence: $out"
  [[ $out == *"bc_epsilon-0.05"* ]] || fail "grid arms are not named from their values"
  # The arm limit: refused at once by both commands, naming the flag; raised, it passes.
  for cmd in check batch; do
    rc=0
    "$exe" $cmd scenarios/batches/influence.toml --max-arms 4 $([ $cmd = batch ] && echo "-o $tmp/lim") \
      2>"$tmp/err" >/dev/null || rc=$?
    [ "$rc" -eq 2 ] || fail "$cmd --max-arms 4: exit $rc, expected 2"
    grep -q "5 arms is more than the limit of 4: .*--max-arms 5" "$tmp/err" ||
      fail "$cmd --max-arms 4: $(cat "$tmp/err")"
    [ ! -e "$tmp/lim" ] || fail "$cmd --max-arms 4 left a batch folder"
  done
  "$exe" check scenarios/batches/influence.toml --max-arms 5 >/dev/null || fail "--max-arms 5"
  ;;
command_line_changes)
  # --replicates and --set change every arm, for check and batch alike.
  out=$("$exe" check "$tiny" --replicates 2 --set households.count=150)
  [[ $out == *"valid batch of 4 runs (2 arms x 2 replicates)"* ]] || fail "check --replicates: $out"
  [[ $out == *"households.count=150"* ]] || fail "check --set is not among every run's overrides"
  out=$("$exe" check "$tiny" --replicates 1)
  [[ $out == *"(2 arms x 1 replicate)"* ]] || fail "plural: $out"
  "$exe" batch "$tiny" -o "$tmp/small" --replicates 1 --set households.count=150 \
    --set simulation.steps=6 --quiet
  "$py" - "$tmp/small" <<'PY'
import sys, h5py
d = sys.argv[1]
with h5py.File(d + "/index.h5") as f:
    assert len(f["runs/run_id"]) == 2, "two arms x one replicate"
for arm in ("degroot", "bounded_confidence"):
    with h5py.File(f"{d}/runs/{arm}_r000.h5") as f:
        assert f["timeseries/S_mean"].shape == (7,), f["timeseries/S_mean"].shape
        resolved = f["scenario"].attrs["resolved_toml"]
        assert "count = 150" in resolved, "the --set value is not in the run's parameters"
PY
  # Refused with exit 2 and one line: a key the batch varies, the seed, a misspelt key, a
  # replicate count out of range. No batch folder is left.
  for args in "--set influence.kind=degroot|varies this parameter (arms[0].set.influence.kind" \
    "--set simulation.seed=3|take their seeds from the batch file" \
    "--set households.cuont=3|households.count" \
    "--replicates 0|--replicates"; do
    rc=0
    # shellcheck disable=SC2086
    "$exe" batch "$tiny" -o "$tmp/refused" ${args%%|*} 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "batch ${args%%|*}: exit $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "batch ${args%%|*}: not one line: $(cat "$tmp/err")"
    grep -qF -- "${args#*|}" "$tmp/err" || fail "batch ${args%%|*}: $(cat "$tmp/err")"
    [ ! -e "$tmp/refused" ] || fail "batch ${args%%|*} left a batch folder"
  done
  # A folder keeps its plan: resuming it with other changes is refused.
  rc=0
  "$exe" batch "$tiny" -o "$tmp/small" --replicates 1 --set households.count=160 \
    --set simulation.steps=6 --quiet 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] && grep -q "another batch" "$tmp/err" || fail "changed --set resumed: $(cat "$tmp/err")"

  # extends: a batch file inherits another's keys; its own [set] keys replace the base's,
  # and the base's scenario stays relative to the base's folder.
  mkdir -p "$tmp/elsewhere"
  {
    echo "extends = \"$PWD/$tiny\""
    echo "replicates = 1"
    echo "[set]"
    echo "households.count = 150"
    echo "simulation.steps = 6"
  } >"$tmp/elsewhere/child.toml"
  out=$("$exe" check "$tmp/elsewhere/child.toml")
  [[ $out == *"valid batch of 2 runs (2 arms x 1 replicate)"* ]] || fail "extends: $out"
  [[ $out == *"batch seed 2024"* ]] || fail "extends: the base's seed is not inherited: $out"
  "$exe" batch "$tmp/elsewhere/child.toml" -o "$tmp/child" --quiet
  same_run_files "$tmp/small" "$tmp/child"
  # Its own [[arms]] replace the base's.
  printf 'extends = "child.toml"\n[[arms]]\nname = "only"\nset.influence.kind = "degroot"\n' \
    >"$tmp/elsewhere/one_arm.toml"
  out=$("$exe" check "$tmp/elsewhere/one_arm.toml")
  [[ $out == *"valid batch of 1 run (1 arm x 1 replicate)"* ]] || fail "extends arms: $out"
  # Cycles and missing bases are bad input at the extends key.
  printf 'extends = "b.toml"\n' >"$tmp/elsewhere/a.toml"
  printf 'extends = "a.toml"\nreplicates = 1\n' >"$tmp/elsewhere/b.toml"
  printf 'extends = "nowhere.toml"\nreplicates = 1\n' >"$tmp/elsewhere/lost.toml"
  for f in "b.toml|circular extends" "lost.toml|file not found"; do
    rc=0
    "$exe" check "$tmp/elsewhere/${f%%|*}" >/dev/null 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "check ${f%%|*}: exit $rc, expected 2"
    grep -q "extends: .*${f#*|}" "$tmp/err" || fail "check ${f%%|*}: $(cat "$tmp/err")"
  done
  ;;
compare)
  "$exe" batch "$tiny" -o "$tmp/out" --quiet
  "$exe" compare "$tmp/out" --baseline degroot --metric S_mean --metric final_S_p10
  "$exe" compare "$tmp/out" --baseline degroot --stat final --csv > "$tmp/cmp.csv"
  # The same numbers from the index, computed independently. The t quantile for 2 degrees of
  # freedom has a closed form: t^2 = 2 q^2 / (1 - q^2) with q = 0.95.
  "$py" - "$tmp/out/index.h5" "$tmp/cmp.csv" <<'EOF'
import sys, csv, math, h5py, numpy as np
r = h5py.File(sys.argv[1], "r")["runs"]
arm = r["arm"].asstr()[()]
rows = list(csv.DictReader(open(sys.argv[2])))
metrics = [c[len("final_"):] for c in r.attrs["columns"] if c.startswith("final_")]
assert len(rows) == len(metrics), (len(rows), len(metrics))
for row in rows:
    v = r["final_" + row["metric"]][()]
    d = v[arm == "bounded_confidence"] - v[arm == "degroot"]
    t = math.sqrt(2 * 0.95**2 / (1 - 0.95**2))
    mean, half = d.mean(), t * d.std(ddof=1) / math.sqrt(3)
    for key, want in (("mean_difference", mean), ("ci_low", mean - half), ("ci_high", mean + half)):
        got = float(row[key])
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (row["metric"], key, got, want)
print(f"compare: {len(rows)} metrics agree with numpy")
EOF
  set +e
  err=$("$exe" compare "$tmp/out" --baseline degrot 2>&1)
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "unknown baseline exits $rc"
  [[ $err == *'did you mean "degroot"?'* ]] || fail "unknown baseline: $err"
  ;;
studies_mpi)
  # A sensitivity study and a calibration under mpirun -np 2 write what a single process
  # writes: the same indices, and the same posterior.
  cat >"$tmp/morris.toml" <<EOF
scenario = "$PWD/scenarios/baseline.toml"
method = "morris"
seed = 5
[set]
households.count = 800
region.villages = 20
simulation.steps = 12
[morris]
trajectories = 2
bootstrap = 50
[[parameters]]
key = "perception.S_intercept"
distribution = "uniform"
low = -1.8
high = -1.2
[[outputs]]
series = "S_mean"
EOF
  sed -e 's/method = "morris"/method = "abc_smc"/' -e 's/^\[morris\]$/[abc]/' \
      -e 's/^trajectories = 2$/particles = 10/' -e 's/^bootstrap = 50$/generations = 2/' \
      -e 's/^\[\[outputs\]\]$/[[targets]]\nvalue = 0.6\nsd = 0.01/' \
      "$tmp/morris.toml" >"$tmp/abc.toml"
  for study in morris abc; do
    command=sensitivity
    [ $study = abc ] && command=calibrate
    "$exe" $command "$tmp/$study.toml" -o "$tmp/$study-serial" --quiet
    mpirun_np 2 "$exe" $command "$tmp/$study.toml" -o "$tmp/$study-mpi" --quiet
  done
  cmp "$tmp/morris-serial/indices.csv" "$tmp/morris-mpi/indices.csv" ||
    fail "indices differ under mpirun"
  cmp "$tmp/abc-serial/estimate.csv" "$tmp/abc-mpi/estimate.csv" ||
    fail "calibration estimates differ under mpirun"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
