#include "agents/game/tripartite.hpp"

#include <algorithm>

namespace minesim {

Shares payoff_differences(const GameParams& g, const Shares& s) {
  const double x = s[0], y = s[1], z = s[2];
  const double dE =
      g.Be - g.Ce + y * (g.F * g.pg + g.Sb - g.F * g.pg * g.pr * z) + z * g.pr * (g.F + g.Le);
  const double dG = -g.Cg + g.Q + g.F * g.pg - x * (g.F * g.pg + g.Sb) +
                    x * z * g.pr * (g.F * g.pg - g.Ph) + z * g.pr * (g.Ph - g.F * g.pg);
  const double dR = -g.Cr + g.V + g.pr * (g.W + g.K) * (1.0 - x);
  return {dE, dG, dR};
}

Shares replicator_rate(const GameParams& g, const Shares& s) {
  const Shares d = payoff_differences(g, s);
  return {s[0] * (1.0 - s[0]) * d[0], s[1] * (1.0 - s[1]) * d[1], s[2] * (1.0 - s[2]) * d[2]};
}

Shares rk4_step(const GameParams& g, const Shares& s, double dt) {
  const auto add = [](const Shares& a, const Shares& b, double h) {
    return Shares{a[0] + h * b[0], a[1] + h * b[1], a[2] + h * b[2]};
  };
  const Shares k1 = replicator_rate(g, s);
  const Shares k2 = replicator_rate(g, add(s, k1, dt / 2));
  const Shares k3 = replicator_rate(g, add(s, k2, dt / 2));
  const Shares k4 = replicator_rate(g, add(s, k3, dt));
  Shares out{};
  for (std::size_t k = 0; k < 3; ++k)
    out[k] = s[k] + dt / 6.0 * (k1[k] + 2.0 * k2[k] + 2.0 * k3[k] + k4[k]);
  return out;
}

double copy_probability(double advantage, double delta_max) {
  return std::min(1.0, std::max(0.0, advantage) / delta_max);
}

} // namespace minesim
