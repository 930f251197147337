#include "agents/mine/restoration.hpp"
#include "agents/resident/economy.hpp"
#include "agents/social_capital/market.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace minesim;

TEST(Restoration, CompliersRestoreNewDamagePlusBacklogShare) {
  // 1.25 ha new, 61.25 ha damaged: backlog 60 ha, 0.2 a year -> 1 ha a month.
  EXPECT_DOUBLE_EQ(owner_restoration_ha(true, 1.25, 61.25, 0.2, 0.1), 2.25);
  EXPECT_DOUBLE_EQ(owner_restoration_ha(false, 1.25, 61.25, 0.2, 0.1), 0.225);
  // Never more than the damaged land.
  EXPECT_DOUBLE_EQ(owner_restoration_ha(true, 0.0, 0.5, 24.0, 0.1), 0.5);
  EXPECT_DOUBLE_EQ(owner_restoration_ha(true, 0.0, 0.0, 0.2, 0.1), 0.0);
}

TEST(Restoration, LearningCurveMatchesTheFormula) {
  EXPECT_DOUBLE_EQ(learning_cost_yuan_per_ha(110000, 0, 0.1, 0.5, false), 110000);
  // 900 ha restored: (1000 / 100)^-0.1 = 10^-0.1.
  EXPECT_NEAR(learning_cost_yuan_per_ha(110000, 900, 0.1, 0.5, false),
              110000 * std::pow(10.0, -0.1), 1e-9);
  // With carbon trading the 900 ha count 1.5 times: (1450 / 100)^-0.1.
  EXPECT_NEAR(learning_cost_yuan_per_ha(110000, 900, 0.1, 0.5, true), 110000 * std::pow(14.5, -0.1),
              1e-9);
}

TEST(Restoration, CarbonRevenueOfAMonth) {
  // 100 ha at 5 t/ha/year for one month at 61 yuan/t: 100 * 5 / 12 * 61.
  EXPECT_NEAR(monthly_carbon_revenue_yuan(100, 5, 61), 2541.6666666666665, 1e-9);
  EXPECT_EQ(monthly_carbon_revenue_yuan(0, 5, 61), 0.0);
}

TEST(Market, ProjectAndEquityYields) {
  // Revenue 0.4 * 30,000 = 12,000 a year per ha at 300,000 a ha: 4%.
  EXPECT_DOUBLE_EQ(project_yield(12000, 300000), 0.04);
  // Half bond-financed at 3.5%: (12,000 - 0.035 * 150,000) / 150,000 = 4.5%.
  EXPECT_NEAR(equity_yield(12000, 300000, 0.5, 0.035), 0.045, 1e-15);
  EXPECT_DOUBLE_EQ(equity_yield(12000, 300000, 0.0, 0.035), 0.04);
}

TEST(Market, BondPaymentsRepayThePrincipalWithInterest) {
  // Without interest: principal / months.
  EXPECT_DOUBLE_EQ(bond_payment_yuan_per_month(1200, 0.0, 10), 10.0);
  // With interest, the payments discounted at the bond rate sum to the principal.
  const double payment = bond_payment_yuan_per_month(1e6, 0.035, 10);
  double present = 0.0;
  for (int k = 1; k <= 120; ++k)
    present += payment / std::pow(1.0 + 0.035 / 12.0, k);
  EXPECT_NEAR(present, 1e6, 1e-6);
  EXPECT_GT(payment * 120, 1e6);
}

TEST(Economy, HouseholdIncomeAddsItsSources) {
  const EconomyParams p;
  // 0.4 ha, 0.1 ha damaged, mining job, 3 persons, 2,000 a year of compensation.
  EXPECT_DOUBLE_EQ(household_income_yuan(p, 0.4, 0.1, Sector::mining, 3, 2000.0),
                   15000 * 0.3 + 72000 + 18000 * 3 + 2000);
  EXPECT_DOUBLE_EQ(household_income_yuan(p, 0.4, 0.5, Sector::unemployed, 1, 0.0), 18000.0);
  EXPECT_DOUBLE_EQ(household_income_yuan(p, 1.0, 0.0, Sector::green, 2, 0.0),
                   15000 + 54000 + 36000);
}

TEST(Economy, MiningJobsScaleWithOutput) {
  const EconomyParams p;
  EXPECT_EQ(mining_jobs(p, 50000), 150); // docs/odd.md §3.5: about 150 per default mine
  EXPECT_EQ(mining_jobs(p, 0), 0);
}
