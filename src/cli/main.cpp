// The minesim command line: run a scenario, check it or a batch file, print the parameter
// dictionary, run a batch (on a workstation, across MPI ranks or as a Slurm array shard),
// merge a sharded batch's index, and compare a batch's arms.
// Exit codes: 0 success, 1 internal error, 2 bad input (one line on stderr), 3 a batch
// finished but some of its runs failed, 130 interrupted.
//
// This file is also where batches meet the model: src/batch knows no model, and takes from
// here how to validate an arm (load the scenario with its overrides) and how to run one run.
#include "minesim/build_info.hpp"
#include "model/parameters.hpp"
#include "model/simulation.hpp"
#include "src/batch/batch_file.hpp"
#include "src/batch/compare.hpp"
#include "src/batch/mpi_job.hpp"
#include "src/batch/plan.hpp"
#include "src/batch/runner.hpp"
#include "src/output/index_file.hpp"
#include "src/output/progress.hpp"
#include "src/output/run_file.hpp"
#include "src/scenario/loader.hpp"

#include <CLI/CLI.hpp>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

namespace {

using namespace minesim;
namespace fs = std::filesystem;

constexpr int exit_ok = 0;
constexpr int exit_internal = 1;
constexpr int exit_bad_input = 2;
constexpr int exit_some_runs_failed = 3;
constexpr int exit_interrupted = 130;

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int /*signal*/) {
  stop_requested.store(true);
}

struct ScenarioOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::optional<std::int64_t> seed;
};

LoadedScenario load(const ScenarioOptions& o) {
  std::vector<std::string> overrides = o.overrides;
  if (o.seed) overrides.push_back("simulation.seed=" + std::to_string(*o.seed));
  return load_scenario(o.scenario, parameter_specs(), event_specs(), overrides);
}

/// Refuse an output path that would overwrite a file (without --force) or cannot be written,
/// before any work is done.
void check_output_path(const std::string& out, bool force) {
  const fs::path path(out);
  if (fs::is_directory(path)) throw InputError(out + ": output path is a directory");
  if (fs::exists(path) && !force)
    throw InputError(out + ": output file exists; pass --force to overwrite it");
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder))
    throw InputError(out + ": output folder '" + folder.string() + "' does not exist");
  if (::access(folder.c_str(), W_OK) != 0)
    throw InputError(out + ": output folder '" + folder.string() + "' is not writable");
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t u = 0;
  while (bytes >= 1024.0 && u + 1 < std::size(units)) {
    bytes /= 1024.0;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", bytes, units[u]);
  return text;
}

int run_command(const ScenarioOptions& so, const std::string& out, std::optional<int> threads,
                bool force, bool quiet) {
  if (batch::is_batch_file(so.scenario)) {
    throw InputError(so.scenario + ": a batch file, not a scenario; run it with `minesim batch " +
                     so.scenario + " -o DIR`");
  }
  check_output_path(out, force);
  const LoadedScenario scenario = load(so);
  const Parameters params = parameters_from(scenario);
  if (threads) omp_set_num_threads(*threads);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);

  Simulation sim(params);
  Progress progress(params.simulation.steps, !quiet && ::isatty(STDERR_FILENO) != 0);
  RunControl control;
  control.stop = &stop_requested;
  control.after_step = [&progress](std::int64_t done) { progress.update(done); };
  const bool complete = sim.run(control);
  progress.finish();
  if (!complete) {
    std::cerr << "minesim: interrupted at step " << sim.steps_done() << " of "
              << params.simulation.steps << "; no output written\n";
    return exit_interrupted;
  }
  write_run_file(out, sim.record(scenario.text, resolved_toml(scenario, parameter_specs())));
  if (!quiet) {
    std::cerr << "minesim: wrote " << out << " (" << params.simulation.steps << " steps, "
              << params.households.count << " households, " << omp_get_max_threads()
              << " threads)\n";
  }
  return exit_ok;
}

int check_batch_command(const std::string& path);

int check_command(const ScenarioOptions& so) {
  if (batch::is_batch_file(so.scenario)) {
    if (!so.overrides.empty() || so.seed) {
      throw InputError(so.scenario + ": --set and --seed apply to scenarios; a batch file "
                                     "lists its own overrides and seeds");
    }
    return check_batch_command(so.scenario);
  }
  const LoadedScenario scenario = load(so);
  const Parameters params = parameters_from(scenario);
  const ResourceEstimate e = estimate_resources(params);
  std::cout << resolved_toml(scenario, parameter_specs());
  std::cout << "\n# " << so.scenario << ": valid\n"
            << "# households " << params.households.count << ", villages " << params.region.villages
            << ", mines " << params.mines.count << ", steps " << params.simulation.steps << "\n"
            << "# expected mean degree " << e.expected_mean_degree << "\n"
            << "# estimated peak memory " << human_bytes(e.memory_bytes) << ", output at most "
            << human_bytes(e.output_bytes) << "\n";
  return exit_ok;
}

// --- batches -----------------------------------------------------------------------------

/// Model cost of one household over one step on one core, measured on the reference
/// machine (docs/batch.md): the baseline, 5,000 households x 240 months, took about 0.6 s
/// of one core in November 2026. A rough guide: submodels added later change it.
constexpr double core_seconds_per_household_step = 5.0e-7;
/// Initialisation (network, world) per household, and a fixed start-up and writing cost.
constexpr double core_seconds_per_household = 4.0e-6;
constexpr double core_seconds_per_run = 0.01;

const char* environment(const char* name) {
  return std::getenv(name);
}

/// Load the scenario with an arm's overrides, as `minesim run --set` would: the one
/// validation of parameter values, shared with single runs.
batch::ArmCheck check_arm(const std::string& scenario, std::span<const std::string> overrides,
                          std::span<const std::string> varied_keys) {
  const LoadedScenario loaded =
      load_scenario(scenario, parameter_specs(), event_specs(), overrides);
  const Parameters params = parameters_from(loaded);
  batch::ArmCheck check;
  for (const std::string& key : varied_keys) {
    // A key no parameter has comes from another arm's override, which fails with a
    // suggestion when that arm is loaded; until then it has no value.
    if (std::find(loaded.keys.begin(), loaded.keys.end(), key) == loaded.keys.end()) {
      check.values.emplace_back(std::string());
      check.info.push_back(batch::ParameterInfo{"1", ""});
      continue;
    }
    check.values.push_back(loaded.values.at(loaded.index_of(key)));
    const auto specs = parameter_specs();
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const ParameterSpec& p) { return p.key == key; });
    check.info.push_back(spec == specs.end() ? batch::ParameterInfo{"1", ""}
                                             : batch::ParameterInfo{spec->unit, spec->meaning});
  }
  check.resolved_text = resolved_toml(loaded, parameter_specs());
  const ResourceEstimate estimate = estimate_resources(params);
  const auto households = static_cast<double>(params.households.count);
  check.needs.memory_bytes = estimate.memory_bytes;
  check.needs.output_bytes = estimate.output_bytes;
  check.needs.core_seconds =
      core_seconds_per_household_step * households * static_cast<double>(params.simulation.steps) +
      core_seconds_per_household * households + core_seconds_per_run;
  return check;
}

batch::BatchPlan plan_batch(const std::string& path) {
  const batch::BatchFile file = batch::read_batch_file(path);
  return batch::make_plan(
      file, [&file](std::span<const std::string> overrides, std::span<const std::string> keys) {
        return check_arm(file.scenario, overrides, keys);
      });
}

/// One run of a batch, in this process: what `minesim run SCENARIO --set ... -o OUT` does.
/// `hdf5` serialises the file writing, since the serial HDF5 library is not thread-safe.
batch::RunOutcome execute_run(const batch::RunRequest& request, const std::string& scenario,
                              std::mutex& hdf5) {
  try {
    const LoadedScenario loaded =
        load_scenario(scenario, parameter_specs(), event_specs(), request.overrides);
    const Parameters params = parameters_from(loaded);
    omp_set_num_threads(request.threads); // this thread's OpenMP team only
    Simulation sim(params);
    RunControl control;
    control.stop = request.stop;
    if (!sim.run(control)) return {batch::RunStatus::interrupted, ""};
    const RunRecord record = sim.record(loaded.text, resolved_toml(loaded, parameter_specs()));
    const std::lock_guard lock(hdf5);
    write_run_file(request.output_path, record);
    return {batch::RunStatus::complete, ""};
  } catch (const std::exception& e) {
    return {batch::RunStatus::failed, e.what()};
  }
}

int exit_code_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const InputError&) {
    return exit_bad_input;
  } catch (...) {
    return exit_internal;
  }
}

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

std::string id_list(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i)
    out += (i ? ", " : "") + ids[i];
  if (ids.size() > 5) out += ", ...";
  return out;
}

struct BatchOptions {
  std::string batch_file;
  std::string dir;
  std::optional<int> workers;
  std::optional<int> threads;
  std::optional<std::string> shard;
  bool quiet = false;
};

int batch_command(const BatchOptions& o) {
  // Only under an MPI launcher: a plain `minesim batch` never initialises MPI.
  std::unique_ptr<batch::MpiJob> mpi;
  if (batch::MpiJob::launched(environment)) mpi = std::make_unique<batch::MpiJob>();
  const bool root = mpi == nullptr || mpi->rank() == 0;

  // Every rank reads and validates the batch itself (it is deterministic); all go on, or
  // all stop, and only rank 0 speaks.
  std::optional<batch::BatchPlan> plan;
  batch::Shard shard;
  std::exception_ptr error;
  try {
    if (o.shard) {
      shard = batch::parse_shard(*o.shard, "--shard");
    } else if (const auto from_slurm = batch::shard_from_environment(environment)) {
      shard = *from_slurm;
    }
    plan = plan_batch(o.batch_file);
  } catch (...) {
    error = std::current_exception();
  }
  const bool everyone_ok = mpi == nullptr ? !error : mpi->all(!error);
  if (!everyone_ok) {
    if (root && error) std::rethrow_exception(error);
    if (root) throw std::runtime_error("another MPI rank could not read " + o.batch_file);
    return error ? exit_code_of(error) : exit_bad_input;
  }

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::mutex hdf5;
  batch::RunnerOptions options;
  options.dir = o.dir;
  options.workers = o.workers;
  options.threads = o.threads;
  options.shard = shard;
  options.quiet = o.quiet;
  options.interactive = ::isatty(STDERR_FILENO) != 0;
  options.stop = &stop_requested;
  options.mpi = mpi.get();
  const std::string scenario = plan->scenario;
  const batch::BatchOutcome outcome =
      batch::run_batch(*plan, options, [&](const batch::RunRequest& request) {
        return execute_run(request, scenario, hdf5);
      });
  if (!outcome.reports) return outcome.exit_code;

  const std::string where = shard.count > 1 ? "shard " + std::to_string(shard.index) + "/" +
                                                  std::to_string(shard.count) + " of batch " + o.dir
                                            : "batch " + o.dir;
  if (outcome.interrupted) {
    std::cerr << "minesim: " << where << " interrupted after " << outcome.ran
              << " runs; run the same command again to resume\n";
    return outcome.exit_code;
  }
  const std::size_t complete = outcome.skipped + outcome.ran - outcome.failed;
  if (!o.quiet) {
    std::cerr << "minesim: " << where << ": " << complete << " of " << outcome.selected
              << " runs complete (" << outcome.skipped << " already were), " << outcome.failed
              << " failed; " << outcome.workers << " workers x " << outcome.threads << " threads";
    if (outcome.ranks > 1) {
      std::cerr << " on each of " << outcome.ranks << " MPI ranks (runs per rank:";
      for (const std::size_t n : outcome.runs_per_rank)
        std::cerr << " " << n;
      std::cerr << ")";
    }
    std::cerr << ", " << seconds_text(outcome.seconds) << "\n";
    if (outcome.index_written) std::cerr << "minesim: wrote " << o.dir << "/index.h5\n";
  }
  if (outcome.index_written && outcome.index.failed + outcome.index.missing > 0) {
    std::cerr << "minesim: " << outcome.index.failed << " of " << outcome.planned
              << " runs failed (" << id_list(outcome.index.failed_ids)
              << "): their status is \"failed\" in the index, with the reason in `message`; "
                 "rerun the same command to retry them\n";
  } else if (shard.count > 1 && outcome.failed > 0) {
    std::cerr << "minesim: " << outcome.failed << " runs of " << where
              << " failed; rerun the shard to retry them\n";
  }
  if (shard.count > 1 && !o.quiet) {
    std::cerr << "minesim: when every shard has finished, run: minesim batch-merge " << o.dir
              << "\n";
  }
  return outcome.exit_code;
}

int merge_command(const std::string& dir, bool quiet) {
  const batch::BatchFolder folder(dir);
  const batch::BatchPlan plan = batch::read_folder_plan(folder);
  const batch::IndexSummary summary = batch::write_batch_index(plan, folder);
  if (!quiet) {
    std::cerr << "minesim: wrote " << folder.index() << ": " << summary.complete << " of "
              << plan.runs.size() << " runs complete, " << summary.failed << " failed, "
              << summary.missing << " missing\n";
  }
  if (summary.complete == plan.runs.size()) return exit_ok;
  if (summary.missing > 0) {
    std::cerr << "minesim: " << summary.missing << " runs have not run ("
              << id_list(summary.missing_ids)
              << "); run the missing shards, or the batch without --shard, then merge again\n";
  }
  if (summary.failed > 0) {
    std::cerr << "minesim: " << summary.failed << " runs failed (" << id_list(summary.failed_ids)
              << "); see the `message` column of the index\n";
  }
  return exit_some_runs_failed;
}

struct CompareOptions {
  std::string dir;
  std::string baseline;
  std::vector<std::string> metrics;
  bool csv = false;
};

int compare_command(const CompareOptions& o) {
  const std::string index = fs::is_directory(o.dir) ? batch::BatchFolder(o.dir).index() : o.dir;
  if (!fs::is_regular_file(index)) {
    throw InputError(index + ": no batch index; run `minesim batch` (or `minesim batch-merge` "
                             "after a job array) first");
  }
  const IndexContents contents = read_index_file(index);
  const auto rows = batch::paired_differences(contents, o.baseline, o.metrics);
  std::cout << (o.csv ? batch::comparison_csv(rows, o.baseline)
                      : batch::comparison_text(rows, o.baseline));
  return exit_ok;
}

int check_batch_command(const std::string& path) {
  const batch::BatchFile file = batch::read_batch_file(path);
  const batch::BatchPlan plan = batch::make_plan(
      file, [&file](std::span<const std::string> overrides, std::span<const std::string> keys) {
        return check_arm(file.scenario, overrides, keys);
      });
  std::cout << "# " << path << ": valid batch of " << plan.runs.size() << " runs ("
            << plan.arms.size() << " arms x " << plan.replicates << " replicates)\n";
  if (!plan.description.empty()) std::cout << "# " << plan.description << "\n";
  std::cout << "# scenario " << plan.scenario << ", batch seed " << plan.seed << "\n";
  std::string common;
  for (const batch::Override& o : file.arms.front().overrides)
    if (o.field.rfind("set.", 0) == 0) common += " " + o.assignment();
  if (!common.empty()) std::cout << "# every run:" << common << "\n";
  std::cout << "# arms (run ids <arm>_r000 to "
            << batch::run_id("<arm>", plan.replicates - 1, plan.replicates) << "):\n";
  batch::RunNeeds largest;
  double output_total = 0.0;
  double core_seconds_total = 0.0;
  std::size_t id_width = 0;
  for (const batch::PlannedArm& arm : plan.arms)
    id_width = std::max(id_width, arm.id.size());
  for (const batch::PlannedArm& arm : plan.arms) {
    std::cout << "#   " << arm.id << std::string(id_width - arm.id.size(), ' ');
    for (std::size_t k = 0; k < plan.varied_keys.size(); ++k)
      std::cout << "  " << plan.varied_keys[k] << "=" << to_toml(arm.values[k]);
    std::cout << "\n";
    largest.memory_bytes = std::max(largest.memory_bytes, arm.needs.memory_bytes);
    largest.output_bytes = std::max(largest.output_bytes, arm.needs.output_bytes);
    largest.core_seconds = std::max(largest.core_seconds, arm.needs.core_seconds);
    const auto replicates = static_cast<double>(plan.replicates);
    output_total += arm.needs.output_bytes * replicates;
    core_seconds_total += arm.needs.core_seconds * replicates;
  }
  std::cout << "# replicate seeds (the same in every arm):";
  for (std::size_t r = 0; r < plan.seeds.size() && r < 4; ++r)
    std::cout << " " << plan.seeds[r];
  std::cout << (plan.seeds.size() > 4 ? " ...\n" : "\n");
  const int cores = batch::available_cores();
  const auto [workers, threads] =
      batch::choose_workers_threads(plan.runs.size(), cores, std::nullopt, std::nullopt);
  // Runs take whole cores; with fewer runs than cores, a run's threads share out the rest
  // (perfect speed-up assumed, so this is a lower bound).
  const double wall = core_seconds_total / static_cast<double>(workers * threads);
  std::cout << "# each run: peak memory up to " << human_bytes(largest.memory_bytes)
            << ", output up to " << human_bytes(largest.output_bytes) << ", about "
            << seconds_text(largest.core_seconds) << " on one core\n"
            << "# whole batch: output up to " << human_bytes(output_total) << ", about "
            << seconds_text(core_seconds_total) << " of one core; about " << seconds_text(wall)
            << " here (" << workers << " workers x " << threads << " threads on " << cores
            << " cores), peak memory up to " << human_bytes(largest.memory_bytes * workers) << "\n";
  return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"minesim: agent-based simulation of compensation and ecological restoration in "
               "mining regions"};
  app.set_version_flag("--version", std::string("minesim ") + build_info::version + " (" +
                                        build_info::git_commit + ")");
  app.require_subcommand(1);

  ScenarioOptions so;
  std::string out;
  std::optional<int> threads;
  bool force = false;
  bool quiet = false;
  auto add_scenario_options = [&so](CLI::App* cmd) {
    cmd->add_option("scenario", so.scenario, "scenario file (TOML)")->required();
    cmd->add_option("--set", so.overrides, "override a parameter: section.key=value")
        ->allow_extra_args(false);
    cmd->add_option("--seed", so.seed, "random seed (overrides simulation.seed)")
        ->check(CLI::NonNegativeNumber);
  };

  CLI::App* run = app.add_subcommand("run", "run a scenario and write an HDF5 run file");
  add_scenario_options(run);
  run->add_option("-o,--output", out, "output file (.h5)")->required();
  run->add_option("--threads", threads, "OpenMP threads (default: all cores)")
      ->check(CLI::Range(1, 4096));
  run->add_flag("--force", force, "overwrite an existing output file");
  run->add_flag("--quiet", quiet, "no progress bar or summary");

  CLI::App* check = app.add_subcommand(
      "check", "validate a scenario (print its resolved parameters and resource estimates) or a "
               "batch file (print its arms, runs and estimates of time, memory and output)");
  add_scenario_options(check);

  CLI::App* params = app.add_subcommand("params", "print the parameter dictionary (Markdown)");

  BatchOptions bo;
  CLI::App* batch_cmd = app.add_subcommand(
      "batch", "run every run of a batch file into a folder (resumes an interrupted batch; "
               "under mpirun, spreads the runs over the ranks)");
  batch_cmd->add_option("batch", bo.batch_file, "batch file (TOML)")->required();
  batch_cmd->add_option("-o,--output", bo.dir, "batch folder")->required();
  batch_cmd->add_option("--workers", bo.workers, "runs at once in this process (default: cores)")
      ->check(CLI::Range(1, 4096));
  batch_cmd
      ->add_option("--threads", bo.threads, "OpenMP threads per run (default: cores / workers)")
      ->check(CLI::Range(1, 4096));
  batch_cmd->add_option("--shard", bo.shard,
                        "run part I of N (0-based), e.g. 2/8; default: from SLURM_ARRAY_TASK_ID "
                        "and SLURM_ARRAY_TASK_COUNT in a job array");
  batch_cmd->add_flag("--quiet", bo.quiet, "report failures and errors only");

  std::string merge_dir;
  bool merge_quiet = false;
  CLI::App* merge = app.add_subcommand(
      "batch-merge", "write a batch folder's index.h5 from its run files (after a job array)");
  merge->add_option("dir", merge_dir, "batch folder")->required();
  merge->add_flag("--quiet", merge_quiet, "report problems only");

  CompareOptions co;
  CLI::App* compare = app.add_subcommand(
      "compare", "paired differences of every arm against a baseline arm, with 95% confidence "
                 "intervals across replicates");
  compare->add_option("dir", co.dir, "batch folder (or its index.h5)")->required();
  compare->add_option("--baseline", co.baseline, "the arm to compare against")->required();
  compare->add_option("--metric", co.metrics, "a time series (default: all)")
      ->allow_extra_args(false);
  compare->add_flag("--csv", co.csv, "CSV instead of a table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) { // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "minesim: " << e.what() << " (see minesim --help)\n";
    return exit_bad_input;
  }

  try {
    if (run->parsed()) return run_command(so, out, threads, force, quiet);
    if (check->parsed()) return check_command(so);
    if (params->parsed()) {
      std::cout << parameter_dictionary_markdown();
      return exit_ok;
    }
    if (batch_cmd->parsed()) return batch_command(bo);
    if (merge->parsed()) return merge_command(merge_dir, merge_quiet);
    if (compare->parsed()) return compare_command(co);
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "minesim: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_internal;
}
