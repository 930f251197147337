// Revision 2 of hearings, halts and grievance (docs/odd.md §3.8, §3.10, §3.4, §3.2): staggered
// hearings by village, halts by a mine's own claimants over consecutive months, halted mines
// emitting as closed ones, grievance from old unsettled damage, and the phases of the
// spin-up. Each test runs the model's own phases on a small constructed world whose answer
// is known.
#include "agents/region/environment.hpp"
#include "agents/region/region.hpp"
#include "agents/resident/collective_action.hpp"
#include "model/module.hpp"
#include "model/simulation.hpp"
#include "model/world.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

using namespace minesim;

namespace {

/// A small world with every model module initialised, as a run builds it (without spin-up).
World small_world(std::vector<std::string> overrides = {}) {
  World w = make_world(scenarios_for_tests::small_region(std::move(overrides)));
  for (const auto& m : default_modules())
    m->initialise(w);
  return w;
}

/// Run the phases of model module `module` in `slot` at `step`, those that `keep` accepts.
void run_phases(
    std::string_view module, Slot slot, World& w, std::int64_t step,
    const std::function<bool(const Phase&)>& keep = [](const Phase&) { return true; }) {
  bool found = false;
  for (const auto& m : default_modules())
    if (m->name() == module)
      for (const Phase& p : m->phases(w))
        if (p.slot == slot && keep(p)) {
          p.run(w, step);
          found = true;
        }
  ASSERT_TRUE(found) << module << " has no such phase";
}

/// Collective action only (reports, petitions, pressure, halts): the participation phase
/// that does not run in the spin-up.
void collective_action(World& w, std::int64_t step) {
  run_phases("participation", Slot::participation, w, step,
             [](const Phase& p) { return !p.in_spinup; });
}

/// Households of `w` holding a claim with uncompensated damage against mine k.
std::vector<std::uint32_t> claimants_of(const World& w, std::size_t k) {
  std::vector<std::uint32_t> out;
  const auto& v = w.villages;
  for (std::size_t a = 0; a < v.size(); ++a)
    for (std::uint32_t j = 0; j < v.affected_offsets[a + 1] - v.affected_offsets[a]; ++j) {
      if (v.affected_mine[v.affected_offsets[a] + j] != k) continue;
      for (std::uint32_t i = v.first_household[a]; i < v.first_household[a + 1]; ++i)
        if (w.claims.uncompensated_ha[w.households.claim_first[i] + j] > 1e-9) out.push_back(i);
    }
  return out;
}

/// The active mine with the most claimants.
std::size_t mine_with_most_claimants(const World& w) {
  std::size_t best = 0, most = 0;
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    if (w.mines.status[k] != MineStatus::active) continue;
    const std::size_t n = claimants_of(w, k).size();
    if (n > most) {
      most = n;
      best = k;
    }
  }
  return best;
}

/// Petitions become certain for the aggrieved (spontaneous chance 1, no fatigue) and only
/// low satisfaction aggrieves (no dispute, and by default damage never old enough): then
/// exactly the households given low S petition.
World petition_world(std::int64_t grievance_damage_months = 1200) {
  World w = small_world(
      {"participation.spontaneous_petition=1", "participation.petition_fatigue=1",
       "participation.grievance_damage_months=" + std::to_string(grievance_damage_months)});
  std::fill(w.claims.dispute.begin(), w.claims.dispute.end(), 0);
  return w;
}

/// Exactly `who` are aggrieved (S = 0.1), everyone else satisfied (S = 0.9).
void aggrieve(World& w, const std::vector<std::uint32_t>& who) {
  auto& s = w.households.latent[latent_S];
  std::fill(s.begin(), s.end(), 0.9);
  for (const std::uint32_t i : who)
    s[i] = 0.1;
}

/// The first `count` of `households`.
std::vector<std::uint32_t> first(const std::vector<std::uint32_t>& households, std::size_t count) {
  return {households.begin(), households.begin() + static_cast<std::ptrdiff_t>(count)};
}

/// Smallest number of claimants that reaches `share` of `n`.
std::size_t at_share(std::size_t n, double share) {
  std::size_t c = 0;
  while (static_cast<double>(c) < share * static_cast<double>(n))
    ++c;
  return c;
}

} // namespace

// --- Hearings (docs/odd.md §3.8, rev. 2) -------------------------------------------------------

TEST(Rev2Hearings, EachVillageHoldsOneHearingPerIntervalInADifferentMonth) {
  // Interval 6: villages 0..5 each hold exactly one hearing in steps 1..6, all in different
  // months (village v at step 6 - v; village 0 at step 6).
  std::set<std::int64_t> months;
  for (std::size_t v = 0; v < 6; ++v) {
    std::vector<std::int64_t> held;
    for (std::int64_t step = 1; step <= 6; ++step)
      if (holds_hearing(step, v, 6)) held.push_back(step);
    ASSERT_EQ(held.size(), 1u) << "village " << v;
    EXPECT_EQ(held[0], v == 0 ? 6 : 6 - static_cast<std::int64_t>(v));
    months.insert(held[0]);
  }
  EXPECT_EQ(months.size(), 6u);
  // Village 6 follows village 0's calendar; spin-up (negative) steps keep the same calendar.
  EXPECT_TRUE(holds_hearing(6, 6, 6));
  EXPECT_FALSE(holds_hearing(5, 6, 6));
  EXPECT_TRUE(holds_hearing(-6, 0, 6));
  EXPECT_TRUE(holds_hearing(-1, 1, 6));
  EXPECT_TRUE(holds_hearing(-8, 2, 6));
  EXPECT_FALSE(holds_hearing(-7, 2, 6));
  EXPECT_FALSE(holds_hearing(-5, 0, 6));
  // Interval 1: every village every month.
  for (std::int64_t step = -3; step <= 3; ++step)
    EXPECT_TRUE(holds_hearing(step, 4, 1));
}

TEST(Rev2Hearings, OnlyTheVillagesOfTheMonthHoldHearingsAndOnlyTheirParticipantsAttend) {
  World w = small_world(); // 12 villages
  auto& h = w.households;
  std::fill(h.participating.begin(), h.participating.end(), 1);
  run_phases("information", Slot::neighbourhood, w, 1);
  // (1 + v) % 6 == 0: villages 5 and 11 only.
  for (std::size_t a = 0; a < w.villages.size(); ++a) {
    const bool expected = a == 5 || a == 11;
    EXPECT_EQ(w.villages.hearings_held[a], expected ? 1 : 0) << "village " << a;
    for (std::uint32_t i = w.villages.first_household[a]; i < w.villages.first_household[a + 1];
         ++i)
      ASSERT_EQ(h.hearings_attended[i], expected ? 1 : 0) << "household " << i;
  }
  // Over the next 11 months each village holds exactly 2 hearings (interval 6, 12 months) and
  // an always-participating household attends both.
  for (std::int64_t step = 2; step <= 12; ++step) {
    std::fill(h.participating.begin(), h.participating.end(), 1);
    run_phases("information", Slot::neighbourhood, w, step);
  }
  for (std::size_t a = 0; a < w.villages.size(); ++a)
    EXPECT_EQ(std::popcount(static_cast<unsigned>(w.villages.hearings_held[a])), 2);
  for (std::size_t i = 0; i < h.size(); ++i)
    ASSERT_EQ(std::popcount(static_cast<unsigned>(h.hearings_attended[i])), 2);
}

TEST(Rev2Hearings, NegotiationIndexCountsAttendanceAgainstTheVillagesOwnHearings) {
  // Everyone participates every month for a year: each household attended every hearing its
  // village held, so the participation frequency term is exactly 1 in every village:
  // NI = 0.4 mean C + 0.3 employed share + 0.3.
  World w = small_world();
  auto& h = w.households;
  for (std::int64_t step = 1; step <= 12; ++step) {
    std::fill(h.participating.begin(), h.participating.end(), 1);
    run_phases("information", Slot::neighbourhood, w, step);
  }
  run_phases("information", Slot::record, w, 12);
  for (std::size_t a = 0; a < w.villages.size(); ++a) {
    double c = 0.0, employed = 0.0;
    for (std::uint32_t i = w.villages.first_household[a]; i < w.villages.first_household[a + 1];
         ++i) {
      c += h.latent[latent_C][i];
      employed += (h.sector[i] == Sector::mining || h.sector[i] == Sector::green) ? 1.0 : 0.0;
    }
    const auto n = static_cast<double>(w.villages.households(a));
    EXPECT_NEAR(w.villages.negotiation_index[a], 0.4 * c / n + 0.3 * employed / n + 0.3, 1e-12)
        << "village " << a;
  }
}

// --- Spin-up (docs/odd.md §3.2, rev. 2)
// ------------------------------------------------------------

TEST(Rev2SpinUp, HearingsInformationAndParticipationRunButNoCollectiveAction) {
  const Parameters p = scenarios_for_tests::small_region(
      {"simulation.spinup_steps=24", "participation.spontaneous_petition=1",
       "participation.petition_fatigue=1", "participation.grievance_level=1"});
  const World start = [&] {
    World w = make_world(p);
    for (const auto& m : default_modules())
      m->initialise(w);
    return w;
  }();
  const Simulation sim(p);
  const World& w = sim.world();
  // Hearings at steps -24..-1: bit k is the hearing at step -1 - k, two per village a year.
  for (std::size_t a = 0; a < w.villages.size(); ++a) {
    unsigned expected = 0;
    for (unsigned k = 0; k < 12; ++k)
      if (holds_hearing(-1 - static_cast<std::int64_t>(k), a, 6)) expected |= 1u << k;
    EXPECT_EQ(w.villages.hearings_held[a], expected) << "village " << a;
    EXPECT_EQ(std::popcount(expected), 2);
  }
  // Participation decisions and information moved; everyone is aggrieved and would
  // petition for certain, yet nobody petitioned: petitions are not part of the spin-up.
  EXPECT_NE(w.households.participating, start.households.participating);
  EXPECT_NE(w.households.informed, start.households.informed);
  EXPECT_NE(w.households.latent[latent_S], start.households.latent[latent_S]);
  for (std::size_t i = 0; i < w.households.size(); ++i)
    ASSERT_EQ(w.households.petitioning[i], 0);
  for (const double pressure : w.governments.stability_pressure)
    EXPECT_EQ(pressure, 0.0);
  for (std::size_t k = 0; k < w.mines.size(); ++k) {
    EXPECT_EQ(w.mines.halted[k], 0);
    EXPECT_EQ(w.mines.damaged_ha[k], start.mines.damaged_ha[k]) << "no damage in the spin-up";
  }
}

// --- Halts (docs/odd.md §3.10, §3.4, rev. 2)
// ------------------------------------------------------

TEST(Rev2Halts, TheHaltRuleCountsConsecutiveMonthsAndLastsItsDuration) {
  // 10 claimants, share 0.3, 2 months, 3 months' halt.
  const auto step = [](HaltState s, std::int64_t petitioners) {
    return next_halt_state(s, true, 10, petitioners, 0.3, 2, 3);
  };
  HaltState s;
  s = step(s, 3);
  EXPECT_FALSE(s.halted_next_month()) << "one month is not enough";
  s = step(s, 3);
  ASSERT_TRUE(s.halted_next_month());
  int halted = 0;
  for (int month = 0; month < 10 && s.halted_next_month(); ++month) {
    ++halted;
    s = step(s, 0);
  }
  EXPECT_EQ(halted, 3);
  // Just below the share (2 of 10 < 0.3) never halts; nor do two months that are not
  // consecutive.
  HaltState below;
  for (int month = 0; month < 24; ++month) {
    below = step(below, 2);
    EXPECT_FALSE(below.halted_next_month());
  }
  HaltState gaps;
  for (int month = 0; month < 24; ++month) {
    gaps = step(gaps, month % 2 == 0 ? 10 : 0);
    EXPECT_FALSE(gaps.halted_next_month());
  }
  // A mine that is not active is never halted, and no claimants means no halt.
  EXPECT_FALSE(next_halt_state({5, 0}, false, 10, 10, 0.3, 2, 3).halted_next_month());
  EXPECT_FALSE(next_halt_state({5, 0}, true, 0, 0, 0.3, 2, 3).halted_next_month());
  // A sustained movement: its months of petitioning during a halt count toward the next one,
  // so the mine is halted again as soon as the halt is over, and stays halted.
  HaltState sustained;
  std::vector<int> flags;
  for (int month = 0; month < 10; ++month) {
    sustained = step(sustained, 10);
    flags.push_back(sustained.halted_next_month() ? 1 : 0);
  }
  EXPECT_EQ(flags, (std::vector<int>{0, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
  // A movement that stops during the halt and resumes needs halt_months again.
  HaltState resumed;
  flags.clear();
  for (const std::int64_t petitioners : {3, 3, 0, 0, 0, 3, 3, 0}) {
    resumed = step(resumed, petitioners);
    flags.push_back(resumed.halted_next_month() ? 1 : 0);
  }
  EXPECT_EQ(flags, (std::vector<int>{0, 1, 1, 1, 0, 0, 1, 1}));
}

TEST(Rev2Halts, AMineWhoseClaimantsPetitionAtTheShareForTwoMonthsStopsForThreeMonths) {
  World w = petition_world();
  const std::size_t k = mine_with_most_claimants(w);
  ASSERT_GE(claimants_of(w, k).size(), 10u);
  std::vector<int> producing; // steps 1..8: did mine k damage land?
  for (std::int64_t step = 1; step <= 8; ++step) {
    run_phases("environment", Slot::production_damage, w, step);
    producing.push_back(w.mines.new_damage_ha[k] > 0.0 ? 1 : 0);
    if (step >= 3 && step <= 5) {
      EXPECT_GE(w.counts.mines_halted, 1);
    }
    // Production gives new farmland damage, so the claimants are counted again each month:
    // in steps 1 and 2 exactly the smallest number that reaches the halt share petitions.
    const std::vector<std::uint32_t> claimants = claimants_of(w, k);
    const std::vector<std::uint32_t> petitioners =
        step <= 2
            ? first(claimants, at_share(claimants.size(), w.params.collective_action.halt_share))
            : std::vector<std::uint32_t>{};
    aggrieve(w, petitioners);
    collective_action(w, step);
    for (const std::uint32_t i : petitioners)
      ASSERT_EQ(w.households.petitioning[i], 1);
  }
  // Petitions in steps 1 and 2 halt the mine for steps 3, 4 and 5, not after one month.
  EXPECT_EQ(producing, (std::vector<int>{1, 1, 0, 0, 0, 1, 1, 1}));
}

TEST(Rev2Halts, JustBelowTheShareNoHalt) {
  World w = petition_world();
  const std::size_t k = mine_with_most_claimants(w);
  const std::vector<std::uint32_t> claimants = claimants_of(w, k);
  const std::size_t needed = at_share(claimants.size(), w.params.collective_action.halt_share);
  ASSERT_GT(needed, 1u);
  const std::vector<std::uint32_t> petitioners = first(claimants, needed - 1);
  for (std::int64_t step = 1; step <= 6; ++step) {
    aggrieve(w, petitioners);
    collective_action(w, step);
    EXPECT_EQ(w.mines.halted[k], 0) << "step " << step;
    EXPECT_EQ(w.mines.halt_run_months[k], 0);
  }
}

TEST(Rev2Halts, OnlyTheMinesClaimantsCount) {
  // Every household of the villages around mine k petitions except its claimants: the old
  // rule (a share of the households of affected villages) would halt it; the new one does not.
  World w = petition_world();
  const std::size_t k = mine_with_most_claimants(w);
  const std::vector<std::uint32_t> claimants = claimants_of(w, k);
  const std::set<std::uint32_t> is_claimant(claimants.begin(), claimants.end());
  std::vector<std::uint32_t> others;
  for (std::uint32_t i = 0; i < w.households.size(); ++i)
    if (!is_claimant.contains(i)) others.push_back(i);
  for (std::int64_t step = 1; step <= 4; ++step) {
    aggrieve(w, others);
    collective_action(w, step);
    EXPECT_EQ(w.mines.halted[k], 0);
  }
}

TEST(Rev2Halts, PressureCountsDoubleWhileAMineOfTheCountyIsHalted) {
  World w = petition_world();
  const std::size_t k = mine_with_most_claimants(w);
  const std::vector<std::uint32_t> claimants = claimants_of(w, k);
  const std::uint8_t county = w.mines.county[k];
  const double decay = w.params.collective_action.pressure_decay;
  const auto petitioners_in_county = [&] {
    double n = 0.0;
    for (std::size_t i = 0; i < w.households.size(); ++i)
      if (w.villages.county[w.households.village[i]] == county) n += w.households.petitioning[i];
    return n;
  };
  for (std::int64_t step = 1; step <= 3; ++step) {
    const double before = w.governments.stability_pressure[county];
    const bool halted_now = w.mines.halted[k] != 0;
    aggrieve(w, claimants);
    collective_action(w, step);
    const double n = petitioners_in_county();
    ASSERT_GT(n, 0.0);
    // Steps 1 and 2 are not halted (the halt starts at step 3), step 3 is.
    EXPECT_EQ(halted_now, step == 3);
    EXPECT_DOUBLE_EQ(w.governments.stability_pressure[county],
                     decay * before + (halted_now ? 2.0 : 1.0) * n)
        << "step " << step;
  }
}

TEST(Rev2Halts, AHaltedMineEmitsAsAClosedOneAndStillDrawsGroundwater) {
  MineStore m;
  m.status = {MineStatus::active};
  m.halted = {0};
  m.damaged_ha = {0.0};
  m.restoring_ha = {0.0};
  const EnvironmentParams p; // air 0.3, water 0.2, drawdown 0.1, closed share 0.3
  const std::vector<double> exposure{1.0};
  const VillageEnvironment active = village_environment(p, exposure, m);
  EXPECT_DOUBLE_EQ(active.air_quality, 1.0 - 0.3);
  EXPECT_DOUBLE_EQ(active.water_quality, 1.0 - (0.2 + 0.1));
  m.halted = {1};
  const VillageEnvironment halted = village_environment(p, exposure, m);
  EXPECT_DOUBLE_EQ(halted.air_quality, 1.0 - 0.3 * 0.3);
  EXPECT_DOUBLE_EQ(halted.water_quality, 1.0 - (0.2 * 0.3 + 0.1));
  m.status = {MineStatus::closed};
  m.halted = {0};
  const VillageEnvironment closed = village_environment(p, exposure, m);
  EXPECT_DOUBLE_EQ(closed.air_quality, halted.air_quality);
  EXPECT_DOUBLE_EQ(closed.water_quality, 1.0 - 0.2 * 0.3);
}

TEST(Rev2Halts, AHaltedMineProducesNothingAndLowersItsVillagesMiningIntensity) {
  World w = small_world();
  const std::size_t k = mine_with_most_claimants(w);
  run_phases("environment", Slot::environment, w, 1);
  const std::vector<double> air_before = w.villages.air_quality;
  const std::vector<double> intensity_before = w.villages.mining_intensity;
  w.mines.halted[k] = 1;
  run_phases("environment", Slot::production_damage, w, 1);
  EXPECT_EQ(w.mines.new_damage_ha[k], 0.0);
  EXPECT_EQ(w.counts.mines_halted, 1);
  run_phases("environment", Slot::environment, w, 1);
  const std::size_t mines = w.mines.size();
  for (std::size_t a = 0; a < w.villages.size(); ++a) {
    const double e = w.villages.exposure[a * mines + k];
    // Air: the mine's emission falls from e * 0.3 to e * 0.3 * 0.3 (unless clipped).
    if (1.0 - air_before[a] < 1.0 - 1e-9) {
      EXPECT_NEAR(w.villages.air_quality[a], air_before[a] + e * 0.3 * (1.0 - 0.3), 1e-12);
    }
    EXPECT_NEAR(w.villages.mining_intensity[a],
                intensity_before[a] -
                    e * w.mines.output_t_per_month[k] * w.mines.quota_factor[k] / 100000.0,
                1e-9);
  }
}

// --- Grievance (docs/odd.md §3.10, rev. 2)
// --------------------------------------------------------

TEST(Rev2Grievance, DamageUnsettledForOverAYearAggrieves) {
  World w = petition_world(12);
  aggrieve(w, {}); // satisfied, no dispute
  auto& c = w.claims;
  const std::size_t n = c.size();
  c.damaged_since.assign(n, ClaimStore::no_step);
  c.pending_yuan.assign(n, 0);
  // Three households with uncompensated damage: 13 months old (aggrieved), 12 months old
  // (not yet), 13 months old but agreed and awaiting payment (not aggrieved).
  std::vector<std::uint32_t> with_damage;
  const auto& v = w.villages;
  for (std::uint32_t i = 0; i < w.households.size() && with_damage.size() < 3; ++i) {
    const std::uint32_t a = w.households.village[i];
    if (v.affected_offsets[a + 1] > v.affected_offsets[a] &&
        c.uncompensated_ha[w.households.claim_first[i]] > 1e-9)
      with_damage.push_back(i);
  }
  ASSERT_EQ(with_damage.size(), 3u);
  const std::int64_t step = 20;
  c.damaged_since[w.households.claim_first[with_damage[0]]] = static_cast<std::int32_t>(step - 13);
  c.damaged_since[w.households.claim_first[with_damage[1]]] = static_cast<std::int32_t>(step - 12);
  c.damaged_since[w.households.claim_first[with_damage[2]]] = static_cast<std::int32_t>(step - 13);
  c.pending_yuan[w.households.claim_first[with_damage[2]]] = 1000;
  collective_action(w, step);
  for (std::uint32_t i = 0; i < w.households.size(); ++i)
    ASSERT_EQ(w.households.petitioning[i], i == with_damage[0] ? 1 : 0) << "household " << i;
  // An open dispute aggrieves too.
  std::fill(c.damaged_since.begin(), c.damaged_since.end(), ClaimStore::no_step);
  c.dispute[w.households.claim_first[with_damage[1]]] = 1;
  std::fill(w.households.petitioning.begin(), w.households.petitioning.end(), 0);
  collective_action(w, step + 1);
  for (std::uint32_t i = 0; i < w.households.size(); ++i)
    ASSERT_EQ(w.households.petitioning[i], i == with_damage[1] ? 1 : 0) << "household " << i;
}
