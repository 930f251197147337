// The neighbourhood pass (model/modules/information): the neighbour counts it leaves for
// perceptions, participation decisions and petitions equal what each of those would count by
// walking the network itself at the time it runs, and the single-precision compensation
// ratios it reads stay within their stated tolerance of the double ratios.
#include "model/module.hpp"
#include "model/simulation.hpp"
#include "model/world.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace minesim;

namespace {

/// Run the phases of `slot` of every module at `step`.
void run_slot(World& w, Slot slot, std::int64_t step) {
  for (const auto& m : default_modules())
    for (const Phase& p : m->phases(w))
      if (p.slot == slot) p.run(w, step);
}

TEST(NeighbourhoodPass, CountsEqualAWalkOverTheTiesAtTheTimeTheyAreRead) {
  // A run some months in, so that households participate, petition and are compensated.
  Simulation sim(scenarios_for_tests::small_region(
      {"simulation.steps=30", "participation.spontaneous_petition=0.2"}));
  sim.run();
  World w = sim.world(); // a copy, to run the next month's slots on
  const auto& h = w.households;
  const std::int64_t step = 31;
  // Slots before the pass, then the pass; the state it read is the state of the slots after
  // it: nothing in between changes participation, petitions or compensation.
  for (const Slot s : {Slot::calendar, Slot::production_damage, Slot::restoration,
                       Slot::environment, Slot::economy, Slot::compensation})
    run_slot(w, s, step);
  std::vector<std::uint8_t> participating = h.participating, petitioning = h.petitioning;
  std::vector<double> received = h.received_yuan;
  run_slot(w, Slot::neighbourhood, step);
  ASSERT_EQ(h.participating, participating);
  ASSERT_EQ(h.petitioning, petitioning);
  ASSERT_EQ(h.received_yuan, received);

  std::size_t some_participating = 0, some_petitioning = 0, some_compensated = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    std::uint32_t part = 0, pet = 0, comp = 0;
    double ratio_sum = 0.0;
    for (const std::uint32_t j : w.network.neighbours(i)) {
      part += participating[j];
      pet += petitioning[j];
      if (received[j] > 0.0 && h.official_value_yuan[j] > 0.0) {
        ++comp;
        ratio_sum +=
            static_cast<double>(static_cast<float>(received[j] / h.official_value_yuan[j]));
      }
    }
    ASSERT_EQ(h.neighbours_participating[i], part) << i;
    ASSERT_EQ(h.neighbours_petitioning[i], pet) << i;
    ASSERT_EQ(h.neighbours_compensated[i], comp) << i;
    ASSERT_EQ(h.neighbour_ratio_sum[i], ratio_sum) << i;
    some_participating += part > 0;
    some_petitioning += pet > 0;
    some_compensated += comp > 0;
  }
  // The comparison is not vacuous: every kind of neighbour occurs.
  EXPECT_GT(some_participating, h.size() / 10);
  EXPECT_GT(some_petitioning, 0U);
  EXPECT_GT(some_compensated, h.size() / 10);
}

TEST(NeighbourhoodPass, SinglePrecisionRatiosStayWithinTwoToTheMinus24) {
  Simulation sim(scenarios_for_tests::small_region({"simulation.steps=24"}));
  sim.run();
  const World& w = sim.world();
  const auto& h = w.households;
  std::vector<SeenByNeighbours> seen(h.size());
  seen_by_neighbours(w, seen);
  std::size_t compensated = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (!(h.received_yuan[i] > 0.0 && h.official_value_yuan[i] > 0.0)) {
      EXPECT_EQ(seen[i].compensation_ratio, -1.0F);
      continue;
    }
    ++compensated;
    const double exact = h.received_yuan[i] / h.official_value_yuan[i];
    EXPECT_LE(std::fabs(static_cast<double>(seen[i].compensation_ratio) - exact),
              std::ldexp(exact, -24))
        << i;
    // The mean over neighbours that fairness reads inherits the bound.
  }
  EXPECT_GT(compensated, h.size() / 10);
}

} // namespace
