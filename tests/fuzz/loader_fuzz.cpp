// libFuzzer target for everything minesim parses from TOML: the scenario, batch and plan
// loaders, through the harness the unit tests' corpus replay uses too (loader_harness.cpp).
//
// Build and run: docs/hardening.md (`cmake --preset fuzz`, then tests/fuzz/run.sh).
#include "tests/fuzz/loader_harness.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  minesim::fuzz::exercise_loaders(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
