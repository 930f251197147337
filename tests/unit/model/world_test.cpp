#include "model/module.hpp"
#include "model/phases.hpp"
#include "model/simulation.hpp"
#include "model/world.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace minesim;

namespace {
/// Run the phases that the model's module `module` has in `slot`, as the schedule would.
void run_phase(std::string_view module, Slot slot, World& w, std::int64_t step) {
  bool found = false;
  for (const auto& m : default_modules())
    if (m->name() == module)
      for (const Phase& p : m->phases(w))
        if (p.slot == slot) {
          p.run(w, step);
          found = true;
        }
  ASSERT_TRUE(found) << module << " has no phase in that slot";
}
} // namespace

TEST(World, VillagesHoldContiguousHouseholdsAboveTheFloor) {
  const Parameters p = scenarios_for_tests::small_region();
  const World w = make_world(p);
  ASSERT_EQ(w.villages.first_household.front(), 0u);
  ASSERT_EQ(w.villages.first_household.back(), 600u);
  for (std::size_t v = 0; v < w.villages.size(); ++v) {
    EXPECT_GE(w.villages.households(v), 20u);
    for (auto i = w.villages.first_household[v]; i < w.villages.first_household[v + 1]; ++i)
      EXPECT_EQ(w.households.village[i], v);
  }
}

TEST(World, MinesFollowTheBaselineComposition) {
  const World w = make_world(scenarios_for_tests::baseline_with({}));
  ASSERT_EQ(w.mines.size(), 12u);
  int legacy = 0;
  std::set<std::int32_t> owners;
  for (std::size_t m = 0; m < 12; ++m) {
    if (w.mines.status[m] == MineStatus::legacy) {
      ++legacy;
      EXPECT_GE(w.mines.damaged_ha[m], 80.0);
      EXPECT_LE(w.mines.damaged_ha[m], 400.0);
      EXPECT_EQ(w.mines.owner[m], -1);
    } else {
      EXPECT_GE(w.mines.damaged_ha[m], 20.0);
      EXPECT_LE(w.mines.damaged_ha[m], 120.0);
      EXPECT_GE(w.mines.closure_step[m], 60);
      EXPECT_LE(w.mines.closure_step[m], 360);
      owners.insert(w.mines.owner[m]);
    }
  }
  EXPECT_EQ(legacy, 4);
  EXPECT_EQ(owners.size(), 6u); // 8 active mines over 6 enterprises: some own two
}

TEST(World, HouseholdAttributesMatchTheirDistributions) {
  const World w = make_world(scenarios_for_tests::baseline_with({}));
  const auto& h = w.households;
  const double n = static_cast<double>(h.size());
  double size_sum = 0.0, informed_sum = 0.0;
  std::vector<double> land(h.land_ha);
  for (std::size_t i = 0; i < h.size(); ++i) {
    size_sum += h.size_persons[i];
    informed_sum += h.informed[i];
    EXPECT_GE(h.size_persons[i], 1);
    EXPECT_LE(h.size_persons[i], 6);
    EXPECT_GE(h.threshold[i], 0.01);
    EXPECT_LE(h.threshold[i], 1.0);
  }
  // Size: 1 + Binomial(5, 0.4): mean 3, variance 1.2. Informed: U(0.1, 0.5).
  EXPECT_NEAR(size_sum / n, 3.0, 4.0 * std::sqrt(1.2 / n));
  EXPECT_NEAR(informed_sum / n, 0.3, 4.0 * std::sqrt(0.4 * 0.4 / 12.0 / n));
  std::nth_element(land.begin(), land.begin() + static_cast<long>(land.size() / 2), land.end());
  EXPECT_NEAR(land[land.size() / 2], 0.4, 4.0 * 0.4 * 0.5 * std::sqrt(3.14159 / 2 / n));
}

TEST(World, AreaIsConservedEveryStep) {
  const Parameters p = scenarios_for_tests::small_region();
  Simulation sim(p);
  RunControl control;
  std::int64_t checked = 0;
  control.after_step = [&](std::int64_t) {
    const auto& m = sim.world().mines;
    for (std::size_t k = 0; k < m.size(); ++k) {
      const double sum = m.damaged_ha[k] + m.restoring_ha[k] + m.restored_ha[k];
      ASSERT_NEAR(m.cumulative_damaged_ha[k], sum, 1e-9 * std::max(1.0, sum));
    }
    ++checked;
  };
  ASSERT_TRUE(sim.run(control));
  EXPECT_EQ(checked, 36);
}

TEST(World, FarmlandDamageIsTheFarmlandShareOfMineDamage) {
  // A wide damage radius, so that every mine damages some village's farmland.
  const Parameters p = scenarios_for_tests::small_region(
      {"region.damage_radius_km=100", "households.land_median_ha=50",
       // No land ever establishes, so no farmland returns to its claimants.
       "restoration.establishment_success=0"});
  Simulation sim(p);
  const auto farmland = [&] {
    const auto& c = sim.world().claims;
    return std::accumulate(c.physical_ha.begin(), c.physical_ha.end(), 0.0);
  };
  const auto cumulative = [&] {
    const auto& m = sim.world().mines.cumulative_damaged_ha;
    return std::accumulate(m.begin(), m.end(), 0.0);
  };
  const double share = p.mines.farmland_damage_share;
  EXPECT_NEAR(farmland(), share * cumulative(), 1e-9 * cumulative());
  ASSERT_TRUE(sim.run());
  EXPECT_NEAR(farmland(), share * cumulative(), 1e-9 * cumulative());
  // Claims and the per-household totals agree.
  const auto& h = sim.world().households;
  const double per_household =
      std::accumulate(h.damaged_land_ha.begin(), h.damaged_land_ha.end(), 0.0);
  EXPECT_NEAR(per_household, farmland(), 1e-9 * farmland());
}

TEST(World, NoHouseholdLosesMoreLandThanItHolds) {
  const Parameters p =
      scenarios_for_tests::small_region({"mines.damage_ha_per_10kt=10", "simulation.steps=36"});
  Simulation sim(p);
  ASSERT_TRUE(sim.run());
  const auto& h = sim.world().households;
  for (std::size_t i = 0; i < h.size(); ++i)
    EXPECT_LE(h.damaged_land_ha[i], h.land_ha[i] * (1 + 1e-12));
}

TEST(World, MinesCloseAtTheirClosureStepAndByCalendar) {
  Parameters p = scenarios_for_tests::small_region();
  World w = make_world(p);
  std::size_t first_active = static_cast<std::size_t>(p.mines.legacy_count);
  const std::int64_t closure = w.mines.closure_step[first_active];
  run_phase("environment", Slot::production_damage, w, closure);
  EXPECT_EQ(w.mines.status[first_active], MineStatus::closed);
  const double before = w.mines.cumulative_damaged_ha[first_active];
  run_phase("environment", Slot::production_damage, w, closure + 1);
  EXPECT_EQ(w.mines.cumulative_damaged_ha[first_active], before); // closed mines add no damage

  ScheduledEvent e;
  e.step = 3;
  e.action = ScheduledEvent::Action::close_mine;
  e.mine = p.mines.legacy_count + 1;
  w.params.calendar = {e};
  run_phase("calendar", Slot::calendar, w, 2);
  EXPECT_EQ(w.mines.status[first_active + 1], MineStatus::active);
  run_phase("calendar", Slot::calendar, w, 3);
  EXPECT_EQ(w.mines.status[first_active + 1], MineStatus::closed);
}

TEST(World, EnvironmentRespondsToClosures) {
  Parameters p = scenarios_for_tests::small_region();
  World w = make_world(p);
  const double air_before =
      std::accumulate(w.villages.air_quality.begin(), w.villages.air_quality.end(), 0.0);
  for (std::size_t m = 0; m < w.mines.size(); ++m)
    if (w.mines.status[m] == MineStatus::active) w.mines.status[m] = MineStatus::closed;
  update_environment(w);
  const double air_after =
      std::accumulate(w.villages.air_quality.begin(), w.villages.air_quality.end(), 0.0);
  EXPECT_GT(air_after, air_before);
  for (const double intensity : w.villages.mining_intensity)
    EXPECT_EQ(intensity, 0.0);
}

TEST(World, CalendarSetChangesAParameterFromItsStep) {
  Parameters p = scenarios_for_tests::small_region();
  World w = make_world(p);
  ScheduledEvent e;
  e.step = 5;
  e.action = ScheduledEvent::Action::set;
  const auto& table = parameter_table();
  for (std::size_t k = 0; k < table.size(); ++k)
    if (table[k].spec.key == "mines.damage_ha_per_10kt") e.parameter = k;
  e.value = Value{0.5};
  w.params.calendar = {e};
  run_phase("calendar", Slot::calendar, w, 5);
  EXPECT_EQ(w.params.mines.damage_ha_per_10kt, 0.5);
}

TEST(World, OfficialValueOfDamageFollowsTheEsvFee) {
  // The fee per ha is the hand-computed present value of the ESV loss (202,989.5268 yuan/ha at
  // the defaults; tests/unit/agents/damage_environment_test.cpp), and each household's official
  // value at the start is its damaged farmland at that fee.
  const Parameters p = scenarios_for_tests::small_region();
  const World w = make_world(p);
  EXPECT_NEAR(w.official_value_yuan_per_ha, 202989.5268, 1e-4);
  double damaged = 0.0;
  for (std::size_t i = 0; i < w.households.size(); ++i) {
    EXPECT_NEAR(w.households.official_value_yuan[i], w.households.damaged_land_ha[i] * 202989.5268,
                1e-6 * (1.0 + w.households.official_value_yuan[i]));
    damaged += w.households.damaged_land_ha[i];
  }
  EXPECT_GT(damaged, 0.0); // the test region has damaged farmland
}

TEST(World, TheLandscapeSeedHoldsTheRegionWhileTheRunSeedVaries) {
  // Two runs on one landscape (landscape_seed 7) with run seeds 1 and 2: the same villages,
  // mines, land, household sizes, offsets, thresholds and network; different expectations
  // and initial information, and different behaviour.
  const auto world = [](const char* seed) {
    return make_world(scenarios_for_tests::small_region(
        {"simulation.landscape_seed=7", std::string("simulation.seed=") + seed}));
  };
  const World a = world("1");
  const World b = world("2");
  EXPECT_EQ(a.villages.x_km, b.villages.x_km);
  EXPECT_EQ(a.villages.first_household, b.villages.first_household);
  EXPECT_EQ(a.mines.x_km, b.mines.x_km);
  EXPECT_EQ(a.mines.output_t_per_month, b.mines.output_t_per_month);
  EXPECT_EQ(a.households.land_ha, b.households.land_ha);
  EXPECT_EQ(a.households.size_persons, b.households.size_persons);
  EXPECT_EQ(a.households.threshold, b.households.threshold);
  for (std::size_t x = 0; x < latent_count; ++x)
    EXPECT_EQ(a.households.offset[x], b.households.offset[x]);
  EXPECT_EQ(a.network.offsets, b.network.offsets);
  EXPECT_EQ(a.network.targets, b.network.targets);
  EXPECT_NE(a.households.expectation_multiplier, b.households.expectation_multiplier);
  EXPECT_NE(a.households.informed, b.households.informed);
  // Without it, another seed is another region.
  const World c = make_world(scenarios_for_tests::small_region({"simulation.seed=2"}));
  EXPECT_NE(a.villages.x_km, c.villages.x_km);
  // And with landscape_seed equal to the run seed, the run is the same as with it unset.
  const World d = make_world(
      scenarios_for_tests::small_region({"simulation.seed=2", "simulation.landscape_seed=2"}));
  EXPECT_EQ(c.households.land_ha, d.households.land_ha);
  EXPECT_EQ(c.households.expectation_multiplier, d.households.expectation_multiplier);
  // Behaviour differs on the one landscape.
  Simulation s1(scenarios_for_tests::small_region(
      {"simulation.landscape_seed=7", "simulation.seed=1", "simulation.steps=12"}));
  Simulation s2(scenarios_for_tests::small_region(
      {"simulation.landscape_seed=7", "simulation.seed=2", "simulation.steps=12"}));
  ASSERT_TRUE(s1.run());
  ASSERT_TRUE(s2.run());
  const auto S = [](const Simulation& s) {
    for (const auto& t : s.metrics().timeseries())
      if (t.name == "S_mean") return t.values;
    return std::vector<double>{};
  };
  EXPECT_NE(S(s1), S(s2));
}
