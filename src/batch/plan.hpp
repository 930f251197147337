#pragma once
// The plan of a batch: every run with its id, arm, replicate, seed and overrides, after each
// arm has been validated by loading the scenario with its overrides. The batch runner knows
// no model: loading scenarios is done by a callback the command line provides (an
// ArmChecker), which also reports each arm's resolved values of the varied parameters.
#include "batch/batch_file.hpp"

#include <cstddef>
#include <functional>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace minesim::batch {

/// What one run of an arm is expected to need, estimated before anything runs.
struct RunNeeds {
  double memory_bytes = 0.0; ///< peak resident memory
  double output_bytes = 0.0; ///< run file size, uncompressed
  double core_seconds = 0.0; ///< compute time on one core
};

/// The documentation of a varied parameter, for its index column.
struct ParameterInfo {
  std::string unit;
  std::string meaning;
};

/// What loading the scenario with one arm's overrides tells the planner.
struct ArmCheck {
  std::vector<Value> values;       ///< resolved value of each varied key, in order
  std::vector<ParameterInfo> info; ///< documentation of each varied key, in order
  std::string resolved_text;       ///< every resolved parameter: two arms with equal text
                                   ///< (apart from the seed) run the same model
  RunNeeds needs;
};

/// Loads the scenario with `overrides` ("key=value", as `minesim run --set` takes them) and
/// reports on `varied_keys`. Throws InputError (as the scenario loader does, naming "--set"
/// and the key for a bad override) when the scenario cannot be run with them.
using ArmChecker = std::function<ArmCheck(std::span<const std::string> overrides,
                                          std::span<const std::string> varied_keys)>;

/// One run of the plan.
struct PlannedRun {
  std::size_t index = 0; ///< row in the index: arm by arm, replicates in order within an arm
  std::string id;        ///< "<arm id>_r<NNN>"; the run file is runs/<id>.h5
  std::size_t arm = 0;
  std::int64_t replicate = 0;
  std::uint64_t seed = 0;
};

/// One arm of the plan, validated.
struct PlannedArm {
  std::string name;
  std::string id;
  std::vector<std::string> overrides; ///< "key=value", without the seed
  std::vector<Value> values;          ///< resolved value of each varied key
  std::string fingerprint;            ///< hash of the resolved parameters (seed excluded)
  RunNeeds needs;
};

struct BatchPlan;

/// The runs of a plan, arm by arm and replicates in order within an arm, made when looked
/// at: a plan holds its arms and replicate seeds, not a record per run.
class RunList {
public:
  explicit RunList(const BatchPlan& plan) : plan_(&plan) {}

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = PlannedRun;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = PlannedRun;
    iterator(const RunList& list, std::size_t index) : list_(&list), index_(index) {}
    PlannedRun operator*() const { return (*list_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator==(const iterator& other) const { return index_ == other.index_; }

  private:
    const RunList* list_;
    std::size_t index_;
  };

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] PlannedRun operator[](std::size_t index) const;
  /// operator[] with a bounds check (std::out_of_range).
  [[nodiscard]] PlannedRun at(std::size_t index) const;
  [[nodiscard]] PlannedRun back() const { return at(size() - 1); }
  [[nodiscard]] iterator begin() const { return {*this, 0}; }
  [[nodiscard]] iterator end() const { return {*this, size()}; }

private:
  const BatchPlan* plan_;
};

/// Every run of a batch.
struct BatchPlan {
  std::string batch_path;  ///< the batch file, as given (informational)
  std::string batch_text;  ///< the batch file as written
  std::string scenario;    ///< the scenario's path
  std::string description; ///< the batch file's `description`
  std::int64_t replicates = 1;
  std::uint64_t seed = 0;
  std::vector<std::uint64_t> seeds; ///< of each replicate
  std::vector<std::string> varied_keys;
  std::vector<ParameterInfo> varied_info;
  std::vector<PlannedArm> arms;

  /// Every run: arms x replicates.
  [[nodiscard]] RunList runs() const { return RunList(*this); }

  /// What `minesim run --set` would take for `run`: its arm's overrides, then its seed.
  [[nodiscard]] std::vector<std::string> overrides_of(const PlannedRun& run) const;
};

/// Validate every arm of `file` with `check` before anything runs (the whole scenario with
/// the arm's overrides, rules between parameters included), and lay out the runs. An
/// InputError about an override is rewritten to name the batch file, the line and the
/// place of that override ("tiny.toml:12: arms[1].set.influence.epsilon: must be in ...").
/// Memory: the plan holds each arm's overrides as text, about 3 KiB an arm, and about 100
/// bytes a run.
[[nodiscard]] BatchPlan make_plan(const BatchFile& file, const ArmChecker& check);

/// The plan as the TOML document kept in the batch folder (plan.toml), and back.
[[nodiscard]] std::string plan_toml(const BatchPlan& plan);
/// Throws InputError naming `path` when `text` is not a plan.
[[nodiscard]] BatchPlan read_plan_toml(const std::string& text, const std::string& path);

/// Why two plans do not describe the same runs (ids, seeds, overrides, resolved parameters),
/// or nullopt when they do. The batch file's text, comments and paths may differ.
[[nodiscard]] std::optional<std::string> plan_difference(const BatchPlan& a, const BatchPlan& b);

/// One of `count` disjoint parts of a batch: runs whose plan index is `index` modulo
/// `count`. Round robin, so that arms of different cost spread over the parts.
struct Shard {
  std::int64_t index = 0;
  std::int64_t count = 1;
  [[nodiscard]] bool contains(const PlannedRun& run) const {
    return static_cast<std::int64_t>(run.index % static_cast<std::size_t>(count)) == index;
  }
};

/// "I/N" with 0 <= I < N; throws InputError naming `option`.
[[nodiscard]] Shard parse_shard(const std::string& text, const std::string& option);

/// The shard of a Slurm array task (SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _STEP), or nullopt
/// outside a job array. `getenv` is std::getenv, or a stand-in in tests.
[[nodiscard]] std::optional<Shard>
shard_from_environment(const std::function<const char*(const char*)>& getenv);

} // namespace minesim::batch
