// Sensitivity studies and calibrations (docs/sensitivity.md). A study's design points become
// the arms of a batch built in memory (one arm per point, or two for a paired contrast), so
// that every point is validated by loading the scenario before anything runs, and the runs
// go through the batch runner: worker threads, Slurm array shards and resume as for
// `minesim batch`. Each run's outputs are read back from its run file, averaged over the
// replicates (which share their seeds across points: common random numbers) and handed to
// the estimators of src/sensitivity.
#include "app/study.hpp"

#include "app/command_line.hpp"

#include "app/model_binding.hpp"
#include "batch/folder.hpp"
#include "batch/mpi_job.hpp"
#include "batch/plan.hpp"
#include "batch/runner.hpp"
#include "batch/study_file.hpp"
#include "engine/errors.hpp"
#include "io/index_file.hpp"
#include "model/parameters.hpp"
#include "scenario/loader.hpp"
#include "sensitivity/abc_smc.hpp"
#include "sensitivity/designs.hpp"
#include "sensitivity/estimators.hpp"
#include "sensitivity/test_functions.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <set>

namespace minesim::cli {
namespace {

namespace fs = std::filesystem;
using batch::StudyFile;
using batch::StudyOutput;
using batch::StudyParameter;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string padded(std::size_t value, std::size_t width) {
  std::string text = std::to_string(value);
  if (text.size() < width) text.insert(0, width - text.size(), '0');
  return text;
}

/// "%.10g": enough digits for an index, none of a double's noise.
std::string number(double x) {
  if (std::isnan(x)) return "";
  char text[40];
  std::snprintf(text, sizeof text, "%.10g", x);
  return text;
}

StudyFile read_study(const std::string& path, StudyFile::Kind expected) {
  StudyFile study = batch::read_study_file(path, parameter_specs(), check_value);
  if (study.kind != expected) {
    const bool calibration = study.kind == StudyFile::Kind::calibration;
    throw InputError(SourcePos{path, 0}, "method",
                     "\"" + study.method + "\" is a " +
                         (calibration ? "calibration; run it with `minesim calibrate`"
                                      : "sensitivity study; run it with `minesim sensitivity`"));
  }
  return study;
}

std::vector<sensitivity::Distribution> distributions_of(const StudyFile& study) {
  std::vector<sensitivity::Distribution> out;
  for (const StudyParameter& p : study.parameters)
    out.push_back(p.distribution);
  return out;
}

/// The names of a study's arms: "" without a contrast, else the two arms' names.
std::vector<std::string> arm_names(const StudyFile& study) {
  if (!study.contrast) return {""};
  return {study.contrast->first.name, study.contrast->second.name};
}

/// A batch of `rows` parameter vectors (row-major, one value per study parameter): one arm
/// per point and contrast arm, named <prefix><point>[_<arm>]. Every run starts from the
/// study defaults (no household panel, no event tables: a study reads time series and
/// surveys only), then the study's [set], then the contrast arm's set, then the point.
batch::BatchFile points_batch(const StudyFile& study, const std::vector<double>& values,
                              std::size_t rows, const std::string& prefix) {
  batch::BatchFile file;
  file.path = study.path;
  file.text = study.text;
  file.description = study.description;
  file.scenario = study.scenario;
  file.scenario_as_written = study.scenario_as_written;
  file.replicates = study.replicates;
  file.seed = study.seed;
  const SourcePos here{study.path, 0};
  file.common.push_back({"simulation.panel_size", Value{std::int64_t{0}}, "(study default)", here});
  file.common.push_back({"simulation.record_events", Value{false}, "(study default)", here});
  file.common.insert(file.common.end(), study.common.begin(), study.common.end());
  for (const StudyParameter& p : study.parameters)
    file.varied_keys.push_back(p.key);
  const std::vector<std::string> arms = arm_names(study);
  const std::size_t k = study.parameters.size();
  const std::size_t width = std::max<std::size_t>(4, std::to_string(rows).size());
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t a = 0; a < arms.size(); ++a) {
      batch::ArmGroup group;
      group.name = prefix + padded(row, width) + (arms[a].empty() ? "" : "_" + arms[a]);
      group.pos = here;
      if (study.contrast) {
        const auto& set = a == 0 ? study.contrast->first.set : study.contrast->second.set;
        group.set = set;
      }
      for (std::size_t i = 0; i < k; ++i) {
        const StudyParameter& p = study.parameters[i];
        const double x = values[row * k + i];
        Value v = p.integer ? Value{static_cast<std::int64_t>(std::llround(x))} : Value{x};
        group.set.push_back({p.key, std::move(v), p.field, p.pos});
      }
      group.first_arm = file.arm_count++;
      group.arm_count = 1;
      file.groups.push_back(std::move(group));
    }
  }
  return file;
}

/// The steps of a run with the study's [set], for checking the outputs' windows before
/// anything runs (unless the steps are themselves uncertain).
void check_windows(const StudyFile& study) {
  for (const StudyParameter& p : study.parameters)
    if (p.key == "simulation.steps") return;
  std::vector<std::string> overrides;
  for (const batch::Override& o : study.common)
    overrides.push_back(o.assignment());
  std::int64_t steps = 0;
  try {
    steps =
        parameters_from(load_scenario(study.scenario, parameter_specs(), event_specs(), overrides))
            .simulation.steps;
  } catch (const InputError& e) {
    batch::rethrow_placed(e, study.common,
                          " (loading " + study.scenario + " with the [set] of " + study.path + ")");
  }
  const std::vector<double> zeros(static_cast<std::size_t>(steps) + 1, 0.0);
  for (const StudyOutput& o : study.outputs) {
    if (o.is_survey()) continue;
    try {
      (void)batch::output_statistic(o, zeros);
    } catch (const InputError& e) {
      throw InputError(o.pos, o.field, std::string(e.what()) + " of " + study.scenario);
    }
  }
}

/// The memory guard: the largest run must fit.
void check_study_memory(const StudyFile& study, const batch::BatchPlan& plan, bool allow) {
  if (allow) return;
  const double available = available_memory_bytes();
  for (const batch::PlannedArm& arm : plan.arms) {
    if (arm.needs.memory_bytes <= available) continue;
    throw InputError(SourcePos{study.path, 0}, "households.count",
                     "a run of point " + arm.name + " needs about " +
                         human_bytes(arm.needs.memory_bytes) + " of memory, more than the " +
                         human_bytes(available) +
                         " available; lower households.count or pass --allow-large");
  }
}

batch::BatchOutcome run_points(const batch::BatchPlan& plan, const StudyOptions& o,
                               const std::string& dir, batch::Shard shard, bool quiet) {
  batch::RunnerOptions options;
  options.dir = dir;
  options.workers = o.workers;
  options.threads = o.threads;
  options.shard = shard;
  options.quiet = quiet;
  options.interactive = !quiet && ::isatty(STDERR_FILENO) != 0;
  options.stop = o.stop;
  options.mpi = o.mpi;
  std::mutex hdf5;
  const std::string scenario = plan.scenario;
  return batch::run_batch(plan, options, [&](const batch::RunRequest& request) {
    return execute_run(request, scenario, hdf5);
  });
}

/// What a batch that did not finish tells the user; the exit code to return, or 0.
int report_unfinished(const batch::BatchOutcome& outcome, const std::string& what) {
  if (outcome.interrupted) {
    std::cerr << "minesim: " << what << " interrupted; run the same command again to resume\n";
    return outcome.exit_code;
  }
  if (outcome.exit_code != exit_ok) {
    std::cerr << "minesim: " << cli::plural(outcome.index.failed, "run") << " of " << what
              << " failed (see the `message` column of its batch index); run the same "
                 "command again to retry them\n";
    return outcome.exit_code;
  }
  return exit_ok;
}

/// Each run's value of each output, run-major in plan order.
std::vector<double> read_outputs(const batch::BatchPlan& plan, const batch::BatchFolder& folder,
                                 const std::vector<StudyOutput>& outputs) {
  std::vector<std::string> names;
  std::vector<std::size_t> column(outputs.size(), 0);
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    if (outputs[j].is_survey()) continue;
    const auto it = std::find(names.begin(), names.end(), outputs[j].series);
    column[j] = static_cast<std::size_t>(it - names.begin());
    if (it == names.end()) names.push_back(outputs[j].series);
  }
  std::vector<double> values;
  values.reserve(plan.runs().size() * outputs.size());
  for (const batch::PlannedRun& run : plan.runs()) {
    const std::string path = folder.run_file(run.id);
    std::vector<std::vector<double>> series;
    try {
      series = read_time_series(path, names);
    } catch (const std::runtime_error& e) {
      throw InputError(plan.batch_path + ": " + e.what() +
                       "; check the outputs' series names "
                       "(docs/output-format.md lists them)");
    }
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      const StudyOutput& o = outputs[j];
      if (o.is_survey()) {
        try {
          values.push_back(read_survey_value(path, o.step, o.survey_value()));
        } catch (const std::runtime_error& e) {
          throw InputError(o.pos, o.field, e.what());
        }
      } else {
        values.push_back(batch::output_statistic(o, series[column[j]]));
      }
    }
  }
  return values;
}

/// Per design point and output: the mean over replicates of the run's value, or for a
/// contrast of arm a's value less arm b's (paired by replicate seed).
std::vector<double> point_values(const StudyFile& study, const std::vector<double>& run_values,
                                 std::size_t points) {
  const std::size_t m = study.outputs.size();
  const auto replicates = static_cast<std::size_t>(study.replicates);
  const std::size_t arms = study.contrast ? 2 : 1;
  std::vector<double> out(points * m, 0.0);
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t j = 0; j < m; ++j) {
      double sum = 0.0;
      for (std::size_t r = 0; r < replicates; ++r) {
        const double a = run_values[((p * arms) * replicates + r) * m + j];
        const double b = arms == 2 ? run_values[((p * arms + 1) * replicates + r) * m + j] : 0.0;
        sum += a - b;
      }
      out[p * m + j] = sum / static_cast<double>(replicates);
    }
  }
  return out;
}

/// The units of each output, from the first run file's series attributes.
std::vector<std::string> output_units(const std::string& run_file,
                                      const std::vector<StudyOutput>& outputs) {
  std::map<std::string, std::string> units;
  for (const FinalValue& f : read_run_summary(run_file).finals)
    units[f.name] = f.units;
  std::vector<std::string> out;
  for (const StudyOutput& o : outputs)
    out.push_back(o.is_survey() ? "1" : units[o.series]);
  return out;
}

/// The Wilson score interval of a proportion: wins of n at `confidence`.
std::pair<double, double> wilson(double wins, double n, double confidence) {
  if (n <= 0.0) return {nan, nan};
  const double z = sensitivity::standard_normal_quantile(0.5 + confidence / 2.0);
  const double p = wins / n;
  const double centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
  const double half = z * std::sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / (1.0 + z * z / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write '" + partial + "'");
  }
  fs::rename(partial, path);
}

constexpr const char* indices_header = "output,parameter,method,mu,mu_star,mu_star_low,"
                                       "mu_star_high,sigma,S1,S1_low,S1_high,ST,ST_low,ST_high\n";

/// The design of a sensitivity study in unit coordinates, with its number of rows.
struct Design {
  sensitivity::MorrisDesign morris;
  sensitivity::SaltelliDesign saltelli;
  std::vector<double> values; ///< rows x k parameter values
  std::size_t rows = 0;
};

Design make_design(const StudyFile& study) {
  Design d;
  const std::size_t k = study.parameters.size();
  if (study.method == "morris") {
    d.morris = sensitivity::morris_design(k, static_cast<std::size_t>(study.trajectories),
                                          static_cast<std::size_t>(study.levels), study.seed);
    d.rows = d.morris.rows();
    d.values = sensitivity::to_parameter_values(d.morris.unit_points, distributions_of(study));
  } else {
    d.saltelli = sensitivity::saltelli_design(k, static_cast<std::size_t>(study.samples));
    d.rows = d.saltelli.rows();
    d.values = sensitivity::to_parameter_values(d.saltelli.unit_points, distributions_of(study));
  }
  return d;
}

/// indices.csv (and ranking.csv for a contrast) from the per-point outputs.
void write_indices(const StudyFile& study, const Design& design, const std::vector<double>& y,
                   const std::string& dir) {
  const std::size_t m = study.outputs.size();
  const std::size_t k = study.parameters.size();
  sensitivity::BootstrapOptions bootstrap;
  bootstrap.resamples = static_cast<std::size_t>(study.bootstrap);
  bootstrap.confidence = study.confidence;
  bootstrap.seed = study.seed;
  std::string csv = indices_header;
  std::string ranking = "output,p_a_beats_b,low,high,n\n";
  for (std::size_t j = 0; j < m; ++j) {
    std::vector<double> column(design.rows);
    for (std::size_t p = 0; p < design.rows; ++p)
      column[p] = y[p * m + j];
    const StudyOutput& o = study.outputs[j];
    const std::size_t missing = static_cast<std::size_t>(
        std::count_if(column.begin(), column.end(), [](double x) { return !std::isfinite(x); }));
    if (missing > 0) {
      std::cerr << "minesim: output " << o.name << " is not a finite number at " << missing
                << " of " << design.rows
                << " design points (a mean over no events?); its indices are left empty\n";
    }
    if (study.method == "morris") {
      const auto indices = sensitivity::morris_indices(design.morris, column, bootstrap);
      for (std::size_t i = 0; i < k; ++i) {
        const auto& x = indices[i];
        csv += o.name + "," + study.parameters[i].key + ",morris," + number(x.mu) + "," +
               number(x.mu_star) + "," + number(x.mu_star_interval.lower) + "," +
               number(x.mu_star_interval.upper) + "," + number(x.sigma) + ",,,,,,\n";
      }
    } else {
      const auto indices = sensitivity::sobol_indices(column, k, bootstrap);
      for (std::size_t i = 0; i < k; ++i) {
        const auto& x = indices.parameters[i];
        csv += o.name + "," + study.parameters[i].key + ",sobol,,,,,," + number(x.first_order) +
               "," + number(x.first_order_interval.lower) + "," +
               number(x.first_order_interval.upper) + "," + number(x.total) + "," +
               number(x.total_interval.lower) + "," + number(x.total_interval.upper) + "\n";
      }
    }
    if (study.contrast) {
      // Independent draws of the parameters: every point of a Morris design; the rows of A
      // and B of a Saltelli design (the AB rows reuse their coordinates).
      double wins = 0.0;
      double n = 0.0;
      for (std::size_t p = 0; p < design.rows; ++p) {
        if (study.method == "sobol") {
          const std::size_t in_block = p % design.saltelli.block_rows();
          if (in_block != 0 && in_block != design.saltelli.block_rows() - 1) continue;
        }
        const double diff = column[p];
        if (!std::isfinite(diff)) continue;
        n += 1.0;
        if (o.better == "higher" ? diff > 0.0 : diff < 0.0) wins += 1.0;
      }
      const auto [low, high] = wilson(wins, n, study.confidence);
      ranking += o.name + "," + number(n > 0 ? wins / n : nan) + "," + number(low) + "," +
                 number(high) + "," + number(n) + "\n";
    }
  }
  write_text_file(dir + "/indices.csv", csv);
  if (study.contrast) write_text_file(dir + "/ranking.csv", ranking);
}

IndexColumn double_column(std::string name, std::string units, std::string description,
                          std::vector<double> values) {
  return IndexColumn{std::move(name), std::move(units), std::move(description), std::move(values)};
}

void add_study_attributes(const StudyFile& study, IndexContents& index) {
  index.batch_text = {{"study_file", study.path}, {"study_toml", study.text},
                      {"method", study.method},   {"scenario", study.scenario},
                      {"model", study.model},     {"description", study.description}};
  index.batch_integers = {{"seed", static_cast<std::int64_t>(study.seed)},
                          {"replicates", study.replicates},
                          {"parameters", static_cast<std::int64_t>(study.parameters.size())}};
  if (study.method == "morris") {
    index.batch_integers.emplace_back("trajectories", study.trajectories);
    index.batch_integers.emplace_back("levels", study.levels);
  } else if (study.method == "sobol") {
    index.batch_integers.emplace_back("samples", study.samples);
  }
}

/// The study's index.h5 of an analytic model: one row per design point.
void write_analytic_index(const StudyFile& study, const Design& design,
                          const std::vector<double>& y, const std::string& dir) {
  IndexContents index;
  index.table_description = "One row per design point, in design order.";
  std::vector<std::int64_t> point(design.rows);
  for (std::size_t p = 0; p < design.rows; ++p)
    point[p] = static_cast<std::int64_t>(p);
  index.columns.push_back({"point", "1", "design point", point});
  const std::size_t k = study.parameters.size();
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<double> v(design.rows);
    for (std::size_t p = 0; p < design.rows; ++p)
      v[p] = design.values[p * k + i];
    index.columns.push_back(double_column(study.parameters[i].key, "1", "input", std::move(v)));
  }
  index.columns.push_back(double_column("y", "1", study.model + " at the point", y));
  add_study_attributes(study, index);
  write_index_file(dir + "/index.h5", index);
}

/// The study's index.h5 of a scenario: one row per run.
void write_runs_index(const StudyFile& study, const batch::BatchPlan& plan,
                      const std::vector<double>& run_values, const std::string& dir,
                      const std::string& batch_dir) {
  const batch::BatchFolder folder(batch_dir);
  const std::size_t arms = study.contrast ? 2 : 1;
  const std::vector<std::string> names = arm_names(study);
  IndexContents index;
  index.table_description = "One row per run, in plan order: design point by design point, "
                            "arm by arm, replicates in order.";
  std::vector<std::int64_t> point;
  std::vector<std::string> arm;
  std::vector<std::int64_t> replicate;
  std::vector<std::int64_t> seed;
  std::vector<std::string> run_id;
  std::vector<std::vector<double>> parameters(plan.varied_keys.size());
  for (const batch::PlannedRun& run : plan.runs()) {
    point.push_back(static_cast<std::int64_t>(run.arm / arms));
    arm.push_back(names[run.arm % arms]);
    replicate.push_back(run.replicate);
    seed.push_back(static_cast<std::int64_t>(run.seed));
    run_id.push_back(run.id);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const Value& v = plan.arms[run.arm].values[i];
      parameters[i].push_back(std::holds_alternative<std::int64_t>(v)
                                  ? static_cast<double>(std::get<std::int64_t>(v))
                              : std::holds_alternative<double>(v) ? std::get<double>(v)
                                                                  : nan);
    }
    index.links.emplace_back(run.id, "batch/" + batch::BatchFolder::run_link_target(run.id));
  }
  index.columns.push_back({"point", "1", "design point", point});
  if (study.contrast) index.columns.push_back({"arm", "", "contrast arm", arm});
  index.columns.push_back(
      {"replicate", "1", "replicate (the same seed at every point)", replicate});
  index.columns.push_back({"seed", "1", "simulation.seed of the run", seed});
  index.columns.push_back({"run_id", "", "run file batch/runs/<run_id>.h5", run_id});
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    index.columns.push_back(double_column(plan.varied_keys[i], plan.varied_info[i].unit,
                                          plan.varied_info[i].meaning, std::move(parameters[i])));
  }
  const std::size_t m = study.outputs.size();
  const std::vector<std::string> units =
      output_units(folder.run_file(plan.runs()[0].id), study.outputs);
  for (std::size_t j = 0; j < m; ++j) {
    std::vector<double> v;
    for (std::size_t r = 0; r < plan.runs().size(); ++r)
      v.push_back(run_values[r * m + j]);
    const StudyOutput& o = study.outputs[j];
    index.columns.push_back(
        double_column(o.name, units[j], o.series + ", " + o.statistic_text(), std::move(v)));
  }
  add_study_attributes(study, index);
  write_index_file(dir + "/index.h5", index);
}

std::string method_title(const StudyFile& study) {
  if (study.method == "morris") {
    return "Morris study (" + std::to_string(study.trajectories) + " trajectories, " +
           std::to_string(study.levels) + " levels)";
  }
  if (study.method == "sobol") {
    return "Sobol' study (Saltelli design, N = " + std::to_string(study.samples) + ")";
  }
  return "ABC-SMC calibration (" + std::to_string(study.particles) + " particles)";
}

/// What `--check` prints about the runs: their number, and estimates of time and disk.
void print_estimates(const batch::BatchPlan& plan, double scale, const std::string& what) {
  batch::RunNeeds largest;
  double output_total = 0.0;
  double core_seconds_total = 0.0;
  const auto replicates = static_cast<double>(plan.replicates);
  for (const batch::PlannedArm& arm : plan.arms) {
    largest.memory_bytes = std::max(largest.memory_bytes, arm.needs.memory_bytes);
    largest.output_bytes = std::max(largest.output_bytes, arm.needs.output_bytes);
    largest.core_seconds = std::max(largest.core_seconds, arm.needs.core_seconds);
    output_total += arm.needs.output_bytes * replicates * scale;
    core_seconds_total += arm.needs.core_seconds * replicates * scale;
  }
  const int cores = batch::available_cores();
  const auto runs = static_cast<std::size_t>(static_cast<double>(plan.runs().size()) * scale);
  const auto [workers, threads] =
      batch::choose_workers_threads(runs, cores, std::nullopt, std::nullopt);
  const double wall = core_seconds_total / static_cast<double>(workers * threads);
  std::cout << "# each run: peak memory up to " << human_bytes(largest.memory_bytes)
            << ", output up to " << human_bytes(largest.output_bytes) << ", about "
            << seconds_text(largest.core_seconds) << " on one core\n"
            << "# " << what << ": output up to " << human_bytes(output_total) << ", about "
            << seconds_text(core_seconds_total) << " of one core; about " << seconds_text(wall)
            << " here (" << cli::plural(workers, "worker") << " x "
            << cli::plural(threads, "thread") << " on " << cli::plural(cores, "core") << ")\n";
}

void print_outputs(const StudyFile& study) {
  for (const StudyOutput& o : study.outputs) {
    std::cout << "#   " << o.name << ": " << (o.series.empty() ? study.model : o.series) << ", "
              << o.statistic_text();
    if (study.kind == StudyFile::Kind::calibration) {
      std::cout << ", target " << number(o.target) << " +- " << number(o.sd);
    } else if (!o.better.empty()) {
      std::cout << ", " << o.better << " is better";
    }
    std::cout << "\n";
  }
}

void print_parameters(const StudyFile& study) {
  for (const StudyParameter& p : study.parameters) {
    const auto& d = p.distribution;
    std::cout << "#   " << p.key << ": " << sensitivity::kind_name(d.kind) << " on ["
              << number(d.lo) << ", " << number(d.hi) << "]";
    if (d.kind == sensitivity::DistributionKind::triangular)
      std::cout << ", mode " << number(d.mode);
    if (d.kind == sensitivity::DistributionKind::truncated_normal)
      std::cout << ", mean " << number(d.mean) << ", sd " << number(d.sd);
    if (p.integer) std::cout << " (rounded)";
    std::cout << "\n";
  }
}

/// The Slurm array shard, if any: a study's runs split over the array's tasks as a batch's.
batch::Shard study_shard(const std::optional<std::string>& text) {
  if (text) return batch::parse_shard(*text, "--shard");
  const auto from_slurm =
      batch::shard_from_environment([](const char* n) { return std::getenv(n); });
  return from_slurm ? *from_slurm : batch::Shard{};
}

} // namespace

int sensitivity_command(const StudyOptions& o) {
  const StudyFile study = read_study(o.study_file, StudyFile::Kind::sensitivity);
  const Design design = make_design(study);
  const std::size_t arms = study.contrast ? 2 : 1;
  const std::size_t runs = study.is_analytic()
                               ? design.rows
                               : design.rows * arms * static_cast<std::size_t>(study.replicates);
  if (runs > batch::BatchLimits::max_runs) {
    throw InputError(SourcePos{study.path, 0}, study.method,
                     std::to_string(runs) + " runs is more than " +
                         std::to_string(batch::BatchLimits::max_runs));
  }
  std::optional<batch::BatchPlan> plan;
  if (!study.is_analytic()) {
    check_windows(study);
    plan = plan_batch(points_batch(study, design.values, design.rows, "p"));
    check_study_memory(study, *plan, o.allow_large || o.check);
  }
  if (o.check) {
    std::cout << "# " << study.path << ": valid " << method_title(study) << " of "
              << study.parameters.size() << " parameters: " << design.rows << " design points";
    if (study.is_analytic()) {
      std::cout << " of the " << study.model << " function (no runs)\n";
    } else {
      std::cout << (study.contrast ? " x 2 arms" : "") << " x "
                << cli::plural(study.replicates, "replicate") << " = " << cli::plural(runs, "run")
                << "\n";
    }
    if (!study.description.empty()) std::cout << "# " << study.description << "\n";
    if (!study.is_analytic())
      std::cout << "# scenario " << study.scenario << ", study seed " << study.seed << "\n";
    if (study.contrast) {
      std::cout << "# contrast: " << study.contrast->first.name << " against "
                << study.contrast->second.name << "\n";
    }
    std::cout << "# parameters:\n";
    print_parameters(study);
    std::cout << "# outputs:\n";
    print_outputs(study);
    if (plan) print_estimates(*plan, 1.0, "whole study");
    return exit_ok;
  }

  const bool root = o.mpi == nullptr || o.mpi->rank() == 0;
  if (study.is_analytic() && !root) return exit_ok;
  fs::create_directories(o.dir);
  if (study.is_analytic()) {
    std::vector<double> y(design.rows);
    const std::size_t k = study.parameters.size();
    for (std::size_t p = 0; p < design.rows; ++p) {
      const std::span<const double> x(design.values.data() + p * k, k);
      y[p] = study.model == "ishigami" ? sensitivity::ishigami(x)
                                       : sensitivity::g_function(x, study.g_a);
    }
    write_indices(study, design, y, o.dir);
    write_analytic_index(study, design, y, o.dir);
  } else {
    const std::string batch_dir = o.dir + "/batch";
    const batch::Shard shard = study_shard(o.shard);
    const batch::BatchOutcome outcome = run_points(*plan, o, batch_dir, shard, o.quiet);
    if (!outcome.reports) return outcome.exit_code; // an MPI rank other than 0
    if (const int code = report_unfinished(outcome, "study " + o.dir); code != exit_ok) return code;
    if (!o.quiet) {
      std::cerr << "minesim: study " << o.dir << ": " << outcome.skipped + outcome.ran << " of "
                << outcome.selected << " runs complete (" << outcome.skipped << " already were); "
                << cli::plural(outcome.workers, "worker") << " x "
                << cli::plural(outcome.threads, "thread") << ", " << seconds_text(outcome.seconds)
                << "\n";
    }
    if (shard.count > 1) {
      if (!o.quiet) {
        std::cerr << "minesim: shard " << shard.index << "/" << shard.count << " of study " << o.dir
                  << " done; when every shard has finished, run the study once more without "
                     "--shard to compute the indices\n";
      }
      return exit_ok;
    }
    const std::vector<double> run_values =
        read_outputs(*plan, batch::BatchFolder(batch_dir), study.outputs);
    write_indices(study, design, point_values(study, run_values, design.rows), o.dir);
    write_runs_index(study, *plan, run_values, o.dir, batch_dir);
  }
  if (!o.quiet) {
    std::cerr << "minesim: wrote " << o.dir << "/indices.csv"
              << (study.contrast ? ", " + o.dir + "/ranking.csv" : "") << " and " << o.dir
              << "/index.h5\n";
  }
  return exit_ok;
}

namespace {

calibration::Prior prior_of(const StudyParameter& p) {
  const auto& d = p.distribution;
  switch (d.kind) {
  case sensitivity::DistributionKind::log_uniform:
    return calibration::log_uniform_prior(d.lo, d.hi);
  case sensitivity::DistributionKind::truncated_normal:
    return calibration::truncated_normal_prior(d.mean, d.sd, d.lo, d.hi);
  default: return calibration::uniform_prior(d.lo, d.hi);
  }
}

const char* stop_text(calibration::AbcStop stop) {
  switch (stop) {
  case calibration::AbcStop::max_generations: return "the last generation is complete";
  case calibration::AbcStop::final_tolerance: return "the final tolerance is reached";
  case calibration::AbcStop::acceptance_rate:
    return "the acceptance rate fell below abc.min_acceptance";
  case calibration::AbcStop::attempts_exhausted:
    return "a generation used its largest number of batches";
  case calibration::AbcStop::running: break;
  }
  return "running";
}

void write_posterior(const StudyFile& study, const calibration::AbcState& state,
                     const calibration::AbcPosterior& posterior, const std::string& dir) {
  const std::size_t k = study.parameters.size();
  const std::size_t n = state.weights.size();
  IndexContents file;
  file.table_group = "/particles";
  file.attribute_group = "/calibration";
  file.table_description = "The weighted particles of the last complete ABC-SMC generation: "
                           "one row per particle.";
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<double> v(n);
    for (std::size_t r = 0; r < n; ++r)
      v[r] = state.particles[r * k + i];
    file.columns.push_back(
        double_column(study.parameters[i].key, "", "particle value", std::move(v)));
  }
  file.columns.push_back(
      double_column("weight", "1", "normalized importance weight", state.weights));
  file.columns.push_back(
      double_column("distance", "1", "standardized distance to the targets", state.distances));
  add_study_attributes(study, file);
  std::string history = "generation,tolerance,acceptance_rate,ess,simulations\n";
  for (std::size_t g = 0; g < state.history_tolerance.size(); ++g) {
    history += std::to_string(g) + "," + number(state.history_tolerance[g]) + "," +
               number(state.history_acceptance_rate[g]) + "," + number(state.history_ess[g]) + "," +
               std::to_string(state.history_simulations[g]) + "\n";
  }
  file.batch_text.emplace_back("history_csv", history);
  file.batch_text.emplace_back("stop", stop_text(state.stop));
  std::string covariance;
  for (Eigen::Index r = 0; r < posterior.covariance.rows(); ++r) {
    for (Eigen::Index c = 0; c < posterior.covariance.cols(); ++c) {
      if (c > 0) covariance.append(",");
      covariance.append(number(posterior.covariance(r, c)));
    }
    covariance += "\n";
  }
  file.batch_text.emplace_back("covariance_csv", covariance);
  file.batch_integers.emplace_back("generation", posterior.generation);
  write_index_file(dir + "/posterior.h5", file);
}

} // namespace

int calibrate_command(const StudyOptions& o) {
  const StudyFile study = read_study(o.study_file, StudyFile::Kind::calibration);
  calibration::AbcConfig config;
  config.particles = static_cast<int>(study.particles);
  config.batch_size = static_cast<int>(study.batch_size);
  config.quantile = study.quantile;
  config.max_generations = static_cast<int>(study.generations);
  config.min_acceptance_rate = study.min_acceptance;
  config.seed = study.seed;
  calibration::AbcProblem problem;
  for (const StudyParameter& p : study.parameters)
    problem.priors.push_back(prior_of(p));
  for (const StudyOutput& t : study.outputs) {
    problem.observed.push_back(t.target);
    problem.observed_sd.push_back(t.sd);
  }
  check_windows(study);
  calibration::AbcState state = calibration::start_abc(config, problem);
  const std::size_t k = study.parameters.size();

  // The first batch is planned (every proposal validated) before anything runs; later
  // batches are planned as they come, from the same validated priors.
  const auto plan_of = [&](const std::vector<std::vector<double>>& proposals,
                           const std::string& prefix) {
    std::vector<double> values;
    for (const auto& row : proposals)
      values.insert(values.end(), row.begin(), row.end());
    return plan_batch(points_batch(study, values, proposals.size(), prefix));
  };
  {
    const batch::BatchPlan first = plan_of(calibration::next_batch(config, problem, state), "s");
    check_study_memory(study, first, o.allow_large || o.check);
    if (o.check) {
      std::cout << "# " << study.path << ": valid " << method_title(study) << " of " << k
                << " parameters on " << study.outputs.size() << " targets; batches of "
                << study.batch_size << " proposals x " << cli::plural(study.replicates, "replicate")
                << " = " << cli::plural(first.runs().size(), "run") << "\n";
      if (!study.description.empty()) std::cout << "# " << study.description << "\n";
      std::cout << "# scenario " << study.scenario << ", seed " << study.seed << ", up to "
                << study.generations << " generations, tolerance quantile "
                << number(study.quantile) << "\n# priors:\n";
      print_parameters(study);
      std::cout << "# targets:\n";
      print_outputs(study);
      const double scale =
          static_cast<double>(study.particles) / static_cast<double>(study.batch_size);
      print_estimates(first, scale, "generation 0 (one run per particle)");
      std::cout << "# later generations need about 1 / (acceptance rate) times as many runs; "
                   "the study stops when the rate falls below "
                << number(study.min_acceptance) << "\n";
      return exit_ok;
    }
  }

  // Under MPI every rank replays the same sampler on the same run files (complete on every
  // rank once run_batch returns), and rank 0 alone speaks and writes.
  const bool root = o.mpi == nullptr || o.mpi->rank() == 0;
  fs::create_directories(o.dir);
  int reported = -1;
  while (!calibration::finished(state)) {
    const auto proposals = calibration::next_batch(config, problem, state);
    const std::string name = "gen" + padded(static_cast<std::size_t>(state.generation), 3) +
                             "_batch" + padded(static_cast<std::size_t>(state.attempts), 4);
    const batch::BatchPlan plan = plan_of(proposals, "s");
    const std::string batch_dir = o.dir + "/" + name;
    const batch::BatchOutcome outcome = run_points(plan, o, batch_dir, batch::Shard{}, true);
    if (outcome.exit_code != exit_ok) {
      return outcome.reports ? report_unfinished(outcome, "calibration batch " + batch_dir)
                             : outcome.exit_code;
    }
    const std::vector<double> run_values =
        read_outputs(plan, batch::BatchFolder(batch_dir), study.outputs);
    const std::vector<double> y = point_values(study, run_values, proposals.size());
    const std::size_t m = study.outputs.size();
    std::vector<std::vector<double>> summaries(proposals.size());
    for (std::size_t p = 0; p < proposals.size(); ++p)
      summaries[p].assign(y.begin() + static_cast<std::ptrdiff_t>(p * m),
                          y.begin() + static_cast<std::ptrdiff_t>((p + 1) * m));
    calibration::submit_batch(config, problem, state, summaries);
    const auto done = static_cast<int>(state.history_tolerance.size());
    if (root && !o.quiet && done - 1 > reported) {
      const auto g = static_cast<std::size_t>(done - 1);
      std::cerr << "minesim: generation " << g << " complete: tolerance "
                << number(state.history_tolerance[g]) << ", acceptance rate "
                << number(state.history_acceptance_rate[g]) << ", effective sample size "
                << number(state.history_ess[g]) << " (" << state.history_simulations[g]
                << " proposals)\n";
      reported = done - 1;
    }
  }
  if (!root) return state.history_tolerance.empty() ? exit_some_failed : exit_ok;
  if (state.history_tolerance.empty()) {
    std::cerr << "minesim: calibration " << o.dir << " stopped before its first generation was "
              << "complete (" << stop_text(state.stop) << "); widen the priors or raise "
              << "abc.min_acceptance's limit\n";
    return exit_some_failed;
  }
  const calibration::AbcPosterior posterior = calibration::summarize(state);
  write_posterior(study, state, posterior, o.dir);
  std::string csv = "parameter,estimate,low,high\n";
  for (std::size_t i = 0; i < k; ++i) {
    const auto e = static_cast<Eigen::Index>(i);
    csv += study.parameters[i].key + "," + number(posterior.mean(e)) + "," +
           number(posterior.q025(e)) + "," + number(posterior.q975(e)) + "\n";
  }
  write_text_file(o.dir + "/estimate.csv", csv);
  if (!o.quiet) {
    std::cerr << "minesim: calibration stopped after generation " << posterior.generation << " ("
              << stop_text(state.stop) << "); wrote " << o.dir << "/posterior.h5 and " << o.dir
              << "/estimate.csv\n";
  }
  return exit_ok;
}

} // namespace minesim::cli
