#pragma once
// The compensation module's phases (MODEL.md §4.4), private to model/modules/compensation/:
// the monthly negotiations and payments (negotiation.cpp, payments.cpp) and the yearly plan
// (planning.cpp), each a function of the const world and a struct of what it writes.
#include "agents/resident/negotiation.hpp"
#include "engine/ledger.hpp"
#include "model/compensation.hpp"
#include "model/world.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace minesim {

/// Claim outcomes of a step (ClaimStore::outcome).
enum ClaimOutcome : std::uint8_t {
  outcome_none = 0,   ///< no round this step
  outcome_round = 1,  ///< a round without agreement
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

/// The terms of a claim's mine. A model whose payer is an enterprise cannot apply to a legacy
/// mine (it has no owner); those claims fall back to the legacy model.
inline ModelTerms terms_of(const World& w, std::size_t mine) {
  return model_terms(model_of_mine(w, mine));
}

/// Mean received-to-official compensation ratio of household i's compensated neighbours, and
/// their count.
struct NeighbourRatio {
  double mean = 1.0;
  double count = 0.0;
};
[[nodiscard]] NeighbourRatio neighbour_ratio(const World& world, std::size_t i);

/// What the negotiation rounds write: the claims' negotiation state, each household's own
/// claims only.
struct NegotiationRoundWrites {
  std::span<std::uint8_t> outcome;      ///< per claim: this step's ClaimOutcome
  std::span<std::int8_t> round;         ///< per claim: next round, -1 when none is open
  std::span<std::int32_t> start;        ///< per claim: step the open negotiation started
  std::span<std::uint8_t> dispute;      ///< per claim: no agreement after the last round
  std::span<double> offer_yuan;         ///< per claim: this step's offer
  std::span<double> demand_yuan;        ///< per claim: this step's demand
  std::span<std::int64_t> pending_yuan; ///< per claim: agreed, waiting for the payer's funds

  static NegotiationRoundWrites of(World& w) {
    auto& c = w.claims;
    return {c.outcome, c.round, c.start, c.dispute, c.offer_yuan, c.demand_yuan, c.pending_yuan};
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
            c.pending_yuan};
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

/// Scratch space of the payments, sized once per run.
struct PaymentScratch {
  std::vector<std::uint32_t> payment_queue;   ///< agreed claims in payment order
  std::vector<std::uint8_t> blocked_accounts; ///< per ledger account: funds no more claims
  std::vector<double> claim_area;             ///< per mine: all claimants' damaged area
  std::vector<double> dividend_pool;          ///< per mine: one funder's dividends this month

  explicit PaymentScratch(const World& w)
      : blocked_accounts(w.ledger.accounts()), claim_area(w.mines.size()),
        dividend_pool(w.mines.size()) {
    payment_queue.reserve(w.claims.size());
  }
};

/// Open negotiations in this month's villages and hold due rounds.
void hold_rounds(const World& w, const NegotiationRoundWrites& out, std::int64_t step);

/// Count the step's rounds and agreements and record the outcomes as events.
void record_outcomes(const World& w, const OutcomeWrites& out, std::int64_t step);

/// Pay agreed claims in queue order as the payers' funds allow.
void pay_queue(const World& w, const PaymentQueueWrites& out, PaymentScratch& scratch,
               std::int64_t step);

/// Pay the active state-funded annuities.
void pay_annuities(const World& w, const AnnuityWrites& out, std::int64_t step);

/// Pay the development-right dividends.
void pay_dividends(const World& w, const DividendWrites& out, PaymentScratch& scratch);

/// Phase 6: open negotiations in this month's villages, hold due rounds, pay agreed claims in
/// queue order as funds allow, pay annuities and dividends. Outcomes go to the event list
/// when simulation.record_events is on.
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
