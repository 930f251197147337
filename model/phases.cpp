#include "model/phases.hpp"

#include "agents/mine/damage.hpp"
#include "model/compensation.hpp"
#include "model/finance.hpp"
#include "model/governance.hpp"

namespace minesim {

void apply_calendar(World& w, std::int64_t step) {
  const auto& table = parameter_table();
  for (const ScheduledEvent& e : w.params.calendar) {
    if (e.step != step) continue;
    switch (e.action) {
    case ScheduledEvent::Action::close_mine: {
      const auto m = static_cast<std::size_t>(e.mine);
      if (w.mines.status[m] == MineStatus::active) {
        w.mines.status[m] = MineStatus::closed;
        w.mines.closure_step[m] = step;
      }
      break;
    }
    case ScheduledEvent::Action::set:
      table[e.parameter].set(w.params, e.value);
      w.official_value_yuan_per_ha = official_value_yuan_per_ha(w.params.compensation);
      break;
    }
  }
}

void produce_and_damage(World& w, std::int64_t step) {
  auto& m = w.mines;
  w.mines_halted_this_step = 0;
  const auto& p = w.params.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.status[k] == MineStatus::active && m.closure_step[k] == step)
      m.status[k] = MineStatus::closed;
    const bool producing = m.status[k] == MineStatus::active && !m.halted[k];
    if (m.status[k] == MineStatus::active && m.halted[k]) ++w.mines_halted_this_step;
    const double damage =
        producing ? new_damage_ha(m.output_t_per_month[k] * m.quota_factor[k], p.damage_ha_per_10kt)
                  : 0.0;
    m.new_damage_ha[k] = damage;
    m.cumulative_damaged_ha[k] += damage;
    m.damaged_ha[k] += damage;
    w.mine_farmland_ha[k] = damage * p.farmland_damage_share;
  }
  assign_farmland_damage(w);
}

void update_perceptions(World& w, std::int64_t /*step*/) {
  auto& h = w.households;
  const auto& pp = w.params.perception;
  const double alpha = pp.adjustment_rate;
  const std::size_t n = h.size();
  compensation_ratios(w, w.household_scratch);
  // Adjustment toward the targets: reads `latent`, writes `latent_adjusted`.
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    const PerceptionInputs in = gather_perception_inputs(w, w.household_scratch, i);
    Latents offsets{};
    Latents current{};
    for (std::size_t x = 0; x < latent_count; ++x) {
      offsets[x] = h.offset[x][i];
      current[x] = h.latent[x][i];
    }
    const Latents target = perception_targets(pp, offsets, current, in);
    for (std::size_t x = 0; x < latent_count; ++x)
      h.latent_adjusted[latent_count * i + x] = (1.0 - alpha) * current[x] + alpha * target[x];
  }
  // Social influence: reads the adjusted values of every household, writes the new state.
  const auto& inf = w.params.influence;
  influence_step_all(w.network, inf.kind, inf.epsilon, inf.mu, h.latent_adjusted, h.latent);
}

Schedule make_schedule(World& w, Metrics& metrics) {
  Schedule s;
  s.add("calendar", [&w](std::int64_t t) { apply_calendar(w, t); });
  s.add("production_damage", [&w](std::int64_t t) { produce_and_damage(w, t); });
  s.add("restoration", [&w](std::int64_t t) { restore(w, t); });
  s.add("environment", [&w](std::int64_t) { update_environment(w); });
  s.add("economy", [&w](std::int64_t t) { run_economy(w, t); });
  s.add("compensation", [&w](std::int64_t t) { negotiate(w, t); });
  s.add("perceptions", [&w](std::int64_t t) { update_perceptions(w, t); });
  s.add("participation", [&w](std::int64_t t) {
    decide_participation(w, t);
    act_collectively(w, t);
  });
  s.add("supervision", [&w](std::int64_t t) { supervise(w, t); });
  s.add(
      "yearly",
      [&w](std::int64_t t) {
        update_strategies(w, t);
        plan_year(w, t);
        plan_compensation_year(w, t);
      },
      is_year_end);
  s.add("record", [&w, &metrics](std::int64_t t) { metrics.record(w, t); });
  return s;
}

} // namespace minesim
