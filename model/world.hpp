#pragma once
// The state of a run: every agent store, the network, the ledger and the region-wide state,
// built once from the parameters. Nothing in here is global.
#include "agents/resident/claim.hpp"
#include "engine/ledger.hpp"
#include "engine/parallel.hpp"
#include "engine/record.hpp"
#include "model/parameters.hpp"
#include "model/streams.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace minesim {

/// One row of /events/negotiations: the outcome of a negotiation (agreement or dispute).
struct NegotiationEvent {
  std::int64_t step;
  std::int64_t household;
  std::int64_t mine;
  std::int64_t model;       ///< CompensationModel code
  std::int64_t payer;       ///< Payer code
  double offer_yuan;        ///< the last round's offer
  double demand_yuan;       ///< the last round's demand
  std::int64_t rounds;      ///< rounds held
  std::int64_t agreed;      ///< 1 agreement, 0 dispute
  std::int64_t amount_yuan; ///< agreed amount (0 for a dispute)
};

/// One row of /events/inspections.
struct InspectionEvent {
  std::int64_t step;
  std::int64_t government; ///< county: 0 west, 1 east
  std::int64_t mine;
  std::int64_t triggered_by_report; ///< 1 when a residents' report triggered it
  std::int64_t detected;            ///< 1 when a shirking mine was detected
  std::int64_t fine_yuan;
};

/// Ledger accounts that are not an entity's own.
struct RegionAccounts {
  std::size_t households = 0;          ///< all households together
  std::size_t social_capital = 0;      ///< social capital's restoration funds
  std::size_t state_compensation = 0;  ///< the higher government's compensation budget
  std::size_t social_compensation = 0; ///< social capital's compensation funds
};

/// Region-wide state of restoration finance (model/modules/restoration_finance/).
struct RestorationFinanceState {
  double regional_restored_ha = 0.0; ///< all land established so far (learning curve)
  double carbon_sink_t_co2 = 0.0;    ///< cumulative sequestration
  double established_this_step_ha = 0.0;
  double established_total_ha = 0.0;         ///< established since the start (net cost metric)
  double state_legacy_yuan_per_month = 0.0;  ///< higher government's legacy budget this year
  double social_legacy_yuan_per_month = 0.0; ///< social capital's PPP budget this year
  double bond_payment_yuan_per_month = 0.0;  ///< repayments of all outstanding bond tranches
  std::vector<double> bond_payment_ends;     ///< per step: payment that stops after that step
  Yuan fiscal_balance_yuan = 0;              ///< governments' restoration revenue minus spending
};

/// Region-wide employment (model/modules/economy/module.cpp).
struct EmploymentState {
  std::int64_t green_workers = 0;        ///< in green jobs on converted restored land
  std::int64_t placed_green_workers = 0; ///< placed in social capital's projects as compensation
  Yuan in_kind_yuan = 0;                 ///< value of in-kind compensation given so far
};

/// This step's counts, read by the metrics.
struct StepCounts {
  std::int64_t negotiations = 0;
  std::int64_t agreements = 0;
  std::int64_t inspections = 0;
  std::int64_t detections = 0;
  std::int64_t reports = 0;
  std::int64_t petitioning = 0;
  std::int64_t mines_halted = 0;
};

/// The state of a run: one store per kind of entity, the network, the ledger, the few
/// region-wide quantities and the event lists. Scratch space belongs to the phases.
struct World {
  Parameters params;
  VillageStore villages;
  MineStore mines;
  HouseholdStore households;
  ClaimStore claims;
  Csr network;
  EnterpriseStore enterprises;
  GovernmentStore governments;
  Ledger ledger; ///< every flow of money (model/finance.hpp)
  RegionAccounts accounts;
  double official_value_yuan_per_ha = 0.0; ///< the official fee for damaged farmland
  std::int64_t step_now = 0;               ///< the step being simulated
  RestorationFinanceState finance;
  EmploymentState jobs;
  StepCounts counts;
  std::vector<NegotiationEvent> negotiation_events;
  std::vector<InspectionEvent> inspection_events;
  std::vector<SurveyOutput> surveys; ///< the virtual surveys taken so far
};

/// The root of every random stream of the run.
[[nodiscard]] inline std::uint64_t seed_of(const World& world) {
  return static_cast<std::uint64_t>(world.params.simulation.seed);
}

/// Build the initial world: villages, mines, households, initial damage, the network,
/// incomes, environment and initial perceptions. A pure function of the parameters.
[[nodiscard]] World make_world(const Parameters& params);

/// What assigning farmland damage writes: the households' claims and damaged land.
struct FarmlandDamageWrites {
  std::span<double> physical_ha;         ///< per claim: damaged farmland
  std::span<double> uncompensated_ha;    ///< per claim: damaged farmland not yet compensated
  std::span<double> total_ha;            ///< per claim: all farmland ever damaged; may be empty
  std::span<std::int32_t> damaged_since; ///< per claim: step its oldest uncompensated damage
                                         ///< arose, set when it had none; may be empty
  std::span<double> damaged_land_ha;     ///< per household
  std::span<double> official_value_yuan; ///< per household: official value of all damage

  static FarmlandDamageWrites of(World& w);
};

/// Scratch space of assigning farmland damage, sized once from the world.
struct FarmlandDamageScratch {
  std::vector<double> undamaged_per_village; ///< undamaged farmland of each village's households
  std::vector<double> weight_per_mine;       ///< sum of exposure * undamaged land
  std::vector<double> parts_per_thread;      ///< per thread: a household's part of each mine

  explicit FarmlandDamageScratch(const World& w);
};

/// Spread `new_farmland_ha[m]` of new farmland damage per mine over the households of
/// villages affected by m, in proportion to exposure times undamaged land (docs/odd.md §1.2).
/// A claim that had no uncompensated damage starts its damage clock at `step`.
void assign_farmland_damage(const World& world, std::span<const double> new_farmland_ha,
                            const FarmlandDamageWrites& out, FarmlandDamageScratch& scratch,
                            std::int64_t step);

/// What recomputing incomes writes.
struct IncomeWrites {
  std::span<double> income_yuan_per_year; ///< per household
  std::span<double> income_growth;        ///< per household
  std::span<float> log_income_history;    ///< ring of 12 months: [month % 12][household]
  std::span<double> median_income_yuan;   ///< per village

  static IncomeWrites of(World& w);
};

/// Scratch space of recomputing incomes, sized once from the world.
struct IncomeScratch {
  /// One double per household: incomes copied village by village, each village's block then
  /// partly reordered to find its median in place.
  std::vector<double> incomes_to_rank;

  explicit IncomeScratch(const World& w);
};

/// Recompute incomes, their 12-month growth and the village medians for `step`.
void update_incomes(const World& world, const IncomeWrites& out, IncomeScratch& scratch,
                    std::int64_t step);

/// What recomputing the villages' environment writes: per village columns.
struct VillageEnvironmentWrites {
  std::span<double> air_quality;
  std::span<double> water_quality;
  std::span<double> vegetation;
  std::span<double> mining_intensity;

  static VillageEnvironmentWrites of(World& w);
};

/// Recompute every village's environment and mining intensity.
void update_environment(const World& world, const VillageEnvironmentWrites& out);

/// update_environment bound to `world` (world construction and tests).
void update_environment(World& world);

} // namespace minesim

namespace minesim {
/// What each household shows its neighbours (SeenByNeighbours), from the current state: one
/// linear pass, so that the walks over the network read one record per tie.
void seen_by_neighbours(const World& world, std::span<SeenByNeighbours> seen);

/// What household i's perceptions read of its neighbours: how many participate, and the
/// compensation ratios of those compensated (summed in the order of the network's ties).
struct NeighbourCounts {
  double degree = 0.0;
  double participating = 0.0;
  double compensated = 0.0;
  double ratio_sum = 0.0;
};

/// Count household i's neighbours by walking its ties; `seen` is what seen_by_neighbours gives
/// for the current state. (The month's neighbourhood pass counts the same for everyone at
/// once: HouseholdStore::neighbours_*.)
[[nodiscard]] NeighbourCounts
count_neighbours(const World& world, std::span<const SeenByNeighbours> seen, std::size_t i);

/// The inputs of household i's perception targets, read from the current state and the
/// counts of its neighbours.
[[nodiscard]] PerceptionInputs perception_inputs(const World& world, std::size_t i,
                                                 const NeighbourCounts& neighbours);

/// The share of a household's `degree` neighbours that `count` is; 0 without neighbours.
[[nodiscard]] inline double neighbour_share(double count, double degree) {
  return degree > 0.0 ? count / degree : 0.0;
}
} // namespace minesim
