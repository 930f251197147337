// libFuzzer target for everything minesim parses from TOML: the scenario, batch and plan
// loaders, through the harness the unit tests' corpus replay uses too (loader_harness.cpp).
//
// Build and run: docs/hardening.md (`cmake --preset fuzz`, then tests/fuzz/run.sh).
#include "tests/fuzz/loader_harness.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <thread>

// libstdc++ takes other branches in shared_ptr (which toml11 uses for every value) once a
// process has started a second thread, and libFuzzer starts its RSS-limit thread at a
// moment that varies from run to run. Starting a thread first makes every run take the
// multi-threaded branches from the first input on, so that one seed gives one run: the
// fuzz step of CI is repeatable (tests/fuzz/run.sh --ci).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::thread([] {}).join();
  minesim::fuzz::prepare_workspace();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  minesim::fuzz::exercise_loaders(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
