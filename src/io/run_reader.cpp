// Reading run files back (run_reader.hpp). Datasets are compared as the bytes HDF5 returns in
// their own file type, so "identical" means identical to the last bit, NaN payloads included.
#include "io/run_reader.hpp"

#include "engine/errors.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/run_file_open.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <set>

namespace minesim {
namespace {

using detail::open_complete_run;
using detail::reason_of;
using detail::SilentHdf5;

/// Every dataset under `group`, by path, recursively.
void collect_datasets(const H5::Group& group, const std::string& prefix,
                      std::set<std::string>& out) {
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    const std::string path = prefix + "/" + name;
    switch (group.childObjType(name)) {
    case H5O_TYPE_GROUP: collect_datasets(group.openGroup(name), path, out); break;
    case H5O_TYPE_DATASET: out.insert(path); break;
    default: break;
    }
  }
}

std::set<std::string> datasets_under(const H5::H5File& file, const std::string& group) {
  std::set<std::string> out;
  if (file.nameExists(group)) collect_datasets(file.openGroup(group), group, out);
  return out;
}

/// Whether `type` holds variable-length data anywhere (whose bytes in memory are pointers).
bool has_variable_length(hid_t type) {
  if (H5Tdetect_class(type, H5T_VLEN) > 0) return true;
  if (H5Tget_class(type) == H5T_STRING) return H5Tis_variable_str(type) > 0;
  if (H5Tget_class(type) == H5T_COMPOUND) {
    const int members = H5Tget_nmembers(type);
    for (int m = 0; m < members; ++m) {
      const hid_t member = H5Tget_member_type(type, static_cast<unsigned>(m));
      const bool variable = has_variable_length(member);
      H5Tclose(member);
      if (variable) return true;
    }
  }
  if (H5Tget_class(type) == H5T_ARRAY) {
    const hid_t base = H5Tget_super(type);
    const bool variable = has_variable_length(base);
    H5Tclose(base);
    return variable;
  }
  return false;
}

/// The dataset's values: raw bytes for fixed-size types; for variable-length strings, the
/// strings themselves, joined with their lengths.
std::string contents(const H5::DataSet& set) {
  const H5::DataType type = set.getDataType();
  const hid_t tid = type.getId();
  const H5::DataSpace space = set.getSpace();
  const auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  if (!has_variable_length(tid)) {
    std::string bytes(n * type.getSize(), '\0');
    if (!bytes.empty()) set.read(bytes.data(), type);
    return bytes;
  }
  if (H5Tget_class(tid) != H5T_STRING) {
    throw std::runtime_error("cannot compare variable-length data other than strings");
  }
  std::vector<char*> strings(n, nullptr);
  if (n > 0) set.read(strings.data(), type);
  std::string out;
  for (char* s : strings) {
    const std::string value = s == nullptr ? std::string() : std::string(s);
    out.append(std::to_string(value.size())).append(":").append(value);
  }
  if (n > 0) H5Dvlen_reclaim(tid, space.getId(), H5P_DEFAULT, strings.data());
  return out;
}

/// "class/size/dims": two datasets with another layout differ even if their bytes agree.
std::string shape_of(const H5::DataSet& set) {
  const H5::DataSpace space = set.getSpace();
  const int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) space.getSimpleExtentDims(dims.data());
  const H5::DataType type = set.getDataType();
  std::string out = std::to_string(static_cast<int>(type.getClass()));
  out.append("/").append(std::to_string(type.getSize()));
  for (const hsize_t d : dims)
    out.append("/").append(std::to_string(d));
  return out;
}

} // namespace

StoredRun read_stored_run(const std::string& path) {
  const SilentHdf5 quiet;
  const H5::H5File file = open_complete_run(path);
  StoredRun run;
  try {
    const H5::Group root = file.openGroup("/");
    if (!file.nameExists("/scenario") || !file.openGroup("/scenario").attrExists("resolved_toml")) {
      throw InputError(path + ": has no /scenario resolved_toml to rerun");
    }
    run.resolved_toml = read_string_attribute(file.openGroup("/scenario"), "resolved_toml");
    if (root.attrExists("minesim_version"))
      run.minesim_version = read_string_attribute(root, "minesim_version");
    if (root.attrExists("git_commit")) run.git_commit = read_string_attribute(root, "git_commit");
  } catch (const H5::Exception& e) {
    throw InputError(path + ": not a readable run file (" + reason_of(e) + ")");
  }
  return run;
}

const std::vector<std::string>& result_groups() {
  static const std::vector<std::string> groups{"/timeseries", "/panel",  "/network",
                                               "/events",     "/survey", "/households",
                                               "/villages",   "/mines",  "/governments"};
  return groups;
}

std::vector<std::string> differing_datasets(const std::string& a, const std::string& b,
                                            const std::vector<std::string>& groups) {
  const SilentHdf5 quiet;
  const H5::H5File fa = open_complete_run(a);
  const H5::H5File fb = open_complete_run(b);
  std::vector<std::string> differ;
  try {
    for (const std::string& group : groups) {
      const std::set<std::string> in_a = datasets_under(fa, group);
      const std::set<std::string> in_b = datasets_under(fb, group);
      std::set<std::string> all = in_a;
      all.insert(in_b.begin(), in_b.end());
      for (const std::string& path : all) {
        if (in_a.count(path) == 0 || in_b.count(path) == 0) {
          differ.push_back(path);
          continue;
        }
        const H5::DataSet da = fa.openDataSet(path);
        const H5::DataSet db = fb.openDataSet(path);
        if (shape_of(da) != shape_of(db) || contents(da) != contents(db)) differ.push_back(path);
      }
    }
  } catch (const H5::Exception& e) {
    throw std::runtime_error("comparing " + a + " with " + b + ": " + reason_of(e));
  }
  return differ;
}

} // namespace minesim
