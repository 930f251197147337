#include "agents/game/tripartite.hpp"
#include "agents/government/supervision.hpp"
#include "agents/resident/collective_action.hpp"
#include "network/social_network.hpp"

#include <boost/math/distributions/normal.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace minesim;

TEST(Supervision, InspectionsDetectionAndFinesFollowModelSection48) {
  const SupervisionParams p;
  EXPECT_DOUBLE_EQ(inspections_per_month(p, true, false), 0.5);
  EXPECT_DOUBLE_EQ(inspections_per_month(p, false, false), 0.15);
  EXPECT_DOUBLE_EQ(inspections_per_month(p, true, true), 0.75);
  EXPECT_DOUBLE_EQ(detection_probability(p, false), 0.5);
  EXPECT_DOUBLE_EQ(detection_probability(p, true), 0.85);
  EXPECT_DOUBLE_EQ(fine_yuan(p, 1e6), 200000 + 1.5e6);
  EXPECT_DOUBLE_EQ(quota_cut(p, 2, true), 0.2);
  EXPECT_DOUBLE_EQ(quota_cut(p, 3, true), 0.5);
  EXPECT_DOUBLE_EQ(quota_cut(p, 3, false), 0.0);
  EXPECT_DOUBLE_EQ(quota_cut(p, 1, true), 0.0);
}

TEST(Supervision, StrictSupervisionDecidesComplianceAtTheModelsScale) {
  // docs/odd.md §3.11 scale check: a default mine (5 x 10 kt a month) avoids about 36,000 yuan
  // per 10 kt by shirking; four mines per county share 0.5 inspections a month that detect
  // half the time, so strict supervision detects about 1/16 per mine-month, lax 0.3 of it.
  const SupervisionParams p;
  ShirkCost c{40000.0, 0.9 * 40000.0 * 5.0, 5.0, 0.0, 0.0};
  const double strict = 0.5 * 0.5 / 4.0;
  const double cost_comply = c.restoration_yuan_per_10kt;
  const double p_strict =
      comply_probability(p, cost_comply, shirk_cost_yuan_per_10kt(p, c, 0.1, strict));
  const double p_lax =
      comply_probability(p, cost_comply, shirk_cost_yuan_per_10kt(p, c, 0.1, 0.3 * strict));
  EXPECT_GT(p_strict, 0.8);
  EXPECT_LT(p_lax, 0.05);
  // Credit linkage adds a year of quota cut to a detection's cost: compliance rises.
  c.quota_loss_yuan_per_year = 12 * 0.2 * 5 * 1.2e6;
  EXPECT_GT(comply_probability(p, cost_comply, shirk_cost_yuan_per_10kt(p, c, 0.1, 0.3 * strict)),
            p_lax);
}

TEST(Supervision, CountiesWeighCostsRewardsPenaltiesAndPressure) {
  const SupervisionParams p;
  // A strict year of 6 routine inspections without a fine; lax would have made 1.8.
  CountyYear y{true, 0.5, 0.15, 6.0, 0.0, 0.0, 0.0, false, false, 0.0};
  const auto advantage = [&] {
    const CountyPayoffs c = county_payoffs(p, y);
    return c.strict_yuan - c.lax_yuan;
  };
  EXPECT_DOUBLE_EQ(advantage(), -4.2 * 100000);
  y.restoration_rate_rose = true;
  y.report_found_violation = true;
  y.stability_pressure = 500;
  EXPECT_DOUBLE_EQ(advantage(), -420000 + 2e6 + 3e6 + 2000 * 500);
  EXPECT_DOUBLE_EQ(strict_probability(p, 0.0), 0.5);
}

TEST(CollectiveAction, ThresholdSpontaneityAndFatigue) {
  EXPECT_TRUE(petitions(0.3, 0.25, 0.01, 0.8, 0, 0.99));  // threshold reached
  EXPECT_FALSE(petitions(0.2, 0.25, 0.01, 0.8, 0, 0.5));  // not reached, not spontaneous
  EXPECT_TRUE(petitions(0.2, 0.25, 0.01, 0.8, 0, 0.005)); // spontaneous
  EXPECT_FALSE(petitions(0.3, 0.25, 0.01, 0.8, 3, 0.6));  // 0.8^3 = 0.512 < 0.6: fatigue
  EXPECT_TRUE(petitions(0.3, 0.25, 0.01, 0.8, 3, 0.5));
}

namespace {

/// Granovetter's riot model on a complete graph: thresholds at the quantiles of
/// Normal(0.25, sigma) (clipped to [0.01, 1]); the household with the lowest threshold starts
/// alone; everyone else petitions when the share of the others petitioning last month reaches
/// their threshold. Returns the final petitioning share.
double cascade_share(std::size_t n, double sigma) {
  const boost::math::normal_distribution<double> normal(0.25, sigma);
  std::vector<double> threshold(n);
  for (std::size_t i = 0; i < n; ++i)
    threshold[i] = std::clamp(
        boost::math::quantile(normal, (static_cast<double>(i) + 0.5) / static_cast<double>(n)),
        0.01, 1.0);
  std::vector<std::uint8_t> now(n, 0), next(n, 0);
  now[0] = 1;
  for (int t = 0; t < 200; ++t) {
    double count = 0.0;
    for (const auto x : now)
      count += x;
    for (std::size_t i = 0; i < n; ++i) {
      const double others = (count - now[i]) / static_cast<double>(n - 1);
      next[i] = petitions(others, threshold[i], i == 0 ? 1.0 : 0.0, 1.0, 0, 0.5) ? 1 : 0;
    }
    now.swap(next);
  }
  double count = 0.0;
  for (const auto x : now)
    count += x;
  return count / static_cast<double>(n);
}

} // namespace

TEST(CollectiveAction, GranovetterCascadeDependsOnThresholdSpread) {
  // Granovetter (1978), a crowd of 100 with thresholds Normal(25%, sigma): the cascade runs
  // through when the threshold distribution F stays above the diagonal, F(x) > x, which
  // needs sigma above about 0.122 (the tangency of F and the diagonal, his "12.2"); below it
  // the cascade stops where F first meets the diagonal. With the model's clipping at 0.01
  // and 100 discrete thresholds the switch lies between 0.125 and 0.13.
  EXPECT_GT(cascade_share(100, 0.13), 0.95);
  EXPECT_LT(cascade_share(100, 0.10), 0.10);
  EXPECT_LT(cascade_share(100, 0.12), 0.10); // just below the critical spread
}

TEST(TripartiteGame, PayoffDifferencesAndRestPointsOfTheCyclingSet) {
  GameParams g; // convergent set
  g.Q = 0.0;
  g.V = 0.0;
  // With z = 0: dE = -8 + 15 y and dG = 8 - 15 x vanish at (8/15, 8/15); dR < 0 always.
  const Shares d = payoff_differences(g, {8.0 / 15.0, 8.0 / 15.0, 0.0});
  EXPECT_NEAR(d[0], 0.0, 1e-12);
  EXPECT_NEAR(d[1], 0.0, 1e-12);
  EXPECT_LT(d[2], 0.0);
  EXPECT_LT(payoff_differences(g, {0.0, 0.5, 0.5})[2], 0.0);
}

TEST(TripartiteGame, Rk4MatchesTheLogisticSolutionToFourthOrder) {
  // With y = 1 and z = 0 only x moves, with dE = Be - Ce + F pg + Sb = 7 constant: x(t) is
  // the logistic 1 / (1 + (1 - x0) / x0 * exp(-7 t)).
  const GameParams g;
  const double exact = 1.0 / (1.0 + (0.9 / 0.1) * std::exp(-7.0 * 1.0));
  const auto error = [&](int steps) {
    Shares s{0.1, 1.0, 0.0};
    for (int k = 0; k < steps; ++k)
      s = rk4_step(g, s, 1.0 / steps);
    EXPECT_DOUBLE_EQ(s[1], 1.0);
    EXPECT_DOUBLE_EQ(s[2], 0.0);
    return std::fabs(s[0] - exact);
  };
  const double coarse = error(50), fine = error(100);
  EXPECT_LT(fine, 1e-7);
  // Halving the step divides the error by about 2^4.
  EXPECT_NEAR(coarse / fine, 16.0, 3.0);
}

TEST(TripartiteGame, CopyProbabilityIsProportionalToTheAdvantage) {
  EXPECT_DOUBLE_EQ(copy_probability(10.0, 40.0), 0.25);
  EXPECT_DOUBLE_EQ(copy_probability(-10.0, 40.0), 0.0);
  EXPECT_DOUBLE_EQ(copy_probability(80.0, 40.0), 1.0);
}
