#pragma once
// The compensation module's phases (docs/odd.md §3.7), private to model/modules/compensation/:
// the monthly negotiations and payments (negotiation.cpp, payments.cpp) and the yearly plan
// (planning.cpp), each a function of the const world and a struct of what it writes.
#include "agents/resident/negotiation.hpp"
#include "engine/ledger.hpp"
#include "engine/random.hpp"
#include "model/compensation.hpp"
#include "model/world.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace minesim {

/// Claim outcomes of a step (ClaimStore::outcome).
enum ClaimOutcome : std::uint8_t {
  outcome_none = 0,   ///< no round this step
  outcome_round = 1,  ///< a round without agreement (before settle_rounds: a round is due)
  outcome_agreed = 2, ///< agreement: the amount joins the payment queue
  outcome_dispute = 3 ///< no agreement after the last round
};

/// Claims of household i: [first, first + count), mine of the k-th via the village list.
struct ClaimRange {
  std::uint32_t first;
  std::uint32_t count;
  std::uint32_t affected_first; ///< index into villages.affected_mine
};

inline ClaimRange claims_of(const World& w, std::size_t i) {
  const std::uint32_t v = w.households.village[i];
  const std::uint32_t a = w.villages.affected_offsets[v];
  return {w.households.claim_first[i], w.villages.affected_offsets[v + 1] - a, a};
}

inline std::size_t mine_of_claim(const World& w, std::size_t c) {
  const std::uint32_t i = w.claims.household[c];
  const ClaimRange r = claims_of(w, i);
  return w.villages.affected_mine[r.affected_first + (c - r.first)];
}

/// The compensation model that governs claims on mine m.
[[nodiscard]] CompensationModel model_of_mine(const World& world, std::size_t mine);

/// The terms of a claim's mine (its pace set by compensation.months_per_round when that is
/// not 0). A model whose payer is an enterprise cannot apply to a legacy
/// mine (it has no owner); those claims fall back to the legacy model.
inline ModelTerms terms_of(const World& w, std::size_t mine) {
  ModelTerms terms = model_terms(model_of_mine(w, mine));
  if (w.params.negotiation.months_per_round > 0)
    terms.months_per_round = w.params.negotiation.months_per_round;
  return terms;
}

/// Mean received-to-official compensation ratio of household i's compensated neighbours, and
/// their count.
struct NeighbourRatio {
  double mean = 1.0;
  double count = 0.0;
};
[[nodiscard]] NeighbourRatio neighbour_ratio(const World& world, std::size_t i);

/// What the negotiation rounds write: the claims' negotiation state and clock, each
/// household's own claims only (hold_rounds), then the outcomes (settle_rounds).
struct NegotiationRoundWrites {
  std::span<std::uint8_t> outcome;        ///< per claim: this step's ClaimOutcome
  std::span<std::int8_t> round;           ///< per claim: next round, -1 when none is open
  std::span<std::int32_t> start;          ///< per claim: step the open negotiation started
  std::span<std::uint8_t> dispute;        ///< per claim: no agreement after the last round
  std::span<double> offer_yuan;           ///< per claim: this step's offer
  std::span<double> demand_yuan;          ///< per claim: this step's demand
  std::span<std::int64_t> pending_yuan;   ///< per claim: agreed, waiting for the payer's funds
  std::span<std::int32_t> damaged_since;  ///< per claim: no_step once no damage is owed
  std::span<std::int32_t> first_opened;   ///< per claim: first opening since the last agreement
  std::span<std::int32_t> last_agreement; ///< per claim: step of the last agreement
  std::span<std::int32_t> last_dispute;   ///< per claim: step of the last dispute

  static NegotiationRoundWrites of(World& w) {
    auto& c = w.claims;
    return {c.outcome,      c.round,          c.start,        c.dispute,
            c.offer_yuan,   c.demand_yuan,    c.pending_yuan, c.damaged_since,
            c.first_opened, c.last_agreement, c.last_dispute};
  }
};

/// What recording the outcomes writes: this step's counts and the event list.
struct OutcomeWrites {
  std::int64_t& negotiations;            ///< this step's rounds held
  std::int64_t& agreements;              ///< this step's agreements
  std::vector<NegotiationEvent>& events; ///< appended to when events are recorded

  static OutcomeWrites of(World& w) {
    return {w.counts.negotiations, w.counts.agreements, w.negotiation_events};
  }
};

/// What paying the queue of agreed claims writes.
struct PaymentQueueWrites {
  Ledger& ledger;                           ///< the payers' transfers to households
  std::span<double> received_yuan;          ///< per household
  std::span<Sector> sector;                 ///< per household: placed in a green job
  std::span<std::int32_t> employer;         ///< per household: leaves its mining job
  std::span<std::int64_t> workers;          ///< per mine: loses the placed worker
  std::int64_t& placed_green_workers;       ///< placed in social capital's projects
  Yuan& in_kind_yuan;                       ///< value of in-kind compensation so far
  std::span<double> annuity_yuan_per_month; ///< per claim: annuity started
  std::span<std::int32_t> annuity_end;      ///< per claim: its last step
  std::span<double> uncompensated_ha;       ///< per claim: zero once paid
  std::span<std::int64_t> pending_yuan;     ///< per claim: zero once paid
  std::span<std::int32_t> damaged_since;    ///< per claim: no_step once paid

  static PaymentQueueWrites of(World& w) {
    auto& h = w.households;
    auto& c = w.claims;
    return {w.ledger,
            h.received_yuan,
            h.sector,
            h.employer,
            w.mines.workers,
            w.jobs.placed_green_workers,
            w.jobs.in_kind_yuan,
            c.annuity_yuan_per_month,
            c.annuity_end,
            c.uncompensated_ha,
            c.pending_yuan,
            c.damaged_since};
  }
};

/// What paying the state-funded annuities writes.
struct AnnuityWrites {
  Ledger& ledger;                           ///< the state's transfer to households
  std::span<double> received_yuan;          ///< per household
  std::span<double> annuity_yuan_per_month; ///< per claim: zero once the annuity has ended

  static AnnuityWrites of(World& w) {
    return {w.ledger, w.households.received_yuan, w.claims.annuity_yuan_per_month};
  }
};

/// What paying the development-right dividends writes.
struct DividendWrites {
  Ledger& ledger;                  ///< the funders' transfers to households
  std::span<double> received_yuan; ///< per household

  static DividendWrites of(World& w) { return {w.ledger, w.households.received_yuan}; }
};

/// What the monthly compensation phase writes, by part, in the order the parts run.
struct CompensationWrites {
  std::int64_t& step_now;        ///< the step being simulated
  NegotiationRoundWrites rounds; ///< hold_rounds
  OutcomeWrites outcomes;        ///< record_outcomes
  PaymentQueueWrites queue;      ///< pay_queue
  AnnuityWrites annuities;       ///< pay_annuities
  DividendWrites dividends;      ///< pay_dividends

  static CompensationWrites of(World& w) {
    return {w.step_now,           NegotiationRoundWrites::of(w),
            OutcomeWrites::of(w), PaymentQueueWrites::of(w),
            AnnuityWrites::of(w), DividendWrites::of(w)};
  }
};

/// Scratch space of the negotiations and payments, sized once per run.
/// A claim's place in the month's queues, its key computed once (sort_in_queue_order).
struct QueueEntry {
  std::int32_t start;
  std::uint32_t claim;
  std::uint64_t key;
};

struct PaymentScratch {
  std::vector<std::uint32_t> due_rounds;      ///< claims with a round this step, in queue order
  std::vector<Yuan> available_yuan;           ///< per ledger account: what offers may still use
  std::vector<std::uint32_t> payment_queue;   ///< agreed claims in payment order
  std::vector<std::uint8_t> blocked_accounts; ///< per ledger account: funds no more claims
  std::vector<double> claim_area;             ///< per mine: all claimants' damaged area
  std::vector<double> dividend_pool;          ///< per mine: one funder's dividends this month
  std::vector<QueueEntry> queue_entries;      ///< sort_in_queue_order's keys
  std::vector<QueueEntry> queue_sort_buffer;  ///< sort_in_queue_order's merge buffer
  std::vector<std::size_t> chunk_first;       ///< collect_in_order's ranks per chunk
  std::vector<std::uint32_t> due_mine;        ///< the mine of each due round, in queue order
  std::vector<std::uint32_t> due_grouped;     ///< due rounds' positions, grouped by payer
  std::vector<std::size_t> group_first;       ///< per payer group: its first grouped entry
  std::vector<std::uint32_t> mine_group;      ///< per mine: its payer group
  std::vector<std::size_t> account_root;      ///< per ledger account: union-find parent
  std::vector<std::int64_t> root_group;       ///< per ledger account: group of a root, or -1

  explicit PaymentScratch(const World& w)
      : available_yuan(w.ledger.accounts()), blocked_accounts(w.ledger.accounts()),
        claim_area(w.mines.size()), dividend_pool(w.mines.size()), group_first(w.mines.size() + 1),
        mine_group(w.mines.size()), account_root(w.ledger.accounts()),
        root_group(w.ledger.accounts()) {
    due_rounds.reserve(w.claims.size());
    due_mine.reserve(w.claims.size());
    due_grouped.reserve(w.claims.size());
    payment_queue.reserve(w.claims.size());
    queue_entries.reserve(w.claims.size());
    queue_sort_buffer.reserve(w.claims.size());
  }
};

/// The accounts an agreed amount of a claim on `mine` is paid from: `first` pays
/// `first_share` of it, `second` the rest (the same account unless the model is joint).
struct PaymentAccounts {
  std::size_t first;
  std::size_t second; ///< the local government's account in the joint model
  double first_share; ///< share paid from `first`
  std::size_t first_kind;
  std::size_t second_kind;
};
[[nodiscard]] PaymentAccounts accounts_of(const World& w, Payer payer, std::size_t mine);

/// What the payer of an agreed amount must hold this month: the lump sum, or the first year
/// of an annuity. An investment-promotion amount counts whole (its cash part is all of it
/// when no funded vacancy is left), so what offers promise can always be paid.
[[nodiscard]] Yuan needed_now_yuan(const World& w, PaymentMix payment, Yuan amount);

/// needed_now_yuan per yuan of the amount, before rounding.
[[nodiscard]] double needed_now_share(const World& w, PaymentMix payment);

/// The stream of the initial claims' ages (initialise_compensation).
inline constexpr StreamId initial_claim_age_stream = named_stream("initial_claim_age");

/// The parts of `needed_now` that `acc.first` and `acc.second` pay.
struct PaymentParts {
  Yuan first;
  Yuan second;
};
[[nodiscard]] inline PaymentParts split_payment(const PaymentAccounts& acc, Yuan needed_now) {
  const Yuan first = to_yuan(acc.first_share * static_cast<double>(needed_now));
  return {first, needed_now - first};
}

/// Sort `claims` into the order of the month's queues (offers, then payments): older
/// negotiations first, then a random key the claim keeps while it waits, then the claim id.
/// Each claim's key is drawn once, not once per comparison. `entries` and `scratch` are the
/// sort's space (reserved for every claim).
void sort_in_queue_order(const World& w, std::vector<std::uint32_t>& claims,
                         std::vector<QueueEntry>& entries, std::vector<QueueEntry>& scratch);

/// Green-job vacancies on converted restored land funded by social capital that no one
/// holds (docs/odd.md §3.5, §3.7 rev. 2): social capital's jobs, `green_jobs_per_ha` times its
/// converted land, less the households placed there, and never more than the region's
/// vacancies left by the month's matching (other green workers fill the land of other
/// funders first). A placement as in-kind compensation needs one.
[[nodiscard]] std::int64_t funded_placement_vacancies(const World& w,
                                                      std::int64_t placed_green_workers);

/// Open the claims whose clock allows it (docs/odd.md §3.7, rev. 2) and compute the offers and
/// demands of the rounds due this month; marks them outcome_round. Parallel over households.
void hold_rounds(const World& w, const NegotiationRoundWrites& out, std::int64_t step);

/// Settle this month's due rounds serially in queue order: cap each offer at what its payer
/// can still pay this month (its balance less what earlier agreements and annuities need),
/// then agree, dispute after the last round, or move to the next round.
void settle_rounds(const World& w, const NegotiationRoundWrites& out, PaymentScratch& scratch,
                   std::int64_t step);

/// Count the step's rounds and agreements and record the outcomes as events.
void record_outcomes(const World& w, const OutcomeWrites& out, PaymentScratch& scratch,
                     std::int64_t step);

/// Sort the mines into payer groups: two mines are in one group when the accounts that pay
/// their claims are linked, directly or through other mines (the joint model links an
/// enterprise's account with its county's). Claims of different groups never draw on one
/// account, so settle_rounds serves the groups in parallel. Writes scratch.mine_group and
/// returns the number of groups, numbered in order of their first mine.
std::size_t group_payers(const World& w, PaymentScratch& scratch);

/// Pay agreed claims in queue order as the payers' funds allow.
void pay_queue(const World& w, const PaymentQueueWrites& out, PaymentScratch& scratch,
               std::int64_t step);

/// Pay the active state-funded annuities.
void pay_annuities(const World& w, const AnnuityWrites& out, std::int64_t step);

/// Pay the development-right dividends.
void pay_dividends(const World& w, const DividendWrites& out, PaymentScratch& scratch);

/// Phase 6: open the claims due on their own clock, hold and settle due rounds, pay agreed
/// claims in queue order as funds allow, pay annuities and dividends. Outcomes go to the event
/// list when simulation.record_events is on.
void negotiate(const World& w, const CompensationWrites& out, PaymentScratch& scratch,
               std::int64_t step);

/// What the yearly plan writes.
struct CompensationYearWrites {
  Ledger& ledger;                           ///< the budgets' lapse and refill
  std::span<double> government_generosity;  ///< per county
  std::span<double> enterprise_generosity;  ///< per enterprise
  NegotiationIndexWrites negotiation_index; ///< brought up to date under the adaptive policy

  static CompensationYearWrites of(World& w) {
    return {w.ledger, w.governments.generosity, w.enterprises.generosity,
            NegotiationIndexWrites::of(w)};
  }
};

/// Scratch space of the yearly plan, per county, sized once per run.
struct GenerosityScratch {
  std::vector<double> raise;           ///< per county: this year's rise of generosity
  std::vector<double> county_ni_sum;   ///< per county: sum of village negotiation indices
  std::vector<double> county_villages; ///< per county: villages counted in that sum

  explicit GenerosityScratch(const World& w)
      : raise(w.governments.size()), county_ni_sum(w.governments.size()),
        county_villages(w.governments.size()) {}
};

/// Phase 10 (compensation part): compensation budgets, generosity under stability pressure
/// and the adaptive policy.
void plan_compensation_year(const World& w, const CompensationYearWrites& out,
                            GenerosityScratch& scratch);

} // namespace minesim
