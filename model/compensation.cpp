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

std::uint64_t seed_of(const World& w) {
  return static_cast<std::uint64_t>(w.params.simulation.seed);
}

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
  const std::uint32_t i = w.claim_household[c];
  const ClaimRange r = claims_of(w, i);
  return w.villages.affected_mine[r.affected_first + (c - r.first)];
}

double payer_generosity(const World& w, Payer payer, std::size_t mine) {
  const std::uint8_t county = w.mines.county[mine];
  switch (payer) {
  case Payer::enterprise:
    return w.enterprise_generosity[static_cast<std::size_t>(w.mines.owner[mine])];
  case Payer::local_government:
  case Payer::enterprise_and_local_government: return w.county_generosity[county];
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
  const std::size_t county = w.governments.county[w.mines.county[mine]];
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
    return {w.state_compensation_account, w.state_compensation_account, 1.0,
            flow_compensation_state, flow_compensation_state};
  case Payer::social_capital:
    return {w.social_compensation_account, w.social_compensation_account, 1.0,
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
      w.claim_outcome[c] = outcome_none;
      if (opening && w.claim_round[c] < 0 && w.claim_pending_yuan[c] == 0 &&
          h.claim_uncompensated_ha[c] > 1e-9) {
        w.claim_round[c] = 0;
        w.claim_start[c] = static_cast<std::int32_t>(step);
        w.claim_dispute[c] = 0; // a reopened dispute is negotiated again
      }
      if (w.claim_round[c] < 0) continue;
      const std::size_t mine = w.villages.affected_mine[r.affected_first + (c - r.first)];
      const ModelTerms terms = terms_of(w, mine);
      const std::int64_t elapsed = step - w.claim_start[c];
      if (elapsed % terms.months_per_round != 0) continue;
      if (!ratio_known) {
        nbr_ratio = neighbour_ratio(w, i).mean;
        ratio_known = true;
      }
      const std::int64_t k = elapsed / terms.months_per_round;
      const double official = h.claim_uncompensated_ha[c] * official_per_ha;
      const double offer = offer_yuan(official, payer_generosity(w, terms.payer, mine), k,
                                      np.payer_concession, willingness_cap(np, terms.payer));
      const double informed = terms.government_organized
                                  ? effective_informed(h.informed[i], np.gov_trust_gain)
                                  : h.informed[i];
      const double demand =
          demand_yuan(official, h.expectation_multiplier[i], nbr_ratio, informed, k, np);
      w.claim_offer_yuan[c] = offer;
      w.claim_demand_yuan[c] = demand;
      if (offer >= demand) {
        w.claim_outcome[c] = outcome_agreed;
        w.claim_pending_yuan[c] = settlement_yuan(offer, demand);
        w.claim_round[c] = -1;
      } else if (k + 1 >= np.rounds) {
        w.claim_outcome[c] = outcome_dispute;
        w.claim_dispute[c] = 1;
        w.claim_round[c] = -1;
      } else {
        w.claim_outcome[c] = outcome_round;
        w.claim_round[c] = static_cast<std::int8_t>(k + 1);
      }
    }
  }
}

/// Record outcomes in claim order (households by id, then mines by id).
void record_outcomes(World& w, std::int64_t step) {
  std::vector<NegotiationEvent>* events =
      w.params.simulation.record_events ? &w.negotiation_events : nullptr;
  w.negotiations_this_step = 0;
  w.agreements_this_step = 0;
  for (std::size_t c = 0; c < w.claim_outcome.size(); ++c) {
    const std::uint8_t outcome = w.claim_outcome[c];
    if (outcome == outcome_none) continue;
    ++w.negotiations_this_step;
    if (outcome == outcome_round) continue;
    const std::size_t mine = mine_of_claim(w, c);
    const CompensationModel model = model_of_mine(w, mine);
    const bool agreed = outcome == outcome_agreed;
    if (agreed) ++w.agreements_this_step;
    if (events == nullptr) continue;
    const std::int64_t rounds = (step - w.claim_start[c]) / model_terms(model).months_per_round + 1;
    events->push_back(NegotiationEvent{step, w.claim_household[c], static_cast<std::int64_t>(mine),
                                       static_cast<std::int64_t>(model),
                                       static_cast<std::int64_t>(model_terms(model).payer),
                                       w.claim_offer_yuan[c], w.claim_demand_yuan[c], rounds,
                                       agreed ? 1 : 0, agreed ? w.claim_pending_yuan[c] : 0});
  }
}

/// Pay agreed claims in queue order: older negotiations first, then by a random key that a
/// claim keeps while it waits, then by claim id. A payer that cannot fund a claim funds none
/// after it this month, so waiting claims keep their place.
void pay_queue(World& w) {
  auto& h = w.households;
  auto& ledger = w.ledger;
  const NegotiationParams& np = w.params.negotiation;
  w.payment_queue.clear();
  for (std::uint32_t c = 0; c < w.claim_pending_yuan.size(); ++c)
    if (w.claim_pending_yuan[c] > 0) w.payment_queue.push_back(c);
  if (w.payment_queue.empty()) return;
  const auto key = [&](std::uint32_t c) {
    return CounterRng(seed_of(w), Stream::compensation_queue,
                      static_cast<std::uint64_t>(w.claim_start[c]), c)
        .bits(0);
  };
  std::sort(w.payment_queue.begin(), w.payment_queue.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (w.claim_start[a] != w.claim_start[b]) return w.claim_start[a] < w.claim_start[b];
    const auto ka = key(a), kb = key(b);
    return ka != kb ? ka < kb : a < b;
  });
  std::vector<std::uint8_t>& blocked = w.blocked_accounts;
  std::fill(blocked.begin(), blocked.end(), 0);

  for (const std::uint32_t c : w.payment_queue) {
    const std::size_t mine = mine_of_claim(w, c);
    const ModelTerms terms = terms_of(w, mine);
    const PaymentAccounts acc = accounts_of(w, terms.payer, mine);
    if (blocked[acc.first] || blocked[acc.second]) continue;
    const Yuan amount = w.claim_pending_yuan[c];
    const std::uint32_t i = w.claim_household[c];
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
      w.claim_annuity_yuan_per_month[c] = annuity_month;
      w.claim_annuity_end[c] = static_cast<std::int32_t>(
          w.step_now +
          static_cast<std::int64_t>(std::llround(12.0 * w.params.compensation.period_years)));
    } else {
      const Yuan first_cash = to_yuan(acc.first_share * static_cast<double>(cash));
      ledger.transfer(acc.first, w.households_account, first_cash, acc.first_kind);
      ledger.transfer(acc.second, w.households_account, cash - first_cash, acc.second_kind);
      h.received_yuan[i] += static_cast<double>(cash);
    }
    if (placed_in_job) {
      // The in-kind part: a green job placement, valued at its share of the amount.
      h.sector[i] = Sector::green;
      ++w.placed_green_workers;
      if (w.employer[i] >= 0) {
        --w.mine_workers[static_cast<std::size_t>(w.employer[i])];
        w.employer[i] = -1;
      }
      h.received_yuan[i] += static_cast<double>(amount - cash);
      w.in_kind_yuan += amount - cash;
    }
    h.claim_uncompensated_ha[c] = 0.0;
    w.claim_pending_yuan[c] = 0;
  }
}

/// State-funded annuities: each active one pays its monthly part, in whole yuan.
void pay_annuities(World& w, std::int64_t step) {
  auto& h = w.households;
  Yuan total = 0;
  for (std::size_t c = 0; c < w.claim_annuity_yuan_per_month.size(); ++c) {
    const double part = w.claim_annuity_yuan_per_month[c];
    if (part <= 0.0) continue;
    if (step > w.claim_annuity_end[c]) {
      w.claim_annuity_yuan_per_month[c] = 0.0;
      continue;
    }
    const Yuan paid = to_yuan(part);
    h.received_yuan[w.claim_household[c]] += static_cast<double>(paid);
    total += paid;
  }
  // Contracted payments are made even when they overdraw the budget (a state obligation).
  w.ledger.transfer(w.state_compensation_account, w.households_account, total,
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
  std::vector<double>& claim_area = w.mine_weight; // per mine: all claimants' damaged area
  std::fill(claim_area.begin(), claim_area.end(), 0.0);
  for (std::size_t c = 0; c < w.claim_total_ha.size(); ++c)
    claim_area[mine_of_claim(w, c)] += w.claim_total_ha[c];
  for (std::size_t f = 0; f < funder_count; ++f) {
    std::vector<double>& pool = w.mine_scratch; // this funder's dividend pool per mine
    for (std::size_t m = 0; m < mines; ++m) {
      const double ha = w.restored_by_funder_ha[m * funder_count + f] *
                        w.params.restoration.green_conversion_share;
      pool[m] = claim_area[m] > 0.0
                    ? share * ha * w.params.economy.green_net_income_yuan_per_ha / 12.0
                    : 0.0;
    }
    for (std::size_t c = 0; c < w.claim_total_ha.size(); ++c) {
      const std::size_t m = mine_of_claim(w, c);
      if (pool[m] <= 0.0) continue;
      const auto paid =
          static_cast<Yuan>(std::floor(pool[m] * w.claim_total_ha[c] / claim_area[m]));
      if (paid <= 0) continue;
      const std::size_t payer =
          f == funder_enterprise
              ? w.enterprises.cash_account[static_cast<std::size_t>(w.mines.owner[m])]
          : f == funder_state ? w.governments.higher
                              : w.social_capital_account;
      w.ledger.transfer(payer, w.households_account, paid, flow_dividends);
      h.received_yuan[w.claim_household[c]] += static_cast<double>(paid);
    }
  }
}

/// Hearings (every hearing_interval months in both counties), then information diffusion
/// over the network and forgetting. Reads the start-of-phase information of everyone.
void inform(World& w, std::int64_t step) {
  auto& h = w.households;
  const ParticipationParams& pp = w.params.participation;
  const bool hearing = step % pp.hearing_interval_months == 0;
  for (auto& held : w.hearings_held)
    held = static_cast<std::uint16_t>(((held << 1) | (hearing ? 1 : 0)) & 0x0FFF);
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const bool attends = hearing && h.participating[i] != 0;
    w.hearings_attended[i] =
        static_cast<std::uint16_t>(((w.hearings_attended[i] << 1) | (attends ? 1 : 0)) & 0x0FFF);
    const double own = h.informed[i];
    double best = 0.0;
    const auto nbrs = w.network.neighbours(i);
    const CounterRng rng(seed, Stream::diffusion, static_cast<std::uint64_t>(step), i);
    // A neighbour's information is read only when it is heard (about one in five): at a
    // million households those reads are cache misses, and skipping them matters more than
    // the Philox blocks (measured: drawing lazily in order of gain was slower at 1M).
    std::array<std::uint64_t, 4> draws{};
    for (std::size_t k = 0; k < nbrs.size(); ++k) {
      if (k % 4 == 0) draws = rng.block(k / 4); // draw k is the same as rng.uniform(k)
      const std::uint32_t j = nbrs[k];
      const double p = h.participating[j] ? pp.diffusion_from_participant : pp.diffusion_from_other;
      if (CounterRng::to_uniform(draws[k % 4]) < p)
        best = std::max(best, learnt_from(own, h.informed[j], pp.diffusion_learning));
    }
    double next = own + best;
    if (attends) next = after_hearing(next, pp.hearing_information_gain);
    w.informed_next[i] = std::clamp(next * (1.0 - pp.forgetting_per_month), 0.0, 1.0);
  }
  h.informed.swap(w.informed_next);
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
  const std::size_t claims = w.households.claim_physical_ha.size();
  w.claim_round.assign(claims, -1);
  w.claim_start.assign(claims, 0);
  w.claim_dispute.assign(claims, 0);
  w.claim_outcome.assign(claims, outcome_none);
  w.claim_offer_yuan.assign(claims, 0.0);
  w.claim_demand_yuan.assign(claims, 0.0);
  w.claim_pending_yuan.assign(claims, 0);
  w.claim_annuity_yuan_per_month.assign(claims, 0.0);
  w.claim_annuity_end.assign(claims, 0);
  w.claim_total_ha = w.households.claim_physical_ha;
  w.claim_household.resize(claims);
  for (std::uint32_t i = 0; i < w.households.size(); ++i) {
    const ClaimRange r = claims_of(w, i);
    for (std::uint32_t c = r.first; c < r.first + r.count; ++c)
      w.claim_household[c] = i;
  }
  w.payment_queue.reserve(claims);
  w.enterprise_generosity.assign(w.enterprises.size(), 1.0);
  w.county_generosity = {1.0, 1.0};
  w.state_compensation_account = w.ledger.add_account("state compensation budget");
  w.social_compensation_account = w.ledger.add_account("social capital compensation funds");
  w.blocked_accounts.assign(w.ledger.accounts(), 0);
  const std::size_t n = w.households.size();
  w.informed_next.assign(n, 0.0);
  w.participating_next.assign(n, 0);
  w.hearings_attended.assign(n, 0);
  w.village_ni.assign(w.villages.size(), 0.0);
}

void negotiate(World& w, std::int64_t step) {
  w.step_now = step;
  hold_rounds(w, step);
  record_outcomes(w, step);
  pay_queue(w);
  pay_annuities(w, step);
  pay_dividends(w);
  inform(w, step);
}

void decide_participation(World& w, std::int64_t step) {
  auto& h = w.households;
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const auto nbrs = w.network.neighbours(i);
    double participating = 0.0;
    for (const std::uint32_t j : nbrs)
      participating += h.participating[j];
    const double share = nbrs.empty() ? 0.0 : participating / static_cast<double>(nbrs.size());
    const double p =
        participation_probability(w.params.participation, h.latent[latent_R][i], share);
    w.participating_next[i] =
        CounterRng(seed, Stream::participation, static_cast<std::uint64_t>(step), i).uniform(0) < p
            ? 1
            : 0;
  }
  h.participating.swap(w.participating_next);
}

void update_negotiation_index(World& w) {
  const auto& v = w.villages;
  const auto& h = w.households;
#pragma omp parallel for schedule(static)
  for (std::size_t a = 0; a < v.size(); ++a) {
    const int held = std::popcount(static_cast<unsigned>(w.hearings_held[v.county[a]]));
    double c_sum = 0.0, employed = 0.0, frequency = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i) {
      c_sum += h.latent[latent_C][i];
      employed += (h.sector[i] == Sector::mining || h.sector[i] == Sector::green) ? 1.0 : 0.0;
      if (held > 0)
        frequency +=
            static_cast<double>(std::popcount(static_cast<unsigned>(w.hearings_attended[i]))) /
            held;
    }
    const double n = static_cast<double>(v.households(a));
    w.village_ni[a] = n > 0.0 ? negotiation_index(c_sum / n, employed / n, frequency / n) : 0.0;
  }
}

void plan_compensation_year(World& w, std::int64_t /*step*/) {
  const NegotiationParams& np = w.params.negotiation;
  auto& ledger = w.ledger;
  const auto lapse_and_refill = [&](std::size_t account, double budget) {
    const Yuan left = ledger.balance(account);
    if (left > 0) ledger.transfer(account, Ledger::outside, left, flow_budget_lapse);
    ledger.transfer(Ledger::outside, account, to_yuan(budget), flow_fiscal_grant);
  };
  lapse_and_refill(w.state_compensation_account, np.state_budget_yuan_per_year);
  lapse_and_refill(w.social_compensation_account, np.social_capital_budget_yuan_per_year);

  // Stability pressure raises a county's generosity and what it requires of its enterprises.
  std::array<double, 2> raise{};
  for (std::size_t county = 0; county < 2; ++county)
    raise[county] = np.pressure_generosity_gain * w.stability_pressure[county] / 100.0;
  if (w.params.policy.adaptive_compensation) {
    update_negotiation_index(w);
    std::array<double, 2> ni_sum{}, villages{};
    for (std::size_t a = 0; a < w.villages.size(); ++a) {
      ni_sum[w.villages.county[a]] += w.village_ni[a];
      villages[w.villages.county[a]] += 1.0;
    }
    for (std::size_t county = 0; county < 2; ++county)
      if (villages[county] > 0.0 &&
          ni_sum[county] / villages[county] < w.params.policy.ni_threshold)
        raise[county] += w.params.policy.ni_adjustment;
  }
  for (std::size_t county = 0; county < 2; ++county)
    w.county_generosity[county] =
        std::min(np.willingness_cap_government, w.county_generosity[county] + raise[county]);
  // An enterprise follows the requirement of the county of its first mine.
  for (std::size_t m = 0; m < w.mines.size(); ++m) {
    if (w.mines.owner[m] < 0) continue;
    double& g = w.enterprise_generosity[static_cast<std::size_t>(w.mines.owner[m])];
    g = std::min(np.willingness_cap_enterprise,
                 std::max(g, w.county_generosity[w.mines.county[m]]));
  }
}

} // namespace minesim
