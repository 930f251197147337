#pragma once
// A batch file (docs/batch.md): the scenario to start from, overrides common to every run,
// arms (named sets of overrides, grids of values, or both), the number of replicates and
// the batch seed. Reading one checks the batch file's own structure only; whether each
// override is a valid value of its parameter is checked by the scenario loader (plan.hpp),
// so the loader stays the one validator of parameter values.
#include "engine/errors.hpp"
#include "scenario/parameter_spec.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
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

/// A grid key with its list of values.
struct GridKey {
  std::string key;
  std::string field; ///< "grid.influence.epsilon", "arms[1].grid.influence.epsilon"
  std::vector<Override> values;
};

/// One `[[arms]]` table (or, without any, the batch file itself) and the arms its grid makes:
/// every combination of the grid's values, the first key varying slowest. Arms are not
/// stored: `BatchFile::arm` makes one when it is needed, so a large grid costs nothing
/// until its arms are planned.
struct ArmGroup {
  std::string name;          ///< as written; "" without [[arms]]
  SourcePos pos;             ///< where the group is defined
  std::vector<Override> set; ///< the arm's own `set` (applied after [set])
  std::vector<GridKey> grid; ///< its own grid; the top-level [grid] follows it
  std::size_t first_arm = 0; ///< index of its first arm in the batch
  std::size_t arm_count = 1; ///< product of the grid's list lengths
};

/// How large a batch may be, checked before any arm is made. Planning validates each arm by
/// loading the scenario with its overrides (plan.hpp), which takes about a millisecond and
/// 3 KiB an arm, so the arm limit keeps `check` and `batch` to seconds unless raised.
struct BatchLimits {
  static constexpr std::size_t default_max_arms = 10000;
  static constexpr std::size_t max_runs = 1000000; ///< arms x replicates; not raisable
  static constexpr std::int64_t max_replicates = 100000;
  std::size_t max_arms = default_max_arms; ///< `--max-arms`
};

/// A batch file after structural checks. Its arms are numbered 0 to arm_count - 1, group by
/// group, and made on demand.
struct BatchFile {
  std::string path;                ///< as given
  std::string text;                ///< as written
  std::string description;         ///< optional `description`
  std::string scenario;            ///< the scenario's path, resolved against `path`'s folder
  std::string scenario_as_written; ///< the `scenario` value
  SourcePos scenario_pos;
  std::int64_t replicates = 1;
  std::uint64_t seed = 0;       ///< the batch seed; replicate seeds derive from it
  std::vector<Override> common; ///< [set]: overrides of every run
  std::vector<GridKey> grid;    ///< [grid]: crossed with every group's own grid
  std::vector<ArmGroup> groups; ///< in file order
  std::size_t arm_count = 0;    ///< arms of all groups
  /// Keys set by some arm or grid (not by [set] alone), in order of first appearance: the
  /// parameters the index shows a column for.
  std::vector<std::string> varied_keys;

  /// Arm `index` (< arm_count) with its name, id and overrides.
  [[nodiscard]] ArmSpec arm(std::size_t index) const;
  /// Just the name of arm `index`: cheaper than arm(index) when only names are needed.
  [[nodiscard]] std::string arm_name(std::size_t index) const;
  [[nodiscard]] std::size_t run_count() const {
    return arm_count * static_cast<std::size_t>(replicates);
  }
};

/// Changes to a batch given on the command line (`minesim batch` and `check`), applied to
/// every arm: `replicates` replaces the file's, and each `set` ("key=value") is applied
/// after the file's [set]. A key the batch varies cannot be set for every arm.
struct CommandLineChanges {
  std::optional<std::int64_t> replicates;
  std::vector<std::string> set;
};

/// Checks one override ("key=value", as `minesim run --set` takes it) on its own: that the
/// key is a parameter and the value has its type and range. Throws InputError as the
/// scenario loader does for a bad --set ("--set: key: message").
using ValueChecker = std::function<void(const std::string& assignment)>;

/// Rethrow `e`, an InputError from loading the scenario with `overrides`, placed at the
/// batch file's line of the override it names ("--set: key: message" becomes
/// "batch.toml:12: arms[1].set.key: message"). Other errors (about the scenario itself)
/// keep their file and line, with `context` added.
[[noreturn]] void rethrow_placed(const InputError& e, std::span<const Override> overrides,
                                 const std::string& context);

/// Read and check a batch file: its structure, then each value written in it once with
/// `check_value` (so a misspelt key in a large grid is reported at once), then the number
/// of arms and runs against `limits`, then that arm ids differ. Errors are InputError, one
/// line: "file:line: key: message". Grids are counted, never expanded: memory is a small
/// multiple of the file's size plus 16 bytes an arm (for the id check).
[[nodiscard]] BatchFile read_batch_file(const std::string& path, const ValueChecker& check_value,
                                        const BatchLimits& limits = {},
                                        const CommandLineChanges& changes = {});

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
