// HDF5 reading and writing for batches: run file status and final values, and index.h5.
// Strings are scalar or 1-D variable-length UTF-8 (h5py returns attributes as `str` and
// string datasets as bytes, `.asstr()` for `str`), integers int64 and reals float64, like the
// run file (run_file.cpp).
#include "io/index_file.hpp"

#include "io/hdf5_attributes.hpp"
#include "io/hdf5_image.hpp"
#include "io/run_file.hpp"
#include "minesim/build_info.hpp"

#include <H5Cpp.h>
#include <H5DSpublic.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>

namespace minesim {
namespace {

namespace fs = std::filesystem;

constexpr const char* links_group = "/links";
/// Attribute of /runs listing the column names in order, for readers that do not honour
/// link creation order.
constexpr const char* columns_attribute = "columns";

/// While alive, HDF5 prints nothing on failure: a missing attribute or a truncated file is an
/// answer here ("incomplete"), not an error to show, and the exceptions carry the message.
class QuietHdf5 {
public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

/// Group with tracked and indexed link creation order, so that h5py lists the columns in
/// the order they were written rather than by name.
void create_ordered_group(const H5::H5File& file, const char* name) {
  const hid_t properties = H5Pcreate(H5P_GROUP_CREATE);
  if (properties < 0) throw std::runtime_error("cannot create group properties");
  const herr_t set =
      H5Pset_link_creation_order(properties, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  const hid_t group =
      set < 0 ? -1 : H5Gcreate2(file.getId(), name, H5P_DEFAULT, properties, H5P_DEFAULT);
  H5Pclose(properties);
  if (group < 0) throw std::runtime_error(std::string("cannot create group ") + name);
  H5Gclose(group);
}

void write_strings(const H5::Group& group, const std::string& name,
                   const std::vector<std::string>& values, const std::string& units,
                   const std::string& description) {
  const H5::StrType type = utf8_string_type();
  const hsize_t n = values.size();
  const H5::DataSpace space(1, &n);
  H5::DataSet dataset = group.createDataSet(name, type, space);
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values)
    pointers.push_back(v.c_str());
  if (n > 0) dataset.write(pointers.data(), type);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", description);
}

template <typename T>
void write_numbers(const H5::Group& group, const std::string& name, const H5::PredType& type,
                   const std::vector<T>& values, const std::string& units,
                   const std::string& description) {
  const hsize_t n = values.size();
  const H5::DataSpace space(1, &n);
  H5::DataSet dataset = group.createDataSet(name, type, space);
  if (n > 0) dataset.write(values.data(), type);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", description);
}

void write_column(const H5::Group& group, const IndexColumn& column) {
  if (const auto* s = std::get_if<std::vector<std::string>>(&column.values)) {
    write_strings(group, column.name, *s, column.units, column.description);
  } else if (const auto* i = std::get_if<std::vector<std::int64_t>>(&column.values)) {
    write_numbers(group, column.name, H5::PredType::NATIVE_INT64, *i, column.units,
                  column.description);
  } else {
    write_numbers(group, column.name, H5::PredType::NATIVE_DOUBLE,
                  std::get<std::vector<double>>(column.values), column.units, column.description);
  }
}

void write_column_list(const H5::Group& group, const std::vector<IndexColumn>& columns) {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const IndexColumn& c : columns)
    names.push_back(c.name);
  write_string_array_attribute(group, columns_attribute, names);
}

void write_index_contents(const std::string& file_name, const IndexContents& contents) {
  // Built in memory and written by write_file_bytes: HDF5 crashes on a full disk
  // (hdf5_image.hpp).
  H5::FileAccPropList access = in_memory_file_access();
  access.setFcloseDegree(H5F_CLOSE_SEMI); // fail the close, not defer it, if anything is open
  H5::H5File file(file_name, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);

  create_ordered_group(file, contents.table_group.c_str());
  {
    const H5::Group runs = file.openGroup(contents.table_group);
    write_string_attribute(runs, "description", contents.table_description);
    for (const IndexColumn& column : contents.columns)
      write_column(runs, column);
    write_column_list(runs, contents.columns);
  }

  create_ordered_group(file, links_group);
  {
    const H5::Group links = file.openGroup(links_group);
    for (const auto& [name, target] : contents.links) {
      if (H5Lcreate_external(target.c_str(), "/", links.getId(), name.c_str(), H5P_DEFAULT,
                             H5P_DEFAULT) < 0) {
        throw std::runtime_error("cannot create external link " + name + " -> " + target);
      }
    }
  }

  {
    const H5::Group batch = file.createGroup(contents.attribute_group);
    for (const auto& [name, value] : contents.batch_text)
      write_string_attribute(batch, name.c_str(), value);
    for (const auto& [name, value] : contents.batch_integers)
      write_int_attribute(batch, name.c_str(), value);
    write_int_attribute(batch, "schema_version", index_schema_version);
    write_string_attribute(batch, "minesim_version", build_info::version);
    // The code that wrote the index (`git describe` of the build, "-dirty" for uncommitted
    // changes): the runs' own files name theirs as the root attribute git_commit.
    write_string_attribute(batch, "git_commit", build_info::git_commit);
  }
  const std::vector<char> image = file_image(file);
  file.close();
  write_file_bytes(file_name, image);
}

std::string hdf5_message(const H5::Exception& e) {
  std::string why =
      e.getFuncName().empty() ? e.getDetailMsg() : e.getFuncName() + ": " + e.getDetailMsg();
  std::replace(why.begin(), why.end(), '\n', ' ');
  return why;
}

std::vector<std::string> read_string_array(const H5::DataSet& dataset, std::size_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  const H5::StrType type = utf8_string_type();
  std::vector<char*> raw(n, nullptr);
  dataset.read(raw.data(), type);
  for (char* s : raw)
    out.emplace_back(s != nullptr ? s : "");
  const H5::DataSpace space = dataset.getSpace();
  H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, raw.data());
  return out;
}

/// A 1-D string attribute (the "columns" list of /runs, the "names" of a survey vector).
std::vector<std::string> read_string_list_attribute(const H5::H5Object& object, const char* name) {
  const H5::Attribute attribute = object.openAttribute(name);
  const H5::DataSpace space = attribute.getSpace();
  const auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  std::vector<std::string> names;
  if (n == 0) return names;
  const H5::StrType type = utf8_string_type();
  std::vector<char*> raw(n, nullptr);
  attribute.read(type, raw.data());
  for (char* s : raw)
    names.emplace_back(s != nullptr ? s : "");
  H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, raw.data());
  return names;
}

std::vector<std::string> read_column_list(const H5::Group& runs) {
  return read_string_list_attribute(runs, columns_attribute);
}

IndexColumn read_column(const H5::Group& runs, const std::string& name) {
  const H5::DataSet dataset = runs.openDataSet(name);
  IndexColumn column;
  column.name = name;
  column.units = read_string_attribute(dataset, "units");
  column.description = read_string_attribute(dataset, "description");
  const auto n = static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints());
  switch (dataset.getTypeClass()) {
  case H5T_STRING: column.values = read_string_array(dataset, n); break;
  case H5T_INTEGER: {
    std::vector<std::int64_t> v(n);
    if (n > 0) dataset.read(v.data(), H5::PredType::NATIVE_INT64);
    column.values = std::move(v);
    break;
  }
  case H5T_FLOAT: {
    std::vector<double> v(n);
    if (n > 0) dataset.read(v.data(), H5::PredType::NATIVE_DOUBLE);
    column.values = std::move(v);
    break;
  }
  default: throw std::runtime_error("column " + name + " has an unsupported type");
  }
  return column;
}

} // namespace

RunFileState run_file_state(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return RunFileState::missing;
  if (!fs::is_regular_file(path, ec)) return RunFileState::incomplete;
  const QuietHdf5 quiet;
  try {
    if (H5Fis_hdf5(path.c_str()) <= 0) return RunFileState::incomplete;
    const H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    if (!root.attrExists("status")) return RunFileState::incomplete;
    return read_string_attribute(root, "status") == "complete" ? RunFileState::complete
                                                               : RunFileState::incomplete;
  } catch (const H5::Exception&) {
    return RunFileState::incomplete;
  }
}

RunFileSummary read_run_summary(const std::string& path) {
  const QuietHdf5 quiet;
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    RunFileSummary summary;
    root.openAttribute("wall_seconds").read(H5::PredType::NATIVE_DOUBLE, &summary.wall_seconds);
    root.openAttribute("steps").read(H5::PredType::NATIVE_INT64, &summary.steps);
    if (!file.nameExists("/timeseries")) return summary;
    const H5::Group series = file.openGroup("/timeseries");
    for (hsize_t i = 0; i < series.getNumObjs(); ++i) {
      const std::string name = series.getObjnameByIdx(i);
      if (series.childObjType(name) != H5O_TYPE_DATASET) continue;
      const H5::DataSet dataset = series.openDataSet(name);
      // /timeseries/step is the series' dimension scale (the steps), not a time series.
      if (H5DSis_scale(dataset.getId()) > 0) continue;
      const H5::DataSpace space = dataset.getSpace();
      const auto n = static_cast<hsize_t>(space.getSimpleExtentNpoints());
      FinalValue final_value{name, read_string_attribute(dataset, "units"),
                             read_string_attribute(dataset, "description"),
                             std::numeric_limits<double>::quiet_NaN()};
      if (n > 0) {
        // Only the last element: long series stay on disk.
        const hsize_t offset = n - 1;
        const hsize_t count = 1;
        H5::DataSpace file_space = dataset.getSpace();
        file_space.selectHyperslab(H5S_SELECT_SET, &count, &offset);
        const H5::DataSpace memory(1, &count);
        dataset.read(&final_value.value, H5::PredType::NATIVE_DOUBLE, memory, file_space);
      }
      summary.finals.push_back(std::move(final_value));
    }
    return summary;
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read run file '" + path + "': " + hdf5_message(e));
  }
}

std::vector<std::vector<double>> read_time_series(const std::string& path,
                                                  const std::vector<std::string>& names) {
  const QuietHdf5 quiet;
  std::vector<std::vector<double>> out;
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    for (const std::string& name : names) {
      const std::string where = "/timeseries/" + name;
      if (!file.nameExists("/timeseries") || !file.nameExists(where))
        throw std::runtime_error("run file '" + path + "' has no time series '" + name + "'");
      const H5::DataSet dataset = file.openDataSet(where);
      std::vector<double> values(
          static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()));
      if (!values.empty()) dataset.read(values.data(), H5::PredType::NATIVE_DOUBLE);
      out.push_back(std::move(values));
    }
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read run file '" + path + "': " + hdf5_message(e));
  }
  return out;
}

double read_survey_value(const std::string& path, std::int64_t step, const std::string& name) {
  const QuietHdf5 quiet;
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    if (!file.nameExists("/survey"))
      throw std::runtime_error("run file '" + path + "' has no virtual survey");
    const H5::Group surveys = file.openGroup("/survey");
    std::string group_name;
    if (step < 0) {
      // Group names are step_NNNN with a fixed width, so the last by name is the last step.
      for (hsize_t i = 0; i < surveys.getNumObjs(); ++i)
        group_name = std::max(group_name, std::string(surveys.getObjnameByIdx(i)));
    } else {
      group_name = survey_group_path(step).substr(std::string("/survey/").size());
    }
    if (group_name.empty() || !surveys.nameExists(group_name)) {
      throw std::runtime_error("run file '" + path + "' has no survey at step " +
                               std::to_string(step));
    }
    const H5::Group group = surveys.openGroup(group_name);
    const std::size_t colon = name.find(':');
    const std::string dataset_name = name.substr(0, colon);
    if (!group.nameExists(dataset_name)) {
      throw std::runtime_error("run file '" + path + "': survey " + group_name + " has no '" +
                               dataset_name + "'");
    }
    const H5::DataSet dataset = group.openDataSet(dataset_name);
    std::vector<double> values(
        static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()));
    if (!values.empty()) dataset.read(values.data(), H5::PredType::NATIVE_DOUBLE);
    if (colon == std::string::npos) {
      if (values.size() != 1) {
        throw std::runtime_error("run file '" + path + "': survey value '" + name +
                                 "' is a vector; name an element as " + name + ":NAME");
      }
      return values.front();
    }
    const std::string element = name.substr(colon + 1);
    std::vector<std::string> labels;
    if (dataset.attrExists("names")) labels = read_string_list_attribute(dataset, "names");
    for (std::size_t i = 0; i < labels.size() && i < values.size(); ++i)
      if (labels[i] == element) return values[i];
    throw std::runtime_error("run file '" + path + "': survey vector '" + dataset_name +
                             "' has no element '" + element + "'");
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read run file '" + path + "': " + hdf5_message(e));
  }
}

void write_index_file(const std::string& path, const IndexContents& contents) {
  const QuietHdf5 quiet;
  const std::string partial = path + ".partial";
  const auto fail = [&](const std::string& why) {
    std::remove(partial.c_str());
    throw std::runtime_error("cannot write index '" + path + "': " + why);
  };
  for (const IndexColumn& column : contents.columns) {
    if (column.size() != (contents.columns.empty() ? 0 : contents.columns.front().size())) {
      fail("column " + column.name + " has a different length");
    }
  }
  try {
    write_index_contents(partial, contents);
  } catch (const H5::Exception& e) {
    fail(hdf5_message(e));
  } catch (const std::exception& e) {
    fail(e.what());
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    const int error = errno;
    fail("cannot rename '" + partial + "': " + std::strerror(error));
  }
}

IndexContents read_index_file(const std::string& path, const std::string& table_group,
                              const std::string& attribute_group) {
  const QuietHdf5 quiet;
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    IndexContents contents;
    const H5::Group runs = file.openGroup(table_group);
    for (const std::string& name : read_column_list(runs))
      contents.columns.push_back(read_column(runs, name));
    const H5::Group batch = file.openGroup(attribute_group);
    for (int i = 0; i < batch.getNumAttrs(); ++i) {
      const H5::Attribute attribute = batch.openAttribute(static_cast<unsigned>(i));
      const std::string name = attribute.getName();
      if (attribute.getTypeClass() == H5T_STRING) {
        std::string value;
        attribute.read(attribute.getStrType(), value);
        contents.batch_text.emplace_back(name, std::move(value));
      } else if (attribute.getTypeClass() == H5T_INTEGER) {
        std::int64_t value = 0;
        attribute.read(H5::PredType::NATIVE_INT64, &value);
        contents.batch_integers.emplace_back(name, value);
      }
    }
    return contents;
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read index '" + path + "': " + hdf5_message(e));
  }
}

} // namespace minesim
