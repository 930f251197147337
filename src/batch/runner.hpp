#pragma once
// Running the runs of a batch plan: on a workstation (worker threads in this process), across
// the ranks of an MPI job (rank 0 hands out runs), or one shard of a Slurm job array. What a
// run is comes from a callback (RunFunction); this file knows no model.
//
// Workers are threads, not child processes: a run is self-contained (no global state; the
// simulation's OpenMP team belongs to the thread that runs it), nothing is forked under MPI,
// and a run costs no process start. HDF5 (a serial build) is not thread-safe, so the
// RunFunction must serialise its HDF5 calls; the runner makes its own only while no run is
// in flight. A crash of one run ends the process, which a rerun resumes.
#include "batch/folder.hpp"
#include "batch/index.hpp"
#include "batch/mpi_job.hpp"
#include "batch/plan.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace minesim::batch {

enum class RunStatus { complete = 0, failed = 1, interrupted = 2 };

/// How a run ended. `message` (one line) says why it failed.
struct RunOutcome {
  RunStatus status = RunStatus::complete;
  std::string message;
};

/// One run to execute: write the run file at `output_path` (under a temporary name until it
/// is complete), using `threads` threads, stopping early when `*stop` becomes true. `batch`
/// and `arm` are the run's provenance, recorded in its run file with its replicate.
struct RunRequest {
  const PlannedRun& run;
  std::vector<std::string> overrides; ///< "key=value", as for `minesim run --set`, seed last
  std::string output_path;
  int threads = 1;
  const std::atomic<bool>* stop = nullptr;
  std::string batch; ///< the plan's batch (or study) file, as given
  std::string arm;   ///< the name of the run's arm
};

/// Executes one run. Called from several threads at once; exceptions count as failures.
using RunFunction = std::function<RunOutcome(const RunRequest&)>;

/// How to run a batch.
struct RunnerOptions {
  std::string dir;                         ///< the batch folder
  std::optional<int> workers;              ///< runs at once in this process (default: cores)
  std::optional<int> threads;              ///< threads per run (default: cores / workers)
  Shard shard;                             ///< the part of the plan to run
  bool quiet = false;                      ///< failures and errors only
  bool interactive = false;                ///< stderr is a terminal: redraw a progress line
  const std::atomic<bool>* stop = nullptr; ///< set by SIGINT / SIGTERM
  MpiJob* mpi = nullptr;                   ///< the MPI job, or null for a single process
};

/// What happened, as seen by the process that reports (rank 0, or the only process).
struct BatchOutcome {
  int exit_code = 0;   ///< 0 all runs complete, 3 some failed, 130 interrupted: on every rank
  bool reports = true; ///< false on MPI ranks other than 0, which print nothing
  std::size_t planned = 0;
  std::size_t selected = 0; ///< runs in this shard
  std::size_t skipped = 0;  ///< already complete
  std::size_t ran = 0;      ///< finished now (complete or failed)
  std::size_t failed = 0;   ///< failed now
  bool interrupted = false;
  bool index_written = false;
  IndexSummary index;
  int workers = 1;
  int threads = 1;
  int ranks = 1;
  std::vector<std::size_t> runs_per_rank; ///< runs finished by each MPI rank (rank 0 only)
  double seconds = 0.0;
};

/// The CPUs this process may run on (its affinity mask, which Slurm and mpirun restrict).
[[nodiscard]] int available_cores();

/// Default workers and threads for `runs` runs on `cores` cores: one run per core, one
/// thread each, while there are runs for every core; fewer runs share the cores out as
/// threads. Either value can be fixed by the caller.
[[nodiscard]] std::pair<int, int> choose_workers_threads(std::size_t runs, int cores,
                                                         std::optional<int> workers,
                                                         std::optional<int> threads);

/// Run `plan` into `options.dir`: skip complete runs, discard partial ones, run the rest,
/// and (unless sharded or interrupted) write the index. Throws InputError when the folder
/// holds another batch or cannot be created.
BatchOutcome run_batch(const BatchPlan& plan, const RunnerOptions& options, const RunFunction& run);

/// The plan kept in `folder` (plan.toml). Throws InputError when there is none.
[[nodiscard]] BatchPlan read_folder_plan(const BatchFolder& folder);

} // namespace minesim::batch
