#pragma once
// The canonical tripartite evolutionary game of mine restoration (docs/odd.md §3.12, game mode):
// enterprises (x: share restoring), local governments (y: share strict) and residents (z:
// share monitoring), their payoff differences and the replicator equations.
#include <array>
#include <cstdint>

namespace minesim {

/// [game] parameters. The defaults are the convergent parameter set of docs/odd.md §3.12.
struct GameParams {
  bool tripartite = false;             ///< game mode: run the game instead of the region model
  std::int64_t population = 10000;     ///< members of each population
  double revision_rate = 0.1;          ///< share of each population that revises each step
  double delta_max = 40.0;             ///< payoff difference that makes copying certain
  double x0 = 0.5, y0 = 0.5, z0 = 0.5; ///< initial shares
  double Ce = 10, Be = 2, Sb = 3, F = 20, Le = 5, pg = 0.6, pr = 0.3, Cg = 4, Ph = 8, W = 1, Cr = 1,
         K = 2, Q = 8, V = 1.5;
};

using Shares = std::array<double, 3>; ///< x, y, z

/// Payoff differences (restore - not, strict - lax, monitor - not) at shares s.
[[nodiscard]] Shares payoff_differences(const GameParams& g, const Shares& s);

/// Replicator dynamics: dx/dt = x(1-x) dE, dy/dt = y(1-y) dG, dz/dt = z(1-z) dR.
[[nodiscard]] Shares replicator_rate(const GameParams& g, const Shares& s);

/// One classical fourth-order Runge-Kutta step of the replicator equations.
[[nodiscard]] Shares rk4_step(const GameParams& g, const Shares& s, double dt);

/// Probability that a revising member copies a member of the other strategy, whose payoff is
/// higher by `advantage`: max(0, advantage) / delta_max (at most 1).
[[nodiscard]] double copy_probability(double advantage, double delta_max);

} // namespace minesim
