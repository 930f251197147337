#pragma once
// Replicate runs for validation tests: one arm (a scenario with overrides) run for several
// seeds, and paired differences between arms run on the same seeds (common random numbers).
#include "engine/stats.hpp"
#include "model/simulation.hpp"
#include "scenario/loader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace minesim::validation {

/// Per time series, one value per replicate.
struct Arm {
  std::map<std::string, std::vector<double>> final_value;         ///< at the last step
  std::map<std::string, std::vector<double>> year5_value;         ///< at step 60
  std::map<std::string, std::vector<double>> run_mean;            ///< mean over all steps
  std::map<std::string, std::vector<double>> first_year_sum;      ///< steps 0 to 12
  std::map<std::string, std::vector<std::vector<double>>> series; ///< every step
};

/// Run `scenarios/<scenario>` with `overrides` for seeds first_seed .. first_seed + n - 1.
inline Arm run_arm(const std::string& scenario, std::vector<std::string> overrides, int replicates,
                   int first_seed) {
  Arm arm;
  overrides.push_back("simulation.panel_size=0");
  overrides.push_back("simulation.record_events=false");
  for (int r = 0; r < replicates; ++r) {
    std::vector<std::string> o = overrides;
    o.push_back("simulation.seed=" + std::to_string(first_seed + r));
    const LoadedScenario s =
        load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/" + scenario, parameter_specs(),
                      event_specs(), o);
    Simulation sim(parameters_from(s));
    EXPECT_TRUE(sim.run());
    for (const TimeSeries& t : sim.metrics().timeseries()) {
      const auto& v = t.values;
      arm.final_value[t.name].push_back(v.back());
      arm.year5_value[t.name].push_back(v.size() > 60 ? v[60] : v.back());
      arm.run_mean[t.name].push_back(std::accumulate(v.begin(), v.end(), 0.0) /
                                     static_cast<double>(v.size()));
      arm.series[t.name].push_back(v);
      arm.first_year_sum[t.name].push_back(std::accumulate(
          v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(13, v.size())),
          0.0));
    }
  }
  return arm;
}

/// Mean and standard error of the paired differences a - b.
struct Paired {
  double mean;
  double se;
};

inline Paired paired(const std::vector<double>& a, const std::vector<double>& b) {
  const PairedStats stats = paired_stats(a, b);
  return {stats.mean_difference, stats.standard_error};
}

/// One-sided sign test of paired replicates: the probability, were a and b exchangeable, that
/// at least as many of the differences a - b as observed are below zero (ties count as half
/// a loss each, rounded down). For quantities whose differences are heavy-tailed, such as
/// petitioning shares, where one replicate's cascade outweighs the others in a mean.
inline double sign_test_below_zero(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t below = 0;
  for (std::size_t r = 0; r < n; ++r)
    below += a[r] - b[r] < 0.0 ? 1 : 0;
  // P(X >= below) for X ~ Binomial(n, 1/2), summed exactly in doubles (n is small).
  double p = 0.0, choose = 1.0; // choose = C(n, k)
  for (std::size_t k = 0; k <= n; ++k) {
    if (k >= below) p += choose;
    choose = choose * static_cast<double>(n - k) / static_cast<double>(k + 1);
  }
  return p / std::ldexp(1.0, static_cast<int>(n));
}

} // namespace minesim::validation
