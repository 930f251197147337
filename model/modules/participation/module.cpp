// Participation and collective action (MODEL.md §4.7): households decide to take part,
// participants report shirking mines, aggrieved households petition, and petitions build
// stability pressure and halt mines.
#include "model/module.hpp"
#include "agents/resident/collective_action.hpp"
#include "agents/resident/participation.hpp"
#include "engine/random.hpp"
#include "model/compensation.hpp"
#include "model/governance.hpp"
#include <algorithm>
#include <cmath>

namespace minesim {

std::vector<ParameterBinding> participation_parameter_rows();
namespace {

bool has_open_dispute(const World& w, std::size_t i) {
  const std::uint32_t v = w.households.village[i];
  const std::uint32_t count = w.villages.affected_offsets[v + 1] - w.villages.affected_offsets[v];
  const std::uint32_t first = w.households.claim_first[i];
  for (std::uint32_t c = first; c < first + count; ++c)
    if (w.claims.dispute[c]) return true;
  return false;
}

/// What the participation phase writes. Everything else it reads from the const world, as
/// it was at the start of the phase.
struct ParticipationWrites {
  NextState<std::uint8_t> participating;
  NextState<std::uint8_t> petitioning;
  std::span<std::int32_t> petition_months; ///< per household, updated from its own value
  std::span<std::uint8_t> reported;        ///< per mine: reported this month
  std::span<std::uint8_t> halted;          ///< per mine: halted next month
  std::span<double> stability_pressure;    ///< per government
  std::int64_t& reports;                   ///< this step's count
  std::int64_t& petitioners;               ///< this step's count

  static ParticipationWrites of(World& w) {
    auto& h = w.households;
    return {{h.participating, h.participating_next},
            {h.petitioning, h.petitioning_next},
            h.petition_months,
            w.mines.reported,
            w.mines.halted,
            w.governments.stability_pressure,
            w.counts.reports,
            w.counts.petitioning};
  }
};

/// Scratch space of the phase, sized once per run.
struct ParticipationScratch {
  std::vector<double> participants_per_mine; ///< participants in villages a mine affects
  std::vector<double> petitioners_per_mine;  ///< petitioners in villages a mine affects
  std::vector<double> households_per_mine;   ///< households of villages a mine affects
  std::vector<double> petitioners_per_county;

  explicit ParticipationScratch(const World& w)
      : participants_per_mine(w.mines.size()), petitioners_per_mine(w.mines.size()),
        households_per_mine(w.mines.size()), petitioners_per_county(w.governments.size()) {}
};

/// Reports: each participant of a village affected by a shirking mine reports it with
/// probability p a month, so the mine is reported with probability 1 - (1 - p)^n.
void report_shirking_mines(const World& w, const ParticipationWrites& out,
                           ParticipationScratch& scratch, std::int64_t step) {
  std::fill(out.reported.begin(), out.reported.end(), 0);
  out.reports = 0;
  if (!w.params.supervision_policy.public_reporting) return;
  const auto& v = w.villages;
  std::vector<double>& participants = scratch.participants_per_mine;
  std::fill(participants.begin(), participants.end(), 0.0);
  for (std::size_t a = 0; a < v.size(); ++a) {
    double n = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      n += w.households.participating[i];
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k)
      participants[v.affected_mine[k]] += n;
  }
  const double p = w.params.collective_action.report_probability;
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    if (!owner_shirks(w, k) || participants[k] <= 0.0) continue;
    const double chance = 1.0 - std::pow(1.0 - p, participants[k]);
    if (CounterRng(seed_of(w), streams::reports, static_cast<std::uint64_t>(step), k).uniform(0) <
        chance) {
      out.reported[k] = 1;
      ++out.reports;
    }
  }
}

/// Petitions: synchronous over households (reads last month's petitioning).
void petition(const World& w, const ParticipationWrites& out, std::int64_t step) {
  const auto& h = w.households;
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
        count += h.petitioning[j];
      const double share = nbrs.empty() ? 0.0 : count / static_cast<double>(nbrs.size());
      const double u =
          CounterRng(seed, streams::petitions, static_cast<std::uint64_t>(step), i).uniform(0);
      now = petitions(share, h.threshold[i], cp.spontaneous_petition, cp.petition_fatigue,
                      h.petition_months[i], u)
                ? 1
                : 0;
    }
    out.petitioning[i] = now;
    out.petition_months[i] = now ? h.petition_months[i] + 1 : 0;
  }
  out.petitioning.commit();
}

/// Stability pressure and halts: a mine is halted next month when more than halt_share of the
/// households of villages it affects petition.
void pressure_and_halts(const World& w, const ParticipationWrites& out,
                        ParticipationScratch& scratch) {
  const auto& v = w.villages;
  const auto& m = w.mines;
  std::vector<double>& petitioners = scratch.petitioners_per_county;
  std::vector<double>& affected = scratch.households_per_mine;
  std::vector<double>& petitioning = scratch.petitioners_per_mine;
  std::fill(petitioners.begin(), petitioners.end(), 0.0);
  std::fill(affected.begin(), affected.end(), 0.0);
  std::fill(petitioning.begin(), petitioning.end(), 0.0);
  out.petitioners = 0;
  for (std::size_t a = 0; a < v.size(); ++a) {
    double n = 0.0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
      n += w.households.petitioning[i];
    out.petitioners += static_cast<std::int64_t>(n);
    petitioners[v.county[a]] += n;
    for (std::uint32_t k = v.affected_offsets[a]; k < v.affected_offsets[a + 1]; ++k) {
      affected[v.affected_mine[k]] += static_cast<double>(v.households(a));
      petitioning[v.affected_mine[k]] += n;
    }
  }
  for (std::size_t county = 0; county < w.governments.size(); ++county)
    out.stability_pressure[county] =
        w.governments.stability_pressure[county] * w.params.collective_action.pressure_decay +
        petitioners[county];
  for (std::size_t k = 0; k < m.size(); ++k)
    out.halted[k] = (m.status[k] == MineStatus::active && affected[k] > 0.0 &&
                     petitioning[k] > w.params.collective_action.halt_share * affected[k])
                        ? 1
                        : 0;
}

void decide_participation(const World& w, const ParticipationWrites& out, std::int64_t step) {
  const auto& h = w.households;
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    const auto nbrs = w.network.neighbours(i);
    double participating = 0.0;
    for (const std::uint32_t j : nbrs)
      participating += h.participating[j];
    const double share = nbrs.empty() ? 0.0 : participating / static_cast<double>(nbrs.size());
    const double p =
        participation_probability(w.params.participation, h.latent[latent_R][i], share);
    out.participating[i] =
        CounterRng(seed, streams::participation, static_cast<std::uint64_t>(step), i).uniform(0) < p
            ? 1
            : 0;
  }
  out.participating.commit();
}

/// The month's participation and collective action, in order: participation decisions,
/// reports by this month's participants, petitions, then pressure and halts.
void participate(const World& w, const ParticipationWrites& out, ParticipationScratch& scratch,
                 std::int64_t step) {
  decide_participation(w, out, step);
  report_shirking_mines(w, out, scratch, step);
  petition(w, out, step);
  pressure_and_halts(w, out, scratch);
}

class ParticipationModule final : public Module {
public:
  [[nodiscard]] std::string_view name() const override { return "participation"; }
  [[nodiscard]] std::vector<ParameterBinding> parameter_rows() const override {
    return participation_parameter_rows(); // parameters.cpp
  }
  [[nodiscard]] std::vector<StreamId> streams() const override {
    return {streams::participation, streams::reports, streams::petitions};
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    return {{Slot::participation, [scratch = std::make_shared<ParticipationScratch>(world)](
                                      World& w, std::int64_t step) {
               participate(w, ParticipationWrites::of(w), *scratch, step);
             }}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"participation_share", "1", "Share of households participating this step."},
        {"petitioning_share", "1", "Share of households petitioning this step."},
        {"mines_halted", "count", "Active mines halted by petitions this step (no production)."},
        {"stability_pressure", "petition-month",
         "Stability pressure of all local governments (petitioning households, decaying)."},
        {"reports", "count", "Shirking mines reported by residents this step."},
    };
  }
  void measure(const World& w, std::int64_t, MetricScratch& scratch,
               std::span<double> value) const override {
    const auto& h = w.households;
    const auto count = static_cast<double>(h.size());
    value[0] =
        scratch.sums.sum(h.size(), [&](std::size_t i) { return h.participating[i]; }) / count;
    value[1] = static_cast<double>(w.counts.petitioning) / count;
    value[2] = static_cast<double>(w.counts.mines_halted);
    for (std::size_t county = 0; county < w.governments.size(); ++county)
      value[3] += w.governments.stability_pressure[county];
    value[4] = static_cast<double>(w.counts.reports);
  }
};

} // namespace

std::shared_ptr<const Module> participation_module() {
  return std::make_shared<ParticipationModule>();
}

} // namespace minesim
