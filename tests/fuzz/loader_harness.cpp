// Everything minesim parses from TOML, exercised on one input: a scenario (with `extends`,
// the calendar and the cross-field checks of the real parameter table), a batch file (with
// its grids and the validation of every arm's overrides), a batch folder's plan.toml, and a
// study file of `minesim sensitivity` / `minesim calibrate` (with its distributions).
// The libFuzzer target (loader_fuzz.cpp) and the corpus replay of the unit tests
// (tests/unit/loader_corpus_test.cpp) both call it.
//
// Each input is tried as all four. Rejecting an input with InputError is expected; any
// other exception, a crash, a sanitizer report, a leak or a hang is a finding. Two round
// trips are checked as well: the resolved TOML a run file stores must load back to the same
// parameters, and a plan written to plan.toml must read back as the same plan.
#include "tests/fuzz/loader_harness.hpp"

#include "batch/batch_file.hpp"
#include "batch/plan.hpp"
#include "batch/study_file.hpp"
#include "model/parameters.hpp"
#include "scenario/loader.hpp"
#include "sensitivity/distributions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace minesim::fuzz {
namespace {

namespace fs = std::filesystem;

/// Runs of a batch whose arms are validated: each validation loads the scenario once.
constexpr std::size_t max_checked_runs = 64;

/// A private folder for the files the loaders read: the batch file under test, and a small
/// valid scenario that inputs can name (`scenario = "base.toml"`, `extends = "base.toml"`).
struct Workspace {
  fs::path dir;
  std::string scenario_name; ///< the name scenario text is loaded under
  std::string batch_path;
  std::string plan_path;

  // The folder's name has the same length in every process (the process id, zero-padded):
  // paths appear in messages, and a name of another length would take other branches of the
  // string code, so the same input would not give the same coverage from run to run, and
  // the fuzz step of CI would not be repeatable.
  Workspace() {
    const char* tmp = std::getenv("TMPDIR");
    char name[32];
    std::snprintf(name, sizeof name, "minesim-fuzz-%010ld", static_cast<long>(::getpid()));
    dir = fs::path(tmp && *tmp ? tmp : "/tmp") / name;
    std::error_code ec;
    fs::remove_all(dir, ec); // left by a killed process that had this id
    if (!fs::create_directory(dir, ec)) {
      std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
      std::abort();
    }
    std::ofstream(dir / "base.toml") << "[households]\ncount = 40\n[simulation]\nsteps = 12\n";
    scenario_name = (dir / "scenario.toml").string();
    batch_path = (dir / "batch.toml").string();
    plan_path = (dir / "plan.toml").string();
  }
  ~Workspace() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
};

const Workspace& workspace_instance() {
  static const Workspace w;
  return w;
}

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "FINDING: %s\n", what.c_str());
  std::abort();
}

bool same_events(const std::vector<CalendarEvent>& a, const std::vector<CalendarEvent>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const CalendarEvent& x, const CalendarEvent& y) {
                      return x.step == y.step && x.action == y.action && x.fields == y.fields;
                    });
}

void fuzz_scenario(const std::string& text) {
  const Workspace& w = workspace_instance();
  LoadedScenario scenario;
  try {
    scenario = load_scenario_text(text, w.scenario_name, parameter_specs(), event_specs(), {});
  } catch (const InputError&) {
    return;
  }
  // What a run file stores as `resolved_toml` must rerun the same scenario.
  const std::string resolved = resolved_toml(scenario, parameter_specs());
  LoadedScenario again;
  try {
    again = load_scenario_text(resolved, w.scenario_name, parameter_specs(), event_specs(), {});
  } catch (const InputError& e) {
    finding(std::string("resolved TOML does not load: ") + e.what() + "\n" + resolved);
  }
  if (again.values != scenario.values) finding("resolved TOML loads other values:\n" + resolved);
  if (!same_events(again.events, scenario.events)) {
    finding("resolved TOML loads other events:\n" + resolved);
  }
  try {
    (void)parameters_from(scenario);
  } catch (const InputError&) {
  }
}

/// Loads the scenario with an arm's overrides, as `minesim batch` does (app/).
batch::ArmCheck check_arm(const std::string& scenario, std::span<const std::string> overrides,
                          std::span<const std::string> varied_keys) {
  const LoadedScenario loaded =
      load_scenario(scenario, parameter_specs(), event_specs(), overrides);
  (void)parameters_from(loaded);
  batch::ArmCheck check;
  for (const std::string& key : varied_keys) {
    const auto it = std::find(loaded.keys.begin(), loaded.keys.end(), key);
    check.values.push_back(it == loaded.keys.end()
                               ? Value{std::string()}
                               : loaded.values[static_cast<std::size_t>(it - loaded.keys.begin())]);
    check.info.push_back(batch::ParameterInfo{"1", ""});
  }
  check.resolved_text = resolved_toml(loaded, parameter_specs());
  return check;
}

void fuzz_batch(const std::string& text) {
  const Workspace& w = workspace_instance();
  {
    std::ofstream out(w.batch_path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) finding("cannot write " + w.batch_path);
  }
  batch::BatchPlan plan;
  try {
    const batch::BatchFile file =
        batch::read_batch_file(w.batch_path, [](const std::string& assignment) {
          static const OverrideChecker checker(parameter_specs(), event_specs());
          checker(assignment);
        });
    if (file.run_count() > max_checked_runs) return;
    plan = batch::make_plan(
        file, [&file](std::span<const std::string> overrides, std::span<const std::string> keys) {
          return check_arm(file.scenario, overrides, keys);
        });
  } catch (const InputError&) {
    return;
  }
  // What the batch folder keeps must read back as the same runs.
  batch::BatchPlan again;
  try {
    again = batch::read_plan_toml(batch::plan_toml(plan), w.plan_path);
  } catch (const InputError& e) {
    finding(std::string("plan.toml does not read back: ") + e.what());
  }
  if (const auto difference = batch::plan_difference(plan, again)) {
    finding("plan.toml reads back differently: " + *difference);
  }
}

void fuzz_plan(const std::string& text) {
  try {
    (void)batch::read_plan_toml(text, workspace_instance().plan_path);
  } catch (const InputError&) {
  }
}

/// A study file, read from the batch file's path (fuzz_batch wrote the input there). Every
/// distribution it accepts must map the whole unit interval into its support.
void fuzz_study() {
  const Workspace& w = workspace_instance();
  batch::StudyFile study;
  try {
    study = batch::read_study_file(w.batch_path, parameter_specs(), [](const std::string& a) {
      static const OverrideChecker checker(parameter_specs(), event_specs());
      checker(a);
    });
  } catch (const InputError&) {
    return;
  }
  for (const batch::StudyParameter& p : study.parameters) {
    const sensitivity::Distribution& d = p.distribution;
    for (const double u : {0.0, 1e-300, 0.25, 0.5, 0.75, 1.0 - 1e-16, 1.0}) {
      const double x = sensitivity::quantile(d, u);
      if (!(x >= d.lo && x <= d.hi)) {
        finding("quantile of " + p.key + " at " + std::to_string(u) + " is " + std::to_string(x) +
                ", outside its support");
      }
    }
  }
}

} // namespace

void prepare_workspace() {
  (void)workspace_instance();
}

void exercise_loaders(std::string_view input) {
  const std::string text(input);
  fuzz_scenario(text);
  fuzz_batch(text);
  fuzz_study();
  fuzz_plan(text);
}

} // namespace minesim::fuzz
