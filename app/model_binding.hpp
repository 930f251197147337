#pragma once
// Where the command line meets the model. src/batch knows no model: it takes from here how
// to validate an arm (load the scenario with its overrides) and how to run one run. The
// memory guard of `minesim run` and `minesim batch` lives here too, since it needs the
// model's resource estimate.
#include "batch/plan.hpp"
#include "batch/runner.hpp"
#include "model/parameters.hpp"
#include "scenario/loader.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace minesim::cli {

/// Load the scenario with an arm's overrides, as `minesim run --set` would: the one
/// validation of parameter values, shared with single runs.
[[nodiscard]] batch::ArmCheck check_arm(const std::string& scenario,
                                        std::span<const std::string> overrides,
                                        std::span<const std::string> varied_keys);

/// Check one override on its own against the parameter table (key, type, range).
void check_value(const std::string& assignment);

/// Validate every arm of a batch file and lay out the runs.
[[nodiscard]] batch::BatchPlan plan_batch(const batch::BatchFile& file);

/// One run of a batch, in this process: what `minesim run SCENARIO --set ... -o OUT` does,
/// continuing from the run's checkpoint when an interrupted attempt left one that fits.
/// `hdf5` serialises the file writing, since the serial HDF5 library is not thread-safe.
/// `checkpoint_every`: months between checkpoints; by default (nullopt) about every ten
/// minutes of the run's estimated time, and none for a shorter run.
[[nodiscard]] batch::RunOutcome execute_run(const batch::RunRequest& request,
                                            const std::string& scenario, std::mutex& hdf5,
                                            std::optional<std::int64_t> checkpoint_every = {});

/// The memory guard for a batch: the largest run must fit (runs are spread over workers, so
/// fewer workers may be chosen, but one run cannot be split). Throws InputError naming the
/// arm, as check_memory does.
void check_batch_memory(const batch::BatchPlan& plan);

/// Memory this process can use: the least of the kernel's MemAvailable, the cgroup's limit
/// less its usage (Slurm confines jobs with cgroups) and `ulimit -v`.
[[nodiscard]] double available_memory_bytes();

/// Throws InputError when `needed_bytes` exceeds `available_bytes`: "<pos>: households.count:
/// a run of 100000000 households needs about 1.9 TiB of memory, more than the 20.1 GiB
/// available; lower households.count or pass --allow-large". `pos` is where
/// households.count was set, or whatever names the run best.
void check_memory(const SourcePos& pos, std::int64_t households, double needed_bytes,
                  double available_bytes);

/// Where `scenario` sets households.count: its file and line, "--set", or the scenario's
/// path when the default applies.
[[nodiscard]] SourcePos households_position(const LoadedScenario& scenario);

/// "1.5 GiB".
[[nodiscard]] std::string human_bytes(double bytes);

/// "0.26 s", "12.5 s", "3.4 min", "2.1 h".
[[nodiscard]] std::string seconds_text(double seconds);

} // namespace minesim::cli
