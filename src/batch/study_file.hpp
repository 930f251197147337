#pragma once
// A study file (docs/sensitivity.md): a sensitivity study or a calibration. It names what is
// run (a scenario, possibly as two paired arms, or an analytic test function), the uncertain
// parameters with their distributions, the outputs (or calibration targets) as statistics of
// time series, and the method's settings. Reading one checks the file's structure, each
// distribution, and that each parameter's whole support lies in its range of valid values;
// the scenario loader judges every design point before anything runs, as for batches.
#include "batch/batch_file.hpp"
#include "sensitivity/distributions.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace minesim::batch {

/// An uncertain parameter and its distribution.
struct StudyParameter {
  std::string key; ///< a scenario key, or a name of a test function's input
  sensitivity::Distribution distribution;
  bool integer = false; ///< an integer parameter: design values are rounded
  std::string field;    ///< "parameters[2]"
  SourcePos pos;

  /// The override that sets this parameter to `value` ("key=value"), rounded for integers.
  [[nodiscard]] std::string assignment(double value) const;
};

/// How a run's time series becomes one number.
enum class Statistic { final, mean, sum, at };

/// An output of a sensitivity study, or a calibration target.
struct StudyOutput {
  std::string name;   ///< column name
  std::string series; ///< time series name, or "survey:<value>" for a survey statistic
  Statistic stat = Statistic::final;
  std::int64_t from = 0;  ///< first step of `mean` / `sum` (inclusive)
  std::int64_t to = -1;   ///< last step (inclusive); -1: the last step of the run
  std::int64_t step = -1; ///< the step of `at`; of a survey statistic, -1 is the last survey
  std::string better;     ///< for a contrast: "higher" or "lower" (required there)
  double target = 0.0;    ///< calibration: the observed value
  double sd = 0.0;        ///< calibration: its standard deviation (> 0)
  std::string field;      ///< "outputs[0]" / "targets[0]"
  SourcePos pos;

  [[nodiscard]] bool is_survey() const { return series.rfind("survey:", 0) == 0; }
  /// The survey value's name ("kmo", "paths:S~C") of a survey output.
  [[nodiscard]] std::string survey_value() const { return series.substr(7); }
  /// How the statistic reads in tables: "final", "mean 120-240", "sum 1-240", "at 60".
  [[nodiscard]] std::string statistic_text() const;
};

/// One arm of a paired contrast: a name and the overrides that make it.
struct StudyArm {
  std::string name;
  std::vector<Override> set;
};

struct StudyFile {
  enum class Kind { sensitivity, calibration };
  Kind kind = Kind::sensitivity;
  std::string path;
  std::string text;
  std::string description;
  std::string scenario;            ///< resolved path; empty for a test function
  std::string scenario_as_written; ///< as written
  std::string model;               ///< "ishigami" or "sobol_g"; empty for a scenario
  std::string method;              ///< morris | sobol | abc_smc
  std::uint64_t seed = 0;
  std::int64_t replicates = 1;  ///< runs per design point, on the same seeds at every point
  std::vector<Override> common; ///< [set]
  std::vector<StudyParameter> parameters;
  std::vector<StudyOutput> outputs;                      ///< [[outputs]] or [[targets]]
  std::optional<std::pair<StudyArm, StudyArm>> contrast; ///< arms a and b
  // [morris]
  std::int64_t trajectories = 10;
  std::int64_t levels = 4;
  // [sobol]
  std::int64_t samples = 64; ///< base sample size N: N (k + 2) design points
  // [morris] and [sobol]
  std::int64_t bootstrap = 1000;
  double confidence = 0.95;
  // [sobol_g]
  std::vector<double> g_a{0.0, 1.0, 4.5, 9.0, 99.0, 99.0};
  // [abc]
  std::int64_t particles = 200;
  double quantile = 0.5;
  std::int64_t generations = 8;
  double min_acceptance = 0.02;
  std::int64_t batch_size = 0; ///< proposals simulated at once; 0: particles

  [[nodiscard]] bool is_contrast() const { return contrast.has_value(); }
  [[nodiscard]] bool is_analytic() const { return !model.empty(); }
};

/// Read and check a study file. `specs` are the scenario parameters (their keys, types and
/// ranges); `check_value` judges each [set] override on its own, as for batch files. Throws
/// InputError naming the file, the line and the key.
[[nodiscard]] StudyFile read_study_file(const std::string& path,
                                        std::span<const ParameterSpec> specs,
                                        const ValueChecker& check_value);

/// The statistic of `output` over `series`, the values of steps 0 .. series.size() - 1.
/// Throws InputError naming the output when its window lies outside the run.
[[nodiscard]] double output_statistic(const StudyOutput& output, const std::vector<double>& series);

} // namespace minesim::batch
