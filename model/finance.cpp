#include "model/finance.hpp"

#include "agents/mine/restoration.hpp"

namespace minesim {

double restored_by(const World& w, std::size_t mine, std::size_t funder) {
  return w.mines.restored_by_funder_ha[mine * funder_count + funder];
}

/// The ledger account that receives the income of land funded by `funder` at `mine`.
std::size_t funder_account(const World& w, std::size_t mine, std::size_t funder) {
  switch (funder) {
  case funder_enterprise:
    return w.enterprises.cash_account[static_cast<std::size_t>(w.mines.owner[mine])];
  case funder_state: return w.governments.higher_account;
  case funder_county: return w.governments.account[w.mines.county[mine]];
  default: return w.accounts.social_capital;
  }
}

std::vector<std::string> flow_names() {
  return {"endowment",
          "ore_sales",
          "operating_cost",
          "mining_wages",
          "green_wages",
          "restoration_enterprise",
          "restoration_state",
          "restoration_social",
          "interest",
          "carbon_revenue",
          "green_income",
          "fiscal_grant",
          "budget_lapse",
          "bond_proceeds",
          "bond_repayment",
          "compensation_enterprise",
          "compensation_local",
          "compensation_state",
          "compensation_social",
          "dividends",
          "fines",
          "forfeit",
          "inspection_cost",
          "owner_payout",
          "county_legacy_fund",
          "restoration_county"};
}

double active_cost_yuan_per_ha(const World& w) {
  const auto& r = w.params.restoration;
  return learning_cost_yuan_per_ha(r.cost_active_yuan_per_ha, w.finance.regional_restored_ha,
                                   r.learning_exponent, w.params.market.carbon_learning_boost,
                                   w.params.market.carbon_enabled);
}

} // namespace minesim
