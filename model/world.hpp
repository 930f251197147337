#pragma once
// The state of a run: every agent store, the network and the scratch space the phases reuse,
// built once from the parameters. Nothing in here is global.
#include "engine/ledger.hpp"
#include "engine/parallel.hpp"
#include "model/parameters.hpp"

#include <array>

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
  std::int64_t green_workers = 0;         ///< in green jobs on converted restored land
  std::int64_t placed_green_workers = 0;  ///< placed in social capital's projects as compensation
  Yuan in_kind_yuan = 0;                  ///< value of in-kind compensation given so far
  std::vector<std::pair<std::uint64_t, std::uint32_t>> candidates; ///< job matching scratch

  // Compensation (model/compensation.cpp), one entry per claim unless said otherwise.
  std::vector<std::int8_t> claim_round;    ///< next round k, -1 when no negotiation is open
  std::vector<std::int32_t> claim_start;   ///< step the open negotiation started
  std::vector<std::uint8_t> claim_dispute; ///< no agreement after the last round, still open
  std::vector<std::uint8_t> claim_outcome; ///< this step (see compensation.cpp)
  std::vector<double> claim_offer_yuan;    ///< this step's round
  std::vector<double> claim_demand_yuan;
  std::vector<std::int64_t> claim_pending_yuan;     ///< agreed, waiting for the payer's funds
  std::vector<double> claim_annuity_yuan_per_month; ///< state-funded yearly payments / 12
  std::vector<std::int32_t> claim_annuity_end;      ///< last step of those payments
  std::vector<double> claim_total_ha; ///< all farmland ever damaged (dividend weights)
  std::vector<std::uint32_t> claim_household;
  std::vector<std::uint32_t> payment_queue; ///< scratch
  std::vector<double> enterprise_generosity;
  std::array<double, 2> county_generosity{1.0, 1.0};
  std::array<double, 2> stability_pressure{0.0, 0.0}; ///< petition-months, decaying
  std::size_t state_compensation_account = 0;
  std::size_t social_compensation_account = 0;
  std::vector<std::uint8_t> blocked_accounts; ///< payment queue scratch, per ledger account
  std::int64_t step_now = 0;                  ///< the step being simulated
  std::int64_t negotiations_this_step = 0;
  std::int64_t agreements_this_step = 0;

  // Participation and information.
  std::vector<double> informed_next;
  std::vector<std::uint8_t> participating_next;
  std::vector<std::uint16_t> hearings_attended;     ///< bit k: attended a hearing k months ago
  std::array<std::uint16_t, 2> hearings_held{0, 0}; ///< per county, same bit layout
  std::vector<double> village_ni;                   ///< negotiation index per village
  std::vector<NegotiationEvent> negotiation_events;

  // Governance (model/governance.cpp).
  std::vector<std::uint8_t> petitioning; ///< households petitioning this month
  std::vector<std::uint8_t> petitioning_next;
  std::vector<std::int32_t> petition_months; ///< consecutive petitioning months
  std::array<std::uint8_t, 2> county_strict{1, 1};
  std::array<double, 2> inspection_budget{0.0, 0.0}; ///< fractional inspections carried over
  std::vector<std::int32_t> county_detections;       ///< ring [month % 36][county]
  std::vector<std::int32_t> county_shirk_months;     ///< ring [month % 36][county]: shirking mines
  std::array<double, 2> fines_this_year{0.0, 0.0};
  std::array<double, 2> inspections_this_year{0.0, 0.0};
  std::array<std::uint8_t, 2> report_detection_this_year{0, 0};
  std::array<double, 2> active_rate_last_year{0.0, 0.0};
  std::vector<std::uint8_t> detected_this_year; ///< per enterprise
  std::vector<InspectionEvent> inspection_events;
  std::int64_t inspections_this_step = 0;
  std::int64_t detections_this_step = 0;
  std::int64_t reports_this_step = 0;
  std::int64_t petitioning_this_step = 0;
  std::int64_t mines_halted_this_step = 0;

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
/// Each household's received-to-official compensation ratio, or -1 when it has received
/// nothing or has no damage (it is then no compensated neighbour). Computed once per phase
/// so that the neighbour loops read one number per tie instead of dividing per tie.
void compensation_ratios(const World& world, std::span<double> ratio);

/// The inputs of household i's perception targets, read from the current state; `ratio` is
/// what compensation_ratios gives for that state.
[[nodiscard]] PerceptionInputs
gather_perception_inputs(const World& world, std::span<const double> ratio, std::size_t i);
} // namespace minesim
