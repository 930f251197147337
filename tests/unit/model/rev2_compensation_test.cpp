// Revision 2 of compensation (docs/odd.md §3.7): payers concede toward their reservation price,
// claims open on their own clock (filing delay, yearly reopening after an agreement, the
// same dispute cooldown in every model), investment promotion places households only in
// funded vacancies, and the dispute and settlement metrics.
#include "agents/mine/restoration.hpp"
#include "agents/resident/negotiation.hpp"
#include "model/finance.hpp"
#include "model/modules/compensation/phases.hpp"
#include "model/simulation.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace minesim;
using scenarios_for_tests::small_region;

namespace {

constexpr std::int32_t none = ClaimStore::no_step;

/// `overrides` and no restoration at all: no land is returned, so no claim ends early.
std::vector<std::string> without_restoration(std::vector<std::string> overrides) {
  for (const char* o : {"enterprises.restoration_duty=false", "enterprises.shirk_effort=0",
                        "government.fiscal_coverage=0", "government.county_restoration_share=0"})
    overrides.emplace_back(o);
  return overrides;
}

/// A store of one claim with the given clock.
ClaimStore one_claim(std::int32_t damaged_since, std::int32_t last_agreement,
                     std::int32_t last_dispute) {
  ClaimStore s;
  s.physical_ha = {0.1};
  s.uncompensated_ha = {0.1};
  s.round = {-1};
  s.pending_yuan = {0};
  s.damaged_since = {damaged_since};
  s.first_opened = {none};
  s.last_agreement = {last_agreement};
  s.last_dispute = {last_dispute};
  return s;
}

/// The negotiation events of a run per claim (household, mine), in step order.
std::map<std::pair<std::int64_t, std::int64_t>, std::vector<NegotiationEvent>>
events_by_claim(const World& w) {
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<NegotiationEvent>> by;
  for (const auto& e : w.negotiation_events)
    by[{e.household, e.mine}].push_back(e);
  return by;
}

const Module& compensation(const ModuleList& modules) {
  for (const auto& m : modules)
    if (m->name() == "compensation") return *m;
  throw std::logic_error("no compensation module");
}

/// The compensation module's series for world w at `step`, by name.
std::map<std::string, double> measured(const World& w, std::int64_t step) {
  const ModuleList modules = default_modules();
  const Module& module = compensation(modules);
  const auto defs = module.series();
  MetricScratch scratch;
  scratch.household.assign(w.households.size(), 0.0);
  scratch.sort_buffer.assign(w.households.size(), 0.0);
  scratch.accumulators.assign(16, 0.0);
  scratch.sums.reserve(w.households.size(), 16);
  std::vector<double> values(defs.size(), 0.0);
  module.measure(w, step, scratch, values);
  std::map<std::string, double> by;
  for (std::size_t k = 0; k < defs.size(); ++k)
    by[std::string(defs[k].name)] = values[k];
  return by;
}

} // namespace

TEST(Rev2Offer, ConcedesFromGenerosityToTheCapAlongAConvexPath) {
  const double o0 = 1000.0, g = 1.0, cap = 1.5, x = 1.5;
  EXPECT_DOUBLE_EQ(offer_yuan(o0, g, 0, 4, x, cap), 1000.0); // k = 0: g * O0
  EXPECT_DOUBLE_EQ(offer_yuan(o0, g, 4, 4, x, cap), 1500.0); // k = K: cap * O0
  // k = K / 2: 1000 * (1 + 0.5 * 0.5^1.5) = 1176.7767
  EXPECT_NEAR(offer_yuan(o0, g, 2, 4, x, cap), 1176.776695296637, 1e-9);
  // Reluctance: halfway through the rounds the payer has conceded less than half its room.
  EXPECT_LT(offer_yuan(o0, g, 2, 4, x, cap) - 1000.0, 0.5 * (1500.0 - 1000.0));
  double last = 0.0;
  for (std::int64_t k = 0; k <= 5; ++k) {
    const double offer = offer_yuan(o0, 1.2, k, 5, x, cap);
    EXPECT_GT(offer, last) << "round " << k;
    last = offer;
  }
  EXPECT_DOUBLE_EQ(last, 1500.0);
  // A government payer's path ends at its own cap; generosity above the cap is capped.
  EXPECT_DOUBLE_EQ(offer_yuan(o0, 1.1, 5, 5, x, 1.2), 1200.0);
  EXPECT_DOUBLE_EQ(offer_yuan(o0, 1.4, 0, 5, x, 1.2), 1200.0);
  // A single round is the last one.
  EXPECT_DOUBLE_EQ(offer_yuan(o0, 1.0, 0, 0, x, cap), 1500.0);
}

TEST(Rev2ClaimClock, OpensFilingDelayAfterDamageAndRespectsIntervalAndCooldown) {
  // Damage at step 10: open at 13 (filing delay 3), not at 12.
  EXPECT_FALSE(one_claim(10, none, none).may_open(0, 12, 3, 12, 6));
  EXPECT_TRUE(one_claim(10, none, none).may_open(0, 13, 3, 12, 6));
  // Agreement at step 20, damage since 21: not before 32.
  EXPECT_FALSE(one_claim(21, 20, none).may_open(0, 31, 3, 12, 6));
  EXPECT_TRUE(one_claim(21, 20, none).may_open(0, 32, 3, 12, 6));
  // Dispute at step 40: not before 46.
  EXPECT_FALSE(one_claim(1, none, 40).may_open(0, 45, 3, 12, 6));
  EXPECT_TRUE(one_claim(1, none, 40).may_open(0, 46, 3, 12, 6));
  // Nothing owed, a negotiation in progress, or an agreed amount waiting: no opening.
  ClaimStore s = one_claim(1, none, none);
  s.round[0] = 2;
  EXPECT_FALSE(s.may_open(0, 50, 3, 12, 6));
  s.round[0] = -1;
  s.pending_yuan[0] = 5;
  EXPECT_FALSE(s.may_open(0, 50, 3, 12, 6));
  s.pending_yuan[0] = 0;
  s.uncompensated_ha[0] = 0.0;
  EXPECT_FALSE(s.may_open(0, 50, 3, 12, 6));
  // Unsettled: damage over 12 months old and not agreed.
  EXPECT_FALSE(one_claim(10, none, none).unsettled(0, 22, 12));
  EXPECT_TRUE(one_claim(10, none, none).unsettled(0, 23, 12));
}

TEST(Rev2ClaimClock, ClaimsOpenExactlyTheFilingDelayAfterTheirFirstDamage) {
  // Nothing owed at the start and no reopening interval: the first damage (step 1, from the
  // producing mines) starts the claims' clocks, and those claims open at step 1 +
  // filing_delay_months, none earlier.
  for (const std::int64_t delay : {3, 5}) {
    Simulation sim(small_region(
        {"mines.initial_uncompensated_share=0", "compensation.claim_interval_months=0",
         "compensation.filing_delay_months=" + std::to_string(delay), "simulation.steps=12"}));
    const World& w = sim.world();
    for (std::size_t c = 0; c < w.claims.size(); ++c)
      ASSERT_EQ(w.claims.damaged_since[c], none) << "claim " << c;
    ASSERT_TRUE(sim.run_until(1));
    std::vector<bool> damaged_at_1(w.claims.size());
    std::size_t damaged = 0;
    for (std::size_t c = 0; c < w.claims.size(); ++c) {
      damaged_at_1[c] = w.claims.uncompensated_ha[c] > 1e-9;
      damaged += damaged_at_1[c] ? 1 : 0;
      EXPECT_EQ(w.claims.damaged_since[c], damaged_at_1[c] ? 1 : none) << "claim " << c;
    }
    ASSERT_GT(damaged, 0u);
    ASSERT_TRUE(sim.run_until(delay));
    for (std::size_t c = 0; c < w.claims.size(); ++c)
      EXPECT_EQ(w.claims.first_opened[c], none) << "claim " << c << " before " << 1 + delay;
    ASSERT_TRUE(sim.run_until(1 + delay));
    for (std::size_t c = 0; c < w.claims.size(); ++c)
      EXPECT_EQ(w.claims.first_opened[c], damaged_at_1[c] ? 1 + delay : none) << "claim " << c;
  }
}

TEST(Rev2ClaimClock, AClaimReopensTwelveMonthsAfterItsAgreement) {
  // Low expectations: every negotiation agrees in its first round. A claim reopens no sooner
  // than claim_interval_months after its agreement, and exactly then when its mine kept
  // damaging its land (later when the land was used up, or the mine halted or closed).
  Simulation sim(small_region(
      without_restoration({"households.expectation_median=0.2", "simulation.steps=48",
                           "region.side_km=30", "mines.initial_uncompensated_share=0.1"})));
  ASSERT_TRUE(sim.run());
  std::size_t pairs = 0, after_twelve = 0;
  for (const auto& [claim, events] : events_by_claim(sim.world())) {
    for (std::size_t k = 0; k < events.size(); ++k) {
      ASSERT_EQ(events[k].agreed, 1);
      ASSERT_EQ(events[k].rounds, 1);
      if (k == 0) continue;
      const std::int64_t gap = events[k].step - events[k - 1].step;
      EXPECT_GE(gap, 12) << "household " << claim.first << " mine " << claim.second;
      ++pairs;
      after_twelve += gap == 12 ? 1 : 0;
    }
  }
  EXPECT_GT(pairs, 100u);
  EXPECT_GT(static_cast<double>(after_twelve), 0.9 * static_cast<double>(pairs));
}

TEST(Rev2ClaimClock, DisputesReopenAfterTheSameCooldownInEveryModel) {
  // Very high expectations: every negotiation ends in a dispute after its last round. The
  // claim reopens dispute_cooldown_months after the dispute whatever the model's pace.
  for (const char* model : {"enterprise_direct", "state_funded"}) {
    Simulation sim(small_region(
        without_restoration({std::string("compensation.model=") + model,
                             "households.expectation_median=10", "simulation.steps=96"})));
    ASSERT_TRUE(sim.run());
    std::size_t reopened = 0;
    for (const auto& [claim, events] : events_by_claim(sim.world())) {
      for (std::size_t k = 0; k < events.size(); ++k) {
        ASSERT_EQ(events[k].agreed, 0);
        ASSERT_EQ(events[k].rounds, 6);
        if (k == 0) continue;
        const std::int64_t months =
            model_terms(static_cast<CompensationModel>(events[k].model)).months_per_round;
        const std::int64_t reopening = events[k].step - 5 * months; // its round 0
        EXPECT_EQ(reopening - events[k - 1].step, 6) << model << " household " << claim.first;
        ++reopened;
      }
    }
    EXPECT_GT(reopened, 100u) << model;
  }
}

TEST(Rev2ClaimClock, InitialClaimsOpenSpreadOverTheFirstYear) {
  // The initial uncompensated damage accrued since an agreement 0 to 11 months before step
  // 0: a claim whose agreement was a months before opens at step 12 - a.
  Simulation sim(small_region({"simulation.steps=12"}));
  const World& w = sim.world();
  const std::vector<std::int32_t> since = w.claims.damaged_since;
  std::map<std::int32_t, std::size_t> by_age;
  for (std::size_t c = 0; c < w.claims.size(); ++c) {
    if (w.claims.uncompensated_ha[c] <= 1e-9) continue;
    ASSERT_EQ(w.claims.last_agreement[c], since[c]);
    ASSERT_LE(since[c], 0);
    ASSERT_GT(since[c], -12);
    ++by_age[since[c]];
  }
  EXPECT_EQ(by_age.size(), 12u); // every month of the year before the start
  ASSERT_TRUE(sim.run());
  std::map<std::int32_t, std::size_t> openings;
  for (std::size_t c = 0; c < w.claims.size(); ++c) {
    if (since[c] == none) continue;
    EXPECT_EQ(w.claims.first_opened[c], 12 + since[c]) << "claim " << c;
    ++openings[w.claims.first_opened[c]];
  }
  EXPECT_EQ(openings.size(), 12u); // one or more in each month 1 .. 12
}

TEST(Rev2Placement, VacanciesAreSocialCapitalsJobsLessTheirHolders) {
  World w = make_world(small_region({"compensation.model=investment_promotion"}));
  EXPECT_EQ(funded_placement_vacancies(w, 0), 0); // no restored land at the start
  // 100 ha established by social capital and 50 ha by the state on two mines: converted
  // 40 ha and 20 ha, so 20 and 10 jobs (0.5 per ha).
  const std::size_t a = 0, b = 1;
  w.mines.restored_ha[a] += 100.0;
  w.mines.restored_by_funder_ha[a * funder_count + funder_social] += 100.0;
  w.mines.restored_ha[b] += 50.0;
  w.mines.restored_by_funder_ha[b * funder_count + funder_state] += 50.0;
  w.jobs.green_workers = 10;
  EXPECT_EQ(funded_placement_vacancies(w, 0), 20);
  EXPECT_EQ(funded_placement_vacancies(w, 15), 5);
  w.jobs.green_workers = 25; // the matching filled all but 5 of the region's 30 jobs
  EXPECT_EQ(funded_placement_vacancies(w, 0), 5);
  EXPECT_EQ(funded_placement_vacancies(w, 5), 0);
  w.jobs.green_workers = 30;
  EXPECT_EQ(funded_placement_vacancies(w, 0), 0);
}

TEST(Rev2Placement, NoPlacementWithoutAFundedVacancy) {
  for (const double social_ha : {0.0, 10.0}) { // 10 ha: 4 ha converted, 2 jobs
    World w = make_world(small_region({"compensation.model=investment_promotion"}));
    const std::size_t mine = 0;
    w.mines.restored_ha[mine] += social_ha;
    w.mines.restored_by_funder_ha[mine * funder_count + funder_social] += social_ha;
    // Five agreed claims of 10,000 yuan on owned mines, of households without a green job.
    std::vector<std::uint32_t> agreed;
    for (std::uint32_t c = 0; c < w.claims.size() && agreed.size() < 5; ++c) {
      const std::size_t m = mine_of_claim(w, c);
      if (w.mines.owner[m] < 0 || w.households.sector[w.claims.household[c]] == Sector::green)
        continue;
      if (!agreed.empty() && w.claims.household[agreed.back()] == w.claims.household[c]) continue;
      w.claims.pending_yuan[c] = 10000;
      w.claims.start[c] = 1;
      agreed.push_back(c);
    }
    ASSERT_EQ(agreed.size(), 5u);
    PaymentScratch scratch(w);
    w.ledger.begin_step();
    pay_queue(w, PaymentQueueWrites::of(w), scratch, 1);
    const std::int64_t placed = social_ha > 0.0 ? 2 : 0;
    EXPECT_EQ(w.jobs.placed_green_workers, placed);
    EXPECT_EQ(w.jobs.in_kind_yuan, placed * 5000);
    EXPECT_EQ(w.ledger.step_flow(flow_compensation_social), 50000 - placed * 5000);
    std::int64_t green = 0;
    for (const std::uint32_t c : agreed) {
      EXPECT_EQ(w.claims.pending_yuan[c], 0);
      EXPECT_EQ(w.claims.uncompensated_ha[c], 0.0);
      EXPECT_EQ(w.claims.damaged_since[c], none);
      green += w.households.sector[w.claims.household[c]] == Sector::green ? 1 : 0;
    }
    EXPECT_EQ(green, placed);
    EXPECT_EQ(funded_placement_vacancies(w, w.jobs.placed_green_workers), 0);
  }
}

TEST(Rev2Placement, BaselineInvestmentPromotionPlacesNobodyWhereSocialCapitalFundsNoLand) {
  // At the baseline yields social capital funds no restoration: there is no vacancy to place
  // anyone in, so investment promotion pays everything in cash.
  Simulation sim(small_region({"compensation.model=investment_promotion", "simulation.steps=36"}));
  ASSERT_TRUE(sim.run());
  const World& w = sim.world();
  EXPECT_EQ(w.ledger.total_flow(flow_restoration_social), 0);
  EXPECT_EQ(w.jobs.placed_green_workers, 0);
  EXPECT_EQ(w.jobs.in_kind_yuan, 0);
  EXPECT_GT(w.ledger.total_flow(flow_compensation_social), 0);
}

TEST(Rev2Offers, APayerOffersNoMoreThanItCanPayThisMonth) {
  // Enterprises without cash, losing money on every tonne: their offers are capped at what
  // they can pay (nothing), so no agreement waits for funds and their claims end in dispute.
  Simulation sim(
      small_region({"enterprises.initial_cash_months=0", "enterprises.deposit_years=0",
                    "enterprises.operating_cost_yuan_per_t=700", "simulation.steps=36"}));
  ASSERT_TRUE(sim.run());
  const World& w = sim.world();
  EXPECT_EQ(w.ledger.total_flow(flow_compensation_enterprise), 0);
  std::size_t enterprise_disputes = 0;
  for (const auto& e : w.negotiation_events) {
    if (e.payer != static_cast<std::int64_t>(Payer::enterprise)) continue;
    EXPECT_EQ(e.agreed, 0);
    EXPECT_EQ(e.offer_yuan, 0.0);
    ++enterprise_disputes;
  }
  EXPECT_GT(enterprise_disputes, 0u);
  for (std::size_t c = 0; c < w.claims.size(); ++c)
    EXPECT_EQ(w.claims.pending_yuan[c], 0) << "claim " << c;
}

namespace {

/// Check group_payers on a world: mines whose payers share an account are in one group, and
/// mines in different groups share no account. Returns the number of groups.
std::size_t checked_payer_groups(const World& w) {
  PaymentScratch scratch(w);
  const std::size_t groups = group_payers(w, scratch);
  const std::size_t mines = w.mines.size();
  for (std::size_t m = 0; m < mines; ++m) {
    EXPECT_LT(scratch.mine_group[m], groups);
    const PaymentAccounts a = accounts_of(w, terms_of(w, m).payer, m);
    for (std::size_t k = 0; k < mines; ++k) {
      const PaymentAccounts b = accounts_of(w, terms_of(w, k).payer, k);
      const bool share =
          a.first == b.first || a.first == b.second || a.second == b.first || a.second == b.second;
      if (share) {
        EXPECT_EQ(scratch.mine_group[m], scratch.mine_group[k]) << m << " " << k;
      }
    }
  }
  return groups;
}

} // namespace

TEST(PayerGroups, EachEnterpriseAndTheStatePayOnTheirOwn) {
  // Baseline: 8 active mines of 6 enterprises pay from the owners' accounts; the 4 legacy
  // mines fall back to the state. Seven groups, which share no account.
  Simulation sim(small_region());
  const World& w = sim.world();
  std::set<std::int64_t> owners;
  for (std::size_t m = 0; m < w.mines.size(); ++m)
    if (w.mines.owner[m] >= 0) owners.insert(w.mines.owner[m]);
  ASSERT_GT(owners.size(), 1U);
  const std::size_t groups = checked_payer_groups(w);
  EXPECT_EQ(groups, owners.size() + 1);
  PaymentScratch scratch(w);
  (void)group_payers(w, scratch);
  for (std::size_t m = 0; m < w.mines.size(); ++m)
    for (std::size_t k = 0; k < w.mines.size(); ++k)
      if (w.mines.owner[m] != w.mines.owner[k]) {
        EXPECT_NE(scratch.mine_group[m], scratch.mine_group[k]) << m << " " << k;
      }
}

TEST(PayerGroups, JointPaymentLinksEnterprisesThroughTheirCounties) {
  // The joint model pays from the owner and the county: owners with mines in one county share
  // a group, so there are fewer groups than owners + 1, yet more than one (the state's).
  Simulation joint(small_region({"compensation.model=joint"}));
  const std::size_t groups = checked_payer_groups(joint.world());
  EXPECT_GT(groups, 1U);
  Simulation direct(small_region());
  EXPECT_LT(groups, checked_payer_groups(direct.world()));
  // State funding: one account pays every claim.
  Simulation state(small_region({"compensation.model=state_funded"}));
  EXPECT_EQ(checked_payer_groups(state.world()), 1U);
}

TEST(Rev2Metrics, DisputeRateAndSettlementMonthsOnAConstructedStep) {
  World w = make_world(small_region());
  const std::int64_t step = 30;
  // Three agreements this step, opened first at steps 30, 24 and 12 (0, 6 and 18 months), and
  // one dispute.
  const std::int32_t opened[] = {30, 24, 12};
  for (std::size_t k = 0; k < 3; ++k) {
    w.claims.outcome[k] = outcome_agreed;
    w.claims.first_opened[k] = opened[k];
    w.claims.last_agreement[k] = static_cast<std::int32_t>(step);
  }
  w.claims.outcome[3] = outcome_dispute;
  w.claims.dispute[3] = 1;
  w.claims.outcome[4] = outcome_round; // a round without an outcome
  auto v = measured(w, step);
  EXPECT_DOUBLE_EQ(v["dispute_rate"], 0.25);
  EXPECT_DOUBLE_EQ(v["settlement_months_mean"], 8.0); // (0 + 6 + 18) / 3
  EXPECT_DOUBLE_EQ(v["disputes_open"], 1.0);
  // No outcome: both 0.
  for (std::size_t k = 0; k < 5; ++k)
    w.claims.outcome[k] = outcome_none;
  v = measured(w, step);
  EXPECT_DOUBLE_EQ(v["dispute_rate"], 0.0);
  EXPECT_DOUBLE_EQ(v["settlement_months_mean"], 0.0);
}

TEST(Rev2Metrics, UnsettledShareAndRatioGiniOnAConstructedWorld) {
  World w = make_world(small_region());
  // Claims with damaged land: those with physical_ha > 0. Make every claim's damage recent,
  // then date exactly three of them 13 months back and one 12 months back (not over 12).
  std::size_t with_damage = 0;
  std::vector<std::size_t> damaged;
  for (std::size_t c = 0; c < w.claims.size(); ++c) {
    if (w.claims.physical_ha[c] <= 1e-9) continue;
    ++with_damage;
    damaged.push_back(c);
    w.claims.damaged_since[c] = w.claims.uncompensated_ha[c] > 1e-9 ? 20 : none;
  }
  std::size_t dated = 0;
  for (const std::size_t c : damaged)
    if (w.claims.uncompensated_ha[c] > 1e-9 && dated < 4)
      w.claims.damaged_since[c] = dated++ < 3 ? 7 : 8;
  ASSERT_EQ(dated, 4u);
  auto v = measured(w, 20);
  EXPECT_DOUBLE_EQ(v["unsettled_claim_share"], 3.0 / static_cast<double>(with_damage));

  // Received over official: every damaged household at the same ratio gives 0; one of two
  // households at ratio 1 and the other at 0 among n gives the Gini of that split.
  auto& h = w.households;
  std::size_t households_with_damage = 0;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h.official_value_yuan[i] > 0.0) {
      h.received_yuan[i] = 0.7 * h.official_value_yuan[i];
      ++households_with_damage;
    }
  ASSERT_GT(households_with_damage, 2u);
  v = measured(w, 20);
  EXPECT_NEAR(v["compensation_ratio_gini"], 0.0, 1e-12);
  // Ratios 0 for all but one household at ratio 1: Gini = (n - 1) / n.
  bool first = true;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h.official_value_yuan[i] > 0.0) {
      h.received_yuan[i] = first ? h.official_value_yuan[i] : 0.0;
      first = false;
    }
  v = measured(w, 20);
  const auto n = static_cast<double>(households_with_damage);
  EXPECT_NEAR(v["compensation_ratio_gini"], (n - 1.0) / n, 1e-12);
}
