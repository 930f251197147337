// Funding of restoration (docs/odd.md §3.6, §3.14): the ledger's accounts, the enterprises'
// starting cash and deposits, and the yearly budgets of the higher government and social
// capital.
#include "agents/mine/damage.hpp"
#include "agents/social_capital/market.hpp"
#include "engine/random.hpp"
#include "model/modules/restoration_finance/phases.hpp"

#include <algorithm>
#include <string>

namespace minesim {

void initialise_finance(World& w) {
  const auto& p = w.params;
  w.ledger = Ledger(flow_names());
  w.accounts.households = w.ledger.add_account("households");
  w.accounts.social_capital = w.ledger.add_account("social capital");
  // Local governments' accounts, west to east: "county west" and "county east" when there
  // are two, "county 1" .. "county n" otherwise.
  const auto counties = static_cast<std::size_t>(p.region.counties);
  w.governments.account.assign(counties, 0);
  for (std::size_t county = 0; county < counties; ++county)
    w.governments.account[county] = w.ledger.add_account(
        counties == 2 ? std::string(county == 0 ? "county west" : "county east")
                      : std::string("county ").append(std::to_string(county + 1)));
  w.governments.higher_account = w.ledger.add_account("higher government");
  // Each county's fund for co-funding its legacy mines (docs/odd.md §1.2, rev. 2).
  w.governments.legacy_fund_account.assign(counties, 0);
  w.governments.legacy_cofunding_yuan_per_month.assign(counties, 0.0);
  for (std::size_t county = 0; county < counties; ++county)
    w.governments.legacy_fund_account[county] = w.ledger.add_account(
        w.ledger.account_name(w.governments.account[county]) + " legacy restoration fund");

  const auto enterprises = static_cast<std::size_t>(p.enterprises.count);
  auto& e = w.enterprises;
  e.complies.resize(enterprises);
  e.credit_score.assign(enterprises, p.enterprises.initial_credit_score);
  for (std::size_t k = 0; k < enterprises; ++k) {
    e.complies[k] =
        p.enterprises.restoration_duty && CounterRng(seed_of(w), streams::enterprise_strategy, 0, k)
                                              .bernoulli(0, p.enterprises.initial_compliance_share);
    e.cash_account.push_back(w.ledger.add_account("enterprise " + std::to_string(k) + " cash"));
    e.deposit_account.push_back(
        w.ledger.add_account("enterprise " + std::to_string(k) + " deposit"));
  }
  // Starting cash (months of revenue) and the restoration deposit (years of the planned
  // restoration of a complier: the yearly new damage plus the backlog share).
  std::vector<double> revenue(enterprises, 0.0), planned(enterprises, 0.0);
  const auto& m = w.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.owner[k] < 0) continue;
    const auto o = static_cast<std::size_t>(m.owner[k]);
    revenue[o] += m.output_t_per_month[k] * p.enterprises.price_yuan_per_t;
    planned[o] += (12.0 * new_damage_ha(m.output_t_per_month[k], p.mines.damage_ha_per_10kt) +
                   p.enterprises.backlog_share_per_year * m.damaged_ha[k]) *
                  p.restoration.cost_active_yuan_per_ha;
  }
  for (std::size_t k = 0; k < enterprises; ++k) {
    w.ledger.transfer(Ledger::outside, e.cash_account[k],
                      to_yuan(p.enterprises.initial_cash_months * revenue[k]), flow_endowment);
    w.ledger.transfer(Ledger::outside, e.deposit_account[k],
                      to_yuan(p.enterprises.deposit_years * planned[k]), flow_endowment);
  }

  const std::size_t mines = m.size();
  w.mines.restoring_cohort_ha.assign(mines * restoration_finance::lag_months(w) * funder_count,
                                     0.0);
  w.mines.restored_by_funder_ha.assign(mines * funder_count, 0.0);
  w.finance.bond_payment_ends.assign(static_cast<std::size_t>(p.simulation.steps) + 1, 0.0);
  w.households.employer.assign(w.households.size(), -1);
  w.mines.workers.assign(mines, 0);
  assign_mining_jobs(w);
  restoration_finance::plan_year(w, restoration_finance::PlanYearWrites::of(w));
}

namespace restoration_finance {

void plan_year(const World& w, const PlanYearWrites& out) {
  const auto& p = w.params;
  Ledger& ledger = out.ledger;
  const auto lapse_and_refill = [&](std::size_t account, double budget) {
    const Yuan left = ledger.balance(account);
    if (left > 0) ledger.transfer(account, Ledger::outside, left, flow_budget_lapse);
    ledger.transfer(Ledger::outside, account, to_yuan(budget), flow_fiscal_grant);
  };
  const double cost = legacy_cost_yuan_per_ha(w);
  const auto& g = w.governments;
  const double cofunding_cap =
      p.government.county_restoration_share * p.government.county_budget_yuan_per_year;
  for (std::size_t county = 0; county < g.size(); ++county) {
    // Last year's co-funding not spent lapses.
    const std::size_t fund = g.legacy_fund_account[county];
    const Yuan unspent = ledger.balance(fund);
    if (unspent > 0) ledger.transfer(fund, Ledger::outside, unspent, flow_budget_lapse);
    // After its compensation commitments: what the year left of the county's budget, up to
    // the share of its yearly budget and to what its legacy mines' damaged land costs now.
    double county_need = 0.0;
    for (std::size_t k = 0; k < w.mines.size(); ++k)
      if (w.mines.status[k] == MineStatus::legacy && w.mines.county[k] == county)
        county_need += w.mines.damaged_ha[k] * cost;
    const Yuan cofunding = std::clamp<Yuan>(ledger.balance(g.account[county]), 0,
                                            std::min(to_yuan(cofunding_cap), to_yuan(county_need)));
    ledger.transfer(g.account[county], fund, cofunding, flow_county_legacy_fund);
    out.county_legacy_yuan_per_month[county] = static_cast<double>(cofunding) / 12.0;
    lapse_and_refill(g.account[county], p.government.county_budget_yuan_per_year);
  }

  double legacy_damaged = 0.0;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] == MineStatus::legacy) legacy_damaged += w.mines.damaged_ha[k];
  const double need = legacy_damaged * cost / p.government.legacy_plan_years;
  const double state = p.government.fiscal_coverage * need;
  lapse_and_refill(w.governments.higher_account, state);
  out.state_legacy_yuan_per_month = state / 12.0;

  const double revenue_per_ha =
      p.restoration.green_conversion_share * p.economy.green_net_income_yuan_per_ha +
      (p.market.carbon_enabled
           ? p.restoration.sequestration_t_co2_per_ha_year * p.market.carbon_price_yuan_per_t
           : 0.0);
  const double yield =
      p.market.bonds_enabled
          ? equity_yield(revenue_per_ha, cost, p.market.bond_share, p.market.bond_rate)
          : project_yield(revenue_per_ha, cost);
  const double social = yield > p.market.ppp_hurdle_rate
                            ? std::min(p.market.ppp_capacity_yuan_per_year,
                                       (1.0 - p.government.fiscal_coverage) * need)
                            : 0.0;
  out.social_legacy_yuan_per_month = social / 12.0;
}

} // namespace restoration_finance
} // namespace minesim
