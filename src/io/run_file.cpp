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
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
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
/// The root attribute `status` of a run file being written, and the attribute naming the
/// last step whose output is all in it.
constexpr const char* partial_status = "partial";
constexpr const char* last_complete_step_name = "last_complete_step";
/// Root attribute of a run continued from a checkpoint: the checkpoint's step.
constexpr const char* resumed_from_step_name = "resumed_from_step";

/// Rows of an event table's chunk (80 KiB of a 10-column table).
constexpr std::size_t event_chunk_rows = 1024;
/// Free space kept beyond a flush's data for HDF5's metadata.
constexpr double free_space_margin_bytes = 256.0 * 1024.0;

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
  if (record.seed <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    write_int_attribute(root, "seed", static_cast<std::int64_t>(record.seed));
  } else {
    write_uint_attribute(root, "seed", record.seed);
  }
  write_int_attribute(root, "steps", record.steps);
  write_string_attribute(root, "command_line", provenance.command_line);
  write_string_attribute(root, "scenario_path", provenance.scenario_path);
  if (!provenance.batch.empty()) {
    write_string_attribute(root, "batch", provenance.batch);
    write_string_attribute(root, "arm", provenance.arm);
    write_int_attribute(root, "replicate", provenance.replicate);
  }
  // Until the run is complete: "partial", and the last step whose output is all in the file.
  write_string_attribute(root, "status", partial_status);
  write_int_attribute(root, last_complete_step_name, -1);
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

/// A dataset of `dims` doubles that is written part by part during the run: NaN until its
/// part is written, so a partial file never shows a made-up value.
H5::DataSet create_nan_dataset(const H5::Group& group, const std::string& name,
                               const std::vector<hsize_t>& dims,
                               const H5::DSetCreatPropList& properties, const std::string& units,
                               const std::string& description) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  properties.setFillValue(H5::PredType::NATIVE_DOUBLE, &nan);
  properties.setFillTime(H5D_FILL_TIME_ALLOC);
  const H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet dataset = group.createDataSet(name, H5::PredType::NATIVE_DOUBLE, space, properties);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", description);
  return dataset;
}

/// Write `count` values from `data` into elements [first, first + count) of a 1-D dataset,
/// or rows [first, first + count) of a 2-D one whose rows have `row` elements.
void write_rows(const H5::DataSet& dataset, hsize_t first, hsize_t count, hsize_t row,
                const void* data, const H5::DataType& type) {
  if (count == 0) return;
  const H5::DataSpace file_space = dataset.getSpace();
  const int rank = file_space.getSimpleExtentNdims();
  const std::array<hsize_t, 2> start{first, 0};
  const std::array<hsize_t, 2> extent{count, row};
  file_space.selectHyperslab(H5S_SELECT_SET, extent.data(), start.data());
  const H5::DataSpace memory(rank, extent.data());
  dataset.write(data, type, memory, file_space);
}

/// /timeseries: one dataset per series of steps + 1 values, and the step scale. Contiguous:
/// each flush writes its steps in place, never moving what is written.
void create_timeseries(const H5::H5File& file, const RunRecord& record) {
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
    const H5::DataSet dataset =
        create_nan_dataset(group, series.name, {expected}, {}, series.units, series.description);
    // "stock" or "flow" (engine/record.hpp): what a statistic over the steps should be.
    write_string_attribute(dataset, "kind", series_kind_name(series.kind));
    attach_dimension_scale(dataset, step, 0);
  }
}

/// The steps of the panel's snapshots: every `interval` months from 0, or as recorded.
std::vector<std::int64_t> planned_panel_steps(const RunRecord& record) {
  if (record.panel_interval <= 0) return record.panel_steps;
  std::vector<std::int64_t> steps;
  for (std::int64_t s = 0; s <= record.steps; s += record.panel_interval)
    steps.push_back(s);
  return steps;
}

/// /panel: the snapshot steps and household ids, and one [snapshot, household] dataset per
/// field, chunked by snapshot so that each row is written once, when its snapshot is taken.
void create_panel(const H5::H5File& file, const RunRecord& record) {
  if (record.panel_household_ids.empty()) return; // no sampled households: no /panel at all
  const H5::Group panel = file.createGroup("/panel");
  const std::vector<std::int64_t> snapshot_steps = planned_panel_steps(record);
  const H5::DataSet steps = write_vector(
      panel, "steps", snapshot_steps, "step",
      "Simulation step of each panel snapshot (row of every /panel/households field).");
  const H5::DataSet ids = write_vector(panel, "household_ids", record.panel_household_ids, "1",
                                       "Household id of each panel column.");
  make_dimension_scale(steps, "steps");
  make_dimension_scale(ids, "household_ids");
  const H5::Group households = file.createGroup("/panel/households");
  const std::vector<hsize_t> dims{snapshot_steps.size(), record.panel_household_ids.size()};
  for (const PanelField& field : record.panel_fields) {
    H5::DSetCreatPropList properties;
    if (dims[0] * dims[1] * sizeof(double) > compress_threshold_bytes) {
      const std::array<hsize_t, 2> chunk{
          1, std::min<hsize_t>(dims[1], target_chunk_bytes / sizeof(double))};
      properties.setChunk(2, chunk.data());
      properties.setShuffle();
      properties.setDeflate(deflate_level);
    }
    const H5::DataSet dataset = create_nan_dataset(households, field.name, dims, properties,
                                                   field.units, field.description);
    attach_dimension_scale(dataset, steps, 0);
    attach_dimension_scale(dataset, ids, 1);
  }
}

/// Rows of an event table.
std::size_t event_rows(const EventTable& table) {
  if (table.columns.empty()) return 0;
  const Column& c = table.columns[0];
  return c.integer.empty() ? c.real.size() : c.integer.size();
}

/// The compound type of an event table's rows: a field per column, 8 bytes each. Checks
/// that every column has `rows` rows.
H5::CompType event_type(const EventTable& table, std::size_t rows) {
  const std::size_t fields = table.columns.size();
  H5::CompType type(std::max<std::size_t>(1, fields) * 8);
  for (std::size_t f = 0; f < fields; ++f) {
    const Column& c = table.columns[f];
    const bool integer = c.is_integer || !c.integer.empty();
    const std::size_t size = integer ? c.integer.size() : c.real.size();
    if (size != rows)
      throw std::runtime_error("event table " + table.name + ": column " + c.name + " has " +
                               std::to_string(size) + " rows, expected " + std::to_string(rows));
    type.insertMember(c.name, f * 8,
                      integer ? H5::PredType::NATIVE_INT64 : H5::PredType::NATIVE_DOUBLE);
  }
  return type;
}

/// /events/<name>: an empty compound dataset that grows by whole chunks during the run.
void create_event_table(const H5::Group& group, const EventTable& table) {
  const H5::CompType type = event_type(table, event_rows(table));
  std::string units;
  for (std::size_t f = 0; f < table.columns.size(); ++f) {
    const Column& c = table.columns[f];
    units += (f == 0 ? "" : "; ") + c.name + ": " + c.units;
  }
  const hsize_t dims[1] = {0};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  const H5::DataSpace space(1, dims, max_dims);
  H5::DSetCreatPropList properties;
  const hsize_t chunk[1] = {event_chunk_rows};
  properties.setChunk(1, chunk);
  properties.setShuffle();
  properties.setDeflate(deflate_level);
  H5::DataSet dataset = group.createDataSet(table.name, type, space, properties);
  write_string_attribute(dataset, "units", units);
  write_string_attribute(dataset, "description", table.description);
}

/// Append rows [0, rows) of `table` to its dataset, packed field by field.
void append_event_rows(const H5::DataSet& dataset, const EventTable& table, std::size_t rows) {
  if (rows == 0) return;
  const H5::CompType type = event_type(table, event_rows(table));
  const std::size_t fields = table.columns.size();
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
  hsize_t now = 0;
  dataset.getSpace().getSimpleExtentDims(&now);
  const hsize_t grown = now + rows;
  dataset.extend(&grown);
  write_rows(dataset, now, rows, 0, packed.data(), type);
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

/// The reason of a failed HDF5 call as one line: the function, its message and the root
/// cause recorded by `errors`.
std::string hdf5_reason(const H5::Exception& e, const Hdf5ErrorCapture& errors) {
  const std::string& cause = errors.cause();
  const std::string detail = e.getDetailMsg();
  const std::string function = e.getFuncName();
  std::string why = function.empty() ? detail : function + ": " + detail;
  if (!cause.empty() && cause != detail) why += " (" + cause + ")";
  return why;
}

/// File access of a run file written during the run. The metadata cache never evicts: HDF5
/// writes metadata only when the file is flushed, so between flushes the file on disk is the
/// one of the last flush, plus raw data at places that metadata does not point to yet, and a
/// killed run leaves a file that reads as of its last flush.
H5::FileAccPropList streaming_file_access() {
  H5::FileAccPropList access;
  access.setFcloseDegree(H5F_CLOSE_SEMI);
  // No raw-data chunk cache: each write goes to the file at once, so a failed write throws
  // from that write. With a cache, the chunks would be written when their dataset closes,
  // whose failure the C++ API only prints from a destructor.
  access.setCache(0, 0, 0, 1.0);
  H5AC_cache_config_t config{};
  config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  if (H5Pget_mdc_config(access.getId(), &config) < 0) {
    throw std::runtime_error("cannot read HDF5's metadata cache configuration");
  }
  config.evictions_enabled = false;
  config.incr_mode = H5C_incr__off;
  config.flash_incr_mode = H5C_flash_incr__off;
  config.decr_mode = H5C_decr__off;
  if (H5Pset_mdc_config(access.getId(), &config) < 0) {
    throw std::runtime_error("cannot configure HDF5's metadata cache");
  }
  return access;
}

/// fsync `path` (and with `folder`, the folder holding it, so that a rename is durable).
void sync_path(const std::string& path, bool folder = false) {
  const int fd = ::open(path.c_str(), (folder ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    throw std::runtime_error("cannot open '" + path + "' to sync it: " + std::strerror(error));
  }
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot sync a folder (EINVAL); the rename stands on them anyway.
  if (rc != 0 && !(folder && error == EINVAL)) {
    throw std::runtime_error("cannot sync '" + path + "': " + std::strerror(error));
  }
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// Refuse to write `bytes` more (plus a margin for HDF5's metadata) where the file system
/// has less free space: stopping here leaves the file as of its last flush, readable, where
/// a write failing inside HDF5 could leave it broken.
void check_free_space(const std::string& path, double bytes) {
  struct statvfs fs {};
  if (::statvfs(folder_of(path).c_str(), &fs) != 0) return; // cannot tell: let the write say
  const double free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
  const double needed = bytes * 1.1 + free_space_margin_bytes;
  if (free_bytes >= needed) return;
  char text[160];
  std::snprintf(text, sizeof text,
                "No space left on device (%.0f bytes free, the next part of the run needs about "
                "%.0f)",
                free_bytes, needed);
  throw std::runtime_error(text);
}

std::int64_t survey_step_of(const std::string& group_name) {
  // "step_NNNN"
  if (group_name.rfind("step_", 0) != 0) return -1;
  try {
    return std::stoll(group_name.substr(5));
  } catch (const std::exception&) {
    return -1;
  }
}

} // namespace

namespace {

/// After a failed write, what HDF5 writes when it closes the file goes to an anonymous
/// in-memory file instead: HDF5 1.10 cannot close a file whose last flush failed (H5Fclose
/// fails and leaves the file registered, and the library's clean-up at exit then crashes on
/// it), so the close is given a file it can write. The file on disk stays as of its last
/// successful flush.
void divert_writes(const H5::H5File& file) noexcept {
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file.getId(), H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
  const int fd = *static_cast<const int*>(handle);
  const int memory = ::memfd_create("minesim-failed-run-file", MFD_CLOEXEC);
  if (memory < 0) return;
  (void)::dup2(memory, fd);
  ::close(memory);
}

std::atomic<bool> left_open{false};

/// Close `file` (after `divert_writes` where a write failed), throwing H5::Exception when
/// that fails. After a failed close the H5File object is let go without its destructor,
/// which would close it a second time, and `run_file_left_open()` says so.
void close_file(std::unique_ptr<H5::H5File>& file, bool broken) {
  if (!file) return;
  if (broken) divert_writes(*file);
  try {
    file->close();
    file.reset();
  } catch (...) {
    (void)file.release();
    left_open.store(true);
    throw;
  }
}

} // namespace

struct RunFileStream::Impl {
  std::string path;
  std::string partial;
  std::unique_ptr<H5::H5File> file; ///< leaked, not closed twice, after a failed close
  std::int64_t steps = 0;
  std::vector<std::int64_t> panel_steps; ///< planned snapshots
  OutputPosition position;
  bool broken = false;
};

RunFileStream::RunFileStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunFileStream::RunFileStream(RunFileStream&&) noexcept = default;
RunFileStream& RunFileStream::operator=(RunFileStream&&) noexcept = default;

RunFileStream::~RunFileStream() {
  close();
}

const OutputPosition& RunFileStream::position() const {
  return impl_->position;
}

const std::string& RunFileStream::partial() const {
  return impl_->partial;
}

/// Run `write` on the stream, turning any failure into one std::runtime_error naming the
/// file; a failure marks the stream broken (nothing more is written to it).
template <class F> void guarded(RunFileStream::Impl& s, F&& write) {
  const Hdf5ErrorCapture errors;
  const auto fail = [&](const std::string& why) {
    s.broken = true;
    throw std::runtime_error("cannot write run file '" + s.path + "': " + one_line(why));
  };
  if (s.broken) fail("an earlier write failed");
  try {
    write();
  } catch (const H5::Exception& e) {
    fail(hdf5_reason(e, errors));
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

RunFileStream RunFileStream::create(const std::string& path, const RunRecord& start,
                                    const RunProvenance& provenance) {
  auto s = std::make_unique<Impl>();
  s->path = path;
  s->partial = partial_path(path);
  s->steps = start.steps;
  s->panel_steps =
      start.panel_household_ids.empty() ? std::vector<std::int64_t>{} : planned_panel_steps(start);
  for (const EventTable& table : start.events) {
    s->position.event_tables.push_back(table.name);
    s->position.event_rows.push_back(0);
  }
  Impl& impl = *s;
  guarded(impl, [&] {
    // A leftover partial file (of a run killed before, or a link) is replaced, not written
    // through.
    if (std::remove(impl.partial.c_str()) != 0 && errno != ENOENT) {
      const int error = errno;
      throw std::runtime_error("cannot replace the leftover '" + impl.partial +
                               "': " + std::strerror(error));
    }
    check_free_space(impl.partial, 0.0);
    // Track (and index, which HDF5 needs to iterate dense attribute storage in that order)
    // attribute creation order on the root group, so readers can check `status` came last.
    const H5::FileCreatPropList creation;
    if (H5Pset_attr_creation_order(creation.getId(),
                                   H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
      throw std::runtime_error("cannot enable attribute creation order tracking");
    }
    impl.file =
        std::make_unique<H5::H5File>(impl.partial, H5F_ACC_EXCL, creation, streaming_file_access());
    write_root_attributes(*impl.file, start, provenance);
    write_scenario(*impl.file, start, provenance);
    if (start.network != nullptr) write_network(*impl.file, *start.network);
    create_timeseries(*impl.file, start);
    create_panel(*impl.file, start);
    if (!start.events.empty()) {
      const H5::Group group = open_or_create_group(*impl.file, "/events");
      for (const EventTable& table : start.events)
        create_event_table(group, table);
    }
    impl.file->flush(H5F_SCOPE_GLOBAL);
  });
  return RunFileStream(std::move(s));
}

RunFileStream RunFileStream::resume(const std::string& path, const std::string& resolved_toml,
                                    const OutputPosition& position) {
  auto s = std::make_unique<Impl>();
  s->path = path;
  s->partial = partial_path(path);
  s->position = position;
  Impl& impl = *s;
  const Hdf5ErrorCapture errors;
  const auto refuse = [&](const std::string& why) {
    throw std::runtime_error(impl.partial + ": " + why);
  };
  try {
    impl.file = std::make_unique<H5::H5File>(
        impl.partial, H5F_ACC_RDWR, H5::FileCreatPropList::DEFAULT, streaming_file_access());
    const H5::Group root = impl.file->openGroup("/");
    if (!root.attrExists("status") || read_string_attribute(root, "status") != partial_status) {
      refuse("not the partial file of an unfinished run");
    }
    const H5::Group scenario = impl.file->openGroup("/scenario");
    if (read_string_attribute(scenario, "resolved_toml") != resolved_toml) {
      refuse("written for another scenario than the checkpoint's");
    }
    std::int64_t steps = 0;
    root.openAttribute("steps").read(H5::PredType::NATIVE_INT64, &steps);
    impl.steps = steps;
    std::int64_t written = -1;
    root.openAttribute(last_complete_step_name).read(H5::PredType::NATIVE_INT64, &written);
    if (written < position.steps_written) {
      refuse("holds steps up to " + std::to_string(written) + ", the checkpoint is of step " +
             std::to_string(position.steps_written));
    }
    if (impl.file->nameExists("/panel/steps")) {
      const H5::DataSet steps_set = impl.file->openDataSet("/panel/steps");
      hsize_t n = 0;
      steps_set.getSpace().getSimpleExtentDims(&n);
      impl.panel_steps.resize(static_cast<std::size_t>(n));
      if (n > 0) steps_set.read(impl.panel_steps.data(), H5::PredType::NATIVE_INT64);
    }
    // Cut back what was written after the checkpoint: event rows and surveys (time series and
    // panel rows after it are written again).
    for (std::size_t k = 0; k < position.event_tables.size(); ++k) {
      const std::string name = "/events/" + position.event_tables[k];
      if (!impl.file->nameExists(name)) refuse("has no dataset " + name);
      H5::DataSet table = impl.file->openDataSet(name);
      hsize_t rows = 0;
      table.getSpace().getSimpleExtentDims(&rows);
      if (rows < position.event_rows[k]) {
        refuse(name + " has " + std::to_string(rows) + " rows, fewer than the " +
               std::to_string(position.event_rows[k]) + " the checkpoint counts");
      }
      const hsize_t keep = position.event_rows[k];
      table.extend(&keep);
    }
    std::uint64_t surveys = 0;
    if (impl.file->nameExists("/survey")) {
      const H5::Group group = impl.file->openGroup("/survey");
      std::vector<std::string> later;
      for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
        const std::string name = group.getObjnameByIdx(i);
        if (survey_step_of(name) > position.steps_written)
          later.push_back(name);
        else
          ++surveys;
      }
      for (const std::string& name : later)
        group.unlink(name);
    }
    if (surveys != position.surveys) {
      refuse("holds " + std::to_string(surveys) + " surveys up to the checkpoint's step, not " +
             std::to_string(position.surveys));
    }
    root.openAttribute(last_complete_step_name)
        .write(H5::PredType::NATIVE_INT64, &position.steps_written);
    // Provenance: the step the run (last) continued from.
    if (root.attrExists(resumed_from_step_name)) root.removeAttr(resumed_from_step_name);
    write_int_attribute(root, resumed_from_step_name, position.steps_written);
    impl.file->flush(H5F_SCOPE_GLOBAL);
  } catch (const H5::Exception& e) {
    refuse("cannot be continued: " + one_line(hdf5_reason(e, errors)));
  }
  return RunFileStream(std::move(s));
}

std::vector<std::uint64_t> RunFileStream::append(const RunRecord& record, std::int64_t last_step,
                                                 bool durable) {
  Impl& s = *impl_;
  std::vector<std::uint64_t> written(record.events.size(), 0);
  guarded(s, [&] {
    const std::int64_t first = s.position.steps_written + 1;
    if (last_step > s.steps || last_step + 1 < first) {
      throw std::logic_error("append: steps " + std::to_string(first) + " to " +
                             std::to_string(last_step) + " of " + std::to_string(s.steps));
    }
    const auto count = static_cast<hsize_t>(last_step + 1 - first);
    // Panel snapshots due in these steps.
    std::size_t snapshot_first = 0;
    while (snapshot_first < s.panel_steps.size() && s.panel_steps[snapshot_first] < first)
      ++snapshot_first;
    std::size_t snapshot_end = snapshot_first;
    while (snapshot_end < s.panel_steps.size() && s.panel_steps[snapshot_end] <= last_step)
      ++snapshot_end;
    const std::size_t panel_n = record.panel_household_ids.size();

    std::vector<std::size_t> rows(record.events.size(), 0);
    double bytes = static_cast<double>(record.timeseries.size() * count * sizeof(double)) +
                   static_cast<double>((snapshot_end - snapshot_first) * panel_n *
                                       record.panel_fields.size() * sizeof(double));
    // Event rows go out in whole chunks until the run's last step: a chunk written once is
    // never rewritten, so what a flush left on disk stays true after later writes (a
    // compressed chunk rewritten in place would not match the chunk index of an earlier
    // flush, which is what a run resumed after a kill finds). The rest waits for the next
    // append; the last one writes everything.
    const bool last = last_step == s.steps;
    for (std::size_t k = 0; k < record.events.size(); ++k) {
      const std::size_t pending = event_rows(record.events[k]);
      rows[k] = last ? pending : pending - pending % event_chunk_rows;
      bytes += static_cast<double>(rows[k] * record.events[k].columns.size() * 8);
    }
    for (const SurveyOutput& survey : record.surveys)
      bytes += static_cast<double>((survey.items.size() + survey.household_ids.size()) * 8) + 16e3;
    check_free_space(s.partial, bytes);

    const H5::Group series_group = s.file->openGroup("/timeseries");
    for (const TimeSeries& series : record.timeseries) {
      if (series.values.size() < static_cast<std::size_t>(last_step + 1)) {
        throw std::runtime_error("time series '" + series.name + "' has " +
                                 std::to_string(series.values.size()) + " values, expected " +
                                 std::to_string(last_step + 1));
      }
      write_rows(series_group.openDataSet(series.name), static_cast<hsize_t>(first), count, 0,
                 series.values.data() + first, H5::PredType::NATIVE_DOUBLE);
    }
    if (snapshot_end > snapshot_first) {
      const H5::Group panel = s.file->openGroup("/panel/households");
      for (const PanelField& field : record.panel_fields) {
        if (field.values.size() < snapshot_end * panel_n) {
          throw std::runtime_error("panel field '" + field.name + "' has " +
                                   std::to_string(field.values.size()) + " values, expected " +
                                   std::to_string(snapshot_end) + " snapshots x " +
                                   std::to_string(panel_n) + " households");
        }
        write_rows(panel.openDataSet(field.name), snapshot_first, snapshot_end - snapshot_first,
                   panel_n, field.values.data() + snapshot_first * panel_n,
                   H5::PredType::NATIVE_DOUBLE);
      }
    }
    for (std::size_t k = 0; k < record.events.size(); ++k) {
      const EventTable& table = record.events[k];
      if (k >= s.position.event_tables.size() || s.position.event_tables[k] != table.name) {
        throw std::logic_error("event table " + table.name + " was not in the run's first part");
      }
      append_event_rows(s.file->openDataSet("/events/" + table.name), table, rows[k]);
      s.position.event_rows[k] += rows[k];
      written[k] = rows[k];
    }
    for (const SurveyOutput& survey : record.surveys) {
      if (!s.file->nameExists("/survey")) s.file->createGroup("/survey").close();
      write_survey(*s.file, survey);
      ++s.position.surveys;
    }
    s.position.steps_written = last_step;
    const H5::Group root = s.file->openGroup("/");
    root.openAttribute(last_complete_step_name).write(H5::PredType::NATIVE_INT64, &last_step);
    s.file->flush(H5F_SCOPE_GLOBAL);
    if (durable) sync_path(s.partial);
  });
  return written;
}

void RunFileStream::finish(const RunRecord& record) {
  Impl& s = *impl_;
  guarded(s, [&] {
    if (s.position.steps_written != s.steps) {
      throw std::logic_error("finish: the file holds steps up to " +
                             std::to_string(s.position.steps_written) + " of " +
                             std::to_string(s.steps));
    }
    check_free_space(s.partial, 0.0);
    write_tables(*s.file, record);
    write_timings(*s.file, record);
    {
      const H5::Group root = s.file->openGroup("/");
      write_int_attribute(root, "threads", record.threads);
      write_double_attribute(root, "wall_seconds", record.wall_seconds);
      root.removeAttr(last_complete_step_name);
      // Last of all, after every dataset: a file whose status is not "complete" is a run
      // that did not finish.
      root.removeAttr("status");
      write_string_attribute(root, "status", "complete");
    }
    s.file->flush(H5F_SCOPE_GLOBAL);
    close_file(s.file, s.broken);
    sync_path(s.partial);
    if (std::rename(s.partial.c_str(), s.path.c_str()) != 0) {
      const int error = errno;
      throw std::runtime_error("cannot rename '" + s.partial + "': " + std::strerror(error));
    }
    sync_path(folder_of(s.path), true);
  });
}

bool run_file_left_open() {
  return left_open.load();
}

void RunFileStream::close() noexcept {
  if (!impl_) return;
  const Hdf5ErrorCapture errors;
  try {
    close_file(impl_->file, impl_->broken);
  } catch (...) { // leaves the file as of its last flush
  }
}

void RunFileStream::discard() noexcept {
  if (!impl_) return;
  close();
  std::remove(impl_->partial.c_str());
}

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
  RunFileStream stream = RunFileStream::create(path, record, provenance);
  try {
    stream.append(record, record.steps, false);
    stream.finish(record);
  } catch (...) {
    stream.discard();
    throw;
  }
}

} // namespace minesim
