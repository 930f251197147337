// Information and hearings (docs/odd.md §3.8): the villages' hearings (staggered by village,
// rev. 2), diffusion of information over the network, forgetting, and the villages'
// negotiation index. Its pass over the network also counts what later phases of the month
// read of each household's neighbours, so that a month walks the ties twice (here and in
// social influence) rather than five times.
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

/// What the neighbourhood pass writes: the hearings, information, and the month's counts of
/// each household's neighbours (HouseholdStore::neighbours_*).
struct NeighbourhoodWrites {
  std::span<std::uint16_t> village_hearings_held; ///< per village, shifted in place
  std::span<std::uint16_t> county_hearings_held;  ///< per government, shifted in place
  std::span<std::uint16_t> hearings_attended;     ///< per household, shifted in place
  NextState<double> informed;                     ///< per household
  std::span<SeenByNeighbours> seen;               ///< per household
  std::span<std::uint32_t> neighbours_participating;
  std::span<std::uint32_t> neighbours_petitioning;
  std::span<std::uint32_t> neighbours_compensated;
  std::span<double> neighbour_ratio_sum;

  static NeighbourhoodWrites of(World& w) {
    auto& h = w.households;
    return {w.villages.hearings_held,
            w.governments.hearings_held,
            h.hearings_attended,
            {h.informed, h.informed_next},
            h.seen,
            h.neighbours_participating,
            h.neighbours_petitioning,
            h.neighbours_compensated,
            h.neighbour_ratio_sum};
  }
};

/// What a household finds among its neighbours in the neighbourhood pass.
struct NeighbourTally {
  std::uint32_t participating = 0;
  std::uint32_t petitioning = 0;
  std::uint32_t compensated = 0;
  double ratio_sum = 0.0;  ///< compensation ratios of the compensated, in the order of the ties
  double best_heard = 0.0; ///< the highest information among the neighbours heard (0 if none)
};

/// Walk one household's ties. Whether it hears neighbour k this month is draw k of `rng` in
/// 16-bit form (one Philox block per 16 ties) against the threshold of a participant or of
/// another neighbour (`thresholds[participating]`). Written without branches: which
/// neighbours are compensated or heard is a coin toss to the processor, and adding zero to
/// the non-negative sum and maximum changes neither.
inline NeighbourTally tally_neighbours(std::span<const SeenByNeighbours> seen,
                                       std::span<const std::uint32_t> nbrs, const CounterRng& rng,
                                       const std::array<std::uint32_t, 2>& thresholds) {
  std::uint32_t participating = 0, petitioning = 0, compensated = 0;
  double ratio_sum = 0.0, best = 0.0;
  const std::size_t degree = nbrs.size();
  // Blocks of 16 ties, each tie's draw a 16-bit lane of the block's four words taken low
  // lane first (CounterRng::lane16), so that the loop shifts a word instead of indexing.
  for (std::size_t first = 0; first < degree; first += 16) {
    const std::array<std::uint64_t, 4> draws = rng.block(first / 16);
    const std::size_t end = std::min(degree, first + 16);
    for (std::size_t k = first; k < end; ++k) {
      const std::uint64_t word = draws[(k - first) / 4];
      const auto draw = static_cast<std::uint32_t>((word >> (16 * (k % 4))) & 0xFFFFU);
      const SeenByNeighbours& j = seen[nbrs[k]];
      participating += j.participating;
      petitioning += j.petitioning;
      compensated += j.compensation_ratio >= 0.0F ? 1U : 0U;
      ratio_sum += static_cast<double>(std::max(j.compensation_ratio, 0.0F));
      const bool heard = draw < thresholds[j.participating != 0 ? 1 : 0];
      best = std::max(best, static_cast<double>(heard) * j.informed);
    }
  }
  return {participating, petitioning, compensated, ratio_sum, best};
}

/// Below this size (a typical core's L2 cache) the neighbourhood pass reads the records of
/// the neighbours without prefetching them.
constexpr std::size_t prefetch_above_bytes = std::size_t{1} << 20;

/// The month's one pass over the network, after the negotiations and payments (docs/odd.md
/// §3.8): hearings (rev. 2: staggered by village, each village every hearing_interval months,
/// see holds_hearing), information diffusion over the network and forgetting; and, in the
/// same walk over each household's ties, the neighbour counts that perceptions,
/// participation decisions and petitions read later in the month. Everything it reads is the
/// state at the start of the pass, which those phases would have read themselves: neither
/// participation nor petitioning nor compensation changes between here and them. A county's
/// bit records whether any of its villages held a hearing. Runs in the spin-up too (negative
/// steps).
void walk_neighbourhoods(const World& w, const NeighbourhoodWrites& out, std::int64_t step) {
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
  seen_by_neighbours(w, out.seen);
  const std::span<const SeenByNeighbours> seen = out.seen;
  const std::array<std::uint32_t, 2> thresholds{
      CounterRng::threshold16(pp.diffusion_from_other),
      CounterRng::threshold16(pp.diffusion_from_participant)};
  const auto seed = seed_of(w);
  const bool prefetch = seen.size_bytes() > prefetch_above_bytes;
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const bool attends = h.participating[i] != 0 && holds_hearing(step, h.village[i], interval);
    out.hearings_attended[i] =
        static_cast<std::uint16_t>(((h.hearings_attended[i] << 1) | (attends ? 1 : 0)) & 0x0FFF);
    const double own = h.informed[i];
    // About one tie in twenty leads out of the village, to a record that is not in cache:
    // ask for those of a household two ahead now, so that the waits overlap. Records that
    // fit in the core's cache need no asking.
    if (prefetch && i + 2 < h.size())
      for (const std::uint32_t j : w.network.neighbours(i + 2))
        __builtin_prefetch(&seen[j]);
    const NeighbourTally tally = tally_neighbours(
        seen, w.network.neighbours(i),
        CounterRng(seed, streams::diffusion, static_cast<std::uint64_t>(step), i), thresholds);
    out.neighbours_participating[i] = tally.participating;
    out.neighbours_petitioning[i] = tally.petitioning;
    out.neighbours_compensated[i] = tally.compensated;
    out.neighbour_ratio_sum[i] = tally.ratio_sum;
    // learnt_from's maximum over the heard neighbours: the best informed of them, since
    // subtracting `own` and scaling by the learning rate keep the order of the values.
    const double best = learnt_from(own, tally.best_heard, pp.diffusion_learning);
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
  void initialise(World& w) const override {
    auto& h = w.households;
    const std::size_t n = h.size();
    h.seen.assign(n, SeenByNeighbours{});
    h.neighbours_participating.assign(n, 0);
    h.neighbours_petitioning.assign(n, 0);
    h.neighbours_compensated.assign(n, 0);
    h.neighbour_ratio_sum.assign(n, 0.0);
  }
  [[nodiscard]] std::vector<Phase> phases(const World& /*world*/) const override {
    // The neighbourhood pass follows the month's negotiations and payments and runs in the
    // spin-up; the negotiation index is brought up to date for the metrics at the end of the
    // step.
    return {{Slot::neighbourhood,
             [](World& w, std::int64_t step) {
               walk_neighbourhoods(w, NeighbourhoodWrites::of(w), step);
             },
             /*in_spinup=*/true},
            {Slot::record, [](World& w, std::int64_t) {
               update_negotiation_index(w, NegotiationIndexWrites::of(w));
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"informed_mean", "1", "Mean information level of households.", SeriesKind::stock},
        {"negotiation_index_mean", "1", "Mean negotiation index of the villages.",
         SeriesKind::stock},
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
