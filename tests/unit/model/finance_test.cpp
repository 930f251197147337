#include "model/finance.hpp"
#include "model/simulation.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace minesim;
using scenarios_for_tests::small_region;

namespace {

/// Every kind of flow happens: carbon market, PPP without a hurdle, bonds, closures.
Parameters all_flows(std::vector<std::string> extra = {}) {
  std::vector<std::string> o{"market.carbon_enabled=true",
                             "market.ppp_hurdle_rate=0",
                             "market.bonds_enabled=true",
                             "simulation.steps=120",
                             "mines.remaining_life_min_years=1",
                             "enterprises.initial_cash_months=0",
                             "enterprises.operating_cost_yuan_per_t=650"}; // losses: overdrafts
  o.insert(o.end(), extra.begin(), extra.end());
  return small_region(o);
}

} // namespace

TEST(Finance, MoneyIsConservedEveryStep) {
  Simulation sim(all_flows());
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    ASSERT_EQ(sim.world().ledger.sum_of_balances(), 0) << "money created at step " << step;
  };
  ASSERT_TRUE(sim.run(control));
  const Ledger& ledger = sim.world().ledger;
  // Every kind of flow of the economy happens (compensation flows: compensation_test.cpp).
  for (std::size_t k = 0; k < flow_compensation_enterprise; ++k)
    EXPECT_GT(ledger.total_flow(k), 0) << "no flow of kind " << ledger.kind_name(k);
}

TEST(Finance, RestorationSpendingIsAreaTimesCost) {
  // Cohorts never establish, so the learning-curve cost stays at cost0, and participants'
  // labour is switched off, so the unit cost is cost0 itself: spending = sum of area *
  // cost0, rounded to the yuan once per mine and funder.
  Simulation sim(
      all_flows({"restoration.establishment_success=0", "restoration.labour_cost_reduction=0"}));
  const World& w = sim.world();
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    const auto lag = static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
    const std::size_t slot = static_cast<std::size_t>(step) % lag;
    double expected = 0.0;
    std::size_t cohorts = 0;
    for (std::size_t k = 0; k < w.mines.size(); ++k)
      for (std::size_t f = 0; f < funder_count; ++f) {
        const double ha = w.mines.restoring_cohort_ha[(k * lag + slot) * funder_count + f];
        if (ha <= 0.0) continue;
        expected += ha * (w.mines.status[k] == MineStatus::legacy
                              ? w.params.restoration.cost_legacy_yuan_per_ha
                              : w.params.restoration.cost_active_yuan_per_ha);
        ++cohorts;
      }
    const double spent = static_cast<double>(w.ledger.step_flow(flow_restoration_enterprise) +
                                             w.ledger.step_flow(flow_restoration_state) +
                                             w.ledger.step_flow(flow_restoration_county) +
                                             w.ledger.step_flow(flow_restoration_social));
    ASSERT_GT(cohorts, 0u);
    ASSERT_NEAR(spent, expected, 0.5 * static_cast<double>(cohorts) + 1e-6) << "step " << step;
  };
  ASSERT_TRUE(sim.run(control));
  EXPECT_EQ(w.finance.regional_restored_ha, 0.0);
}

TEST(Finance, CohortsEstablishExactlyAfterTheLag) {
  const Parameters p = small_region({"restoration.establishment_success=1", "simulation.steps=60",
                                     "restoration.establishment_lag_months=7"});
  Simulation sim(p);
  ASSERT_TRUE(sim.run());
  const auto& series = sim.metrics().timeseries();
  const auto find = [&](const std::string& name) -> const std::vector<double>& {
    for (const auto& s : series)
      if (s.name == name) return s.values;
    throw std::runtime_error("no series " + name);
  };
  const auto& started = find("restoration_started_ha");
  const auto& restored = find("restored_ha");
  double expected = 0.0;
  for (std::size_t t = 0; t < restored.size(); ++t) {
    if (t >= 7) expected += started[t - 7];
    EXPECT_NEAR(restored[t], expected, 1e-9 * std::max(1.0, expected)) << "step " << t;
  }
  EXPECT_GT(expected, 0.0);
}

TEST(Finance, FailedCohortsReturnToDamagedLand) {
  Simulation sim(small_region({"restoration.establishment_success=0", "simulation.steps=60"}));
  ASSERT_TRUE(sim.run());
  const auto& m = sim.world().mines;
  for (std::size_t k = 0; k < m.size(); ++k)
    EXPECT_EQ(m.restored_ha[k], 0.0);
  EXPECT_EQ(sim.world().finance.carbon_sink_t_co2, 0.0);
}

TEST(Finance, RestorationReturnsFarmlandToClaimants) {
  // Everything restored at once and established: claims shrink with the unrestored land.
  Simulation sim(small_region(
      {"restoration.establishment_success=1", "simulation.steps=120",
       "enterprises.initial_compliance_share=1", "enterprises.backlog_share_per_year=1",
       "mines.remaining_life_max_years=2", "mines.remaining_life_min_years=1",
       "government.fiscal_coverage=1", "government.legacy_plan_years=1",
       "region.damage_radius_km=100", "households.land_median_ha=50"}));
  const auto farmland = [&] {
    const auto& c = sim.world().claims;
    return std::accumulate(c.physical_ha.begin(), c.physical_ha.end(), 0.0);
  };
  const double before = farmland();
  ASSERT_TRUE(sim.run());
  const auto& m = sim.world().mines;
  double unrestored = 0.0, cumulative = 0.0;
  for (std::size_t k = 0; k < m.size(); ++k) {
    unrestored += m.damaged_ha[k] + m.restoring_ha[k];
    cumulative += m.cumulative_damaged_ha[k];
  }
  EXPECT_LT(farmland(), 0.5 * before);
  // Claims never exceed the farmland share of the unrestored land.
  EXPECT_LE(farmland(),
            sim.world().params.mines.farmland_damage_share * unrestored * (1 + 1e-9) + 1e-9);
}

TEST(Finance, JobsFollowOutputClosuresAndRestoredLand) {
  const Parameters p = small_region({"simulation.steps=120", "mines.remaining_life_min_years=2",
                                     "mines.remaining_life_max_years=6"});
  Simulation sim(p);
  const World& w = sim.world();
  std::int64_t expected_mining = 0;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] == MineStatus::active)
      expected_mining += mining_jobs(p.economy, w.mines.output_t_per_month[k]);
  const auto count = [&](Sector s) {
    return std::count(w.households.sector.begin(), w.households.sector.end(), s);
  };
  // 600 households near 8 mines: fewer candidates than jobs is possible; never more hired.
  EXPECT_LE(count(Sector::mining), expected_mining);
  EXPECT_GT(count(Sector::mining), 0);
  ASSERT_TRUE(sim.run());
  // Every mine closed within 6 years: no mining jobs are left, the laid-off are unemployed or
  // green.
  EXPECT_EQ(count(Sector::mining), 0);
  double restored = 0.0;
  for (const double ha : w.mines.restored_ha)
    restored += ha;
  EXPECT_EQ(count(Sector::green),
            std::min<std::int64_t>(static_cast<std::int64_t>(std::floor(0.5 * 0.4 * restored)),
                                   static_cast<std::int64_t>(w.households.size())));
}
