// Validation of compensation and participation on replicate means (MODEL.md §4.4, §4.5,
// §4.11 stylized fact 4). Arms are paired by seed; tolerances are 3 standard errors of the
// paired differences.
#include "tests/validation/replicates.hpp"

#include <gtest/gtest.h>

using namespace minesim;
using namespace minesim::validation;

namespace {

constexpr int replicates = 10;

Arm run_arm(const std::string& scenario, std::vector<std::string> overrides = {}) {
  overrides.push_back("households.count=2000");
  return validation::run_arm(scenario, std::move(overrides), replicates, 2000);
}

const Arm& direct() {
  static const Arm arm = run_arm("compensation/enterprise_direct.toml");
  return arm;
}

} // namespace

TEST(CompensationValidation, GovernmentOrganizedModelsLeaveFewerOpenDisputes) {
  // Same funds (the enterprise pays in both); the organizer differs.
  for (const char* model : {"enterprise_funded_gov_organized", "joint"}) {
    const Arm organized = run_arm(std::string("compensation/") + model + ".toml");
    const Paired d =
        paired(organized.run_mean.at("disputes_open"), direct().run_mean.at("disputes_open"));
    EXPECT_LT(d.mean, -3 * d.se) << model << ": " << d.mean << " +- " << d.se;
  }
}

TEST(CompensationValidation, InvestmentPromotionRaisesGreenEmployment) {
  const Arm promotion = run_arm("compensation/investment_promotion.toml");
  const Paired d = paired(promotion.final_value.at("employment_green"),
                          direct().final_value.at("employment_green"));
  EXPECT_GT(d.mean, 3 * d.se) << d.mean << " +- " << d.se;
}

TEST(CompensationValidation, MoreFrequentHearingsRaiseInformationAndLowerDisputes) {
  const Arm frequent =
      run_arm("compensation/enterprise_direct.toml", {"participation.hearing_interval_months=2"});
  const Arm rare =
      run_arm("compensation/enterprise_direct.toml", {"participation.hearing_interval_months=12"});
  const Paired informed =
      paired(frequent.run_mean.at("informed_mean"), rare.run_mean.at("informed_mean"));
  const Paired disputes =
      paired(frequent.run_mean.at("disputes_open"), rare.run_mean.at("disputes_open"));
  EXPECT_GT(informed.mean, 3 * informed.se) << informed.mean << " +- " << informed.se;
  EXPECT_LT(disputes.mean, -3 * disputes.se) << disputes.mean << " +- " << disputes.se;
}
