#!/usr/bin/env bash
# Soak test of batches that are killed (docs/checkpoints.md, "Batches"): a batch of small
# runs with checkpoints is killed at random moments, in turn
#   - SIGKILL of the whole batch, run by one process with 2 workers;
#   - SIGKILL of every process of the batch under mpirun (a lost node);
#   - SIGKILL of one worker rank under mpirun, which the batch survives (docs/batch.md);
# and each time started again with the same command. It must end with an index and run files
# identical to those of an uninterrupted batch, and nothing else in the folder.
#
# usage: tests/integration/soak.sh MINESIM [RUNS [KILLS]]   (from the repository root)
#   The full soak is 200 runs and 20 kills (a few minutes on 2 cores):
#     tests/integration/soak.sh build/minesim 200 20
#   CI runs a reduced one (tests/cmake/checkpoints.cmake). MINESIM_TEST_SEED repeats the
#   moments of a run (printed at the start). Without mpirun the MPI kills are left out.
set -euo pipefail
exe=$(realpath "$1")
runs=${2:-200}
kills=${3:-20}
py=/usr/bin/python3
tiny=scenarios/batches/tiny.toml
tmp=$(mktemp -d)
trap 'pkill -KILL -f "$tmp/soak" 2>/dev/null || true; rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# shellcheck source=batch_lib.sh
source "$(dirname "$0")/batch_lib.sh"

echo "soak: $runs runs, $kills kills; RANDOM seeded with ${MINESIM_TEST_SEED:=$$}"
RANDOM=$MINESIM_TEST_SEED
batch=$(variant soak "s/^replicates = 3/replicates = $((runs / 2))/" \
  's/^simulation.steps = 24/simulation.steps = 240/' 's/^households.count = 200/households.count = 1500/')
options=(--checkpoint-every 6 --quiet)
mpi=0
command -v mpirun >/dev/null && mpi=1

# Seconds to wait before a kill: 0.30 to 1.29 s. A run takes about 0.3 s, so a batch of
# RUNS runs outlasts the kills, and most kills land in the middle of runs.
pause() { local c=$((30 + RANDOM % 100)); printf '%d.%02d' $((c / 100)) $((c % 100)); }

# Waits up to 120 s for process $1 to end (a hang fails the test); sets $rc.
wait_for() {
  local pid=$1
  for _ in $(seq 1 12000); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -0 "$pid" 2>/dev/null && fail "the batch hangs (process $pid)"
  rc=0
  wait "$pid" || rc=$?
}

# The process of MPI rank $1 of the soak batch, if any (mpirun and the shell have no rank).
rank_pid() {
  local candidate
  for candidate in $(pgrep -f -- "-o $tmp/soak" 2>/dev/null); do
    if tr '\0' '\n' <"/proc/$candidate/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
      echo "$candidate"
      return
    fi
  done
}

start_batch() {
  if [ "$1" = mpi ]; then
    MINESIM_RANK_TIMEOUT=3 mpirun_np 3 --enable-recovery "$exe" batch "$batch" -o "$tmp/soak" \
      --threads 1 "${options[@]}" 2>>"$tmp/log" &
  else
    "$exe" batch "$batch" -o "$tmp/soak" --workers 2 --threads 1 "${options[@]}" 2>>"$tmp/log" &
  fi
  pid=$!
  running=$1
}

# A batch is started (in turn by one process and under mpirun) and killed after a random
# pause; under mpirun a kill is, at random, of every process or of one worker rank, after
# which the batch goes on and the next kill finds it still running.
running=""
landed=0
victim=""
for k in $(seq 1 "$kills"); do
  if [ -z "$running" ]; then
    if [ "$mpi" = 1 ] && [ $((k % 2)) = 0 ]; then start_batch mpi; else start_batch serial; fi
  fi
  wait_s=$(pause)
  # After a worker rank's death, long enough for rank 0 to give up on it (3 s here) and
  # record its run as failed, which a later command redoes.
  [ -z "$victim" ] || wait_s=4.$((RANDOM % 10))
  victim=""
  sleep "$wait_s"
  if ! kill -0 "$pid" 2>/dev/null; then
    wait_for "$pid"
    echo "kill $k after $wait_s s: the batch had ended (exit $rc)"
    running=""
    continue
  fi
  if [ "$running" = mpi ] && [ $((RANDOM % 2)) = 0 ]; then
    victim=$(rank_pid $((1 + RANDOM % 2)))
  fi
  if [ -n "$victim" ]; then
    kill -KILL "$victim" 2>/dev/null || true
    what="one worker rank (process $victim); the batch goes on"
  elif [ "$running" = mpi ]; then
    pkill -KILL -f -- "-o $tmp/soak" 2>/dev/null || true
    what="every process under mpirun"
  else
    kill -KILL "$pid" 2>/dev/null || true
    what="the whole batch"
  fi
  landed=$((landed + 1))
  if [ -z "$victim" ]; then
    wait_for "$pid"
    running=""
    what="$what; exit $rc"
  fi
  complete=$(ls "$tmp/soak/runs" 2>/dev/null | grep -c '\.h5$' || true)
  echo "kill $k after $wait_s s: $what; $complete of $runs run files"
done
if [ -n "$running" ]; then
  wait_for "$pid"
  echo "the last batch, which lost a worker rank, exits $rc"
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "a batch that lost a worker rank exited $rc"
fi
echo "$landed of $kills kills landed in a running batch"
lost=$( (grep -o 'run [a-z_0-9]* failed: MPI rank' "$tmp/log" || true) | sort -u | wc -l)
echo "$lost runs of lost worker ranks recorded as failed, to be redone"

finished=0
# Then to the end: a batch that lost a worker records its run as failed, and the next
# command redoes it.
for attempt in 1 2 3; do
  rc=0
  "$exe" batch "$batch" -o "$tmp/soak" "${options[@]}" 2>>"$tmp/log" || rc=$?
  [ "$rc" -eq 0 ] && { finished=1; break; }
  echo "finishing: exit $rc"
done
[ "$finished" = 1 ] || fail "the batch did not finish after the kills"
"$exe" batch "$batch" -o "$tmp/ref" --quiet
same_index "$tmp/ref" "$tmp/soak"
same_run_files "$tmp/ref" "$tmp/soak"
left=$(ls "$tmp/soak/runs" | grep -v '\.h5$' || true)
[ -z "$left" ] || fail "files left in the folder: $left"
echo "PASS: soak of $runs runs with $kills kills: index and run files identical to an uninterrupted batch"
