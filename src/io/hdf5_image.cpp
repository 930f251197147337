// HDF5 files built in memory and written with POSIX calls (see hdf5_image.hpp).
#include "io/hdf5_image.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace minesim {
namespace {

/// The in-memory file grows by this much at a time.
constexpr std::size_t growth_bytes = std::size_t{4} << 20;

[[noreturn]] void system_error(const std::string& what, int error) {
  throw std::runtime_error(what + ": " + std::strerror(error));
}

} // namespace

H5::FileAccPropList in_memory_file_access() {
  H5::FileAccPropList access;
  access.setCore(growth_bytes, false); // backing_store = false: never written by HDF5
  return access;
}

std::vector<char> file_image(const H5::H5File& file) {
  file.flush(H5F_SCOPE_LOCAL);
  const ssize_t size = H5Fget_file_image(file.getId(), nullptr, 0);
  if (size < 0) throw std::runtime_error("cannot get the size of the HDF5 file image");
  std::vector<char> bytes(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file.getId(), bytes.data(), bytes.size()) != size) {
    throw std::runtime_error("cannot get the HDF5 file image");
  }
  return bytes;
}

void write_file_bytes(const std::string& path, const std::vector<char>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) system_error("cannot create '" + path + "'", errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      system_error("cannot write '" + path + "'", error);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    system_error("cannot write '" + path + "' to disk", error);
  }
  if (::close(fd) != 0) system_error("cannot close '" + path + "'", errno);
}

} // namespace minesim
