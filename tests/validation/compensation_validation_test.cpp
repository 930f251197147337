// Validation of compensation and participation on replicate means (MODEL.md §4.4, §4.5,
// §4.11 stylized fact 4). Arms are paired by seed; tolerances are 3 standard errors of the
// paired differences.
#include "model/simulation.hpp"
#include "src/scenario/loader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>

using namespace minesim;

namespace {

constexpr int replicates = 10;

/// Per metric: the final value and the mean over the run, one entry per replicate.
struct Arm {
  std::map<std::string, std::vector<double>> final_value;
  std::map<std::string, std::vector<double>> run_mean;
};

Arm run_arm(const std::string& scenario, std::vector<std::string> overrides = {}) {
  Arm arm;
  overrides.push_back("households.count=2000");
  overrides.push_back("simulation.panel_size=0");
  overrides.push_back("simulation.record_events=false");
  for (int r = 0; r < replicates; ++r) {
    std::vector<std::string> o = overrides;
    o.push_back("simulation.seed=" + std::to_string(2000 + r));
    const LoadedScenario s =
        load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/" + scenario, parameter_specs(),
                      event_specs(), o);
    Simulation sim(parameters_from(s));
    EXPECT_TRUE(sim.run());
    for (const TimeSeries& t : sim.metrics().timeseries()) {
      arm.final_value[t.name].push_back(t.values.back());
      arm.run_mean[t.name].push_back(std::accumulate(t.values.begin(), t.values.end(), 0.0) /
                                     static_cast<double>(t.values.size()));
    }
  }
  return arm;
}

struct Paired {
  double mean;
  double se;
};

Paired paired(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    d[i] = a[i] - b[i];
  const double n = static_cast<double>(d.size());
  const double mean = std::accumulate(d.begin(), d.end(), 0.0) / n;
  double ss = 0.0;
  for (const double x : d)
    ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / (n - 1) / n)};
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
