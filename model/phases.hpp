#pragma once
// The monthly phases of MODEL.md §3 as functions of the world, and the schedule that runs
// them in order.
#include "engine/schedule.hpp"
#include "model/metrics.hpp"
#include "model/world.hpp"

namespace minesim {

/// Phase 1: calendar events due at `step`, in file order.
void apply_calendar(World& world, std::int64_t step);
/// Phase 2: closures, production and new damage to mines and households' farmland.
void produce_and_damage(World& world, std::int64_t step);
/// Phase 7: perception targets, adjustment, then social influence over the network.
void update_perceptions(World& world, std::int64_t step);

/// The 11 phases of MODEL.md §3 in order. Phases whose submodel this version does not model
/// yet (supervision) keep their place without a body.
[[nodiscard]] Schedule make_schedule(World& world, Metrics& metrics);

} // namespace minesim
