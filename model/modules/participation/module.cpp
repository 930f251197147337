// Participation and collective action (docs/odd.md §3.10): households decide to take part (also
// in the spin-up), participants report shirking mines, aggrieved households petition, and
// petitions build stability pressure and halt the mines their claimants petition against.
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

/// Aggrieved (docs/odd.md §3.10, rev. 2): an open dispute on one of the household's claims, or
/// uncompensated damage more than grievance_damage_months old with no agreement
/// (ClaimStore::unsettled), or life satisfaction below grievance_level.
bool aggrieved(const World& w, std::size_t i, std::int64_t step) {
  const CollectiveActionParams& cp = w.params.collective_action;
  if (w.households.latent[latent_S][i] < cp.grievance_level) return true;
  const std::uint32_t v = w.households.village[i];
  const std::uint32_t count = w.villages.affected_offsets[v + 1] - w.villages.affected_offsets[v];
  const std::uint32_t first = w.households.claim_first[i];
  for (std::uint32_t c = first; c < first + count; ++c)
    if (w.claims.dispute[c] || w.claims.unsettled(c, step, cp.grievance_damage_months)) return true;
  return false;
}

/// What the participation decisions write (they run in the spin-up too).
struct ParticipationWrites {
  NextState<std::uint8_t> participating;

  static ParticipationWrites of(World& w) {
    auto& h = w.households;
    return {{h.participating, h.participating_next}};
  }
};

/// What collective action writes: reports, petitions, stability pressure and halts.
/// Everything else it reads from the const world, as it was at the start of the phase.
struct CollectiveActionWrites {
  NextState<std::uint8_t> petitioning;
  std::span<std::int32_t> petition_months; ///< per household, updated from its own value
  std::span<std::uint8_t> reported;        ///< per mine: reported this month
  std::span<std::uint8_t> halted;          ///< per mine: halted next month
  std::span<std::int32_t> halt_run_months; ///< per mine
  std::span<std::int32_t> halt_remaining;  ///< per mine
  std::span<double> stability_pressure;    ///< per government
  std::int64_t& reports;                   ///< this step's count
  std::int64_t& petitioners;               ///< this step's count

  static CollectiveActionWrites of(World& w) {
    auto& h = w.households;
    return {{h.petitioning, h.petitioning_next},
            h.petition_months,
            w.mines.reported,
            w.mines.halted,
            w.mines.halt_run_months,
            w.mines.halt_remaining,
            w.governments.stability_pressure,
            w.counts.reports,
            w.counts.petitioning};
  }
};

/// Scratch space of collective action, sized once per run.
struct CollectiveActionScratch {
  std::vector<double> participants_per_mine;      ///< participants in villages a mine affects
  std::vector<std::int64_t> claimants_per_mine;   ///< households with uncompensated damage by it
  std::vector<std::int64_t> petitioners_per_mine; ///< of those, petitioning this month
  std::vector<double> petitioners_per_county;
  std::vector<std::uint8_t> county_has_halted_mine; ///< a mine of the county is halted

  explicit CollectiveActionScratch(const World& w)
      : participants_per_mine(w.mines.size()), claimants_per_mine(w.mines.size()),
        petitioners_per_mine(w.mines.size()), petitioners_per_county(w.governments.size()),
        county_has_halted_mine(w.governments.size()) {}
};

/// Reports: each participant of a village affected by a shirking mine reports it with
/// probability p a month, so the mine is reported with probability 1 - (1 - p)^n.
void report_shirking_mines(const World& w, const CollectiveActionWrites& out,
                           CollectiveActionScratch& scratch, std::int64_t step) {
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

/// Petitions: synchronous over households (reads last month's petitioning, as counted over
/// each household's neighbours by the neighbourhood pass).
void petition(const World& w, const CollectiveActionWrites& out, std::int64_t step) {
  const auto& h = w.households;
  const CollectiveActionParams& cp = w.params.collective_action;
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    std::uint8_t now = 0;
    if (aggrieved(w, i, step)) {
      // Neighbours petitioning last month, counted by the month's neighbourhood pass.
      const double share = neighbour_share(static_cast<double>(h.neighbours_petitioning[i]),
                                           static_cast<double>(w.network.degree(i)));
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

/// Stability pressure and halts (docs/odd.md §3.10, rev. 2). Pressure decays and grows with the
/// county's petitioners, counted twice while a mine of the county is halted this month. A
/// mine's claimants are the households holding a claim with uncompensated damage against
/// it; when at least halt_share of them petition for halt_months consecutive months, the
/// mine is halted for the next halt_duration_months (next_halt_state).
void pressure_and_halts(const World& w, const CollectiveActionWrites& out,
                        CollectiveActionScratch& scratch) {
  const auto& v = w.villages;
  const auto& h = w.households;
  const auto& m = w.mines;
  const CollectiveActionParams& cp = w.params.collective_action;
  std::vector<double>& county_petitioners = scratch.petitioners_per_county;
  std::vector<std::int64_t>& claimants = scratch.claimants_per_mine;
  std::vector<std::int64_t>& petitioners = scratch.petitioners_per_mine;
  std::vector<std::uint8_t>& doubled = scratch.county_has_halted_mine;
  std::fill(county_petitioners.begin(), county_petitioners.end(), 0.0);
  std::fill(claimants.begin(), claimants.end(), 0);
  std::fill(petitioners.begin(), petitioners.end(), 0);
  std::fill(doubled.begin(), doubled.end(), 0);
  out.petitioners = 0;
  for (std::size_t a = 0; a < v.size(); ++a) {
    const std::uint32_t affected_first = v.affected_offsets[a];
    const std::uint32_t affected = v.affected_offsets[a + 1] - affected_first;
    std::int64_t n = 0;
    for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i) {
      const bool petitioning = h.petitioning[i] != 0;
      n += petitioning ? 1 : 0;
      for (std::uint32_t j = 0; j < affected; ++j) {
        if (w.claims.uncompensated_ha[h.claim_first[i] + j] <= 1e-9) continue;
        const std::uint32_t k = v.affected_mine[affected_first + j];
        ++claimants[k];
        if (petitioning) ++petitioners[k];
      }
    }
    out.petitioners += n;
    county_petitioners[v.county[a]] += static_cast<double>(n);
  }
  // Halted this month: the flag as the phase found it.
  for (std::size_t k = 0; k < m.size(); ++k)
    if (m.status[k] == MineStatus::active && m.halted[k]) doubled[m.county[k]] = 1;
  for (std::size_t county = 0; county < w.governments.size(); ++county)
    out.stability_pressure[county] = w.governments.stability_pressure[county] * cp.pressure_decay +
                                     (doubled[county] ? 2.0 : 1.0) * county_petitioners[county];
  for (std::size_t k = 0; k < m.size(); ++k) {
    const HaltState next = next_halt_state(
        {m.halt_run_months[k], m.halt_remaining[k]}, m.status[k] == MineStatus::active,
        claimants[k], petitioners[k], cp.halt_share, cp.halt_months, cp.halt_duration_months);
    out.halt_run_months[k] = next.run_months;
    out.halt_remaining[k] = next.months_left;
    out.halted[k] = next.halted_next_month() ? 1 : 0;
  }
}

/// Participation decisions: synchronous over households (reads last month's participation, as
/// counted over each household's neighbours by the neighbourhood pass).
/// Run in the spin-up too.
void decide_participation(const World& w, const ParticipationWrites& out, std::int64_t step) {
  const auto& h = w.households;
  const auto seed = seed_of(w);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < h.size(); ++i) {
    // Neighbours participating last month, counted by the month's neighbourhood pass.
    const double share = neighbour_share(static_cast<double>(h.neighbours_participating[i]),
                                         static_cast<double>(w.network.degree(i)));
    const double p =
        participation_probability(w.params.participation, h.latent[latent_R][i], share);
    out.participating[i] =
        CounterRng(seed, streams::participation, static_cast<std::uint64_t>(step), i).uniform(0) < p
            ? 1
            : 0;
  }
  out.participating.commit();
}

/// The month's collective action, after the participation decisions, in order: reports by
/// this month's participants, petitions, then pressure and halts.
void act_collectively(const World& w, const CollectiveActionWrites& out,
                      CollectiveActionScratch& scratch, std::int64_t step) {
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
  void initialise(World& w) const override {
    w.mines.halt_run_months.assign(w.mines.size(), 0);
    w.mines.halt_remaining.assign(w.mines.size(), 0);
  }
  [[nodiscard]] std::vector<Phase> phases(const World& world) const override {
    // Two phases of one slot, in this order: the decisions (also in the spin-up), then
    // reports, petitions, pressure and halts (not in the spin-up).
    return {
        {Slot::participation,
         [](World& w, std::int64_t step) {
           decide_participation(w, ParticipationWrites::of(w), step);
         },
         /*in_spinup=*/true},
        {Slot::participation,
         [scratch = std::make_shared<CollectiveActionScratch>(world)](World& w, std::int64_t step) {
           act_collectively(w, CollectiveActionWrites::of(w), *scratch, step);
         },
         /*in_spinup=*/false}};
  }
  [[nodiscard]] std::vector<SeriesDef> series() const override {
    return {
        {"participation_share", "1", "Share of households participating this step.",
         SeriesKind::stock},
        {"petitioning_share", "1", "Share of households petitioning this step.", SeriesKind::stock},
        {"mines_halted", "count",
         "Active mines halted by their claimants' petitions this step (no production).",
         SeriesKind::stock},
        {"stability_pressure", "petition-month",
         "Stability pressure of all local governments (petitioning households, decaying).",
         SeriesKind::stock},
        {"reports", "count", "Shirking mines reported by residents this step.", SeriesKind::flow},
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
