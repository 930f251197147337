#include "engine/parallel.hpp"
#include "engine/random.hpp"
#include "engine/stats.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
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

TEST(QuantilesSelected, GiveTheSortedQuantilesBitForBitForAnyDataAndThreadCount) {
  // Against sort_ascending + quantile_sorted: sizes below and above the selection's 2^16,
  // heavy ties, both zeros, infinities, subnormals, a range of 600 binades, one value, and
  // values bunched in one bucket but for two outliers.
  const int saved = omp_get_max_threads();
  const std::vector<double> probabilities{0.0, 0.1, 0.5, 0.9, 1.0, 0.25};
  SelectionScratch scratch;
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{5000}, std::size_t{65535},
                              std::size_t{65536}, std::size_t{200003}}) {
    for (int kind = 0; kind < 6; ++kind) {
      std::vector<double> values(n);
      const CounterRng rng(11, numbered_stream(3, "test"), n, static_cast<std::uint64_t>(kind));
      for (std::size_t i = 0; i < n; ++i) {
        const double u = rng.uniform(i);
        switch (kind) {
        case 0: values[i] = u; break;
        case 1: values[i] = std::round(u * 6.0) - 3.0; break; // seven values, many ties
        case 2:
          values[i] = i % 3 == 0 ? 0.0 : (i % 3 == 1 ? -0.0 : (u < 0.5 ? -INFINITY : INFINITY));
          break;
        case 3: values[i] = (u - 0.5) * (i % 2 ? 1e300 : 1e-310); break;
        case 4: values[i] = 0.5; break;
        default: values[i] = i == 7 ? -1e12 : (i == 11 ? 1e12 : 0.5 + u * 1e-9); break;
        }
      }
      std::vector<double> sorted = values, buffer(n);
      sort_ascending(sorted, buffer);
      std::vector<double> want(probabilities.size());
      for (std::size_t k = 0; k < probabilities.size(); ++k)
        want[k] = quantile_sorted(sorted, probabilities[k]);
      for (const int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        std::vector<double> got(probabilities.size(), -7.0), gathered(n), sort_scratch(n);
        quantiles_selected(values, probabilities, got, gathered, sort_scratch, scratch);
        for (std::size_t k = 0; k < probabilities.size(); ++k)
          EXPECT_EQ(std::bit_cast<std::uint64_t>(got[k]), std::bit_cast<std::uint64_t>(want[k]))
              << "n " << n << ", kind " << kind << ", p " << probabilities[k] << ", " << threads
              << " threads: " << got[k] << " against " << want[k];
      }
    }
  }
  omp_set_num_threads(saved);
  std::vector<double> one{1.0}, out(9), buffer(1);
  EXPECT_THROW(quantiles_selected(one, std::vector<double>(9, 0.5), out, buffer, buffer, scratch),
               std::invalid_argument);
}

TEST(SortWithScratch, GivesStdSortsOrderForATotalOrderOnAnyThreadCount) {
  struct Entry {
    std::int32_t start;
    std::uint64_t key;
    std::uint32_t id;
    bool operator==(const Entry&) const = default;
  };
  const auto less = [](const Entry& a, const Entry& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.key != b.key ? a.key < b.key : a.id < b.id;
  };
  const int saved = omp_get_max_threads();
  for (const std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{16383},
                              std::size_t{16384}, std::size_t{50001}}) {
    std::vector<Entry> values(n);
    const CounterRng rng(5, numbered_stream(4, "test"), n, 0);
    for (std::size_t i = 0; i < n; ++i) // few starts, keys with ties: the id decides
      values[i] = {static_cast<std::int32_t>(rng.below(2 * i, 5)), rng.below(2 * i + 1, 1000),
                   static_cast<std::uint32_t>(i)};
    std::vector<Entry> want = values;
    std::sort(want.begin(), want.end(), less);
    for (const int threads : {1, 2, 3}) {
      omp_set_num_threads(threads);
      std::vector<Entry> got = values, scratch(n);
      sort_with_scratch(std::span<Entry>(got), std::span<Entry>(scratch), less);
      EXPECT_TRUE(got == want) << "n " << n << ", " << threads << " threads";
    }
  }
  omp_set_num_threads(saved);
}

TEST(CollectInOrder, KeepsTheSerialLoopsIndicesAndRanksForAnyThreadCount) {
  // Sizes around the chunk length, none kept, all kept, and a sparse pattern.
  const std::size_t chunk = collect_chunk;
  const int saved = omp_get_max_threads();
  for (const std::size_t n :
       {std::size_t{0}, std::size_t{1}, chunk - 1, chunk, chunk + 1, 5 * chunk + 17}) {
    for (const int pattern : {0, 1, 2}) {
      const auto keep = [&](std::size_t i) {
        if (pattern == 0) return false;
        if (pattern == 1) return true;
        return CounterRng(7, numbered_stream(2, "test"), n, i).uniform(0) < 0.1;
      };
      std::vector<std::uint32_t> want;
      for (std::size_t i = 0; i < n; ++i)
        if (keep(i)) want.push_back(static_cast<std::uint32_t>(i));
      for (const int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        std::vector<std::uint32_t> got{99}; // make_room replaces what was there
        std::vector<std::size_t> first;
        std::size_t room_calls = 0;
        const std::size_t kept = collect_in_order(
            n, first, keep,
            [&](std::size_t total) {
              ++room_calls;
              got.assign(total, 0xFFFFFFFFU);
            },
            [&](std::size_t rank, std::size_t i) { got[rank] = static_cast<std::uint32_t>(i); });
        EXPECT_EQ(room_calls, 1U);
        EXPECT_EQ(kept, want.size());
        EXPECT_EQ(got, want) << "n " << n << ", pattern " << pattern << ", " << threads
                             << " threads";
      }
    }
  }
  omp_set_num_threads(saved);
}

TEST(Stats, PairedStatsMatchHandComputedValues) {
  // Differences 2, 3, 1 (arm - baseline): mean 2, sample sd 1, standard error 1 / sqrt(3).
  const std::vector<double> arm{7, 9, 11};
  const std::vector<double> baseline{5, 6, 10};
  const PairedStats p = paired_stats(arm, baseline);
  EXPECT_EQ(p.pairs, 3U);
  EXPECT_DOUBLE_EQ(p.mean_a, 9.0);
  EXPECT_DOUBLE_EQ(p.mean_b, 7.0);
  EXPECT_DOUBLE_EQ(p.mean_difference, 2.0);
  EXPECT_DOUBLE_EQ(p.standard_error, 1.0 / std::sqrt(3.0));

  const std::vector<double> one_a{4};
  const std::vector<double> one_b{1};
  const PairedStats single = paired_stats(one_a, one_b);
  EXPECT_EQ(single.pairs, 1U);
  EXPECT_DOUBLE_EQ(single.mean_difference, 3.0);
  EXPECT_TRUE(std::isnan(single.standard_error)); // no spread from one pair

  const PairedStats none = paired_stats({}, {});
  EXPECT_EQ(none.pairs, 0U);
  EXPECT_TRUE(std::isnan(none.mean_a) && std::isnan(none.mean_b));
  EXPECT_TRUE(std::isnan(none.mean_difference) && std::isnan(none.standard_error));

  EXPECT_THROW((void)paired_stats(arm, one_b), std::invalid_argument);
}

TEST(SortAscending, GivesStdSortsOrderForEverySizeAndThreadCount) {
  // Below 1,024 values a comparison sort, then the radix sort, and from 2^19 values on two
  // threads two radix-sorted halves merged: each must give the sequence std::sort gives, bit
  // for bit, on 1 and 2 threads. Values: negatives, ties, tiny and huge magnitudes,
  // infinities, subnormals.
  const int default_threads = omp_get_max_threads();
  for (const std::size_t n : {std::size_t{1000}, std::size_t{5000}, std::size_t{65535},
                              std::size_t{524288}, std::size_t{600007}}) {
    std::vector<double> values(n);
    const CounterRng rng(3, numbered_stream(1, "test"), n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = rng.uniform(i, -1.0, 1.0);
      switch (i % 7) {
      case 0: values[i] = std::round(u * 20.0); break; // many ties
      case 1: values[i] = u * 1e300; break;
      case 2: values[i] = u * 1e-310; break; // subnormal
      case 3: values[i] = u < -0.9 ? -INFINITY : (u > 0.9 ? INFINITY : u); break;
      default: values[i] = u * 1e6; break;
      }
      if (values[i] == 0.0) values[i] = 0.0; // one zero: std::sort may order +0 and -0 freely
    }
    // Half the sizes in [1, 2) only: the keys share their top digits, whose passes are skipped.
    if (n % 2 == 1)
      for (std::size_t i = 0; i < n; ++i)
        values[i] = 1.0 + rng.uniform(n + i);
    std::vector<double> want = values;
    std::sort(want.begin(), want.end());
    for (const int threads : {1, 2}) {
      omp_set_num_threads(threads);
      std::vector<double> got = values, scratch(n);
      sort_ascending(got, scratch);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(std::bit_cast<std::uint64_t>(got[i]), std::bit_cast<std::uint64_t>(want[i]))
            << "n " << n << ", " << threads << " threads, position " << i;
    }
  }
  omp_set_num_threads(default_threads);
}
