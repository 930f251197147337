#pragma once
// Governance (MODEL.md §4.7-4.9): reports and petitions, supervision and enforcement, and
// the yearly strategy choices of enterprises and local governments.
#include "model/world.hpp"

namespace minesim {

/// Allocate governance state. Called once by make_world.
void initialise_governance(World& world);

/// Phase 8 (collective action part, after participation): reports of shirking mines,
/// petitions with Granovetter thresholds and fatigue, stability pressure, halts.
void act_collectively(World& world, std::int64_t step);

/// Phase 9: report-triggered and routine inspections, detections, fines, remedies and
/// forfeits, credit scores.
void supervise(World& world, std::int64_t step);

/// Phase 10 (governance part): credit rewards, enterprises' and counties' strategy choices,
/// output quotas under credit linkage.
void update_strategies(World& world, std::int64_t step);

/// Whether mine k's owner shirks this month (legacy mines have no owner and never do).
[[nodiscard]] bool owner_shirks(const World& world, std::size_t mine);

/// The county's estimate of detections per shirking mine-month over the last 36 months, with
/// a prior of 1 detection in 24 mine-months.
[[nodiscard]] double detection_rate_estimate(const World& world, std::size_t county);

} // namespace minesim
