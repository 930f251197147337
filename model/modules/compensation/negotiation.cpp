// Compensation (MODEL.md §4.4): the claims' state, negotiation rounds under the five
// compensation models and their outcomes, and the monthly phase that runs them before the
// payments (payments.cpp).
#include "agents/resident/negotiation.hpp"
#include "model/modules/compensation/phases.hpp"

#include <algorithm>

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

/// Open negotiations, hold due rounds. Parallel over households: each writes only its own
/// claims, reading the start-of-phase state.
void hold_rounds(const World& w, const NegotiationRoundWrites& out, std::int64_t step) {
  const auto& h = w.households;
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
      out.outcome[c] = outcome_none;
      if (opening && out.round[c] < 0 && out.pending_yuan[c] == 0 &&
          w.claims.uncompensated_ha[c] > 1e-9) {
        out.round[c] = 0;
        out.start[c] = static_cast<std::int32_t>(step);
        out.dispute[c] = 0; // a reopened dispute is negotiated again
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
      const double offer = offer_yuan(official, payer_generosity(w, terms.payer, mine), k,
                                      np.payer_concession, willingness_cap(np, terms.payer));
      const double informed = terms.government_organized
                                  ? effective_informed(h.informed[i], np.gov_trust_gain)
                                  : h.informed[i];
      const double demand =
          demand_yuan(official, h.expectation_multiplier[i], nbr_ratio, informed, k, np);
      out.offer_yuan[c] = offer;
      out.demand_yuan[c] = demand;
      if (offer >= demand) {
        out.outcome[c] = outcome_agreed;
        out.pending_yuan[c] = settlement_yuan(offer, demand);
        out.round[c] = -1;
      } else if (k + 1 >= np.rounds) {
        out.outcome[c] = outcome_dispute;
        out.dispute[c] = 1;
        out.round[c] = -1;
      } else {
        out.outcome[c] = outcome_round;
        out.round[c] = static_cast<std::int8_t>(k + 1);
      }
    }
  }
}

/// Record outcomes in claim order (households by id, then mines by id). Reads this step's
/// rounds, which hold_rounds has written in place.
void record_outcomes(const World& w, const OutcomeWrites& out, std::int64_t step) {
  std::vector<NegotiationEvent>* events = w.params.simulation.record_events ? &out.events : nullptr;
  out.negotiations = 0;
  out.agreements = 0;
  for (std::size_t c = 0; c < w.claims.outcome.size(); ++c) {
    const std::uint8_t outcome = w.claims.outcome[c];
    if (outcome == outcome_none) continue;
    ++out.negotiations;
    if (outcome == outcome_round) continue;
    const std::size_t mine = mine_of_claim(w, c);
    const CompensationModel model = model_of_mine(w, mine);
    const bool agreed = outcome == outcome_agreed;
    if (agreed) ++out.agreements;
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
  w.enterprises.generosity.assign(w.enterprises.size(), 1.0);
  w.governments.generosity.assign(w.governments.size(), 1.0);
  w.governments.hearings_held.assign(w.governments.size(), 0);
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
  record_outcomes(w, out.outcomes, step);
  pay_queue(w, out.queue, scratch, step);
  pay_annuities(w, out.annuities, step);
  pay_dividends(w, out.dividends, scratch);
}

} // namespace minesim
