#pragma once
// One run from start (or from its checkpoint) to its run file, as `minesim run` and a batch's
// runs do it (docs/checkpoints.md): the run file is written while the run goes
// (io/run_file.hpp), checkpoints are taken every few months and when SIGTERM asks, and a run
// stopped with a checkpoint continues from it.
#include "io/provenance.hpp"
#include "model/parameters.hpp"
#include "model/simulation.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace minesim::cli {

/// What a stop request asks (the value of DriveOptions::stop).
enum StopKind : int {
  stop_none = 0,
  stop_checkpoint = 1, ///< SIGTERM: write a checkpoint, then stop
  stop_discard = 2,    ///< SIGINT: stop and leave nothing
};

struct DriveOptions {
  std::string out;                   ///< the run file
  std::int64_t checkpoint_every = 0; ///< months between checkpoints; 0 for none
  bool resume = false;               ///< continue from "<out>.checkpoint"
  /// A StopKind: what the first signal asked (signal_stop_kind()), or null.
  const std::atomic<int>* stop = nullptr;
  /// Set when the run must stop for another reason (a batch whose other run failed to
  /// stop): stops as SIGINT does, leaving nothing.
  const std::atomic<bool>* stop_all = nullptr;
  /// Held around every HDF5 call (the serial HDF5 library is not thread-safe), or null.
  std::mutex* hdf5 = nullptr;
  /// After each step (progress display, checks).
  std::function<void(const Simulation&, std::int64_t step)> after_step;
  /// Told, before it happens, that a run asked to resume starts again from step 0, and why.
  std::function<void(const std::string& why)> on_restart;
  std::string scenario_text; ///< the scenario as written
  std::string resolved_toml; ///< every parameter, resolved
  RunProvenance provenance;
};

struct DriveResult {
  enum class Status { complete, checkpointed, discarded };
  Status status = Status::complete;
  std::int64_t steps_done = 0;
  std::int64_t resumed_from = -1; ///< the checkpoint's step, or -1
  /// Why a run asked to resume started again from step 0 (its .partial file could not be
  /// continued), or empty.
  std::string restarted_because;
  std::int64_t checkpoints = 0;       ///< checkpoints written
  std::uint64_t checkpoint_bytes = 0; ///< size of the last one
  double checkpoint_seconds = 0.0;    ///< time spent writing checkpoints
  double output_seconds = 0.0;        ///< time spent writing the run file (from its creation)
};

/// Run `params` to `o.out`. Throws InputError (exit 2) for a checkpoint or partial file that
/// cannot be resumed, std::runtime_error when the run file or a checkpoint cannot be written
/// (the partial file stays as of its last flush).
DriveResult drive_run(const Parameters& params, const DriveOptions& o);

/// The process's stop request, a StopKind, set by its signal handler.
[[nodiscard]] std::atomic<int>& signal_stop_kind();

/// What a checkpoint records of the build that wrote it: version, commit, compiler, type.
[[nodiscard]] std::string build_identity();

/// Months between checkpoints for a run estimated to take `seconds`: about every ten
/// minutes of it, none for a run under ten minutes.
[[nodiscard]] std::int64_t automatic_checkpoint_months(double seconds, std::int64_t steps);

} // namespace minesim::cli
