#pragma once
// Parallel loops whose results do not depend on the thread count. Sums over agents are
// taken in fixed chunks, each summed serially, and the chunk totals are combined in chunk
// order: the floating-point result is the same for 1 thread or 64. Collections keep index
// order (collect_in_order), and the two-thread sorts give the serial order for a total order.
#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace minesim {

/// Number of agents summed serially in one chunk. Part of the reproducibility promise:
/// changing it changes the last bits of every mean.
inline constexpr std::size_t sum_chunk = 4096;

inline std::size_t chunk_count(std::size_t n) {
  return (n + sum_chunk - 1) / sum_chunk;
}

/// Scratch space for deterministic sums, allocated once and reused every step.
class ChunkedSum {
public:
  /// Reserve room for sums over n agents of up to `width` quantities at once.
  void reserve(std::size_t n, std::size_t width) { partial_.assign(chunk_count(n) * width, 0.0); }

  /// Sum f(i) over i in [0, n). f must be a pure function of i.
  template <class F> double sum(std::size_t n, F&& f) {
    const std::size_t chunks = chunk_count(n);
    grow(chunks);
#pragma omp parallel for schedule(static)
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t end = std::min(n, (c + 1) * sum_chunk);
      double s = 0.0;
      for (std::size_t i = c * sum_chunk; i < end; ++i)
        s += f(i);
      partial_[c] = s;
    }
    double total = 0.0;
    for (std::size_t c = 0; c < chunks; ++c)
      total += partial_[c];
    return total;
  }

  /// Sum `out.size()` quantities at once: f(i, acc) adds agent i's contributions into the
  /// span acc (of out.size() entries). Cheaper than several passes over the agents.
  template <class F> void sum_many(std::size_t n, std::span<double> out, F&& f) {
    const std::size_t width = out.size();
    const std::size_t chunks = chunk_count(n);
    grow(chunks * width);
#pragma omp parallel for schedule(static)
    for (std::size_t c = 0; c < chunks; ++c) {
      std::span<double> acc(partial_.data() + c * width, width);
      std::fill(acc.begin(), acc.end(), 0.0);
      const std::size_t end = std::min(n, (c + 1) * sum_chunk);
      for (std::size_t i = c * sum_chunk; i < end; ++i)
        f(i, acc);
    }
    std::fill(out.begin(), out.end(), 0.0);
    for (std::size_t c = 0; c < chunks; ++c)
      for (std::size_t k = 0; k < width; ++k)
        out[k] += partial_[c * width + k];
  }

private:
  void grow(std::size_t size) {
    if (partial_.size() < size) partial_.resize(size); // only before the first step
  }
  std::vector<double> partial_;
};

/// Number of indices tested serially in one chunk of collect_in_order.
inline constexpr std::size_t collect_chunk = 16384;

/// The indices i in [0, n) with keep(i), in increasing order, found in parallel. Each chunk
/// of collect_chunk indices counts its kept indices; the counts give every chunk its first
/// rank; make_room(total) is called once; then emit(rank, i) for each kept index, rank
/// 0, 1, ... in index order. The calls and ranks are the serial loop's for any thread count.
/// keep must be a pure function of i; emit(rank, i) is called concurrently for distinct
/// ranks. `first` is scratch, reused between calls. Returns the number kept.
template <class Keep, class MakeRoom, class Emit>
std::size_t collect_in_order(std::size_t n, std::vector<std::size_t>& first, Keep&& keep,
                             MakeRoom&& make_room, Emit&& emit) {
  const std::size_t chunks = (n + collect_chunk - 1) / collect_chunk;
  if (first.size() < chunks + 1) first.resize(chunks + 1); // only before the first step
#pragma omp parallel for schedule(static)
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t end = std::min(n, (c + 1) * collect_chunk);
    std::size_t kept = 0;
    for (std::size_t i = c * collect_chunk; i < end; ++i)
      kept += keep(i) ? 1 : 0;
    first[c + 1] = kept;
  }
  first[0] = 0;
  for (std::size_t c = 0; c < chunks; ++c)
    first[c + 1] += first[c];
  const std::size_t total = first[chunks];
  make_room(total);
#pragma omp parallel for schedule(static)
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t end = std::min(n, (c + 1) * collect_chunk);
    std::size_t rank = first[c];
    for (std::size_t i = c * collect_chunk; i < end; ++i)
      if (keep(i)) emit(rank++, i);
  }
  return total;
}

/// Sort `values` on two threads: `sort_half(half, its part of scratch)` sorts each half by
/// `less` at once, then each thread merges half of the output into `scratch` (at least
/// values.size() elements; the split found by binary search, ties taken from the first half
/// first, as a stable merge takes them), which is copied back.
template <class T, class SortHalf, class Less>
void sort_two_halves(std::span<T> values, std::span<T> scratch, SortHalf sort_half, Less less) {
  const std::size_t n = values.size();
  const std::size_t half = n / 2;
  const std::span<T> a = values.first(half), b = values.subspan(half);
#pragma omp parallel sections num_threads(2)
  {
#pragma omp section
    sort_half(a, scratch.first(half));
#pragma omp section
    sort_half(b, scratch.subspan(half, n - half));
  }
  // Where a merge has taken `half` elements: `split` of them from a, the rest from b.
  std::size_t lo = half > b.size() ? half - b.size() : 0, hi = std::min(half, a.size());
  while (lo < hi) {
    const std::size_t i = lo + (hi - lo) / 2; // is a[i] among the first `half`?
    if (!less(b[half - i - 1], a[i]))
      lo = i + 1;
    else
      hi = i;
  }
  const std::size_t split = lo;
  const auto merge = [&](std::span<const T> x, std::span<const T> y, T* out) {
    std::merge(x.begin(), x.end(), y.begin(), y.end(), out, less); // ties from x first
  };
#pragma omp parallel sections num_threads(2)
  {
#pragma omp section
    merge(a.first(split), b.first(half - split), scratch.data());
#pragma omp section
    merge(a.subspan(split), b.subspan(half - split), scratch.data() + half);
  }
  std::copy_n(scratch.data(), n, values.data());
}

/// Sort `values` by `less` (a strict weak order) using `scratch` (at least values.size()
/// elements) instead of allocating: from 2^14 elements, with two threads or more and outside
/// a parallel region, by sort_two_halves with std::sort. For a total order (no two elements
/// equivalent) the result is std::sort's for any thread count; otherwise equivalent
/// elements may come in another order.
template <class T, class Less>
void sort_with_scratch(std::span<T> values, std::span<T> scratch, Less less) {
  if (values.size() < (std::size_t{1} << 14) || omp_get_max_threads() < 2 || omp_in_parallel()) {
    std::sort(values.begin(), values.end(), less);
    return;
  }
  sort_two_halves(
      values, scratch,
      [&](std::span<T> half, std::span<T>) { std::sort(half.begin(), half.end(), less); }, less);
}

} // namespace minesim
