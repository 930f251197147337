#pragma once
// The compressed sparse row (CSR) adjacency structure the households' network is stored in.
// The network layer generates it (src/network/social_network.hpp); everything above reads it.
#include <cstdint>
#include <span>
#include <vector>

namespace minesim {

/// Undirected graph in CSR form: the neighbours of i are targets[offsets[i] .. offsets[i+1]).
/// Every edge appears in both directions; no self-loops, no parallel edges; each row sorted.
struct Csr {
  std::vector<std::uint64_t> offsets; ///< size n + 1
  std::vector<std::uint32_t> targets; ///< size offsets[n] (twice the undirected edge count)

  [[nodiscard]] std::size_t node_count() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  [[nodiscard]] std::size_t degree(std::size_t i) const { return offsets[i + 1] - offsets[i]; }
  [[nodiscard]] std::span<const std::uint32_t> neighbours(std::size_t i) const {
    return {targets.data() + offsets[i], targets.data() + offsets[i + 1]};
  }
};

} // namespace minesim
