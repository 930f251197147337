#!/usr/bin/env bash
# Checkpoints and resume (docs/checkpoints.md): a run killed at a random moment and resumed,
# on 1 and 2 threads, ends with the datasets of an uninterrupted run; SIGTERM writes a
# checkpoint; a damaged or foreign checkpoint is refused; a .partial file can be read.
# usage: resume.sh MINESIM CASE (run from the repository root); each CASE is one CTest test
# (tests/cmake/checkpoints.cmake).
set -euo pipefail
exe=$(realpath "$1")
case_name=$2
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# A run of a few seconds, with a checkpoint every 6 months; on one thread unless a case says
# otherwise (OpenMP threads beyond the free cores, as under `ctest -j`, crawl).
scenario=(scenarios/baseline.toml --set households.count=3000 --set simulation.steps=480)
run() { "$exe" run "${scenario[@]}" --quiet --checkpoint-every 6 "$@"; }
# The same in the background, with $! its process (not a subshell's).
run_in_background() { "$exe" run "${scenario[@]}" --quiet --checkpoint-every 6 "$@" & }

# Every dataset of run files $1 and $2 is bit-identical (the timings of a process aside).
same_results() {
  "$py" - "$1" "$2" <<'EOF' || fail "$1 and $2 differ"
import sys, h5py
def datasets(group, prefix=""):
    for key, item in group.items():
        if isinstance(item, h5py.Group):
            if f"{prefix}/{key}" != "/timings":
                yield from datasets(item, f"{prefix}/{key}")
        else:
            yield f"{prefix}/{key}", item
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    da, db = dict(datasets(a)), dict(datasets(b))
    assert da.keys() == db.keys(), f"different datasets: {sorted(da.keys() ^ db.keys())}"
    for key in da:
        x, y = da[key][()], db[key][()]
        assert x.dtype == y.dtype and x.shape == y.shape, f"{key}: shape or type differs"
        assert x.tobytes() == y.tobytes(), f"{key} differs"
    for key in ("status", "steps", "seed"):
        assert a.attrs[key] == b.attrs[key], f"root attribute {key} differs"
    print(f"{len(da)} datasets identical")
EOF
}

# Delays are fractions of the uninterrupted run's wall time, so that a kill lands inside a
# run however fast the machine and the model are: ref_run runs it and keeps its time.
ref_ms=0
ref_run() {
  local start
  start=$(date +%s%N)
  run -o "$tmp/ref.h5" --threads 1
  ref_ms=$((($(date +%s%N) - start) / 1000000))
}
# A random delay of $1 to $2 percent of the reference run, in seconds.
delay() {
  local ms=$((ref_ms * ($1 + RANDOM % ($2 - $1 + 1)) / 100))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# Starts `run -o $1 ARGS...` in the background, waits for its first checkpoint, then a random
# further 5-20% of the reference run's time, and kills it with SIGKILL.
kill_after_checkpoint() {
  local out=$1
  shift
  run_in_background -o "$out" "$@" 2>"$tmp/err"
  local pid=$!
  for _ in $(seq 1 3000); do
    [ -e "$out.checkpoint" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  sleep "$(delay 5 20)"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

case "$case_name" in
kill_resume)
  # SIGKILL at a random step, twice (once in the resumed run), then --resume to the end: the
  # same datasets as an uninterrupted run, whether run, killed and resumed on 1 thread, on
  # 2, or resumed on another number of threads than it started on.
  ref_run
  echo "RANDOM seeded with ${MINESIM_TEST_SEED:=$$}"
  RANDOM=$MINESIM_TEST_SEED
  for threads in "1 1" "2 2" "1 2"; do
    set -- $threads
    out="$tmp/killed_$1_$2.h5"
    kill_after_checkpoint "$out" --threads "$1"
    [ ! -e "$out" ] || fail "a killed run left a complete run file"
    [ -e "$out.partial" ] || fail "a killed run left no .partial file"
    [ -e "$out.checkpoint" ] || fail "a killed run left no checkpoint"
    kill_after_checkpoint "$out" --threads "$2" --resume
    rc=0
    run -o "$out" --threads "$2" --resume 2>"$tmp/err" || rc=$?
    cat "$tmp/err"
    [ "$rc" -eq 0 ] || fail "--resume exit $rc"
    [ ! -e "$out.partial" ] && [ ! -e "$out.checkpoint" ] || fail "files left after the end"
    "$py" -c "import h5py,sys; f=h5py.File(sys.argv[1]); print('resumed from step', f.attrs['resumed_from_step'])" "$out"
    same_results "$tmp/ref.h5" "$out"
  done
  ;;
sigterm_checkpoint)
  # SIGTERM (Slurm's notice before the kill): a checkpoint and exit 130 with one line saying
  # how to continue; the .partial file reads as partial; --resume finishes it.
  ref_run
  run_in_background -o "$tmp/term.h5" --threads 1 2>"$tmp/err"
  pid=$!
  for _ in $(seq 1 3000); do
    [ -e "$tmp/term.h5.partial" ] && break
    sleep 0.01
  done
  sleep "$(delay 20 40)"
  kill -TERM "$pid"
  rc=0
  wait "$pid" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 130 ] || fail "exit $rc after SIGTERM, expected 130"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line"
  grep -q "checkpoint $tmp/term.h5.checkpoint written" "$tmp/err" || fail "no checkpoint line"
  grep -q -- "--resume" "$tmp/err" || fail "the message does not say how to continue"
  [ -s "$tmp/term.h5.checkpoint" ] || fail "no checkpoint"
  [ ! -e "$tmp/term.h5.checkpoint.tmp" ] || fail "a temporary checkpoint was left"
  step=$(sed -n 's/.*stopped at step \([0-9]*\) of.*/\1/p' "$tmp/err")
  "$py" - "$tmp/term.h5.partial" "$step" <<'EOF' || fail "the .partial file does not read"
import sys, warnings
sys.path.insert(0, "analysis")
import minesim_io
path, step = sys.argv[1], int(sys.argv[2])
try:
    minesim_io.load_run(path)
except ValueError as error:
    assert "partial" in str(error), error
else:
    raise AssertionError("load_run read a partial file without allow_incomplete")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    run = minesim_io.load_run(path, allow_incomplete=True)
assert any("partial" in str(w.message) for w in caught), [str(w.message) for w in caught]
assert run["partial"] == step, (run["partial"], step)
series = run["timeseries"]
assert len(series) == step + 1, (len(series), step)  # steps 0..step
assert not series.isna().any().any(), "NaN rows in the part written"
print(f"the .partial file reads up to step {step}: {len(series)} rows")
EOF
  run -o "$tmp/term.h5" --threads 1 --resume
  same_results "$tmp/ref.h5" "$tmp/term.h5"
  ;;
corrupt_checkpoint)
  # A damaged, foreign or mismatched checkpoint: one line naming it, exit 2, and neither it
  # nor the .partial file is used or removed.
  kill_after_checkpoint "$tmp/c.h5" --threads 1
  cp "$tmp/c.h5.checkpoint" "$tmp/intact"
  size=$(stat -c %s "$tmp/intact")
  refuse() { # expected text, then extra run options
    local expected=$1
    shift
    rc=0
    run -o "$tmp/c.h5" --threads 1 --resume "$@" 2>"$tmp/err" || rc=$?
    cat "$tmp/err"
    [ "$rc" -eq 2 ] || fail "exit $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line"
    grep -q "$tmp/c.h5" "$tmp/err" || fail "the message does not name the file"
    grep -q "$expected" "$tmp/err" || fail "the message does not say '$expected'"
    [ -e "$tmp/c.h5.partial" ] || fail "the .partial file was removed"
    [ ! -e "$tmp/c.h5" ] || fail "a run file was written"
  }
  truncate -s $((size / 2)) "$tmp/c.h5.checkpoint"
  refuse "truncated"
  head -c 20 "$tmp/intact" >"$tmp/c.h5.checkpoint"
  refuse "truncated"
  cp "$tmp/intact" "$tmp/c.h5.checkpoint"
  printf '\x55' | dd of="$tmp/c.h5.checkpoint" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
  refuse "checksum does not match"
  cp "$tmp/intact" "$tmp/c.h5.checkpoint"
  printf '\x09' | dd of="$tmp/c.h5.checkpoint" bs=1 seek=12 conv=notrunc 2>/dev/null
  refuse "format version 9"
  head -c "$size" /dev/urandom >"$tmp/c.h5.checkpoint"
  refuse "not a minesim checkpoint"
  cp "$tmp/intact" "$tmp/c.h5.checkpoint"
  refuse "another scenario or seed" --seed 99
  refuse "another scenario or seed" --set network.rewiring=0.09
  # The intact one still resumes.
  run -o "$tmp/c.h5" --threads 1 --resume
  [ -e "$tmp/c.h5" ] || fail "the intact checkpoint did not resume"
  ;;
damaged_partial)
  # A sound checkpoint beside a .partial file HDF5 cannot continue (as a kill in the middle
  # of a flush can leave): --resume says so in one line and runs again from step 0, which
  # gives the same file as an uninterrupted run.
  ref_run
  kill_after_checkpoint "$tmp/d.h5" --threads 1
  truncate -s $(($(stat -c %s "$tmp/d.h5.partial") / 2)) "$tmp/d.h5.partial"
  rc=0
  run -o "$tmp/d.h5" --threads 1 --resume 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 0 ] || fail "--resume exit $rc with a damaged .partial file, expected 0"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line"
  grep -q "d.h5.partial" "$tmp/err" || fail "the message does not name the .partial file"
  grep -q "starting again from step 0" "$tmp/err" || fail "the message does not say it restarts"
  [ ! -e "$tmp/d.h5.checkpoint" ] || fail "the checkpoint was left"
  "$py" -c "import h5py,sys; assert 'resumed_from_step' not in h5py.File(sys.argv[1]).attrs" \
    "$tmp/d.h5" || fail "a run started again says it was resumed"
  same_results "$tmp/ref.h5" "$tmp/d.h5"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "PASS: $case_name"
