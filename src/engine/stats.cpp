#include "engine/stats.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

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

} // namespace

namespace {

constexpr unsigned digit_bits = 11;
constexpr std::size_t buckets = std::size_t{1} << digit_bits;
constexpr unsigned digits = (64 + digit_bits - 1) / digit_bits;

/// The digit passes of sort_ascending with the work split between the OpenMP threads: each
/// thread counts the digit in its own contiguous part of the array, the offsets are laid out
/// bucket by bucket and, within a bucket, thread by thread, and each thread scatters its part.
/// That is the serial pass's order (stable), so the result does not depend on the threads.
/// `shared_digit` marks the digits that every key shares: their passes are skipped.
void parallel_radix_passes(std::span<double> values, std::span<double> scratch,
                           const std::array<bool, digits>& shared_digit) {
  const std::size_t n = values.size();
  const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());
  // Per thread and bucket: its count, then its offset. Allocated per sort (kilobytes, against
  // a sort of at least 2^16 doubles).
  std::vector<std::uint32_t> offset(max_threads * buckets);
  double* from = values.data();
  double* to = scratch.data();
  for (unsigned d = 0; d < digits; ++d) {
    if (shared_digit[d]) continue;
    const unsigned shift = d * digit_bits;
#pragma omp parallel
    {
      const auto threads = static_cast<std::size_t>(omp_get_num_threads());
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      const std::size_t begin = n * t / threads, end = n * (t + 1) / threads;
      std::uint32_t* const mine = offset.data() + t * buckets;
      std::fill(mine, mine + buckets, 0U);
      for (std::size_t i = begin; i < end; ++i)
        ++mine[(std::bit_cast<std::uint64_t>(from[i]) >> shift) & (buckets - 1)];
#pragma omp barrier
#pragma omp single
      {
        std::uint32_t sum = 0;
        for (std::size_t b = 0; b < buckets; ++b)
          for (std::size_t u = 0; u < threads; ++u) {
            const std::uint32_t here = offset[u * buckets + b];
            offset[u * buckets + b] = sum;
            sum += here;
          }
      }
      for (std::size_t i = begin; i < end; ++i) {
        const auto key = std::bit_cast<std::uint64_t>(from[i]);
        to[mine[(key >> shift) & (buckets - 1)]++] = from[i];
      }
    }
    std::swap(from, to);
  }
  if (from != values.data()) std::copy_n(from, n, values.data());
}

} // namespace

void sort_ascending(std::span<double> values, std::span<double> scratch) {
  const std::size_t n = values.size();
  if (n < 1024) { // small: a comparison sort is faster than the histograms
    std::sort(values.begin(), values.end());
    return;
  }
  if (n >= (std::size_t{1} << 16) && omp_get_max_threads() > 1 && !omp_in_parallel()) {
    // Keys in place, in parallel; a digit is shared when the OR and the AND of all keys
    // agree on it.
    std::uint64_t any = 0, all = ~std::uint64_t{0};
#pragma omp parallel for schedule(static) reduction(| : any) reduction(& : all)
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t key = order_key(values[i]);
      values[i] = std::bit_cast<double>(key);
      any |= key;
      all &= key;
    }
    std::array<bool, digits> shared_digit{};
    for (unsigned d = 0; d < digits; ++d)
      shared_digit[d] = (((any ^ all) >> (d * digit_bits)) & (buckets - 1)) == 0;
    parallel_radix_passes(values, scratch, shared_digit);
  } else {
    std::array<std::array<std::uint32_t, buckets>, digits> count{};
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t key = order_key(values[i]);
      values[i] = std::bit_cast<double>(key); // keys are kept in place while sorting
      for (unsigned d = 0; d < digits; ++d)
        ++count[d][(key >> (d * digit_bits)) & (buckets - 1)];
    }
    // A digit every key shares orders nothing: its pass is skipped.
    std::array<bool, digits> shared_digit{};
    for (unsigned d = 0; d < digits; ++d)
      shared_digit[d] = std::find(count[d].begin(), count[d].end(),
                                  static_cast<std::uint32_t>(n)) != count[d].end();
    double* from = values.data();
    double* to = scratch.data();
    for (unsigned d = 0; d < digits; ++d) {
      if (shared_digit[d]) continue;
      auto& c = count[d];
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
  }
#pragma omp parallel for schedule(static) if (n >= (std::size_t{1} << 16))
  for (std::size_t i = 0; i < n; ++i)
    values[i] = from_order_key(std::bit_cast<std::uint64_t>(values[i]));
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
