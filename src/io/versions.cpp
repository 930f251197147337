#include "io/versions.hpp"

#include <H5public.h>

namespace minesim {

std::string hdf5_library_version() {
  unsigned major = 0;
  unsigned minor = 0;
  unsigned release = 0;
  if (H5get_libversion(&major, &minor, &release) < 0) return "unknown";
  std::string text = std::to_string(major);
  text.append(".").append(std::to_string(minor)).append(".").append(std::to_string(release));
  return text;
}

} // namespace minesim
