// Revision 2 of restoration finance (docs/odd.md §1.2, §3.7): restored land ends the claim
// on it, enterprises pay out cash above an operating reserve, and counties co-fund the
// restoration of the legacy mines in their strips. Small constructed worlds, hand-computed
// values.
#include "model/finance.hpp"
#include "model/modules/restoration_finance/phases.hpp"
#include "model/simulation.hpp"
#include "tests/unit/model/test_scenarios.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace minesim;
using scenarios_for_tests::small_region;

namespace {

/// Claims on mine k, in household order: (household, claim index).
std::vector<std::pair<std::uint32_t, std::size_t>> claims_on(const World& w, std::size_t k) {
  std::vector<std::pair<std::uint32_t, std::size_t>> out;
  const auto& v = w.villages;
  for (std::uint32_t i = 0; i < w.households.size(); ++i) {
    const std::uint32_t a = w.households.village[i];
    for (std::uint32_t j = v.affected_offsets[a]; j < v.affected_offsets[a + 1]; ++j)
      if (v.affected_mine[j] == k)
        out.emplace_back(i, w.households.claim_first[i] + (j - v.affected_offsets[a]));
  }
  return out;
}

/// Set a ledger account's balance through a transfer with the outside world.
void set_balance(World& w, std::size_t account, Yuan target) {
  const Yuan now = w.ledger.balance(account);
  if (target > now)
    w.ledger.transfer(Ledger::outside, account, target - now, flow_endowment);
  else if (target < now)
    w.ledger.transfer(account, Ledger::outside, now - target, flow_endowment);
}

} // namespace

TEST(Rev2Finance, ReturnedLandEndsTheClaimOnIt) {
  World w = make_world(small_region({"restoration.establishment_success=1"}));
  // The mine with the most claimants.
  std::size_t k = 0;
  for (std::size_t m = 0; m < w.mines.size(); ++m)
    if (claims_on(w, m).size() > claims_on(w, k).size()) k = m;
  const auto claims = claims_on(w, k);
  ASSERT_GE(claims.size(), 3u);
  const std::int64_t step = 13;
  const std::size_t lag = restoration_finance::lag_months(w);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  // Only mine k establishes this step: 1 ha of its 4 unrestored ha, a quarter.
  for (std::size_t m = 0; m < w.mines.size(); ++m)
    for (std::size_t f = 0; f < funder_count; ++f)
      w.mines.restoring_cohort_ha[restoration_finance::cohort_index(lag, m, slot, f)] = 0.0;
  w.mines.damaged_ha[k] = 3.0;
  w.mines.restoring_ha[k] = 1.0;
  w.mines.restoring_cohort_ha[restoration_finance::cohort_index(lag, k, slot, funder_state)] = 1.0;
  if (w.claims.damaged_since.size() != w.claims.size())
    w.claims.damaged_since.assign(w.claims.size(), ClaimStore::no_step);
  // A: partly compensated; B: less uncompensated than returned; C: agreed, awaiting payment.
  const auto [a, ca] = claims[0];
  const auto [b, cb] = claims[1];
  const auto [c, cc] = claims[2];
  const double uncompensated[3] = {0.6, 0.1, 1.0};
  const std::size_t claim[3] = {ca, cb, cc};
  const std::uint32_t household[3] = {a, b, c};
  for (std::size_t x = 0; x < 3; ++x) {
    w.claims.physical_ha[claim[x]] = 1.0;
    w.claims.uncompensated_ha[claim[x]] = uncompensated[x];
    w.claims.damaged_since[claim[x]] = 5;
    w.claims.pending_yuan[claim[x]] = 0;
    w.households.official_value_yuan[household[x]] = 1e6;
    w.households.damaged_land_ha[household[x]] = 2.0;
    w.households.received_yuan[household[x]] = 1234.0;
  }
  w.claims.pending_yuan[cc] = 5000;
  const double per_ha = w.official_value_yuan_per_ha;
  ASSERT_GT(per_ha, 0.0);
  ASSERT_LT(0.25 * per_ha, 1e6);

  restoration_finance::RestorationScratch scratch(w);
  restoration_finance::restore(w, restoration_finance::RestorationWrites::of(w), scratch, step);

  for (std::size_t x = 0; x < 3; ++x) {
    EXPECT_DOUBLE_EQ(w.claims.physical_ha[claim[x]], 0.75) << x;
    EXPECT_DOUBLE_EQ(w.households.damaged_land_ha[household[x]], 1.75) << x;
    EXPECT_EQ(w.households.received_yuan[household[x]], 1234.0) << x;
  }
  // A: 0.6 - 0.25; the household is no longer owed the returned 0.25 ha.
  EXPECT_DOUBLE_EQ(w.claims.uncompensated_ha[ca], 0.35);
  EXPECT_EQ(w.claims.damaged_since[ca], 5);
  EXPECT_DOUBLE_EQ(w.households.official_value_yuan[a], 1e6 - 0.25 * per_ha);
  // B: never below 0, so only its 0.1 ha are released; the claim's clock stops.
  EXPECT_EQ(w.claims.uncompensated_ha[cb], 0.0);
  EXPECT_EQ(w.claims.damaged_since[cb], ClaimStore::no_step);
  EXPECT_DOUBLE_EQ(w.households.official_value_yuan[b], 1e6 - 0.1 * per_ha);
  // C: the agreed amount stands, and so does the official value it covers.
  EXPECT_DOUBLE_EQ(w.claims.uncompensated_ha[cc], 0.75);
  EXPECT_EQ(w.claims.pending_yuan[cc], 5000);
  EXPECT_EQ(w.households.official_value_yuan[c], 1e6);
  // Every claim: uncompensated never exceeds physical, never negative.
  for (std::size_t j = 0; j < w.claims.size(); ++j) {
    EXPECT_GE(w.claims.uncompensated_ha[j], 0.0);
    EXPECT_LE(w.claims.uncompensated_ha[j], w.claims.physical_ha[j] + 1e-12);
  }
}

TEST(Rev2Finance, ClaimsNeverOweMoreThanTheirDamagedLandOverARun) {
  // Everything restored fast: returned land keeps uncompensated <= physical on every claim.
  Simulation sim(
      small_region({"restoration.establishment_success=1", "simulation.steps=72",
                    "enterprises.initial_compliance_share=1",
                    "enterprises.backlog_share_per_year=1", "government.fiscal_coverage=1",
                    "government.legacy_plan_years=1", "restoration.establishment_lag_months=6"}));
  const auto& c = sim.world().claims;
  const auto unowed = [&] {
    double total = 0.0;
    for (std::size_t j = 0; j < c.size(); ++j)
      total += c.uncompensated_ha[j];
    return total;
  };
  const double before = unowed();
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    for (std::size_t j = 0; j < c.size(); ++j) {
      ASSERT_GE(c.uncompensated_ha[j], 0.0) << "claim " << j << " step " << step;
      ASSERT_LE(c.uncompensated_ha[j], c.physical_ha[j] + 1e-9)
          << "claim " << j << " step " << step;
    }
  };
  ASSERT_TRUE(sim.run(control));
  EXPECT_LT(unowed(), before);
}

TEST(Rev2Finance, EnterprisesPayOutCashAboveThreeMonthsOfOperatingCost) {
  World w = make_world(small_region());
  ASSERT_GE(w.enterprises.size(), 4u);
  const auto mines_of = [&](std::size_t e) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < w.mines.size(); ++k)
      if (w.mines.owner[k] == static_cast<std::int32_t>(e)) out.push_back(k);
    return out;
  };
  // Enterprise 0: one active mine of 50 kt/month (reserve 3 * 50,000 * 480 = 72 M), 100 M cash.
  // Enterprise 1: the same mine at a quota of 0.8 (reserve 57.6 M) and halted, cash 57.6 M - 1.
  // Enterprise 2: only closed mines (no reserve), 5 M cash.
  // Enterprise 3: an overdraft of 2 M.
  for (std::size_t e = 0; e < 4; ++e) {
    const auto mines = mines_of(e);
    ASSERT_FALSE(mines.empty());
    for (std::size_t j = 0; j < mines.size(); ++j) {
      const std::size_t k = mines[j];
      w.mines.status[k] = (j == 0 && e < 2) ? MineStatus::active : MineStatus::closed;
      w.mines.output_t_per_month[k] = 50000.0;
      w.mines.quota_factor[k] = e == 1 ? 0.8 : 1.0;
      w.mines.halted[k] = e == 1 ? 1 : 0;
    }
  }
  EXPECT_EQ(operating_reserve_yuan(w, 0), 72'000'000);
  EXPECT_EQ(operating_reserve_yuan(w, 1), 57'600'000);
  EXPECT_EQ(operating_reserve_yuan(w, 2), 0);
  const auto& cash = w.enterprises.cash_account;
  set_balance(w, cash[0], 100'000'000);
  set_balance(w, cash[1], 57'599'999);
  set_balance(w, cash[2], 5'000'000);
  set_balance(w, cash[3], -2'000'000);
  std::vector<Yuan> others;
  for (std::size_t e = 4; e < w.enterprises.size(); ++e)
    others.push_back(w.ledger.balance(cash[e]) - operating_reserve_yuan(w, e));
  w.ledger.begin_step();
  pay_out_to_owners(w, w.ledger);
  EXPECT_EQ(w.ledger.balance(cash[0]), 72'000'000);
  EXPECT_EQ(w.ledger.balance(cash[1]), 57'599'999);
  EXPECT_EQ(w.ledger.balance(cash[2]), 0);
  EXPECT_EQ(w.ledger.balance(cash[3]), -2'000'000);
  Yuan expected = 28'000'000 + 5'000'000;
  for (const Yuan above : others)
    expected += std::max<Yuan>(0, above);
  EXPECT_EQ(w.ledger.step_flow(flow_owner_payout), expected);
  EXPECT_EQ(w.ledger.sum_of_balances(), 0);
}

TEST(Rev2Finance, PayoutsHappenAtYearEndsOnlyAndLeaveTheReserve) {
  Simulation sim(small_region({"simulation.steps=36"}));
  const World& w = sim.world();
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    ASSERT_EQ(w.ledger.sum_of_balances(), 0) << "step " << step;
    if (step % 12 != 0) {
      ASSERT_EQ(w.ledger.step_flow(flow_owner_payout), 0) << "step " << step;
      return;
    }
    // Nothing after the economy's year-end phase moves an enterprise's cash.
    for (std::size_t e = 0; e < w.enterprises.size(); ++e)
      EXPECT_LE(w.ledger.balance(w.enterprises.cash_account[e]), operating_reserve_yuan(w, e))
          << "enterprise " << e << " step " << step;
  };
  ASSERT_TRUE(sim.run(control));
  // Six months of revenue at the start against a reserve of 2.4 months' revenue: the first
  // year end pays out.
  const auto& series = sim.metrics().timeseries();
  for (const auto& s : series)
    if (s.name == "enterprise_payout_yuan") {
      EXPECT_GT(s.values[12], 0.0);
      EXPECT_EQ(s.values[11], 0.0);
    }
  EXPECT_GT(w.ledger.total_flow(flow_owner_payout), 0);
}

TEST(Rev2Finance, CountiesCoFundTheirLegacyMinesWithWhatTheYearLeft) {
  World w = make_world(
      small_region({"region.counties=2", "government.fiscal_coverage=0",
                    "market.ppp_hurdle_rate=10", "restoration.labour_cost_reduction=0"}));
  // Two legacy mines in the west, one in the east; 100 ha, 50 ha and 80 ha damaged.
  std::vector<std::size_t> legacy;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] == MineStatus::legacy) legacy.push_back(k);
  ASSERT_GE(legacy.size(), 3u);
  const double damaged[3] = {100.0, 50.0, 80.0};
  const std::uint8_t county[3] = {0, 0, 1};
  for (std::size_t j = 0; j < legacy.size(); ++j) {
    w.mines.damaged_ha[legacy[j]] = j < 3 ? damaged[j] : 0.0;
    w.mines.county[legacy[j]] = j < 3 ? county[j] : 0;
  }
  // West has 1.5 M left after the year's compensation (under 0.2 * 20 M = 4 M), east 9 M.
  const auto& g = w.governments;
  set_balance(w, g.account[0], 1'500'000);
  set_balance(w, g.account[1], 9'000'000);
  w.ledger.begin_step();
  restoration_finance::plan_year(w, restoration_finance::PlanYearWrites::of(w));
  EXPECT_EQ(w.ledger.balance(g.legacy_fund_account[0]), 1'500'000);
  EXPECT_EQ(w.ledger.balance(g.legacy_fund_account[1]), 4'000'000);
  EXPECT_EQ(w.ledger.step_flow(flow_county_legacy_fund), 5'500'000);
  EXPECT_EQ(w.ledger.step_flow(flow_budget_lapse), 5'000'000); // the east's rest
  EXPECT_EQ(w.ledger.balance(g.account[0]), 20'000'000);
  EXPECT_EQ(w.ledger.balance(g.account[1]), 20'000'000);
  EXPECT_DOUBLE_EQ(g.legacy_cofunding_yuan_per_month[0], 125'000.0);
  EXPECT_DOUBLE_EQ(g.legacy_cofunding_yuan_per_month[1], 4'000'000.0 / 12.0);
  EXPECT_EQ(w.finance.state_legacy_yuan_per_month, 0.0);
  EXPECT_EQ(w.finance.social_legacy_yuan_per_month, 0.0);

  // A month of restoration: each county's twelfth goes to its own legacy mines only, in
  // proportion to their damaged land.
  const std::int64_t step = 13;
  const std::size_t lag = restoration_finance::lag_months(w);
  const std::size_t slot = static_cast<std::size_t>(step) % lag;
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    w.mines.restoring_cohort_ha[restoration_finance::cohort_index(lag, k, slot, funder_county)] =
        0.0;
  w.ledger.begin_step();
  restoration_finance::RestorationScratch scratch(w);
  const double cost = restoration_finance::legacy_cost_yuan_per_ha(w);
  restoration_finance::restore(w, restoration_finance::RestorationWrites::of(w), scratch, step);
  const auto county_ha = [&](std::size_t k) {
    return w.mines
        .restoring_cohort_ha[restoration_finance::cohort_index(lag, k, slot, funder_county)];
  };
  EXPECT_NEAR(county_ha(legacy[0]), 125'000.0 * 100.0 / 150.0 / cost, 1e-9);
  EXPECT_NEAR(county_ha(legacy[1]), 125'000.0 * 50.0 / 150.0 / cost, 1e-9);
  EXPECT_NEAR(county_ha(legacy[2]), 4'000'000.0 / 12.0 / cost, 1e-9);
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] != MineStatus::legacy) {
      EXPECT_EQ(county_ha(k), 0.0) << "mine " << k;
    }
  const Yuan spent = w.ledger.step_flow(flow_restoration_county);
  EXPECT_NEAR(static_cast<double>(spent), 125'000.0 + 4'000'000.0 / 12.0, 1.5);
  EXPECT_NEAR(static_cast<double>(w.ledger.balance(g.legacy_fund_account[1])),
              4'000'000.0 * 11.0 / 12.0, 0.5);
  EXPECT_EQ(w.ledger.sum_of_balances(), 0);
}

TEST(Rev2Finance, NothingLeftMeansNoCoFunding) {
  World w = make_world(small_region({"region.counties=2"}));
  const auto& g = w.governments;
  set_balance(w, g.account[0], -300'000); // overspent
  set_balance(w, g.account[1], 0);
  w.ledger.begin_step();
  restoration_finance::plan_year(w, restoration_finance::PlanYearWrites::of(w));
  EXPECT_EQ(w.ledger.step_flow(flow_county_legacy_fund), 0);
  EXPECT_EQ(g.legacy_cofunding_yuan_per_month[0], 0.0);
  EXPECT_EQ(g.legacy_cofunding_yuan_per_month[1], 0.0);
}

TEST(Rev2Finance, CountyCoFundingRunsInABaselineRegion) {
  Simulation sim(small_region({"simulation.steps=48"}));
  const World& w = sim.world();
  RunControl control;
  control.after_step = [&](std::int64_t step) {
    ASSERT_EQ(w.ledger.sum_of_balances(), 0) << "step " << step;
    // The first year has nothing left over to co-fund with.
    if (step <= 12) {
      ASSERT_EQ(w.ledger.step_flow(flow_restoration_county), 0);
    }
  };
  ASSERT_TRUE(sim.run(control));
  EXPECT_GT(w.ledger.total_flow(flow_restoration_county), 0);
  // Each county's co-funded land lies at legacy mines of its own strip.
  for (std::size_t k = 0; k < w.mines.size(); ++k)
    if (w.mines.status[k] != MineStatus::legacy) {
      EXPECT_EQ(restored_by(w, k, funder_county), 0.0);
    }
}
