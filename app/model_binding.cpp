// Where the command line meets the model: validating a batch's arms, running one run of a
// batch, and the memory guard.
#include "app/model_binding.hpp"

#include "app/run_driver.hpp"
#include "engine/finite_check.hpp"
#include "io/run_file.hpp"
#include "model/checkpoint.hpp"
#include "model/simulation.hpp"

#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

namespace minesim::cli {
namespace {

/// Model cost of one household over one step (spin-up months included) on one core,
/// measured on the reference machine (docs/batch.md) with model revision 2: the baseline,
/// 5,000 households x (24 + 240) months, takes about 0.95 s of one core, and a 2,000-household
/// run of the sensitivity screening about 0.43 s. A rough guide: model changes change it.
constexpr double core_seconds_per_household_step = 7.0e-7;
/// Initialisation (network, world) per household, and a fixed start-up and writing cost.
constexpr double core_seconds_per_household = 4.0e-6;
constexpr double core_seconds_per_run = 0.03;

constexpr double unlimited = std::numeric_limits<double>::infinity();

/// Core seconds a run of `params` takes, roughly.
double estimated_core_seconds(const Parameters& params) {
  const auto households = static_cast<double>(params.households.count);
  return core_seconds_per_household_step * households *
             static_cast<double>(params.simulation.steps + params.simulation.spinup_steps) +
         core_seconds_per_household * households + core_seconds_per_run;
}

/// "MemAvailable:   1234 kB" from /proc/meminfo, in bytes.
double meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string name;
  double kib = 0.0;
  std::string unit;
  while (in >> name >> kib >> unit) {
    if (name == "MemAvailable:") return kib * 1024.0;
  }
  return unlimited;
}

/// A number from a cgroup file, or infinity for "max", a missing file or anything else.
double cgroup_number(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return unlimited;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' ? value : unlimited;
}

/// The cgroup's memory limit less its usage: cgroup v2 (the process's own group, as named
/// in /proc/self/cgroup), else v1's memory controller.
double cgroup_available() {
  std::ifstream self("/proc/self/cgroup");
  std::string line;
  std::string group;
  while (std::getline(self, line)) {
    if (line.rfind("0::", 0) == 0) group = line.substr(3);
  }
  if (!group.empty()) {
    const std::string base = "/sys/fs/cgroup" + (group == "/" ? std::string() : group);
    const double limit = cgroup_number(base + "/memory.max");
    if (limit != unlimited) return std::max(0.0, limit - cgroup_number(base + "/memory.current"));
  }
  const double limit = cgroup_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  // v1 writes "no limit" as a huge number near 2^63.
  if (limit == unlimited || limit > 1e18) return unlimited;
  return std::max(0.0, limit - cgroup_number("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
}

double address_space_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return unlimited;
  return static_cast<double>(limit.rlim_cur);
}

} // namespace

std::string seconds_text(double seconds) {
  char text[32];
  if (seconds < 1) {
    std::snprintf(text, sizeof text, "%.2g s", seconds);
  } else if (seconds < 120) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(text, sizeof text, "%.1f min", seconds / 60.0);
  } else {
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600.0);
  }
  return text;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t u = 0;
  while (bytes >= 1024.0 && u + 1 < std::size(units)) {
    bytes /= 1024.0;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", bytes, units[u]);
  return text;
}

void check_batch_memory(const batch::BatchPlan& plan) {
  const double available = available_memory_bytes();
  for (const batch::PlannedArm& arm : plan.arms) {
    if (arm.needs.memory_bytes <= available) continue;
    const LoadedScenario loaded =
        load_scenario(plan.scenario, parameter_specs(), event_specs(), arm.overrides);
    check_memory(SourcePos{plan.batch_path + ": arm " + arm.name, 0},
                 parameters_from(loaded).households.count, arm.needs.memory_bytes, available);
  }
}

double available_memory_bytes() {
  return std::min({meminfo_available(), cgroup_available(), address_space_limit()});
}

void check_memory(const SourcePos& pos, std::int64_t households, double needed_bytes,
                  double available_bytes) {
  if (needed_bytes <= available_bytes) return;
  throw InputError(pos, "households.count",
                   "a run of " + std::to_string(households) + " households needs about " +
                       human_bytes(needed_bytes) + " of memory, more than the " +
                       human_bytes(available_bytes) +
                       " available; lower households.count or pass --allow-large");
}

SourcePos households_position(const LoadedScenario& scenario) {
  SourcePos pos = scenario.positions.at(scenario.index_of("households.count"));
  if (pos.file.empty()) pos = SourcePos{scenario.path, 0}; // the default applies
  return pos;
}

batch::ArmCheck check_arm(const std::string& scenario, std::span<const std::string> overrides,
                          std::span<const std::string> varied_keys) {
  const LoadedScenario loaded =
      load_scenario(scenario, parameter_specs(), event_specs(), overrides);
  const Parameters params = parameters_from(loaded);
  batch::ArmCheck check;
  const auto specs = parameter_specs();
  for (const std::string& key : varied_keys) {
    // A key no parameter has comes from another arm's override, which fails with a
    // suggestion when that arm is loaded; until then it has no value.
    if (std::find(loaded.keys.begin(), loaded.keys.end(), key) == loaded.keys.end()) {
      check.values.emplace_back(std::string());
      check.info.push_back(batch::ParameterInfo{"1", ""});
      continue;
    }
    check.values.push_back(loaded.values.at(loaded.index_of(key)));
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const ParameterSpec& p) { return p.key == key; });
    check.info.push_back(spec == specs.end() ? batch::ParameterInfo{"1", ""}
                                             : batch::ParameterInfo{spec->unit, spec->meaning});
  }
  check.resolved_text = resolved_toml(loaded, parameter_specs());
  const ResourceEstimate estimate = estimate_resources(params);
  check.needs.memory_bytes = estimate.memory_bytes;
  check.needs.output_bytes = estimate.output_bytes;
  check.needs.core_seconds = estimated_core_seconds(params);
  return check;
}

void check_value(const std::string& assignment) {
  static const OverrideChecker checker(parameter_specs(), event_specs());
  checker(assignment);
}

batch::BatchPlan plan_batch(const batch::BatchFile& file) {
  return batch::make_plan(
      file, [&file](std::span<const std::string> overrides, std::span<const std::string> keys) {
        return check_arm(file.scenario, overrides, keys);
      });
}

batch::RunOutcome execute_run(const batch::RunRequest& request, const std::string& scenario,
                              std::mutex& hdf5, std::optional<std::int64_t> checkpoint_every) {
  const std::string checkpoint = checkpoint_path(request.output_path);
  try {
    const LoadedScenario loaded =
        load_scenario(scenario, parameter_specs(), event_specs(), request.overrides);
    const Parameters params = parameters_from(loaded);
    omp_set_num_threads(request.threads); // this thread's OpenMP team only
    DriveOptions drive;
    drive.out = request.output_path;
    drive.checkpoint_every = checkpoint_every.value_or(automatic_checkpoint_months(
        estimated_core_seconds(params) / std::max(1, request.threads), params.simulation.steps));
    drive.hdf5 = &hdf5;
    drive.stop = request.stop != nullptr ? &signal_stop_kind() : nullptr;
    drive.stop_all = request.stop;
    FiniteCheck finite;
    if (check_finite_each_step) {
      drive.after_step = [&](const Simulation& sim, std::int64_t) {
        finite.scan(sim.metrics().timeseries());
      };
    }
    drive.scenario_text = loaded.text;
    drive.resolved_toml = resolved_toml(loaded, parameter_specs());
    drive.provenance.command_line = shell_command_line(process_arguments());
    drive.provenance.scenario_path = scenario;
    drive.provenance.overrides = request.overrides;
    drive.provenance.batch = request.batch;
    drive.provenance.arm = request.arm;
    drive.provenance.replicate = request.run.replicate;

    std::error_code ec;
    drive.resume = std::filesystem::exists(checkpoint, ec) &&
                   std::filesystem::exists(partial_path(request.output_path), ec);
    DriveResult result;
    try {
      result = drive_run(params, drive);
    } catch (const InputError&) {
      if (!drive.resume) throw;
      // A checkpoint of another build, or a damaged one: the run starts again from step 0
      // (a .partial file that cannot be continued drive_run handles itself).
      drive.resume = false;
      result = drive_run(params, drive);
    }
    if (result.status != DriveResult::Status::complete) return {batch::RunStatus::interrupted, ""};
    return {batch::RunStatus::complete, ""};
  } catch (const std::exception& e) {
    // A failed run leaves nothing: it runs again from the start when the batch is resumed.
    {
      const std::lock_guard lock(hdf5);
      std::remove(partial_path(request.output_path).c_str());
    }
    std::remove(checkpoint.c_str());
    return {batch::RunStatus::failed, e.what()};
  }
}

} // namespace minesim::cli
