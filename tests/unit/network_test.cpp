// Unit tests of the social network generator (src/network/social_network.*, docs/odd.md §1.2).
// Tolerances are derived from the parameters in the comments next to them.
#include "network/social_network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using minesim::build_social_network;
using minesim::Csr;
using minesim::NetworkParams;
using minesim::VillageLayout;

/// Owns the arrays a VillageLayout views.
struct Layout {
  std::vector<std::uint32_t> first_household;
  std::vector<double> x_km;
  std::vector<double> y_km;

  [[nodiscard]] VillageLayout view() const { return {first_household, x_km, y_km}; }
  [[nodiscard]] std::size_t villages() const { return x_km.size(); }
  [[nodiscard]] std::uint32_t households() const { return first_household.back(); }
  [[nodiscard]] std::uint32_t size(std::size_t v) const {
    return first_household[v + 1] - first_household[v];
  }
  [[nodiscard]] std::size_t village_of(std::uint32_t h) const {
    return static_cast<std::size_t>(
        std::upper_bound(first_household.begin(), first_household.end(), h) -
        first_household.begin() - 1);
  }
  [[nodiscard]] double distance_km(std::size_t a, std::size_t b) const {
    const double dx = x_km[a] - x_km[b];
    const double dy = y_km[a] - y_km[b];
    return std::sqrt(dx * dx + dy * dy);
  }
};

/// `households` split as evenly as possible over `villages` villages on a grid of
/// `columns` columns spaced `spacing_km` apart.
Layout grid_layout(std::uint32_t households, std::uint32_t villages, double spacing_km = 7.0,
                   std::uint32_t columns = 8) {
  Layout layout;
  layout.first_household.push_back(0);
  for (std::uint32_t v = 0; v < villages; ++v) {
    layout.first_household.push_back(
        static_cast<std::uint32_t>((static_cast<std::uint64_t>(households) * (v + 1)) / villages));
    layout.x_km.push_back(spacing_km * (v % columns));
    layout.y_km.push_back(spacing_km * (v / columns));
  }
  return layout;
}

/// The reference layout of these tests: 5,000 households in 40 villages of 125.
Layout reference_layout() {
  return grid_layout(5000, 40);
}

NetworkParams small_world_only(double rewiring) {
  NetworkParams params;
  params.rewiring = rewiring;
  params.kinship_share = 0.0;
  params.inter_village_share = 0.0;
  return params;
}

std::size_t undirected_edges(const Csr& csr) {
  return csr.targets.size() / 2;
}

/// Number of undirected edges whose ends lie in different villages.
std::size_t inter_village_edges(const Csr& csr, const Layout& layout) {
  std::size_t count = 0;
  for (std::uint32_t i = 0; i < csr.node_count(); ++i)
    for (const std::uint32_t j : csr.neighbours(i))
      if (i < j && layout.village_of(i) != layout.village_of(j)) ++count;
  return count;
}

void expect_csr_invariants(const Csr& csr, std::size_t households) {
  ASSERT_EQ(csr.offsets.size(), households + 1);
  EXPECT_EQ(csr.offsets.front(), 0U);
  EXPECT_EQ(csr.offsets.back(), csr.targets.size());
  for (std::size_t i = 0; i < households; ++i) {
    ASSERT_LE(csr.offsets[i], csr.offsets[i + 1]) << "offsets not monotone at " << i;
    const auto row = csr.neighbours(i);
    for (std::size_t p = 0; p < row.size(); ++p) {
      ASSERT_LT(row[p], households);
      ASSERT_NE(row[p], i) << "self-loop at " << i;
      if (p > 0) {
        ASSERT_LT(row[p - 1], row[p]) << "row " << i << " unsorted or duplicated";
      }
      const auto back = csr.neighbours(row[p]);
      ASSERT_TRUE(std::binary_search(back.begin(), back.end(), static_cast<std::uint32_t>(i)))
          << "edge " << i << "-" << row[p] << " has no reverse";
    }
  }
}

/// Circular distance of two local ids on a ring of n.
std::uint32_t ring_distance(std::uint32_t a, std::uint32_t b, std::uint32_t n) {
  const std::uint32_t d = a > b ? a - b : b - a;
  return std::min(d, n - d);
}

} // namespace

TEST(SocialNetwork, CsrInvariantsHold) {
  const Layout layout = reference_layout();
  const Csr csr = build_social_network(NetworkParams{}, layout.view(), 42);
  expect_csr_invariants(csr, layout.households());

  // Uneven villages, including the smallest the model allows (20 households).
  Layout uneven;
  uneven.first_household = {0, 20, 57, 300, 321, 1021};
  uneven.x_km = {0.0, 3.0, 9.0, 25.0, 4.0};
  uneven.y_km = {0.0, 1.0, -4.0, 30.0, 12.0};
  const Csr csr2 = build_social_network(NetworkParams{}, uneven.view(), 7);
  expect_csr_invariants(csr2, uneven.households());
}

TEST(SocialNetwork, SameSeedSameNetworkOtherSeedOtherNetwork) {
  const Layout layout = reference_layout();
  const Csr a = build_social_network(NetworkParams{}, layout.view(), 2024);
  const Csr b = build_social_network(NetworkParams{}, layout.view(), 2024);
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.targets, b.targets);
  const Csr c = build_social_network(NetworkParams{}, layout.view(), 2025);
  EXPECT_TRUE(a.offsets != c.offsets || a.targets != c.targets);
}

#ifdef _OPENMP
TEST(SocialNetwork, ThreadCountDoesNotChangeTheNetwork) {
  const Layout layout = reference_layout();
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Csr serial = build_social_network(NetworkParams{}, layout.view(), 99);
  omp_set_num_threads(std::max(4, threads));
  const Csr parallel = build_social_network(NetworkParams{}, layout.view(), 99);
  omp_set_num_threads(threads);
  EXPECT_EQ(serial.offsets, parallel.offsets);
  EXPECT_EQ(serial.targets, parallel.targets);
}
#endif

TEST(SocialNetwork, MeanDegreeMatchesAnalyticExpectation) {
  // Expected undirected edges in village v of n_v households:
  //   small world: n_v k / 2 (each lattice edge, rewired or not, is one edge; two rewired
  //     edges landing on the same pair merge, a bias bounded below);
  //   kinship: K_v clique pairs, where K_v's mean and variance follow exactly from the
  //     cutting rule (dynamic programming over the number of members still to place);
  //     each clique pair is a uniform random pair of the village's households, independent
  //     of the small world, so it is already a small-world edge with probability
  //     q_v = (n_v k / 2) / C(n_v, 2) = k / (n_v - 1).
  //   E_v = n_v k / 2 + E[K_v] (1 - q_v).
  // Inter-village ties add share / (1 - share) of the intra edges, so the mean degree is
  //   2 sum_v E_v / n / (1 - share).
  // Spread: Var(K_v)(1 - q_v)^2 + E[K_v] q_v (1 - q_v) per village (overlaps taken as
  // binomial), independent across villages; tolerance 4 SD plus the bias bounds.
  const Layout layout = reference_layout();
  const NetworkParams params;
  const Csr csr = build_social_network(params, layout.view(), 11);

  const auto k = static_cast<double>(params.small_world_degree);
  const auto lo = static_cast<std::size_t>(params.kinship_min_size);
  const auto hi = static_cast<std::size_t>(params.kinship_max_size);
  double expected_edges = 0.0;
  double variance_edges = 0.0;
  double bias_edges = 0.0;
  for (std::size_t v = 0; v < layout.villages(); ++v) {
    const double n_v = layout.size(v);
    const auto members = static_cast<std::size_t>(std::llround(params.kinship_share * n_v));
    // mean[r], second[r]: first two moments of the clique pairs cut from r members.
    std::vector<double> mean(members + 1, 0.0);
    std::vector<double> second(members + 1, 0.0);
    for (std::size_t r = 2; r <= members; ++r) {
      for (std::size_t s = lo; s <= hi; ++s) {
        const std::size_t size = (s + 1 >= r) ? r : s;
        const double pairs = 0.5 * static_cast<double>(size) * static_cast<double>(size - 1);
        const std::size_t rest = r - size;
        mean[r] += pairs + mean[rest];
        second[r] += pairs * pairs + 2.0 * pairs * mean[rest] + second[rest];
      }
      mean[r] /= static_cast<double>(hi - lo + 1);
      second[r] /= static_cast<double>(hi - lo + 1);
    }
    const double kin_mean = mean[members];
    const double kin_var = second[members] - kin_mean * kin_mean;
    const double q = k / (n_v - 1.0);
    expected_edges += n_v * k / 2.0 + kin_mean * (1.0 - q);
    variance_edges += kin_var * (1.0 - q) * (1.0 - q) + kin_mean * q * (1.0 - q);
    // Two of the R = p n_v k / 2 rewired edges coincide with probability at most
    // 2 / (n_v (n_v - k - 1)) per pair: at most R^2 / (n_v (n_v - k - 1)) merged edges.
    const double rewired = params.rewiring * n_v * k / 2.0;
    bias_edges += rewired * rewired / (n_v * (n_v - k - 1.0));
  }
  const double n = layout.households();
  const double share = params.inter_village_share;
  const double expected_degree = 2.0 * expected_edges / n / (1.0 - share);
  const double sd_degree = 2.0 * std::sqrt(variance_edges) / n / (1.0 - share);
  // Duplicate inter-village ties: at most I^2 / (n n_min) are expected to merge (see
  // InterVillageShareMatchesParameter); they remove at most that many edges.
  const double ties = share / (1.0 - share) * expected_edges;
  const double min_village = layout.size(0);
  bias_edges += ties * ties / (n * min_village);
  const double tolerance = 4.0 * sd_degree + 2.0 * bias_edges / n;

  const double mean_degree = static_cast<double>(csr.targets.size()) / n;
  RecordProperty("mean_degree", std::to_string(mean_degree));
  RecordProperty("expected_mean_degree", std::to_string(expected_degree));
  RecordProperty("sd_mean_degree", std::to_string(sd_degree));
  EXPECT_NEAR(mean_degree, expected_degree, tolerance)
      << "sd " << sd_degree << ", bias bound " << 2.0 * bias_edges / n;

  std::size_t min_degree = csr.degree(0);
  for (std::size_t i = 0; i < csr.node_count(); ++i)
    min_degree = std::min(min_degree, csr.degree(i));
  EXPECT_GT(min_degree, 0U);
}

TEST(SocialNetwork, MinimumDegreePositiveInSmallVillages) {
  // Villages of 20 households, the smallest the model allows, with default parameters.
  const Layout layout = grid_layout(2000, 100, 3.0, 10);
  const Csr csr = build_social_network(NetworkParams{}, layout.view(), 5);
  for (std::size_t i = 0; i < csr.node_count(); ++i)
    ASSERT_GT(csr.degree(i), 0U) << i;
}

TEST(SocialNetwork, RingLatticeWithoutRewiringHasUniformDegree) {
  // No rewiring, no kinship, no inter-village ties: every village is a ring lattice, so
  // every household has exactly k neighbours (degree variance 0), namely those within
  // k / 2 steps around its village's ring.
  const Layout layout = reference_layout();
  const NetworkParams params = small_world_only(0.0);
  const Csr csr = build_social_network(params, layout.view(), 3);
  const auto k = static_cast<std::uint32_t>(params.small_world_degree);
  for (std::uint32_t i = 0; i < csr.node_count(); ++i) {
    ASSERT_EQ(csr.degree(i), k) << i;
    const std::size_t v = layout.village_of(i);
    for (const std::uint32_t j : csr.neighbours(i)) {
      ASSERT_EQ(layout.village_of(j), v);
      ASSERT_LE(ring_distance(i - layout.first_household[v], j - layout.first_household[v],
                              layout.size(v)),
                k / 2);
    }
  }
}

TEST(SocialNetwork, DegreeIsClampedToVillageSizeAndKeptEven) {
  NetworkParams params = small_world_only(0.5);
  params.small_world_degree = 12;
  // 7 households: k = min(12, 6) = 6, the complete graph (rewiring has nowhere to go and
  // is skipped). 8 households: k = 6 (7 rounded down to even), rewiring still possible.
  Layout tiny;
  tiny.first_household = {0, 7, 15};
  tiny.x_km = {0.0, 100.0};
  tiny.y_km = {0.0, 0.0};
  const Csr csr = build_social_network(params, tiny.view(), 1);
  expect_csr_invariants(csr, 15);
  for (std::uint32_t i = 0; i < 7; ++i)
    EXPECT_EQ(csr.degree(i), 6U) << i;
  // The second village's 8 x 6 / 2 = 24 lattice edges, fewer if two rewired edges merged.
  EXPECT_LE(undirected_edges(csr), 21U + 24U);
  EXPECT_GT(undirected_edges(csr), 21U);
  // An odd degree is rounded down: k = 5 builds the k = 4 lattice.
  NetworkParams odd = small_world_only(0.0);
  odd.small_world_degree = 5;
  const Layout layout = grid_layout(200, 4);
  const Csr lattice = build_social_network(odd, layout.view(), 1);
  for (std::size_t i = 0; i < lattice.node_count(); ++i)
    ASSERT_EQ(lattice.degree(i), 4U) << i;
}

TEST(SocialNetwork, RewiredShareMatchesRewiringProbability) {
  // Without kinship and inter-village ties every edge is a small-world edge. A rewired
  // edge always lands outside the lattice neighbourhood (Boost redraws until it does), so
  // the share of non-lattice edges estimates the rewiring probability p over
  // N = n k / 2 independent trials: tolerance 4 binomial standard errors
  // sqrt(p (1 - p) / N). (Boost never rewires each village's very first edge, a bias of
  // p / (n_v k / 2) ~ 1e-4, and merged duplicates are rarer still: both far below 1 SE.)
  // This also checks that the engine copies small_world_iterator makes keep advancing:
  // if they repeated one draw, each village would be all rewired or not at all.
  const Layout layout = reference_layout();
  const NetworkParams params = small_world_only(0.08);
  const Csr csr = build_social_network(params, layout.view(), 17);
  const auto half_k = static_cast<std::uint32_t>(params.small_world_degree / 2);
  std::size_t edges = 0;
  std::size_t rewired = 0;
  for (std::uint32_t i = 0; i < csr.node_count(); ++i) {
    const std::size_t v = layout.village_of(i);
    const std::uint32_t first = layout.first_household[v];
    for (const std::uint32_t j : csr.neighbours(i)) {
      if (j <= i) continue;
      ++edges;
      if (ring_distance(i - first, j - first, layout.size(v)) > half_k) ++rewired;
    }
  }
  const double p = params.rewiring;
  const double share = static_cast<double>(rewired) / static_cast<double>(edges);
  const double se = std::sqrt(p * (1.0 - p) / static_cast<double>(edges));
  RecordProperty("rewired_share", std::to_string(share));
  EXPECT_NEAR(share, p, 4.0 * se);
}

TEST(SocialNetwork, KinshipCliquesFollowTheCuttingRule) {
  // With no small world and no inter-village ties the network is the kinship cliques
  // alone: in each village exactly round(share n_v) households have kin, every connected
  // group is complete, and group sizes lie in [2, max + 1] (the last clique may be cut
  // short; a lone leftover joins the clique before it).
  NetworkParams params;
  params.small_world_degree = 0;
  params.inter_village_share = 0.0;
  const Layout layout = reference_layout();
  const Csr csr = build_social_network(params, layout.view(), 23);
  for (std::size_t v = 0; v < layout.villages(); ++v) {
    std::size_t with_kin = 0;
    std::size_t full_size_cliques = 0;
    std::size_t cliques = 0;
    for (std::uint32_t i = layout.first_household[v]; i < layout.first_household[v + 1]; ++i) {
      const auto row = csr.neighbours(i);
      if (row.empty()) continue;
      ++with_kin;
      const std::size_t size = row.size() + 1;
      EXPECT_GE(size, 2U);
      EXPECT_LE(size, static_cast<std::size_t>(params.kinship_max_size) + 1);
      for (const std::uint32_t j : row) {
        ASSERT_EQ(layout.village_of(j), v);
        EXPECT_EQ(csr.degree(j), row.size()) << "clique of " << i << " not complete";
        const auto other = csr.neighbours(j);
        for (const std::uint32_t m : row)
          if (m != j) {
            ASSERT_TRUE(std::binary_search(other.begin(), other.end(), m));
          }
      }
      if (i < row.front()) { // count each clique once, at its lowest member
        ++cliques;
        if (size >= static_cast<std::size_t>(params.kinship_min_size)) ++full_size_cliques;
      }
    }
    EXPECT_EQ(with_kin,
              static_cast<std::size_t>(std::llround(params.kinship_share * layout.size(v))));
    EXPECT_GE(full_size_cliques + 1, cliques) << "only the last clique may be short";
  }
}

TEST(SocialNetwork, InterVillageShareMatchesParameter) {
  // The generator draws I = round(s / (1 - s) E) ties for E intra-village edges, so the
  // share I / (E + I) equals s up to rounding (half an edge) and the ties dropped as
  // duplicates. Two ties coincide with probability at most 2 / (n n_min) (source uniform
  // over n households, target household at most 1 / n_min likely), so the expected number
  // dropped is mu <= I^2 / (n n_min); allow mu + 4 sqrt(mu) + 1 edges.
  const Layout layout = reference_layout();
  const NetworkParams params;
  const Csr csr = build_social_network(params, layout.view(), 31);
  const double total = static_cast<double>(undirected_edges(csr));
  const double inter = static_cast<double>(inter_village_edges(csr, layout));
  const double s = params.inter_village_share;
  const double mu =
      (s * total) * (s * total) / (static_cast<double>(layout.households()) * layout.size(0));
  const double tolerance = (mu + 4.0 * std::sqrt(mu) + 1.0 + 0.5) / total;
  RecordProperty("inter_village_share", std::to_string(inter / total));
  EXPECT_NEAR(inter / total, s, tolerance);
  EXPECT_NEAR(inter / total, s, 0.01); // the brief's coarse bound, implied by the above
}

TEST(SocialNetwork, NoInterVillageTiesWhenShareIsZeroOrOneVillage) {
  NetworkParams params;
  params.inter_village_share = 0.0;
  const Layout layout = reference_layout();
  const Csr csr = build_social_network(params, layout.view(), 8);
  EXPECT_EQ(inter_village_edges(csr, layout), 0U);

  const Layout single = grid_layout(300, 1);
  const Csr one = build_social_network(NetworkParams{}, single.view(), 8);
  expect_csr_invariants(one, 300);
  // With one village the would-be ties are not drawn: the network is the same as with
  // inter_village_share = 0.
  const Csr one_without = build_social_network(params, single.view(), 8);
  EXPECT_EQ(one.targets, one_without.targets);
}

TEST(SocialNetwork, InterVillageTiesPreferNearVillages) {
  // Target villages are drawn with probability proportional to exp(-d / D). The mean tie
  // length must be below the mean distance between village pairs, and match its exact
  // expectation sum_v (n_v / n) sum_t p(t | v) d(v, t) within 4 standard errors
  // (the SD of tie lengths, computed the same way, over sqrt(ties)).
  const Layout layout = reference_layout();
  const NetworkParams params;
  const Csr csr = build_social_network(params, layout.view(), 77);
  double tie_km = 0.0;
  std::size_t ties = 0;
  for (std::uint32_t i = 0; i < csr.node_count(); ++i)
    for (const std::uint32_t j : csr.neighbours(i)) {
      const std::size_t a = layout.village_of(i);
      const std::size_t b = layout.village_of(j);
      if (i < j && a != b) {
        tie_km += layout.distance_km(a, b);
        ++ties;
      }
    }
  ASSERT_GT(ties, 0U);
  const double mean_tie_km = tie_km / static_cast<double>(ties);

  double pair_km = 0.0;
  double expected_km = 0.0;
  double expected_sq_km = 0.0;
  const std::size_t villages = layout.villages();
  const double n = layout.households();
  for (std::size_t v = 0; v < villages; ++v) {
    double weight_sum = 0.0;
    double weighted_km = 0.0;
    double weighted_sq_km = 0.0;
    for (std::size_t t = 0; t < villages; ++t) {
      if (t == v) continue;
      const double d = layout.distance_km(v, t);
      pair_km += d;
      const double w = std::exp(-d / params.inter_village_distance_km);
      weight_sum += w;
      weighted_km += w * d;
      weighted_sq_km += w * d * d;
    }
    expected_km += layout.size(v) / n * weighted_km / weight_sum;
    expected_sq_km += layout.size(v) / n * weighted_sq_km / weight_sum;
  }
  const double mean_pair_km = pair_km / static_cast<double>(villages * (villages - 1));
  const double se_km =
      std::sqrt((expected_sq_km - expected_km * expected_km) / static_cast<double>(ties));
  RecordProperty("mean_tie_km", std::to_string(mean_tie_km));
  RecordProperty("mean_village_pair_km", std::to_string(mean_pair_km));
  EXPECT_LT(mean_tie_km, mean_pair_km);
  EXPECT_NEAR(mean_tie_km, expected_km, 4.0 * se_km);
}

TEST(SocialNetwork, FarVillagesStillGetTies) {
  // Villages thousands of km apart: exp(-d / 10 km) underflows to 0 for every pair, yet
  // the draw stays well defined (weights are taken relative to the nearest village).
  Layout far;
  far.first_household = {0, 100, 200, 300};
  far.x_km = {0.0, 9000.0, 20000.0};
  far.y_km = {0.0, 0.0, 0.0};
  const Csr csr = build_social_network(NetworkParams{}, far.view(), 4);
  expect_csr_invariants(csr, 300);
  EXPECT_GT(inter_village_edges(csr, far), 0U);
}

TEST(SocialNetwork, RejectsInvalidInput) {
  const Layout layout = grid_layout(100, 2);
  NetworkParams params;
  params.rewiring = 1.5;
  EXPECT_THROW((void)build_social_network(params, layout.view(), 1), std::invalid_argument);
  params = NetworkParams{};
  params.inter_village_share = 1.0;
  EXPECT_THROW((void)build_social_network(params, layout.view(), 1), std::invalid_argument);
  params = NetworkParams{};
  params.kinship_min_size = 6;
  params.kinship_max_size = 5;
  EXPECT_THROW((void)build_social_network(params, layout.view(), 1), std::invalid_argument);

  Layout bad = layout;
  bad.x_km.pop_back();
  EXPECT_THROW((void)build_social_network(NetworkParams{}, bad.view(), 1), std::invalid_argument);
  bad = layout;
  bad.first_household = {0, 60, 50};
  EXPECT_THROW((void)build_social_network(NetworkParams{}, bad.view(), 1), std::invalid_argument);
}
