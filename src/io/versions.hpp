#pragma once
// Versions of the libraries that write minesim's files, for `minesim --version` and the
// provenance of run files.
#include <string>

namespace minesim {

/// The HDF5 library this binary runs with, as "major.minor.release" (H5get_libversion).
[[nodiscard]] std::string hdf5_library_version();

} // namespace minesim
