// Compensation payments (docs/odd.md §3.7): the queue of agreed claims, state-funded annuities
// and development-right dividends.
#include "agents/mine/restoration.hpp"
#include "agents/resident/compensation_fee.hpp"
#include "engine/parallel.hpp"
#include "engine/random.hpp"
#include "model/finance.hpp"
#include "model/modules/compensation/phases.hpp"

#include <algorithm>
#include <cmath>
#include <parallel/algorithm>

namespace minesim {

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

double needed_now_share(const World& w, PaymentMix payment) {
  if (payment != PaymentMix::annual) return 1.0;
  return annuity_yuan_per_year(1.0, w.params.compensation.discount_rate,
                               w.params.compensation.period_years);
}

namespace {

/// An annuity's monthly payment for an agreed amount.
double annuity_month_yuan(const World& w, Yuan amount) {
  return annuity_yuan_per_year(static_cast<double>(amount), w.params.compensation.discount_rate,
                               w.params.compensation.period_years) /
         12.0;
}

} // namespace

Yuan needed_now_yuan(const World& w, PaymentMix payment, Yuan amount) {
  return payment == PaymentMix::annual ? to_yuan(12.0 * annuity_month_yuan(w, amount)) : amount;
}

namespace {

/// The random key claim c keeps while it waits in the queues.
std::uint64_t queue_key(const World& w, std::uint32_t c) {
  return CounterRng(seed_of(w), streams::compensation_queue,
                    static_cast<std::uint64_t>(w.claims.start[c]), c)
      .bits(0);
}

} // namespace

void sort_in_queue_order(const World& w, std::vector<std::uint32_t>& claims,
                         std::vector<QueueEntry>& entries, std::vector<QueueEntry>& scratch) {
  entries.resize(claims.size());
  const auto n = static_cast<std::int64_t>(claims.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t k = 0; k < n; ++k) {
    const std::uint32_t c = claims[static_cast<std::size_t>(k)];
    entries[static_cast<std::size_t>(k)] = {w.claims.start[c], c, queue_key(w, c)};
  }
  // A total order (claims are distinct), so the sorted sequence is unique: sorting on two
  // threads gives the serial sort's result.
  scratch.resize(entries.size()); // reserved for every claim
  sort_with_scratch(std::span<QueueEntry>(entries), std::span<QueueEntry>(scratch),
                    [](const QueueEntry& a, const QueueEntry& b) {
                      if (a.start != b.start) return a.start < b.start;
                      return a.key != b.key ? a.key < b.key : a.claim < b.claim;
                    });
  for (std::size_t k = 0; k < entries.size(); ++k)
    claims[k] = entries[k].claim;
}

std::int64_t funded_placement_vacancies(const World& w, std::int64_t placed_green_workers) {
  const auto& p = w.params;
  double restored = 0.0, social = 0.0;
  for (std::size_t m = 0; m < w.mines.size(); ++m) {
    restored += w.mines.restored_ha[m];
    social += restored_by(w, m, funder_social);
  }
  const double per_ha = p.economy.green_jobs_per_ha * p.restoration.green_conversion_share;
  const auto jobs = static_cast<std::int64_t>(std::floor(per_ha * restored));
  const auto social_jobs = static_cast<std::int64_t>(std::floor(per_ha * social));
  return std::max<std::int64_t>(0, std::min(social_jobs - placed_green_workers,
                                            jobs - w.jobs.green_workers - placed_green_workers));
}

/// Pay agreed claims in queue order: older negotiations first, then by a random key that a
/// claim keeps while it waits, then by claim id. A payer that cannot fund a claim funds none
/// after it this month, so waiting claims keep their place. A household's sector, employer
/// and received compensation are read back from `out`: an earlier claim of the same
/// household may have changed them this month.
void pay_queue(const World& w, const PaymentQueueWrites& out, PaymentScratch& scratch,
               std::int64_t step) {
  const NegotiationParams& np = w.params.negotiation;
  std::vector<std::uint32_t>& queue = scratch.payment_queue;
  collect_in_order(
      out.pending_yuan.size(), scratch.chunk_first,
      [&](std::size_t c) { return out.pending_yuan[c] > 0; },
      [&](std::size_t total) { queue.resize(total); }, // reserved for every claim
      [&](std::size_t rank, std::size_t c) { queue[rank] = static_cast<std::uint32_t>(c); });
  if (queue.empty()) return;
  sort_in_queue_order(w, queue, scratch.queue_entries, scratch.queue_sort_buffer);
  std::vector<std::uint8_t>& blocked = scratch.blocked_accounts;
  std::fill(blocked.begin(), blocked.end(), 0);
  // Investment promotion places households only in vacancies on social capital's converted
  // land (docs/odd.md §3.7, rev. 2), taken in queue order; the economy pays their wages as it
  // pays every green job's.
  std::int64_t vacancies = funded_placement_vacancies(w, out.placed_green_workers);

  for (const std::uint32_t c : queue) {
    const std::size_t mine = mine_of_claim(w, c);
    const ModelTerms terms = terms_of(w, mine);
    const PaymentAccounts acc = accounts_of(w, terms.payer, mine);
    if (blocked[acc.first] || blocked[acc.second]) continue;
    const Yuan amount = out.pending_yuan[c];
    const std::uint32_t i = w.claims.household[c];
    // What must be available now: the lump-sum cash, or the first year of an annuity.
    Yuan cash = amount;
    bool placed_in_job = false;
    // Investment promotion: a vacancy on social capital's converted land takes the
    // household as the in-kind part; without one, or for a household that already has a
    // green job, social capital pays that part in cash too.
    if (terms.payment == PaymentMix::in_kind_and_lump_sum && out.sector[i] != Sector::green &&
        vacancies > 0) {
      placed_in_job = true;
      cash = to_yuan((1.0 - np.in_kind_share) * static_cast<double>(amount));
    }
    const double annuity_month =
        terms.payment == PaymentMix::annual ? annuity_month_yuan(w, amount) : 0.0;
    const PaymentParts parts = split_payment(acc, needed_now_yuan(w, terms.payment, cash));
    const Yuan first_part = parts.first;
    const Yuan second_part = parts.second;
    const bool funded =
        out.ledger.balance(acc.first) >= first_part + (acc.first == acc.second ? second_part : 0) &&
        out.ledger.balance(acc.second) >= second_part;
    if (!funded) {
      blocked[acc.first] = 1;
      blocked[acc.second] = 1;
      continue;
    }
    if (terms.payment == PaymentMix::annual) {
      out.annuity_yuan_per_month[c] = annuity_month;
      out.annuity_end[c] = static_cast<std::int32_t>(
          step +
          static_cast<std::int64_t>(std::llround(12.0 * w.params.compensation.period_years)));
    } else {
      const Yuan first_cash = to_yuan(acc.first_share * static_cast<double>(cash));
      out.ledger.transfer(acc.first, w.accounts.households, first_cash, acc.first_kind);
      out.ledger.transfer(acc.second, w.accounts.households, cash - first_cash, acc.second_kind);
      out.received_yuan[i] += static_cast<double>(cash);
    }
    if (placed_in_job) {
      // The in-kind part: a green job placement, valued at its share of the amount.
      out.sector[i] = Sector::green;
      ++out.placed_green_workers;
      --vacancies;
      if (out.employer[i] >= 0) {
        --out.workers[static_cast<std::size_t>(out.employer[i])];
        out.employer[i] = -1;
      }
      out.received_yuan[i] += static_cast<double>(amount - cash);
      out.in_kind_yuan += amount - cash;
    }
    out.uncompensated_ha[c] = 0.0;
    out.pending_yuan[c] = 0;
    out.damaged_since[c] = ClaimStore::no_step;
  }
}

/// State-funded annuities: each active one pays its monthly part, in whole yuan.
void pay_annuities(const World& w, const AnnuityWrites& out, std::int64_t step) {
  Yuan total = 0;
  for (std::size_t c = 0; c < out.annuity_yuan_per_month.size(); ++c) {
    const double part = out.annuity_yuan_per_month[c];
    if (part <= 0.0) continue;
    if (step > w.claims.annuity_end[c]) {
      out.annuity_yuan_per_month[c] = 0.0;
      continue;
    }
    const Yuan paid = to_yuan(part);
    out.received_yuan[w.claims.household[c]] += static_cast<double>(paid);
    total += paid;
  }
  // Contracted payments are made even when they overdraw the budget (a state obligation).
  out.ledger.transfer(w.accounts.state_compensation, w.accounts.households, total,
                      flow_compensation_state);
}

/// Development-right dividends: a share of each mine's green income, paid by the funders of
/// its green land to the households with claims on the mine, pro rata to the farmland the
/// mine has damaged on each claim (whole yuan per claim; remainders stay with the funder).
void pay_dividends(const World& w, const DividendWrites& out, PaymentScratch& scratch) {
  const double share = w.params.negotiation.development_right_share;
  if (share <= 0.0) return;
  const std::size_t mines = w.mines.size();
  std::vector<double>& claim_area = scratch.claim_area; // per mine: all claimants' damaged area
  std::fill(claim_area.begin(), claim_area.end(), 0.0);
  for (std::size_t c = 0; c < w.claims.total_ha.size(); ++c)
    claim_area[mine_of_claim(w, c)] += w.claims.total_ha[c];
  for (std::size_t f = 0; f < funder_count; ++f) {
    std::vector<double>& pool = scratch.dividend_pool; // this funder's dividend pool per mine
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
      const std::size_t payer = funder_account(w, m, f);
      out.ledger.transfer(payer, w.accounts.households, paid, flow_dividends);
      out.received_yuan[w.claims.household[c]] += static_cast<double>(paid);
    }
  }
}

} // namespace minesim
