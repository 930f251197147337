#pragma once
// `minesim sensitivity` and `minesim calibrate` (docs/sensitivity.md): studies that run the
// model at many parameter values through the batch runner. A sensitivity study runs the
// points of a Morris or Saltelli design and writes the indices of each output; a
// calibration runs ABC-SMC, one batch of proposals at a time, and writes the posterior.
// Both resume: a rerun of the same command skips every run already complete, and both
// spread their runs over the ranks of an MPI job as `minesim batch` does.
#include <atomic>
#include <optional>
#include <string>

namespace minesim::batch {
class MpiJob;
}

namespace minesim::cli {

struct StudyOptions {
  std::string study_file;
  std::string dir;
  std::optional<int> workers;
  std::optional<int> threads;
  std::optional<std::string> shard; ///< sensitivity only: "I/N", as for `minesim batch`
  bool check = false;               ///< validate and print the plan and estimates; run nothing
  bool quiet = false;               ///< failures and errors only
  bool allow_large = false;         ///< skip the memory guard
  const std::atomic<bool>* stop = nullptr;
  /// The MPI job under mpirun: every rank plans the same runs, rank 0 hands them out, and
  /// rank 0 alone writes the study's results and speaks. Null for a single process.
  batch::MpiJob* mpi = nullptr;
};

/// Exit codes as for `minesim batch`: 0, 2 bad input, 3 some runs failed, 130 interrupted.
int sensitivity_command(const StudyOptions& options);
int calibrate_command(const StudyOptions& options);

} // namespace minesim::cli
