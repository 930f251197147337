#pragma once
// Governance (docs/odd.md §3.10-3.12): reports and petitions, supervision and enforcement, and
// the yearly strategy choices of enterprises and local governments.
#include "model/world.hpp"

#include <span>

namespace minesim {

/// Months of detection history a county keeps for its estimate of the detection rate.
inline constexpr std::size_t history_months = 36;

/// Restored over ever-damaged area of the county's owned mines.
[[nodiscard]] double county_active_restoration_rate(const World& world, std::size_t county);

/// Output quotas from credit ratings (under credit linkage): the quota factor of each owned
/// mine, written to `quota_factor` (one per mine, the mines' quota_factor column).
void set_quotas(const World& world, std::span<double> quota_factor);

/// Allocate governance state. Called once by make_world.
void initialise_governance(World& world);

/// Whether mine k's owner shirks this month (legacy mines have no owner and never do).
[[nodiscard]] bool owner_shirks(const World& world, std::size_t mine);

/// The county's estimate of detections per shirking mine-month over the last 36 months, with
/// a prior of 1 detection in 24 mine-months.
[[nodiscard]] double detection_rate_estimate(const World& world, std::size_t county);

/// The county's estimate of P(a detected violation is not remedied in time) over the last 36
/// months: (forfeits + unremedied_prior) / (detections + 1) (docs/odd.md §3.12, rev. 2).
[[nodiscard]] double unremedied_probability_estimate(const World& world, std::size_t county);

} // namespace minesim
