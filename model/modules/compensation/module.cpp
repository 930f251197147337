// Compensation (docs/odd.md §3.7): negotiations per damage claim under the five compensation
// models, the payment queue, annuities and dividends, and the payers' yearly generosity.
// The module binds its phases here; they are in negotiation.cpp, payments.cpp and
// planning.cpp beside this file.
#include "model/module.hpp"
#include "engine/stats.hpp"
#include "model/finance.hpp"
#include "model/modules/compensation/phases.hpp"
#include "model/tables.hpp"

#include <algorithm>
#include <memory>

namespace minesim {

std::vector<ParameterBinding> compensation_parameter_rows();
namespace {

/// Damage older than this, not yet agreed, is unsettled (docs/odd.md §3.7, §3.10, rev. 2).
constexpr std::int64_t unsettled_after_months = 12;

class CompensationModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "compensation"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return compensation_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::compensation_queue, initial_claim_age_stream};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    return {{Slot::compensation,
             [scratch = std::make_shared<PaymentScratch>(world)](World& w, std::int64_t step) {
               negotiate(w, CompensationWrites::of(w), *scratch, step);
             }},
            {Slot::yearly,
             [scratch = std::make_shared<GenerosityScratch>(world)](World& w, std::int64_t) {
               plan_compensation_year(w, CompensationYearWrites::of(w), *scratch);
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"compensation_paid_yuan", "yuan", "Compensation paid this step, all payers.",
         SeriesKind::flow},
        {"compensation_paid_enterprise_yuan", "yuan", "Compensation paid by enterprises this step.",
         SeriesKind::flow},
        {"compensation_paid_local_gov_yuan", "yuan",
         "Compensation paid by local governments this step.", SeriesKind::flow},
        {"compensation_paid_state_yuan", "yuan",
         "Compensation paid by the higher government this step (annuities included).",
         SeriesKind::flow},
        {"compensation_paid_social_capital_yuan", "yuan",
         "Compensation paid by social capital this step (cash part).", SeriesKind::flow},
        {"dividends_paid_yuan", "yuan", "Development-right dividends paid to households this step.",
         SeriesKind::flow},
        {"negotiations", "count", "Negotiation rounds held this step (one per claim negotiated).",
         SeriesKind::flow},
        {"agreements", "count", "Negotiations that ended in agreement this step.",
         SeriesKind::flow},
        {"disputes_open", "count",
         "Claims in open dispute at the end of the step (not yet reopened after the cooldown).",
         SeriesKind::stock},
        {"claims_awaiting_payment", "count", "Agreed claims waiting for the payer's funds.",
         SeriesKind::stock},
        {"compensation_gini", "1",
         "Gini coefficient of compensation received, among households with damaged land.",
         SeriesKind::stock},
        {"dispute_rate", "1",
         "Disputes over negotiation outcomes (agreements and disputes) this step; 0 without an "
         "outcome.",
         SeriesKind::stock},
        {"settlement_months_mean", "month",
         "Mean months from a claim's first opening since its previous agreement to this step's "
         "agreement, over this step's agreements; 0 without one.",
         SeriesKind::stock},
        {"unsettled_claim_share", "1",
         "Claims whose uncompensated damage is over 12 months old with no agreement, over claims "
         "with damaged farmland not restored.",
         SeriesKind::stock},
        {"compensation_ratio_gini", "1",
         "Gini coefficient of received over official compensation, among households with damaged "
         "land (the fairness of compensation).",
         SeriesKind::stock},
    };
  }
  void measure(const World& w, std::int64_t step, MetricScratch& scratch,
               std::span<double> value) const override {
    enum : std::size_t {
      paid,
      paid_enterprise,
      paid_local,
      paid_state,
      paid_social,
      dividends,
      negotiations,
      agreements,
      disputes,
      awaiting,
      gini,
      dispute_rate,
      settlement_months,
      unsettled_share,
      ratio_gini
    };
    const auto step_flow = [&](Flow f) { return static_cast<double>(w.ledger.step_flow(f)); };
    value[paid_enterprise] = step_flow(flow_compensation_enterprise);
    value[paid_local] = step_flow(flow_compensation_local);
    value[paid_state] = step_flow(flow_compensation_state);
    value[paid_social] = step_flow(flow_compensation_social);
    value[paid] =
        value[paid_enterprise] + value[paid_local] + value[paid_state] + value[paid_social];
    value[dividends] = step_flow(flow_dividends);
    value[negotiations] = static_cast<double>(w.counts.negotiations);
    value[agreements] = static_cast<double>(w.counts.agreements);
    // Counts, and one sum of whole months: every addend is a whole number, so the sums are
    // exact and do not depend on how the threads split the claims.
    const auto& claims = w.claims;
    double agreed = 0.0, disputed = 0.0, settlement_sum = 0.0, unsettled = 0.0, with_damage = 0.0;
    double open_disputes = 0.0, awaiting_payment = 0.0;
#pragma omp parallel for schedule(static)                                                       \
    reduction(+ : agreed, disputed, settlement_sum, unsettled, with_damage, open_disputes,       \
                  awaiting_payment)
    for (std::size_t c = 0; c < claims.size(); ++c) {
      open_disputes += claims.dispute[c];
      awaiting_payment += claims.pending_yuan[c] > 0 ? 1.0 : 0.0;
      if (claims.outcome[c] == outcome_agreed) {
        agreed += 1.0;
        settlement_sum += static_cast<double>(claims.last_agreement[c] - claims.first_opened[c]);
      } else if (claims.outcome[c] == outcome_dispute) {
        disputed += 1.0;
      }
      if (claims.physical_ha[c] > 1e-9) {
        with_damage += 1.0;
        if (claims.unsettled(c, step, unsettled_after_months)) unsettled += 1.0;
      }
    }
    value[disputes] = open_disputes;
    value[awaiting] = awaiting_payment;
    value[dispute_rate] = agreed + disputed > 0.0 ? disputed / (agreed + disputed) : 0.0;
    value[settlement_months] = agreed > 0.0 ? settlement_sum / agreed : 0.0;
    value[unsettled_share] = with_damage > 0.0 ? unsettled / with_damage : 0.0;
    const auto& h = w.households;
    std::span<double> received(scratch.household);
    std::size_t damaged = 0;
    for (std::size_t i = 0; i < h.size(); ++i)
      if (h.official_value_yuan[i] > 0.0) received[damaged++] = h.received_yuan[i];
    value[gini] = gini_inplace(received.first(damaged), scratch.sort_buffer);
    damaged = 0;
    for (std::size_t i = 0; i < h.size(); ++i)
      if (h.official_value_yuan[i] > 0.0)
        received[damaged++] = h.received_yuan[i] / h.official_value_yuan[i];
    value[ratio_gini] = gini_inplace(received.first(damaged), scratch.sort_buffer);
  }
  void record(const World& w, RunRecord& r) const override {
    if (!w.params.simulation.record_events) return;
    const auto& e = w.negotiation_events;
    EventTable t{"negotiations",
                 "One row per negotiation outcome (agreement or dispute), sorted "
                 "by step, household and mine. model: 0 enterprise_direct, 1 "
                 "enterprise_funded_gov_organized, 2 joint, 3 state_funded, 4 "
                 "investment_promotion; payer: 0 enterprise, 1 local government, 2 "
                 "state, 3 social capital, 4 enterprise and local government.",
                 {}};
    using N = NegotiationEvent;
    add_event_column(t, "step", "step", e, &N::step);
    add_event_column(t, "household", "1", e, &N::household);
    add_event_column(t, "mine", "1", e, &N::mine);
    add_event_column(t, "model", "1", e, &N::model);
    add_event_column(t, "payer", "1", e, &N::payer);
    add_event_column(t, "offer_yuan", "yuan", e, &N::offer_yuan);
    add_event_column(t, "demand_yuan", "yuan", e, &N::demand_yuan);
    add_event_column(t, "rounds", "round", e, &N::rounds);
    add_event_column(t, "agreed", "1", e, &N::agreed);
    add_event_column(t, "amount_yuan", "yuan", e, &N::amount_yuan);
    r.events.push_back(std::move(t));
  }
};

} // namespace

std::shared_ptr<const Module> compensation_module() {
  return std::make_shared<CompensationModule>();
}

} // namespace minesim
