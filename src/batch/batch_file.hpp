#pragma once
// A batch file (docs/batch.md): the scenario to start from, overrides common to every run,
// arms (named sets of overrides, grids of values, or both), the number of replicates and
// the batch seed. Reading one checks the batch file's own structure only; whether each
// override is a valid value of its parameter is checked by loading the scenario with it
// (plan.hpp), so the scenario loader stays the one validator of parameter values.
#include "src/core/errors.hpp"
#include "src/scenario/parameter_spec.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace minesim::batch {

/// One parameter override written in a batch file.
struct Override {
  std::string key;   ///< parameter key, "influence.epsilon"
  Value value;       ///< as written (integer, float, boolean or string)
  std::string field; ///< its place in the batch file, "arms[1].grid.influence.epsilon"
  SourcePos pos;     ///< file and line of the value

  /// The override as `minesim run --set` takes it: "influence.epsilon=0.1".
  [[nodiscard]] std::string assignment() const { return key + "=" + to_toml(value); }
};

/// One arm of a batch: the runs that share every parameter and differ only in the seed.
struct ArmSpec {
  std::string name;                ///< as written, or made from grid values
  std::string id;                  ///< `name` as used in run ids and file names
  std::vector<Override> overrides; ///< in application order: [set], arm set, grid values
  SourcePos pos;                   ///< where the arm (or the grid point) is defined
};

/// A batch file after structural checks, with its grids expanded into arms.
struct BatchFile {
  std::string path;                ///< as given
  std::string text;                ///< as written
  std::string description;         ///< optional `description`
  std::string scenario;            ///< the scenario's path, resolved against `path`'s folder
  std::string scenario_as_written; ///< the `scenario` value
  SourcePos scenario_pos;
  std::int64_t replicates = 1;
  std::uint64_t seed = 0; ///< the batch seed; replicate seeds derive from it
  std::vector<ArmSpec> arms;
  /// Keys set by some arm or grid (not by [set] alone), in order of first appearance: the
  /// parameters the index shows a column for.
  std::vector<std::string> varied_keys;
};

/// Read and check a batch file. Errors are InputError, one line: "file:line: key: message".
[[nodiscard]] BatchFile read_batch_file(const std::string& path);

/// Whether `path` is a readable TOML file with a top-level `scenario` key, which scenario
/// files never have: how `minesim check` tells a batch file from a scenario.
[[nodiscard]] bool is_batch_file(const std::string& path);

/// The seed of replicate `replicate`: a pure function of the batch seed and the replicate,
/// the same for every arm (common random numbers), below 2^53 so that it is exact as a
/// double and within `simulation.seed`'s range.
[[nodiscard]] std::uint64_t replicate_seed(std::uint64_t batch_seed, std::int64_t replicate);

/// `name` with every character other than letters, digits, '.', '_' and '-' replaced by
/// '_' (and a leading '.' too), so that it is safe as a file name and an HDF5 link name.
[[nodiscard]] std::string sanitize_id(std::string_view name);

/// "<arm_id>_r<NNN>": the replicate with at least three digits, more when `replicates`
/// needs them, so that ids sort in replicate order.
[[nodiscard]] std::string run_id(const std::string& arm_id, std::int64_t replicate,
                                 std::int64_t replicates);

} // namespace minesim::batch
