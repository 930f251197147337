// Writer of the HDF5 run file (docs/output-format.md). The only translation unit that includes
// H5Cpp.h, so HDF5 types never leak into the rest of the project.
//
// Type choices a reader can rely on:
//  - every string (attributes and dataset attributes alike) is a scalar variable-length
//    UTF-8 string; h5py returns it as `str`, and, being stored on the global heap, it is not
//    bound by the 64 KiB object-header limit on attribute size (the scenario TOML may be long);
//  - integers are int64, except /network/offsets (uint64), /network/targets (uint32) and the
//    root attribute `seed`, which is int64 when the seed fits (every seed up to 2^63 - 1) and
//    uint64 otherwise, so the value is always exact;
//  - the root group tracks and indexes attribute creation order, so a reader can confirm
//    that `status` was written last;
//  - groups whose datasets share a dimension carry it as an HDF5 dimension scale (H5DS, as
//    netCDF-4 does): /timeseries/step, /panel/steps and /panel/household_ids, and the row
//    ids /households/household, /villages/village, /mines/mine, /governments/government.
//    xarray (engine h5netcdf) opens those groups with these as coordinates; readers that
//    iterate a group skip datasets whose CLASS attribute is "DIMENSION_SCALE".
#include "io/run_file.hpp"

#include "io/hdf5_attributes.hpp"
#include "io/hdf5_image.hpp"
#include "minesim/build_info.hpp"

#include <H5Cpp.h>
#include <H5DSpublic.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <limits>
#include <stdexcept>

namespace minesim {
namespace {

/// Datasets above this size are chunked and compressed; smaller ones stay contiguous, where
/// the chunk index and filter overhead would outweigh any saving.
constexpr hsize_t compress_threshold_bytes = 64 * 1024;
/// Target chunk size: large enough for good deflate ratios, small enough to read a slice.
constexpr hsize_t target_chunk_bytes = 256 * 1024;
/// Deflate's fastest level: after the shuffle filter it compresses nearly as well as level 4
/// (a 200,000-household run file: 9.8 MB against 9.4) and writes about 30% faster.
constexpr int deflate_level = 1;
/// The dimension scale of /timeseries: the step of each value.
constexpr const char* step_scale_name = "step";

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> buffer{};
  std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer.data();
}

std::string host_name() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) return "unknown";
  buffer.back() = '\0'; // POSIX leaves termination unspecified on truncation
  return buffer.data();
}

/// Creation properties for a dataset of `dims` whose elements take `element_bytes`:
/// contiguous when small, otherwise chunked with shuffle + deflate. Chunks span whole rows
/// of a 2-D dataset where possible so that reading one snapshot touches few chunks.
H5::DSetCreatPropList dataset_properties(const std::vector<hsize_t>& dims, hsize_t element_bytes) {
  H5::DSetCreatPropList properties;
  hsize_t total_bytes = element_bytes;
  for (const hsize_t d : dims)
    total_bytes *= d;
  if (total_bytes <= compress_threshold_bytes) return properties;

  const hsize_t target_elements = std::max<hsize_t>(1, target_chunk_bytes / element_bytes);
  std::vector<hsize_t> chunk = dims;
  if (dims.size() == 1) {
    chunk[0] = std::min(dims[0], target_elements);
  } else {
    const hsize_t row = dims[1];
    if (row >= target_elements) {
      chunk[0] = 1;
      chunk[1] = target_elements;
    } else {
      chunk[0] = std::min(dims[0], std::max<hsize_t>(1, target_elements / row));
    }
  }
  properties.setChunk(static_cast<int>(chunk.size()), chunk.data());
  properties.setShuffle();
  properties.setDeflate(deflate_level);
  return properties;
}

template <typename T>
H5::DataSet write_dataset(const H5::Group& group, const std::string& name, const H5::PredType& type,
                          const std::vector<hsize_t>& dims, const T* data, const std::string& units,
                          const std::string& description) {
  const H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  const H5::DSetCreatPropList properties = dataset_properties(dims, sizeof(T));
  H5::DataSet dataset = group.createDataSet(name, type, space, properties);
  // An empty dataset has nothing to transfer, and `data` may be null.
  if (space.getSimpleExtentNpoints() > 0) dataset.write(data, type);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", description);
  return dataset;
}

H5::DataSet write_vector(const H5::Group& group, const std::string& name,
                         const std::vector<double>& values, const std::string& units,
                         const std::string& description) {
  return write_dataset(group, name, H5::PredType::NATIVE_DOUBLE, {values.size()}, values.data(),
                       units, description);
}

H5::DataSet write_vector(const H5::Group& group, const std::string& name,
                         const std::vector<std::int64_t>& values, const std::string& units,
                         const std::string& description) {
  return write_dataset(group, name, H5::PredType::NATIVE_INT64, {values.size()}, values.data(),
                       units, description);
}

/// Make `dataset` a dimension scale named after itself (netCDF's convention: a dimension and
/// its coordinate variable share their name).
void make_dimension_scale(const H5::DataSet& dataset, const std::string& name) {
  if (H5DSset_scale(dataset.getId(), name.c_str()) < 0) {
    throw std::runtime_error("cannot make '" + name + "' a dimension scale");
  }
}

/// Attach dimension scale `scale` to dimension `dim` of `dataset`.
void attach_dimension_scale(const H5::DataSet& dataset, const H5::DataSet& scale, unsigned dim) {
  if (H5DSattach_scale(dataset.getId(), scale.getId(), dim) < 0) {
    throw std::runtime_error("cannot attach a dimension scale to dimension " + std::to_string(dim) +
                             " of " + dataset.getObjName());
  }
}

/// 0, 1, ..., n - 1.
std::vector<std::int64_t> iota(std::size_t n) {
  std::vector<std::int64_t> values(n);
  for (std::size_t i = 0; i < n; ++i)
    values[i] = static_cast<std::int64_t>(i);
  return values;
}

/// Open `path` (absolute, e.g. "/panel/households") creating every missing component.
H5::Group open_or_create_group(const H5::H5File& file, const std::string& path) {
  std::string prefix;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (end > start) {
      prefix.push_back('/');
      prefix.append(path, start, end - start);
      if (!file.nameExists(prefix)) file.createGroup(prefix).close();
    }
    start = end + 1;
  }
  return file.openGroup(prefix.empty() ? "/" : prefix);
}

void write_root_attributes(const H5::H5File& file, const RunRecord& record,
                           const RunProvenance& provenance) {
  const H5::Group root = file.openGroup("/");
  write_int_attribute(root, "schema_version", run_schema_version);
  write_string_attribute(root, "minesim_version", build_info::version);
  write_string_attribute(root, "git_commit", build_info::git_commit);
  write_string_attribute(root, "compiler", "g++ " __VERSION__);
  write_string_attribute(root, "build_type", build_info::build_type);
  write_string_attribute(root, "created_utc", utc_now_iso8601());
  write_string_attribute(root, "host", host_name());
  write_int_attribute(root, "threads", record.threads);
  if (record.seed <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    write_int_attribute(root, "seed", static_cast<std::int64_t>(record.seed));
  } else {
    write_uint_attribute(root, "seed", record.seed);
  }
  write_int_attribute(root, "steps", record.steps);
  write_double_attribute(root, "wall_seconds", record.wall_seconds);
  write_string_attribute(root, "command_line", provenance.command_line);
  write_string_attribute(root, "scenario_path", provenance.scenario_path);
  if (!provenance.batch.empty()) {
    write_string_attribute(root, "batch", provenance.batch);
    write_string_attribute(root, "arm", provenance.arm);
    write_int_attribute(root, "replicate", provenance.replicate);
  }
}

void write_timings(const H5::H5File& file, const RunRecord& record) {
  const H5::Group timings = file.createGroup("/timings");
  for (const auto& [phase, seconds] : record.phase_seconds) {
    write_double_attribute(timings, phase.c_str(), seconds);
  }
}

void write_scenario(const H5::H5File& file, const RunRecord& record,
                    const RunProvenance& provenance) {
  const H5::Group scenario = file.createGroup("/scenario");
  write_string_attribute(scenario, "toml", record.scenario_toml);
  write_string_attribute(scenario, "resolved_toml", record.resolved_toml);
  // What turned `toml` into `resolved_toml` besides defaults: --set, an arm's overrides, the seed.
  write_string_array_attribute(scenario, "overrides", provenance.overrides);
}

void write_timeseries(const H5::H5File& file, const RunRecord& record) {
  const H5::Group group = file.createGroup("/timeseries");
  const auto expected = static_cast<std::size_t>(record.steps + 1);
  // The steps, 0 (the initial state) to steps: the dimension of every series.
  const H5::DataSet step = write_vector(
      group, std::string(step_scale_name), iota(expected), "step",
      "Simulation step of each value: 0 is the initial state, then the state after each month "
      "(dimension scale of every /timeseries dataset; not a time series).");
  make_dimension_scale(step, step_scale_name);
  for (const TimeSeries& series : record.timeseries) {
    if (series.name == step_scale_name) {
      throw std::runtime_error(std::string("a time series may not be called '") + step_scale_name +
                               "' (the steps' dimension scale)");
    }
    if (series.values.size() != expected) {
      throw std::runtime_error("time series '" + series.name + "' has " +
                               std::to_string(series.values.size()) +
                               " values, expected steps + 1 = " + std::to_string(expected));
    }
    write_vector(group, series.name, series.values, series.units, series.description);
    // "stock" or "flow" (engine/record.hpp): what a statistic over the steps should be.
    write_string_attribute(group.openDataSet(series.name), "kind", series_kind_name(series.kind));
    attach_dimension_scale(group.openDataSet(series.name), step, 0);
  }
}

void write_panel(const H5::H5File& file, const RunRecord& record) {
  if (record.panel_household_ids.empty()) return; // no sampled households: no /panel at all
  const H5::Group panel = file.createGroup("/panel");
  const H5::DataSet steps = write_vector(
      panel, "steps", record.panel_steps, "step",
      "Simulation step of each panel snapshot (row of every /panel/households field).");
  const H5::DataSet ids = write_vector(panel, "household_ids", record.panel_household_ids, "1",
                                       "Household id of each panel column.");
  make_dimension_scale(steps, "steps");
  make_dimension_scale(ids, "household_ids");
  const H5::Group households = file.createGroup("/panel/households");
  const std::vector<hsize_t> dims{record.panel_steps.size(), record.panel_household_ids.size()};
  for (const PanelField& field : record.panel_fields) {
    if (field.values.size() != dims[0] * dims[1]) {
      throw std::runtime_error("panel field '" + field.name + "' has " +
                               std::to_string(field.values.size()) + " values, expected " +
                               std::to_string(dims[0]) + " snapshots x " + std::to_string(dims[1]) +
                               " households");
    }
    const H5::DataSet dataset =
        write_dataset(households, field.name, H5::PredType::NATIVE_DOUBLE, dims,
                      field.values.data(), field.units, field.description);
    attach_dimension_scale(dataset, steps, 0);
    attach_dimension_scale(dataset, ids, 1);
  }
}

void write_network(const H5::H5File& file, const Csr& network) {
  const H5::Group group = file.createGroup("/network");
  write_dataset(
      group, "offsets", H5::PredType::NATIVE_UINT64, {network.offsets.size()},
      network.offsets.data(), "1",
      "CSR row offsets: the neighbours of household i are targets[offsets[i]:offsets[i+1]].");
  write_dataset(
      group, "targets", H5::PredType::NATIVE_UINT32, {network.targets.size()},
      network.targets.data(), "1",
      "CSR column indices: neighbour household ids, every tie listed in both directions.");
}

/// The entity whose ids number the rows of the static table `group` ("household" for
/// /households), which names the table's dimension scale; null for any other group.
const char* table_dimension(const std::string& group) {
  if (group == "households") return "household";
  if (group == "villages") return "village";
  if (group == "mines") return "mine";
  if (group == "governments") return "government";
  return nullptr;
}

std::size_t column_rows(const Column& column) {
  return column.integer.empty() ? column.real.size() : column.integer.size();
}

void write_tables(const H5::H5File& file, const RunRecord& record) {
  for (const auto& [group_name, columns] : record.tables) {
    const H5::Group group = open_or_create_group(file, "/" + group_name);
    std::vector<H5::DataSet> written;
    for (const Column& column : columns) {
      if (!column.integer.empty()) {
        written.push_back(
            write_vector(group, column.name, column.integer, column.units, column.description));
      } else {
        written.push_back(
            write_vector(group, column.name, column.real, column.units, column.description));
      }
    }
    // The row ids as the columns' dimension scale, when the columns form one table.
    const char* dimension = table_dimension(group_name);
    if (dimension == nullptr || columns.empty()) continue;
    const std::size_t rows = column_rows(columns.front());
    const bool one_table = std::all_of(columns.begin(), columns.end(),
                                       [&](const Column& c) { return column_rows(c) == rows; });
    if (!one_table) continue;
    if (group.nameExists(dimension)) {
      throw std::runtime_error("/" + group_name + " has a column named '" + dimension +
                               "', the name of its rows' dimension scale");
    }
    std::string description = "Id of each ";
    description.append(dimension)
        .append(" (its row number; dimension scale of every /")
        .append(group_name)
        .append(" column).");
    const H5::DataSet scale = write_vector(group, dimension, iota(rows), "1", description);
    make_dimension_scale(scale, dimension);
    for (const H5::DataSet& dataset : written)
      attach_dimension_scale(dataset, scale, 0);
  }
}

void write_scalar(const H5::Group& group, const std::string& name, double value,
                  const std::string& units, const std::string& description) {
  const H5::DataSpace scalar(H5S_SCALAR);
  H5::DataSet dataset = group.createDataSet(name, H5::PredType::NATIVE_DOUBLE, scalar);
  dataset.write(&value, H5::PredType::NATIVE_DOUBLE);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", description);
}

void write_survey(const H5::H5File& file, const SurveyOutput& survey) {
  const std::size_t rows = survey.household_ids.size();
  const std::size_t cols = survey.item_names.size();
  const std::string path = survey_group_path(survey.step);
  if (survey.items.size() != rows * cols) {
    throw std::runtime_error("survey at step " + std::to_string(survey.step) + " has " +
                             std::to_string(survey.items.size()) + " answers, expected " +
                             std::to_string(rows) + " respondents x " + std::to_string(cols) +
                             " items");
  }
  if (file.nameExists(path)) {
    throw std::runtime_error("two surveys at step " + std::to_string(survey.step));
  }
  const H5::Group group = file.createGroup(path);
  write_int_attribute(group, "step", survey.step);
  for (const auto& [name, value] : survey.attributes)
    write_int_attribute(group, name.c_str(), value);
  for (const SurveyScalar& s : survey.scalars)
    write_scalar(group, s.name, s.value, s.units, s.description);
  for (const SurveyVector& v : survey.vectors) {
    if (!v.names.empty() && v.names.size() != v.values.size()) {
      throw std::runtime_error("survey vector '" + v.name + "' has " +
                               std::to_string(v.values.size()) + " values but " +
                               std::to_string(v.names.size()) + " names");
    }
    write_vector(group, v.name, v.values, v.units, v.description);
    if (!v.names.empty()) {
      write_string_array_attribute(group.openDataSet(v.name), "names", v.names);
    }
  }
  write_vector(group, "household_ids", survey.household_ids, "1",
               "Household id of each respondent (row of items), ascending.");
  write_dataset(group, "items", H5::PredType::NATIVE_INT64, {rows, cols}, survey.items.data(),
                survey.items_units,
                survey.items_description.empty()
                    ? "Answers [respondent, item]; the attribute names labels the items."
                    : survey.items_description);
  write_string_array_attribute(group.openDataSet("items"), "names", survey.item_names);
}

/// One compound dataset per event table: rows packed field by field, 8 bytes each.
void write_event_table(const H5::Group& group, const EventTable& table) {
  const std::size_t fields = table.columns.size();
  const std::size_t rows = fields == 0                        ? 0
                           : table.columns[0].integer.empty() ? table.columns[0].real.size()
                                                              : table.columns[0].integer.size();
  H5::CompType type(fields * 8);
  std::string units;
  for (std::size_t f = 0; f < fields; ++f) {
    const Column& c = table.columns[f];
    const bool integer = !c.integer.empty() || (c.real.empty() && c.integer.empty() && rows == 0);
    const std::size_t size = integer ? c.integer.size() : c.real.size();
    if (size != rows)
      throw std::runtime_error("event table " + table.name + ": column " + c.name + " has " +
                               std::to_string(size) + " rows, expected " + std::to_string(rows));
    type.insertMember(c.name, f * 8,
                      integer ? H5::PredType::NATIVE_INT64 : H5::PredType::NATIVE_DOUBLE);
    units += (f == 0 ? "" : "; ") + c.name + ": " + c.units;
  }
  std::vector<unsigned char> packed(rows * fields * 8);
  for (std::size_t f = 0; f < fields; ++f) {
    const Column& c = table.columns[f];
    for (std::size_t r = 0; r < rows; ++r) {
      unsigned char* at = packed.data() + (r * fields + f) * 8;
      if (!c.integer.empty())
        std::memcpy(at, &c.integer[r], 8);
      else
        std::memcpy(at, &c.real[r], 8);
    }
  }
  const hsize_t dims[1] = {rows};
  const H5::DataSpace space(1, dims);
  const H5::DSetCreatPropList properties = dataset_properties({rows}, fields * 8);
  H5::DataSet dataset = group.createDataSet(table.name, type, space, properties);
  if (rows > 0) dataset.write(packed.data(), type);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", table.description);
}

void write_events(const H5::H5File& file, const RunRecord& record) {
  if (record.events.empty()) return;
  const H5::Group group = open_or_create_group(file, "/events");
  for (const EventTable& table : record.events)
    write_event_table(group, table);
}

void write_surveys(const H5::H5File& file, const RunRecord& record) {
  if (record.surveys.empty()) return; // no survey taken: no /survey at all
  file.createGroup("/survey").close();
  for (const SurveyOutput& survey : record.surveys)
    write_survey(file, survey);
}

void write_contents(const std::string& file_name, const RunRecord& record,
                    const RunProvenance& provenance) {
  // Track (and index, which HDF5 needs to iterate dense attribute storage in that order)
  // attribute creation order on the root group, so readers can check `status` came last.
  // The root group takes its creation properties from the file creation property list.
  const H5::FileCreatPropList creation;
  if (H5Pset_attr_creation_order(creation.getId(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) <
      0) {
    throw std::runtime_error("cannot enable attribute creation order tracking");
  }
  // "Semi" close degree: closing the file fails while any object in it is still open,
  // instead of silently deferring the close past the image. The file is built in memory
  // and written by write_file_bytes: HDF5 crashes on a full disk (hdf5_image.hpp).
  H5::FileAccPropList access = in_memory_file_access();
  access.setFcloseDegree(H5F_CLOSE_SEMI);
  H5::H5File file(file_name, H5F_ACC_TRUNC, creation, access);

  write_root_attributes(file, record, provenance);
  write_timings(file, record);
  write_scenario(file, record, provenance);
  write_timeseries(file, record);
  write_panel(file, record);
  if (record.network != nullptr) write_network(file, *record.network);
  write_tables(file, record);
  write_surveys(file, record);
  write_events(file, record);

  // Last of all, after every dataset: a file without this attribute is an interrupted run.
  {
    const H5::Group root = file.openGroup("/");
    write_string_attribute(root, "status", "complete");
  }
  const std::vector<char> image = file_image(file);
  file.close();
  write_file_bytes(file_name, image);
}

/// Exception messages are shown to users as one line.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
  return text;
}

/// While alive, replaces HDF5's automatic error handler (which prints the whole error stack
/// to stderr) with one that prints nothing and records the root cause of the first failing
/// HDF5 call, e.g. "unable to open file: ... error message = 'No such file or directory'".
/// The stack must be read when the call fails: the C++ exception carries only the outermost,
/// least specific message, and the HDF5 calls made while unwinding clear the stack. The
/// previous handler is restored on destruction, so no pointer to this object outlives it.
class Hdf5ErrorCapture {
public:
  Hdf5ErrorCapture() {
    H5Eget_auto2(H5E_DEFAULT, &previous_function_, &previous_data_);
    H5Eset_auto2(H5E_DEFAULT, &Hdf5ErrorCapture::record, this);
  }
  ~Hdf5ErrorCapture() { H5Eset_auto2(H5E_DEFAULT, previous_function_, previous_data_); }
  Hdf5ErrorCapture(const Hdf5ErrorCapture&) = delete;
  Hdf5ErrorCapture& operator=(const Hdf5ErrorCapture&) = delete;

  /// The innermost message of the first failure, or "" if none was seen.
  [[nodiscard]] const std::string& cause() const { return cause_; }

private:
  static herr_t record(hid_t stack, void* data) noexcept {
    auto* self = static_cast<Hdf5ErrorCapture*>(data);
    if (self->cause_.empty()) H5Ewalk2(stack, H5E_WALK_UPWARD, &visit, &self->cause_);
    return 0;
  }
  static herr_t visit(unsigned n, const H5E_error2_t* error, void* data) noexcept {
    try {
      if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(data) = error->desc;
    } catch (...) { // out of memory: the message is a nicety, never let it cross C code
    }
    return 0;
  }

  H5E_auto2_t previous_function_ = nullptr;
  void* previous_data_ = nullptr;
  std::string cause_;
};

} // namespace

std::string survey_group_path(std::int64_t step) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "/survey/step_%04lld", static_cast<long long>(step));
  return buffer.data();
}

std::string partial_path(const std::string& path) {
  return path + ".partial";
}

void write_run_file(const std::string& path, const RunRecord& record,
                    const RunProvenance& provenance) {
  // HDF5 otherwise prints its whole error stack to stderr on every failure (the effect of
  // H5::Exception::dontPrint(), but scoped to this call); the exception we throw carries
  // the one line that matters.
  const Hdf5ErrorCapture errors;

  const std::string partial = partial_path(path);
  const auto fail = [&](const std::string& why) {
    std::remove(partial.c_str());
    throw std::runtime_error("cannot write run file '" + path + "': " + one_line(why));
  };

  try {
    write_contents(partial, record, provenance);
  } catch (const H5::Exception& e) {
    const std::string& cause = errors.cause();
    const std::string detail = e.getDetailMsg();
    const std::string function = e.getFuncName();
    std::string why = function.empty() ? detail : function + ": " + detail;
    if (!cause.empty() && cause != detail) why += " (" + cause + ")";
    fail(why);
  } catch (const std::exception& e) {
    fail(e.what());
  }

  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    const int error = errno;
    fail("cannot rename '" + partial + "': " + std::strerror(error));
  }
}

} // namespace minesim
