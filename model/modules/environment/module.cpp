// Environment (docs/odd.md §1.2, §3.4): mines produce and damage land and households'
// farmland; villages' air, water and vegetation follow the mines around them.
#include "model/module.hpp"
#include "agents/mine/damage.hpp"

namespace minesim {

std::vector<ParameterBinding> environment_parameter_rows();
namespace {

/// What production and damage write.
struct ProductionWrites {
  std::span<MineStatus> status;            ///< per mine: active mines close at their step
  std::span<double> new_damage_ha;         ///< per mine: damage caused this step
  std::span<double> cumulative_damaged_ha; ///< per mine
  std::span<double> damaged_ha;            ///< per mine
  std::int64_t& mines_halted;              ///< this step's count
  FarmlandDamageWrites farmland;           ///< the households' share of the damage

  static ProductionWrites of(World& w) {
    auto& m = w.mines;
    return {m.status,     m.new_damage_ha,       m.cumulative_damaged_ha,
            m.damaged_ha, w.counts.mines_halted, FarmlandDamageWrites::of(w)};
  }
};

/// What production passes to damage assignment, and that assignment's scratch space; sized
/// once per run.
struct ProductionScratch {
  std::vector<double> new_farmland_ha; ///< per mine: farmland damaged this step
  FarmlandDamageScratch assignment;

  explicit ProductionScratch(const World& w) : new_farmland_ha(w.mines.size()), assignment(w) {}
};

void produce_and_damage(const World& w, const ProductionWrites& out, ProductionScratch& scratch,
                        std::int64_t step) {
  const auto& m = w.mines;
  out.mines_halted = 0;
  const auto& p = w.params.mines;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (m.status[k] == MineStatus::active && m.closure_step[k] == step)
      out.status[k] = MineStatus::closed;
    const MineStatus status = out.status[k]; // after this step's closure
    const bool producing = status == MineStatus::active && !m.halted[k];
    if (status == MineStatus::active && m.halted[k]) ++out.mines_halted;
    const double damage =
        producing ? new_damage_ha(m.output_t_per_month[k] * m.quota_factor[k], p.damage_ha_per_10kt)
                  : 0.0;
    out.new_damage_ha[k] = damage;
    out.cumulative_damaged_ha[k] += damage;
    out.damaged_ha[k] += damage;
    scratch.new_farmland_ha[k] = damage * p.farmland_damage_share;
  }
  assign_farmland_damage(w, scratch.new_farmland_ha, out.farmland, scratch.assignment, step);
}

class EnvironmentModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "environment"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return environment_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    return {{Slot::production_damage,
             [scratch = std::make_shared<ProductionScratch>(world)](World& w, std::int64_t step) {
               produce_and_damage(w, ProductionWrites::of(w), *scratch, step);
             }},
            {Slot::environment, [](World& w, std::int64_t) {
               update_environment(w, VillageEnvironmentWrites::of(w));
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"farmland_damaged_ha", "ha",
         "Households' farmland damaged and not restored (sum of claims).", SeriesKind::stock},
        {"mines_active", "count", "Mines producing this step (active and not halted).",
         SeriesKind::stock},
        {"air_quality_mean", "1", "Mean air quality AQ of households' villages.",
         SeriesKind::stock},
        {"water_quality_mean", "1", "Mean water quality WQ of households' villages.",
         SeriesKind::stock},
        {"vegetation_mean", "1", "Mean vegetation cover VG of households' villages.",
         SeriesKind::stock},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch& scratch,
               std::span<double> value) const override {
    const auto& h = w.households;
    value[0] = scratch.sums.sum(h.size(), [&](std::size_t i) { return h.damaged_land_ha[i]; });
    const auto& m = w.mines;
    // Producing this step: active mines less those halted at production (the halted flag
    // itself already says whether a mine is halted next month).
    for (std::size_t k = 0; k < m.size(); ++k)
      if (m.status[k] == MineStatus::active) value[1] += 1.0;
    value[1] -= static_cast<double>(w.counts.mines_halted);
    const auto& v = w.villages;
    for (std::size_t a = 0; a < v.size(); ++a) {
      const auto households = static_cast<double>(v.households(a));
      value[2] += households * v.air_quality[a];
      value[3] += households * v.water_quality[a];
      value[4] += households * v.vegetation[a];
    }
    const auto count = static_cast<double>(h.size());
    for (std::size_t k = 2; k < 5; ++k)
      value[k] /= count;
  }
};

} // namespace

std::shared_ptr<const Module> environment_module() {
  return std::make_shared<EnvironmentModule>();
}

} // namespace minesim
