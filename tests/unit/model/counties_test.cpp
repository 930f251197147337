// Local governments as a store: region.counties sets how many there are, each governs a
// vertical strip of the region, and every per-county rule runs for each of them.
#include "model/simulation.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace minesim;

namespace {

/// Villages and mines lie in the strip of their county: [side c / n, side (c + 1) / n).
void expect_strips(const World& w, std::size_t counties) {
  const double side = w.params.region.side_km;
  const auto n = static_cast<double>(counties);
  for (std::size_t a = 0; a < w.villages.size(); ++a) {
    const std::size_t c = w.villages.county[a];
    ASSERT_LT(c, counties);
    EXPECT_GE(w.villages.x_km[a], side * static_cast<double>(c) / n);
    EXPECT_LT(w.villages.x_km[a], side * static_cast<double>(c + 1) / n);
  }
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    const std::size_t c = w.mines.county[k];
    ASSERT_LT(c, counties);
    EXPECT_GE(w.mines.x_km[k], side * static_cast<double>(c) / n);
    EXPECT_LT(w.mines.x_km[k], side * static_cast<double>(c + 1) / n);
  }
}

} // namespace

TEST(Counties, CountyOfCutsTheRegionIntoStripsOfEqualWidth) {
  EXPECT_EQ(county_of(0.0, 30.0, 2), 0);
  EXPECT_EQ(county_of(14.999, 30.0, 2), 0);
  EXPECT_EQ(county_of(15.0, 30.0, 2), 1);
  EXPECT_EQ(county_of(29.999, 30.0, 2), 1);
  EXPECT_EQ(county_of(9.999, 30.0, 3), 0);
  EXPECT_EQ(county_of(10.0, 30.0, 3), 1);
  EXPECT_EQ(county_of(20.0, 30.0, 3), 2);
  EXPECT_EQ(county_of(29.0, 30.0, 1), 0);
}

TEST(Counties, ThreeLocalGovernmentsEachGovernTheirStrip) {
  const Parameters p = scenarios_for_tests::small_region(
      {"region.counties=3", "simulation.steps=25", "mines.count=24", "mines.legacy_count=6"});
  Simulation sim(p);
  const World& start = sim.world();
  ASSERT_EQ(start.governments.size(), 3u);
  expect_strips(start, 3);
  // Each local government has its own ledger account and its own budget.
  const std::set<std::size_t> accounts(start.governments.account.begin(),
                                       start.governments.account.end());
  EXPECT_EQ(accounts.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c)
    EXPECT_EQ(start.ledger.account_name(start.governments.account[c]),
              "county " + std::to_string(c + 1));
  ASSERT_TRUE(sim.run());
  const World& w = sim.world();
  EXPECT_EQ(w.ledger.sum_of_balances(), 0) << "money created";
  // Every per-county column has one entry per county.
  EXPECT_EQ(w.governments.generosity.size(), 3u);
  EXPECT_EQ(w.governments.strict.size(), 3u);
  EXPECT_EQ(w.governments.stability_pressure.size(), 3u);
  EXPECT_EQ(w.governments.hearings_held.size(), 3u);
  EXPECT_EQ(w.governments.detection_history.size() % 3, 0u);
  // A county inspects its own mines only, and every county inspects (strict at the start).
  std::set<std::int64_t> inspecting;
  for (const InspectionEvent& e : w.inspection_events) {
    EXPECT_EQ(static_cast<std::int64_t>(w.mines.county[static_cast<std::size_t>(e.mine)]),
              e.government);
    inspecting.insert(e.government);
  }
  std::set<std::int64_t> with_owned_mines;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.owner[k] >= 0) with_owned_mines.insert(w.mines.county[k]);
  EXPECT_EQ(inspecting, with_owned_mines);
  // The strict share is a mean over three governments: a multiple of 1/3.
  const auto& series = sim.metrics().timeseries();
  for (const auto& s : series)
    if (s.name == "strict_supervision_share")
      for (const double v : s.values) {
        const double thirds = v * 3.0;
        EXPECT_NEAR(thirds, std::round(thirds), 1e-12) << v;
      }
  // The record shows the three governments.
  const RunRecord r = sim.record("", "");
  ASSERT_TRUE(r.tables.count("governments"));
  const auto& table = r.tables.at("governments");
  for (const auto& column : table)
    EXPECT_EQ(column.real.size() + column.integer.size(), 3u) << column.name;
}

TEST(Counties, OneCountyGovernsTheWholeRegion) {
  Simulation sim(scenarios_for_tests::small_region({"region.counties=1", "simulation.steps=13"}));
  ASSERT_EQ(sim.world().governments.size(), 1u);
  expect_strips(sim.world(), 1);
  ASSERT_TRUE(sim.run());
  EXPECT_EQ(sim.world().ledger.sum_of_balances(), 0);
}

TEST(Counties, TwoCountiesKeepTheirWestAndEastNames) {
  const World w = make_world(scenarios_for_tests::small_region());
  ASSERT_EQ(w.governments.size(), 2u);
  expect_strips(w, 2);
  EXPECT_EQ(w.ledger.account_name(w.governments.account[0]), "county west");
  EXPECT_EQ(w.ledger.account_name(w.governments.account[1]), "county east");
}
