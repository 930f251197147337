// Validation of the compensation models, hearings and stylized fact 4 on paired replicates
// (docs/odd.md §3.7, §1.3). Arms are paired by seed (common random numbers);
// tolerances are 3 standard errors of the paired differences. The expected directions follow
// from the rules, not from earlier runs: which organizer lowers demands (trust gain), which
// model negotiates more slowly (months per round), and what the calendar no longer decides.
#include "tests/validation/replicates.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

using namespace minesim;
using namespace minesim::validation;

namespace {

constexpr int replicates = 30;

Arm run_arm(const std::string& scenario, std::vector<std::string> overrides = {}) {
  overrides.push_back("households.count=2000");
  return validation::run_arm(scenario, std::move(overrides), replicates, 3000);
}

const Arm& direct() {
  static const Arm arm = run_arm("compensation/enterprise_direct.toml");
  return arm;
}

/// Per replicate, the mean of `name` over the steps where `when` is positive (a rate or a
/// mean that is defined only in steps with negotiation outcomes).
std::vector<double> mean_where(const Arm& arm, const std::string& name, const std::string& when) {
  std::vector<double> out;
  const auto& values = arm.series.at(name);
  const auto& weights = arm.series.at(when);
  for (std::size_t r = 0; r < values.size(); ++r) {
    double sum = 0.0, n = 0.0;
    for (std::size_t t = 1; t < values[r].size(); ++t)
      if (weights[r][t] > 0.0) {
        sum += values[r][t];
        n += 1.0;
      }
    out.push_back(n > 0.0 ? sum / n : 0.0);
  }
  return out;
}

/// Disputes per negotiation outcome over steps that had outcomes.
std::vector<double> dispute_rate(const Arm& arm) {
  // A step has outcomes when it has agreements or a positive dispute rate.
  std::vector<double> out;
  const auto& rate = arm.series.at("dispute_rate");
  const auto& agreements = arm.series.at("agreements");
  for (std::size_t r = 0; r < rate.size(); ++r) {
    double sum = 0.0, n = 0.0;
    for (std::size_t t = 1; t < rate[r].size(); ++t)
      if (agreements[r][t] > 0.0 || rate[r][t] > 0.0) {
        sum += rate[r][t];
        n += 1.0;
      }
    out.push_back(sum / n);
  }
  return out;
}

} // namespace

TEST(CompensationValidation, AGovernmentOrganizerLowersDisputesAtTheSameFunds) {
  // The enterprise pays in both; a government organizer's trust gain lowers demands.
  const Arm organized = run_arm("compensation/enterprise_funded_gov_organized.toml");
  const Paired d = paired(dispute_rate(organized), dispute_rate(direct()));
  EXPECT_LT(d.mean, -3 * d.se) << d.mean << " +- " << d.se;
  const Paired unsettled = paired(organized.run_mean.at("unsettled_claim_share"),
                                  direct().run_mean.at("unsettled_claim_share"));
  EXPECT_LT(unsettled.mean, -3 * unsettled.se) << unsettled.mean << " +- " << unsettled.se;
}

TEST(CompensationValidation, SlowerModelsTakeLongerToSettle) {
  // State-funded negotiations hold a round every 3 months, enterprise-direct ones every month.
  const Arm state = run_arm("compensation/state_funded.toml");
  const Paired d = paired(mean_where(state, "settlement_months_mean", "agreements"),
                          mean_where(direct(), "settlement_months_mean", "agreements"));
  EXPECT_GT(d.mean, 3 * d.se) << d.mean << " +- " << d.se;
}

// Disabled: a finding, not a passing property (docs/model-results.md, "Pace alone").
// Revision 2 removed the calendar, but pace alone still moves the dispute rate. The
// per-step dispute_rate averaged over months, checked here, moves by about -0.20 (SE 0.004).
// Most of that is averaging: a month with 3 outcomes weighs as much as one with 300.
// Pooled over each run, the dispute share moves by -0.012 +- 0.003, and the share of
// first outcomes that are disputes by -0.0097 +- 0.0007. That residue is behaviour: a
// slower negotiation meets better-informed residents and more generous payers in its last
// rounds. The test stays, runnable with --gtest_also_run_disabled_tests.
TEST(CompensationValidation, DISABLED_RoundLengthAloneLeavesTheDisputeRateUnchanged) {
  // The same model at one round a month and one every three months.
  const Arm slow =
      run_arm("compensation/enterprise_direct.toml", {"compensation.months_per_round=3"});
  const Paired d = paired(dispute_rate(slow), dispute_rate(direct()));
  EXPECT_LT(std::abs(d.mean), 3 * d.se + 1e-12) << d.mean << " +- " << d.se;
  // It does change the pace.
  const Paired pace = paired(mean_where(slow, "settlement_months_mean", "agreements"),
                             mean_where(direct(), "settlement_months_mean", "agreements"));
  EXPECT_GT(pace.mean, 3 * pace.se) << pace.mean << " +- " << pace.se;
}

TEST(CompensationValidation, HigherCompensationRaisesSatisfactionAndLowersPetitions) {
  // Stylized fact 4, compensation: payers starting more generous (1.3 instead of 1.0).
  const Arm generous =
      run_arm("compensation/enterprise_direct.toml", {"compensation.initial_generosity=1.3"});
  const Paired s = paired(generous.run_mean.at("S_mean"), direct().run_mean.at("S_mean"));
  EXPECT_GT(s.mean, 3 * s.se) << s.mean << " +- " << s.se;
  // Petitioning falls in most replicates (about 5e-4 of households), but the paired
  // differences are heavy-tailed: a petition cascade in one replicate moves a mean of 30 by
  // more than the effect (the largest difference is 80e-4 in either direction, depending on
  // the random numbers). So the test is the sign test at the one-sided level of 3 standard
  // errors (p < 0.00135), not the mean.
  const double p = sign_test_below_zero(generous.run_mean.at("petitioning_share"),
                                        direct().run_mean.at("petitioning_share"));
  EXPECT_LT(p, 0.00135) << "sign test p = " << p;
}

TEST(CompensationValidation, FairerCompensationRaisesSatisfactionAndLowersPetitions) {
  // Stylized fact 4, fairness: without comparisons with neighbours' deals (a uniform standard
  // makes fair = 1) demands and unfairness fall.
  const Arm uniform = run_arm("compensation/enterprise_direct.toml",
                              {"compensation.comparison_weight=0", "perception.C_fairness=0"});
  const Paired s = paired(uniform.run_mean.at("S_mean"), direct().run_mean.at("S_mean"));
  const Paired p =
      paired(uniform.run_mean.at("petitioning_share"), direct().run_mean.at("petitioning_share"));
  EXPECT_GT(s.mean, 3 * s.se) << s.mean << " +- " << s.se;
  EXPECT_LT(p.mean, -3 * p.se) << p.mean << " +- " << p.se;
}

TEST(CompensationValidation, ParticipationRaisesSatisfactionAndLowersPetitions) {
  // Stylized fact 4, participation: a lower participation cost (0 instead of 0.5).
  const Arm open = run_arm("compensation/enterprise_direct.toml", {"participation.cost=0"});
  const Paired s = paired(open.run_mean.at("S_mean"), direct().run_mean.at("S_mean"));
  const Paired p =
      paired(open.run_mean.at("petitioning_share"), direct().run_mean.at("petitioning_share"));
  EXPECT_GT(s.mean, 3 * s.se) << s.mean << " +- " << s.se;
  EXPECT_LT(p.mean, -3 * p.se) << p.mean << " +- " << p.se;
}

TEST(CompensationValidation, MoreFrequentHearingsRaiseInformation) {
  const Arm frequent =
      run_arm("compensation/enterprise_direct.toml", {"participation.hearing_interval_months=2"});
  const Arm rare =
      run_arm("compensation/enterprise_direct.toml", {"participation.hearing_interval_months=12"});
  const Paired informed =
      paired(frequent.run_mean.at("informed_mean"), rare.run_mean.at("informed_mean"));
  EXPECT_GT(informed.mean, 3 * informed.se) << informed.mean << " +- " << informed.se;
}

TEST(CompensationValidation, HaltsHappenUnderStressAndAreRareInTheBaseline) {
  const Arm stress = run_arm("stress/high_grievance.toml");
  const Arm& base = direct(); // the baseline's model
  // Halted mine-months over active mine-months, per replicate.
  const auto halted_share = [](const Arm& arm) {
    std::vector<double> out;
    for (std::size_t r = 0; r < arm.series.at("mines_halted").size(); ++r) {
      double halted = 0.0, active = 0.0;
      for (std::size_t t = 1; t < arm.series.at("mines_halted")[r].size(); ++t) {
        halted += arm.series.at("mines_halted")[r][t];
        active += arm.series.at("mines_active")[r][t] + arm.series.at("mines_halted")[r][t];
      }
      out.push_back(active > 0.0 ? halted / active : 0.0);
    }
    return out;
  };
  const auto s = halted_share(stress);
  const auto b = halted_share(base);
  const Paired d = paired(s, b);
  EXPECT_GT(d.mean, 3 * d.se) << d.mean << " +- " << d.se;
  double base_mean = 0.0, stress_mean = 0.0;
  for (std::size_t r = 0; r < s.size(); ++r) {
    base_mean += b[r] / static_cast<double>(b.size());
    stress_mean += s[r] / static_cast<double>(s.size());
  }
  std::cout << "halted share of active mine-months: baseline " << base_mean << ", stress "
            << stress_mean << "\n";
  EXPECT_LT(base_mean, 0.1); // rare: under a tenth of mine-months in the baseline
  EXPECT_GT(stress_mean, 5 * base_mean);
}
