#include "src/core/stats.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {

double quantile_inplace(std::span<double> values, double p) {
  const std::size_t n = values.size();
  if (n == 0) return 0.0;
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double x_lo = values[lo];
  if (lo + 1 >= n) return x_lo;
  // The next order statistic is the smallest value above position lo.
  const double x_hi =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
}

double median_inplace(std::span<double> values) {
  return quantile_inplace(values, 0.5);
}

double gini_inplace(std::span<double> values) {
  const std::size_t n = values.size();
  if (n < 2) return 0.0;
  std::sort(values.begin(), values.end());
  double weighted = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    weighted += (2.0 * static_cast<double>(i + 1) - static_cast<double>(n) - 1.0) * values[i];
    total += values[i];
  }
  if (total <= 0.0) return 0.0;
  return weighted / (static_cast<double>(n) * total);
}

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

} // namespace minesim
