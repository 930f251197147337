// Supervision (docs/odd.md §3.11): report-triggered and routine inspections by each local
// government, fines, remedies and forfeited deposits.
#include "model/module.hpp"
#include "agents/government/supervision.hpp"
#include "agents/mine/damage.hpp"
#include "agents/mine/restoration.hpp"
#include "engine/random.hpp"
#include "model/finance.hpp"
#include "model/governance.hpp"
#include "model/tables.hpp"
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace minesim {

std::vector<ParameterBinding> supervision_parameter_rows();
namespace {

/// What supervision writes.
struct SupervisionWrites {
  std::int64_t& inspections; ///< this step's count
  std::int64_t& detections;  ///< this step's count
  Ledger& ledger;            ///< inspection costs, fines, remedies and forfeits
  // Per government.
  std::span<double> inspections_this_year;
  std::span<double> fines_this_year;
  std::span<double> inspection_budget; ///< fractional inspections carried over
  std::span<std::uint8_t> report_detection_this_year;
  std::span<double> report_inspections_this_year;
  std::span<double> report_fines_this_year;
  std::span<std::int32_t> detection_history;   ///< ring: this month's slot
  std::span<std::int32_t> shirk_month_history; ///< ring: this month's slot
  std::span<std::int32_t> forfeit_history;     ///< ring: this month's slot
  // Per enterprise: penalties of detected violations.
  std::span<double> credit_score;
  std::span<std::uint8_t> detected_this_year;
  // Per mine: detected backlogs and their remedies.
  std::span<std::int64_t> remedy_deadline;
  std::span<double> remedy_ha;
  std::span<double> avoided_yuan;
  std::span<double> avoided_ha;
  std::span<double> damaged_ha;
  std::span<double> restoring_ha;
  std::span<double> restoring_cohort_ha;           ///< [mine][start step % lag][funder]
  std::vector<InspectionEvent>& inspection_events; ///< appends this step's inspections

  static SupervisionWrites of(World& w) {
    auto& g = w.governments;
    auto& e = w.enterprises;
    auto& m = w.mines;
    return {w.counts.inspections,
            w.counts.detections,
            w.ledger,
            g.inspections_this_year,
            g.fines_this_year,
            g.inspection_budget,
            g.report_detection_this_year,
            g.report_inspections_this_year,
            g.report_fines_this_year,
            g.detection_history,
            g.shirk_month_history,
            g.forfeit_history,
            e.credit_score,
            e.detected_this_year,
            m.remedy_deadline,
            m.remedy_ha,
            m.avoided_yuan,
            m.avoided_ha,
            m.damaged_ha,
            m.restoring_ha,
            m.restoring_cohort_ha,
            w.inspection_events};
  }
};

/// Scratch space of the phase, sized once per run.
struct SupervisionScratch {
  /// A county's owned mines with their random keys: the order of routine inspections.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> inspection_order;

  explicit SupervisionScratch(const World& w) { inspection_order.reserve(w.mines.size()); }
};

/// Inspect mine k: detect a shirking owner with the detection probability; fine, credit
/// penalty and a remedy deadline on detection.
void inspect(const World& w, const SupervisionWrites& out, std::int64_t step, std::size_t county,
             std::size_t k, bool by_report) {
  const SupervisionParams& sp = w.params.supervision;
  const auto& m = w.mines;
  ++out.inspections;
  out.inspections_this_year[county] += 1.0;
  if (by_report) out.report_inspections_this_year[county] += 1.0;
  out.ledger.transfer(w.governments.account[county], Ledger::outside,
                      to_yuan(sp.inspection_cost_yuan), flow_inspection_cost);
  bool detected = false;
  Yuan fine = 0;
  if (owner_shirks(w, k)) {
    const double p = detection_probability(sp, w.params.supervision_policy.digital_platform);
    detected =
        CounterRng(seed_of(w), streams::detection, static_cast<std::uint64_t>(step), k).uniform(0) <
        p;
  }
  if (detected) {
    const auto owner = static_cast<std::size_t>(m.owner[k]);
    fine = to_yuan(fine_yuan(sp, out.avoided_yuan[k]));
    out.ledger.transfer(w.enterprises.cash_account[owner], w.governments.account[county], fine,
                        flow_fines);
    out.fines_this_year[county] += static_cast<double>(fine);
    if (by_report) out.report_fines_this_year[county] += static_cast<double>(fine);
    out.credit_score[owner] = std::max(0.0, out.credit_score[owner] - sp.credit_penalty);
    out.detected_this_year[owner] = 1;
    out.remedy_deadline[k] = step + sp.remedy_months;
    out.remedy_ha[k] += out.avoided_ha[k];
    out.avoided_yuan[k] = 0.0;
    out.avoided_ha[k] = 0.0;
    ++out.detections;
    ++out.detection_history[(static_cast<std::size_t>(step) % history_months) *
                                w.governments.size() +
                            county];
    if (by_report) out.report_detection_this_year[county] = 1;
  }
  if (w.params.simulation.record_events)
    out.inspection_events.push_back(InspectionEvent{step, static_cast<std::int64_t>(county),
                                                    static_cast<std::int64_t>(k), by_report ? 1 : 0,
                                                    detected ? 1 : 0, fine});
}

/// Remedy deadlines that fall due: an owner that complies by then restores the detected
/// backlog (at once, paid like its other restoration); one that still shirks forfeits its
/// deposit to the county. Reads this month's inspections' remedies through `out`.
void settle_remedies(const World& w, const SupervisionWrites& out, std::int64_t step) {
  const auto& m = w.mines;
  const double cost = active_cost_yuan_per_ha(w);
  const std::size_t lag = static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (out.remedy_deadline[k] != step) continue;
    const auto owner = static_cast<std::size_t>(m.owner[k]);
    if (!owner_shirks(w, k)) {
      const double area = std::min(out.remedy_ha[k], out.damaged_ha[k]);
      if (area > 0.0) {
        out.damaged_ha[k] -= area;
        out.restoring_ha[k] += area;
        out.restoring_cohort_ha[(k * lag + slot) * funder_count + funder_enterprise] += area;
        const Yuan spend = to_yuan(area * cost);
        const std::size_t deposit = w.enterprises.deposit_account[owner];
        const Yuan from_deposit = std::clamp<Yuan>(out.ledger.balance(deposit), 0, spend);
        out.ledger.transfer(deposit, Ledger::outside, from_deposit, flow_restoration_enterprise);
        out.ledger.transfer(w.enterprises.cash_account[owner], Ledger::outside,
                            spend - from_deposit, flow_restoration_enterprise);
      }
    } else {
      const std::size_t deposit = w.enterprises.deposit_account[owner];
      const Yuan balance = out.ledger.balance(deposit);
      if (balance > 0)
        out.ledger.transfer(deposit, w.governments.account[m.county[k]], balance, flow_forfeit);
      ++out.forfeit_history[(static_cast<std::size_t>(step) % history_months) *
                                w.governments.size() +
                            m.county[k]];
    }
    out.remedy_deadline[k] = -1;
    out.remedy_ha[k] = 0.0;
  }
}

void supervise(const World& w, const SupervisionWrites& out, SupervisionScratch& scratch,
               std::int64_t step) {
  const auto& m = w.mines;
  const SupervisionParams& sp = w.params.supervision;
  const auto& policy = w.params.supervision_policy;
  out.inspections = 0;
  out.detections = 0;
  const std::size_t counties = w.governments.size();
  const std::size_t slot = (static_cast<std::size_t>(step) % history_months) * counties;
  for (std::size_t county = 0; county < counties; ++county) {
    out.detection_history[slot + county] = 0;
    out.shirk_month_history[slot + county] = 0;
    out.forfeit_history[slot + county] = 0;
  }
  for (std::size_t k = 0; k < m.size(); ++k)
    if (owner_shirks(w, k) && m.status[k] != MineStatus::legacy)
      ++out.shirk_month_history[slot + m.county[k]];

  auto& order = scratch.inspection_order;
  for (std::size_t county = 0; county < counties; ++county) {
    // Report-triggered inspections first, in mine-id order; they need no budget.
    for (std::size_t k = 0; k < m.size(); ++k)
      if (m.reported[k] && m.county[k] == county) inspect(w, out, step, county, k, true);
    // Routine inspections: the county's owned mines in random-key order, as many as the
    // accumulated (fractional) budget allows.
    order.clear();
    for (std::uint32_t k = 0; k < m.size(); ++k)
      if (m.county[k] == county && m.owner[k] >= 0)
        order.emplace_back(
            CounterRng(seed_of(w), streams::inspections, static_cast<std::uint64_t>(step), k)
                .bits(county),
            k);
    double& budget = out.inspection_budget[county];
    budget += inspections_per_month(sp, w.governments.strict[county] != 0, policy.joint_centre);
    const auto routine = static_cast<std::size_t>(
        std::min<double>(std::floor(budget), static_cast<double>(order.size())));
    budget -= static_cast<double>(routine);
    budget = std::min(budget, static_cast<double>(order.size())); // no hoarding
    std::sort(order.begin(), order.end());
    for (std::size_t c = 0; c < routine; ++c)
      inspect(w, out, step, county, order[c].second, false);
  }
  settle_remedies(w, out, step);
}

class SupervisionModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "supervision"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return supervision_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::detection, streams::inspections};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    return {{Slot::supervision,
             [scratch = std::make_shared<SupervisionScratch>(world)](World& w, std::int64_t step) {
               supervise(w, SupervisionWrites::of(w), *scratch, step);
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"inspections", "count", "Inspections this step (report-triggered and routine).",
         SeriesKind::flow},
        {"detections", "count", "Violations detected this step.", SeriesKind::flow},
        {"fines_yuan", "yuan", "Fines paid this step.", SeriesKind::flow},
        {"deposits_forfeited_yuan", "yuan", "Restoration deposits forfeited this step.",
         SeriesKind::flow},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch&,
               std::span<double> value) const override {
    value[0] = static_cast<double>(w.counts.inspections);
    value[1] = static_cast<double>(w.counts.detections);
    value[2] = static_cast<double>(w.ledger.step_flow(flow_fines));
    value[3] = static_cast<double>(w.ledger.step_flow(flow_forfeit));
  }
  void record(const World& w, RunRecord& r) const override {
    if (!w.params.simulation.record_events) return;
    const auto& e = w.inspection_events;
    EventTable t{"inspections",
                 "One row per inspection, sorted by step, then in inspection order within a "
                 "step (report-triggered first, by mine; then routine). government: the local "
                 "government's id (/governments row, numbered west to east).",
                 {}};
    using I = InspectionEvent;
    add_event_column(t, "step", "step", e, &I::step);
    add_event_column(t, "government", "1", e, &I::government);
    add_event_column(t, "mine", "1", e, &I::mine);
    add_event_column(t, "triggered_by_report", "1", e, &I::triggered_by_report);
    add_event_column(t, "detected", "1", e, &I::detected);
    add_event_column(t, "fine_yuan", "yuan", e, &I::fine_yuan);
    r.events.push_back(std::move(t));
  }
};

} // namespace

std::shared_ptr<const Module> supervision_module() {
  return std::make_shared<SupervisionModule>();
}

} // namespace minesim
