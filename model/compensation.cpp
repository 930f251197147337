#include "model/compensation.hpp"

#include "agents/mine/restoration.hpp"
#include "agents/resident/compensation_fee.hpp"
#include "engine/random.hpp"
#include "model/finance.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace minesim {
namespace {

/// Claims of household i: [first, first + count), mine of the k-th via the village list.
struct ClaimRange {
  std::uint32_t first;
  std::uint32_t count;
  std::uint32_t affected_first; ///< index into villages.affected_mine
};

ClaimRange claims_of(const World& w, std::size_t i) {
  const std::uint32_t v = w.households.village[i];
  const std::uint32_t a = w.villages.affected_offsets[v];
  return {w.households.claim_first[i], w.villages.affected_offsets[v + 1] - a, a};
}

std::size_t mine_of_claim(const World& w, std::size_t c) {
  const std::uint32_t i = w.claims.household[c];
  const ClaimRange r = claims_of(w, i);
  return w.villages.affected_mine[r.affected_first + (c - r.first)];
}

double payer_generosity(const World& w, Payer payer, std::size_t mine) {
  const std::uint8_t county = w.mines.county[mine];
  switch (payer) {
  case Payer::enterprise:
    return w.enterprises.generosity[static_cast<std::size_t>(w.mines.owner[mine])];
  case Payer::local_government:
  case Payer::enterprise_and_local_government: return w.governments.generosity[county];
  case Payer::state:
  case Payer::social_capital: return 1.0;
  }
  return 1.0;
}

double willingness_cap(const NegotiationParams& p, Payer payer) {
  return payer == Payer::enterprise ? p.willingness_cap_enterprise : p.willingness_cap_government;
}

/// The terms of a claim's mine. A model whose payer is an enterprise cannot apply to a legacy
/// mine (it has no owner); those claims fall back to the legacy model.
ModelTerms terms_of(const World& w, std::size_t mine) {
  return model_terms(model_of_mine(w, mine));
}

struct PaymentAccounts {
  std::size_t first;
  std::size_t second; ///< the local government's account in the joint model
  double first_share; ///< share paid from `first`
  std::size_t first_kind;
  std::size_t second_kind;
};

PaymentAccounts accounts_of(const World& w, Payer payer, std::size_t mine) {
  const std::size_t county = w.governments.account[w.mines.county[mine]];
  const auto owner_cash = [&] {
    return w.enterprises.cash_account[static_cast<std::size_t>(w.mines.owner[mine])];
  };
  switch (payer) {
  case Payer::enterprise:
    return {owner_cash(), owner_cash(), 1.0, flow_compensation_enterprise,
            flow_compensation_enterprise};
  case Payer::local_government:
    return {county, county, 1.0, flow_compensation_local, flow_compensation_local};
  case Payer::enterprise_and_local_government:
    return {owner_cash(), county, w.params.negotiation.joint_enterprise_share,
            flow_compensation_enterprise, flow_compensation_local};
  case Payer::state:
    return {w.accounts.state_compensation, w.accounts.state_compensation, 1.0,
            flow_compensation_state, flow_compensation_state};
  case Payer::social_capital:
    return {w.accounts.social_compensation, w.accounts.social_compensation, 1.0,
            flow_compensation_social, flow_compensation_social};
  }
  return {0, 0, 1.0, 0, 0};
}

/// Open negotiations, hold due rounds. Parallel over households: each writes only its own
/// claims, reading the start-of-phase state.
void hold_rounds(World& w, std::int64_t step) {
  auto& h = w.households;
  const NegotiationParams& np = w.params.negotiation;
  const double official_per_ha = w.official_value_yuan_per_ha;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const ClaimRange r = claims_of(w, i);
    if (r.count == 0) continue;
    const bool opening = step % 12 == static_cast<std::int64_t>(h.village[i] % 12);
    bool ratio_known = false;
    double nbr_ratio = 1.0;
    for (std::uint32_t c = r.first; c < r.first + r.count; ++c) {
      w.claims.outcome[c] = outcome_none;
      if (opening && w.claims.round[c] < 0 && w.claims.pending_yuan[c] == 0 &&
          w.claims.uncompensated_ha[c] > 1e-9) {
        w.claims.round[c] = 0;
        w.claims.start[c] = static_cast<std::int32_t>(step);
        w.claims.dispute[c] = 0; // a reopened dispute is negotiated again
      }
      if (w.claims.round[c] < 0) continue;
      const std::size_t mine = w.villages.affected_mine[r.affected_first + (c - r.first)];
      const ModelTerms terms = terms_of(w, mine);
      const std::int64_t elapsed = step - w.claims.start[c];
      if (elapsed % terms.months_per_round != 0) continue;
      if (!ratio_known) {
        nbr_ratio = neighbour_ratio(w, i).mean;
        ratio_known = true;
      }
      const std::int64_t k = elapsed / terms.months_per_round;
      const double official = w.claims.uncompensated_ha[c] * official_per_ha;
      const double offer = offer_yuan(official, payer_generosity(w, terms.payer, mine), k,
                                      np.payer_concession, willingness_cap(np, terms.payer));
      const double informed = terms.government_organized
                                  ? effective_informed(h.informed[i], np.gov_trust_gain)
                                  : h.informed[i];
      const double demand =
          demand_yuan(official, h.expectation_multiplier[i], nbr_ratio, informed, k, np);
      w.claims.offer_yuan[c] = offer;
      w.claims.demand_yuan[c] = demand;
      if (offer >= demand) {
        w.claims.outcome[c] = outcome_agreed;
        w.claims.pending_yuan[c] = settlement_yuan(offer, demand);
        w.claims.round[c] = -1;
      } else if (k + 1 >= np.rounds) {
        w.claims.outcome[c] = outcome_dispute;
        w.claims.dispute[c] = 1;
        w.claims.round[c] = -1;
      } else {
        w.claims.outcome[c] = outcome_round;
        w.claims.round[c] = static_cast<std::int8_t>(k + 1);
      }
    }
  }
}

/// Record outcomes in claim order (households by id, then mines by id).
void record_outcomes(World& w, std::int64_t step) {
  std::vector<NegotiationEvent>* events =
      w.params.simulation.record_events ? &w.negotiation_events : nullptr;
  w.counts.negotiations = 0;
  w.counts.agreements = 0;
  for (std::size_t c = 0; c < w.claims.outcome.size(); ++c) {
    const std::uint8_t outcome = w.claims.outcome[c];
    if (outcome == outcome_none) continue;
    ++w.counts.negotiations;
    if (outcome == outcome_round) continue;
    const std::size_t mine = mine_of_claim(w, c);
    const CompensationModel model = model_of_mine(w, mine);
    const bool agreed = outcome == outcome_agreed;
    if (agreed) ++w.counts.agreements;
    if (events == nullptr) continue;
    const std::int64_t rounds =
        (step - w.claims.start[c]) / model_terms(model).months_per_round + 1;
    events->push_back(NegotiationEvent{step, w.claims.household[c], static_cast<std::int64_t>(mine),
                                       static_cast<std::int64_t>(model),
                                       static_cast<std::int64_t>(model_terms(model).payer),
                                       w.claims.offer_yuan[c], w.claims.demand_yuan[c], rounds,
                                       agreed ? 1 : 0, agreed ? w.claims.pending_yuan[c] : 0});
  }
}

/// Pay agreed claims in queue order: older negotiations first, then by a random key that a
/// claim keeps while it waits, then by claim id. A payer that cannot fund a claim funds none
/// after it this month, so waiting claims keep their place.
void pay_queue(World& w) {
  auto& h = w.households;
  auto& ledger = w.ledger;
  const NegotiationParams& np = w.params.negotiation;
  w.scratch.payment_queue.clear();
  for (std::uint32_t c = 0; c < w.claims.pending_yuan.size(); ++c)
    if (w.claims.pending_yuan[c] > 0) w.scratch.payment_queue.push_back(c);
  if (w.scratch.payment_queue.empty()) return;
  const auto key = [&](std::uint32_t c) {
    return CounterRng(seed_of(w), streams::compensation_queue,
                      static_cast<std::uint64_t>(w.claims.start[c]), c)
        .bits(0);
  };
  std::sort(w.scratch.payment_queue.begin(), w.scratch.payment_queue.end(),
            [&](std::uint32_t a, std::uint32_t b) {
              if (w.claims.start[a] != w.claims.start[b])
                return w.claims.start[a] < w.claims.start[b];
              const auto ka = key(a), kb = key(b);
              return ka != kb ? ka < kb : a < b;
            });
  std::vector<std::uint8_t>& blocked = w.scratch.blocked_accounts;
  std::fill(blocked.begin(), blocked.end(), 0);

  for (const std::uint32_t c : w.scratch.payment_queue) {
    const std::size_t mine = mine_of_claim(w, c);
    const ModelTerms terms = terms_of(w, mine);
    const PaymentAccounts acc = accounts_of(w, terms.payer, mine);
    if (blocked[acc.first] || blocked[acc.second]) continue;
    const Yuan amount = w.claims.pending_yuan[c];
    const std::uint32_t i = w.claims.household[c];
    // What must be available now: the lump-sum cash, or the first year of an annuity.
    Yuan cash = amount;
    bool placed_in_job = false;
    // Investment promotion: social capital's green projects place the household in a new
    // green job; a household that already has one is paid in cash.
    if (terms.payment == PaymentMix::in_kind_and_lump_sum && h.sector[i] != Sector::green) {
      placed_in_job = true;
      cash = to_yuan((1.0 - np.in_kind_share) * static_cast<double>(amount));
    }
    double annuity_month = 0.0;
    Yuan needed_now = cash;
    if (terms.payment == PaymentMix::annual) {
      const double period = w.params.compensation.period_years;
      annuity_month = annuity_yuan_per_year(static_cast<double>(amount),
                                            w.params.compensation.discount_rate, period) /
                      12.0;
      needed_now = to_yuan(12.0 * annuity_month);
    }
    const Yuan first_part = to_yuan(acc.first_share * static_cast<double>(needed_now));
    const Yuan second_part = needed_now - first_part;
    const bool funded =
        ledger.balance(acc.first) >= first_part + (acc.first == acc.second ? second_part : 0) &&
        ledger.balance(acc.second) >= second_part;
    if (!funded) {
      blocked[acc.first] = 1;
      blocked[acc.second] = 1;
      continue;
    }
    if (terms.payment == PaymentMix::annual) {
      w.claims.annuity_yuan_per_month[c] = annuity_month;
      w.claims.annuity_end[c] = static_cast<std::int32_t>(
          w.step_now +
          static_cast<std::int64_t>(std::llround(12.0 * w.params.compensation.period_years)));
    } else {
      const Yuan first_cash = to_yuan(acc.first_share * static_cast<double>(cash));
      ledger.transfer(acc.first, w.accounts.households, first_cash, acc.first_kind);
      ledger.transfer(acc.second, w.accounts.households, cash - first_cash, acc.second_kind);
      h.received_yuan[i] += static_cast<double>(cash);
    }
    if (placed_in_job) {
      // The in-kind part: a green job placement, valued at its share of the amount.
      h.sector[i] = Sector::green;
      ++w.jobs.placed_green_workers;
      if (w.households.employer[i] >= 0) {
        --w.mines.workers[static_cast<std::size_t>(w.households.employer[i])];
        w.households.employer[i] = -1;
      }
      h.received_yuan[i] += static_cast<double>(amount - cash);
      w.jobs.in_kind_yuan += amount - cash;
    }
    w.claims.uncompensated_ha[c] = 0.0;
    w.claims.pending_yuan[c] = 0;
  }
}

/// State-funded annuities: each active one pays its monthly part, in whole yuan.
void pay_annuities(World& w, std::int64_t step) {
  auto& h = w.households;
  Yuan total = 0;
  for (std::size_t c = 0; c < w.claims.annuity_yuan_per_month.size(); ++c) {
    const double part = w.claims.annuity_yuan_per_month[c];
    if (part <= 0.0) continue;
    if (step > w.claims.annuity_end[c]) {
      w.claims.annuity_yuan_per_month[c] = 0.0;
      continue;
    }
    const Yuan paid = to_yuan(part);
    h.received_yuan[w.claims.household[c]] += static_cast<double>(paid);
    total += paid;
  }
  // Contracted payments are made even when they overdraw the budget (a state obligation).
  w.ledger.transfer(w.accounts.state_compensation, w.accounts.households, total,
                    flow_compensation_state);
}

/// Development-right dividends: a share of each mine's green income, paid by the funders of
/// its green land to the households with claims on the mine, pro rata to the farmland the
/// mine has damaged on each claim (whole yuan per claim; remainders stay with the funder).
void pay_dividends(World& w) {
  const double share = w.params.negotiation.development_right_share;
  if (share <= 0.0) return;
  auto& h = w.households;
  const std::size_t mines = w.mines.size();
  std::vector<double>& claim_area = w.scratch.claim_area; // per mine: all claimants' damaged area
  std::fill(claim_area.begin(), claim_area.end(), 0.0);
  for (std::size_t c = 0; c < w.claims.total_ha.size(); ++c)
    claim_area[mine_of_claim(w, c)] += w.claims.total_ha[c];
  for (std::size_t f = 0; f < funder_count; ++f) {
    std::vector<double>& pool = w.scratch.mine; // this funder's dividend pool per mine
    for (std::size_t m = 0; m < mines; ++m) {
      const double ha = w.mines.restored_by_funder_ha[m * funder_count + f] *
                        w.params.restoration.green_conversion_share;
      pool[m] = claim_area[m] > 0.0
                    ? share * ha * w.params.economy.green_net_income_yuan_per_ha / 12.0
                    : 0.0;
    }
    for (std::size_t c = 0; c < w.claims.total_ha.size(); ++c) {
      const std::size_t m = mine_of_claim(w, c);
      if (pool[m] <= 0.0) continue;
      const auto paid =
          static_cast<Yuan>(std::floor(pool[m] * w.claims.total_ha[c] / claim_area[m]));
      if (paid <= 0) continue;
      const std::size_t payer =
          f == funder_enterprise
              ? w.enterprises.cash_account[static_cast<std::size_t>(w.mines.owner[m])]
          : f == funder_state ? w.governments.higher_account
                              : w.accounts.social_capital;
      w.ledger.transfer(payer, w.accounts.households, paid, flow_dividends);
      h.received_yuan[w.claims.household[c]] += static_cast<double>(paid);
    }
  }
}

} // namespace

CompensationModel model_of_mine(const World& w, std::size_t mine) {
  const NegotiationParams& np = w.params.negotiation;
  if (w.mines.owner[mine] < 0) {
    const Payer payer = model_terms(np.legacy_model).payer;
    const bool needs_owner =
        payer == Payer::enterprise || payer == Payer::enterprise_and_local_government;
    return needs_owner ? CompensationModel::state_funded : np.legacy_model;
  }
  return np.model;
}

NeighbourRatio neighbour_ratio(const World& w, std::size_t i) {
  // Computed per tie rather than from compensation_ratios: only the households of villages
  // in a negotiation month need it, so a pass over everyone would cost more.
  const auto& h = w.households;
  double sum = 0.0, count = 0.0;
  for (const std::uint32_t j : w.network.neighbours(i)) {
    if (h.received_yuan[j] > 0.0 && h.official_value_yuan[j] > 0.0) {
      sum += h.received_yuan[j] / h.official_value_yuan[j];
      count += 1.0;
    }
  }
  return count > 0.0 ? NeighbourRatio{sum / count, count} : NeighbourRatio{1.0, 0.0};
}

void initialise_compensation(World& w) {
  const std::size_t claims = w.claims.physical_ha.size();
  w.claims.round.assign(claims, -1);
  w.claims.start.assign(claims, 0);
  w.claims.dispute.assign(claims, 0);
  w.claims.outcome.assign(claims, outcome_none);
  w.claims.offer_yuan.assign(claims, 0.0);
  w.claims.demand_yuan.assign(claims, 0.0);
  w.claims.pending_yuan.assign(claims, 0);
  w.claims.annuity_yuan_per_month.assign(claims, 0.0);
  w.claims.annuity_end.assign(claims, 0);
  w.claims.total_ha = w.claims.physical_ha;
  w.claims.household.resize(claims);
  for (std::uint32_t i = 0; i < w.households.size(); ++i) {
    const ClaimRange r = claims_of(w, i);
    for (std::uint32_t c = r.first; c < r.first + r.count; ++c)
      w.claims.household[c] = i;
  }
  w.scratch.payment_queue.reserve(claims);
  w.enterprises.generosity.assign(w.enterprises.size(), 1.0);
  w.governments.generosity.assign(w.governments.size(), 1.0);
  w.governments.hearings_held.assign(w.governments.size(), 0);
  w.accounts.state_compensation = w.ledger.add_account("state compensation budget");
  w.accounts.social_compensation = w.ledger.add_account("social capital compensation funds");
  w.scratch.blocked_accounts.assign(w.ledger.accounts(), 0);
  const std::size_t n = w.households.size();
  w.households.informed_next.assign(n, 0.0);
  w.households.participating_next.assign(n, 0);
  w.households.hearings_attended.assign(n, 0);
  w.villages.negotiation_index.assign(w.villages.size(), 0.0);
}

void negotiate(World& w, std::int64_t step) {
  w.step_now = step;
  hold_rounds(w, step);
  record_outcomes(w, step);
  pay_queue(w);
  pay_annuities(w, step);
  pay_dividends(w);
}

void plan_compensation_year(World& w, std::int64_t /*step*/) {
  const NegotiationParams& np = w.params.negotiation;
  auto& ledger = w.ledger;
  const auto lapse_and_refill = [&](std::size_t account, double budget) {
    const Yuan left = ledger.balance(account);
    if (left > 0) ledger.transfer(account, Ledger::outside, left, flow_budget_lapse);
    ledger.transfer(Ledger::outside, account, to_yuan(budget), flow_fiscal_grant);
  };
  lapse_and_refill(w.accounts.state_compensation, np.state_budget_yuan_per_year);
  lapse_and_refill(w.accounts.social_compensation, np.social_capital_budget_yuan_per_year);

  // Stability pressure raises a county's generosity and what it requires of its enterprises.
  const std::size_t counties = w.governments.size();
  std::vector<double>& raise = w.scratch.county;
  for (std::size_t county = 0; county < counties; ++county)
    raise[county] = np.pressure_generosity_gain * w.governments.stability_pressure[county] / 100.0;
  if (w.params.policy.adaptive_compensation) {
    update_negotiation_index(w);
    std::vector<double>& ni_sum = w.scratch.county_ni_sum;
    std::vector<double>& villages = w.scratch.county_villages;
    std::fill(ni_sum.begin(), ni_sum.end(), 0.0);
    std::fill(villages.begin(), villages.end(), 0.0);
    for (std::size_t a = 0; a < w.villages.size(); ++a) {
      ni_sum[w.villages.county[a]] += w.villages.negotiation_index[a];
      villages[w.villages.county[a]] += 1.0;
    }
    for (std::size_t county = 0; county < counties; ++county)
      if (villages[county] > 0.0 &&
          ni_sum[county] / villages[county] < w.params.policy.ni_threshold)
        raise[county] += w.params.policy.ni_adjustment;
  }
  for (std::size_t county = 0; county < counties; ++county)
    w.governments.generosity[county] =
        std::min(np.willingness_cap_government, w.governments.generosity[county] + raise[county]);
  // An enterprise follows the requirement of the county of its first mine.
  for (std::size_t m = 0; m < w.mines.size(); ++m) {
    if (w.mines.owner[m] < 0) continue;
    double& g = w.enterprises.generosity[static_cast<std::size_t>(w.mines.owner[m])];
    g = std::min(np.willingness_cap_enterprise,
                 std::max(g, w.governments.generosity[w.mines.county[m]]));
  }
}

} // namespace minesim
