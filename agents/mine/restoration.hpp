#pragma once
// Restoration (docs/odd.md §1.2, §3.5, §3.6): how much a mine's owner restores, what it costs,
// and how restoring cohorts establish. Pure functions.
#include <cstdint>

namespace minesim {

/// [restoration] parameters.
struct RestorationParams {
  double cost_active_yuan_per_ha = 110000.0;    ///< cost0 for active and closed mines
  double cost_legacy_yuan_per_ha = 300000.0;    ///< cost0 for legacy mines
  double learning_exponent = 0.1;               ///< cost falls with regional restored area
  double labour_cost_reduction = 0.1;           ///< times the participating share nearby
  std::int64_t establishment_lag_months = 24;   ///< from start of work to established land
  double establishment_success = 0.85;          ///< chance that a cohort establishes
  double sequestration_t_co2_per_ha_year = 5.0; ///< carbon sink of established land
  double green_conversion_share = 0.4;          ///< of established land, turned to green uses
};

/// Funders of restoration, who own its carbon credits and green income.
enum Funder : std::size_t {
  funder_enterprise = 0,
  funder_state = 1,
  funder_social = 2,
  funder_county = 3, ///< a county co-funding legacy restoration in its own strip (rev. 2)
  funder_count
};

/// Area an owner restores this month: a complier restores the month's new damage plus
/// backlog_share_per_year / 12 of the older backlog; a shirker `shirk_effort` of that.
/// Never more than the damaged area.
[[nodiscard]] double owner_restoration_ha(bool complies, double new_damage_ha, double damaged_ha,
                                          double backlog_share_per_year, double shirk_effort);

/// Restoration cost per ha on the learning curve:
/// cost0 * ((restored * (1 + boost * carbon) + 100) / 100) ^ (-exponent).
[[nodiscard]] double learning_cost_yuan_per_ha(double cost0, double cumulative_restored_ha,
                                               double learning_exponent,
                                               double carbon_learning_boost, bool carbon_enabled);

/// Carbon credit revenue of one month: established ha * t/ha/year / 12 * price.
[[nodiscard]] double monthly_carbon_revenue_yuan(double established_ha,
                                                 double sequestration_t_co2_per_ha_year,
                                                 double price_yuan_per_t);

} // namespace minesim
