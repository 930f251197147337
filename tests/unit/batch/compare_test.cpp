// Paired differences against a baseline arm: pairing by replicate, Student's t intervals,
// incomplete runs left out, and errors for unknown arms and metrics.
#include "batch/compare.hpp"

#include "engine/errors.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace minesim::batch {
namespace {

IndexContents three_arms() {
  IndexContents index;
  index.columns.push_back(
      {"arm", "1", "",
       std::vector<std::string>{"base", "base", "base", "x", "x", "x", "y", "y", "y"}});
  index.columns.push_back(
      {"replicate", "1", "", std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2}});
  index.columns.push_back(
      {"status", "1", "",
       std::vector<std::string>{"complete", "complete", "complete", "complete", "complete",
                                "complete", "complete", "failed", "complete"}});
  // x - base = 1, 2, 3 per replicate; y - base = 10, (failed), 14.
  index.columns.push_back(
      {"final_S_mean", "1", "", std::vector<double>{5, 7, 9, 6, 9, 12, 15, NAN, 23}});
  index.columns.push_back({"final_E_mean", "1", "", std::vector<double>(9, 0.5)});
  return index;
}

TEST(TQuantile, MatchesTables) {
  EXPECT_NEAR(t_quantile_975(1), 12.706204736174707, 1e-12);
  EXPECT_NEAR(t_quantile_975(2), 4.302652729749464, 1e-12); // sqrt(1805 / 97.5), exactly
  EXPECT_NEAR(t_quantile_975(19), 2.093024054408263, 1e-12);
}

TEST(PairedDifferences, PairByReplicateWithStudentInterval) {
  const auto rows = paired_differences(three_arms(), "base", {"S_mean"});
  ASSERT_EQ(rows.size(), 2U);
  const PairedDifference& x = rows[0];
  EXPECT_EQ(x.arm, "x");
  EXPECT_EQ(x.pairs, 3U);
  EXPECT_DOUBLE_EQ(x.mean_difference, 2.0);
  EXPECT_DOUBLE_EQ(x.baseline_mean, 7.0);
  EXPECT_DOUBLE_EQ(x.arm_mean, 9.0);
  const double half = 4.302652729749464 * 1.0 / std::sqrt(3.0); // sd of 1, 2, 3 is 1
  EXPECT_NEAR(x.ci_low, 2.0 - half, 1e-12);
  EXPECT_NEAR(x.ci_high, 2.0 + half, 1e-12);
  // y's replicate 1 failed: two pairs remain, with their own baseline mean.
  const PairedDifference& y = rows[1];
  EXPECT_EQ(y.pairs, 2U);
  EXPECT_DOUBLE_EQ(y.mean_difference, 12.0);
  EXPECT_DOUBLE_EQ(y.baseline_mean, 7.0);
  EXPECT_NEAR(y.ci_high - y.mean_difference, 12.706204736174707 * std::sqrt(8.0 / 2.0), 1e-9);
}

TEST(PairedDifferences, AllMetricsByDefaultAndZeroDifferenceIsExact) {
  const auto rows = paired_differences(three_arms(), "base", {});
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[1].metric, "E_mean");
  EXPECT_EQ(rows[1].mean_difference, 0.0);
  EXPECT_EQ(rows[1].ci_low, 0.0);
  EXPECT_EQ(rows[1].ci_high, 0.0);
}

TEST(PairedDifferences, UnknownArmOrMetricIsBadInput) {
  try {
    (void)paired_differences(three_arms(), "bsae", {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "--baseline: no arm \"bsae\" in the index; did you mean \"base\"? (arms: base, x, y)");
  }
  EXPECT_THROW((void)paired_differences(three_arms(), "base", {"S_maen"}), InputError);
}

TEST(PairedDifferences, TextAndCsvShowEveryRow) {
  const auto rows = paired_differences(three_arms(), "base", {"S_mean"});
  const std::string text = comparison_text(rows, "base");
  EXPECT_NE(text.find("arm \"x\""), std::string::npos);
  EXPECT_NE(text.find("S_mean"), std::string::npos);
  const std::string csv = comparison_csv(rows, "base");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "baseline,arm,metric,pairs,baseline_mean,arm_mean,mean_difference,ci_low,ci_high,"
            "statistic,units");
  EXPECT_NE(csv.find("base,x,S_mean,3,7,9,2,"), std::string::npos);
}

} // namespace
} // namespace minesim::batch
