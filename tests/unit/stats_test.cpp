#include "engine/parallel.hpp"
#include "engine/stats.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <vector>

using namespace minesim;

TEST(Stats, QuantileType7MatchesHandComputedValues) {
  // numpy.quantile([1, 2, 3, 4, 10], [0.1, 0.5, 0.9]) = [1.4, 3.0, 7.6]
  std::vector<double> x{10, 3, 1, 4, 2};
  EXPECT_DOUBLE_EQ(quantile_inplace(x, 0.1), 1.4);
  EXPECT_DOUBLE_EQ(quantile_inplace(x, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(quantile_inplace(x, 0.9), 7.6);
  std::vector<double> even{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(median_inplace(even), 2.5);
  std::vector<double> empty;
  EXPECT_EQ(quantile_inplace(empty, 0.5), 0.0);
}

TEST(Stats, GiniOfKnownDistributions) {
  std::vector<double> equal(10, 3.0);
  EXPECT_DOUBLE_EQ(gini_inplace(equal), 0.0);
  // One holds everything among n: G = (n - 1) / n.
  std::vector<double> one{0, 0, 0, 5};
  EXPECT_DOUBLE_EQ(gini_inplace(one), 0.75);
  // {1, 2, 3, 4}: sum (2i - n - 1) x_i = -3 - 2 + 3 + 12 = 10; / (4 * 10) = 0.25.
  std::vector<double> ramp{4, 2, 1, 3};
  EXPECT_DOUBLE_EQ(gini_inplace(ramp), 0.25);
}

TEST(ChunkedSum, IsBitIdenticalForAnyThreadCount) {
  const std::size_t n = 100003;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = 1.0 / static_cast<double>(i + 1) * (i % 7 ? 1 : -3);
  ChunkedSum sums;
  sums.reserve(n, 2);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const double one = sums.sum(n, [&](std::size_t i) { return x[i]; });
  std::vector<double> many_one(2);
  sums.sum_many(n, many_one, [&](std::size_t i, std::span<double> acc) {
    acc[0] += x[i];
    acc[1] += x[i] * x[i];
  });
  omp_set_num_threads(2);
  const double two = sums.sum(n, [&](std::size_t i) { return x[i]; });
  std::vector<double> many_two(2);
  sums.sum_many(n, many_two, [&](std::size_t i, std::span<double> acc) {
    acc[0] += x[i];
    acc[1] += x[i] * x[i];
  });
  omp_set_num_threads(saved);
  EXPECT_EQ(one, two); // exact
  EXPECT_EQ(many_one, many_two);
  EXPECT_EQ(one, many_one[0]);
}
