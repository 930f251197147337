#!/usr/bin/env bash
# A real Slurm job array: start a one-node Slurm cluster (its own munge daemon, key, socket,
# ports and state, all in a scratch folder, so nothing on the machine is touched), run the
# tiny batch as a 2-task array with scenarios/batches/slurm_array.sbatch, merge, compare with
# a serial batch, and, where Slurm's PMIx plugin works with Open MPI, run it as one MPI job
# with scenarios/batches/slurm_mpi.sbatch; then as one MPI job started by mpirun inside the
# allocation, check that a PMI plugin minesim does not recognise (pmi2) is refused, and that
# arguments after the output folder reach minesim batch. The executable is not on PATH: the
# job scripts must use MINESIM, the merge step included.
# The daemons are stopped on every exit path.
# Usage: batch_slurm.sh MINESIM (from the repository root). Exits 77 (CTest: skipped) where
# Slurm or munge is missing or the test is not run as root.
set -euo pipefail
exe=$(realpath "$1")
py=/usr/bin/python3
tiny=scenarios/batches/tiny.toml

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# shellcheck source=batch_lib.sh
source "$(dirname "$0")/batch_lib.sh"

# The daemons live in sbin, which a user's PATH may lack.
export PATH=$PATH:/usr/sbin:/sbin
for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$tool" >/dev/null || skip "$tool not found (apt-get install slurm-wlm munge)"
done
[ "$(id -u)" -eq 0 ] || skip "a one-node Slurm cluster needs root (slurmd starts jobs)"
id munge >/dev/null 2>&1 || skip "no munge user (apt-get install munge)"

tmp=$(mktemp -d)
chmod 755 "$tmp" # munged checks that every user can reach its socket
scratch=$tmp/slurm
mkdir -p "$scratch"/{state,spool,run,log} "$scratch/munge"
export SLURM_CONF=$scratch/slurm.conf

stop_daemons() {
  local pidfile pid
  for pidfile in "$scratch/run/slurmd.pid" "$scratch/run/slurmctld.pid" "$scratch/munge/munged.pid"; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
on_exit() {
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    echo "--- slurmctld log" >&2; tail -20 "$scratch/log/slurmctld.log" >&2 2>/dev/null || true
    echo "--- slurmd log" >&2; tail -20 "$scratch/log/slurmd.log" >&2 2>/dev/null || true
    for f in "$scratch"/job-*.out; do [ -e "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  fi
  stop_daemons
  rm -rf "$tmp"
  exit $rc
}
trap on_exit EXIT

# munge: a private key and socket.
chown munge:munge "$scratch/munge"
dd if=/dev/urandom of="$scratch/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$scratch/munge/munge.key"
chmod 400 "$scratch/munge/munge.key"
runuser -u munge -- munged --socket="$scratch/munge/socket" \
  --key-file="$scratch/munge/munge.key" --pid-file="$scratch/munge/munged.pid" \
  --log-file="$scratch/munge/munged.log" --seed-file="$scratch/munge/seed" ||
  skip "munged does not start here: $(tail -1 "$scratch/munge/munged.log" 2>/dev/null)"

# Two free TCP ports for slurmctld and slurmd, so a cluster already on this machine (or a
# second copy of this test) is left alone.
read -r ctld_port slurmd_port < <("$py" -c "
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(('127.0.0.1', 0))
print(*[x.getsockname()[1] for x in s])")
host=$(hostname)
# The node as slurmd sees it (CPUs, sockets, memory), so that it is not drained for a
# mismatch; only its address is forced to the loopback interface.
node=$(slurmd -C | head -1)
[[ $node == NodeName=* ]] || skip "slurmd -C does not describe this node: $node"
cat > "$SLURM_CONF" <<EOF
ClusterName=minesimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$scratch/munge/socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/run/slurmctld.pid
SlurmdPidFile=$scratch/run/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N "$host" || fail "slurmd did not start"
for _ in $(seq 1 200); do
  [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break
  sleep 0.1
done
[ "$(sinfo -h -o %t)" = idle ] || fail "the node is not idle: $(sinfo -h -o '%t %E')"
echo "one-node Slurm cluster up on $host (ports $ctld_port, $slurmd_port)"

# Wait for every task of job $1, then check that each ended with exit code $2 (default 0).
wait_job() {
  local t0=$SECONDS
  local job=$1
  for _ in $(seq 1 1200); do
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
    sleep 0.1
  done
  [ -z "$(squeue -h -j "$job")" ] || fail "job $job did not finish: $(squeue -j "$job")"
  local codes
  codes=$(scontrol -o show job "$job" | grep -o ' ExitCode=[0-9:]*' | sort | uniq -c)
  echo "job $job exit codes: $codes (waited $((SECONDS - t0)) s)"
  [[ $codes != *ExitCode=* ]] && fail "no exit codes for job $job"
  if echo "$codes" | grep -v -q "ExitCode=${2:-0}:0"; then fail "job $job: a task failed"; fi
}

# The array, as a user would submit it.
"$exe" batch "$tiny" -o "$tmp/serial" --quiet
command -v minesim >/dev/null &&
  echo "note: a minesim on PATH ($(command -v minesim)) could hide a job script that ignores MINESIM"
job=$(MINESIM=$exe sbatch --parsable --array=0-1 --cpus-per-task=1 \
  --output="$scratch/job-%A_%a.out" scenarios/batches/slurm_array.sbatch "$tiny" "$tmp/array")
echo "submitted array job $job"
# The merge step as the job script's header shows it: a job that waits for the whole array.
merge_job=$(MINESIM=$exe sbatch --parsable --dependency=afterany:"$job" --cpus-per-task=1 \
  --output="$scratch/merge-%j.out" scenarios/batches/slurm_array.sbatch --merge "$tmp/array")
echo "submitted merge job $merge_job"
wait_job "$job"
cat "$scratch"/job-*.out
[ "$(grep -l 'shard [01]/2 of batch' "$scratch"/job-*.out | wc -l)" = 2 ] ||
  fail "the array tasks did not run one shard each"
[ "$(grep -l 'wrote .*index.h5' "$scratch"/job-*.out | wc -l)" = 0 ] || fail "a shard wrote the index"
wait_job "$merge_job"
cat "$scratch"/merge-*.out
[ -e "$tmp/array/index.h5" ] || fail "the merge job wrote no index"
same_index "$tmp/serial" "$tmp/array"
same_run_files "$tmp/serial" "$tmp/array"
echo "job array and merge job: same index and run datasets as the serial batch"

# One MPI job through srun, where Slurm's PMIx plugin is there.
if srun --mpi=list 2>&1 | grep -q pmix; then
  rm -f "$scratch"/job-*.out
  job=$(MINESIM=$exe sbatch --parsable --ntasks=2 --cpus-per-task=1 \
    --output="$scratch/job-%j.out" scenarios/batches/slurm_mpi.sbatch "$tiny" "$tmp/mpi")
  echo "submitted MPI job $job"
  wait_job "$job"
  cat "$scratch"/job-*.out
  grep -q "on each of 2 MPI ranks" "$scratch"/job-*.out || fail "srun did not start 2 MPI ranks"
  same_index "$tmp/serial" "$tmp/mpi"
  same_run_files "$tmp/serial" "$tmp/mpi"
  echo "srun --mpi=pmix: same index and run datasets as the serial batch"
else
  echo "note: Slurm has no PMIx plugin here; the srun/MPI example was not run"
fi

# One MPI job whose ranks mpirun starts inside the allocation (a Slurm without PMIx). Root
# here, so Open MPI must be told that is fine, through the script's MINESIM_MPIRUN_FLAGS.
rm -f "$scratch"/job-*.out
job=$(MINESIM=$exe MINESIM_LAUNCHER=mpirun MINESIM_MPIRUN_FLAGS="--allow-run-as-root" \
  sbatch --parsable --ntasks=2 --cpus-per-task=1 --output="$scratch/job-%j.out" \
  scenarios/batches/slurm_mpi.sbatch "$tiny" "$tmp/mpirun")
echo "submitted mpirun job $job"
wait_job "$job"
cat "$scratch"/job-*.out
grep -q "on each of 2 MPI ranks" "$scratch"/job-*.out || fail "mpirun did not start 2 MPI ranks"
same_index "$tmp/serial" "$tmp/mpirun"
same_run_files "$tmp/serial" "$tmp/mpirun"
echo "mpirun in the allocation: same index and run datasets as the serial batch"

# pmi2 sets no PMIX_RANK, so every task would run the whole batch alone: the script refuses
# it with exit 2 and a message that names the way out, before minesim touches the folder.
rm -f "$scratch"/job-*.out
job=$(MINESIM=$exe MINESIM_SRUN_MPI=pmi2 sbatch --parsable --ntasks=2 --cpus-per-task=1 \
  --output="$scratch/job-%j.out" scenarios/batches/slurm_mpi.sbatch "$tiny" "$tmp/pmi2")
wait_job "$job" 2
cat "$scratch"/job-*.out
grep -q "MINESIM_SRUN_MPI=pmi2: .*srun --mpi=list" "$scratch"/job-*.out ||
  fail "no message naming MINESIM_SRUN_MPI and srun --mpi=list"
[ ! -e "$tmp/pmi2" ] || fail "the refused job created its output folder"
echo "MINESIM_SRUN_MPI=pmi2: refused with exit 2, nothing written"

# Arguments after the output folder reach minesim batch: a limit of 1 arm refuses the tiny
# batch (2 arms), exit 2, before anything is written.
rm -f "$scratch"/job-*.out
job=$(MINESIM=$exe sbatch --parsable --cpus-per-task=1 --output="$scratch/job-%j.out" \
  scenarios/batches/slurm_array.sbatch "$tiny" "$tmp/limited" --max-arms 1)
wait_job "$job" 2
cat "$scratch"/job-*.out
grep -q "more than the limit of 1" "$scratch"/job-*.out || fail "--max-arms 1 did not reach minesim"
[ ! -e "$tmp/limited" ] || fail "the refused batch created its output folder"
echo "extra arguments: passed on to minesim batch"
echo "ok: slurm"
