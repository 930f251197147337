#!/usr/bin/env bash
# Faults a long run or batch meets on a shared cluster: signals, files truncated on disk, an
# output folder that takes no files, a full disk, a scenario too large for the machine.
# usage: faults.sh MINESIM CASE (run from the repository root); each CASE is one CTest test
# (tests/cmake/hardening.cmake). Exit 77 means "skipped" (what the case needs is missing).
set -euo pipefail
exe=$(realpath "$1")
case_name=$2
py=/usr/bin/python3
tiny=scenarios/batches/tiny.toml
tmp=$(mktemp -d)
mounted=""
cleanup() {
  if [ -n "$mounted" ]; then umount "$mounted" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# shellcheck source=batch_lib.sh
source "$(dirname "$0")/batch_lib.sh"

# No file that could pass for a result: neither OUT nor OUT.partial.
nothing_left() {
  [ ! -e "$1" ] || fail "$1 was left behind"
  [ ! -e "$1.partial" ] || fail "$1.partial was left behind"
}

# stderr file $1 holds exactly one line.
one_line() {
  [ "$(wc -l <"$1")" -eq 1 ] || { cat "$1"; fail "stderr is not one line"; }
}

# A run that takes several seconds, started in the background; sets $pid.
start_long_run() {
  "$exe" run scenarios/baseline.toml -o "$1" --quiet --set simulation.steps=12000 2>"$tmp/err" &
  pid=$!
  sleep 2
}

# Waits for $pid; sets $rc to its exit status.
wait_for_pid() {
  rc=0
  wait "$pid" || rc=$?
}

case "$case_name" in
sigterm_run)
  # SIGTERM (what Slurm sends at the time limit): the run stops at the end of its step,
  # writes a checkpoint beside its .partial file and exits 130 with one line saying how to
  # continue; no complete run file. A plain rerun is refused until --resume or --force.
  start_long_run "$tmp/term.h5"
  kill -TERM "$pid"
  wait_for_pid
  cat "$tmp/err"
  [ "$rc" -eq 130 ] || fail "exit $rc after SIGTERM, expected 130"
  grep -q "stopped at step .* checkpoint .* written" "$tmp/err" || fail "no checkpoint message"
  one_line "$tmp/err"
  [ ! -e "$tmp/term.h5" ] || fail "a complete run file after SIGTERM"
  [ -s "$tmp/term.h5.checkpoint" ] && [ -s "$tmp/term.h5.partial" ] ||
    fail "no checkpoint and .partial file after SIGTERM"
  rc=0
  "$exe" run scenarios/baseline.toml -o "$tmp/term.h5" --quiet --set simulation.steps=12000 \
    2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "exit $rc for a fresh run over a checkpoint, expected 2"
  one_line "$tmp/err"
  grep -q -- "--resume" "$tmp/err" || fail "the refusal does not name --resume"
  ;;
second_signal)
  # A second signal ends the process at once (default action). What it leaves is at most a
  # .partial file, which says it is partial; never a file that looks complete.
  start_long_run "$tmp/twice.h5"
  kill -INT "$pid"
  kill -INT "$pid" 2>/dev/null || true
  wait_for_pid
  [ "$rc" -eq 130 ] || fail "exit $rc after two SIGINTs, expected 130"
  [ ! -e "$tmp/twice.h5" ] || fail "a complete run file after two SIGINTs"
  if [ -e "$tmp/twice.h5.partial" ]; then
    "$py" - "$tmp/twice.h5.partial" <<'EOF' || fail "the .partial file passes for complete"
import sys
sys.path.insert(0, "analysis")
import minesim_io
assert not minesim_io.is_complete(sys.argv[1])
EOF
  fi
  ;;
sigterm_batch_resume)
  # SIGTERM mid-batch: exit 130 with a message on how to resume and no index; each run in
  # progress keeps its .partial file and a checkpoint. The same command then finishes the
  # batch, continuing those runs, with the results of an uninterrupted one.
  slow=$(longer_variant)
  "$exe" batch "$slow" -o "$tmp/term" --workers 1 --threads 1 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 1 1500); do
    [ "$(ls "$tmp/term/runs" 2>/dev/null | grep -c '\.h5$')" -ge 1 ] && break
    sleep 0.02
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait_for_pid
  cat "$tmp/err"
  [ "$rc" -eq 130 ] || fail "exit $rc after SIGTERM, expected 130"
  grep -q "interrupted" "$tmp/err" || fail "no interruption message"
  grep -q "resume" "$tmp/err" || fail "the message does not say how to resume"
  [ ! -e "$tmp/term/index.h5" ] || fail "an interrupted batch wrote an index"
  for partial in "$tmp"/term/runs/*.partial; do
    [ -e "$partial" ] || continue
    [ -s "${partial%.partial}.checkpoint" ] || fail "$partial has no checkpoint beside it"
  done
  done_before=$(ls "$tmp/term/runs" | grep -c '\.h5$' || true)
  [ "$done_before" -lt 16 ] || fail "the batch finished before SIGTERM"
  "$exe" batch "$slow" -o "$tmp/term" --quiet
  ! ls "$tmp/term/runs" | grep -q 'partial\|checkpoint' || fail "files left after the resume"
  "$exe" batch "$slow" -o "$tmp/ref" --quiet
  same_index "$tmp/ref" "$tmp/term"
  same_run_files "$tmp/ref" "$tmp/term"
  ;;
truncated_run_file)
  # A run file cut to half its size (a full disk, a copy cut short) is incomplete to the
  # batch, which redoes it, and to the analysis module, which refuses it with a clear error.
  "$exe" batch "$tiny" -o "$tmp/b" --quiet
  victim="$tmp/b/runs/degroot_r001.h5"
  cp "$victim" "$tmp/intact.h5"
  truncate -s $(($(stat -c %s "$victim") / 2)) "$victim"
  "$py" - "$victim" <<'EOF' || fail "the analysis module accepted a truncated run file"
import sys
sys.path.insert(0, "analysis")
import minesim_io
path = sys.argv[1]
assert not minesim_io.is_complete(path), "is_complete() says a truncated file is complete"
try:
    minesim_io.load_run(path)
except OSError as error:
    message = str(error)
    assert path in message and "truncated" in message, message
    assert "\n" not in message, message
    print("load_run refuses it:", message)
else:
    raise AssertionError("load_run() loaded a truncated file")
EOF
  "$exe" batch "$tiny" -o "$tmp/b" 2>"$tmp/err"
  cat "$tmp/err"
  grep -q "5 already were" "$tmp/err" || fail "the rerun did not skip the 5 complete runs only"
  [ "$(statuses "$tmp/b" | grep -o '=complete' | wc -l)" = 6 ] || fail "not 6 complete runs"
  "$py" tests/integration/check_run_file.py -q "$victim"
  same_datasets "$tmp/intact.h5" "$victim"
  # batch-merge, too, reports the truncated file as not complete.
  truncate -s $(($(stat -c %s "$victim") / 2)) "$victim"
  rc=0
  "$exe" batch-merge "$tmp/b" 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 3 ] || fail "batch-merge exit $rc with a truncated run file, expected 3"
  grep -q "degroot_r001" "$tmp/err" || fail "batch-merge does not name the truncated run"
  ;;
unwritable_output)
  # A folder that takes no new files, found before the run starts: /proc takes none even
  # from root, for whom permission bits do not count; a read-only folder for other users.
  rc=0
  "$exe" run scenarios/baseline.toml -o /proc/out.h5 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "exit $rc for an output folder that takes no files, expected 2"
  one_line "$tmp/err"
  grep -q "output folder '/proc' is not writable" "$tmp/err" || fail "message: $(cat "$tmp/err")"
  nothing_left /proc/out.h5
  if [ "$(id -u)" -ne 0 ]; then
    mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
    rc=0
    "$exe" run scenarios/baseline.toml -o "$tmp/ro/out.h5" 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "exit $rc for a read-only folder, expected 2"
    one_line "$tmp/err"
  fi
  rc=0
  "$exe" batch "$tiny" -o /proc/minesim-batch 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "batch: exit $rc for a folder that cannot be made, expected 2"
  one_line "$tmp/err"
  ;;
full_disk)
  # A real full disk: small tmpfs mounts (need root and mount; skipped otherwise). The run
  # writes its .partial file as it goes, checks free space before each flush and, when the
  # disk fills, stops with one line naming the reason and exit 1; the .partial file keeps
  # the years written before and reads as partial. A batch records its runs as failed, leaves
  # no run files and exits 3.
  mkdir "$tmp/small" "$tmp/tiny"
  mount -t tmpfs -o size=640k minesim-test "$tmp/small" 2>/dev/null || {
    echo "skipped: cannot mount a tmpfs here (not root, or no mount permission)"
    exit 77
  }
  mounted="$tmp/small"
  rc=0
  "$exe" run scenarios/baseline.toml -o "$tmp/small/out.h5" --quiet 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 1 ] || fail "exit $rc on a full disk, expected 1"
  one_line "$tmp/err"
  grep -q "No space left on device" "$tmp/err" || fail "the message does not give the reason"
  [ ! -e "$tmp/small/out.h5" ] || fail "a complete run file on a full disk"
  "$py" - "$tmp/small/out.h5.partial" <<'EOF' || fail "the .partial file is not readable"
import sys, warnings
sys.path.insert(0, "analysis")
import minesim_io
warnings.simplefilter("ignore")
run = minesim_io.load_run(sys.argv[1], allow_incomplete=True)
last = run["partial"]
assert 0 <= last < 240, last
assert len(run["timeseries"]) == last + 1, (len(run["timeseries"]), last)
print("the .partial file reads to step", last)
EOF
  umount "$tmp/small"
  mount -t tmpfs -o size=64k minesim-test "$tmp/tiny"
  mounted="$tmp/tiny"
  rc=0
  "$exe" batch "$tiny" -o "$tmp/tiny/batch" --quiet 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 3 ] || fail "batch exit $rc on a full disk, expected 3"
  ! ls "$tmp/tiny/batch/runs" | grep -q '\.h5' || fail "a run file was left on a full disk"
  ;;
dev_full)
  # A write that fails other than for want of space, without root: a file size limit
  # (`ulimit -f`, SIGXFSZ ignored so that the write returns EFBIG). The run stops with one
  # line and exit 1 instead of crashing inside HDF5, and leaves no complete run file.
  rc=0
  (trap '' XFSZ && ulimit -f 400 && exec "$exe" run scenarios/baseline.toml -o "$tmp/out.h5" \
    --quiet) 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 1 ] || fail "exit $rc for a failed write, expected 1"
  one_line "$tmp/err"
  grep -q "out.h5" "$tmp/err" || fail "the message does not name the file"
  [ ! -e "$tmp/out.h5" ] || fail "a complete run file after a failed write"
  ;;
allow_large)
  # Under `ulimit -v` (as a cluster's memory limit), a scenario estimated above it is
  # refused with exit 2; --allow-large lets it try, and running out of memory is then one
  # clear line and exit 1, not a crash. Not for sanitizer builds (they reserve terabytes
  # of address space).
  big=(--set households.count=3000000 --set simulation.steps=1)
  rc=0
  (ulimit -v 1000000 && exec "$exe" run scenarios/baseline.toml -o "$tmp/big.h5" "${big[@]}") \
    2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -eq 2 ] || fail "exit $rc for a scenario above the memory limit, expected 2"
  one_line "$tmp/err"
  grep -q "households.count: a run of 3000000 households needs about" "$tmp/err" || fail "message"
  grep -q -- "--allow-large" "$tmp/err" || fail "the message does not name --allow-large"
  nothing_left "$tmp/big.h5"
  # With --allow-large the guard lets it by. What follows depends on where memory runs
  # out: "out of memory" and exit 1, or an abort where it runs out inside an OpenMP
  # region (an exception cannot leave one); without `ulimit -v` the kernel's OOM killer
  # would end it. Either way no file is left and the guard said nothing.
  rc=0
  (ulimit -v 1000000 && exec timeout 300 "$exe" run scenarios/baseline.toml -o "$tmp/big.h5" \
    --quiet --allow-large "${big[@]}") 2>"$tmp/err" || rc=$?
  cat "$tmp/err"
  [ "$rc" -ne 2 ] || fail "refused with --allow-large"
  ! grep -q -- "--allow-large" "$tmp/err" || fail "the memory guard spoke with --allow-large"
  [ "$rc" -eq 0 ] || nothing_left "$tmp/big.h5"
  ;;
empty_scenario)
  # An empty scenario is valid: every parameter takes its default.
  out=$("$exe" check tests/data/edge/empty.toml)
  [[ $out == *"tests/data/edge/empty.toml: valid"* ]] || fail "an empty scenario is not valid"
  "$exe" run tests/data/edge/empty.toml -o "$tmp/empty.h5" --quiet --set simulation.steps=2
  "$py" - "$tmp/empty.h5" <<'EOF' || fail "the run of an empty scenario is not a complete run file"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["status"] == "complete"
    assert f["scenario"].attrs["toml"] == "", "the scenario as written is not empty"
    assert "[simulation]" in f["scenario"].attrs["resolved_toml"]
    for name, series in f["timeseries"].items():
        assert series.shape == (3,) and np.isfinite(series[()]).all(), name
EOF
  # So are Windows line endings and a byte-order mark.
  "$exe" check tests/data/edge/crlf_bom.toml >/dev/null || fail "CRLF and a BOM are refused"
  ;;
scenario_from_pipe)
  # A scenario read from a pipe (/dev/stdin, a shell's <(...)) is read once, by the loader:
  # nothing may consume it first and leave the loader an empty file (all defaults).
  out=$(printf '[simulation]\nsteps = 7\n' | "$exe" check /dev/stdin)
  [[ $out == *"steps 7"* ]] || fail "check /dev/stdin did not load the piped scenario: $out"
  printf '[simulation]\nsteps = 5\n[households]\ncount = 100\n[region]\nvillages = 4\n' |
    "$exe" run /dev/stdin -o "$tmp/pipe.h5" --quiet
  [ "$("$py" -c "import h5py,sys; print(h5py.File(sys.argv[1]).attrs['steps'])" "$tmp/pipe.h5")" = 5 ] ||
    fail "run /dev/stdin did not run the piped scenario"
  rc=0
  printf 'scenario = "x.toml"\nreplicates = 1\nseed = 1\n' |
    "$exe" run /dev/stdin -o "$tmp/batch.h5" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "exit $rc for a batch file on a pipe, expected 2"
  one_line "$tmp/err"
  grep -q "batch file" "$tmp/err" || fail "message: $(cat "$tmp/err")"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
