#pragma once
// Writing an HDF5 file without letting HDF5 touch the disk. HDF5 1.10 does not survive a
// failed write (a full disk, a quota): its C++ destructors print to stderr, and closing the
// file crashed minesim with a segmentation fault, leaving the .partial file behind. The
// writers therefore build their file in memory (HDF5's core driver, no backing store) and
// write its bytes here with plain POSIX calls, where a full disk is one clean error.
#include <H5Cpp.h>

#include <string>
#include <vector>

namespace minesim {

/// File access properties of a file kept in memory only: nothing is read from or written to
/// the path it is created under.
[[nodiscard]] H5::FileAccPropList in_memory_file_access();

/// The bytes of `file`, an open file created with in_memory_file_access(): exactly what
/// HDF5 would have written to disk.
[[nodiscard]] std::vector<char> file_image(const H5::H5File& file);

/// Write `bytes` to `path` (created or truncated), then fsync it, so that a rename after it
/// never publishes a file whose bytes are not on disk. Throws std::runtime_error naming the
/// system's reason ("No space left on device") on any failure; `path` is left to the caller.
void write_file_bytes(const std::string& path, const std::vector<char>& bytes);

} // namespace minesim
