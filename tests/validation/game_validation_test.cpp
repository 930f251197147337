// Game mode against the replicator equations (docs/odd.md §3.12): proportional imitation in
// large populations follows dx/dt = x(1-x) dE etc. with t = steps * revision_rate /
// delta_max; tolerances come from the binomial standard error of a share, 0.5 / sqrt(N).
#include "model/simulation.hpp"
#include "scenario/loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

using namespace minesim;

namespace {

std::map<std::string, std::vector<double>> run_game(const std::string& scenario,
                                                    std::vector<std::string> overrides = {}) {
  const LoadedScenario s =
      load_scenario(std::string(MINESIM_SOURCE_DIR) + "/scenarios/game/" + scenario,
                    parameter_specs(), event_specs(), overrides);
  Simulation sim(parameters_from(s));
  EXPECT_TRUE(sim.run());
  std::map<std::string, std::vector<double>> out;
  for (const auto& t : sim.record("", "").timeseries)
    out[t.name] = t.values;
  return out;
}

} // namespace

TEST(GameValidation, ConvergentSetFollowsRk4AndReachesAllCooperating) {
  const auto series = run_game("convergent.toml");
  const double se = 0.5 / std::sqrt(10000.0);
  for (const char* name :
       {"share_enterprises_restoring", "share_governments_strict", "share_residents_monitoring"}) {
    const auto& sim = series.at(name);
    const auto& rk4 = series.at(std::string("replicator_") + name);
    for (std::size_t t = 0; t < sim.size(); t += 12) // every year
      ASSERT_NEAR(sim[t], rk4[t], 3 * se) << name << " at step " << t;
    EXPECT_GT(sim.back(), 0.99) << name;
  }
}

TEST(GameValidation, CyclingSetLosesMonitorsAndCirclesTheRestPoint) {
  const auto series = run_game("cycling.toml");
  const auto& x = series.at("share_enterprises_restoring");
  const auto& y = series.at("share_governments_strict");
  const auto& z = series.at("share_residents_monitoring");
  const auto& rx = series.at("replicator_share_enterprises_restoring");
  const auto& ry = series.at("replicator_share_governments_strict");
  const auto& rz = series.at("replicator_share_residents_monitoring");
  // Monitoring dies out, in the populations and in the equations.
  EXPECT_LT(z.back(), 0.02);
  EXPECT_LT(rz.back(), 0.02);
  // Over a finite horizon (the first 1,500 steps, t = 3.75) the populations stay close to the
  // equations; neutral cycles let the drift grow, so the tolerance is wider than for the
  // convergent set but still proportional to 1/sqrt(N).
  const double se = 0.5 / std::sqrt(10000.0);
  for (std::size_t t = 0; t <= 1500; t += 12) {
    ASSERT_NEAR(x[t], rx[t], 6 * se) << "x at step " << t;
    ASSERT_NEAR(y[t], ry[t], 6 * se) << "y at step " << t;
  }
  // Once monitors are gone (the last 3,000 steps), (x, y) keeps circling (8/15, 8/15): it
  // never settles there, and its time average is near it.
  const std::size_t from = x.size() - 3000;
  double mean_x = 0.0, mean_y = 0.0, closest = 1.0, farthest = 0.0;
  for (std::size_t t = from; t < x.size(); ++t) {
    mean_x += x[t] / 3000.0;
    mean_y += y[t] / 3000.0;
    const double d = std::hypot(x[t] - 8.0 / 15.0, y[t] - 8.0 / 15.0);
    closest = std::min(closest, d);
    farthest = std::max(farthest, d);
  }
  EXPECT_NEAR(mean_x, 8.0 / 15.0, 0.05);
  EXPECT_NEAR(mean_y, 8.0 / 15.0, 0.05);
  EXPECT_GT(closest, 0.02);
  EXPECT_GT(farthest, 0.1);
}
