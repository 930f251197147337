// The minesim command line: run a scenario, check it, or print the parameter dictionary.
// Exit codes: 0 success, 1 internal error, 2 bad input (one line on stderr), 130 interrupted.
#include "minesim/build_info.hpp"
#include "model/parameters.hpp"
#include "model/simulation.hpp"
#include "src/output/progress.hpp"
#include "src/output/run_file.hpp"
#include "src/scenario/loader.hpp"

#include <CLI/CLI.hpp>
#include <omp.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

namespace {

using namespace minesim;
namespace fs = std::filesystem;

constexpr int exit_ok = 0;
constexpr int exit_internal = 1;
constexpr int exit_bad_input = 2;
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

int check_command(const ScenarioOptions& so) {
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
      "check", "validate a scenario; print its resolved parameters and resource estimates");
  add_scenario_options(check);

  CLI::App* params = app.add_subcommand("params", "print the parameter dictionary (Markdown)");

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
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "minesim: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_internal;
}
