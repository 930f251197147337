#pragma once
// The loaders under test, on one input: as a scenario, as a batch file (planned when it has
// at most 64 runs), as a study file and as a plan.toml. A finding (anything but an InputError, or a
// round trip that does not hold) prints "FINDING: ..." and aborts. See loader_harness.cpp.
#include <string_view>

namespace minesim::fuzz {

/// Make the private folder the loaders read from (a batch file's `scenario = "base.toml"`):
/// call once before forking, so that every child uses the same one.
void prepare_workspace();

void exercise_loaders(std::string_view input);

} // namespace minesim::fuzz
