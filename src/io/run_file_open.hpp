#pragma once
// Opening a finished run file for reading (export, compare --stat, rerun): one-line errors
// instead of HDF5's printed stack. Internal to src/io; include after H5Cpp.h.
#include "engine/errors.hpp"
#include "io/hdf5_attributes.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace minesim::detail {

/// While alive, HDF5 prints nothing on failure: the exceptions carry the message.
class SilentHdf5 {
public:
  SilentHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~SilentHdf5() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }
  SilentHdf5(const SilentHdf5&) = delete;
  SilentHdf5& operator=(const SilentHdf5&) = delete;

private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

inline std::string reason_of(const H5::Exception& e) {
  std::string why = e.getDetailMsg();
  std::replace(why.begin(), why.end(), '\n', ' ');
  return why;
}

/// The complete run file at `path`, opened read-only; InputError for anything else.
inline H5::H5File open_complete_run(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path + ": no such file");
  if (!fs::is_regular_file(path, ec)) throw InputError(path + ": not a run file (not a file)");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw InputError(path + ": not an HDF5 file; a minesim run file is HDF5 (.h5)");
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    if (!root.attrExists("status") || read_string_attribute(root, "status") != "complete") {
      throw InputError(path + ": not a complete run file (no status = \"complete\"): the run was "
                              "interrupted or is still being written");
    }
    return file;
  } catch (const H5::Exception& e) {
    throw InputError(path + ": not a readable run file (" + reason_of(e) + ")");
  }
}

/// Whether `dataset` is an HDF5 dimension scale (the steps of /timeseries, say): the axis of
/// other datasets, not data of its own.
inline bool is_dimension_scale(const H5::DataSet& dataset) {
  return dataset.attrExists("CLASS") &&
         read_string_attribute(dataset, "CLASS") == "DIMENSION_SCALE";
}

} // namespace minesim::detail
