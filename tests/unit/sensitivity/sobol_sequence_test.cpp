// The Sobol' sequence (src/sensitivity/sobol_sequence.hpp) against scipy's unscrambled
// Sobol' points, which use the same Joe-Kuo direction numbers: the first 32 points exactly,
// and single points at large indices in up to 80 and in the last tabulated dimensions. Then
// the sequence's defining property (each coordinate of the first 2^m points hits every
// interval [j / 2^m, (j + 1) / 2^m) once), the agreement of the recurrence with the direct
// formula, and the range checks.
#include "sensitivity/sobol_sequence.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

using namespace minesim::sensitivity;

namespace {

// scipy 1.10: scipy.stats.qmc.Sobol(8, scramble=False).random_base2(5), printed with repr.
// Dyadic fractions, so the literals are exact.
constexpr double scipy_first_32[32][8] = {
    {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
    {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
    {0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75},
    {0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25},
    {0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875},
    {0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375},
    {0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125},
    {0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625},
    {0.1875, 0.3125, 0.9375, 0.4375, 0.5625, 0.3125, 0.4375, 0.9375},
    {0.6875, 0.8125, 0.4375, 0.9375, 0.0625, 0.8125, 0.9375, 0.4375},
    {0.9375, 0.0625, 0.6875, 0.1875, 0.3125, 0.5625, 0.1875, 0.1875},
    {0.4375, 0.5625, 0.1875, 0.6875, 0.8125, 0.0625, 0.6875, 0.6875},
    {0.3125, 0.1875, 0.3125, 0.5625, 0.9375, 0.4375, 0.0625, 0.0625},
    {0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625},
    {0.5625, 0.4375, 0.0625, 0.8125, 0.1875, 0.6875, 0.3125, 0.8125},
    {0.0625, 0.9375, 0.5625, 0.3125, 0.6875, 0.1875, 0.8125, 0.3125},
    {0.09375, 0.46875, 0.46875, 0.65625, 0.28125, 0.96875, 0.53125, 0.84375},
    {0.59375, 0.96875, 0.96875, 0.15625, 0.78125, 0.46875, 0.03125, 0.34375},
    {0.84375, 0.21875, 0.21875, 0.90625, 0.53125, 0.21875, 0.78125, 0.09375},
    {0.34375, 0.71875, 0.71875, 0.40625, 0.03125, 0.71875, 0.28125, 0.59375},
    {0.46875, 0.09375, 0.84375, 0.28125, 0.15625, 0.84375, 0.90625, 0.21875},
    {0.96875, 0.59375, 0.34375, 0.78125, 0.65625, 0.34375, 0.40625, 0.71875},
    {0.71875, 0.34375, 0.59375, 0.03125, 0.90625, 0.09375, 0.65625, 0.96875},
    {0.21875, 0.84375, 0.09375, 0.53125, 0.40625, 0.59375, 0.15625, 0.46875},
    {0.15625, 0.15625, 0.53125, 0.84375, 0.84375, 0.65625, 0.96875, 0.15625},
    {0.65625, 0.65625, 0.03125, 0.34375, 0.34375, 0.15625, 0.46875, 0.65625},
    {0.90625, 0.40625, 0.78125, 0.59375, 0.09375, 0.40625, 0.71875, 0.90625},
    {0.40625, 0.90625, 0.28125, 0.09375, 0.59375, 0.90625, 0.21875, 0.40625},
    {0.28125, 0.28125, 0.15625, 0.21875, 0.71875, 0.53125, 0.59375, 0.78125},
    {0.78125, 0.78125, 0.65625, 0.71875, 0.21875, 0.03125, 0.09375, 0.28125},
    {0.53125, 0.03125, 0.40625, 0.46875, 0.46875, 0.28125, 0.84375, 0.03125},
    {0.03125, 0.53125, 0.90625, 0.96875, 0.96875, 0.78125, 0.34375, 0.53125},
};

// Coordinates 0 .. 79 of one point as 32-bit fractions (coordinate * 2^32): s =
// scipy.stats.qmc.Sobol(80, scramble=False, bits=32); s.fast_forward(index); s.random(1).
// For indices below 2^30 scipy's default bits=30 gives the same values.
constexpr std::array<std::uint32_t, 80> scipy_point_1000 = {
    0x38400000, 0x18c00000, 0x84c00000, 0xad400000, 0x47c00000, 0xe8400000, 0x0bc00000, 0xe6400000,
    0x80400000, 0x11c00000, 0x15c00000, 0x41400000, 0x29400000, 0x62400000, 0x24c00000, 0x5ec00000,
    0xb8400000, 0x58400000, 0xfdc00000, 0xb9c00000, 0x85c00000, 0x8cc00000, 0xf3400000, 0x8a400000,
    0x95400000, 0xe8400000, 0x0a400000, 0xfac00000, 0x0f400000, 0x57400000, 0x25c00000, 0x25400000,
    0x4bc00000, 0x97c00000, 0xcd400000, 0xc5400000, 0xd9400000, 0xd4c00000, 0x4ec00000, 0x7ac00000,
    0xe9c00000, 0x41400000, 0xf5c00000, 0xb3c00000, 0xd7400000, 0x17c00000, 0xdf400000, 0xeb400000,
    0xffc00000, 0x7ac00000, 0x5a400000, 0x84400000, 0xc0c00000, 0x70400000, 0x20400000, 0xe4400000,
    0x74400000, 0x14400000, 0xe2400000, 0x92400000, 0x72400000, 0x9a400000, 0x42400000, 0x72400000,
    0x21400000, 0x7f400000, 0x8f400000, 0x0f400000, 0x31400000, 0xdb400000, 0x27400000, 0x41400000,
    0xe9400000, 0x3d400000, 0x2f400000, 0xe5400000, 0x87c00000, 0x88c00000, 0xd8c00000, 0x1ec00000};
constexpr std::array<std::uint32_t, 80> scipy_point_65535 = {
    0x00010000, 0xffff0000, 0x90550000, 0xc3050000, 0x40bb0000, 0x8bbb0000, 0x84670000, 0xba490000,
    0xe5250000, 0x29f50000, 0x2c0f0000, 0x12670000, 0xef370000, 0x54090000, 0x75df0000, 0x7ab10000,
    0x28fb0000, 0x2fb30000, 0x21c10000, 0x70030000, 0x91030000, 0x6d010000, 0x0b430000, 0x47430000,
    0x4af30000, 0xad710000, 0xbfb30000, 0xac910000, 0x15470000, 0xfa7d0000, 0xcc270000, 0x824f0000,
    0xe0af0000, 0x364d0000, 0xb1f50000, 0x845d0000, 0xe6ef0000, 0xd4e50000, 0x73790000, 0x6f810000,
    0x6a350000, 0x62610000, 0xfdcb0000, 0x1f290000, 0x71e10000, 0x8bb50000, 0xe5d50000, 0x3da10000,
    0x702f0000, 0x3f0b0000, 0xfc950000, 0xd3130000, 0x388f0000, 0xda4f0000, 0x874d0000, 0x0b070000,
    0xb8cf0000, 0xca0f0000, 0xcc190000, 0x58f10000, 0x551b0000, 0x09e70000, 0x64ef0000, 0x4bdf0000,
    0x36f90000, 0xa8850000, 0xea550000, 0xd2dd0000, 0xe1a70000, 0x8d910000, 0xfaad0000, 0xcb170000,
    0xc4b10000, 0xa6d90000, 0x52010000, 0xd8ef0000, 0xfa130000, 0x8eed0000, 0x32b70000, 0x11830000};
// The last point 32-bit direction numbers reach, 2^32 - 1: every direction number enters.
constexpr std::array<std::uint32_t, 80> scipy_point_4294967295 = {
    0x00000001, 0xffffffff, 0xc5005555, 0x50050093, 0xb00ddb9d, 0x40bbbbbb, 0xc0104477, 0x87639641,
    0x84350611, 0x82ff78f1, 0x81d00a2d, 0x87239795, 0x824706d7, 0x261000a3, 0xd91d919d, 0x72c4d755,
    0x9349cb97, 0x1fbefb9d, 0xb400f0eb, 0xf100000b, 0x4103000d, 0x7771000d, 0x86f59009, 0xabcd300d,
    0xe4fc2505, 0xd932110b, 0x49b6c903, 0x4b504b0d, 0x437318d5, 0x323c3f39, 0x225142dd, 0x2f0de0f3,
    0xe4014db3, 0x2d8f4a35, 0xbb00ebd7, 0x07f3bd79, 0x11eddbb5, 0x97f0e5e5, 0x8ac549b9, 0x3d3df141,
    0x3fecfc45, 0x325c0cd1, 0xc6a7f47b, 0xe665b4b9, 0xb1f12cf1, 0x2d61fc85, 0x09c94ec9, 0x21952485,
    0x9d00d8eb, 0x82ef67bf, 0xc250ebb9, 0x1b774b77, 0x04c074fb, 0xa9a415fd, 0x73f111e3, 0x03030201,
    0xff03e849, 0xc5fc1bfb, 0x4e9035a1, 0x15ecc2bb, 0xdbeb2e57, 0x6d76ef4f, 0x68c27fa7, 0x121d6761,
    0xd7804a91, 0x0164eb77, 0xa8543e15, 0x740ad79b, 0x69b1dfcd, 0x7cb0e2e3, 0x4e17f339, 0xa6a73345,
    0xd7477cab, 0xb780ea2d, 0xb5f4193d, 0xe6a17f75, 0x26b40201, 0x6eb2c39d, 0x3082d9cd, 0xb5b1efe7};

// Coordinates 1016 .. 1023, the last tabulated dimensions, of points 1000 and 65535:
// scipy.stats.qmc.Sobol(1024, scramble=False, bits=32), fast_forward(index), random(1)[1016:].
constexpr std::array<std::uint32_t, 8> scipy_last_dimensions_1000 = {
    0xba400000, 0x2c400000, 0xdbc00000, 0xeec00000, 0x93400000, 0x4b400000, 0x23400000, 0xb6c00000};
constexpr std::array<std::uint32_t, 8> scipy_last_dimensions_65535 = {
    0x9da90000, 0x580f0000, 0xa4590000, 0xdd9f0000, 0xb6cd0000, 0x0fdb0000, 0x1b3f0000, 0x75af0000};

constexpr double two_to_minus_32 = 0x1.0p-32;

} // namespace

TEST(SensitivitySobolSequence, MatchesScipyUnscrambled) {
  const std::vector<double> points = sobol_points(0, 32, 8);
  ASSERT_EQ(points.size(), 32u * 8u);
  for (std::size_t i = 0; i < 32; ++i)
    for (std::size_t d = 0; d < 8; ++d) {
      EXPECT_EQ(points[i * 8 + d], scipy_first_32[i][d]) << "point " << i << ", dimension " << d;
      EXPECT_EQ(sobol_coordinate(i, d), scipy_first_32[i][d])
          << "point " << i << ", dimension " << d;
    }
}

TEST(SensitivitySobolSequence, MatchesScipyAtLargeIndices) {
  struct Case {
    std::uint64_t index;
    const std::array<std::uint32_t, 80>* expected;
  };
  for (const Case& c : {Case{1000, &scipy_point_1000}, Case{65535, &scipy_point_65535},
                        Case{4294967295, &scipy_point_4294967295}}) {
    const std::vector<double> row = sobol_points(c.index, 1, 80);
    for (std::size_t d = 0; d < 80; ++d) {
      EXPECT_EQ(sobol_coordinate_bits(c.index, d), (*c.expected)[d])
          << "point " << c.index << ", dimension " << d;
      EXPECT_EQ(sobol_coordinate(c.index, d), (*c.expected)[d] * two_to_minus_32)
          << "point " << c.index << ", dimension " << d;
      EXPECT_EQ(row[d], (*c.expected)[d] * two_to_minus_32)
          << "point " << c.index << ", dimension " << d;
    }
  }
  for (std::size_t j = 0; j < 8; ++j) {
    EXPECT_EQ(sobol_coordinate_bits(1000, 1016 + j), scipy_last_dimensions_1000[j]);
    EXPECT_EQ(sobol_coordinate_bits(65535, 1016 + j), scipy_last_dimensions_65535[j]);
  }
}

// Dimension 0 is the van der Corput sequence (v_j = 2^-j); dimension 1 has the primitive
// polynomial x + 1 and m_1 = 1, so m_j = m_(j-1) ^ 2 m_(j-1): 1, 3, 5, 15, 17, 51, ...
TEST(SensitivitySobolSequence, DirectionNumbersOfTheFirstDimensions) {
  const std::array<std::uint32_t, 32> v0 = sobol_direction_numbers(0);
  const std::array<std::uint32_t, 32> v1 = sobol_direction_numbers(1);
  for (std::size_t j = 0; j < 32; ++j)
    EXPECT_EQ(v0[j], std::uint32_t{1} << (31 - j)) << "v_" << j + 1;
  const std::uint32_t m[] = {1, 3, 5, 15, 17, 51, 85, 255};
  for (std::size_t j = 0; j < 8; ++j)
    EXPECT_EQ(v1[j], m[j] << (31 - j)) << "v_" << j + 1;
}

// Every 1-D projection of the first 2^m points is a (0, m, 1)-net: each of the 2^m intervals
// [j / 2^m, (j + 1) / 2^m) holds exactly one coordinate. Checked for 2^10 points in each of
// 128 dimensions, and for the 2^10 points starting at 2^20 (any aligned block of 2^m points).
TEST(SensitivitySobolSequence, EachCoordinateStratifiesDyadicIntervals) {
  constexpr std::size_t n = 1024;
  constexpr std::size_t dimensions = 128;
  for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1} << 20}) {
    const std::vector<double> points = sobol_points(first, n, dimensions);
    for (std::size_t d = 0; d < dimensions; ++d) {
      std::vector<int> hits(n, 0);
      for (std::size_t i = 0; i < n; ++i)
        ++hits[static_cast<std::size_t>(points[i * dimensions + d] * n)];
      for (std::size_t j = 0; j < n; ++j)
        ASSERT_EQ(hits[j], 1) << "first " << first << ", dimension " << d << ", interval " << j;
    }
  }
}

// The Gray-code recurrence of sobol_points gives what the direct formula gives at each index,
// from an unaligned start, across the carry at 2^31, and up to the last point, 2^32 - 1.
TEST(SensitivitySobolSequence, PointsEqualCoordinatesElementwise) {
  struct Block {
    std::uint64_t first;
    std::size_t count;
    std::size_t dimensions;
  };
  const Block blocks[] = {{0, 70, 70},
                          {12345, 300, 40},
                          {(std::uint64_t{1} << 31) - 100, 200, 16},
                          {sobol_max_points - 64, 64, 12},
                          {1000, 3, 1024}};
  for (const Block& b : blocks) {
    const std::vector<double> points = sobol_points(b.first, b.count, b.dimensions);
    ASSERT_EQ(points.size(), b.count * b.dimensions);
    for (std::size_t i = 0; i < b.count; ++i)
      for (std::size_t d = 0; d < b.dimensions; ++d)
        ASSERT_EQ(points[i * b.dimensions + d], sobol_coordinate(b.first + i, d))
            << "point " << b.first + i << ", dimension " << d;
  }
  EXPECT_TRUE(sobol_points(5, 0, 3).empty());
  EXPECT_TRUE(sobol_points(5, 3, 0).empty());
}

// Point 0 is the origin; every later coordinate lies strictly inside (0, 1).
TEST(SensitivitySobolSequence, OriginThenInterior) {
  for (std::size_t d = 0; d < sobol_max_dimensions; ++d)
    EXPECT_EQ(sobol_coordinate(0, d), 0.0);
  const std::vector<double> points = sobol_points(1, 4096, 32);
  for (const double x : points) {
    EXPECT_GT(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

TEST(SensitivitySobolSequence, OutOfRangeThrows) {
  EXPECT_THROW((void)sobol_direction_numbers(sobol_max_dimensions), std::out_of_range);
  EXPECT_THROW((void)sobol_coordinate(0, sobol_max_dimensions), std::out_of_range);
  EXPECT_THROW((void)sobol_coordinate_bits(sobol_max_points, 0), std::out_of_range);
  EXPECT_THROW((void)sobol_coordinate(~std::uint64_t{0}, 3), std::out_of_range);
  EXPECT_THROW((void)sobol_points(0, 1, sobol_max_dimensions + 1), std::out_of_range);
  EXPECT_THROW((void)sobol_points(sobol_max_points, 1, 1), std::out_of_range);
  // The last point, 2^32 - 1, is allowed; a block running past it is not.
  EXPECT_NO_THROW((void)sobol_points(sobol_max_points - 3, 3, 2));
  EXPECT_THROW((void)sobol_points(sobol_max_points - 3, 4, 2), std::out_of_range);
  EXPECT_NO_THROW((void)sobol_direction_numbers(sobol_max_dimensions - 1));
}
