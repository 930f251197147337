#include "model/governance.hpp"

#include "agents/enterprise/enterprise.hpp"
#include "agents/government/supervision.hpp"
#include "agents/mine/damage.hpp"
#include "agents/mine/restoration.hpp"
#include "agents/resident/collective_action.hpp"
#include "engine/random.hpp"
#include "model/finance.hpp"

#include <algorithm>
#include <cmath>

namespace minesim {
namespace {

constexpr std::size_t history_months = 36;

std::uint64_t seed_of(const World& w) {
  return static_cast<std::uint64_t>(w.params.simulation.seed);
}

bool has_open_dispute(const World& w, std::size_t i) {
  const std::uint32_t v = w.households.village[i];
  const std::uint32_t count = w.villages.affected_offsets[v + 1] - w.villages.affected_offsets[v];
  const std::uint32_t first = w.households.claim_first[i];
  for (std::uint32_t c = first; c < first + count; ++c)
    if (w.claim_dispute[c]) return true;
  return false;
}

/// Reports: each participant of a village affected by a shirking mine reports it with
/// probability p a month, so the mine is reported with probability 1 - (1 - p)^n.
void report_shirking_mines(World& w, std::int64_t step) {
  auto& m = w.mines;
  std::fill(m.reported.begin(), m.reported.end(), 0);
  w.reports_this_step = 0;
  if (!w.params.supervision_policy.public_reporting) return;
  const auto& v = w.villages;
  std::vector<double>& participants = w.mine_scratch;
  std::fill(participants.begin(), participants.end(), 0.0);
  for (std::size_t a = 0; a < v.size(); ++a) {
    double n = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      n += w.households.participating[i];
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k)
      participants[v.affected_mine[k]] += n;
  }
  const double p = w.params.collective_action.report_probability;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (!owner_shirks(w, k) || participants[k] <= 0.0) continue;
    const double chance = 1.0 - std::pow(1.0 - p, participants[k]);
    if (CounterRng(seed_of(w), Stream::reports, static_cast<std::uint64_t>(step), k).uniform(0) <
        chance) {
      m.reported[k] = 1;
      ++w.reports_this_step;
    }
  }
}

/// Petitions: synchronous over households (reads last month's petitioning).
void petition(World& w, std::int64_t step) {
  auto& h = w.households;
  const CollectiveActionParams& cp = w.params.collective_action;
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const bool aggrieved = h.latent[latent_S][i] < cp.grievance_level || has_open_dispute(w, i);
    std::uint8_t now = 0;
    if (aggrieved) {
      const auto nbrs = w.network.neighbours(i);
      double count = 0.0;
      for (const std::uint32_t j : nbrs)
        count += w.petitioning[j];
      const double share = nbrs.empty() ? 0.0 : count / static_cast<double>(nbrs.size());
      const double u =
          CounterRng(seed, Stream::petitions, static_cast<std::uint64_t>(step), i).uniform(0);
      now = petitions(share, h.threshold[i], cp.spontaneous_petition, cp.petition_fatigue,
                      w.petition_months[i], u)
                ? 1
                : 0;
    }
    w.petitioning_next[i] = now;
    w.petition_months[i] = now ? w.petition_months[i] + 1 : 0;
  }
  w.petitioning.swap(w.petitioning_next);
}

/// Stability pressure and halts: a mine is halted next month when more than halt_share of the
/// households of villages it affects petition.
void pressure_and_halts(World& w) {
  const auto& v = w.villages;
  auto& m = w.mines;
  std::array<double, 2> petitioners{};
  std::vector<double>& affected = w.mine_weight;
  std::vector<double>& petitioning = w.mine_scratch;
  std::fill(affected.begin(), affected.end(), 0.0);
  std::fill(petitioning.begin(), petitioning.end(), 0.0);
  w.petitioning_this_step = 0;
  for (std::size_t a = 0; a < v.size(); ++a) {
    double n = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      n += w.petitioning[i];
    w.petitioning_this_step += static_cast<std::int64_t>(n);
    petitioners[v.county[a]] += n;
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k) {
      affected[v.affected_mine[k]] += static_cast<double>(v.households(a));
      petitioning[v.affected_mine[k]] += n;
    }
  }
  for (std::size_t county = 0; county < 2; ++county)
    w.stability_pressure[county] =
        w.stability_pressure[county] * w.params.collective_action.pressure_decay +
        petitioners[county];
  for (std::size_t k = 0; k < m.size(); ++k)
    m.halted[k] = (m.status[k] == MineStatus::active && affected[k] > 0.0 &&
                   petitioning[k] > w.params.collective_action.halt_share * affected[k])
                      ? 1
                      : 0;
}

/// Inspect mine k: detect a shirking owner with the detection probability; fine, credit
/// penalty and a remedy deadline on detection.
void inspect(World& w, std::int64_t step, std::size_t county, std::size_t k, bool by_report) {
  const SupervisionParams& sp = w.params.supervision;
  auto& m = w.mines;
  ++w.inspections_this_step;
  w.inspections_this_year[county] += 1.0;
  w.ledger.transfer(w.governments.county[county], Ledger::outside, to_yuan(sp.inspection_cost_yuan),
                    flow_inspection_cost);
  bool detected = false;
  Yuan fine = 0;
  if (owner_shirks(w, k)) {
    const double p = detection_probability(sp, w.params.supervision_policy.digital_platform);
    detected =
        CounterRng(seed_of(w), Stream::detection, static_cast<std::uint64_t>(step), k).uniform(0) <
        p;
  }
  if (detected) {
    const auto owner = static_cast<std::size_t>(m.owner[k]);
    fine = to_yuan(fine_yuan(sp, m.avoided_yuan[k]));
    w.ledger.transfer(w.enterprises.cash_account[owner], w.governments.county[county], fine,
                      flow_fines);
    w.fines_this_year[county] += static_cast<double>(fine);
    w.enterprises.credit_score[owner] =
        std::max(0.0, w.enterprises.credit_score[owner] - sp.credit_penalty);
    w.detected_this_year[owner] = 1;
    m.remedy_deadline[k] = step + sp.remedy_months;
    m.remedy_ha[k] += m.avoided_ha[k];
    m.avoided_yuan[k] = 0.0;
    m.avoided_ha[k] = 0.0;
    ++w.detections_this_step;
    ++w.county_detections[(static_cast<std::size_t>(step) % history_months) * 2 + county];
    if (by_report) w.report_detection_this_year[county] = 1;
  }
  if (w.params.simulation.record_events)
    w.inspection_events.push_back(InspectionEvent{step, static_cast<std::int64_t>(county),
                                                  static_cast<std::int64_t>(k), by_report ? 1 : 0,
                                                  detected ? 1 : 0, fine});
}

/// Remedy deadlines that fall due: an owner that complies by then restores the detected
/// backlog (at once, paid like its other restoration); one that still shirks forfeits its
/// deposit to the county.
void settle_remedies(World& w, std::int64_t step) {
  auto& m = w.mines;
  const double cost = active_cost_yuan_per_ha(w);
  const std::size_t lag = static_cast<std::size_t>(w.params.restoration.establishment_lag_months);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.remedy_deadline[k] != step) continue;
    const auto owner = static_cast<std::size_t>(m.owner[k]);
    if (!owner_shirks(w, k)) {
      const double area = std::min(m.remedy_ha[k], m.damaged_ha[k]);
      if (area > 0.0) {
        m.damaged_ha[k] -= area;
        m.restoring_ha[k] += area;
        w.restoring_cohort_ha[(k * lag + slot) * funder_count + funder_enterprise] += area;
        const Yuan spend = to_yuan(area * cost);
        const std::size_t deposit = w.enterprises.deposit_account[owner];
        const Yuan from_deposit = std::clamp<Yuan>(w.ledger.balance(deposit), 0, spend);
        w.ledger.transfer(deposit, Ledger::outside, from_deposit, flow_restoration_enterprise);
        w.ledger.transfer(w.enterprises.cash_account[owner], Ledger::outside, spend - from_deposit,
                          flow_restoration_enterprise);
      }
    } else {
      const std::size_t deposit = w.enterprises.deposit_account[owner];
      const Yuan balance = w.ledger.balance(deposit);
      if (balance > 0)
        w.ledger.transfer(deposit, w.governments.county[m.county[k]], balance, flow_forfeit);
    }
    m.remedy_deadline[k] = -1;
    m.remedy_ha[k] = 0.0;
  }
}

double county_active_restoration_rate(const World& w, std::size_t county) {
  double restored = 0.0, cumulative = 0.0;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.owner[k] >= 0 && w.mines.county[k] == county) {
      restored += w.mines.restored_ha[k];
      cumulative += w.mines.cumulative_damaged_ha[k];
    }
  return cumulative > 0.0 ? restored / cumulative : 0.0;
}

void set_quotas(World& w) {
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    if (w.mines.owner[k] < 0) continue;
    const double score = w.enterprises.credit_score[static_cast<std::size_t>(w.mines.owner[k])];
    w.mines.quota_factor[k] =
        1.0 - quota_cut(w.params.supervision, static_cast<int>(rating_of(score)),
                        w.params.supervision_policy.credit_linkage);
  }
}

} // namespace

bool owner_shirks(const World& w, std::size_t mine) {
  const std::int32_t owner = w.mines.owner[mine];
  if (owner < 0 || w.mines.status[mine] == MineStatus::legacy) return false;
  return !(w.params.enterprises.restoration_duty &&
           w.enterprises.complies[static_cast<std::size_t>(owner)]);
}

double detection_rate_estimate(const World& w, std::size_t county) {
  double detections = 0.0, mine_months = 0.0;
  for (std::size_t t = 0; t < history_months; ++t) {
    detections += w.county_detections[t * 2 + county];
    mine_months += w.county_shirk_months[t * 2 + county];
  }
  return (detections + 1.0) / (mine_months + 24.0);
}

void initialise_governance(World& w) {
  const std::size_t n = w.households.size();
  w.petitioning.assign(n, 0);
  w.petitioning_next.assign(n, 0);
  w.petition_months.assign(n, 0);
  const std::uint8_t strict = w.params.supervision.initial_strict ? 1 : 0;
  w.county_strict = {strict, strict};
  w.county_detections.assign(history_months * 2, 0);
  w.county_shirk_months.assign(history_months * 2, 0);
  w.detected_this_year.assign(w.enterprises.size(), 0);
  for (std::size_t county = 0; county < 2; ++county)
    w.active_rate_last_year[county] = county_active_restoration_rate(w, county);
  set_quotas(w);
}

void act_collectively(World& w, std::int64_t step) {
  report_shirking_mines(w, step);
  petition(w, step);
  pressure_and_halts(w);
}

void supervise(World& w, std::int64_t step) {
  auto& m = w.mines;
  const SupervisionParams& sp = w.params.supervision;
  const auto& policy = w.params.supervision_policy;
  w.inspections_this_step = 0;
  w.detections_this_step = 0;
  const std::size_t slot = (static_cast<std::size_t>(step) % history_months) * 2;
  w.county_detections[slot] = w.county_detections[slot + 1] = 0;
  w.county_shirk_months[slot] = w.county_shirk_months[slot + 1] = 0;
  for (std::size_t k = 0; k < m.size(); ++k)
    if (owner_shirks(w, k) && m.status[k] != MineStatus::legacy)
      ++w.county_shirk_months[slot + m.county[k]];

  for (std::size_t county = 0; county < 2; ++county) {
    // Report-triggered inspections first, in mine-id order; they need no budget.
    for (std::size_t k = 0; k < m.size(); ++k)
      if (m.reported[k] && m.county[k] == county) inspect(w, step, county, k, true);
    // Routine inspections: the county's owned mines in random-key order, as many as the
    // accumulated (fractional) budget allows.
    w.candidates.clear();
    for (std::uint32_t k = 0; k < m.size(); ++k)
      if (m.county[k] == county && m.owner[k] >= 0)
        w.candidates.emplace_back(
            CounterRng(seed_of(w), Stream::inspections, static_cast<std::uint64_t>(step), k)
                .bits(county),
            k);
    double& budget = w.inspection_budget[county];
    budget += inspections_per_month(sp, w.county_strict[county] != 0, policy.joint_centre);
    const auto routine = static_cast<std::size_t>(
        std::min<double>(std::floor(budget), static_cast<double>(w.candidates.size())));
    budget -= static_cast<double>(routine);
    budget = std::min(budget, static_cast<double>(w.candidates.size())); // no hoarding
    std::sort(w.candidates.begin(), w.candidates.end());
    for (std::size_t c = 0; c < routine; ++c)
      inspect(w, step, county, w.candidates[c].second, false);
  }
  settle_remedies(w, step);
}

void update_strategies(World& w, std::int64_t step) {
  const auto& p = w.params;
  const SupervisionParams& sp = p.supervision;
  auto& e = w.enterprises;
  auto& m = w.mines;
  const auto seed = seed_of(w);

  // Credit: +5 for a compliant year without detection.
  for (std::size_t k = 0; k < e.size(); ++k) {
    if (e.complies[k] && !w.detected_this_year[k])
      e.credit_score[k] = std::min(100.0, e.credit_score[k] + sp.credit_reward);
    w.detected_this_year[k] = 0;
  }

  // Enterprises: logit choice on expected cost per 10 kt for the coming year.
  const double cost_per_ha = active_cost_yuan_per_ha(w);
  for (std::size_t k = 0; k < e.size(); ++k) {
    if (!p.enterprises.restoration_duty) {
      e.complies[k] = 0;
      continue;
    }
    double output_10kt = 0.0, comply_yuan_per_month = 0.0, detections = 0.0, profit = 0.0;
    std::size_t mines = 0;
    for (std::size_t j = 0; j < m.size(); ++j) {
      if (m.owner[j] != static_cast<std::int32_t>(k) || m.status[j] == MineStatus::legacy) continue;
      ++mines;
      const bool active = m.status[j] == MineStatus::active;
      const double output = active ? m.output_t_per_month[j] * m.quota_factor[j] : 0.0;
      output_10kt += output / 10000.0;
      profit += output * (p.enterprises.price_yuan_per_t - p.enterprises.operating_cost_yuan_per_t);
      const double new_damage = active ? new_damage_ha(output, p.mines.damage_ha_per_10kt) : 0.0;
      comply_yuan_per_month += owner_restoration_ha(true, new_damage, m.damaged_ha[j] + new_damage,
                                                    p.enterprises.backlog_share_per_year, 1.0) *
                               cost_per_ha;
      detections += detection_rate_estimate(w, m.county[j]);
    }
    if (mines == 0) continue;
    // A closed-only owner produces nothing: reckon its costs per default mine's output.
    const double per = output_10kt > 0.0 ? output_10kt : 5.0;
    const double after_detection = std::max(0.0, e.credit_score[k] - sp.credit_penalty);
    const double cut = quota_cut(sp, static_cast<int>(rating_of(after_detection)),
                                 p.supervision_policy.credit_linkage);
    ShirkCost c{
        comply_yuan_per_month / per,
        (1.0 - p.enterprises.shirk_effort) * comply_yuan_per_month / static_cast<double>(mines),
        per,
        static_cast<double>(w.ledger.balance(e.deposit_account[k])) / static_cast<double>(mines),
        12.0 * cut * profit / static_cast<double>(mines)};
    const double cost_shirk = shirk_cost_yuan_per_10kt(sp, c, p.enterprises.shirk_effort,
                                                       detections / static_cast<double>(mines));
    const double cost_comply = c.restoration_yuan_per_10kt;
    const CounterRng rng(seed, Stream::enterprise_strategy, static_cast<std::uint64_t>(step), k);
    const double chance =
        rng.uniform(0) < sp.exploration ? 0.5 : comply_probability(sp, cost_comply, cost_shirk);
    e.complies[k] = rng.uniform(1) < chance ? 1 : 0;
  }

  // Counties: logit choice on the payoff of strict over lax supervision.
  for (std::size_t county = 0; county < 2; ++county) {
    const double rate = county_active_restoration_rate(w, county);
    CountyOutlook o{};
    o.extra_inspections_per_year =
        12.0 * (inspections_per_month(sp, true, p.supervision_policy.joint_centre) -
                inspections_per_month(sp, false, p.supervision_policy.joint_centre));
    o.fines_per_inspection_yuan = w.inspections_this_year[county] > 0.0
                                      ? w.fines_this_year[county] / w.inspections_this_year[county]
                                      : 0.0;
    o.restoration_rate_rose = rate > w.active_rate_last_year[county];
    o.report_found_violation = w.report_detection_this_year[county] != 0;
    o.stability_pressure = w.stability_pressure[county];
    const CounterRng rng(seed, Stream::government_strategy, static_cast<std::uint64_t>(step),
                         county);
    const double chance = rng.uniform(0) < sp.exploration
                              ? 0.5
                              : strict_probability(sp, strict_advantage_yuan(sp, o));
    w.county_strict[county] = rng.uniform(1) < chance ? 1 : 0;
    w.active_rate_last_year[county] = rate;
    w.fines_this_year[county] = 0.0;
    w.inspections_this_year[county] = 0.0;
    w.report_detection_this_year[county] = 0;
  }
  set_quotas(w);
}

} // namespace minesim
