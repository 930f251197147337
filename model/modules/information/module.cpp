// Information and hearings (docs/odd.md §3.8): the villages' hearings (staggered by village,
// rev. 2), diffusion of information over the network, forgetting, and the villages'
// negotiation index.
#include "model/module.hpp"
#include "agents/resident/negotiation.hpp"
#include "agents/resident/participation.hpp"
#include "engine/random.hpp"
#include "model/compensation.hpp"
#include <array>
#include <bit>

#include <algorithm>

namespace minesim {

std::vector<ParameterBinding> information_parameter_rows();
namespace {

/// What the information phase writes.
struct InformationWrites {
  std::span<std::uint16_t> village_hearings_held; ///< per village, shifted in place
  std::span<std::uint16_t> county_hearings_held;  ///< per government, shifted in place
  std::span<std::uint16_t> hearings_attended;     ///< per household, shifted in place
  NextState<double> informed;                     ///< per household

  static InformationWrites of(World& w) {
    auto& h = w.households;
    return {w.villages.hearings_held,
            w.governments.hearings_held,
            h.hearings_attended,
            {h.informed, h.informed_next}};
  }
};

/// Hearings (rev. 2: staggered by village, each village every hearing_interval months, see
/// holds_hearing), then information diffusion over the network and forgetting. Reads the
/// start-of-phase information of everyone. A county's bit records whether any of its
/// villages held a hearing. Runs in the spin-up too (negative steps).
void inform(const World& w, const InformationWrites& out, std::int64_t step) {
  const auto& h = w.households;
  const auto& v = w.villages;
  const ParticipationParams& pp = w.params.participation;
  const std::int64_t interval = pp.hearing_interval_months;
  for (auto& held : out.county_hearings_held)
    held = static_cast<std::uint16_t>((held << 1) & 0x0FFF);
  for (std::size_t a = 0; a < v.size(); ++a) {
    const bool hearing = holds_hearing(step, a, interval);
    out.village_hearings_held[a] =
        static_cast<std::uint16_t>(((v.hearings_held[a] << 1) | (hearing ? 1 : 0)) & 0x0FFF);
    if (hearing) out.county_hearings_held[v.county[a]] |= 1;
  }
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const bool attends = h.participating[i] != 0 && holds_hearing(step, h.village[i], interval);
    out.hearings_attended[i] =
        static_cast<std::uint16_t>(((h.hearings_attended[i] << 1) | (attends ? 1 : 0)) & 0x0FFF);
    const double own = h.informed[i];
    double best = 0.0;
    const auto nbrs = w.network.neighbours(i);
    const CounterRng rng(seed, streams::diffusion, static_cast<std::uint64_t>(step), i);
    // A neighbour's information is read only when it is heard (about one in five): at a
    // million households those reads are cache misses, and skipping them matters more than
    // the Philox blocks (measured: drawing lazily in order of gain was slower at 1M).
    std::array<std::uint64_t, 4> draws{};
    for (std::size_t k = 0; k < nbrs.size(); ++k) {
      if (k % 4 == 0) draws = rng.block(k / 4); // draw k is the same as rng.uniform(k)
      const std::uint32_t j = nbrs[k];
      const double p = h.participating[j] ? pp.diffusion_from_participant : pp.diffusion_from_other;
      if (CounterRng::to_uniform(draws[k % 4]) < p)
        best = std::max(best, learnt_from(own, h.informed[j], pp.diffusion_learning));
    }
    double next = own + best;
    if (attends) next = after_hearing(next, pp.hearing_information_gain);
    out.informed[i] = std::clamp(next * (1.0 - pp.forgetting_per_month), 0.0, 1.0);
  }
  out.informed.commit();
}

class InformationModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "information"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return information_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override { return {streams::diffusion}; }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    // Hearings follow the month's negotiations (compensation slot) and run in the spin-up;
    // the negotiation index is brought up to date for the metrics at the end of the step.
    return {{Slot::compensation,
             [](World& w, std::int64_t step) { inform(w, InformationWrites::of(w), step); },
             /*in_spinup=*/true},
            {Slot::record, [](World& w, std::int64_t) {
               update_negotiation_index(w, NegotiationIndexWrites::of(w));
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"informed_mean", "1", "Mean information level of households."},
        {"negotiation_index_mean", "1", "Mean negotiation index of the villages."},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch& scratch,
               std::span<double> value) const override {
    const auto& h = w.households;
    value[0] = scratch.sums.sum(h.size(), [&](std::size_t i) { return h.informed[i]; }) /
               static_cast<double>(h.size());
    for (const double ni : w.villages.negotiation_index)
      value[1] += ni;
    value[1] /= static_cast<double>(std::max<std::size_t>(1, w.villages.size()));
  }
};

} // namespace

void update_negotiation_index(const World& w, const NegotiationIndexWrites& out) {
  const auto& v = w.villages;
  const auto& h = w.households;
#pragma omp parallel for schedule(static)
  for (std::size_t a = 0; a < v.size(); ++a) {
    // Hearings the village held over the last 12 months (rev. 2: each village has its own).
    const int held = std::popcount(static_cast<unsigned>(v.hearings_held[a]));
    double c_sum = 0.0, employed = 0.0, frequency = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i) {
      c_sum += h.latent[latent_C][i];
      employed += (h.sector[i] == Sector::mining || h.sector[i] == Sector::green) ? 1.0 : 0.0;
      if (held > 0)
        frequency += static_cast<double>(
                         std::popcount(static_cast<unsigned>(w.households.hearings_attended[i]))) /
                     held;
    }
    const double n = static_cast<double>(v.households(a));
    out.negotiation_index[a] =
        n > 0.0 ? negotiation_index(c_sum / n, employed / n, frequency / n) : 0.0;
  }
}

std::shared_ptr<const Module> information_module() {
  return std::make_shared<InformationModule>();
}

} // namespace minesim
