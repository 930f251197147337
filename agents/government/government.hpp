#pragma once
// Governments (MODEL.md §2.5): two local (county) governments and the higher government.
#include <cstdint>
#include <vector>

namespace minesim {

/// [government] parameters.
struct GovernmentParams {
  double county_budget_yuan_per_year = 20e6; ///< refilled yearly; unspent funds lapse
  double fiscal_coverage = 0.3;    ///< share of the legacy need the higher government funds
  double legacy_plan_years = 15.0; ///< legacy restoration is planned over this many years
};

/// Local (county) governments as columns, numbered west to east (region.counties of them),
/// and the higher government's ledger account.
struct GovernmentStore {
  std::vector<std::size_t> account;       ///< ledger account
  std::vector<double> generosity;         ///< compensation generosity it requires
  std::vector<double> stability_pressure; ///< petition-months, decaying
  std::vector<std::uint8_t> strict;       ///< supervises strictly this year
  std::vector<double> inspection_budget;  ///< fractional inspections carried over
  std::vector<double> fines_this_year;    ///< yuan
  std::vector<double> inspections_this_year;
  std::vector<std::uint8_t> report_detection_this_year;
  std::vector<double> active_rate_last_year;
  std::vector<std::uint16_t> hearings_held; ///< bit k: held hearings k months ago
  /// Rings of the last months, [month % history][county]: detections, and shirking
  /// mine-months.
  std::vector<std::int32_t> detection_history;
  std::vector<std::int32_t> shirk_month_history;
  std::size_t higher_account = 0;

  [[nodiscard]] std::size_t size() const { return account.size(); }
};

} // namespace minesim
