#pragma once
// Social influence over the network (docs/odd.md §3.9): one synchronous step of DeGroot
// averaging or of the Hegselmann-Krause bounded-confidence rule.
#include "agents/resident/household.hpp"
#include "engine/csr.hpp"

#include <array>
#include <span>

namespace minesim {

enum class InfluenceKind : std::uint8_t { degroot = 0, bounded_confidence = 1 };

/// [influence] parameters.
struct InfluenceParams {
  InfluenceKind kind = InfluenceKind::degroot;
  double epsilon = 0.2; ///< confidence bound of the bounded-confidence rule
  /// Weight of the neighbours' opinion per latent (E, P, C, R, S).
  std::array<double, latent_count> mu{0.05, 0.05, 0.1, 0.05, 0.1};
};

/// out[i] = (1 - mu) in[i] + mu * m_i for every node i, where m_i is
/// - DeGroot: the mean of in[] over i's neighbours;
/// - bounded confidence: the mean of in[j] over i and its neighbours j with
///   |in[j] - in[i]| <= epsilon (Hegselmann-Krause; mu = 1 is the classic rule).
/// A node without neighbours keeps its value. Reads only `in`, so the update is synchronous.
/// Parallel over nodes; the result does not depend on the thread count.
void influence_step(const Csr& graph, InfluenceKind kind, double epsilon, double mu,
                    std::span<const double> in, std::span<double> out);

/// influence_step for all five latents in one pass over the network: `in` holds the latents
/// of household i at [latent_count * i, latent_count * (i + 1)), so one neighbour is one
/// 40-byte read, and out[x][i] is latent x's result. Each latent's value is computed by the
/// same expressions, over neighbours in the same order, as influence_step on that latent
/// alone: the results are bit-identical to five separate calls.
void influence_step_all(const Csr& graph, InfluenceKind kind, double epsilon,
                        const std::array<double, latent_count>& mu, std::span<const double> in,
                        std::array<std::vector<double>, latent_count>& out);

} // namespace minesim
