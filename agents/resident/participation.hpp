#pragma once
// Public participation and information (docs/odd.md §3.8, §3.10): who takes part this month,
// hearings, information diffusion over the network and forgetting. Pure functions.
#include <algorithm>
#include <cstdint>

namespace minesim {

/// [participation] parameters.
struct ParticipationParams {
  double intercept = -2.0;                  ///< logit of participating
  double restoration_expectation = 2.5;     ///< weight of R
  double neighbours = 2.0;                  ///< weight of the participating share of neighbours
  double cost = 0.5;                        ///< participation cost (logit units)
  std::int64_t hearing_interval_months = 6; ///< hearings per local government
  double hearing_information_gain = 0.2;    ///< attendees gain this share of (1 - informed)
  double diffusion_from_participant = 0.35; ///< chance a month to learn from a participating
                                            ///< neighbour (Banerjee et al., Science 2013)
  double diffusion_from_other = 0.05;       ///< and from one who does not participate
  double diffusion_learning = 0.2;          ///< share of the information gap learnt
  double forgetting_per_month = 0.02;       ///< information decays by this share a month
};

/// [policy] parameters of compensation policy.
struct PolicyParams {
  bool adaptive_compensation = false; ///< raise generosity where the negotiation index is low
  double ni_threshold = 0.5;
  double ni_adjustment = 0.05;
};

/// Probability of participating this month: logistic(intercept + b_R R + b_n share - cost).
[[nodiscard]] double participation_probability(const ParticipationParams& p, double R,
                                               double participating_neighbour_share);

/// Information after a hearing: informed + gain * (1 - informed).
[[nodiscard]] double after_hearing(double informed, double gain);

/// Information learnt from a neighbour: learning * max(0, informed_j - informed_i).
/// Inline: it runs once per tie and month.
[[nodiscard]] inline double learnt_from(double informed_self, double informed_neighbour,
                                        double learning) {
  return learning * std::max(0.0, informed_neighbour - informed_self);
}

} // namespace minesim
