#include "engine/stats.hpp"

#include "engine/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace minesim {
namespace {

constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;

/// Unsigned integer whose order is the order of the doubles (negative values reversed).
std::uint64_t order_key(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits & sign_bit) != 0 ? ~bits : bits | sign_bit;
}

double from_order_key(std::uint64_t key) {
  return std::bit_cast<double>((key & sign_bit) != 0 ? key & ~sign_bit : ~key);
}

/// Sum of (2i - n - 1) x_(i) and of x over values sorted ascending, in index order.
double gini_of_sorted(std::span<const double> values) {
  const std::size_t n = values.size();
  double weighted = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    weighted += (2.0 * static_cast<double>(i + 1) - static_cast<double>(n) - 1.0) * values[i];
    total += values[i];
  }
  if (total <= 0.0) return 0.0;
  return weighted / (static_cast<double>(n) * total);
}

/// The sort of sort_ascending on one thread: a least-significant-digit radix sort.
void serial_sort_ascending(std::span<double> values, std::span<double> scratch) {
  const std::size_t n = values.size();
  if (n < 1024) { // small: a comparison sort is faster than the histograms
    std::sort(values.begin(), values.end());
    return;
  }
  constexpr unsigned digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  constexpr unsigned digits = (64 + digit_bits - 1) / digit_bits;
  std::array<std::array<std::uint32_t, buckets>, digits> count{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = order_key(values[i]);
    values[i] = std::bit_cast<double>(key); // keys are kept in place while sorting
    for (unsigned d = 0; d < digits; ++d)
      ++count[d][(key >> (d * digit_bits)) & (buckets - 1)];
  }
  double* from = values.data();
  double* to = scratch.data();
  for (unsigned d = 0; d < digits; ++d) {
    auto& c = count[d];
    // A digit every key shares orders nothing: skip its pass.
    if (std::find(c.begin(), c.end(), static_cast<std::uint32_t>(n)) != c.end()) continue;
    std::uint32_t sum = 0;
    for (auto& k : c) {
      const std::uint32_t here = k;
      k = sum;
      sum += here;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto key = std::bit_cast<std::uint64_t>(from[i]);
      to[c[(key >> (d * digit_bits)) & (buckets - 1)]++] = from[i];
    }
    std::swap(from, to);
  }
  if (from != values.data()) std::copy_n(from, n, values.data());
  for (std::size_t i = 0; i < n; ++i)
    values[i] = from_order_key(std::bit_cast<std::uint64_t>(values[i]));
}

} // namespace

void sort_ascending(std::span<double> values, std::span<double> scratch) {
  const std::size_t n = values.size();
  if (n < (std::size_t{1} << 19) || omp_get_max_threads() < 2 || omp_in_parallel()) {
    serial_sort_ascending(values, scratch);
    return;
  }
  // Two threads sort a half each, then merge their halves, each producing half of the
  // output. The sorted sequence is unique (keys order every bit pattern), so it is the
  // serial sort's, for any number of threads.
  sort_two_halves(values, scratch, serial_sort_ascending, [](double x, double y) {
    return order_key(x) < order_key(y); // so -0 before +0, as the radix sort orders them
  });
}

double quantile_sorted(std::span<const double> sorted, double p) {
  const std::size_t n = sorted.size();
  if (n == 0) return 0.0;
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const double x_lo = sorted[lo];
  if (lo + 1 >= n) return x_lo;
  const double x_hi = sorted[lo + 1];
  return x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
}

void quantiles_selected(std::span<const double> values, std::span<const double> probabilities,
                        std::span<double> out, std::span<double> gathered,
                        std::span<double> sort_scratch, SelectionScratch& scratch) {
  constexpr std::size_t max_probabilities = 8;
  if (probabilities.size() > max_probabilities || out.size() != probabilities.size())
    throw std::invalid_argument("quantiles_selected: at most 8 probabilities, one output each");
  const std::size_t n = values.size();
  constexpr unsigned bucket_bits = 16;
  constexpr std::size_t buckets = std::size_t{1} << bucket_bits;
  if (n < buckets) { // small: sorting a copy is as fast
    std::copy(values.begin(), values.end(), gathered.begin());
    const std::span<double> sorted = gathered.first(n);
    sort_ascending(sorted, sort_scratch);
    for (std::size_t k = 0; k < probabilities.size(); ++k)
      out[k] = quantile_sorted(sorted, probabilities[k]);
    return;
  }
  // The order statistics wanted: ranks lo and lo + 1 of each probability (type 7).
  std::array<std::size_t, 2 * max_probabilities> ranks{};
  std::size_t wanted = 0;
  for (const double p : probabilities) {
    const auto lo = static_cast<std::size_t>(std::floor(static_cast<double>(n - 1) * p));
    ranks[wanted++] = lo;
    ranks[wanted++] = std::min(lo + 1, n - 1);
  }
  // The range of the keys, and each key's bucket: its offset in the range, shifted so that
  // the range fills at most 2^16 buckets. Buckets keep the order of the keys.
  std::uint64_t low = ~std::uint64_t{0}, high = 0;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static) reduction(min : low) reduction(max : high)
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint64_t key = order_key(values[static_cast<std::size_t>(i)]);
    low = std::min(low, key);
    high = std::max(high, key);
  }
  const auto width = static_cast<unsigned>(std::bit_width(high - low));
  const unsigned shift = width > bucket_bits ? width - bucket_bits : 0;
  const auto bucket_of = [&](double x) {
    return static_cast<std::size_t>((order_key(x) - low) >> shift);
  };
  // Whole-number counts per thread, added up: the same totals for any thread count.
  const auto threads = static_cast<std::size_t>(omp_get_max_threads());
  if (scratch.histogram.size() < threads * buckets) scratch.histogram.resize(threads * buckets);
  std::size_t used = 1;
#pragma omp parallel
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
#pragma omp single
    used = static_cast<std::size_t>(omp_get_num_threads());
    std::uint32_t* const mine = scratch.histogram.data() + t * buckets;
    std::fill(mine, mine + buckets, 0U);
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < count; ++i)
      ++mine[bucket_of(values[static_cast<std::size_t>(i)])];
  }
  std::uint32_t* const total = scratch.histogram.data();
  for (std::size_t t = 1; t < used; ++t)
    for (std::size_t b = 0; b < buckets; ++b)
      total[b] += scratch.histogram[t * buckets + b];
  // One walk over the buckets with the ranks in ascending order marks the buckets that hold
  // them and finds each rank's position among the gathered values once they are sorted:
  // the values of the wanted buckets below its bucket, then its rank within the bucket.
  std::array<std::size_t, 2 * max_probabilities> order{}, position{};
  for (std::size_t k = 0; k < wanted; ++k)
    order[k] = k;
  std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(wanted),
            [&](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
  scratch.wanted.assign(buckets, 0);
  std::size_t below = 0, b = 0, gathered_below = 0;
  for (std::size_t j = 0; j < wanted; ++j) {
    const std::size_t k = order[j];
    while (below + total[b] <= ranks[k]) {
      if (scratch.wanted[b] != 0) gathered_below += total[b];
      below += total[b++];
    }
    scratch.wanted[b] = 1;
    position[k] = gathered_below + (ranks[k] - below);
  }
  // Gather the wanted buckets' values, in index order, and sort them.
  const std::size_t kept = collect_in_order(
      n, scratch.chunk_first,
      [&](std::size_t i) { return scratch.wanted[bucket_of(values[i])] != 0; }, [](std::size_t) {},
      [&](std::size_t rank, std::size_t i) { gathered[rank] = values[i]; });
  const std::span<double> sorted = gathered.first(kept);
  sort_ascending(sorted, sort_scratch);
  const auto value_of_rank = [&](std::size_t k) { return sorted[position[k]]; };
  for (std::size_t k = 0; k < probabilities.size(); ++k) {
    // quantile_sorted's interpolation, with its order statistics.
    const double h = static_cast<double>(n - 1) * probabilities[k];
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const double x_lo = value_of_rank(2 * k);
    if (lo + 1 >= n) {
      out[k] = x_lo;
      continue;
    }
    const double x_hi = value_of_rank(2 * k + 1);
    out[k] = x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
  }
}

double gini_inplace(std::span<double> values, std::span<double> scratch) {
  if (values.size() < 2) return 0.0;
  sort_ascending(values, scratch);
  return gini_of_sorted(values);
}

double quantile_inplace(std::span<double> values, double p) {
  const std::size_t n = values.size();
  if (n == 0) return 0.0;
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double x_lo = values[lo];
  if (lo + 1 >= n) return x_lo;
  // The next order statistic is the smallest value above position lo.
  const double x_hi =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
}

double median_inplace(std::span<double> values) {
  return quantile_inplace(values, 0.5);
}

double gini_inplace(std::span<double> values) {
  const std::size_t n = values.size();
  if (n < 2) return 0.0;
  std::sort(values.begin(), values.end());
  return gini_of_sorted(values);
}

PairedStats paired_stats(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument("paired samples of different lengths");
  }
  PairedStats out;
  out.pairs = a.size();
  if (out.pairs == 0) return out;
  const auto n = static_cast<double>(out.pairs);
  double sum_a = 0.0;
  double sum_b = 0.0;
  double sum_difference = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum_a += a[i];
    sum_b += b[i];
    sum_difference += a[i] - b[i];
  }
  out.mean_a = sum_a / n;
  out.mean_b = sum_b / n;
  out.mean_difference = sum_difference / n;
  if (out.pairs < 2) return out;
  double squares = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double deviation = (a[i] - b[i]) - out.mean_difference;
    squares += deviation * deviation;
  }
  out.standard_error = std::sqrt(squares / (n - 1.0) / n);
  return out;
}

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

} // namespace minesim
