// The minesim command line: run a scenario, check it or a batch file, print the parameter
// dictionary, run a batch (on a workstation, across MPI ranks or as a Slurm array shard),
// merge a sharded batch's index, compare a batch's arms, and run sensitivity studies and
// calibrations (app/study.cpp).
// Exit codes: 0 success, 1 internal error, 2 bad input (one line on stderr), 3 a batch
// finished but some of its runs failed, 4 a rerun's results differ from the run file's,
// 130 interrupted (engine/errors.hpp).
//
// Batches meet the model in model_binding.cpp (arm checks, one run of a batch, the memory
// guard); docs/hardening.md describes the guards against bad input and failures.
#include "app/command_line.hpp"
#include "app/model_binding.hpp"
#include "app/run_driver.hpp"
#include "app/study.hpp"
#include "batch/batch_file.hpp"
#include "batch/compare.hpp"
#include "batch/mpi_job.hpp"
#include "batch/plan.hpp"
#include "batch/progress_line.hpp"
#include "batch/runner.hpp"
#include "engine/errors.hpp"
#include "engine/finite_check.hpp"
#include "io/export.hpp"
#include "io/index_file.hpp"
#include "io/run_file.hpp"
#include "io/run_reader.hpp"
#include "minesim/build_info.hpp"
#include "model/checkpoint.hpp"
#include "model/parameters.hpp"
#include "model/simulation.hpp"
#include "scenario/loader.hpp"
#include "scenario/toml_limits.hpp"

#include <CLI/CLI.hpp>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <new>
#include <optional>

namespace {

using namespace minesim;
using cli::human_bytes;
using cli::plural;
using cli::seconds_text;
namespace fs = std::filesystem;

std::atomic<bool> stop_requested{false};
/// What the first signal asks of a run (cli::StopKind): SIGTERM, what Slurm sends before it
/// kills a job, a checkpoint; SIGINT (Ctrl-C) that nothing is left.
std::atomic<int>& stop_kind = cli::signal_stop_kind();

/// The first SIGINT or SIGTERM asks the run (or batch) to stop at the end of its step and
/// exit 130 with nothing that looks complete left behind; a second one, for a user who will
/// not wait, terminates at once (a half-written file is only ever a ".partial").
extern "C" void request_stop(int signal) {
  int none = cli::stop_none;
  stop_kind.compare_exchange_strong(none,
                                    signal == SIGTERM ? cli::stop_checkpoint : cli::stop_discard);
  stop_requested.store(true);
  std::signal(signal, SIG_DFL);
}

/// The exit code after flushing standard output: a failed write (a full disk, `> /dev/full`)
/// is an error, never a silent success.
int finish_stdout(int code) {
  std::cout.flush();
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && !std::cout.fail() && std::ferror(stdout) == 0) return code;
  std::cerr << "minesim: cannot write to standard output"
            << (error != 0 ? std::string(" (") + std::strerror(error) + ")" : std::string())
            << "\n";
  return code == exit_ok ? exit_internal : code;
}

struct ScenarioOptions {
  std::string scenario;
  std::vector<std::string> overrides;
  std::optional<std::string> seed_text; ///< as typed; checked by cli::parse_seed
  std::optional<std::int64_t> seed;
};

/// Whether `path` names a pipe or a device (`/dev/stdin`, a shell's `<(...)`): something
/// that can be read only once, so nothing may peek at it before the loader.
bool is_stream(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  return !ec && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status);
}

/// Whether `path` is a batch file, asked without consuming a stream: a batch file read
/// from a stream is refused by the loader instead ("this is a batch file's key").
bool is_batch(const std::string& path) {
  return !is_stream(path) && batch::is_batch_file(path);
}

LoadedScenario load(const ScenarioOptions& o) {
  std::vector<std::string> overrides = o.overrides;
  if (o.seed) overrides.push_back("simulation.seed=" + std::to_string(*o.seed));
  if (is_stream(o.scenario)) {
    std::ifstream in(o.scenario, std::ios::binary);
    std::string text;
    if (!in) throw InputError(SourcePos{o.scenario, 0}, "", "cannot be opened for reading");
    if (!read_toml_text(in, text)) {
      throw InputError(SourcePos{o.scenario, 0}, "",
                       "larger than " + std::to_string(max_toml_bytes >> 20) +
                           " MiB, not a scenario file");
    }
    return load_scenario_text(text, o.scenario, parameter_specs(), event_specs(), overrides);
  }
  return load_scenario(o.scenario, parameter_specs(), event_specs(), overrides);
}

/// Refuse an output path that would overwrite a file (without --force) or cannot be written,
/// before any work is done.
void check_output_path(const std::string& out, bool force) {
  const fs::path path(out);
  // A run file is HDF5 whatever its name: refuse a name that promises another format (.h5,
  // .hdf5, .he5, other extensions and none are fine).
  static const char* const other_formats[] = {
      ".csv",  ".tsv", ".txt", ".json",   ".jsonl",  ".xml",     ".yaml",    ".yml",
      ".toml", ".nc",  ".nc4", ".cdf",    ".zarr",   ".parquet", ".feather", ".arrow",
      ".xlsx", ".xls", ".ods", ".npy",    ".npz",    ".mat",     ".rds",     ".rdata",
      ".dta",  ".sav", ".pkl", ".pickle", ".sqlite", ".db",      ".png",     ".jpg",
      ".jpeg", ".gif", ".svg", ".pdf",    ".eps",    ".tif",     ".tiff",    ".html",
      ".md",   ".zip", ".gz",  ".bz2",    ".xz",     ".zst",     ".tar"};
  std::string extension = path.extension().string();
  for (char& c : extension)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const char* other : other_formats) {
    if (extension != other) continue;
    const std::string h5 = fs::path(path).replace_extension(".h5").string();
    throw InputError(std::string(out)
                         .append(": a run file is HDF5; name it ")
                         .append(h5)
                         .append(" (for CSV, run `minesim export ")
                         .append(h5)
                         .append(" -o DIR`)"));
  }
  if (fs::is_directory(path)) throw InputError(out + ": output path is a directory");
  if (fs::exists(path) && !force)
    throw InputError(out + ": output file exists; pass --force to overwrite it");
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder))
    throw InputError(out + ": output folder '" + folder.string() + "' does not exist");
  // Create (and remove) a file there: access(W_OK) says yes to root on any folder, and
  // knows nothing of read-only mounts or folders such as /proc that take no new files.
  std::string probe = (folder / ".minesim-probe-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    const int error = errno;
    throw InputError(out + ": output folder '" + folder.string() + "' is not writable (" +
                     std::strerror(error) + ")");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

struct RunOptions {
  std::string out;
  std::optional<int> threads;
  std::int64_t checkpoint_every = 0;
  bool resume = false;
  bool force = false;
  bool quiet = false;
  bool allow_large = false;
};

/// The first five of `ids`, then "...".
std::string id_list(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i)
    out += (i ? ", " : "") + ids[i];
  if (ids.size() > 5) out += ", ...";
  return out;
}

/// Runs `scenario` and writes its run file to `o.out` (checked beforehand by the caller),
/// from the start or, with `o.resume`, from its checkpoint.
int simulate(const LoadedScenario& scenario, const RunOptions& o, const RunProvenance& provenance) {
  const Parameters params = parameters_from(scenario);
  if (!o.allow_large) {
    cli::check_memory(cli::households_position(scenario), params.households.count,
                      estimate_resources(params).memory_bytes, cli::available_memory_bytes());
  }
  if (o.threads) omp_set_num_threads(*o.threads);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);

  batch::StepProgress progress(params.simulation.steps, !o.quiet && ::isatty(STDERR_FILENO) != 0);
  FiniteCheck finite;
  cli::DriveOptions drive;
  drive.out = o.out;
  drive.checkpoint_every = o.checkpoint_every;
  drive.resume = o.resume;
  drive.stop = &stop_kind;
  drive.after_step = [&](const Simulation& sim, std::int64_t done) {
    if (check_finite_each_step) finite.scan(sim.metrics().timeseries());
    progress.update(done);
  };
  drive.on_restart = [](const std::string& why) {
    std::cerr << "minesim: " << why
              << "; starting again from step 0 (the run file will be the same)\n";
  };
  drive.scenario_text = scenario.text;
  drive.resolved_toml = resolved_toml(scenario, parameter_specs());
  drive.provenance = provenance;
  cli::DriveResult result;
  try {
    result = cli::drive_run(params, drive);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    // A full disk or a vanished folder: the environment's failure, not an internal error.
    progress.finish();
    const bool left = fs::exists(partial_path(o.out));
    std::cerr << "minesim: " << e.what()
              << (left ? "; " + partial_path(o.out) + " holds what was written" : std::string())
              << "\n";
    return exit_internal;
  }
  progress.finish();
  const std::int64_t steps = params.simulation.steps;
  if (result.status == cli::DriveResult::Status::discarded) {
    std::cerr << "minesim: interrupted at step " << result.steps_done << " of " << steps
              << "; no output written\n";
    return exit_interrupted;
  }
  if (result.status == cli::DriveResult::Status::checkpointed) {
    std::cerr << "minesim: stopped at step " << result.steps_done << " of " << steps
              << "; checkpoint " << checkpoint_path(o.out) << " written ("
              << human_bytes(static_cast<double>(result.checkpoint_bytes))
              << "): run the same command with --resume to continue\n";
    return exit_interrupted;
  }
  if (!o.quiet) {
    std::cerr << "minesim: wrote " << o.out << " (" << steps << " steps, "
              << plural(params.households.count, "household") << ", "
              << plural(omp_get_max_threads(), "thread");
    if (result.resumed_from >= 0) std::cerr << ", resumed from step " << result.resumed_from;
    std::cerr << "; writing the run file " << std::fixed << std::setprecision(2)
              << result.output_seconds << " s";
    if (result.checkpoints > 0) {
      std::cerr << ", " << plural(result.checkpoints, "checkpoint") << " of "
                << human_bytes(static_cast<double>(result.checkpoint_bytes)) << " in "
                << result.checkpoint_seconds << " s";
    }
    std::cerr << ")\n";
  }
  return exit_ok;
}

/// Before a run with --resume: the run file must not be complete, and its partial file and
/// checkpoint must be there. Before a run without it: a checkpoint of an unfinished run is
/// not thrown away silently.
void check_resume(const RunOptions& o) {
  const std::string checkpoint = checkpoint_path(o.out);
  if (!o.resume) {
    if (fs::exists(checkpoint) && !o.force) {
      throw InputError(o.out + ": an unfinished run left " + checkpoint +
                       "; pass --resume to continue it, or --force to start again");
    }
    return;
  }
  if (fs::exists(o.out) && !fs::exists(checkpoint)) {
    throw InputError(o.out + ": the run is complete; there is nothing to resume");
  }
  if (!fs::exists(checkpoint)) {
    throw InputError(o.out + ": no checkpoint " + checkpoint +
                     " to resume from; run without --resume to start from step 0");
  }
  if (!fs::exists(partial_path(o.out))) {
    throw InputError(o.out + ": the checkpoint's partial run file " + partial_path(o.out) +
                     " is missing; remove " + checkpoint + " and run without --resume");
  }
}

int run_command(const ScenarioOptions& so, const RunOptions& o) {
  if (is_batch(so.scenario)) {
    throw InputError(so.scenario + ": a batch file, not a scenario; run it with `minesim batch " +
                     so.scenario + " -o DIR`");
  }
  if (o.resume && fs::exists(o.out) && fs::exists(checkpoint_path(o.out))) {
    // Complete but with a checkpoint left: cannot happen unless files were moved.
    throw InputError(o.out + ": exists beside a checkpoint; remove one of them");
  }
  if (!o.resume) check_output_path(o.out, o.force);
  check_resume(o);
  const LoadedScenario scenario = load(so);
  RunProvenance provenance;
  provenance.command_line = shell_command_line(process_arguments());
  provenance.scenario_path = so.scenario;
  provenance.overrides = so.overrides;
  if (so.seed) {
    provenance.overrides.push_back(
        std::string("simulation.seed=").append(std::to_string(*so.seed)));
  }
  return simulate(scenario, o, provenance);
}

/// `minesim rerun RUN.h5 -o NEW.h5`: runs the scenario stored in a run file again and checks
/// that the new file's results are bit-identical to the old one's.
int rerun_command(const std::string& run_file, const RunOptions& o) {
  const StoredRun stored = read_stored_run(run_file);
  check_output_path(o.out, o.force);
  std::error_code ec;
  if (fs::weakly_canonical(o.out, ec) == fs::weakly_canonical(run_file, ec)) {
    throw InputError(o.out + ": is the run file being rerun; write the rerun elsewhere");
  }
  if (stored.git_commit != build_info::git_commit) {
    std::cerr << "minesim: " << run_file << " was written by minesim " << stored.minesim_version
              << " (" << stored.git_commit << "), this is " << build_info::version << " ("
              << build_info::git_commit << "): results may differ\n";
  }
  const std::string source = run_file + ":/scenario/resolved_toml";
  const LoadedScenario scenario =
      load_scenario_text(stored.resolved_toml, source, parameter_specs(), event_specs(), {});
  RunProvenance provenance;
  provenance.command_line = shell_command_line(process_arguments());
  provenance.scenario_path = source;
  const int code = simulate(scenario, o, provenance);
  if (code != exit_ok) return code;
  const std::vector<std::string> differ = differing_datasets(run_file, o.out, result_groups());
  if (differ.empty()) {
    if (!o.quiet) {
      std::cerr << "minesim: " << o.out << " is bit-identical to " << run_file
                << " (every dataset of its results)\n";
    }
    return exit_ok;
  }
  std::cerr << "minesim: " << o.out << " differs from " << run_file << " in "
            << cli::plural(differ.size(), "dataset") << " (" << id_list(differ) << ")\n";
  return exit_rerun_differs;
}

int check_batch_command(const std::string& path, const batch::BatchLimits& limits,
                        const batch::CommandLineChanges& changes);

int check_command(const ScenarioOptions& so, const batch::BatchLimits& limits,
                  std::optional<std::int64_t> replicates) {
  if (is_batch(so.scenario)) {
    if (so.seed) {
      throw InputError(so.scenario + ": --seed applies to scenarios; a batch file's runs take "
                                     "their seeds from its `seed`");
    }
    return check_batch_command(so.scenario, limits, {replicates, so.overrides});
  }
  if (replicates) {
    throw InputError(so.scenario + ": --replicates applies to batch files, not to a scenario");
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
            << human_bytes(e.output_bytes) << " ("
            << static_cast<std::int64_t>(std::ceil(e.output_bytes)) << " bytes)\n";
  return exit_ok;
}

// --- batches -----------------------------------------------------------------------------

const char* environment(const char* name) {
  return std::getenv(name);
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

struct BatchOptions {
  std::string batch_file;
  std::string dir;
  std::optional<int> workers;
  std::optional<int> threads;
  std::optional<std::string> shard;
  bool quiet = false;
  bool allow_large = false;
  batch::BatchLimits limits;
  batch::CommandLineChanges changes;            ///< --replicates and --set, for every arm
  std::optional<std::int64_t> checkpoint_every; ///< months; by default from the estimate
};

int batch_command(const BatchOptions& o) {
  // Only under an MPI launcher: a plain `minesim batch` never initialises MPI.
  std::unique_ptr<batch::MpiJob> mpi;
  if (batch::MpiJob::launched(environment)) {
    mpi = std::make_unique<batch::MpiJob>(batch::MpiJob::rank_timeout(environment));
  }
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
    plan = cli::plan_batch(
        batch::read_batch_file(o.batch_file, cli::check_value, o.limits, o.changes));
    if (!o.allow_large) cli::check_batch_memory(*plan);
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
        return cli::execute_run(request, scenario, hdf5, o.checkpoint_every);
      });
  if (!outcome.reports) return outcome.exit_code;

  const std::string where = shard.count > 1 ? "shard " + std::to_string(shard.index) + "/" +
                                                  std::to_string(shard.count) + " of batch " + o.dir
                                            : "batch " + o.dir;
  if (outcome.interrupted) {
    std::cerr << "minesim: " << where << " interrupted after " << plural(outcome.ran, "run")
              << "; run the same command again to resume\n";
    return outcome.exit_code;
  }
  const std::size_t complete = outcome.skipped + outcome.ran - outcome.failed;
  if (!o.quiet) {
    std::cerr << "minesim: " << where << ": " << complete << " of " << outcome.selected
              << " runs complete (" << outcome.skipped << " already were), " << outcome.failed
              << " failed; " << plural(outcome.workers, "worker") << " x "
              << plural(outcome.threads, "thread");
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
    std::cerr << "minesim: " << plural(outcome.failed, "run") << " of " << where
              << " failed; rerun the shard to retry them\n";
  }
  if (shard.count > 1 && !o.quiet) {
    std::cerr << "minesim: when every shard has finished, run: minesim batch-merge " << o.dir
              << "\n";
  }
  if (mpi != nullptr && outcome.exit_code != exit_ok &&
      batch::MpiJob::recovery_enabled(environment)) {
    // Open MPI 4's mpirun ignores its processes' exit codes under --enable-recovery.
    std::cerr << "minesim: " << where << " exits with code " << outcome.exit_code
              << "; mpirun --enable-recovery exits 0 whatever its processes exit with, so "
                 "take the batch's status from `minesim batch-merge "
              << o.dir << "` (0 when every run is complete, else 3)\n";
  }
  return outcome.exit_code;
}

int merge_command(const std::string& dir, bool quiet) {
  const batch::BatchFolder folder(dir);
  const batch::BatchPlan plan = batch::read_folder_plan(folder);
  const batch::IndexSummary summary = batch::write_batch_index(plan, folder);
  if (!quiet) {
    std::cerr << "minesim: wrote " << folder.index() << ": " << summary.complete << " of "
              << plan.runs().size() << " runs complete, " << summary.failed << " failed, "
              << summary.missing << " missing\n";
  }
  if (summary.complete == plan.runs().size()) return exit_ok;
  if (summary.missing > 0) {
    std::cerr << "minesim: " << plural(summary.missing, "run")
              << (summary.missing == 1 ? " has" : " have") << " not run ("
              << id_list(summary.missing_ids)
              << "); run the missing shards, or the batch without --shard, then merge again\n";
  }
  if (summary.failed > 0) {
    std::cerr << "minesim: " << plural(summary.failed, "run") << " failed ("
              << id_list(summary.failed_ids) << "); see the `message` column of the index\n";
  }
  return exit_some_failed;
}

struct CompareOptions {
  std::string dir;
  std::string baseline;
  std::vector<std::string> metrics;
  std::optional<std::string> stat; ///< --stat for every metric; default by each one's kind
  bool csv = false;
};

int compare_command(const CompareOptions& o) {
  // --stat first: a mistyped statistic is named before any file is read.
  std::optional<batch::SeriesStatistic> statistic;
  if (o.stat) statistic = batch::parse_statistic(*o.stat);
  const std::string index = fs::is_directory(o.dir) ? batch::BatchFolder(o.dir).index() : o.dir;
  if (!fs::is_regular_file(index)) {
    throw InputError(index + ": no batch index; run `minesim batch` (or `minesim batch-merge` "
                             "after a job array) first");
  }
  const IndexContents contents = read_index_file(index);
  // Final values are in the index itself; any other statistic, and the default (which
  // depends on each series' kind), reads the whole series from the run files.
  const bool finals_only =
      statistic && statistic->kind == batch::SeriesStatistic::Kind::final_value;
  const auto rows =
      finals_only ? batch::paired_differences(contents, o.baseline, o.metrics)
                  : batch::paired_differences(index, contents, o.baseline, o.metrics, statistic);
  std::cout << (o.csv ? batch::comparison_csv(rows, o.baseline)
                      : batch::comparison_text(rows, o.baseline));
  return exit_ok;
}

struct ExportOptions {
  std::string input;
  std::string dir;
  bool force = false;
  bool quiet = false;
};

int export_command(const ExportOptions& o) {
  CsvExportSummary summary;
  try {
    summary = export_csv(o.input, o.dir, o.force);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    // A full disk or a vanished folder: the environment's failure, not an internal error.
    std::cerr << "minesim: " << e.what() << "; no CSV files written\n";
    return exit_internal;
  }
  if (!o.quiet) {
    std::cerr << "minesim: wrote " << o.dir << ":";
    for (std::size_t i = 0; i < summary.files.size(); ++i) {
      std::cerr << (i == 0 ? " " : ", ") << summary.files[i].first << " ("
                << summary.files[i].second << " rows)";
    }
    std::cerr << " from " << summary.runs << (summary.runs == 1 ? " run" : " runs");
    if (summary.skipped > 0)
      std::cerr << "; " << summary.skipped << " runs not complete were left out";
    std::cerr << "\n";
  }
  return exit_ok;
}

int check_batch_command(const std::string& path, const batch::BatchLimits& limits,
                        const batch::CommandLineChanges& changes) {
  const batch::BatchFile file = batch::read_batch_file(path, cli::check_value, limits, changes);
  const batch::BatchPlan plan = cli::plan_batch(file);
  std::cout << "# " << path << ": valid batch of " << plural(plan.runs().size(), "run") << " ("
            << plural(plan.arms.size(), "arm") << " x " << plural(plan.replicates, "replicate")
            << ")\n";
  if (!plan.description.empty()) std::cout << "# " << plan.description << "\n";
  std::cout << "# scenario " << plan.scenario << ", batch seed " << plan.seed << "\n";
  std::string common;
  for (const batch::Override& o : file.common)
    common += " " + o.assignment();
  if (!common.empty()) std::cout << "# every run:" << common << "\n";
  std::cout << "# arms (run ids <arm>_r000 to "
            << batch::run_id("<arm>", plan.replicates - 1, plan.replicates) << "):\n";
  // A long list says little more than its first lines; the totals below cover every arm.
  constexpr std::size_t arms_listed = 40;
  batch::RunNeeds largest;
  double output_total = 0.0;
  double core_seconds_total = 0.0;
  std::size_t id_width = 0;
  for (std::size_t a = 0; a < plan.arms.size() && a < arms_listed; ++a)
    id_width = std::max(id_width, plan.arms[a].id.size());
  for (std::size_t a = 0; a < plan.arms.size(); ++a) {
    const batch::PlannedArm& arm = plan.arms[a];
    if (a < arms_listed) {
      std::cout << "#   " << arm.id << std::string(id_width - arm.id.size(), ' ');
      for (std::size_t k = 0; k < plan.varied_keys.size(); ++k)
        std::cout << "  " << plan.varied_keys[k] << "=" << to_toml(arm.values[k]);
      std::cout << "\n";
    } else if (a == arms_listed) {
      std::cout << "#   ... and " << plan.arms.size() - arms_listed << " more arms\n";
    }
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
      batch::choose_workers_threads(plan.runs().size(), cores, std::nullopt, std::nullopt);
  // Runs take whole cores; with fewer runs than cores, a run's threads share out the rest
  // (perfect speed-up assumed, so this is a lower bound).
  const double wall = core_seconds_total / static_cast<double>(workers * threads);
  std::cout << "# each run: peak memory up to " << human_bytes(largest.memory_bytes)
            << ", output up to " << human_bytes(largest.output_bytes) << ", about "
            << seconds_text(largest.core_seconds) << " on one core\n"
            << "# whole batch: output up to " << human_bytes(output_total) << ", about "
            << seconds_text(core_seconds_total) << " of one core; about " << seconds_text(wall)
            << " here (" << plural(workers, "worker") << " x " << plural(threads, "thread")
            << " on " << plural(cores, "core") << "), peak memory up to "
            << human_bytes(largest.memory_bytes * workers) << "\n";
  return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"minesim: agent-based simulation of compensation and ecological restoration in "
               "mining regions"};
  app.set_version_flag("--version", cli::version_text());
  app.require_subcommand(1);

  ScenarioOptions so;
  RunOptions ro;
  auto add_scenario_options = [&so](CLI::App* cmd, bool batches) {
    cmd->add_option("scenario", so.scenario,
                    batches ? "scenario file, or batch file (TOML)" : "scenario file (TOML)")
        ->required();
    cmd->add_option("--set", so.overrides,
                    batches ? "override a parameter: section.key=value (of a batch: in every run)"
                            : "override a parameter: section.key=value")
        ->allow_extra_args(false);
    cmd->add_option("--seed", so.seed_text,
                    "random seed, a whole number from 0 to 2^63 - 1 (overrides simulation.seed)");
  };

  // The options of a command that runs one scenario and writes its run file.
  const auto add_run_options = [](CLI::App* cmd, RunOptions& o, const std::string& quiet) {
    cmd->add_option("-o,--output", o.out, "output file (.h5)")->required();
    cmd->add_option("--threads", o.threads, "OpenMP threads (default: all cores)")
        ->check(CLI::Range(1, 4096));
    cmd->add_flag("--force", o.force, "overwrite an existing output file");
    cmd->add_flag("--quiet", o.quiet, quiet);
    cmd->add_flag("--allow-large", o.allow_large,
                  "run even when the estimated memory exceeds the memory available");
  };
  CLI::App* run = app.add_subcommand("run", "run a scenario and write an HDF5 run file");
  add_scenario_options(run, false);
  add_run_options(run, ro, "no progress bar or summary");
  run->add_option("--checkpoint-every", ro.checkpoint_every,
                  "write a checkpoint every N months of the run (OUTPUT.checkpoint), from which "
                  "--resume continues; SIGTERM writes one too")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  run->add_flag("--resume", ro.resume,
                "continue an interrupted run from its checkpoint (the same scenario and options)");

  std::string rerun_file;
  RunOptions rerun_options;
  CLI::App* rerun = app.add_subcommand(
      "rerun", "run the scenario stored in a run file again and check that the results are "
               "bit-identical (exit 4 if not)");
  rerun->add_option("run_file", rerun_file, "run file (.h5) written by minesim run or batch")
      ->required();
  add_run_options(rerun, rerun_options, "no progress bar; report differences only");

  CLI::App* check = app.add_subcommand(
      "check", "validate a scenario (print its resolved parameters and resource estimates) or a "
               "batch file (print its arms, runs and estimates of time, memory and output)");
  add_scenario_options(check, true);
  batch::BatchLimits limits;
  const auto add_max_arms = [&limits](CLI::App* cmd) {
    cmd->add_option("--max-arms", limits.max_arms,
                    "largest number of arms a batch file may make (default " +
                        std::to_string(batch::BatchLimits::default_max_arms) +
                        "; each arm is validated before anything runs)")
        ->check(CLI::Range(std::size_t{1}, batch::BatchLimits::max_runs));
  };
  add_max_arms(check);
  std::optional<std::int64_t> check_replicates;
  check->add_option("--replicates", check_replicates,
                    "for a batch file: replicates of every arm (replaces the file's)");

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
      ->add_option("--checkpoint-every", bo.checkpoint_every,
                   "checkpoint each run every N months, so that a resumed batch continues a "
                   "half-done run (default: about every 10 minutes of a run's estimated time; "
                   "0: never)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  batch_cmd
      ->add_option("--threads", bo.threads, "OpenMP threads per run (default: cores / workers)")
      ->check(CLI::Range(1, 4096));
  batch_cmd->add_option("--shard", bo.shard,
                        "run part I of N (0-based), e.g. 2/8; default: from SLURM_ARRAY_TASK_ID "
                        "and SLURM_ARRAY_TASK_COUNT in a job array");
  batch_cmd->add_flag("--quiet", bo.quiet, "report failures and errors only");
  batch_cmd->add_flag("--allow-large", bo.allow_large,
                      "run even when a run's estimated memory exceeds the memory available");
  add_max_arms(batch_cmd);
  batch_cmd->add_option("--replicates", bo.changes.replicates,
                        "replicates of every arm (replaces the batch file's)");
  batch_cmd
      ->add_option("--set", bo.changes.set,
                   "override a parameter in every run: section.key=value (not one the batch "
                   "varies)")
      ->allow_extra_args(false);

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
  compare->add_option("--stat", co.stat,
                      "what each run's series is reduced to, for every metric: final, sum "
                      "(steps 1 to the last), mean:FROM-TO or at:STEP (default: final for "
                      "stocks, sum for flows, by each series' kind)");
  compare->add_flag("--csv", co.csv, "CSV instead of a table");

  ExportOptions eo;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "write a run file, or every complete run of a batch folder, as CSV files in a "
                "folder: timeseries.csv, events_<name>.csv, panel.csv");
  export_cmd->add_option("input", eo.input, "run file (.h5) or batch folder")->required();
  export_cmd->add_option("-o,--output", eo.dir, "folder for the CSV files")->required();
  export_cmd->add_flag("--force", eo.force,
                       "write into a folder that is not empty (files of the same names are "
                       "replaced)");
  export_cmd->add_flag("--quiet", eo.quiet, "no summary");

  cli::StudyOptions sensitivity_options;
  cli::StudyOptions calibrate_options;
  const auto add_study_options = [](CLI::App* cmd, cli::StudyOptions& study) {
    cmd->add_option("study", study.study_file, "study file (TOML)")->required();
    cmd->add_option("-o,--output", study.dir, "study folder");
    cmd->add_flag("--check", study.check,
                  "validate every design point and print the runs and estimates; run nothing");
    cmd->add_option("--workers", study.workers, "runs at once (default: cores)")
        ->check(CLI::Range(1, 4096));
    cmd->add_option("--threads", study.threads, "OpenMP threads per run (default: cores / workers)")
        ->check(CLI::Range(1, 4096));
    cmd->add_flag("--quiet", study.quiet, "report failures and errors only");
    cmd->add_flag("--allow-large", study.allow_large,
                  "run even when a run's estimated memory exceeds the memory available");
  };
  CLI::App* sensitivity = app.add_subcommand(
      "sensitivity", "global sensitivity analysis (Morris or Sobol') of a scenario's outputs, "
                     "or of a paired contrast between two arms (resumes when rerun)");
  add_study_options(sensitivity, sensitivity_options);
  sensitivity->add_option("--shard", sensitivity_options.shard,
                          "run part I of N of the study's runs (0-based), e.g. 2/8; default: "
                          "from the Slurm job array");
  CLI::App* calibrate = app.add_subcommand(
      "calibrate", "fit parameters to target statistics by ABC-SMC (resumes when rerun)");
  add_study_options(calibrate, calibrate_options);

  // Runs the chosen command; every error becomes one line on stderr and an exit code.
  const auto dispatch = [&]() -> int {
    try {
      if (so.seed_text) so.seed = cli::parse_seed(*so.seed_text);
      if (run->parsed()) return run_command(so, ro);
      if (rerun->parsed()) return rerun_command(rerun_file, rerun_options);
      if (check->parsed()) return check_command(so, limits, check_replicates);
      if (params->parsed()) {
        std::cout << parameter_dictionary_markdown();
        return exit_ok;
      }
      if (batch_cmd->parsed()) {
        bo.limits = limits;
        return batch_command(bo);
      }
      if (merge->parsed()) return merge_command(merge_dir, merge_quiet);
      if (compare->parsed()) return compare_command(co);
      if (export_cmd->parsed()) return export_command(eo);
      for (auto [cmd, study] : {std::pair{sensitivity, &sensitivity_options},
                                std::pair{calibrate, &calibrate_options}}) {
        if (!cmd->parsed()) continue;
        if (study->dir.empty() && !study->check) {
          throw InputError("minesim " + cmd->get_name() +
                           ": give the study folder with -o DIR "
                           "(or --check to validate the study)");
        }
        study->stop = &stop_requested;
        // Only under an MPI launcher, and not for --check, which runs nothing.
        std::unique_ptr<batch::MpiJob> mpi;
        if (!study->check && batch::MpiJob::launched(environment)) {
          mpi = std::make_unique<batch::MpiJob>(batch::MpiJob::rank_timeout(environment));
          study->mpi = mpi.get();
        }
        std::signal(SIGINT, request_stop);
        std::signal(SIGTERM, request_stop);
        return cmd == sensitivity ? cli::sensitivity_command(*study)
                                  : cli::calibrate_command(*study);
      }
    } catch (const InputError& e) {
      std::cerr << e.what() << "\n";
      return exit_bad_input;
    } catch (const std::bad_alloc&) {
      std::cerr << "minesim: out of memory; use fewer households (households.count), or fewer "
                   "workers for a batch\n";
      return exit_internal;
    } catch (const std::exception& e) {
      std::cerr << "minesim: internal error: " << e.what() << "\n";
      return exit_internal;
    }
    return exit_internal;
  };

  const std::string command = cli::command_named(app, argc, argv);
  if (const auto message = cli::unknown_name_message(app, argc, argv)) {
    std::cerr << *message << " (see " << command << " --help)\n";
    return exit_bad_input;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) { // --help, --version
    return finish_stdout(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << command << ": " << e.what() << " (see " << command << " --help)\n";
    return exit_bad_input;
  }
  const int code = finish_stdout(dispatch());
  if (run_file_left_open()) { // see run_file_left_open: HDF5's clean-up at exit would crash
    std::cerr.flush();
    std::_Exit(code);
  }
  return code;
}
