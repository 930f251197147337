#pragma once
// The region's economy (docs/odd.md §3.5, §3.6, §3.14): the kinds of money flow through the
// ledger, and what other parts of the model share of restoration finance and jobs. The
// restoration-finance phases live in model/modules/restoration_finance/, the economy's in
// model/modules/economy/module.cpp.
#include "model/world.hpp"

namespace minesim {

/// Kinds of money flow, each with a payer and a receiver (see finance.cpp for which).
enum Flow : std::size_t {
  flow_endowment,               ///< outside -> enterprises: starting cash and deposits
  flow_ore_sales,               ///< outside -> enterprise
  flow_operating_cost,          ///< enterprise -> outside
  flow_mining_wages,            ///< enterprise -> households
  flow_green_wages,             ///< outside (green businesses) -> households
  flow_restoration_enterprise,  ///< enterprise deposit or cash -> outside (contractors)
  flow_restoration_state,       ///< higher government -> outside
  flow_restoration_social,      ///< social capital -> outside
  flow_interest,                ///< enterprise -> outside (overdraft interest)
  flow_carbon_revenue,          ///< outside (credit buyers) -> funders of the land
  flow_green_income,            ///< outside -> funders of converted land
  flow_fiscal_grant,            ///< outside (treasury) -> governments: yearly budgets
  flow_budget_lapse,            ///< governments -> outside: unspent budgets at year end
  flow_bond_proceeds,           ///< outside (bond holders) -> social capital
  flow_bond_repayment,          ///< social capital -> outside
  flow_compensation_enterprise, ///< enterprise cash -> households
  flow_compensation_local,      ///< county -> households
  flow_compensation_state,      ///< higher government's compensation budget -> households
  flow_compensation_social,     ///< social capital's compensation funds -> households
  flow_dividends,               ///< funders of green land -> households (development rights)
  flow_fines,                   ///< enterprise cash -> county (detected violations)
  flow_forfeit,                 ///< enterprise deposit -> county (backlog not remedied in time)
  flow_inspection_cost,         ///< county -> outside (inspections)
  flow_owner_payout,            ///< enterprise cash -> outside: cash above the operating
                                ///< reserve, paid to the owners at year end (rev. 2)
  flow_county_legacy_fund,      ///< county budget -> its legacy restoration fund, year end
  flow_restoration_county,      ///< county legacy restoration fund -> outside (contractors)
  flow_count
};

/// Names of the flow kinds, in enum order.
[[nodiscard]] std::vector<std::string> flow_names();

/// Set up enterprises, accounts, deposits, starting cash, mining jobs and the first year's
/// budgets. Called once by make_world after the households exist
/// (model/modules/restoration_finance/funding.cpp).
void initialise_finance(World& world);

/// Give the farming households near each active mine its mining jobs, nearest village first.
/// Called once by initialise_finance (model/modules/economy/module.cpp).
void assign_mining_jobs(World& world);

/// The operating reserve of enterprise `e` (docs/odd.md §1.2, rev. 2): cash_reserve_months
/// times its current monthly operating cost, output * quota factor * operating cost per t
/// over its active mines (halted ones included: a halt is temporary), to the yuan. An
/// enterprise with no active mine keeps no reserve (model/modules/economy/module.cpp).
[[nodiscard]] Yuan operating_reserve_yuan(const World& world, std::size_t e);

/// Year end (docs/odd.md §1.2, rev. 2): each enterprise pays its cash above the operating
/// reserve to its owners outside the region (flow_owner_payout). An overdraft or cash at or
/// under the reserve pays nothing (model/modules/economy/module.cpp).
void pay_out_to_owners(const World& world, Ledger& ledger);

/// Current restoration cost per ha of active and closed mines.
[[nodiscard]] double active_cost_yuan_per_ha(const World& world);

/// Established land of `mine` restored by `funder` (a funder_* index), in hectares.
[[nodiscard]] double restored_by(const World& world, std::size_t mine, std::size_t funder);

/// The ledger account that receives the income of land funded by `funder` at `mine`.
[[nodiscard]] std::size_t funder_account(const World& world, std::size_t mine, std::size_t funder);

} // namespace minesim
