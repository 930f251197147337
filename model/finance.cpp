#include "model/finance.hpp"

#include "agents/mine/damage.hpp"
#include "agents/mine/restoration.hpp"
#include "agents/social_capital/market.hpp"
#include "engine/random.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {
namespace {

std::size_t lag_months(const World& w) {
  return static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
}

double& cohort(World& w, std::size_t mine, std::size_t slot, std::size_t funder) {
  return w.mines.restoring_cohort_ha[(mine * lag_months(w) + slot) * funder_count + funder];
}

} // namespace

double& restored_by(World& w, std::size_t mine, std::size_t funder) {
  return w.mines.restored_by_funder_ha[mine * funder_count + funder];
}

/// The ledger account that receives the income of land funded by `funder` at `mine`.
std::size_t funder_account(const World& w, std::size_t mine, std::size_t funder) {
  switch (funder) {
  case funder_enterprise:
    return w.enterprises.cash_account[static_cast<std::size_t>(w.mines.owner[mine])];
  case funder_state: return w.governments.higher_account;
  default: return w.accounts.social_capital;
  }
}

namespace {

/// Per mine: 1 - labour_cost_reduction * participating share of the households of villages
/// affected by the mine. Written to world.scratch.mine.
void labour_factors(World& w) {
  const auto& v = w.villages;
  const auto& h = w.households;
#pragma omp parallel for schedule(static)
  for (std::size_t a = 0; a < v.size(); ++a) {
    double participating = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      participating += h.participating[i];
    w.scratch.village[a] = participating;
  }
  std::vector<double>& factor = w.scratch.mine;
  std::fill(factor.begin(), factor.end(), 0.0);
  std::fill(w.scratch.affected_households.begin(), w.scratch.affected_households.end(),
            0.0); // households affected
  for (std::size_t a = 0; a < v.size(); ++a)
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k) {
      factor[v.affected_mine[k]] += w.scratch.village[a];
      w.scratch.affected_households[v.affected_mine[k]] += static_cast<double>(v.households(a));
    }
  for (std::size_t m = 0; m < factor.size(); ++m) {
    const double share =
        w.scratch.affected_households[m] > 0.0 ? factor[m] / w.scratch.affected_households[m] : 0.0;
    factor[m] = 1.0 - w.params.restoration.labour_cost_reduction * share;
  }
}

/// Establish (or fail) the cohorts that started `lag` months ago; return farmland to its
/// claimants in proportion to the established share of each mine's unrestored land.
void establish_cohorts(World& w, std::int64_t step) {
  auto& m = w.mines;
  const std::size_t slot = static_cast<std::size_t>(step) % lag_months(w);
  std::vector<double>& returned_share = w.scratch.mine_farmland_ha; // reused: per-mine scratch
  std::fill(returned_share.begin(), returned_share.end(), 0.0);
  w.finance.established_this_step_ha = 0.0;
  bool any_returned = false;
  for (std::size_t k = 0; k < m.size(); ++k) {
    double total = 0.0;
    for (std::size_t f = 0; f < funder_count; ++f)
      total += cohort(w, k, slot, f);
    if (total <= 0.0) continue;
    const double unrestored = m.damaged_ha[k] + m.restoring_ha[k];
    m.restoring_ha[k] = std::max(0.0, m.restoring_ha[k] - total);
    const bool established =
        CounterRng(seed_of(w), streams::establishment, static_cast<std::uint64_t>(step), k)
            .bernoulli(0, w.params.restoration.establishment_success);
    if (established) {
      m.restored_ha[k] += total;
      for (std::size_t f = 0; f < funder_count; ++f)
        restored_by(w, k, f) += cohort(w, k, slot, f);
      w.finance.regional_restored_ha += total;
      w.finance.established_this_step_ha += total;
      returned_share[k] = unrestored > 0.0 ? std::min(1.0, total / unrestored) : 0.0;
      any_returned = true;
    } else {
      m.damaged_ha[k] += total; // a failed cohort is damaged land again
    }
    for (std::size_t f = 0; f < funder_count; ++f)
      cohort(w, k, slot, f) = 0.0;
  }
  w.finance.established_total_ha += w.finance.established_this_step_ha;
  if (!any_returned) return;
  auto& h = w.households;
  const auto& v = w.villages;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::uint32_t a = h.village[i];
    const std::uint32_t first = v.affected_offsets[a];
    double returned = 0.0;
    for (std::uint32_t k = 0; k < v.affected_offsets[a + 1] - first; ++k) {
      const double share = returned_share[v.affected_mine[first + k]];
      if (share <= 0.0) continue;
      double& physical = w.claims.physical_ha[h.claim_first[i] + k];
      const double back = physical * share;
      physical -= back;
      returned += back;
    }
    h.damaged_land_ha[i] = std::max(0.0, h.damaged_land_ha[i] - returned);
  }
}

/// Move `area_ha` of mine k from damaged to this month's restoring cohort of `funder`.
void start_restoration(World& w, std::size_t k, std::size_t slot, std::size_t funder,
                       double area_ha) {
  w.mines.damaged_ha[k] -= area_ha;
  w.mines.restoring_ha[k] += area_ha;
  cohort(w, k, slot, funder) += area_ha;
}

/// Spend up to `budget_yuan` on legacy mines, split in proportion to their damaged land.
/// Returns the yuan actually spent (rounded per mine).
Yuan restore_legacy(World& w, std::size_t slot, std::size_t funder, double budget_yuan,
                    double cost_yuan_per_ha) {
  if (budget_yuan <= 0.0) return 0;
  auto& m = w.mines;
  double damaged = 0.0;
  for (std::size_t k = 0; k < m.size(); ++k)
    if (m.status[k] == MineStatus::legacy) damaged += m.damaged_ha[k];
  if (damaged <= 0.0) return 0;
  Yuan spent = 0;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.status[k] != MineStatus::legacy || m.damaged_ha[k] <= 0.0) continue;
    const double unit_cost = cost_yuan_per_ha * w.scratch.mine[k];
    const double area =
        std::min(m.damaged_ha[k], budget_yuan * m.damaged_ha[k] / damaged / unit_cost);
    start_restoration(w, k, slot, funder, area);
    spent += to_yuan(area * unit_cost);
  }
  return spent;
}

void sell_carbon(World& w) {
  const auto& r = w.params.restoration;
  const auto& mk = w.params.market;
  auto& m = w.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.restored_ha[k] <= 0.0) continue;
    w.finance.carbon_sink_t_co2 += m.restored_ha[k] * r.sequestration_t_co2_per_ha_year / 12.0;
    if (!mk.carbon_enabled) continue;
    for (std::size_t f = 0; f < funder_count; ++f) {
      const double ha = restored_by(w, k, f);
      if (ha <= 0.0) continue;
      const Yuan revenue = to_yuan(monthly_carbon_revenue_yuan(
          ha, r.sequestration_t_co2_per_ha_year, mk.carbon_price_yuan_per_t));
      w.ledger.transfer(Ledger::outside, funder_account(w, k, f), revenue, flow_carbon_revenue);
      if (f == funder_state) w.finance.fiscal_balance_yuan += revenue;
    }
  }
}

void assign_mining_jobs(World& w) {
  const auto& p = w.params;
  auto& h = w.households;
  const auto& v = w.villages;
  const auto& m = w.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.status[k] != MineStatus::active) continue;
    const std::int64_t jobs = mining_jobs(p.economy, m.output_t_per_month[k]);
    // Candidates: farming households of villages within the job radius, nearest village
    // first, then by random key.
    std::vector<std::tuple<double, std::uint64_t, std::uint32_t>> candidates;
    for (std::size_t a = 0; a < v.size(); ++a) {
      const double d = std::hypot(v.x_km[a] - m.x_km[k], v.y_km[a] - m.y_km[k]);
      if (d > p.economy.mining_job_radius_km) continue;
      for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
        if (h.sector[i] == Sector::agriculture)
          candidates.emplace_back(d, CounterRng(seed_of(w), streams::mining_jobs, 0, i, k).bits(0),
                                  i);
    }
    const auto hired = static_cast<std::size_t>(
        std::min<std::int64_t>(jobs, static_cast<std::int64_t>(candidates.size())));
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(hired),
                      candidates.end());
    for (std::size_t c = 0; c < hired; ++c) {
      const std::uint32_t i = std::get<2>(candidates[c]);
      h.sector[i] = Sector::mining;
      w.households.employer[i] = static_cast<std::int32_t>(k);
    }
    w.mines.workers[k] = static_cast<std::int64_t>(hired);
  }
}

} // namespace

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
          "inspection_cost"};
}

double active_cost_yuan_per_ha(const World& w) {
  const auto& r = w.params.restoration;
  return learning_cost_yuan_per_ha(r.cost_active_yuan_per_ha, w.finance.regional_restored_ha,
                                   r.learning_exponent, w.params.market.carbon_learning_boost,
                                   w.params.market.carbon_enabled);
}

double legacy_cost_yuan_per_ha(const World& w) {
  const auto& r = w.params.restoration;
  return learning_cost_yuan_per_ha(r.cost_legacy_yuan_per_ha, w.finance.regional_restored_ha,
                                   r.learning_exponent, w.params.market.carbon_learning_boost,
                                   w.params.market.carbon_enabled);
}

double enterprise_cash_yuan(const World& w) {
  double cash = 0.0;
  for (const std::size_t a : w.enterprises.cash_account)
    cash += static_cast<double>(w.ledger.balance(a));
  return cash;
}

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
  w.mines.restoring_cohort_ha.assign(mines * lag_months(w) * funder_count, 0.0);
  w.mines.restored_by_funder_ha.assign(mines * funder_count, 0.0);
  w.finance.bond_payment_ends.assign(static_cast<std::size_t>(p.simulation.steps) + 1, 0.0);
  w.households.employer.assign(w.households.size(), -1);
  w.mines.workers.assign(mines, 0);
  w.scratch.job_candidates.reserve(w.households.size());
  assign_mining_jobs(w);
  plan_year(w, 0);
}

void restore(World& w, std::int64_t step) {
  const auto& p = w.params;
  auto& ledger = w.ledger;
  establish_cohorts(w, step);
  labour_factors(w);
  const std::size_t slot = static_cast<std::size_t>(step) % lag_months(w);
  const double active_cost = active_cost_yuan_per_ha(w);
  const double legacy_cost = legacy_cost_yuan_per_ha(w);

  // Owners restore their active and closed mines, paying from the deposit first.
  auto& m = w.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.owner[k] < 0 || m.damaged_ha[k] <= 0.0) continue;
    const auto owner = static_cast<std::size_t>(m.owner[k]);
    const bool complies = p.enterprises.restoration_duty && w.enterprises.complies[owner];
    const double area =
        owner_restoration_ha(complies, m.new_damage_ha[k], m.damaged_ha[k],
                             p.enterprises.backlog_share_per_year, p.enterprises.shirk_effort);
    if (!complies) {
      // What a complier would have restored: the basis of fines (MODEL.md §4.8).
      const double full = owner_restoration_ha(true, m.new_damage_ha[k], m.damaged_ha[k],
                                               p.enterprises.backlog_share_per_year, 1.0);
      m.avoided_ha[k] += full - area;
      m.avoided_yuan[k] += (full - area) * active_cost * w.scratch.mine[k];
    }
    if (area <= 0.0) continue;
    start_restoration(w, k, slot, funder_enterprise, area);
    const Yuan cost = to_yuan(area * active_cost * w.scratch.mine[k]);
    const std::size_t deposit = w.enterprises.deposit_account[owner];
    const Yuan from_deposit = std::clamp<Yuan>(ledger.balance(deposit), 0, cost);
    ledger.transfer(deposit, Ledger::outside, from_deposit, flow_restoration_enterprise);
    ledger.transfer(w.enterprises.cash_account[owner], Ledger::outside, cost - from_deposit,
                    flow_restoration_enterprise);
  }

  // Legacy mines: the higher government's share, then social capital's.
  const Yuan state =
      restore_legacy(w, slot, funder_state, w.finance.state_legacy_yuan_per_month, legacy_cost);
  ledger.transfer(w.governments.higher_account, Ledger::outside, state, flow_restoration_state);
  w.finance.fiscal_balance_yuan -= state;
  if (w.finance.bond_payment_yuan_per_month > 0.0) {
    ledger.transfer(w.accounts.social_capital, Ledger::outside,
                    to_yuan(w.finance.bond_payment_yuan_per_month), flow_bond_repayment);
    w.finance.bond_payment_yuan_per_month =
        std::max(0.0, w.finance.bond_payment_yuan_per_month -
                          w.finance.bond_payment_ends[static_cast<std::size_t>(step)]);
  }
  const Yuan social =
      restore_legacy(w, slot, funder_social, w.finance.social_legacy_yuan_per_month, legacy_cost);
  if (social > 0 && p.market.bonds_enabled) {
    const Yuan proceeds = to_yuan(p.market.bond_share * static_cast<double>(social));
    ledger.transfer(Ledger::outside, w.accounts.social_capital, proceeds, flow_bond_proceeds);
    const double months = 12.0 * p.market.bond_term_years;
    const double payment = bond_payment_yuan_per_month(
        static_cast<double>(proceeds), p.market.bond_rate, p.market.bond_term_years);
    w.finance.bond_payment_yuan_per_month += payment;
    const auto last = static_cast<std::size_t>(step) + static_cast<std::size_t>(months);
    if (last < w.finance.bond_payment_ends.size()) w.finance.bond_payment_ends[last] += payment;
  }
  ledger.transfer(w.accounts.social_capital, Ledger::outside, social, flow_restoration_social);

  sell_carbon(w);
}

void plan_year(World& w, std::int64_t /*step*/) {
  const auto& p = w.params;
  auto& ledger = w.ledger;
  const auto lapse_and_refill = [&](std::size_t account, double budget) {
    const Yuan left = ledger.balance(account);
    if (left > 0) ledger.transfer(account, Ledger::outside, left, flow_budget_lapse);
    ledger.transfer(Ledger::outside, account, to_yuan(budget), flow_fiscal_grant);
  };
  for (const std::size_t county : w.governments.account)
    lapse_and_refill(county, p.government.county_budget_yuan_per_year);

  double legacy_damaged = 0.0;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] == MineStatus::legacy) legacy_damaged += w.mines.damaged_ha[k];
  const double cost = legacy_cost_yuan_per_ha(w);
  const double need = legacy_damaged * cost / p.government.legacy_plan_years;
  const double state = p.government.fiscal_coverage * need;
  lapse_and_refill(w.governments.higher_account, state);
  w.finance.state_legacy_yuan_per_month = state / 12.0;

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
  w.finance.social_legacy_yuan_per_month = social / 12.0;
}

} // namespace minesim
