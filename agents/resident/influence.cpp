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

void influence_step_all(const Csr& graph, InfluenceKind kind, double epsilon,
                        const std::array<double, latent_count>& mu, std::span<const double> in,
                        std::array<std::vector<double>, latent_count>& out) {
  constexpr std::size_t w = latent_count;
  const auto n = static_cast<std::int64_t>(graph.node_count());
  const double* const x = in.data();
  if (kind == InfluenceKind::degroot) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto nbrs = graph.neighbours(static_cast<std::size_t>(i));
      const double* const own = x + w * static_cast<std::size_t>(i);
      if (nbrs.empty()) {
        for (std::size_t l = 0; l < w; ++l)
          out[l][i] = own[l];
        continue;
      }
      std::array<double, w> sum{};
      for (const std::uint32_t j : nbrs) {
        const double* const theirs = x + w * j;
        for (std::size_t l = 0; l < w; ++l)
          sum[l] += theirs[l];
      }
      const auto degree = static_cast<double>(nbrs.size());
      for (std::size_t l = 0; l < w; ++l)
        out[l][i] = (1.0 - mu[l]) * own[l] + mu[l] * (sum[l] / degree);
    }
    return;
  }
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const double* const own = x + w * static_cast<std::size_t>(i);
    std::array<double, w> sum{};
    std::array<double, w> count{};
    for (std::size_t l = 0; l < w; ++l) {
      sum[l] = own[l]; // the household itself is always within its own bound
      count[l] = 1.0;
    }
    for (const std::uint32_t j : graph.neighbours(static_cast<std::size_t>(i))) {
      const double* const theirs = x + w * j;
      for (std::size_t l = 0; l < w; ++l) {
        if (std::fabs(theirs[l] - own[l]) <= epsilon) {
          sum[l] += theirs[l];
          count[l] += 1.0;
        }
      }
    }
    for (std::size_t l = 0; l < w; ++l)
      out[l][i] = (1.0 - mu[l]) * own[l] + mu[l] * (sum[l] / count[l]);
  }
}

} // namespace minesim
