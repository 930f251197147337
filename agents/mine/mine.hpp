#pragma once
// Mines (docs/odd.md §1.2): status, production and the area stocks of damaged land.
#include <cstdint>
#include <vector>

namespace minesim {

enum class MineStatus : std::uint8_t { active = 0, closed = 1, legacy = 2 };

/// [mines] parameters.
struct MineParams {
  std::int64_t count = 12;                    ///< all mines
  std::int64_t legacy_count = 4;              ///< of which historical legacy mines
  double output_median_t_per_month = 50000.0; ///< median production of an active mine
  double output_sd_log = 0.4;                 ///< lognormal spread across mines
  double damage_ha_per_10kt = 0.25;           ///< new damage per 10 kt produced
  double legacy_initial_damage_min_ha = 80.0; ///< legacy damage at start, uniform range
  double legacy_initial_damage_max_ha = 400.0;
  double active_initial_damage_min_ha = 20.0; ///< active mines' damage at start
  double active_initial_damage_max_ha = 120.0;
  double remaining_life_min_years = 5.0;    ///< active mines close after a uniform
  double remaining_life_max_years = 30.0;   ///< remaining life in this range
  double farmland_damage_share = 0.3;       ///< share of new damage that is farmland
  double initial_uncompensated_share = 0.5; ///< of initial farmland damage
};

/// Mines as columns. Area identity per mine, always:
/// cumulative_damaged_ha = damaged_ha + restoring_ha + restored_ha.
struct MineStore {
  std::vector<double> x_km, y_km;
  std::vector<MineStatus> status;
  std::vector<double> output_t_per_month;
  std::vector<double> cumulative_damaged_ha, damaged_ha, restoring_ha, restored_ha;
  std::vector<std::int64_t> closure_step; ///< step at which an active mine closes
  std::vector<std::int32_t> owner;        ///< enterprise id, -1 for legacy mines
  std::vector<std::uint8_t> county;
  std::vector<std::uint8_t> halted;          ///< halted this month (its claimants petitioned)
  std::vector<std::int32_t> halt_run_months; ///< consecutive months its claimants petitioned
                                             ///< at the halt share (docs/odd.md §3.10)
  std::vector<std::int32_t> halt_remaining;  ///< months of the halt still to run after this one
  std::vector<double> quota_factor;          ///< output allowed by the owner's credit rating
  std::vector<std::uint8_t> reported;        ///< a report this month asks for an inspection
  std::vector<double> avoided_yuan;          ///< restoration cost avoided since the last detection
  std::vector<double> avoided_ha;            ///< restoration area avoided since the last detection
  std::vector<std::int64_t> remedy_deadline; ///< step by which a detected backlog must be
                                             ///< remedied, -1 when none is due
  std::vector<double> remedy_ha;             ///< area to remedy by that step
  std::vector<double> new_damage_ha;         ///< damage caused this step
  std::vector<std::int64_t> workers;         ///< households employed by the mine
  /// Restoring land by the step its work started, [mine][start step % lag][funder].
  std::vector<double> restoring_cohort_ha;
  std::vector<double> restored_by_funder_ha; ///< [mine][funder], established land

  [[nodiscard]] std::size_t size() const { return status.size(); }
};

} // namespace minesim
