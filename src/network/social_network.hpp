#pragma once
// The households' social network: generated with Boost.Graph (the only place in the project
// that includes it) and stored as a compressed sparse row (CSR) adjacency structure with
// household ids ordered by village, so that neighbours sit close in memory.
#include "engine/csr.hpp"
#include "engine/random.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace minesim {

/// The generator's random streams (numbered before streams had names).
namespace streams {
inline constexpr StreamId network_small_world = numbered_stream(6, "network_small_world");
inline constexpr StreamId network_kinship = numbered_stream(7, "network_kinship");
inline constexpr StreamId network_inter_village = numbered_stream(8, "network_inter_village");
} // namespace streams

/// Parameters of the network generator (docs/odd.md §1.2).
struct NetworkParams {
  std::int64_t small_world_degree = 12; ///< Watts-Strogatz k within a village (even)
  double rewiring = 0.08;               ///< Watts-Strogatz rewiring probability
  double kinship_share = 0.3;           ///< share of households in a kinship clique
  std::int64_t kinship_min_size = 5;    ///< clique size drawn uniformly in [min, max]
  std::int64_t kinship_max_size = 15;
  double inter_village_share = 0.05;       ///< share of all edges that join two villages
  double inter_village_distance_km = 10.0; ///< tie probability to a village ~ exp(-d / this)
};

/// Villages as the generator sees them: village v holds households
/// [first_household[v], first_household[v+1]) and sits at (x_km[v], y_km[v]).
struct VillageLayout {
  std::span<const std::uint32_t> first_household; ///< size villages + 1
  std::span<const double> x_km;
  std::span<const double> y_km;
};

/// Build the network: per village a Watts-Strogatz small world (Boost.Graph's
/// small_world_iterator, seeded per village from `seed`), kinship cliques within villages,
/// and inter-village ties to other villages with probability proportional to
/// exp(-distance / inter_village_distance_km), as many as make `inter_village_share` of all
/// edges. A pure function of its arguments.
[[nodiscard]] Csr build_social_network(const NetworkParams& params, const VillageLayout& villages,
                                       std::uint64_t seed);

} // namespace minesim
