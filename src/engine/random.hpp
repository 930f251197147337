#pragma once
// Counter-based random numbers. Every value is a pure function of
// (seed, stream, step, agent, other, draw): no generator state is ever carried between
// calls, so results do not depend on thread count, visiting order or call order.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace minesim {

__extension__ using uint128 = unsigned __int128; // a GNU extension, used for one multiply

/// A random stream: the purpose a draw serves. Each purpose has its own stream, so adding a
/// draw for one purpose never shifts the numbers of another. The id is the second word of
/// the Philox key and part of the output's reproducibility promise.
///
/// Streams are declared by the code that draws from them, not here: a module declares
/// `named_stream("rumour")`, whose id is derived from the name, and registers it at start-up
/// (StreamRegistry), which refuses two streams with one id. The streams that existed before
/// streams had names keep their numbers (`numbered_stream`, ids below 2^31); ids derived from
/// names have the top bit set, so the two kinds never meet.
struct StreamId {
  std::uint32_t id = 0;
  std::string_view name;
};

/// The 32-bit FNV-1a hash of `name` with the top bit set: the id of a named stream.
[[nodiscard]] constexpr std::uint32_t stream_id_from_name(std::string_view name) noexcept {
  std::uint32_t hash = 2166136261u;
  for (const char c : name) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  return hash | 0x80000000u;
}

/// A stream whose id is derived from its name.
[[nodiscard]] constexpr StreamId named_stream(std::string_view name) noexcept {
  return {stream_id_from_name(name), name};
}

/// A stream that keeps the number it had before streams were named (below 2^31).
[[nodiscard]] constexpr StreamId numbered_stream(std::uint32_t id, std::string_view name) noexcept {
  return {id, name};
}

/// The streams of one run, registered at start-up by their owners. Two streams with the same
/// id, or one name with two ids, are a programming error caught before any draw.
class StreamRegistry {
public:
  /// Add `stream`, drawn by `owner` (a module's name). Registering the same stream twice is
  /// allowed (two owners may share one); throws std::logic_error on a collision.
  void add(StreamId stream, std::string_view owner) {
    for (const Entry& e : entries_) {
      if (e.stream.id == stream.id && e.stream.name == stream.name) return;
      if (e.stream.id == stream.id)
        throw std::logic_error(std::string("random stream '")
                                   .append(stream.name)
                                   .append("' of ")
                                   .append(owner)
                                   .append(" has the id ")
                                   .append(std::to_string(stream.id))
                                   .append(" of stream '")
                                   .append(e.stream.name)
                                   .append("' of ")
                                   .append(e.owner)
                                   .append("; rename one of them"));
      if (e.stream.name == stream.name)
        throw std::logic_error(std::string("random stream '")
                                   .append(stream.name)
                                   .append("' is registered with two ids"));
    }
    entries_.push_back(Entry{stream, std::string(owner)});
  }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  /// The registered stream called `name`, or nullptr.
  [[nodiscard]] const StreamId* find(std::string_view name) const {
    for (const Entry& e : entries_)
      if (e.stream.name == name) return &e.stream;
    return nullptr;
  }

private:
  struct Entry {
    StreamId stream;
    std::string owner;
  };
  std::vector<Entry> entries_;
};

/// A handle on one counter-based stream position: the key (seed, stream) and the counter
/// (step, agent, other). `uniform(k)` is the k-th uniform draw at that position.
class CounterRng {
public:
  CounterRng(std::uint64_t seed, StreamId stream, std::uint64_t step, std::uint64_t agent,
             std::uint64_t other = 0) noexcept
      : key_{{seed, static_cast<std::uint64_t>(stream.id)}}, step_(step), agent_(agent),
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

  /// 16-bit draws, for the many Bernoulli trials of a loop over ties: draw k is lane k % 16 of
  /// the block block(k / 16), a whole number uniform on [0, 65536). One Philox evaluation
  /// serves 16 trials.
  [[nodiscard]] static std::uint32_t lane16(const std::array<std::uint64_t, 4>& block,
                                            std::uint64_t k) noexcept {
    return static_cast<std::uint32_t>((block[(k % 16) / 4] >> (16 * (k % 4))) & 0xFFFFu);
  }

  /// The threshold t of a Bernoulli trial on 16-bit draws, `lane16(...) < t`: the multiple
  /// of 2^-16 nearest to p, so the trial's probability t / 65536 is within 2^-17 of p.
  [[nodiscard]] static std::uint32_t threshold16(double p) noexcept {
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return 65536;
    return static_cast<std::uint32_t>(std::nearbyint(p * 65536.0));
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
