// Run files back out of HDF5: whole time series for `minesim compare`, and CSV files for
// `minesim export` (docs/output-format.md, "CSV export"). Reading only; the run file's layout is
// run_file.cpp's.
#include "io/export.hpp"

#include "engine/errors.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/index_file.hpp"
#include "io/run_file_open.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <variant>

namespace minesim {
namespace {

namespace fs = std::filesystem;
using detail::is_dimension_scale;
using detail::open_complete_run;
using detail::reason_of;
using detail::SilentHdf5;

/// The names of the datasets directly in `group` that are not dimension scales, in the
/// file's (name) order.
std::vector<std::string> dataset_names(const H5::Group& group) {
  std::vector<std::string> out;
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    std::string name = group.getObjnameByIdx(i);
    if (group.childObjType(name) != H5O_TYPE_DATASET) continue;
    if (!is_dimension_scale(group.openDataSet(name))) out.push_back(std::move(name));
  }
  return out;
}

std::string string_attribute_or_empty(const H5::H5Object& object, const char* name) {
  return object.attrExists(name) ? read_string_attribute(object, name) : std::string();
}

StoredSeries read_series(const H5::Group& group, const std::string& name) {
  const H5::DataSet dataset = group.openDataSet(name);
  StoredSeries s;
  s.name = name;
  s.units = string_attribute_or_empty(dataset, "units");
  s.description = string_attribute_or_empty(dataset, "description");
  s.kind = string_attribute_or_empty(dataset, "kind");
  s.values.resize(static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints()));
  if (!s.values.empty()) dataset.read(s.values.data(), H5::PredType::NATIVE_DOUBLE);
  return s;
}

std::vector<StoredSeries> series_of(const H5::H5File& file, const std::string& path,
                                    const std::vector<std::string>& names) {
  std::vector<StoredSeries> out;
  if (!file.nameExists("/timeseries")) {
    if (names.empty()) return out;
    throw InputError(path + ": no /timeseries group; is it a minesim run file?");
  }
  const H5::Group group = file.openGroup("/timeseries");
  const std::vector<std::string> all = dataset_names(group);
  for (const std::string& name : names.empty() ? all : names) {
    if (std::find(all.begin(), all.end(), name) == all.end())
      throw InputError(path + ": no time series '" + name + "'");
    out.push_back(read_series(group, name));
  }
  return out;
}

// --- CSV ---------------------------------------------------------------------------------

/// A CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

/// A double with round-trip precision; "nan", "inf" and "-inf" for the others.
void append_real(std::string& out, double x) {
  if (std::isnan(x)) {
    out.append("nan");
    return;
  }
  if (std::isinf(x)) {
    out.append(x > 0 ? "inf" : "-inf");
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  out.append(buf);
}

/// One CSV file, written under "<name>.partial" and renamed by publish().
class CsvFile {
public:
  CsvFile(fs::path path, const std::string& header)
      : path_(std::move(path)), partial_(path_.string() + ".partial"),
        out_(partial_, std::ios::binary | std::ios::trunc) {
    if (!out_) throw std::runtime_error(partial_.string() + ": cannot be written");
    buffer_ = header;
    buffer_.push_back('\n');
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  ~CsvFile() {
    if (!published_) {
      out_.close();
      std::error_code ec;
      fs::remove(partial_, ec);
    }
  }

  /// The line being built: append fields, then end_row().
  std::string& line() { return buffer_; }
  void end_row() {
    buffer_.push_back('\n');
    ++rows_;
    if (buffer_.size() > (std::size_t{1} << 20)) flush();
  }
  [[nodiscard]] std::size_t rows() const { return rows_; }

  void publish() {
    flush();
    out_.close();
    if (!out_) throw std::runtime_error(partial_.string() + ": write failed");
    fs::rename(partial_, path_);
    published_ = true;
  }

private:
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (!out_) throw std::runtime_error(partial_.string() + ": write failed");
    buffer_.clear();
  }

  fs::path path_;
  fs::path partial_;
  std::ofstream out_;
  std::string buffer_;
  std::size_t rows_ = 0;
  bool published_ = false;
};

/// A run to export and the labels of its rows.
struct RunSource {
  std::string id;
  std::string arm;
  std::string replicate;
  std::string path;
};

/// The leading fields of every row of `run`.
void append_labels(std::string& line, const RunSource& run) {
  line.append(csv_text(run.id)).append(",").append(csv_text(run.arm)).append(",");
  line.append(run.replicate);
}

/// One column of an event table.
struct EventColumn {
  std::string name;
  std::variant<std::vector<std::int64_t>, std::vector<double>> values;
};

std::vector<EventColumn> read_event_columns(const H5::DataSet& dataset) {
  const auto rows = static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints());
  const H5::CompType type = dataset.getCompType();
  std::vector<EventColumn> out;
  for (int m = 0; m < type.getNmembers(); ++m) {
    EventColumn column;
    column.name = type.getMemberName(static_cast<unsigned>(m));
    // A compound type of one member reads that field alone (HDF5 matches fields by name).
    H5::CompType one(std::size_t{8});
    if (type.getMemberClass(static_cast<unsigned>(m)) == H5T_INTEGER) {
      one.insertMember(column.name, 0, H5::PredType::NATIVE_INT64);
      std::vector<std::int64_t> v(rows);
      if (rows > 0) dataset.read(v.data(), one);
      column.values = std::move(v);
    } else {
      one.insertMember(column.name, 0, H5::PredType::NATIVE_DOUBLE);
      std::vector<double> v(rows);
      if (rows > 0) dataset.read(v.data(), one);
      column.values = std::move(v);
    }
    out.push_back(std::move(column));
  }
  return out;
}

std::string header_of(const std::vector<std::string>& leading,
                      const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : leading)
    out.append(out.empty() ? "" : ",").append(csv_text(f));
  for (const std::string& f : fields)
    out.append(",").append(csv_text(f));
  return out;
}

/// Writes the runs' tables into the CSV files of one folder.
class CsvExport {
public:
  explicit CsvExport(fs::path dir) : dir_(std::move(dir)) {
    timeseries_ = std::make_unique<CsvFile>(dir_ / "timeseries.csv",
                                            "run_id,arm,replicate,step,metric,value,unit");
  }

  void add(const RunSource& run) {
    const SilentHdf5 quiet;
    const H5::H5File file = open_complete_run(run.path);
    try {
      for (const StoredSeries& s : series_of(file, run.path, {}))
        write_series(run, s);
      if (file.nameExists("/events")) {
        const H5::Group events = file.openGroup("/events");
        for (const std::string& name : dataset_names(events)) {
          const H5::DataSet dataset = events.openDataSet(name);
          if (dataset.getTypeClass() != H5T_COMPOUND) continue;
          write_events(run, name, read_event_columns(dataset));
        }
      }
      if (file.nameExists("/panel/households")) write_panel(run, file);
    } catch (const H5::Exception& e) {
      throw InputError(run.path + ": not a readable run file (" + reason_of(e) + ")");
    }
  }

  /// Rename every file into place; the summary's list of files and rows.
  std::vector<std::pair<std::string, std::size_t>> publish() {
    std::vector<std::pair<std::string, std::size_t>> out;
    timeseries_->publish();
    out.emplace_back("timeseries.csv", timeseries_->rows());
    for (auto& [name, table] : events_) {
      table->csv->publish();
      out.emplace_back("events_" + name + ".csv", table->csv->rows());
    }
    if (panel_) {
      panel_->csv->publish();
      out.emplace_back("panel.csv", panel_->csv->rows());
    }
    return out;
  }

private:
  struct Table {
    std::vector<std::string> fields;
    std::unique_ptr<CsvFile> csv;
  };

  void write_series(const RunSource& run, const StoredSeries& s) {
    const std::string metric = csv_text(s.name);
    const std::string unit = csv_text(s.units);
    for (std::size_t step = 0; step < s.values.size(); ++step) {
      std::string& line = timeseries_->line();
      append_labels(line, run);
      line.append(",").append(std::to_string(step)).append(",").append(metric).append(",");
      append_real(line, s.values[step]);
      line.append(",").append(unit);
      timeseries_->end_row();
    }
  }

  /// The table `slot` for rows of `fields`, started on first use; every run must give the
  /// same fields.
  Table& table(std::optional<Table>& slot, const std::string& file_name,
               const std::vector<std::string>& leading, const std::vector<std::string>& fields,
               const std::string& what) {
    if (!slot) {
      slot.emplace(
          Table{fields, std::make_unique<CsvFile>(dir_ / file_name, header_of(leading, fields))});
    }
    if (slot->fields != fields)
      throw InputError("the runs differ in the fields of " + what + "; export them one by one");
    return *slot;
  }

  void write_events(const RunSource& run, const std::string& name,
                    const std::vector<EventColumn>& columns) {
    std::vector<std::string> fields;
    for (const EventColumn& c : columns)
      fields.push_back(c.name);
    CsvFile& csv = *table(events_[name], "events_" + name + ".csv", {"run_id", "arm", "replicate"},
                          fields, "/events/" + name)
                        .csv;
    const std::size_t rows =
        columns.empty() ? 0 : std::visit([](const auto& v) { return v.size(); }, columns[0].values);
    for (std::size_t r = 0; r < rows; ++r) {
      std::string& line = csv.line();
      append_labels(line, run);
      for (const EventColumn& c : columns) {
        line.push_back(',');
        if (const auto* integers = std::get_if<std::vector<std::int64_t>>(&c.values))
          line.append(std::to_string((*integers)[r]));
        else
          append_real(line, std::get<std::vector<double>>(c.values)[r]);
      }
      csv.end_row();
    }
  }

  void write_panel(const RunSource& run, const H5::H5File& file) {
    const auto read_int64 = [&file](const char* where) {
      const H5::DataSet d = file.openDataSet(where);
      std::vector<std::int64_t> v(static_cast<std::size_t>(d.getSpace().getSimpleExtentNpoints()));
      if (!v.empty()) d.read(v.data(), H5::PredType::NATIVE_INT64);
      return v;
    };
    const std::vector<std::int64_t> steps = read_int64("/panel/steps");
    const std::vector<std::int64_t> ids = read_int64("/panel/household_ids");
    const H5::Group group = file.openGroup("/panel/households");
    const std::vector<std::string> fields = dataset_names(group);
    std::vector<std::vector<double>> values;
    for (const std::string& f : fields) {
      const H5::DataSet d = group.openDataSet(f);
      std::vector<double> v(static_cast<std::size_t>(d.getSpace().getSimpleExtentNpoints()));
      if (v.size() != steps.size() * ids.size())
        throw InputError(run.path + ": /panel/households/" + f +
                         " does not hold one value per snapshot and household");
      if (!v.empty()) d.read(v.data(), H5::PredType::NATIVE_DOUBLE);
      values.push_back(std::move(v));
    }
    CsvFile& csv = *table(panel_, "panel.csv", {"run_id", "arm", "replicate", "step", "household"},
                          fields, "/panel")
                        .csv;
    for (std::size_t s = 0; s < steps.size(); ++s) {
      for (std::size_t j = 0; j < ids.size(); ++j) {
        std::string& line = csv.line();
        append_labels(line, run);
        line.append(",").append(std::to_string(steps[s]));
        line.append(",").append(std::to_string(ids[j]));
        for (const std::vector<double>& v : values) {
          line.push_back(',');
          append_real(line, v[s * ids.size() + j]);
        }
        csv.end_row();
      }
    }
  }

  fs::path dir_;
  std::unique_ptr<CsvFile> timeseries_;
  std::map<std::string, std::optional<Table>> events_;
  std::optional<Table> panel_;
};

template <typename T>
const std::vector<T>& index_column(const IndexContents& index, const std::string& name,
                                   const std::string& path) {
  for (const IndexColumn& c : index.columns) {
    if (c.name != name) continue;
    if (const auto* v = std::get_if<std::vector<T>>(&c.values)) return *v;
    break;
  }
  throw InputError(path + ": no column '" + name +
                   "' of the expected type in /runs; is it a "
                   "minesim batch index?");
}

/// The complete runs of the batch folder `dir`, in the index's order; `skipped` counts the
/// others.
std::vector<RunSource> batch_runs(const std::string& dir, std::size_t& skipped) {
  const std::string index_path = (fs::path(dir) / "index.h5").string();
  if (!fs::is_regular_file(index_path)) {
    throw InputError(dir + ": no batch index (index.h5); run `minesim batch` (or `minesim "
                           "batch-merge` after a job array) first");
  }
  IndexContents index;
  try {
    index = read_index_file(index_path);
  } catch (const std::runtime_error& e) {
    throw InputError(index_path + ": not a readable batch index (" + e.what() + ")");
  }
  const auto& ids = index_column<std::string>(index, "run_id", index_path);
  const auto& arms = index_column<std::string>(index, "arm", index_path);
  const auto& replicates = index_column<std::int64_t>(index, "replicate", index_path);
  const auto& statuses = index_column<std::string>(index, "status", index_path);
  const auto links = read_index_links(index_path);
  std::vector<RunSource> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i] != "complete") {
      ++skipped;
      continue;
    }
    const auto link =
        std::find_if(links.begin(), links.end(), [&](const auto& l) { return l.first == ids[i]; });
    if (link == links.end()) {
      throw InputError(index_path + ": no link to the complete run " + ids[i] +
                       "; rebuild the index with `minesim batch-merge " + dir + "`");
    }
    out.push_back({ids[i], arms[i], std::to_string(replicates[i]), link->second});
  }
  return out;
}

/// A single run file: its id is the file name without ".h5"; arm and replicate come from
/// the root attributes when the file has them.
RunSource single_run(const std::string& path) {
  const SilentHdf5 quiet;
  const H5::H5File file = open_complete_run(path);
  RunSource run{fs::path(path).stem().string(), "", "", path};
  try {
    const H5::Group root = file.openGroup("/");
    if (root.attrExists("arm")) run.arm = read_string_attribute(root, "arm");
    if (root.attrExists("replicate")) {
      std::int64_t r = 0;
      root.openAttribute("replicate").read(H5::PredType::NATIVE_INT64, &r);
      run.replicate = std::to_string(r);
    }
  } catch (const H5::Exception& e) {
    throw InputError(path + ": not a readable run file (" + reason_of(e) + ")");
  }
  return run;
}

} // namespace

std::vector<StoredSeries> read_run_series(const std::string& path,
                                          const std::vector<std::string>& names) {
  const SilentHdf5 quiet;
  const H5::H5File file = open_complete_run(path);
  try {
    return series_of(file, path, names);
  } catch (const H5::Exception& e) {
    throw InputError(path + ": not a readable run file (" + reason_of(e) + ")");
  }
}

std::vector<std::pair<std::string, std::string>> read_index_links(const std::string& index_path) {
  const SilentHdf5 quiet;
  std::vector<std::pair<std::string, std::string>> out;
  const fs::path folder = fs::path(index_path).parent_path();
  try {
    const H5::H5File file(index_path, H5F_ACC_RDONLY);
    if (!file.nameExists("/links")) return out;
    const H5::Group links = file.openGroup("/links");
    for (hsize_t i = 0; i < links.getNumObjs(); ++i) {
      const std::string name = links.getObjnameByIdx(i);
      H5L_info_t info;
      if (H5Lget_info(links.getId(), name.c_str(), &info, H5P_DEFAULT) < 0 ||
          info.type != H5L_TYPE_EXTERNAL)
        continue;
      std::vector<char> value(info.u.val_size);
      const char* target = nullptr;
      const char* object = nullptr;
      unsigned flags = 0;
      if (H5Lget_val(links.getId(), name.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0 ||
          H5Lunpack_elink_val(value.data(), value.size(), &flags, &target, &object) < 0)
        throw InputError(index_path + ": cannot read the link /links/" + name);
      const fs::path relative(target);
      out.emplace_back(name, (relative.is_absolute() ? relative : folder / relative).string());
    }
  } catch (const H5::Exception& e) {
    throw InputError(index_path + ": not a readable batch index (" + reason_of(e) + ")");
  }
  return out;
}

CsvExportSummary export_csv(const std::string& input, const std::string& dir, bool force) {
  std::error_code ec;
  if (!fs::exists(input, ec)) throw InputError(input + ": no such file or folder");
  CsvExportSummary summary;
  const std::vector<RunSource> runs = fs::is_directory(input)
                                          ? batch_runs(input, summary.skipped)
                                          : std::vector<RunSource>{single_run(input)};
  if (runs.empty()) throw InputError(input + ": the batch has no complete run to export");

  const fs::path out(dir);
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out)) throw InputError(dir + ": exists and is not a folder");
    if (!fs::is_empty(out, ec) && !force) {
      throw InputError(dir + ": folder exists and is not empty; pass --force to write into it "
                             "(files of the same names are replaced)");
    }
  } else if (!fs::create_directories(out, ec) || ec) {
    throw InputError(dir + ": cannot create the folder (" + ec.message() + ")");
  }

  CsvExport csv(out);
  for (const RunSource& run : runs)
    csv.add(run);
  summary.files = csv.publish();
  summary.runs = runs.size();
  return summary;
}

} // namespace minesim
