// Compensation (docs/odd.md §3.7): the claims' state, negotiation rounds under the five
// compensation models and their outcomes, and the monthly phase that runs them before the
// payments (payments.cpp).
#include "agents/resident/negotiation.hpp"
#include "engine/parallel.hpp"
#include "engine/random.hpp"
#include "model/modules/compensation/phases.hpp"

#include <algorithm>
#include <limits>

namespace minesim {
namespace {

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

} // namespace

std::size_t group_payers(const World& w, PaymentScratch& scratch) {
  std::vector<std::size_t>& root = scratch.account_root;
  for (std::size_t a = 0; a < root.size(); ++a)
    root[a] = a;
  const auto find = [&](std::size_t a) {
    while (root[a] != a)
      a = root[a] = root[root[a]];
    return a;
  };
  const std::size_t mines = w.mines.size();
  for (std::size_t m = 0; m < mines; ++m) {
    const PaymentAccounts acc = accounts_of(w, terms_of(w, m).payer, m);
    const std::size_t a = find(acc.first), b = find(acc.second);
    if (a != b) root[std::max(a, b)] = std::min(a, b);
  }
  std::vector<std::int64_t>& group = scratch.root_group;
  std::fill(group.begin(), group.end(), -1);
  std::size_t groups = 0;
  for (std::size_t m = 0; m < mines; ++m) {
    const std::size_t r = find(accounts_of(w, terms_of(w, m).payer, m).first);
    if (group[r] < 0) group[r] = static_cast<std::int64_t>(groups++);
    scratch.mine_group[m] = static_cast<std::uint32_t>(group[r]);
  }
  return groups;
}

/// Open the claims that their clock allows and compute the due rounds' offers and demands.
/// Parallel over households: each writes only its own claims, reading the start-of-phase
/// state. The outcome of a due round is decided by settle_rounds.
void hold_rounds(const World& w, const NegotiationRoundWrites& out, std::int64_t step) {
  const auto& h = w.households;
  const NegotiationParams& np = w.params.negotiation;
  const double official_per_ha = w.official_value_yuan_per_ha;
  const std::int64_t last_round = np.rounds - 1;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const ClaimRange r = claims_of(w, i);
    if (r.count == 0) continue;
    bool ratio_known = false;
    double nbr_ratio = 1.0;
    for (std::uint32_t c = r.first; c < r.first + r.count; ++c) {
      out.outcome[c] = outcome_none;
      // Damage that is paid for or returned (restored) no longer ages, and a dispute or a
      // negotiation whose whole area was returned ends without an outcome: nothing is owed
      // (docs/odd.md §3.7, rev. 2). A later claim on new damage counts its settlement time afresh.
      if (w.claims.uncompensated_ha[c] <= 1e-9) {
        out.damaged_since[c] = ClaimStore::no_step;
        out.dispute[c] = 0;
        if (out.round[c] >= 0 && out.pending_yuan[c] == 0) {
          out.round[c] = -1;
          out.first_opened[c] = ClaimStore::no_step;
        }
      }
      if (w.claims.may_open(c, step, np.filing_delay_months, np.claim_interval_months,
                            np.dispute_cooldown_months)) {
        out.round[c] = 0;
        out.start[c] = static_cast<std::int32_t>(step);
        out.dispute[c] = 0; // a reopened dispute is negotiated again
        const std::int32_t first = out.first_opened[c];
        if (first == ClaimStore::no_step ||
            (out.last_agreement[c] != ClaimStore::no_step && first <= out.last_agreement[c]))
          out.first_opened[c] = static_cast<std::int32_t>(step);
      }
      if (out.round[c] < 0) continue;
      const std::size_t mine = w.villages.affected_mine[r.affected_first + (c - r.first)];
      const ModelTerms terms = terms_of(w, mine);
      const std::int64_t elapsed = step - out.start[c];
      if (elapsed % terms.months_per_round != 0) continue;
      if (!ratio_known) {
        nbr_ratio = neighbour_ratio(w, i).mean;
        ratio_known = true;
      }
      const std::int64_t k = elapsed / terms.months_per_round;
      const double official = w.claims.uncompensated_ha[c] * official_per_ha;
      out.offer_yuan[c] =
          offer_yuan(official, payer_generosity(w, terms.payer, mine), k, last_round,
                     np.payer_reluctance, willingness_cap(np, terms.payer));
      const double informed = terms.government_organized
                                  ? effective_informed(h.informed[i], np.gov_trust_gain)
                                  : h.informed[i];
      out.demand_yuan[c] =
          demand_yuan(official, h.expectation_multiplier[i], nbr_ratio, informed, k, np);
      out.outcome[c] = outcome_round; // due: settle_rounds decides
    }
  }
}

void settle_rounds(const World& w, const NegotiationRoundWrites& out, PaymentScratch& scratch,
                   std::int64_t step) {
  const NegotiationParams& np = w.params.negotiation;
  std::vector<std::uint32_t>& due = scratch.due_rounds;
  collect_in_order(
      out.outcome.size(), scratch.chunk_first,
      [&](std::size_t c) { return out.outcome[c] == outcome_round; },
      [&](std::size_t total) { due.resize(total); }, // reserved for every claim
      [&](std::size_t rank, std::size_t c) { due[rank] = static_cast<std::uint32_t>(c); });
  if (due.empty()) return;
  sort_in_queue_order(w, due, scratch.queue_entries, scratch.queue_sort_buffer);

  // What each account can still pay this month: its balance, less what agreed amounts that
  // wait for payment need now and this month's annuities (a contracted obligation).
  std::vector<Yuan>& available = scratch.available_yuan;
  for (std::size_t a = 0; a < available.size(); ++a)
    available[a] = w.ledger.balance(a);
  for (std::size_t c = 0; c < out.pending_yuan.size(); ++c) {
    if (out.pending_yuan[c] <= 0) continue;
    const std::size_t mine = mine_of_claim(w, c);
    const ModelTerms terms = terms_of(w, mine);
    const PaymentAccounts acc = accounts_of(w, terms.payer, mine);
    const PaymentParts parts =
        split_payment(acc, needed_now_yuan(w, terms.payment, out.pending_yuan[c]));
    available[acc.first] -= parts.first;
    available[acc.second] -= parts.second;
  }
  for (std::size_t c = 0; c < w.claims.annuity_yuan_per_month.size(); ++c)
    if (w.claims.annuity_yuan_per_month[c] > 0.0 && step <= w.claims.annuity_end[c])
      available[w.accounts.state_compensation] -= to_yuan(w.claims.annuity_yuan_per_month[c]);

  // Serve the due rounds in queue order. Rounds whose payers share no account never meet in
  // `available`, so each group of linked accounts is served on its own, in queue order
  // within the group: the same offers, outcomes and balances as one pass over the queue.
  const auto serve = [&](std::uint32_t c, std::size_t mine) {
    const ModelTerms terms = terms_of(w, mine);
    const PaymentAccounts acc = accounts_of(w, terms.payer, mine);
    // The most this payer can promise now: each account's part of the amount must fit in
    // what it has left (two yuan kept back for the rounding of the amount and its parts).
    const double per_yuan = needed_now_share(w, terms.payment);
    const auto most = [&](std::size_t account, double share) {
      const double room = static_cast<double>(available[account] - 2);
      return share * per_yuan > 0.0 ? std::max(0.0, room) / (share * per_yuan)
                                    : std::numeric_limits<double>::infinity();
    };
    const double limit =
        acc.first == acc.second
            ? most(acc.first, 1.0)
            : std::min(most(acc.first, acc.first_share), most(acc.second, 1.0 - acc.first_share));
    const double offer = std::min(out.offer_yuan[c], limit);
    out.offer_yuan[c] = offer;
    const double demand = out.demand_yuan[c];
    const std::int64_t k = (step - out.start[c]) / terms.months_per_round;
    if (offer >= demand) {
      out.outcome[c] = outcome_agreed;
      out.pending_yuan[c] = settlement_yuan(offer, demand);
      out.round[c] = -1;
      out.last_agreement[c] = static_cast<std::int32_t>(step);
      const PaymentParts parts =
          split_payment(acc, needed_now_yuan(w, terms.payment, out.pending_yuan[c]));
      available[acc.first] -= parts.first;
      available[acc.second] -= parts.second;
    } else if (k + 1 >= np.rounds) {
      out.outcome[c] = outcome_dispute;
      out.dispute[c] = 1;
      out.round[c] = -1;
      out.last_dispute[c] = static_cast<std::int32_t>(step);
    } else {
      out.round[c] = static_cast<std::int8_t>(k + 1);
    }
  };
  const std::size_t groups = group_payers(w, scratch);
  std::vector<std::uint32_t>& due_mine = scratch.due_mine;
  due_mine.resize(due.size()); // reserved for every claim
  const auto due_count = static_cast<std::int64_t>(due.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t k = 0; k < due_count; ++k)
    due_mine[static_cast<std::size_t>(k)] =
        static_cast<std::uint32_t>(mine_of_claim(w, due[static_cast<std::size_t>(k)]));
  if (groups == 1) {
    for (std::size_t k = 0; k < due.size(); ++k)
      serve(due[k], due_mine[k]);
    return;
  }
  // A stable counting sort of the queue by group.
  std::vector<std::size_t>& first = scratch.group_first;
  std::fill(first.begin(), first.begin() + static_cast<std::ptrdiff_t>(groups + 1), 0);
  for (const std::uint32_t mine : due_mine)
    ++first[scratch.mine_group[mine] + 1];
  for (std::size_t g = 0; g < groups; ++g)
    first[g + 1] += first[g];
  std::vector<std::uint32_t>& grouped = scratch.due_grouped;
  grouped.resize(due.size());
  for (std::size_t k = 0; k < due.size(); ++k)
    grouped[first[scratch.mine_group[due_mine[k]]]++] = static_cast<std::uint32_t>(k);
  // first[g] is now the end of group g, and the start of g + 1.
  const auto group_count = static_cast<std::int64_t>(groups);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t g = 0; g < group_count; ++g) {
    const std::size_t begin = g == 0 ? 0 : first[static_cast<std::size_t>(g) - 1];
    for (std::size_t e = begin; e < first[static_cast<std::size_t>(g)]; ++e)
      serve(due[grouped[e]], due_mine[grouped[e]]);
  }
}

/// Record outcomes in claim order (households by id, then mines by id). Reads this step's
/// rounds, which hold_rounds and settle_rounds have written in place. Counted and written in
/// parallel: the counts are whole numbers, and each event goes to its rank among the step's
/// outcomes, so the table is the serial loop's.
void record_outcomes(const World& w, const OutcomeWrites& out, PaymentScratch& scratch,
                     std::int64_t step) {
  const std::vector<std::uint8_t>& outcome = w.claims.outcome;
  const auto claims = static_cast<std::int64_t>(outcome.size());
  std::int64_t negotiations = 0, agreements = 0;
#pragma omp parallel for schedule(static) reduction(+ : negotiations, agreements)
  for (std::int64_t c = 0; c < claims; ++c) {
    const std::uint8_t o = outcome[static_cast<std::size_t>(c)];
    negotiations += o != outcome_none ? 1 : 0;
    agreements += o == outcome_agreed ? 1 : 0;
  }
  out.negotiations = negotiations;
  out.agreements = agreements;
  if (!w.params.simulation.record_events) return;
  std::vector<NegotiationEvent>& events = out.events;
  const std::size_t before = events.size();
  collect_in_order(
      outcome.size(), scratch.chunk_first,
      [&](std::size_t c) { return outcome[c] == outcome_agreed || outcome[c] == outcome_dispute; },
      [&](std::size_t total) { events.resize(before + total); },
      [&](std::size_t rank, std::size_t c) {
        const std::size_t mine = mine_of_claim(w, c);
        const CompensationModel model = model_of_mine(w, mine);
        const bool agreed = outcome[c] == outcome_agreed;
        const std::int64_t rounds =
            (step - w.claims.start[c]) / terms_of(w, mine).months_per_round + 1;
        events[before + rank] =
            NegotiationEvent{step,
                             w.claims.household[c],
                             static_cast<std::int64_t>(mine),
                             static_cast<std::int64_t>(model),
                             static_cast<std::int64_t>(model_terms(model).payer),
                             w.claims.offer_yuan[c],
                             w.claims.demand_yuan[c],
                             rounds,
                             agreed ? 1 : 0,
                             agreed ? w.claims.pending_yuan[c] : 0};
      });
}

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
  const NegotiationParams& np = w.params.negotiation;
  // The claims' clocks. The initial damage is old: the compensated share of it was agreed
  // before the start, and what is still owed has accrued since that agreement. Each claim's
  // agreement lies a uniform whole number of months in [0, claim_interval_months) before
  // step 0 (a stream per claim), so the initial claims open spread over the first year
  // rather than all in one month. Without an earlier agreement (nothing compensated at the
  // start) only the damage's age is drawn.
  w.claims.damaged_since.assign(claims, ClaimStore::no_step);
  w.claims.first_opened.assign(claims, ClaimStore::no_step);
  w.claims.last_agreement.assign(claims, ClaimStore::no_step);
  w.claims.last_dispute.assign(claims, ClaimStore::no_step);
  const bool agreed_before = w.params.mines.initial_uncompensated_share < 1.0;
  const auto months = static_cast<std::uint64_t>(
      std::max<std::int64_t>(1, agreed_before ? np.claim_interval_months
                                              : np.claim_interval_months + np.filing_delay_months));
  for (std::size_t c = 0; c < claims; ++c) {
    if (w.claims.physical_ha[c] <= 1e-9) continue;
    const auto age = static_cast<std::int32_t>(
        CounterRng(seed_of(w), initial_claim_age_stream, 0, c).below(0, months));
    if (agreed_before) w.claims.last_agreement[c] = -age;
    if (w.claims.uncompensated_ha[c] > 1e-9) w.claims.damaged_since[c] = -age;
  }
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
  w.enterprises.generosity.assign(w.enterprises.size(), w.params.negotiation.initial_generosity);
  w.governments.generosity.assign(w.governments.size(), w.params.negotiation.initial_generosity);
  w.governments.hearings_held.assign(w.governments.size(), 0);
  w.villages.hearings_held.assign(w.villages.size(), 0);
  w.accounts.state_compensation = w.ledger.add_account("state compensation budget");
  w.accounts.social_compensation = w.ledger.add_account("social capital compensation funds");
  const std::size_t n = w.households.size();
  w.households.informed_next.assign(n, 0.0);
  w.households.participating_next.assign(n, 0);
  w.households.hearings_attended.assign(n, 0);
  w.villages.negotiation_index.assign(w.villages.size(), 0.0);
}

void negotiate(const World& w, const CompensationWrites& out, PaymentScratch& scratch,
               std::int64_t step) {
  out.step_now = step;
  hold_rounds(w, out.rounds, step);
  settle_rounds(w, out.rounds, scratch, step);
  record_outcomes(w, out.outcomes, scratch, step);
  pay_queue(w, out.queue, scratch, step);
  pay_annuities(w, out.annuities, step);
  pay_dividends(w, out.dividends, scratch);
}

} // namespace minesim
