// The statistics `minesim compare --stat` reduces each run's series to: parsing, the
// defaults by kind, the steps they may read, and their values on known series.
#include "batch/compare.hpp"

#include "engine/errors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace minesim::batch {
namespace {

using Kind = SeriesStatistic::Kind;

std::string error_of(const std::string& text) {
  try {
    (void)parse_statistic(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SeriesStatistic, ParsesEveryFormAndSpellsItBack) {
  EXPECT_EQ(parse_statistic("final"), (SeriesStatistic{Kind::final_value, 0, 0}));
  EXPECT_EQ(parse_statistic("sum"), (SeriesStatistic{Kind::sum, 0, 0}));
  EXPECT_EQ(parse_statistic("mean:12-24"), (SeriesStatistic{Kind::mean, 12, 24}));
  EXPECT_EQ(parse_statistic("mean:5-5"), (SeriesStatistic{Kind::mean, 5, 5}));
  EXPECT_EQ(parse_statistic("at:0"), (SeriesStatistic{Kind::at, 0, 0}));
  EXPECT_EQ(parse_statistic("at:36"), (SeriesStatistic{Kind::at, 36, 36}));
  for (const char* text : {"final", "sum", "mean:12-24", "at:6"})
    EXPECT_EQ(statistic_text(parse_statistic(text)), text);
}

TEST(SeriesStatistic, MalformedTextIsOneLineNamingStat) {
  for (const char* text : {"", "median", "Final", "sum:1-3", "mean", "mean:", "mean:3", "mean:-3",
                           "mean:1-", "mean:a-b", "mean:1-2-3", "mean:+1-2", "at:", "at:-1",
                           "at:1.5", "at: 3", "at:99999999999999999999999"}) {
    EXPECT_EQ(error_of(text),
              std::string("--stat: expected final, sum, mean:FROM-TO or at:STEP, got '") + text +
                  "'")
        << text;
  }
  EXPECT_EQ(error_of("mean:24-12"), "--stat: mean:24-12: FROM is after TO");
}

TEST(SeriesStatistic, DefaultIsFinalForStocksAndSumForFlows) {
  EXPECT_EQ(default_statistic(SeriesKind::stock).kind, Kind::final_value);
  EXPECT_EQ(default_statistic(SeriesKind::flow).kind, Kind::sum);
}

TEST(SeriesStatistic, StepsBeyondTheRunAreBadInput) {
  EXPECT_NO_THROW(check_statistic_steps(parse_statistic("mean:0-24"), 24, "run a_r000"));
  EXPECT_NO_THROW(check_statistic_steps(parse_statistic("at:24"), 24, "run a_r000"));
  EXPECT_NO_THROW(check_statistic_steps(parse_statistic("sum"), 24, "run a_r000"));
  try {
    check_statistic_steps(parse_statistic("mean:12-30"), 24, "run a_r000");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--stat: mean:12-30 reads step 30, but run a_r000 ends at step 24");
  }
  EXPECT_THROW(check_statistic_steps(parse_statistic("at:25"), 24, "run a_r000"), InputError);
}

TEST(SeriesStatistic, KnownSeriesGiveKnownValues) {
  // Steps 0..5; step 0 is the initial state.
  const std::vector<double> v{100.0, 1.0, 2.0, 3.0, 4.0, 10.0};
  EXPECT_EQ(apply_statistic(parse_statistic("final"), v), 10.0);
  EXPECT_EQ(apply_statistic(parse_statistic("sum"), v), 20.0); // 1 + 2 + 3 + 4 + 10
  EXPECT_EQ(apply_statistic(parse_statistic("mean:1-4"), v), 2.5);
  EXPECT_EQ(apply_statistic(parse_statistic("mean:0-5"), v), 120.0 / 6.0);
  EXPECT_EQ(apply_statistic(parse_statistic("mean:5-5"), v), 10.0);
  EXPECT_EQ(apply_statistic(parse_statistic("at:0"), v), 100.0);
  EXPECT_EQ(apply_statistic(parse_statistic("at:3"), v), 3.0);
  // A run of 0 steps has nothing to sum; an empty series has no statistic at all.
  EXPECT_EQ(apply_statistic(parse_statistic("sum"), std::vector<double>{7.0}), 0.0);
  EXPECT_TRUE(std::isnan(apply_statistic(parse_statistic("final"), std::vector<double>{})));
  // NaN propagates, and the comparison leaves such a run out.
  EXPECT_TRUE(std::isnan(apply_statistic(parse_statistic("sum"), std::vector<double>{0, NAN, 1})));
}

TEST(SeriesStatistic, CsvAndTableNameTheStatisticAndUnits) {
  PairedDifference d;
  d.arm = "x";
  d.metric = "fines_yuan";
  d.statistic = "sum";
  d.units = "yuan";
  d.pairs = 3;
  d.baseline_mean = 10;
  d.arm_mean = 12;
  d.mean_difference = 2;
  d.ci_low = 1;
  d.ci_high = 3;
  const std::string csv = comparison_csv({d}, "base");
  EXPECT_EQ(csv, "baseline,arm,metric,pairs,baseline_mean,arm_mean,mean_difference,ci_low,"
                 "ci_high,statistic,units\nbase,x,fines_yuan,3,10,12,2,1,3,sum,yuan\n");
  const std::string text = comparison_text({d}, "base");
  EXPECT_NE(text.find("statistic"), std::string::npos);
  EXPECT_NE(text.find("fines_yuan sum       yuan"), std::string::npos) << text;
}

} // namespace
} // namespace minesim::batch
