#pragma once
// Restoration finance's phases, private to model/modules/restoration_finance/: what each
// phase writes, the restoration phase's scratch space, and the phase functions the module
// binds (module.cpp). The phases read everything else from the const world.
#include "agents/mine/restoration.hpp"
#include "model/finance.hpp"
#include "model/module.hpp"

#include <span>
#include <vector>

namespace minesim::restoration_finance {

/// Months from the start of restoration work to established land.
[[nodiscard]] inline std::size_t lag_months(const World& w) {
  return static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
}

/// Index of restoring_cohort_ha for work on `mine` started in cohort `slot` by `funder`.
[[nodiscard]] inline std::size_t cohort_index(std::size_t lag, std::size_t mine, std::size_t slot,
                                              std::size_t funder) {
  return (mine * lag + slot) * funder_count + funder;
}

/// Current restoration cost per ha of legacy mines.
[[nodiscard]] double legacy_cost_yuan_per_ha(const World& world);

/// What the restoration phase writes: the mines' area stocks, the claims and households'
/// farmland returned by established land (which ends the claim on it: docs/odd.md §3.7,
/// rev. 2), the ledger and the region's finance state.
struct RestorationWrites {
  std::span<double> damaged_ha;                ///< per mine: damaged, not under restoration
  std::span<double> restoring_ha;              ///< per mine: under restoration work
  std::span<double> restored_ha;               ///< per mine: established
  std::span<double> restoring_cohort_ha;       ///< [mine][start step % lag][funder]
  std::span<double> restored_by_funder_ha;     ///< [mine][funder], established land
  std::span<double> avoided_ha;                ///< per mine: area a shirker avoided restoring
  std::span<double> avoided_yuan;              ///< per mine: cost a shirker avoided
  std::span<double> claim_physical_ha;         ///< per claim: farmland physically damaged
  std::span<double> claim_uncompensated_ha;    ///< per claim: falls with the returned land
  std::span<std::int32_t> claim_damaged_since; ///< per claim: no_step once nothing is owed;
                                               ///< may be empty (not allocated)
  std::span<double> damaged_land_ha;           ///< per household: farmland damaged, not restored
  std::span<double> official_value_yuan;       ///< per household: less the land returned unagreed
  double& regional_restored_ha;                ///< all land established so far (learning curve)
  double& established_this_step_ha;            ///< this step's established land
  double& established_total_ha;                ///< established since the start
  double& carbon_sink_t_co2;                   ///< cumulative sequestration
  double& bond_payment_yuan_per_month;         ///< repayments of all outstanding bond tranches
  std::span<double> bond_payment_ends;         ///< per step: payment that stops after that step
  Yuan& fiscal_balance_yuan;                   ///< governments' restoration revenue minus spending
  Ledger& ledger;                              ///< restoration spending, bonds, carbon revenue

  static RestorationWrites of(World& w) {
    auto& m = w.mines;
    auto& f = w.finance;
    return {m.damaged_ha,
            m.restoring_ha,
            m.restored_ha,
            m.restoring_cohort_ha,
            m.restored_by_funder_ha,
            m.avoided_ha,
            m.avoided_yuan,
            w.claims.physical_ha,
            w.claims.uncompensated_ha,
            w.claims.damaged_since,
            w.households.damaged_land_ha,
            w.households.official_value_yuan,
            f.regional_restored_ha,
            f.established_this_step_ha,
            f.established_total_ha,
            f.carbon_sink_t_co2,
            f.bond_payment_yuan_per_month,
            f.bond_payment_ends,
            f.fiscal_balance_yuan,
            w.ledger};
  }
};

/// Scratch space of the restoration phase, sized once per run.
struct RestorationScratch {
  std::vector<double> participants_per_village; ///< participating households of a village
  std::vector<double> households_per_mine;      ///< households of villages a mine affects
  /// Per mine: 1 - labour_cost_reduction * participating share of the households of
  /// villages the mine affects (first the participants, while it is being summed).
  std::vector<double> labour_factor;
  std::vector<double> returned_share; ///< per mine: share of unrestored land established

  explicit RestorationScratch(const World& w)
      : participants_per_village(w.villages.size()), households_per_mine(w.mines.size()),
        labour_factor(w.mines.size()), returned_share(w.mines.size()) {}
};

/// What the yearly plan writes: the budgets' ledger flows and the coming year's monthly
/// legacy budgets.
struct PlanYearWrites {
  Ledger& ledger;                       ///< budget lapses, fiscal grants, county legacy funds
  double& state_legacy_yuan_per_month;  ///< higher government's legacy budget this year
  double& social_legacy_yuan_per_month; ///< social capital's PPP budget this year
  std::span<double> county_legacy_yuan_per_month; ///< per county: its co-funding this year

  static PlanYearWrites of(World& w) {
    return {w.ledger, w.finance.state_legacy_yuan_per_month, w.finance.social_legacy_yuan_per_month,
            w.governments.legacy_cofunding_yuan_per_month};
  }
};

/// Phase 3: cohorts that finish their lag establish (or fail); owners, the higher government
/// and social capital start new restoration work; carbon is sequestered and sold.
void restore(const World& w, const RestorationWrites& out, RestorationScratch& scratch,
             std::int64_t step);

/// Phase 10 (yearly): government budgets lapse and are refilled; the legacy restoration
/// plan and social capital's investment for the coming year. Before its budget lapses, a
/// county sets aside what is left of it after the year's compensation, up to
/// county_restoration_share of its yearly budget and at most what restoring the damaged land
/// of its legacy mines costs now, to co-fund them over the coming year (docs/odd.md §1.2,
/// rev. 2); last year's co-funding not spent lapses. Also run once by initialise_finance for
/// the first year (no county has anything left then).
void plan_year(const World& w, const PlanYearWrites& out);

} // namespace minesim::restoration_finance
