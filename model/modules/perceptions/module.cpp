// Perceptions and influence (docs/odd.md §3.9): each household's five latent perceptions move
// toward their targets, then social influence over the network.
#include "model/module.hpp"
#include "agents/resident/influence.hpp"
#include "agents/resident/perception.hpp"
#include "engine/stats.hpp"

#include <algorithm>

namespace minesim {

std::vector<ParameterBinding> perceptions_parameter_rows();
namespace {

/// What the perception phase writes: both buffers of the latents.
struct PerceptionWrites {
  /// [household][latent]: the latents after the adjustment toward their targets.
  std::span<double> latent_adjusted;
  /// The latents after social influence, each a column (influence_step_all's output).
  std::array<std::vector<double>, latent_count>& latent;

  static PerceptionWrites of(World& w) {
    return {w.households.latent_adjusted, w.households.latent};
  }
};

/// The adjustment toward the targets reads `latent` and the month's neighbour counts (the
/// neighbourhood pass, model/modules/information), and writes `latent_adjusted`; social
/// influence then reads those and writes `latent`.
void update_perceptions(const World& w, const PerceptionWrites& out) {
  const auto& h = w.households;
  const auto& pp = w.params.perception;
  const double alpha = pp.adjustment_rate;
  const std::size_t n = h.size();
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    const NeighbourCounts counts{static_cast<double>(w.network.degree(i)),
                                 static_cast<double>(h.neighbours_participating[i]),
                                 static_cast<double>(h.neighbours_compensated[i]),
                                 h.neighbour_ratio_sum[i]};
    const PerceptionInputs in = perception_inputs(w, i, counts);
    Latents offsets{};
    Latents current{};
    for (std::size_t x = 0; x < latent_count; ++x) {
      offsets[x] = h.offset[x][i];
      current[x] = h.latent[x][i];
    }
    const Latents target = perception_targets(pp, offsets, current, in);
    for (std::size_t x = 0; x < latent_count; ++x)
      out.latent_adjusted[latent_count * i + x] = (1.0 - alpha) * current[x] + alpha * target[x];
  }
  // Social influence: reads the adjusted values of every household, writes the new state.
  const auto& inf = w.params.influence;
  influence_step_all(w.network, inf.kind, inf.epsilon, inf.mu, out.latent_adjusted, out.latent);
}

class PerceptionsModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "perceptions"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return perceptions_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    // Perceptions and social influence run in the spin-up too.
    return {{Slot::perceptions,
             [](World& w, std::int64_t) { update_perceptions(w, PerceptionWrites::of(w)); },
             /*in_spinup=*/true}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"E_mean", "1", "Mean economic-environment perception E of households.", SeriesKind::stock},
        {"P_mean", "1", "Mean ecological perception P of households.", SeriesKind::stock},
        {"C_mean", "1", "Mean compensation and employment satisfaction C of households.",
         SeriesKind::stock},
        {"R_mean", "1", "Mean restoration expectation R of households.", SeriesKind::stock},
        {"S_mean", "1", "Mean life satisfaction S of households.", SeriesKind::stock},
        {"S_p10", "1", "10th percentile of life satisfaction (type 7 quantile).",
         SeriesKind::stock},
        {"S_p50", "1", "Median life satisfaction (type 7 quantile).", SeriesKind::stock},
        {"S_p90", "1", "90th percentile of life satisfaction (type 7 quantile).",
         SeriesKind::stock},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch& scratch,
               std::span<double> value) const override {
    const auto& h = w.households;
    const std::size_t n = h.size();
    std::span<double> sums(scratch.accumulators.data(), latent_count);
    scratch.sums.sum_many(n, sums, [&](std::size_t i, std::span<double> acc) {
      for (std::size_t x = 0; x < latent_count; ++x)
        acc[x] += h.latent[x][i];
    });
    for (std::size_t x = 0; x < latent_count; ++x)
      value[x] = sums[x] / static_cast<double>(n);
    // The order statistics of the three quantiles, selected without sorting every value.
    constexpr std::array<double, 3> probabilities{0.1, 0.5, 0.9};
    quantiles_selected(h.latent[latent_S], probabilities, value.subspan(latent_count, 3),
                       scratch.household, scratch.sort_buffer, scratch.selection);
  }
};

} // namespace

std::shared_ptr<const Module> perceptions_module() {
  return std::make_shared<PerceptionsModule>();
}

} // namespace minesim
