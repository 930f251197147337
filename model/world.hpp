#pragma once
// The state of a run: every agent store, the network and the scratch space the phases reuse,
// built once from the parameters. Nothing in here is global.
#include "model/parameters.hpp"
#include "src/core/parallel.hpp"

#include <vector>

namespace minesim {

struct World {
  Parameters params;
  VillageStore villages;
  MineStore mines;
  HouseholdStore households;
  Csr network;
  double official_value_yuan_per_ha = 0.0; ///< the official fee for damaged farmland

  // Scratch space, allocated at initialisation and reused every step.
  ChunkedSum sums;
  std::vector<double> household_scratch;    ///< one double per household
  std::vector<double> village_scratch;      ///< one double per village
  std::vector<double> mine_scratch;         ///< one double per mine
  std::vector<double> mine_weight;          ///< per mine: sum of exposure * undamaged land
  std::vector<double> mine_farmland_ha;     ///< per mine: farmland damaged this step
  std::vector<double> thread_claim_scratch; ///< per thread: one double per mine
};

/// Build the initial world: villages, mines, households, initial damage, the network,
/// incomes, environment and initial perceptions. A pure function of the parameters.
[[nodiscard]] World make_world(const Parameters& params);

/// Spread `world.mine_farmland_ha[m]` of new farmland damage per mine over the households of
/// villages affected by m, in proportion to exposure times undamaged land (MODEL.md §2.3).
void assign_farmland_damage(World& world);

/// Recompute incomes, their 12-month growth and the village medians for `step`.
void update_incomes(World& world, std::int64_t step);

/// Recompute every village's environment and mining intensity.
void update_environment(World& world);

} // namespace minesim

namespace minesim {
/// The inputs of household i's perception targets, read from the current state.
[[nodiscard]] PerceptionInputs gather_perception_inputs(const World& world, std::size_t i);
} // namespace minesim
