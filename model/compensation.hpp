#pragma once
// Compensation (MODEL.md §4.4, §4.5, §4.7): negotiations per damage claim under the five
// compensation models, the payment queue, hearings, information and participation.
#include "model/world.hpp"

namespace minesim {

/// Claim outcomes of a step (World::claim_outcome).
enum ClaimOutcome : std::uint8_t {
  outcome_none = 0,   ///< no round this step
  outcome_round = 1,  ///< a round without agreement
  outcome_agreed = 2, ///< agreement: the amount joins the payment queue
  outcome_dispute = 3 ///< no agreement after the last round
};

/// Allocate claim state and the compensation accounts. Called by initialise_finance's caller.
void initialise_compensation(World& world);

/// Phase 6: open negotiations in this month's villages, hold due rounds, pay agreed claims in
/// queue order as funds allow, pay annuities and dividends. Outcomes go to
/// world.negotiation_events when simulation.record_events is on.
void negotiate(World& world, std::int64_t step);

/// Phase 10 (compensation part): compensation budgets, generosity under stability pressure
/// and the adaptive policy.
void plan_compensation_year(World& world, std::int64_t step);

/// Negotiation index of every village into world.villages.negotiation_index.
void update_negotiation_index(World& world); // model/modules/information.cpp

/// The compensation model that governs claims on mine m.
[[nodiscard]] CompensationModel model_of_mine(const World& world, std::size_t mine);

/// Mean received-to-official compensation ratio of household i's compensated neighbours, and
/// their count.
struct NeighbourRatio {
  double mean = 1.0;
  double count = 0.0;
};
[[nodiscard]] NeighbourRatio neighbour_ratio(const World& world, std::size_t i);

} // namespace minesim
