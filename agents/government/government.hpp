#pragma once
// Governments (MODEL.md §2.5): two local (county) governments and the higher government.
#include <array>
#include <cstdint>

namespace minesim {

/// [government] parameters.
struct GovernmentParams {
  double county_budget_yuan_per_year = 20e6; ///< refilled yearly; unspent funds lapse
  double fiscal_coverage = 0.3;    ///< share of the legacy need the higher government funds
  double legacy_plan_years = 15.0; ///< legacy restoration is planned over this many years
};

/// Ledger accounts of the governments.
struct GovernmentAccounts {
  std::array<std::size_t, 2> county{}; ///< west 0, east 1
  std::size_t higher = 0;
};

} // namespace minesim
