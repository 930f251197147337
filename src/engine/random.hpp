#pragma once
// Counter-based random numbers. Every value is a pure function of
// (seed, stream, step, agent, other, draw): no generator state is ever carried between
// calls, so results do not depend on thread count, visiting order or call order.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace minesim {

__extension__ using uint128 = unsigned __int128; // a GNU extension, used for one multiply

/// Purposes of random draws. Each purpose has its own stream so that adding a draw for
/// one purpose never shifts the numbers of another. Values are part of the output's
/// reproducibility promise: append new streams, never renumber.
enum class Stream : std::uint32_t {
  village_position = 1,
  village_assignment = 2,
  mine_position = 3,
  mine_attributes = 4,
  household_attributes = 5,
  network_small_world = 6,
  network_kinship = 7,
  network_inter_village = 8,
  panel_sample = 9,
  damage = 10,
  perception = 11,
  enterprise_strategy = 12,
  establishment = 13,
  mining_jobs = 14,
  green_jobs = 15,
  compensation_queue = 16,
  diffusion = 17,
  participation = 18,
  survey_sample = 19,
  survey_items = 20,
  survey_bootstrap = 21,
  reports = 22,
  petitions = 23,
  detection = 24,
  inspections = 25,
  government_strategy = 26,
  game = 27,
  batch_replicate_seed = 0xBA7C, ///< seeds of a batch's replicates (src/batch)
};

/// A handle on one counter-based stream position: the key (seed, stream) and the counter
/// (step, agent, other). `uniform(k)` is the k-th uniform draw at that position.
class CounterRng {
public:
  CounterRng(std::uint64_t seed, Stream stream, std::uint64_t step, std::uint64_t agent,
             std::uint64_t other = 0) noexcept
      : key_{{seed, static_cast<std::uint64_t>(stream)}}, step_(step), agent_(agent),
        other_(other) {}

  /// Raw 64 random bits: lane k % 4 of Philox4x64-10 block k / 4.
  [[nodiscard]] std::uint64_t bits(std::uint64_t k) const noexcept {
    const r123::Philox4x64::ctr_type ctr{{step_, agent_, other_, k / 4}};
    const auto out = r123::Philox4x64{}(ctr, key_);
    return out.v[k % 4];
  }

  /// The four 64-bit draws 4b .. 4b+3 at once (one Philox evaluation), for loops that need
  /// many consecutive draws.
  [[nodiscard]] std::array<std::uint64_t, 4> block(std::uint64_t b) const noexcept {
    const r123::Philox4x64::ctr_type ctr{{step_, agent_, other_, b}};
    const auto out = r123::Philox4x64{}(ctr, key_);
    return {out.v[0], out.v[1], out.v[2], out.v[3]};
  }

  /// Uniform on the open interval (0, 1), 53 bits of resolution.
  [[nodiscard]] double uniform(std::uint64_t k) const noexcept { return to_uniform(bits(k)); }

  /// The uniform on (0, 1) that `uniform` makes of 64 random bits.
  [[nodiscard]] static double to_uniform(std::uint64_t x) noexcept {
    return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
  }

  /// Uniform on (lo, hi).
  [[nodiscard]] double uniform(std::uint64_t k, double lo, double hi) const noexcept {
    return lo + (hi - lo) * uniform(k);
  }

  /// Integer uniform on [0, n) by Lemire's multiply-shift on 64 bits (bias below 2^-64 n).
  [[nodiscard]] std::uint64_t below(std::uint64_t k, std::uint64_t n) const noexcept {
    return static_cast<std::uint64_t>((static_cast<uint128>(bits(k)) * n) >> 64);
  }

  /// Standard normal by Box-Muller from uniform draws 2k and 2k+1 (written out by hand:
  /// std:: distributions differ between standard libraries).
  [[nodiscard]] double normal(std::uint64_t k) const noexcept {
    const double u1 = uniform(2 * k);
    const double u2 = uniform(2 * k + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }

  /// Lognormal with the given median and standard deviation of the log.
  [[nodiscard]] double lognormal(std::uint64_t k, double median, double sd_log) const noexcept {
    return median * std::exp(sd_log * normal(k));
  }

  /// True with probability p.
  [[nodiscard]] bool bernoulli(std::uint64_t k, double p) const noexcept { return uniform(k) < p; }

private:
  r123::Philox4x64::key_type key_;
  std::uint64_t step_;
  std::uint64_t agent_;
  std::uint64_t other_;
};

/// A uniform random bit generator over a counter-based stream, for library algorithms
/// (Boost.Graph generators) that want an engine. Copies share one draw counter, because
/// some algorithms copy the engine they are given and would otherwise repeat its draws.
class CounterUrbg {
public:
  using result_type = std::uint64_t;
  CounterUrbg(const CounterRng& rng, std::uint64_t& counter) noexcept
      : rng_(rng), counter_(&counter) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  result_type operator()() noexcept { return rng_.bits((*counter_)++); }

private:
  CounterRng rng_;
  std::uint64_t* counter_;
};

} // namespace minesim
