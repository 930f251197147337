// Revision 2 of the strategy updates (docs/odd.md §3.12): the deposit enters the expected cost of
// shirking only as far as a violation stays unremedied, and a county's payoffs are credited
// to the strategy it played. Hand-computed values and small constructed worlds.
#include "agents/government/supervision.hpp"
#include "model/governance.hpp"
#include "model/simulation.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace minesim;
using scenarios_for_tests::small_region;

TEST(Rev2Strategy, UnremediedChanceHasOnePseudoObservationAtThePrior) {
  const SupervisionParams p;
  EXPECT_DOUBLE_EQ(unremedied_probability(p, 0.0, 0.0), 0.2);
  EXPECT_DOUBLE_EQ(unremedied_probability(p, 1.0, 3.0), 1.2 / 4.0);
  EXPECT_DOUBLE_EQ(unremedied_probability(p, 5.0, 5.0), 5.2 / 6.0);
}

TEST(Rev2Strategy, TheDepositCountsOnlyAsFarAsAViolationStaysUnremedied) {
  // An enterprise producing 5 x 10 kt a month, detected 0.05 times a month, with a deposit of
  // 1 M yuan: the deposit adds rate * P(not remedied) * deposit / output per 10 kt.
  const SupervisionParams p;
  const double rate = 0.05, deposit = 1e6, output = 5.0;
  const auto cost = [&](double unremedied, double deposit_yuan) {
    const ShirkCost c{40000.0, 30000.0, output, expected_forfeit_yuan(unremedied, deposit_yuan),
                      0.0};
    return shirk_cost_yuan_per_10kt(p, c, 0.1, rate);
  };
  // No detections yet: the prior, 0.2 of the deposit per expected detection.
  EXPECT_NEAR(cost(unremedied_probability(p, 0, 0), deposit) - cost(0.2, 0.0), 2000.0, 1e-9);
  // 3 detections, 1 forfeit: (1 + 0.2) / (3 + 1) = 0.3 of the deposit.
  EXPECT_NEAR(cost(unremedied_probability(p, 1, 3), deposit) - cost(0.3, 0.0), 3000.0, 1e-9);
}

TEST(Rev2Strategy, CountiesEstimateFromTheirOwnDetectionsAndForfeits) {
  World w = make_world(small_region({"region.counties=2"}));
  auto& g = w.governments;
  const std::size_t n = g.size();
  // West: 3 detections in three months of the last 36, 1 forfeit. East: none.
  g.detection_history[0 * n + 0] = 1;
  g.detection_history[17 * n + 0] = 2;
  g.forfeit_history[23 * n + 0] = 1;
  EXPECT_DOUBLE_EQ(unremedied_probability_estimate(w, 0), 1.2 / 4.0);
  EXPECT_DOUBLE_EQ(unremedied_probability_estimate(w, 1), 0.2);
}

TEST(Rev2Strategy, SupervisionCountsRemedyDeadlinesThatPassUnremedied) {
  // Every enterprise shirks for the first 11 months (no strategy update yet) and inspections
  // always detect: every remedy deadline that falls due without a new detection that month
  // is a forfeit of the mine's county.
  Simulation sim(
      small_region({"simulation.steps=11", "enterprises.initial_compliance_share=0",
                    "supervision.detection_probability=1", "supervision.inspections_per_month=1"}));
  const World& w = sim.world();
  std::vector<std::int64_t> deadline(w.mines.remedy_deadline.begin(),
                                     w.mines.remedy_deadline.end());
  std::vector<std::int64_t> expected(w.governments.size(), 0);
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    for (std::size_t k = 0; k < w.mines.size(); ++k) {
      if (deadline[k] == step && w.mines.remedy_deadline[k] == -1) ++expected[w.mines.county[k]];
      deadline[k] = w.mines.remedy_deadline[k];
    }
  };
  ASSERT_TRUE(sim.run(control));
  std::int64_t all = 0;
  for (std::size_t c = 0; c < w.governments.size(); ++c) {
    std::int64_t counted = 0;
    for (std::size_t t = 0; t < history_months; ++t)
      counted += w.governments.forfeit_history[t * w.governments.size() + c];
    EXPECT_EQ(counted, expected[c]) << "county " << c;
    all += counted;
  }
  EXPECT_GT(all, 0);
}

namespace {

/// A year of 8 inspections, 2 of them triggered by reports; fines of 1 M, 0.4 M of them from
/// the reports; the restoration rate rose, a report found a violation, 100 petition-months.
CountyYear constructed_year(bool played_strict) {
  return CountyYear{played_strict, 0.5, 0.15, 8.0, 2.0, 1e6, 4e5, true, true, 100.0};
}

} // namespace

TEST(Rev2Strategy, AStrictYearIsCreditedToStrictAndLaxIsEstimated) {
  const SupervisionParams p;
  const CountyPayoffs c = county_payoffs(p, constructed_year(true));
  // Played: 1 M fines - 8 * 0.1 M inspections + 2 M reward.
  EXPECT_DOUBLE_EQ(c.strict_yuan, 1e6 - 8e5 + 2e6);
  // Estimated: the 2 report inspections and their 0.4 M as they were; 6 routine inspections
  // at 0.15 / 0.5 of the effort = 1.8, each earning 0.6 M / 6 = 0.1 M; exposure penalty 3 M
  // and stability cost 2,000 * 100.
  EXPECT_NEAR(c.lax_yuan, 4e5 + 1.8 * 1e5 - 1e5 * (2.0 + 1.8) - 3e6 - 2e5, 1e-6);
}

TEST(Rev2Strategy, ALaxYearIsCreditedToLaxAndStrictIsEstimated) {
  const SupervisionParams p;
  const CountyPayoffs c = county_payoffs(p, constructed_year(false));
  // Played: 1 M fines - 0.8 M inspections - 3 M penalty - 0.2 M stability cost.
  EXPECT_DOUBLE_EQ(c.lax_yuan, 1e6 - 8e5 - 3e6 - 2e5);
  // Estimated: 6 routine inspections at 0.5 / 0.15 of the effort = 20, each earning 0.1 M,
  // beside the 2 report inspections; the reward for the rate that rose.
  EXPECT_NEAR(c.strict_yuan, 4e5 + 20.0 * 1e5 - 1e5 * (2.0 + 20.0) + 2e6, 1e-6);
}

TEST(Rev2Strategy, WithoutRoutineInspectionsTheEstimateUsesAllInspections) {
  const SupervisionParams p;
  // A lax year whose inspections were all triggered by reports: 3 of them, 0.9 M of fines.
  CountyYear y{false, 0.5, 0.15, 3.0, 3.0, 9e5, 9e5, false, false, 0.0};
  const CountyPayoffs c = county_payoffs(p, y);
  EXPECT_DOUBLE_EQ(c.lax_yuan, 9e5 - 3e5);
  // No routine inspection was made, so strict's would-be routine ones are scaled from none.
  EXPECT_DOUBLE_EQ(c.strict_yuan, 9e5 - 3e5);
  // A lax effort of zero makes no routine inspection by construction: strict would have made
  // a year of its budget, 6, each earning the 0.3 M fine per inspection seen.
  y.lax_inspections_per_month = 0.0;
  const CountyPayoffs z = county_payoffs(p, y);
  EXPECT_NEAR(z.strict_yuan, 9e5 + 6.0 * 3e5 - 1e5 * (3.0 + 6.0), 1e-6);
}

namespace {

/// The year's tallies of county `county` rebuilt from the inspection events of steps
/// (first, last].
CountyYear year_from_events(const World& w, std::size_t county, std::int64_t first,
                            std::int64_t last, bool played_strict) {
  const SupervisionParams& sp = w.params.supervision;
  CountyYear y{};
  y.played_strict = played_strict;
  y.strict_inspections_per_month = inspections_per_month(sp, true, false);
  y.lax_inspections_per_month = inspections_per_month(sp, false, false);
  for (const InspectionEvent& e : w.inspection_events) {
    if (e.step <= first || e.step > last || e.government != static_cast<std::int64_t>(county))
      continue;
    y.inspections += 1.0;
    y.fines_yuan += static_cast<double>(e.fine_yuan);
    if (e.triggered_by_report) {
      y.report_inspections += 1.0;
      y.report_fines_yuan += static_cast<double>(e.fine_yuan);
      if (e.detected) y.report_found_violation = true;
    }
  }
  return y;
}

void expect_year_credited(bool initial_strict) {
  Simulation sim(small_region(
      {"simulation.steps=12", "simulation.record_events=true",
       "participation.report_probability=0.05",
       std::string("supervision.initial_strict=").append(initial_strict ? "true" : "false")}));
  const World& w = sim.world();
  const std::vector<double> rate_before = w.governments.active_rate_last_year;
  ASSERT_TRUE(sim.run());
  bool any_report = false;
  for (std::size_t county = 0; county < w.governments.size(); ++county) {
    CountyYear y = year_from_events(w, county, 0, 12, initial_strict);
    any_report = any_report || y.report_inspections > 0.0;
    // The strategy update stored this year's rate as last year's for the next.
    y.restoration_rate_rose = w.governments.active_rate_last_year[county] > rate_before[county];
    y.stability_pressure = w.governments.stability_pressure[county];
    const CountyPayoffs expected = county_payoffs(w.params.supervision, y);
    EXPECT_DOUBLE_EQ(w.governments.payoff_strict_yuan[county], expected.strict_yuan)
        << "county " << county;
    EXPECT_DOUBLE_EQ(w.governments.payoff_lax_yuan[county], expected.lax_yuan)
        << "county " << county;
    // The year's tallies start again.
    EXPECT_EQ(w.governments.report_inspections_this_year[county], 0.0);
    EXPECT_EQ(w.governments.report_fines_this_year[county], 0.0);
  }
  EXPECT_TRUE(any_report) << "no report-triggered inspection: the test would not see them";
}

} // namespace

TEST(Rev2Strategy, TheYearEndCreditsWhatSupervisionSawToTheStrategyPlayed) {
  expect_year_credited(true);
  expect_year_credited(false);
}
