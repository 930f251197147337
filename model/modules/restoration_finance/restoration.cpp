// Restoration work (docs/odd.md §3.5, §3.6): cohorts establish or fail, owners restore their
// mines from deposit and cash, the higher government and social capital restore legacy
// mines (social capital partly bond-financed), and established land sells its carbon.
#include "agents/social_capital/market.hpp"
#include "engine/random.hpp"
#include "model/modules/restoration_finance/phases.hpp"

#include <algorithm>
#include <cmath>

namespace minesim::restoration_finance {
namespace {

/// An uncompensated area this small after land is returned counts as none (claims with
/// damage have more than 1e-9 ha uncompensated: ClaimStore::unsettled).
constexpr double uncompensated_epsilon_ha = 1e-9;

/// Per mine: 1 - labour_cost_reduction * participating share of the households of villages
/// affected by the mine. Written to scratch.labour_factor.
void labour_factors(const World& w, RestorationScratch& scratch) {
  const auto& v = w.villages;
  const auto& h = w.households;
#pragma omp parallel for schedule(static)
  for (std::size_t a = 0; a < v.size(); ++a) {
    double participating = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      participating += h.participating[i];
    scratch.participants_per_village[a] = participating;
  }
  std::vector<double>& factor = scratch.labour_factor;
  std::vector<double>& affected = scratch.households_per_mine; // households affected
  std::fill(factor.begin(), factor.end(), 0.0);
  std::fill(affected.begin(), affected.end(), 0.0);
  for (std::size_t a = 0; a < v.size(); ++a)
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k) {
      factor[v.affected_mine[k]] += scratch.participants_per_village[a];
      affected[v.affected_mine[k]] += static_cast<double>(v.households(a));
    }
  for (std::size_t m = 0; m < factor.size(); ++m) {
    const double share = affected[m] > 0.0 ? factor[m] / affected[m] : 0.0;
    factor[m] = 1.0 - w.params.restoration.labour_cost_reduction * share;
  }
}

/// Establish (or fail) the cohorts that started `lag` months ago; return farmland to its
/// claimants in proportion to the established share of each mine's unrestored land. Returned
/// land ends the claim on it (docs/odd.md §3.7, rev. 2): the claim's uncompensated area falls by
/// the returned area too (never below 0; nothing is owed for land returned before an
/// agreement), amounts already agreed stand, and a claim left with no uncompensated area has
/// no damage clock. The household's official value of its damage loses the returned area it
/// was still owed for, at the current official value per ha, unless an agreement on the claim
/// is waiting for payment (that agreed amount covers the land and stands).
void establish_cohorts(const World& w, const RestorationWrites& out, RestorationScratch& scratch,
                       std::int64_t step) {
  const std::size_t lag = lag_months(w);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  std::vector<double>& returned_share = scratch.returned_share;
  std::fill(returned_share.begin(), returned_share.end(), 0.0);
  out.established_this_step_ha = 0.0;
  bool any_returned = false;
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    double total = 0.0;
    for (std::size_t f = 0; f < funder_count; ++f)
      total += out.restoring_cohort_ha[cohort_index(lag, k, slot, f)];
    if (total <= 0.0) continue;
    const double unrestored = out.damaged_ha[k] + out.restoring_ha[k];
    out.restoring_ha[k] = std::max(0.0, out.restoring_ha[k] - total);
    const bool established =
        CounterRng(seed_of(w), streams::establishment, static_cast<std::uint64_t>(step), k)
            .bernoulli(0, w.params.restoration.establishment_success);
    if (established) {
      out.restored_ha[k] += total;
      for (std::size_t f = 0; f < funder_count; ++f)
        out.restored_by_funder_ha[k * funder_count + f] +=
            out.restoring_cohort_ha[cohort_index(lag, k, slot, f)];
      out.regional_restored_ha += total;
      out.established_this_step_ha += total;
      returned_share[k] = unrestored > 0.0 ? std::min(1.0, total / unrestored) : 0.0;
      any_returned = true;
    } else {
      out.damaged_ha[k] += total; // a failed cohort is damaged land again
    }
    for (std::size_t f = 0; f < funder_count; ++f)
      out.restoring_cohort_ha[cohort_index(lag, k, slot, f)] = 0.0;
  }
  out.established_total_ha += out.established_this_step_ha;
  if (!any_returned) return;
  const auto& h = w.households;
  const auto& v = w.villages;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::uint32_t a = h.village[i];
    const std::uint32_t first = v.affected_offsets[a];
    double returned = 0.0;
    double released = 0.0; // uncompensated area returned before any agreement
    for (std::uint32_t k = 0; k < v.affected_offsets[a + 1] - first; ++k) {
      const double share = returned_share[v.affected_mine[first + k]];
      if (share <= 0.0) continue;
      const std::size_t c = h.claim_first[i] + k;
      double& physical = out.claim_physical_ha[c];
      const double back = physical * share;
      physical -= back;
      returned += back;
      double& uncompensated = out.claim_uncompensated_ha[c];
      if (uncompensated <= 0.0) continue;
      double left = uncompensated - back;
      if (left <= uncompensated_epsilon_ha) left = 0.0;
      if (w.claims.pending_yuan[c] == 0) released += uncompensated - left;
      uncompensated = left;
      if (left == 0.0 && !out.claim_damaged_since.empty())
        out.claim_damaged_since[c] = ClaimStore::no_step;
    }
    out.damaged_land_ha[i] = std::max(0.0, out.damaged_land_ha[i] - returned);
    if (released > 0.0)
      out.official_value_yuan[i] =
          std::max(0.0, out.official_value_yuan[i] - released * w.official_value_yuan_per_ha);
  }
}

/// Move `area_ha` of mine k from damaged to this month's restoring cohort of `funder`.
void start_restoration(const RestorationWrites& out, std::size_t lag, std::size_t k,
                       std::size_t slot, std::size_t funder, double area_ha) {
  out.damaged_ha[k] -= area_ha;
  out.restoring_ha[k] += area_ha;
  out.restoring_cohort_ha[cohort_index(lag, k, slot, funder)] += area_ha;
}

/// A county value meaning every county.
constexpr std::size_t all_counties = static_cast<std::size_t>(-1);

/// Spend up to `budget_yuan` on the legacy mines of `county` (all_counties: every legacy
/// mine), split in proportion to their damaged land. Returns the yuan actually spent
/// (rounded per mine).
Yuan restore_legacy(const World& w, const RestorationWrites& out, const RestorationScratch& scratch,
                    std::size_t slot, std::size_t funder, double budget_yuan,
                    double cost_yuan_per_ha, std::size_t county = all_counties) {
  if (budget_yuan <= 0.0) return 0;
  const auto& m = w.mines;
  const auto eligible = [&](std::size_t k) {
    return m.status[k] == MineStatus::legacy && (county == all_counties || m.county[k] == county);
  };
  double damaged = 0.0;
  for (std::size_t k = 0; k < m.size(); ++k)
    if (eligible(k)) damaged += out.damaged_ha[k];
  if (damaged <= 0.0) return 0;
  const std::size_t lag = lag_months(w);
  Yuan spent = 0;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (!eligible(k) || out.damaged_ha[k] <= 0.0) continue;
    const double unit_cost = cost_yuan_per_ha * scratch.labour_factor[k];
    const double area =
        std::min(out.damaged_ha[k], budget_yuan * out.damaged_ha[k] / damaged / unit_cost);
    start_restoration(out, lag, k, slot, funder, area);
    spent += to_yuan(area * unit_cost);
  }
  return spent;
}

void sell_carbon(const World& w, const RestorationWrites& out) {
  const auto& r = w.params.restoration;
  const auto& mk = w.params.market;
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    if (out.restored_ha[k] <= 0.0) continue;
    out.carbon_sink_t_co2 += out.restored_ha[k] * r.sequestration_t_co2_per_ha_year / 12.0;
    if (!mk.carbon_enabled) continue;
    for (std::size_t f = 0; f < funder_count; ++f) {
      const double ha = out.restored_by_funder_ha[k * funder_count + f];
      if (ha <= 0.0) continue;
      const Yuan revenue = to_yuan(monthly_carbon_revenue_yuan(
          ha, r.sequestration_t_co2_per_ha_year, mk.carbon_price_yuan_per_t));
      out.ledger.transfer(Ledger::outside, funder_account(w, k, f), revenue, flow_carbon_revenue);
      if (f == funder_state || f == funder_county) out.fiscal_balance_yuan += revenue;
    }
  }
}

} // namespace

double legacy_cost_yuan_per_ha(const World& w) {
  const auto& r = w.params.restoration;
  return learning_cost_yuan_per_ha(r.cost_legacy_yuan_per_ha, w.finance.regional_restored_ha,
                                   r.learning_exponent, w.params.market.carbon_learning_boost,
                                   w.params.market.carbon_enabled);
}

void restore(const World& w, const RestorationWrites& out, RestorationScratch& scratch,
             std::int64_t step) {
  const auto& p = w.params;
  Ledger& ledger = out.ledger;
  establish_cohorts(w, out, scratch, step);
  labour_factors(w, scratch);
  const std::size_t lag = lag_months(w);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  // On the learning curve of the land established so far, this step's included: the world
  // reads out.regional_restored_ha as establish_cohorts left it.
  const double active_cost = active_cost_yuan_per_ha(w);
  const double legacy_cost = legacy_cost_yuan_per_ha(w);
  const std::vector<double>& labour_factor = scratch.labour_factor;

  // Owners restore their active and closed mines, paying from the deposit first.
  const auto& m = w.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.owner[k] < 0 || out.damaged_ha[k] <= 0.0) continue;
    const auto owner = static_cast<std::size_t>(m.owner[k]);
    const bool complies = p.enterprises.restoration_duty && w.enterprises.complies[owner];
    const double area =
        owner_restoration_ha(complies, m.new_damage_ha[k], out.damaged_ha[k],
                             p.enterprises.backlog_share_per_year, p.enterprises.shirk_effort);
    if (!complies) {
      // What a complier would have restored: the basis of fines (docs/odd.md §3.11).
      const double full = owner_restoration_ha(true, m.new_damage_ha[k], out.damaged_ha[k],
                                               p.enterprises.backlog_share_per_year, 1.0);
      out.avoided_ha[k] += full - area;
      out.avoided_yuan[k] += (full - area) * active_cost * labour_factor[k];
    }
    if (area <= 0.0) continue;
    start_restoration(out, lag, k, slot, funder_enterprise, area);
    const Yuan cost = to_yuan(area * active_cost * labour_factor[k]);
    const std::size_t deposit = w.enterprises.deposit_account[owner];
    const Yuan from_deposit = std::clamp<Yuan>(ledger.balance(deposit), 0, cost);
    ledger.transfer(deposit, Ledger::outside, from_deposit, flow_restoration_enterprise);
    ledger.transfer(w.enterprises.cash_account[owner], Ledger::outside, cost - from_deposit,
                    flow_restoration_enterprise);
  }

  // Legacy mines: the higher government's share, then social capital's.
  const Yuan state = restore_legacy(w, out, scratch, slot, funder_state,
                                    w.finance.state_legacy_yuan_per_month, legacy_cost);
  ledger.transfer(w.governments.higher_account, Ledger::outside, state, flow_restoration_state);
  out.fiscal_balance_yuan -= state;
  // Beside it, each county co-funds the legacy mines of its own strip from its fund.
  const auto& g = w.governments;
  for (std::size_t county = 0; county < g.size(); ++county) {
    const std::size_t fund = g.legacy_fund_account[county];
    const double budget = std::min(g.legacy_cofunding_yuan_per_month[county],
                                   static_cast<double>(std::max<Yuan>(0, ledger.balance(fund))));
    const Yuan spent =
        restore_legacy(w, out, scratch, slot, funder_county, budget, legacy_cost, county);
    ledger.transfer(fund, Ledger::outside, spent, flow_restoration_county);
    out.fiscal_balance_yuan -= spent;
  }
  if (out.bond_payment_yuan_per_month > 0.0) {
    ledger.transfer(w.accounts.social_capital, Ledger::outside,
                    to_yuan(out.bond_payment_yuan_per_month), flow_bond_repayment);
    out.bond_payment_yuan_per_month =
        std::max(0.0, out.bond_payment_yuan_per_month -
                          out.bond_payment_ends[static_cast<std::size_t>(step)]);
  }
  const Yuan social = restore_legacy(w, out, scratch, slot, funder_social,
                                     w.finance.social_legacy_yuan_per_month, legacy_cost);
  if (social > 0 && p.market.bonds_enabled) {
    const Yuan proceeds = to_yuan(p.market.bond_share * static_cast<double>(social));
    ledger.transfer(Ledger::outside, w.accounts.social_capital, proceeds, flow_bond_proceeds);
    const double months = 12.0 * p.market.bond_term_years;
    const double payment = bond_payment_yuan_per_month(
        static_cast<double>(proceeds), p.market.bond_rate, p.market.bond_term_years);
    out.bond_payment_yuan_per_month += payment;
    const auto last = static_cast<std::size_t>(step) + static_cast<std::size_t>(months);
    if (last < out.bond_payment_ends.size()) out.bond_payment_ends[last] += payment;
  }
  ledger.transfer(w.accounts.social_capital, Ledger::outside, social, flow_restoration_social);

  sell_carbon(w, out);
}

} // namespace minesim::restoration_finance
