#pragma once
// Paired comparison of a batch's arms against a baseline arm. Replicate r of every arm
// shares its seed (common random numbers), so the difference arm - baseline is taken per
// replicate; its mean over replicates, with a 95% confidence interval from Student's t with
// n - 1 degrees of freedom, is far tighter than comparing two independent means would be.
#include "io/index_file.hpp"

#include <string>
#include <vector>

namespace minesim::batch {

/// One arm against the baseline on one metric.
struct PairedDifference {
  std::string arm;
  std::string metric;         ///< time series name (the index column without "final_")
  std::size_t pairs = 0;      ///< replicates complete in both arms, with finite values
  double baseline_mean = 0.0; ///< over those replicates
  double arm_mean = 0.0;
  double mean_difference = 0.0; ///< arm - baseline
  double ci_low = 0.0;          ///< 95% interval of the mean difference (NaN with < 2 pairs)
  double ci_high = 0.0;
};

/// Every arm other than `baseline`, in index order, against `baseline`, on `metrics` (time
/// series names, with or without "final_"; empty for every final_ column of the index).
/// Throws InputError for an unknown arm or metric, naming the nearest ones.
[[nodiscard]] std::vector<PairedDifference>
paired_differences(const IndexContents& index, const std::string& baseline,
                   const std::vector<std::string>& metrics);

/// The two-sided 95% quantile of Student's t with `degrees_of_freedom` (>= 1).
[[nodiscard]] double t_quantile_975(double degrees_of_freedom);

/// The differences as an aligned text table, one block per arm.
[[nodiscard]] std::string comparison_text(const std::vector<PairedDifference>& rows,
                                          const std::string& baseline);
/// The differences as CSV with a header line.
[[nodiscard]] std::string comparison_csv(const std::vector<PairedDifference>& rows,
                                         const std::string& baseline);

} // namespace minesim::batch
