#pragma once
// Shared by the batch unit tests: a scratch folder, batch files written into it, and a
// scenario-free ArmChecker, so the planner and runner are tested without the model.
#include "batch/plan.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace minesim::batch::testing {

namespace fs = std::filesystem;

/// A fresh folder under the system temp dir, removed with its contents at scope exit. The
/// tag keeps tests that CTest runs side by side apart.
class TempDir {
public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() /
              ("minesim_batch_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
    // Batch files name a scenario, which must exist (its content is not read here).
    std::ofstream(path_ / "scenario.toml") << "# a scenario\n";
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

  /// Write a batch file with `body` after `scenario`, `replicates` and `seed` lines.
  [[nodiscard]] std::string batch(const std::string& body, int replicates = 2,
                                  std::int64_t seed = 7) const {
    const std::string path = file("batch.toml");
    std::ofstream(path) << "scenario = \"scenario.toml\"\nreplicates = " << replicates
                        << "\nseed = " << seed << "\n"
                        << body;
    return path;
  }

private:
  fs::path path_;
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
