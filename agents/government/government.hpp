#pragma once
// Governments (docs/odd.md §1.2): two local (county) governments and the higher government.
#include <cstdint>
#include <vector>

namespace minesim {

/// [government] parameters.
struct GovernmentParams {
  double county_budget_yuan_per_year = 20e6; ///< refilled yearly; unspent funds lapse
  double fiscal_coverage = 0.3;    ///< share of the legacy need the higher government funds
  double legacy_plan_years = 15.0; ///< legacy restoration is planned over this many years
  /// (rev. 2) Most of its yearly budget a county spends, of what is left after the year's
  /// compensation, co-funding the legacy mines of its strip over the next year.
  double county_restoration_share = 0.2;
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
  std::vector<double> report_inspections_this_year; ///< of inspections_this_year: by reports
  std::vector<double> report_fines_this_year;       ///< of fines_this_year: by reports, yuan
  /// The year's payoffs of strict and lax supervision as last reckoned at a year end (the
  /// one played from what happened, the other estimated; docs/odd.md §3.12, rev. 2).
  std::vector<double> payoff_strict_yuan;
  std::vector<double> payoff_lax_yuan;
  std::vector<double> active_rate_last_year;
  std::vector<std::uint16_t> hearings_held; ///< bit k: held hearings k months ago
  /// Rings of the last months, [month % history][county]: detections, shirking
  /// mine-months, and remedy deadlines that passed unremedied (the deposit forfeited,
  /// whatever its balance), counted in the month the deadline fell due.
  std::vector<std::int32_t> detection_history;
  std::vector<std::int32_t> shirk_month_history;
  std::vector<std::int32_t> forfeit_history;
  /// Legacy restoration co-funding (docs/odd.md §1.2, rev. 2): each county's fund account, set
  /// aside at the year end from what its budget had left, and its monthly spending this year.
  std::vector<std::size_t> legacy_fund_account;
  std::vector<double> legacy_cofunding_yuan_per_month;
  std::size_t higher_account = 0;

  [[nodiscard]] std::size_t size() const { return account.size(); }
};

} // namespace minesim
