#pragma once
// Bit-identity of time series, the check behind every determinism test: the same names, the
// same lengths and the same bytes (NaN included, which == would not match).
#include "engine/record.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace minesim::test_support {

inline void expect_same_series(const std::vector<TimeSeries>& a, const std::vector<TimeSeries>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].name, b[k].name);
    ASSERT_EQ(a[k].values.size(), b[k].values.size()) << a[k].name;
    EXPECT_EQ(
        0, std::memcmp(a[k].values.data(), b[k].values.data(), a[k].values.size() * sizeof(double)))
        << a[k].name;
  }
}

} // namespace minesim::test_support
