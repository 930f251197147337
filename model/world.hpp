#pragma once
// The state of a run: every agent store, the network and the scratch space the phases reuse,
// built once from the parameters. Nothing in here is global.
#include "model/parameters.hpp"
#include "src/core/ledger.hpp"
#include "src/core/parallel.hpp"

#include <vector>

namespace minesim {

struct World {
  Parameters params;
  VillageStore villages;
  MineStore mines;
  HouseholdStore households;
  Csr network;
  EnterpriseStore enterprises;
  GovernmentAccounts governments;
  Ledger ledger;                      ///< every flow of money (model/finance.hpp)
  std::size_t households_account = 0; ///< all households together
  std::size_t social_capital_account = 0;
  double official_value_yuan_per_ha = 0.0; ///< the official fee for damaged farmland

  // Restoration (model/finance.cpp).
  std::vector<double> restoring_cohort_ha;   ///< [mine][start step % lag][funder]
  std::vector<double> restored_by_funder_ha; ///< [mine][funder], established land
  double regional_restored_ha = 0.0;         ///< all land established so far (learning curve)
  double carbon_sink_t_co2 = 0.0;            ///< cumulative sequestration
  double established_this_step_ha = 0.0;
  double established_total_ha = 0.0;         ///< established since the start (net cost metric)
  double state_legacy_yuan_per_month = 0.0;  ///< higher government's legacy budget this year
  double social_legacy_yuan_per_month = 0.0; ///< social capital's PPP budget this year
  double bond_payment_yuan_per_month = 0.0;  ///< repayments of all outstanding bond tranches
  std::vector<double> bond_payment_ends;     ///< per step: payment that stops after that step
  Yuan fiscal_balance_yuan = 0;              ///< governments' restoration revenue minus spending

  // Employment.
  std::vector<std::int32_t> employer;     ///< mine id of a mining job, -1 otherwise
  std::vector<std::int64_t> mine_workers; ///< per mine
  std::int64_t green_workers = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> candidates; ///< job matching scratch

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
