#pragma once
// Paired comparison of a batch's arms against a baseline arm. Replicate r of every arm
// shares its seed (common random numbers), so the difference arm - baseline is taken per
// replicate; its mean over replicates, with a 95% confidence interval from Student's t with
// n - 1 degrees of freedom, is far tighter than comparing two independent means would be.
// Each run's time series is first reduced to one number, its statistic: the final value of
// a stock, the sum of a flow over the run's months (docs/batch.md).
#include "engine/record.hpp"
#include "io/index_file.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace minesim::batch {

/// What one run's time series is reduced to before runs are paired.
struct SeriesStatistic {
  enum class Kind : std::uint8_t {
    final_value, ///< "final": the value at the last step
    sum,         ///< "sum": the total over steps 1 to the last (step 0 is the initial state)
    mean,        ///< "mean:FROM-TO": the mean over steps FROM to TO, both included
    at,          ///< "at:STEP": the value at STEP
  };
  Kind kind = Kind::final_value;
  std::int64_t from = 0; ///< mean: the first step; at: the step
  std::int64_t to = 0;   ///< mean: the last step

  friend bool operator==(const SeriesStatistic&, const SeriesStatistic&) = default;
};

/// Parse --stat's text: final, sum, mean:FROM-TO or at:STEP (steps are whole numbers from
/// 0, FROM <= TO). Throws InputError with one line naming --stat otherwise.
[[nodiscard]] SeriesStatistic parse_statistic(const std::string& text);

/// The statistic as --stat spells it: "final", "sum", "mean:12-24", "at:6".
[[nodiscard]] std::string statistic_text(const SeriesStatistic& statistic);

/// The statistic of a series when --stat is not given: the final value of a stock, the sum
/// of a flow.
[[nodiscard]] SeriesStatistic default_statistic(SeriesKind kind);

/// Throws InputError when a step `statistic` reads lies beyond `steps`, the last step of
/// the run `where` names.
void check_statistic_steps(const SeriesStatistic& statistic, std::int64_t steps,
                           const std::string& where);

/// `statistic` of `values` (one value per step, from step 0); NaN for an empty series.
/// The steps must lie within the series (check_statistic_steps).
[[nodiscard]] double apply_statistic(const SeriesStatistic& statistic,
                                     std::span<const double> values);

/// One arm against the baseline on one metric.
struct PairedDifference {
  std::string arm;
  std::string metric;         ///< time series name (the index column without "final_")
  std::string statistic;      ///< statistic_text() of the statistic compared
  std::string units;          ///< the series' units (of the statistic: a sum keeps them)
  std::size_t pairs = 0;      ///< replicates complete in both arms, with finite values
  double baseline_mean = 0.0; ///< over those replicates
  double arm_mean = 0.0;
  double mean_difference = 0.0; ///< arm - baseline
  double ci_low = 0.0;          ///< 95% interval of the mean difference (NaN with < 2 pairs)
  double ci_high = 0.0;
};

/// Every arm other than `baseline`, in index order, against `baseline`, on `metrics` (time
/// series names, with or without "final_"; empty for every final_ column of the index),
/// compared on their final values: the index's final_ columns alone.
/// Throws InputError for an unknown arm or metric, naming the nearest ones.
[[nodiscard]] std::vector<PairedDifference>
paired_differences(const IndexContents& index, const std::string& baseline,
                   const std::vector<std::string>& metrics);

/// The same, on `statistic` of each complete run's whole series, read from the run files the
/// index at `index_path` links to; without a statistic, each metric's default by its kind
/// (a series without a `kind` attribute, from an older run file, counts as a stock). Throws
/// InputError for a statistic whose steps lie beyond a run's, and for a run file that
/// cannot be read.
[[nodiscard]] std::vector<PairedDifference>
paired_differences(const std::string& index_path, const IndexContents& index,
                   const std::string& baseline, const std::vector<std::string>& metrics,
                   const std::optional<SeriesStatistic>& statistic);

/// The two-sided 95% quantile of Student's t with `degrees_of_freedom` (>= 1).
[[nodiscard]] double t_quantile_975(double degrees_of_freedom);

/// The differences as an aligned text table, one block per arm.
[[nodiscard]] std::string comparison_text(const std::vector<PairedDifference>& rows,
                                          const std::string& baseline);
/// The differences as CSV with a header line; the statistic and the units are the last
/// two columns.
[[nodiscard]] std::string comparison_csv(const std::vector<PairedDifference>& rows,
                                         const std::string& baseline);

} // namespace minesim::batch
