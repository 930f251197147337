#include "agents/resident/influence.hpp"

#include <cmath>

namespace minesim {

void influence_step(const Csr& graph, InfluenceKind kind, double epsilon, double mu,
                    std::span<const double> in, std::span<double> out) {
  const auto n = static_cast<std::int64_t>(graph.node_count());
  if (kind == InfluenceKind::degroot) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto nbrs = graph.neighbours(static_cast<std::size_t>(i));
      if (nbrs.empty()) {
        out[i] = in[i];
        continue;
      }
      double sum = 0.0;
      for (const std::uint32_t j : nbrs)
        sum += in[j];
      out[i] = (1.0 - mu) * in[i] + mu * (sum / static_cast<double>(nbrs.size()));
    }
    return;
  }
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const double own = in[i];
    double sum = own; // the household itself is always within its own bound
    double count = 1.0;
    for (const std::uint32_t j : graph.neighbours(static_cast<std::size_t>(i))) {
      if (std::fabs(in[j] - own) <= epsilon) {
        sum += in[j];
        count += 1.0;
      }
    }
    out[i] = (1.0 - mu) * own + mu * (sum / count);
  }
}

} // namespace minesim
