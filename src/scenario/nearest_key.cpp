// "Did you mean ...?" suggestions for unknown keys, tables, actions and choices.
#include "scenario/loader.hpp"

#include <algorithm>
#include <limits>
#include <string_view>
#include <vector>

namespace minesim {
namespace {

/// Optimal-string-alignment distance: Levenshtein plus transposition of two adjacent
/// characters, because swapped letters ("cuont") are the commonest typo in hand-written keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rows suffice: the transposition looks back two rows.
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::string_view last_component(std::string_view s) {
  const auto dot = s.rfind('.');
  return dot == std::string_view::npos ? s : s.substr(dot + 1);
}

/// How far a string may be from a candidate and still be worth suggesting: short names
/// tolerate two edits, longer ones a third of their length.
std::size_t tolerance(std::string_view s) {
  return std::max<std::size_t>(2, s.size() / 3);
}

} // namespace

std::string nearest_key(const std::string& key, std::span<const std::string> candidates) {
  if (key.empty()) return "";
  const std::string_view key_last = last_component(key);
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

  // Both the whole dotted path and its last component are compared: the first catches a
  // typo in the table name ("hosueholds.count"), the second a typo in the key or a key
  // put under the wrong table ("simulation.count"). Ties go to the closer whole path, then
  // to the earlier candidate, so the answer does not depend on anything but the inputs.
  std::size_t best_score = none;
  std::size_t best_full = none;
  const std::string* best = nullptr;
  for (const auto& candidate : candidates) {
    const std::size_t d_full = edit_distance(key, candidate);
    const std::size_t d_last = edit_distance(key_last, last_component(candidate));
    const bool full_close = d_full <= tolerance(key);
    const bool last_close = d_last <= tolerance(key_last);
    if (!full_close && !last_close) continue;
    const std::size_t score = std::min(full_close ? d_full : none, last_close ? d_last : none);
    if (score < best_score || (score == best_score && d_full < best_full)) {
      best_score = score;
      best_full = d_full;
      best = &candidate;
    }
  }
  return best ? *best : std::string{};
}

} // namespace minesim
