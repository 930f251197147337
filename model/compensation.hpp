#pragma once
// Compensation (docs/odd.md §3.7, §3.8, §3.10): what other parts of the model use of the
// compensation module (model/modules/compensation/): its state's initialisation and first
// year's plan at world construction, and the villages' negotiation index, which the
// information module brings up to date for the metrics.
#include "model/world.hpp"

#include <cstdint>
#include <span>

namespace minesim {

/// Allocate claim state and the compensation accounts. Called by initialise_finance's caller.
void initialise_compensation(World& world);

/// Phase 10 (compensation part) at world construction: compensation budgets, generosity
/// under stability pressure and the adaptive policy. The yearly phase itself is bound by the
/// compensation module (model/modules/compensation/planning.cpp).
void plan_compensation_year(World& world, std::int64_t step);

/// What update_negotiation_index writes.
struct NegotiationIndexWrites {
  std::span<double> negotiation_index; ///< per village

  static NegotiationIndexWrites of(World& w) { return {w.villages.negotiation_index}; }
};

/// Negotiation index of every village, from the current state, into
/// `out.negotiation_index` (model/modules/information/module.cpp).
void update_negotiation_index(const World& world, const NegotiationIndexWrites& out);

} // namespace minesim
