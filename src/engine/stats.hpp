#pragma once
// Order statistics and inequality measures with one fixed definition each, so that every
// run, platform and thread count reports the same numbers.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace minesim {

/// Quantile p in [0, 1] of `values` by linear interpolation between order statistics
/// (Hyndman and Fan type 7, the default of R and numpy). Reorders `values`; empty gives 0.
[[nodiscard]] double quantile_inplace(std::span<double> values, double p);

/// Median (type 7: the mean of the two middle values for even counts). Reorders `values`.
[[nodiscard]] double median_inplace(std::span<double> values);

/// Gini coefficient of non-negative values: sum_i (2i - n - 1) x_(i) / (n sum x), with
/// x sorted ascending and i from 1. Sorts `values`; 0 when the sum is 0 or n < 2.
[[nodiscard]] double gini_inplace(std::span<double> values);

/// Sort `values` ascending (a least-significant-digit radix sort on the order-preserving
/// bit pattern of each double; NaN not allowed), using `scratch` (at least values.size()
/// doubles) as the second buffer. The same order as std::sort: equal values have equal bits
/// (+0 and -0 aside), so the sorted sequence is identical. Linear time, for the per-step
/// statistics over every household.
void sort_ascending(std::span<double> values, std::span<double> scratch);

/// Quantile p of values already sorted ascending (type 7, as quantile_inplace).
[[nodiscard]] double quantile_sorted(std::span<const double> sorted, double p);

/// Space that quantiles_selected reuses between calls (sized at the first large call).
struct SelectionScratch {
  std::vector<std::uint32_t> histogram; ///< a histogram of 2^16 buckets per thread
  std::vector<std::uint8_t> wanted;     ///< per bucket: holds a wanted order statistic
  std::vector<std::size_t> chunk_first; ///< collect_in_order's ranks per chunk
};

/// Type 7 quantiles of `values` at each of `probabilities` (at most 8) into `out`: bit for
/// bit quantile_sorted of the values sorted by sort_ascending, without sorting them all.
/// From 2^16 values on, one parallel pass finds the range of the order keys, a second
/// counts them in 2^16 buckets of that range, and a third gathers the values of the buckets
/// that hold the wanted order statistics into `gathered`, which alone is sorted (with
/// `sort_scratch`); smaller inputs are copied and sorted. `gathered` and `sort_scratch` need
/// values.size() doubles. NaN is not allowed; empty input gives 0s.
void quantiles_selected(std::span<const double> values, std::span<const double> probabilities,
                        std::span<double> out, std::span<double> gathered,
                        std::span<double> sort_scratch, SelectionScratch& scratch);

/// Gini coefficient as gini_inplace, sorting with sort_ascending and `scratch` (at least
/// values.size() doubles): no allocation, linear time, the same result bit for bit.
[[nodiscard]] double gini_inplace(std::span<double> values, std::span<double> scratch);

/// Two samples paired element by element (replicate r of two arms, run on the same seed),
/// and their differences a[i] - b[i].
struct PairedStats {
  std::size_t pairs = 0;                                             ///< n, the common length
  double mean_a = std::numeric_limits<double>::quiet_NaN();          ///< NaN when n = 0
  double mean_b = std::numeric_limits<double>::quiet_NaN();          ///< NaN when n = 0
  double mean_difference = std::numeric_limits<double>::quiet_NaN(); ///< NaN when n = 0
  /// Standard error of the mean difference, s / sqrt(n) with the sample standard deviation
  /// s of the differences (n - 1 in the denominator); NaN when n < 2.
  double standard_error = std::numeric_limits<double>::quiet_NaN();
};

/// Means of `a` and `b` and the mean and standard error of their paired differences, each
/// sum taken in index order. Throws std::invalid_argument when the lengths differ.
[[nodiscard]] PairedStats paired_stats(std::span<const double> a, std::span<const double> b);

/// Logistic function 1 / (1 + e^-x).
[[nodiscard]] double logistic(double x);

/// x clipped to [0, 1].
[[nodiscard]] inline double clip01(double x) {
  return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

} // namespace minesim
