// The households' social network (docs/odd.md §1.2). The only file in the project that
// includes Boost.Graph: the generators and the CSR construction live here, and what leaves
// this file is the plain `Csr` the engine iterates over.
//
// Construction, and why it is deterministic:
//   1. Per village (in parallel; each village writes only its own edge list):
//      a Watts-Strogatz small world from boost::small_world_iterator, driven by a
//      CounterUrbg on streams::network_small_world at agent = village index, and kinship
//      cliques from streams::network_kinship. Every draw is a pure function of
//      (seed, stream, village or household id, draw index), never of thread or order.
//   2. Inter-village ties on streams::network_inter_village, agent = tie index e. The ties
//      are grouped by source village so that the exp(-d / D) cumulative weights over the
//      other villages are computed once per source village, in O(villages) memory per
//      thread: O(ties + source villages x villages) time, never O(villages^2) memory.
//   3. All undirected edges are kept as sorted, unique 64-bit keys (low id, high id), then
//      expanded to both directions and handed to Boost's compressed_sparse_row_graph; its
//      rows are copied, each sorted ascending, into `Csr`.
//
// Counter layout (the reproducibility promise; do not renumber):
//   network_small_world   step 0, agent = village, other 0: the small_world_iterator engine
//   network_kinship       step 0, agent = household, other 0, draw 0: the member key
//   network_kinship       step 0, agent = village,   other 1, draw j: the j-th clique size
//   network_inter_village step 0, agent = tie e,     other 0: draw 0 source household,
//                         draw 1 target village, draw 2 target household
#include "network/social_network.hpp"

#include "engine/random.hpp"

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/small_world_generator.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/transform_iterator.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace minesim {
namespace {

/// An undirected edge {a, b} as (min << 32) | max: sorting keys sorts edges by (low, high)
/// id, and equal edges have equal keys whatever the direction they were drawn in.
using EdgeKey = std::uint64_t;

/// Marks a drawn inter-village tie that could not be placed (no other village has
/// households); removed before deduplication.
constexpr EdgeKey no_edge = std::numeric_limits<EdgeKey>::max();

EdgeKey edge_key(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t lo = std::min(a, b);
  const std::uint32_t hi = std::max(a, b);
  return (static_cast<EdgeKey>(lo) << 32) | hi;
}
std::uint32_t key_low(EdgeKey key) {
  return static_cast<std::uint32_t>(key >> 32);
}
std::uint32_t key_high(EdgeKey key) {
  return static_cast<std::uint32_t>(key & 0xffffffffU);
}

/// Directed CSR with 32-bit vertex ids (as `Csr::targets`) and 64-bit edge offsets (as
/// `Csr::offsets`): 2 x 7.5 M directed edges at 10^6 households overflow nothing.
using CsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                       boost::no_property, std::uint32_t, std::uint64_t>;

/// Rejects parameters and layouts the generator cannot honour. These are preconditions (the
/// scenario loader reports bad user input with file and line), hence std::invalid_argument.
void validate(const NetworkParams& params, const VillageLayout& villages) {
  const auto fail = [](const std::string& what) {
    throw std::invalid_argument("build_social_network: " + what);
  };
  if (params.small_world_degree < 0) fail("small_world_degree must be >= 0");
  if (!(params.rewiring >= 0.0 && params.rewiring <= 1.0)) fail("rewiring must be in [0, 1]");
  if (!(params.kinship_share >= 0.0 && params.kinship_share <= 1.0))
    fail("kinship_share must be in [0, 1]");
  if (params.kinship_min_size < 2) fail("kinship_min_size must be >= 2");
  if (params.kinship_max_size < params.kinship_min_size)
    fail("kinship_max_size must be >= kinship_min_size");
  if (!(params.inter_village_share >= 0.0 && params.inter_village_share < 1.0))
    fail("inter_village_share must be in [0, 1)");
  if (!(params.inter_village_distance_km > 0.0) || !std::isfinite(params.inter_village_distance_km))
    fail("inter_village_distance_km must be finite and > 0");

  if (villages.first_household.empty()) fail("first_household must hold villages + 1 entries");
  const std::size_t village_count = villages.first_household.size() - 1;
  if (villages.x_km.size() != village_count || villages.y_km.size() != village_count)
    fail("x_km and y_km must hold one entry per village");
  if (villages.first_household.front() != 0) fail("first_household must start at 0");
  if (!std::is_sorted(villages.first_household.begin(), villages.first_household.end()))
    fail("first_household must be non-decreasing");
  for (std::size_t v = 0; v < village_count; ++v)
    if (!std::isfinite(villages.x_km[v]) || !std::isfinite(villages.y_km[v]))
      fail("village coordinates must be finite");
}

/// Watts-Strogatz degree actually used in a village of `households`: at most
/// households - 1 (a ring cannot hold more neighbours), rounded down to even (the lattice
/// links k / 2 neighbours on each side).
std::uint32_t effective_degree(std::int64_t degree, std::uint32_t households) {
  if (households < 2) return 0;
  const auto k = std::min<std::int64_t>(degree, households - 1);
  return static_cast<std::uint32_t>(k - k % 2);
}

/// Adds the village's Watts-Strogatz edges (global ids) to `out`.
void add_small_world_edges(const NetworkParams& params, std::uint32_t first,
                           std::uint32_t households, std::uint64_t village, std::uint64_t seed,
                           std::vector<EdgeKey>& out) {
  const std::uint32_t k = effective_degree(params.small_world_degree, households);
  if (k < 2) return;
  // With k = households - 1 the lattice is already the complete graph: a rewired edge
  // would have no admissible endpoint, and small_world_iterator would loop forever looking
  // for one. Rewiring a complete graph changes nothing anyway.
  const double rewiring = (k + 1 >= households) ? 0.0 : params.rewiring;

  // The iterator copies the engine into a uniform_01 at every step and assigns it back;
  // CounterUrbg copies share this one counter, so every step gets fresh draws.
  std::uint64_t draws = 0;
  CounterUrbg engine(CounterRng(seed, streams::network_small_world, 0, village), draws);
  using Iterator = boost::small_world_iterator<CounterUrbg, CsrGraph>;
  // small_world_iterator is a single-pass input iterator: consume it once, here.
  for (Iterator it(engine, households, k, rewiring), end; it != end; ++it) {
    const std::uint32_t a = first + it->first;
    const std::uint32_t b = first + it->second;
    if (a != b) out.push_back(edge_key(a, b));
  }
}

/// Adds the village's kinship cliques to `out`. The first round(kinship_share x households)
/// households in random-key order are cut into consecutive cliques of sizes uniform in
/// [kinship_min_size, kinship_max_size]. The last clique takes whatever remains when the
/// drawn size reaches or exceeds it (so it may be smaller than kinship_min_size, but holds
/// at least 2), and when a draw would leave exactly one household over, that household
/// joins the clique being cut (which may then hold kinship_max_size + 1): nobody selected
/// is left without kin.
void add_kinship_edges(const NetworkParams& params, std::uint32_t first, std::uint32_t households,
                       std::uint64_t village, std::uint64_t seed, std::vector<EdgeKey>& out) {
  const auto members = static_cast<std::size_t>(
      std::llround(params.kinship_share * static_cast<double>(households)));
  if (members < 2) return;

  // Random-key order; the household id breaks (astronomically unlikely) key ties so the
  // order is total and the selection does not depend on the sort algorithm.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order(households);
  for (std::uint32_t i = 0; i < households; ++i) {
    const std::uint32_t h = first + i;
    order[i] = {CounterRng(seed, streams::network_kinship, 0, h).bits(0), h};
  }
  const auto selected_end = order.begin() + static_cast<std::ptrdiff_t>(members);
  std::partial_sort(order.begin(), selected_end, order.end());

  const CounterRng sizes(seed, streams::network_kinship, 0, village, 1);
  const auto min_size = static_cast<std::uint64_t>(params.kinship_min_size);
  const auto size_span = static_cast<std::uint64_t>(params.kinship_max_size) - min_size + 1;
  std::size_t start = 0;
  for (std::uint64_t draw = 0; start < members; ++draw) {
    const std::size_t remaining = members - start;
    auto size = static_cast<std::size_t>(min_size + sizes.below(draw, size_span));
    if (size + 1 >= remaining) size = remaining; // last clique, or absorb a lone remainder
    for (std::size_t i = start; i < start + size; ++i)
      for (std::size_t j = i + 1; j < start + size; ++j)
        out.push_back(edge_key(order[i].second, order[j].second));
    start += size;
  }
}

/// All intra-village edges, sorted and unique. Village v's keys all lie in
/// [first[v], first[v+1]) x [first[v], first[v+1]), so concatenating the per-village sorted
/// lists in village order gives a globally sorted list.
std::vector<EdgeKey> intra_village_edges(const NetworkParams& params, const VillageLayout& villages,
                                         std::uint64_t seed) {
  const std::size_t village_count = villages.first_household.size() - 1;
  std::vector<std::vector<EdgeKey>> per_village(village_count);
#pragma omp parallel for schedule(dynamic, 8)
  for (std::size_t v = 0; v < village_count; ++v) {
    const std::uint32_t first = villages.first_household[v];
    const std::uint32_t households = villages.first_household[v + 1] - first;
    std::vector<EdgeKey>& edges = per_village[v];
    add_small_world_edges(params, first, households, v, seed, edges);
    add_kinship_edges(params, first, households, v, seed, edges);
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  }
  std::size_t total = 0;
  for (const auto& edges : per_village)
    total += edges.size();
  std::vector<EdgeKey> all;
  all.reserve(total);
  for (auto& edges : per_village) {
    all.insert(all.end(), edges.begin(), edges.end());
    std::vector<EdgeKey>().swap(edges); // release as we go: peak memory stays ~1x
  }
  return all;
}

/// Inter-village ties, sorted and unique. As many are drawn as make `inter_village_share`
/// of all edges: count = round(share / (1 - share) x intra_count). Tie e has a source
/// household uniform over all households, a target village among the other villages with
/// households with probability proportional to exp(-distance_km / inter_village_distance_km)
/// and a target household uniform in it. Draws are not repeated: a tie that duplicates an
/// earlier one is simply dropped by the deduplication (with ~10^3 ties over ~10^4 possible
/// household pairs per village pair this loses a negligible fraction; the unit tests bound
/// the resulting share).
std::vector<EdgeKey> inter_village_edges(const NetworkParams& params, const VillageLayout& villages,
                                         std::size_t intra_count, std::uint64_t seed) {
  const std::size_t village_count = villages.first_household.size() - 1;
  const std::uint32_t household_count = villages.first_household.back();
  if (village_count < 2 || household_count == 0 || params.inter_village_share <= 0.0) return {};

  const double share = params.inter_village_share;
  const auto tie_count = static_cast<std::size_t>(
      std::llround(share / (1.0 - share) * static_cast<double>(intra_count)));
  if (tie_count == 0) return {};

  // Draw every tie's source household and bucket the ties by source village (a counting
  // sort: ties stay in ascending e within a bucket).
  const auto& first = villages.first_household;
  std::vector<std::uint32_t> source(tie_count);
  std::vector<std::uint32_t> source_village(tie_count);
  std::vector<std::size_t> bucket_start(village_count + 1, 0);
  for (std::size_t e = 0; e < tie_count; ++e) {
    const CounterRng rng(seed, streams::network_inter_village, 0, e);
    source[e] = static_cast<std::uint32_t>(rng.below(0, household_count));
    // The village holding household h: the last v with first[v] <= h (empty villages skipped
    // because upper_bound lands past all equal starts).
    const auto it = std::upper_bound(first.begin(), first.end(), source[e]);
    source_village[e] = static_cast<std::uint32_t>((it - first.begin()) - 1);
    ++bucket_start[source_village[e] + 1];
  }
  for (std::size_t v = 0; v < village_count; ++v)
    bucket_start[v + 1] += bucket_start[v];
  std::vector<std::size_t> by_village(tie_count);
  {
    std::vector<std::size_t> fill(bucket_start.begin(), bucket_start.end() - 1);
    for (std::size_t e = 0; e < tie_count; ++e)
      by_village[fill[source_village[e]]++] = e;
  }
  std::vector<std::uint32_t>().swap(source_village);

  std::vector<EdgeKey> ties(tie_count, no_edge);
  const double scale_km = params.inter_village_distance_km;
#pragma omp parallel
  {
    // One row of cumulative weights per thread, rebuilt for each source village: O(villages)
    // memory per thread instead of a villages x villages table.
    std::vector<double> cumulative(village_count);
    std::vector<double> distance_km(village_count);
#pragma omp for schedule(dynamic, 4)
    for (std::size_t v = 0; v < village_count; ++v) {
      if (bucket_start[v] == bucket_start[v + 1]) continue;
      // Weights are exp(-(d - d_min) / D): the same distribution as exp(-d / D), but the
      // nearest village weighs 1, so the total cannot underflow to 0 however far apart the
      // villages are. sqrt of a sum of squares (not hypot) is exactly rounded everywhere.
      double nearest_km = std::numeric_limits<double>::infinity();
      for (std::size_t t = 0; t < village_count; ++t) {
        const double dx = villages.x_km[t] - villages.x_km[v];
        const double dy = villages.y_km[t] - villages.y_km[v];
        distance_km[t] = std::sqrt(dx * dx + dy * dy);
        if (t != v && first[t + 1] > first[t]) nearest_km = std::min(nearest_km, distance_km[t]);
      }
      if (!std::isfinite(nearest_km)) continue; // no other village has households: no ties
      double total = 0.0;
      std::size_t last_positive = 0;
      for (std::size_t t = 0; t < village_count; ++t) {
        if (t != v && first[t + 1] > first[t]) {
          const double weight = std::exp(-(distance_km[t] - nearest_km) / scale_km);
          if (weight > 0.0) last_positive = t;
          total += weight;
        }
        cumulative[t] = total;
      }
      for (std::size_t i = bucket_start[v]; i < bucket_start[v + 1]; ++i) {
        const std::size_t e = by_village[i];
        const CounterRng rng(seed, streams::network_inter_village, 0, e);
        // First village whose cumulative weight exceeds u x total: a zero-weight village
        // (v itself, empty ones) has the same cumulative value as its predecessor and so
        // is never the first to exceed. u < 1, but u x total may round up to total.
        const double x = rng.uniform(1) * total;
        auto t = static_cast<std::size_t>(
            std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin());
        if (t >= village_count) t = last_positive;
        const std::uint32_t target =
            first[t] + static_cast<std::uint32_t>(rng.below(2, first[t + 1] - first[t]));
        ties[e] = edge_key(source[e], target);
      }
    }
  }

  ties.erase(std::remove(ties.begin(), ties.end(), no_edge), ties.end());
  std::sort(ties.begin(), ties.end());
  ties.erase(std::unique(ties.begin(), ties.end()), ties.end());
  return ties;
}

/// Maps position i of the directed edge list to an edge: key i / 2 read forwards for even
/// i and backwards for odd i, so the CSR gets both directions without a second copy of the
/// edge list in memory.
struct DirectedEdgeAt {
  const EdgeKey* keys = nullptr;
  std::pair<std::uint32_t, std::uint32_t> operator()(std::size_t i) const {
    const EdgeKey key = keys[i / 2];
    return (i % 2 == 0) ? std::pair{key_low(key), key_high(key)}
                        : std::pair{key_high(key), key_low(key)};
  }
};

/// Builds Boost's CSR from sorted unique undirected keys and copies it into `Csr`.
Csr to_csr(std::vector<EdgeKey> keys, std::uint32_t household_count) {
  const std::size_t directed_count = 2 * keys.size();
  const DirectedEdgeAt at{keys.data()};
  const auto begin = boost::make_transform_iterator(boost::counting_iterator<std::size_t>(0), at);
  const auto end =
      boost::make_transform_iterator(boost::counting_iterator<std::size_t>(directed_count), at);
  // Multi-pass over a lazily expanded list: Boost counts degrees in one pass and places
  // the targets in a second.
  const CsrGraph graph(boost::edges_are_unsorted_multi_pass, begin, end, household_count);
  std::vector<EdgeKey>().swap(keys);

  Csr csr;
  csr.offsets.assign(static_cast<std::size_t>(household_count) + 1, 0);
  csr.targets.reserve(static_cast<std::size_t>(boost::num_edges(graph)));
  for (std::uint32_t v = 0; v < household_count; ++v) {
    const auto [first, last] = boost::adjacent_vertices(v, graph);
    const std::size_t row_start = csr.targets.size();
    csr.targets.insert(csr.targets.end(), first, last);
    // Boost does not promise an order within a row; the engine (and binary search on
    // neighbours) relies on ascending rows.
    std::sort(csr.targets.begin() + static_cast<std::ptrdiff_t>(row_start), csr.targets.end());
    csr.offsets[v + 1] = csr.targets.size();
  }
  return csr;
}

} // namespace

Csr build_social_network(const NetworkParams& params, const VillageLayout& villages,
                         std::uint64_t seed) {
  validate(params, villages);
  const std::uint32_t household_count = villages.first_household.back();

  std::vector<EdgeKey> intra = intra_village_edges(params, villages, seed);
  const std::vector<EdgeKey> inter = inter_village_edges(params, villages, intra.size(), seed);

  // Intra edges join households of one village, inter ties households of two: the lists
  // cannot share an edge, so merging two sorted unique lists keeps the result unique.
  std::vector<EdgeKey> all(intra.size() + inter.size());
  std::merge(intra.begin(), intra.end(), inter.begin(), inter.end(), all.begin());
  std::vector<EdgeKey>().swap(intra);
  return to_csr(std::move(all), household_count);
}

} // namespace minesim
