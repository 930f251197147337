#include "model/world.hpp"

#include "model/compensation.hpp"
#include "model/finance.hpp"
#include "model/governance.hpp"

#include "agents/mine/damage.hpp"
#include "agents/region/environment.hpp"
#include "engine/random.hpp"
#include "engine/stats.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>

namespace minesim {
namespace {

/// Draw indices of a household's initial attributes within its stream position, fixed so
/// that adding an attribute never shifts another's numbers. Normals use uniforms 2k, 2k+1.
enum HouseholdDraw : std::uint64_t {
  draw_size = 0,        // uniforms 0..4: five Bernoulli trials
  draw_land = 3,        // normal 3: uniforms 6, 7
  draw_offset = 4,      // normals 4..8: uniforms 8..17
  draw_expectation = 9, // normal 9: uniforms 18, 19
  draw_informed = 20,   // uniform 20
  draw_threshold = 11,  // normal 11: uniforms 22, 23
};

double distance_km(double x1, double y1, double x2, double y2) {
  return std::hypot(x1 - x2, y1 - y2);
}

void place_villages(World& w) {
  const auto& p = w.params;
  const auto villages = static_cast<std::size_t>(p.region.villages);
  const auto seed = landscape_seed_of(p.simulation); // the region, not behaviour
  auto& v = w.villages;
  v.x_km.resize(villages);
  v.y_km.resize(villages);
  v.county.resize(villages);
  for (std::size_t k = 0; k < villages; ++k) {
    const CounterRng rng(seed, streams::village_position, 0, k);
    v.x_km[k] = rng.uniform(0, 0.0, p.region.side_km);
    v.y_km[k] = rng.uniform(1, 0.0, p.region.side_km);
    v.county[k] =
        county_of(v.x_km[k], p.region.side_km, static_cast<std::size_t>(p.region.counties));
  }
  // Multinomial village sizes above the floor: each remaining household picks a village.
  std::vector<std::uint32_t> count(villages,
                                   static_cast<std::uint32_t>(p.households.min_per_village));
  const auto remaining = static_cast<std::uint64_t>(
      p.households.count - p.region.villages * p.households.min_per_village);
  for (std::uint64_t k = 0; k < remaining; ++k)
    ++count[CounterRng(seed, streams::village_assignment, 0, k).below(0, villages)];
  v.first_household.assign(villages + 1, 0);
  for (std::size_t k = 0; k < villages; ++k)
    v.first_household[k + 1] = v.first_household[k] + count[k];
  v.air_quality.assign(villages, 1.0);
  v.water_quality.assign(villages, 1.0);
  v.vegetation.assign(villages, 1.0);
  v.mining_intensity.assign(villages, 0.0);
  v.median_income_yuan.assign(villages, 0.0);
}

void place_mines(World& w) {
  const auto& p = w.params;
  const auto mines = static_cast<std::size_t>(p.mines.count);
  const auto seed = landscape_seed_of(p.simulation); // the region, not behaviour
  auto& m = w.mines;
  m.x_km.resize(mines);
  m.y_km.resize(mines);
  m.status.resize(mines);
  m.output_t_per_month.assign(mines, 0.0);
  m.cumulative_damaged_ha.assign(mines, 0.0);
  m.damaged_ha.assign(mines, 0.0);
  m.restoring_ha.assign(mines, 0.0);
  m.restored_ha.assign(mines, 0.0);
  m.closure_step.assign(mines, -1);
  m.owner.assign(mines, -1);
  m.county.resize(mines);
  m.halted.assign(mines, 0);
  m.quota_factor.assign(mines, 1.0);
  m.reported.assign(mines, 0);
  m.avoided_yuan.assign(mines, 0.0);
  m.avoided_ha.assign(mines, 0.0);
  m.remedy_deadline.assign(mines, -1);
  m.remedy_ha.assign(mines, 0.0);
  m.new_damage_ha.assign(mines, 0.0);
  for (std::size_t k = 0; k < mines; ++k) {
    const CounterRng pos(seed, streams::mine_position, 0, k);
    m.x_km[k] = pos.uniform(0, 0.0, p.region.side_km);
    m.y_km[k] = pos.uniform(1, 0.0, p.region.side_km);
    m.county[k] =
        county_of(m.x_km[k], p.region.side_km, static_cast<std::size_t>(p.region.counties));
    const CounterRng rng(seed, streams::mine_attributes, 0, k);
    const bool legacy = k < static_cast<std::size_t>(p.mines.legacy_count);
    if (legacy) {
      m.status[k] = MineStatus::legacy;
      m.damaged_ha[k] = rng.uniform(2, p.mines.legacy_initial_damage_min_ha,
                                    p.mines.legacy_initial_damage_max_ha);
    } else {
      const std::size_t active_index = k - static_cast<std::size_t>(p.mines.legacy_count);
      m.status[k] = MineStatus::active;
      m.output_t_per_month[k] =
          rng.lognormal(0, p.mines.output_median_t_per_month, p.mines.output_sd_log);
      m.damaged_ha[k] = rng.uniform(2, p.mines.active_initial_damage_min_ha,
                                    p.mines.active_initial_damage_max_ha);
      const double life_years =
          rng.uniform(3, p.mines.remaining_life_min_years, p.mines.remaining_life_max_years);
      m.closure_step[k] = std::max<std::int64_t>(1, std::llround(12.0 * life_years));
      m.owner[k] =
          static_cast<std::int32_t>(active_index % static_cast<std::size_t>(p.enterprises.count));
    }
    m.cumulative_damaged_ha[k] = m.damaged_ha[k];
  }
}

void link_villages_and_mines(World& w) {
  auto& v = w.villages;
  const std::size_t villages = v.size();
  const std::size_t mines = w.mines.size();
  v.exposure.resize(villages * mines);
  v.affected_offsets.assign(villages + 1, 0);
  v.affected_mine.clear();
  for (std::size_t a = 0; a < villages; ++a) {
    for (std::size_t m = 0; m < mines; ++m) {
      const double d = distance_km(v.x_km[a], v.y_km[a], w.mines.x_km[m], w.mines.y_km[m]);
      v.exposure[a * mines + m] = std::exp(-d / w.params.region.exposure_lambda_km);
      if (d <= w.params.region.damage_radius_km)
        v.affected_mine.push_back(static_cast<std::uint32_t>(m));
    }
    v.affected_offsets[a + 1] = static_cast<std::uint32_t>(v.affected_mine.size());
  }
}

void create_households(World& w) {
  const auto& p = w.params;
  const auto& v = w.villages;
  const auto n = static_cast<std::size_t>(p.households.count);
  // Land, size, offsets and thresholds belong to the landscape; expectations and initial
  // information to the run (same stream and draw numbers: with landscape_seed unset, one seed).
  const auto landscape = landscape_seed_of(p.simulation);
  const auto seed = static_cast<std::uint64_t>(p.simulation.seed);
  auto& h = w.households;
  h.village.resize(n);
  h.size_persons.resize(n);
  h.land_ha.resize(n);
  h.damaged_land_ha.assign(n, 0.0);
  h.sector.assign(n, Sector::agriculture);
  for (std::size_t x = 0; x < latent_count; ++x) {
    h.latent[x].assign(n, 0.0);
    h.offset[x].resize(n);
  }
  h.latent_adjusted.assign(latent_count * n, 0.0);
  h.expectation_multiplier.resize(n);
  h.informed.resize(n);
  h.threshold.resize(n);
  h.participating.assign(n, 0);
  h.income_yuan_per_year.assign(n, 0.0);
  h.income_growth.assign(n, 0.0);
  h.log_income_history.assign(12 * n, 0.0F);
  h.official_value_yuan.assign(n, 0.0);
  h.received_yuan.assign(n, 0.0);
  h.claim_first.resize(n);

  std::uint32_t claims = 0;
  for (std::size_t a = 0; a < v.size(); ++a) {
    const std::uint32_t per_household = v.affected_offsets[a + 1] - v.affected_offsets[a];
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i) {
      h.village[i] = static_cast<std::uint32_t>(a);
      h.claim_first[i] = claims;
      claims += per_household;
    }
  }
  w.claims.physical_ha.assign(claims, 0.0);
  w.claims.uncompensated_ha.assign(claims, 0.0);

  const double size_p = (p.households.size_mean_persons - 1.0) / 5.0;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    const CounterRng land(landscape, streams::household_attributes, 0, i);
    const CounterRng own(seed, streams::household_attributes, 0, i);
    int persons = 1;
    for (std::uint64_t k = 0; k < 5; ++k)
      persons += land.bernoulli(draw_size + k, size_p) ? 1 : 0;
    h.size_persons[i] = static_cast<std::uint8_t>(persons);
    h.land_ha[i] = land.lognormal(draw_land, p.households.land_median_ha, p.households.land_sd_log);
    for (std::size_t x = 0; x < latent_count; ++x)
      h.offset[x][i] = p.perception.offset_sd * land.normal(draw_offset + x);
    h.expectation_multiplier[i] = own.lognormal(draw_expectation, p.households.expectation_median,
                                                p.households.expectation_sd_log);
    h.informed[i] =
        own.uniform(draw_informed, p.households.informed_min, p.households.informed_max);
    h.threshold[i] = std::clamp(p.households.threshold_mean +
                                    p.households.threshold_sd * land.normal(draw_threshold),
                                0.01, 1.0);
  }
}

void assign_initial_damage(World& w) {
  const auto& p = w.params;
  std::vector<double> farmland_ha(w.mines.size());
  for (std::size_t m = 0; m < w.mines.size(); ++m)
    farmland_ha[m] = w.mines.damaged_ha[m] * p.mines.farmland_damage_share;
  FarmlandDamageScratch scratch(w);
  // The claims' clocks do not exist yet: initialise_compensation dates the initial damage.
  assign_farmland_damage(w, farmland_ha, FarmlandDamageWrites::of(w), scratch, 0);
  // Part of the damage before the start was already compensated, at the official value.
  auto& h = w.households;
  const double uncompensated = p.mines.initial_uncompensated_share;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::uint32_t claims =
        w.villages.affected_offsets[h.village[i] + 1] - w.villages.affected_offsets[h.village[i]];
    for (std::uint32_t c = h.claim_first[i]; c < h.claim_first[i] + claims; ++c)
      w.claims.uncompensated_ha[c] = uncompensated * w.claims.physical_ha[c];
    h.received_yuan[i] = (1.0 - uncompensated) * h.official_value_yuan[i];
  }
}

void initialise_latents(World& w) {
  auto& h = w.households;
  std::vector<SeenByNeighbours> seen(h.size());
  seen_by_neighbours(w, seen);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const PerceptionInputs in = perception_inputs(w, i, count_neighbours(w, seen, i));
    Latents offsets{};
    for (std::size_t x = 0; x < latent_count; ++x)
      offsets[x] = h.offset[x][i];
    // Start each household at its targets, evaluated down the causal chain E -> P -> C -> R
    // -> S so that each latent sees its predecessors' initial values.
    Latents current{};
    for (std::size_t x = 0; x < latent_count; ++x)
      current[x] = perception_targets(w.params.perception, offsets, current, in)[x];
    for (std::size_t x = 0; x < latent_count; ++x)
      h.latent[x][i] = current[x];
  }
}

} // namespace

World make_world(const Parameters& params) {
  World w;
  w.params = params;
  w.official_value_yuan_per_ha = official_value_yuan_per_ha(params.compensation);
  place_villages(w);
  place_mines(w);
  link_villages_and_mines(w);
  create_households(w);
  assign_initial_damage(w);
  w.network = build_social_network(
      params.network, VillageLayout{w.villages.first_household, w.villages.x_km, w.villages.y_km},
      landscape_seed_of(params.simulation));
  initialise_finance(w);
  initialise_compensation(w);
  initialise_governance(w);
  plan_compensation_year(w, 0);
  update_environment(w, VillageEnvironmentWrites::of(w));
  IncomeScratch incomes(w);
  update_incomes(w, IncomeWrites::of(w), incomes, 0);
  // Before the first step there is no history: every month of the past year had this income.
  auto& h = w.households;
  for (std::size_t slot = 1; slot < 12; ++slot)
    std::copy_n(h.log_income_history.begin(), h.size(),
                h.log_income_history.begin() + static_cast<std::ptrdiff_t>(slot * h.size()));
  initialise_latents(w);
  return w;
}

FarmlandDamageWrites FarmlandDamageWrites::of(World& w) {
  return {w.claims.physical_ha,   w.claims.uncompensated_ha,    w.claims.total_ha,
          w.claims.damaged_since, w.households.damaged_land_ha, w.households.official_value_yuan};
}

FarmlandDamageScratch::FarmlandDamageScratch(const World& w)
    : undamaged_per_village(w.villages.size()), weight_per_mine(w.mines.size()),
      parts_per_thread(static_cast<std::size_t>(omp_get_max_threads()) * w.mines.size()) {}

void assign_farmland_damage(const World& w, std::span<const double> new_farmland_ha,
                            const FarmlandDamageWrites& out, FarmlandDamageScratch& scratch,
                            std::int64_t step) {
  const auto& h = w.households;
  const auto& v = w.villages;
  const std::size_t mines = w.mines.size();
  // Grows only when the thread count has grown since the scratch was sized.
  const std::size_t parts_size = static_cast<std::size_t>(omp_get_max_threads()) * mines;
  if (scratch.parts_per_thread.size() < parts_size) scratch.parts_per_thread.resize(parts_size);
  std::vector<double>& undamaged_per_village = scratch.undamaged_per_village;
  std::vector<double>& weight = scratch.weight_per_mine;
  // Total weight per mine: sum over affected villages of exposure times the village's
  // undamaged land. Villages are summed serially in id order, each over its own households.
#pragma omp parallel for schedule(static)
  for (std::size_t a = 0; a < v.size(); ++a) {
    double undamaged = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      undamaged += std::max(0.0, h.land_ha[i] - h.damaged_land_ha[i]);
    undamaged_per_village[a] = undamaged;
  }
  std::fill(weight.begin(), weight.end(), 0.0);
  for (std::size_t a = 0; a < v.size(); ++a)
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k) {
      const std::uint32_t m = v.affected_mine[k];
      weight[m] += v.exposure[a * mines + m] * undamaged_per_village[a];
    }
    // Per-household parts: reads only the household's own start-of-phase land.
#pragma omp parallel
  {
    double* const parts =
        scratch.parts_per_thread.data() + static_cast<std::size_t>(omp_get_thread_num()) * mines;
#pragma omp for schedule(static)
    for (std::size_t i = 0; i < h.size(); ++i) {
      const std::uint32_t a = h.village[i];
      const std::uint32_t first = v.affected_offsets[a];
      const std::uint32_t count = v.affected_offsets[a + 1] - first;
      // Rounding can leave a fully damaged holding a hair below zero.
      const double undamaged = std::max(0.0, h.land_ha[i] - h.damaged_land_ha[i]);
      for (std::uint32_t k = 0; k < count; ++k) {
        const std::uint32_t m = v.affected_mine[first + k];
        parts[k] =
            farmland_part_ha(new_farmland_ha[m], v.exposure[a * mines + m], undamaged, weight[m]);
      }
      const double added = cap_at_undamaged(undamaged, std::span<double>(parts, count));
      if (added <= 0.0) continue;
      for (std::uint32_t k = 0; k < count; ++k) {
        const std::size_t c = h.claim_first[i] + k;
        // A claim owed nothing so far starts its damage clock (docs/odd.md §3.7, rev. 2).
        if (!out.damaged_since.empty() && parts[k] > 0.0 && out.uncompensated_ha[c] <= 1e-9)
          out.damaged_since[c] = static_cast<std::int32_t>(step);
        out.physical_ha[c] += parts[k];
        out.uncompensated_ha[c] += parts[k];
        if (!out.total_ha.empty()) out.total_ha[c] += parts[k];
      }
      out.damaged_land_ha[i] += added;
      out.official_value_yuan[i] += added * w.official_value_yuan_per_ha;
    }
  }
}

IncomeWrites IncomeWrites::of(World& w) {
  auto& h = w.households;
  return {h.income_yuan_per_year, h.income_growth, h.log_income_history,
          w.villages.median_income_yuan};
}

IncomeScratch::IncomeScratch(const World& w) : incomes_to_rank(w.households.size()) {}

void update_incomes(const World& w, const IncomeWrites& out, IncomeScratch& scratch,
                    std::int64_t step) {
  const auto& h = w.households;
  const auto& e = w.params.economy;
  const double period_years = w.params.compensation.period_years;
  const std::size_t n = h.size();
  const std::size_t slot = static_cast<std::size_t>(step % 12) * n;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    // Compensation counts as income spread over its period (docs/odd.md §3.5).
    const double income =
        household_income_yuan(e, h.land_ha[i], h.damaged_land_ha[i], h.sector[i], h.size_persons[i],
                              h.received_yuan[i] / period_years);
    out.income_yuan_per_year[i] = income;
    const auto log_income = static_cast<float>(std::log(std::max(income, 1.0)));
    // The slot of this month still holds the log income of 12 months ago.
    out.income_growth[i] = step == 0 ? 0.0
                                     : static_cast<double>(log_income) -
                                           static_cast<double>(out.log_income_history[slot + i]);
    out.log_income_history[slot + i] = log_income;
  }
  const auto& v = w.villages;
  std::vector<double>& ranked = scratch.incomes_to_rank;
#pragma omp parallel for schedule(dynamic, 16)
  for (std::size_t a = 0; a < v.size(); ++a) {
    const std::size_t first = v.first_household[a];
    const std::size_t count = v.households(a);
    // This month's incomes, just written above.
    std::copy_n(out.income_yuan_per_year.begin() + static_cast<std::ptrdiff_t>(first), count,
                ranked.begin() + static_cast<std::ptrdiff_t>(first));
    out.median_income_yuan[a] = median_inplace(std::span<double>(ranked.data() + first, count));
  }
}

VillageEnvironmentWrites VillageEnvironmentWrites::of(World& w) {
  auto& v = w.villages;
  return {v.air_quality, v.water_quality, v.vegetation, v.mining_intensity};
}

void update_environment(const World& w, const VillageEnvironmentWrites& out) {
  const auto& v = w.villages;
  const auto& m = w.mines;
  const std::size_t mines = m.size();
#pragma omp parallel for schedule(static)
  for (std::size_t a = 0; a < v.size(); ++a) {
    const std::span<const double> row(v.exposure.data() + a * mines, mines);
    const VillageEnvironment env = village_environment(w.params.environment, row, m);
    out.air_quality[a] = env.air_quality;
    out.water_quality[a] = env.water_quality;
    out.vegetation[a] = env.vegetation;
    double intensity = 0.0;
    for (std::size_t k = 0; k < mines; ++k)
      if (m.status[k] == MineStatus::active && !m.halted[k])
        intensity += row[k] * m.output_t_per_month[k] * m.quota_factor[k] / 100000.0;
    out.mining_intensity[a] = intensity;
  }
}

void update_environment(World& w) {
  update_environment(w, VillageEnvironmentWrites::of(w));
}

void seen_by_neighbours(const World& w, std::span<SeenByNeighbours> seen) {
  const auto& h = w.households;
#pragma omp parallel for schedule(static)
  for (std::size_t j = 0; j < h.size(); ++j) {
    const bool compensated = h.received_yuan[j] > 0.0 && h.official_value_yuan[j] > 0.0;
    seen[j] = {h.informed[j],
               compensated ? static_cast<float>(h.received_yuan[j] / h.official_value_yuan[j])
                           : -1.0F,
               h.participating[j], h.petitioning[j]};
  }
}

NeighbourCounts count_neighbours(const World& w, std::span<const SeenByNeighbours> seen,
                                 std::size_t i) {
  NeighbourCounts n;
  const auto nbrs = w.network.neighbours(i);
  n.degree = static_cast<double>(nbrs.size());
  for (const std::uint32_t j : nbrs) {
    n.participating += seen[j].participating;
    if (seen[j].compensation_ratio >= 0.0F) {
      n.ratio_sum += static_cast<double>(seen[j].compensation_ratio);
      n.compensated += 1.0;
    }
  }
  return n;
}

PerceptionInputs perception_inputs(const World& w, std::size_t i, const NeighbourCounts& nbrs) {
  const auto& h = w.households;
  const auto& v = w.villages;
  const auto& pp = w.params.perception;
  const std::uint32_t a = h.village[i];
  PerceptionInputs in;
  in.income_growth = h.income_growth[i];
  in.employed_in_mining = h.sector[i] == Sector::mining ? 1.0 : 0.0;
  in.mining_intensity = v.mining_intensity[a];
  in.air_quality = v.air_quality[a];
  in.water_quality = v.water_quality[a];
  in.vegetation = v.vegetation[a];
  in.compensation_gap =
      compensation_gap(h.received_yuan[i], h.official_value_yuan[i], h.expectation_multiplier[i]);
  in.employment_security = employment_security(pp, h.sector[i]);
  in.informed = h.informed[i];
  // Neighbours: who participates, and how well compensated the compensated ones are.
  in.participating_neighbour_share = neighbour_share(nbrs.participating, nbrs.degree);
  // Fairness compares the own ratio with compensated neighbours'; without either there is
  // nothing to compare and the household judges the split neutral (fair = 1).
  if (nbrs.compensated > 0.0 && h.official_value_yuan[i] > 0.0) {
    const double nbr_ratio = nbrs.ratio_sum / nbrs.compensated;
    const double own_ratio = h.received_yuan[i] / h.official_value_yuan[i];
    in.fairness = nbr_ratio > 0.0 ? own_ratio / nbr_ratio : 1.0;
  }
  const double median = v.median_income_yuan[a];
  in.log_relative_income =
      median > 0.0 ? std::log(std::max(h.income_yuan_per_year[i], 1000.0) / median) : 0.0;
  return in;
}

} // namespace minesim
