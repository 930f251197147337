#include "agents/resident/influence.hpp"
#include "agents/resident/perception.hpp"
#include "engine/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

using namespace minesim;

namespace {

/// A CSR graph from an undirected edge list.
Csr graph_from_edges(std::size_t n,
                     const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges) {
  std::vector<std::vector<std::uint32_t>> adj(n);
  for (const auto& [a, b] : edges) {
    adj[a].push_back(b);
    adj[b].push_back(a);
  }
  Csr g;
  g.offsets.push_back(0);
  for (auto& row : adj) {
    std::sort(row.begin(), row.end());
    g.targets.insert(g.targets.end(), row.begin(), row.end());
    g.offsets.push_back(g.targets.size());
  }
  return g;
}

/// Ring lattice: every node tied to its k/2 nearest on each side (a k-regular graph).
Csr ring(std::size_t n, std::size_t k) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 1; d <= k / 2; ++d)
      edges.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>((i + d) % n));
  return graph_from_edges(n, edges);
}

std::vector<double> run_influence(const Csr& g, InfluenceKind kind, double eps, double mu,
                                  std::vector<double> x, int steps) {
  std::vector<double> next(x.size());
  for (int s = 0; s < steps; ++s) {
    influence_step(g, kind, eps, mu, x, next);
    x.swap(next);
  }
  return x;
}

} // namespace

TEST(ProspectValue, GainsAndLossesFollowTverskyKahneman) {
  EXPECT_DOUBLE_EQ(prospect_value(0.0, 0.88, 2.25), 0.0);
  EXPECT_DOUBLE_EQ(prospect_value(0.5, 0.88, 2.25), std::pow(0.5, 0.88));
  EXPECT_DOUBLE_EQ(prospect_value(-0.5, 0.88, 2.25), -2.25 * std::pow(0.5, 0.88));
  // Loss aversion: a loss weighs more than an equal gain.
  EXPECT_GT(-prospect_value(-0.3, 0.88, 2.25), prospect_value(0.3, 0.88, 2.25));
}

TEST(CompensationGap, IsMinusOneWithoutPaymentAndZeroWithoutDamage) {
  EXPECT_DOUBLE_EQ(compensation_gap(0.0, 1000.0, 1.6), -1.0);
  EXPECT_DOUBLE_EQ(compensation_gap(0.0, 0.0, 1.6), 0.0);
  EXPECT_DOUBLE_EQ(compensation_gap(1600.0, 1000.0, 1.6), 0.0);
}

TEST(PerceptionTargets, MatchHandComputedLogits) {
  const PerceptionParams p;
  const Latents offsets{0.1, -0.2, 0.0, 0.3, -0.1};
  const Latents current{0.6, 0.4, 0.5, 0.7, 0.5};
  PerceptionInputs in;
  in.income_growth = 0.05;
  in.employed_in_mining = 1.0;
  in.mining_intensity = 0.4;
  in.air_quality = 0.8;
  in.water_quality = 0.7;
  in.vegetation = 0.9;
  in.compensation_gap = -0.25;
  in.employment_security = 0.7;
  in.fairness = 1.2;
  in.informed = 0.3;
  in.participating_neighbour_share = 0.25;
  in.log_relative_income = std::log(1.1);
  const Latents t = perception_targets(p, offsets, current, in);
  EXPECT_DOUBLE_EQ(t[latent_E], logistic(0.1 - 0.5 + 2.0 * 0.05 + 0.8 + 0.5 * 0.4));
  EXPECT_DOUBLE_EQ(t[latent_P],
                   logistic(-0.2 - 1.0 + 1.2 * 0.8 + 1.0 * 0.7 + 1.0 * 0.9 - 1.5 * 0.6));
  const double vg = -2.25 * std::pow(0.25, 0.88);
  const double vf = std::pow(0.2, 0.88);
  EXPECT_NEAR(t[latent_C], logistic(0.0 - 0.5 + 1.5 * 0.4 + 1.2 * vg + 1.0 * 0.7 + 0.5 * vf),
              1e-15);
  EXPECT_DOUBLE_EQ(t[latent_R], logistic(0.3 - 1.0 + 2.0 * 0.5 + 1.0 * 0.3 + 1.0 * 0.25));
  EXPECT_NEAR(t[latent_S],
              logistic(-0.1 - 1.5 + 1.5 * 0.5 + 1.0 * 0.7 + 0.8 * 0.4 + 0.5 * std::log(1.1)),
              1e-15);
}

TEST(PerceptionTargets, MiningDevelopmentLowersEcologicalPerception) {
  const PerceptionParams p;
  const Latents zero{};
  PerceptionInputs in;
  const double low = perception_targets(p, zero, Latents{0.2, 0, 0, 0, 0}, in)[latent_P];
  const double high = perception_targets(p, zero, Latents{0.8, 0, 0, 0, 0}, in)[latent_P];
  EXPECT_LT(high, low);
}

TEST(DeGroot, ConvergesToTheMeanOnARegularGraph) {
  const std::size_t n = 60;
  const Csr g = ring(n, 6);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = std::fmod(0.37 * static_cast<double>(i * i), 1.0);
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const auto out = run_influence(g, InfluenceKind::degroot, 0.0, 0.5, x, 20000);
  for (const double v : out)
    EXPECT_NEAR(v, mean, 1e-9);
}

TEST(DeGroot, ConvergesToTheDegreeWeightedMeanOtherwise) {
  // A star joined to a path: hub 0 with leaves 1..5, and a path 5-6-7-8.
  const Csr g =
      graph_from_edges(9, {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {5, 6}, {6, 7}, {7, 8}});
  const std::vector<double> x{0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.0};
  double weighted = 0.0, degrees = 0.0, plain = 0.0;
  for (std::size_t i = 0; i < 9; ++i) {
    weighted += static_cast<double>(g.degree(i)) * x[i];
    degrees += static_cast<double>(g.degree(i));
    plain += x[i] / 9.0;
  }
  const double expected = weighted / degrees; // the stationary distribution is ∝ degree
  const auto out = run_influence(g, InfluenceKind::degroot, 0.0, 0.3, x, 5000);
  for (const double v : out)
    EXPECT_NEAR(v, expected, 1e-9);
  EXPECT_GT(std::fabs(expected - plain), 0.01); // the test distinguishes the two
}

TEST(BoundedConfidence, ClustersFarApartPersist) {
  // Two opinion groups on one ring, 0.2 and 0.8, with small noise: with epsilon 0.1 they
  // never hear each other and each settles on its own consensus.
  const std::size_t n = 100;
  const Csr g = ring(n, 4);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = (i < n / 2 ? 0.2 : 0.8) + 0.01 * std::sin(static_cast<double>(i));
  const auto out = run_influence(g, InfluenceKind::bounded_confidence, 0.1, 1.0, x, 2000);
  double low_min = 1, low_max = 0, high_min = 1, high_max = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < n / 2) {
      low_min = std::min(low_min, out[i]);
      low_max = std::max(low_max, out[i]);
    } else {
      high_min = std::min(high_min, out[i]);
      high_max = std::max(high_max, out[i]);
    }
  }
  EXPECT_LT(low_max, 0.25);
  EXPECT_GT(high_min, 0.75);
  EXPECT_LT(low_max - low_min, 1e-6); // consensus within each cluster
  EXPECT_LT(high_max - high_min, 1e-6);
  // DeGroot on the same start merges them.
  const auto merged = run_influence(g, InfluenceKind::degroot, 0.0, 1.0, x, 20000);
  EXPECT_NEAR(*std::max_element(merged.begin(), merged.end()),
              *std::min_element(merged.begin(), merged.end()), 1e-3);
}

TEST(BoundedConfidence, LargeEpsilonIsDeGrootWithTheHouseholdIncluded) {
  const Csr g = graph_from_edges(3, {{0, 1}, {1, 2}});
  const std::vector<double> x{0.0, 0.3, 0.9};
  std::vector<double> out(3);
  influence_step(g, InfluenceKind::bounded_confidence, 1.0, 1.0, x, out);
  EXPECT_DOUBLE_EQ(out[0], (0.0 + 0.3) / 2);
  EXPECT_DOUBLE_EQ(out[1], (0.0 + 0.3 + 0.9) / 3);
  influence_step(g, InfluenceKind::bounded_confidence, 0.35, 1.0, x, out);
  EXPECT_DOUBLE_EQ(out[1], (0.0 + 0.3) / 2); // 0.9 is beyond epsilon of 0.3
}

TEST(Influence, IsolatedNodesKeepTheirValue) {
  const Csr g = graph_from_edges(3, {{0, 1}});
  const std::vector<double> x{0.2, 0.4, 0.7};
  std::vector<double> out(3);
  influence_step(g, InfluenceKind::degroot, 0.0, 0.5, x, out);
  EXPECT_DOUBLE_EQ(out[2], 0.7);
  EXPECT_DOUBLE_EQ(out[0], 0.5 * 0.2 + 0.5 * 0.4);
}
