#pragma once
// Every field of the world's stores, listed once for checkpoints (model/checkpoint.hpp). The
// same list saves and restores (engine/state_archive.hpp). The size checks below fail to
// compile when a field is added to a store and not here: a field left out would make a
// resumed run differ from an uninterrupted one.
#include "engine/state_archive.hpp"
#include "model/world.hpp"

namespace minesim::state {

inline constexpr std::size_t column_bytes = sizeof(std::vector<double>);

static_assert(sizeof(HouseholdStore) == 38 * column_bytes + sizeof(ExtraColumns),
              "a HouseholdStore field was added: add it to household_fields");
template <class A> void household_fields(A& a, HouseholdStore& h) {
  a("households.village", h.village);
  a("households.size_persons", h.size_persons);
  a("households.land_ha", h.land_ha);
  a("households.damaged_land_ha", h.damaged_land_ha);
  a("households.sector", h.sector);
  a("households.latent", h.latent);
  a("households.latent_adjusted", h.latent_adjusted);
  a("households.offset", h.offset);
  a("households.expectation_multiplier", h.expectation_multiplier);
  a("households.informed", h.informed);
  a("households.threshold", h.threshold);
  a("households.participating", h.participating);
  a("households.income_yuan_per_year", h.income_yuan_per_year);
  a("households.income_growth", h.income_growth);
  a("households.log_income_history", h.log_income_history);
  a("households.official_value_yuan", h.official_value_yuan);
  a("households.received_yuan", h.received_yuan);
  a("households.claim_first", h.claim_first);
  a("households.employer", h.employer);
  a("households.informed_next", h.informed_next);
  a("households.participating_next", h.participating_next);
  a("households.hearings_attended", h.hearings_attended);
  a("households.petitioning", h.petitioning);
  a("households.petitioning_next", h.petitioning_next);
  a("households.petition_months", h.petition_months);
  a("households.seen", h.seen);
  a("households.neighbours_participating", h.neighbours_participating);
  a("households.neighbours_petitioning", h.neighbours_petitioning);
  a("households.neighbours_compensated", h.neighbours_compensated);
  a("households.neighbour_ratio_sum", h.neighbour_ratio_sum);
  h.extra.fields(a);
}

static_assert(sizeof(ClaimStore) == 17 * column_bytes,
              "a ClaimStore field was added: add it to claim_fields");
template <class A> void claim_fields(A& a, ClaimStore& c) {
  a("claims.household", c.household);
  a("claims.physical_ha", c.physical_ha);
  a("claims.uncompensated_ha", c.uncompensated_ha);
  a("claims.total_ha", c.total_ha);
  a("claims.round", c.round);
  a("claims.start", c.start);
  a("claims.dispute", c.dispute);
  a("claims.outcome", c.outcome);
  a("claims.offer_yuan", c.offer_yuan);
  a("claims.demand_yuan", c.demand_yuan);
  a("claims.pending_yuan", c.pending_yuan);
  a("claims.annuity_yuan_per_month", c.annuity_yuan_per_month);
  a("claims.annuity_end", c.annuity_end);
  a("claims.damaged_since", c.damaged_since);
  a("claims.first_opened", c.first_opened);
  a("claims.last_agreement", c.last_agreement);
  a("claims.last_dispute", c.last_dispute);
}

static_assert(sizeof(VillageStore) == 14 * column_bytes,
              "a VillageStore field was added: add it to village_fields");
template <class A> void village_fields(A& a, VillageStore& v) {
  a("villages.x_km", v.x_km);
  a("villages.y_km", v.y_km);
  a("villages.county", v.county);
  a("villages.first_household", v.first_household);
  a("villages.exposure", v.exposure);
  a("villages.affected_offsets", v.affected_offsets);
  a("villages.affected_mine", v.affected_mine);
  a("villages.air_quality", v.air_quality);
  a("villages.water_quality", v.water_quality);
  a("villages.vegetation", v.vegetation);
  a("villages.mining_intensity", v.mining_intensity);
  a("villages.median_income_yuan", v.median_income_yuan);
  a("villages.negotiation_index", v.negotiation_index);
  a("villages.hearings_held", v.hearings_held);
}

static_assert(sizeof(MineStore) == 24 * column_bytes,
              "a MineStore field was added: add it to mine_fields");
template <class A> void mine_fields(A& a, MineStore& m) {
  a("mines.x_km", m.x_km);
  a("mines.y_km", m.y_km);
  a("mines.status", m.status);
  a("mines.output_t_per_month", m.output_t_per_month);
  a("mines.cumulative_damaged_ha", m.cumulative_damaged_ha);
  a("mines.damaged_ha", m.damaged_ha);
  a("mines.restoring_ha", m.restoring_ha);
  a("mines.restored_ha", m.restored_ha);
  a("mines.closure_step", m.closure_step);
  a("mines.owner", m.owner);
  a("mines.county", m.county);
  a("mines.halted", m.halted);
  a("mines.halt_run_months", m.halt_run_months);
  a("mines.halt_remaining", m.halt_remaining);
  a("mines.quota_factor", m.quota_factor);
  a("mines.reported", m.reported);
  a("mines.avoided_yuan", m.avoided_yuan);
  a("mines.avoided_ha", m.avoided_ha);
  a("mines.remedy_deadline", m.remedy_deadline);
  a("mines.remedy_ha", m.remedy_ha);
  a("mines.new_damage_ha", m.new_damage_ha);
  a("mines.workers", m.workers);
  a("mines.restoring_cohort_ha", m.restoring_cohort_ha);
  a("mines.restored_by_funder_ha", m.restored_by_funder_ha);
}

static_assert(sizeof(EnterpriseStore) == 6 * column_bytes,
              "an EnterpriseStore field was added: add it to enterprise_fields");
template <class A> void enterprise_fields(A& a, EnterpriseStore& e) {
  a("enterprises.complies", e.complies);
  a("enterprises.credit_score", e.credit_score);
  a("enterprises.cash_account", e.cash_account);
  a("enterprises.deposit_account", e.deposit_account);
  a("enterprises.generosity", e.generosity);
  a("enterprises.detected_this_year", e.detected_this_year);
}

static_assert(sizeof(GovernmentStore) == 19 * column_bytes + sizeof(std::size_t),
              "a GovernmentStore field was added: add it to government_fields");
template <class A> void government_fields(A& a, GovernmentStore& g) {
  a("governments.account", g.account);
  a("governments.generosity", g.generosity);
  a("governments.stability_pressure", g.stability_pressure);
  a("governments.strict", g.strict);
  a("governments.inspection_budget", g.inspection_budget);
  a("governments.fines_this_year", g.fines_this_year);
  a("governments.inspections_this_year", g.inspections_this_year);
  a("governments.report_detection_this_year", g.report_detection_this_year);
  a("governments.report_inspections_this_year", g.report_inspections_this_year);
  a("governments.report_fines_this_year", g.report_fines_this_year);
  a("governments.payoff_strict_yuan", g.payoff_strict_yuan);
  a("governments.payoff_lax_yuan", g.payoff_lax_yuan);
  a("governments.active_rate_last_year", g.active_rate_last_year);
  a("governments.hearings_held", g.hearings_held);
  a("governments.detection_history", g.detection_history);
  a("governments.shirk_month_history", g.shirk_month_history);
  a("governments.forfeit_history", g.forfeit_history);
  a("governments.legacy_fund_account", g.legacy_fund_account);
  a("governments.legacy_cofunding_yuan_per_month", g.legacy_cofunding_yuan_per_month);
  a("governments.higher_account", g.higher_account);
}

static_assert(sizeof(RestorationFinanceState) == 8 * sizeof(double) + column_bytes,
              "a RestorationFinanceState field was added: add it to world_fields");
static_assert(sizeof(EmploymentState) == 3 * sizeof(std::int64_t),
              "an EmploymentState field was added: add it to world_fields");

static_assert(sizeof(World) == sizeof(Parameters) + sizeof(VillageStore) + sizeof(MineStore) +
                                   sizeof(HouseholdStore) + sizeof(ClaimStore) + sizeof(Csr) +
                                   sizeof(EnterpriseStore) + sizeof(GovernmentStore) +
                                   sizeof(Ledger) + sizeof(RegionAccounts) + sizeof(double) +
                                   sizeof(std::int64_t) + sizeof(RestorationFinanceState) +
                                   sizeof(EmploymentState) + sizeof(StepCounts) + 3 * column_bytes,
              "a World field was added: add it to world_fields");

/// The world's state besides its parameters (those are the scenario's, with the calendar's
/// `set` events up to the step replayed) and the surveys. A checkpoint is taken right after
/// the run file is flushed, so the surveys and event lists are empty then; the event lists
/// are kept anyway, so that a checkpoint never depends on when the file was flushed.
template <class A> void world_fields(A& a, World& w) {
  village_fields(a, w.villages);
  mine_fields(a, w.mines);
  household_fields(a, w.households);
  claim_fields(a, w.claims);
  a("network.offsets", w.network.offsets);
  a("network.targets", w.network.targets);
  enterprise_fields(a, w.enterprises);
  government_fields(a, w.governments);
  w.ledger.fields(a);
  a("accounts", w.accounts);
  a("official_value_yuan_per_ha", w.official_value_yuan_per_ha);
  a("step_now", w.step_now);
  a("finance.regional_restored_ha", w.finance.regional_restored_ha);
  a("finance.carbon_sink_t_co2", w.finance.carbon_sink_t_co2);
  a("finance.established_this_step_ha", w.finance.established_this_step_ha);
  a("finance.established_total_ha", w.finance.established_total_ha);
  a("finance.state_legacy_yuan_per_month", w.finance.state_legacy_yuan_per_month);
  a("finance.social_legacy_yuan_per_month", w.finance.social_legacy_yuan_per_month);
  a("finance.bond_payment_yuan_per_month", w.finance.bond_payment_yuan_per_month);
  a("finance.bond_payment_ends", w.finance.bond_payment_ends);
  a("finance.fiscal_balance_yuan", w.finance.fiscal_balance_yuan);
  a("jobs", w.jobs);
  a("counts", w.counts);
  a.list("negotiation_events", w.negotiation_events);
  a.list("inspection_events", w.inspection_events);
}

} // namespace minesim::state
