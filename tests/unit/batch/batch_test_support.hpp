#pragma once
// Shared by the batch unit tests: a scratch folder with batch files written into it, and a
// scenario-free ArmChecker, so the planner and runner are tested without the model.
#include "batch/plan.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <fstream>
#include <string>

namespace minesim::batch::testing {

/// A scratch folder (tests/support/temp_dir.hpp) holding a scenario for batch files to name
/// (it must exist; its content is not read here), and the batch files written into it.
class BatchDir : public test_support::TempDir {
public:
  explicit BatchDir(const std::string& tag) : TempDir("batch_" + tag) {
    (void)write("scenario.toml", "# a scenario\n");
  }

  /// Write a batch file with `body` after `scenario`, `replicates` and `seed` lines.
  [[nodiscard]] std::string batch(const std::string& body, int replicates = 2,
                                  std::int64_t seed = 7) const {
    const std::string path = file("batch.toml");
    std::ofstream(path) << "scenario = \"scenario.toml\"\nreplicates = " << replicates
                        << "\nseed = " << seed << "\n"
                        << body;
    return path;
  }
};

/// A ValueChecker without a model: "bad.key" is rejected like the scenario loader rejects a
/// --set out of range.
inline void fake_value_check(const std::string& assignment) {
  if (assignment.rfind("bad.key=", 0) == 0) {
    throw InputError(SourcePos{"--set", 0}, "bad.key", "must be in [0, 1] (got 2)");
  }
}

/// A batch file read with fake_value_check.
inline BatchFile read_batch(const std::string& path, const BatchLimits& limits = {}) {
  return read_batch_file(path, fake_value_check, limits);
}

/// An ArmChecker without a model: each varied key's value is the last override of it (as
/// written, a string), "bad.key" is rejected like the scenario loader rejects a --set, and
/// "cross.b=1" with "cross.a=0" like a rule between two parameters.
inline ArmCheck fake_check(std::span<const std::string> overrides,
                           std::span<const std::string> keys) {
  if (std::find(overrides.begin(), overrides.end(), "cross.a=0") != overrides.end() &&
      std::find(overrides.begin(), overrides.end(), "cross.b=1") != overrides.end()) {
    throw InputError(SourcePos{"--set", 0}, "cross.b", "must not exceed cross.a");
  }
  ArmCheck check;
  for (const std::string& o : overrides) {
    if (o.rfind("bad.key=", 0) == 0) {
      throw InputError(SourcePos{"--set", 0}, "bad.key", "must be in [0, 1] (got 2)");
    }
    check.resolved_text += o + "\n";
  }
  for (const std::string& key : keys) {
    std::string value = "default";
    for (const std::string& o : overrides)
      if (o.rfind(key + "=", 0) == 0) value = o.substr(key.size() + 1);
    check.values.emplace_back(value);
    check.info.push_back(ParameterInfo{"1", "a parameter"});
  }
  check.needs = RunNeeds{1e6, 2e5, 0.5};
  return check;
}

} // namespace minesim::batch::testing
