// Line numbers of parsed TOML values (see toml_position.hpp). toml11 keeps, for each value,
// a region of a shared copy of the source text; the offset of the region's start, looked up
// in the sorted offsets of the text's newlines, gives the line.
#include "scenario/toml_position.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace minesim {
namespace {

/// The region toml11 recorded for `v`, or nullptr. toml::detail is toml11's internal API
/// ("not recommended for users"): stable within 3.7, which Debian 12 ships.
const toml::detail::region* region_of(const toml::value& v) {
  return dynamic_cast<const toml::detail::region*>(toml::detail::get_region(v));
}

/// The newline offsets of the last source text looked at by this thread. A cache: loading
/// walks one file's values in turn, so each text is indexed once. It holds the text's
/// shared_ptr, so a pointer is never mistaken for a later text at the same address.
struct NewlineIndex {
  std::shared_ptr<const std::vector<char>> source;
  std::vector<std::size_t> newlines;

  void use(const std::shared_ptr<const std::vector<char>>& text) {
    if (text == source) return;
    source = text;
    newlines.clear();
    for (std::size_t i = 0; i < text->size(); ++i)
      if ((*text)[i] == '\n') newlines.push_back(i);
  }
};

} // namespace

std::size_t toml_offset(const toml::value& v) {
  const toml::detail::region* r = region_of(v);
  if (r == nullptr || !r->is_ok()) return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(r->first() - r->begin());
}

int toml_line(const toml::value& v) {
  const toml::detail::region* r = region_of(v);
  if (r == nullptr || !r->is_ok()) return 0;
  thread_local NewlineIndex index; // batch workers load scenarios on several threads
  index.use(r->source());
  const auto offset = static_cast<std::size_t>(r->first() - r->begin());
  const auto before = std::lower_bound(index.newlines.begin(), index.newlines.end(), offset);
  return static_cast<int>(before - index.newlines.begin()) + 1;
}

} // namespace minesim
