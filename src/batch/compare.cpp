#include "batch/compare.hpp"

#include "engine/errors.hpp"
#include "engine/stats.hpp"
#include "io/export.hpp"
#include "scenario/loader.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <system_error>

namespace minesim::batch {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view final_prefix = "final_";

const IndexColumn& column(const IndexContents& index, const std::string& name) {
  for (const IndexColumn& c : index.columns)
    if (c.name == name) return c;
  throw InputError("index has no column '" + name + "'; is it a minesim batch index?");
}

template <typename T> const std::vector<T>& values_of(const IndexColumn& c) {
  const auto* v = std::get_if<std::vector<T>>(&c.values);
  if (v == nullptr) throw InputError("index column '" + c.name + "' has an unexpected type");
  return *v;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (arm names may).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double x) {
  if (std::isnan(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

/// The arms in index order; InputError when `baseline` is not one of them.
std::vector<std::string> arm_names_of(const IndexContents& index, const std::string& baseline) {
  std::vector<std::string> names;
  for (const std::string& a : values_of<std::string>(column(index, "arm")))
    if (std::find(names.begin(), names.end(), a) == names.end()) names.push_back(a);
  if (std::find(names.begin(), names.end(), baseline) == names.end()) {
    const std::string near = nearest_key(baseline, names);
    throw InputError("--baseline: no arm \"" + baseline + "\" in the index" +
                     (near.empty() ? "" : "; did you mean \"" + near + "\"?") +
                     " (arms: " + list_text(names) + ")");
  }
  return names;
}

/// The metrics named (with or without "final_"), or every final_ column of the index.
std::vector<std::string> chosen_metrics(const IndexContents& index,
                                        const std::vector<std::string>& metrics) {
  std::vector<std::string> available;
  for (const IndexColumn& c : index.columns)
    if (c.name.rfind(final_prefix, 0) == 0) available.push_back(c.name.substr(final_prefix.size()));
  std::vector<std::string> chosen;
  for (const std::string& m : metrics) {
    const std::string name = m.rfind(final_prefix, 0) == 0 ? m.substr(final_prefix.size()) : m;
    if (std::find(available.begin(), available.end(), name) == available.end()) {
      const std::string near = nearest_key(name, available);
      throw InputError("--metric: the index has no final value of \"" + name + "\"" +
                       (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
    }
    chosen.push_back(name);
  }
  return metrics.empty() ? available : chosen;
}

/// One metric's statistic for every row of the index (NaN where a run has none).
struct MetricValues {
  std::string metric;
  std::string statistic;
  std::string units;
  std::vector<double> values;
};

/// Every arm but the baseline against the baseline, replicate by replicate, on each metric.
std::vector<PairedDifference> pair_up(const IndexContents& index, const std::string& baseline,
                                      const std::vector<std::string>& arm_names,
                                      const std::vector<MetricValues>& metrics) {
  const auto& arms = values_of<std::string>(column(index, "arm"));
  const auto& replicates = values_of<std::int64_t>(column(index, "replicate"));
  const auto& statuses = values_of<std::string>(column(index, "status"));
  // Row of each (arm, replicate) that completed.
  std::map<std::pair<std::string, std::int64_t>, std::size_t> row_of;
  for (std::size_t i = 0; i < arms.size(); ++i)
    if (statuses[i] == "complete") row_of[{arms[i], replicates[i]}] = i;

  std::vector<PairedDifference> out;
  for (const std::string& arm : arm_names) {
    if (arm == baseline) continue;
    for (const MetricValues& metric : metrics) {
      PairedDifference d;
      d.arm = arm;
      d.metric = metric.metric;
      d.statistic = metric.statistic;
      d.units = metric.units;
      std::vector<double> arm_values;
      std::vector<double> base_values;
      for (const auto& [key, row] : row_of) {
        if (key.first != arm) continue;
        const auto base = row_of.find({baseline, key.second});
        if (base == row_of.end()) continue;
        const double a = metric.values[row];
        const double b = metric.values[base->second];
        if (!std::isfinite(a) || !std::isfinite(b)) continue;
        arm_values.push_back(a);
        base_values.push_back(b);
      }
      const PairedStats stats = paired_stats(arm_values, base_values);
      d.pairs = stats.pairs;
      d.arm_mean = stats.mean_a;
      d.baseline_mean = stats.mean_b;
      d.mean_difference = stats.mean_difference;
      d.ci_low = d.ci_high = nan;
      if (d.pairs >= 2) {
        const double half_width =
            t_quantile_975(static_cast<double>(d.pairs) - 1.0) * stats.standard_error;
        d.ci_low = d.mean_difference - half_width;
        d.ci_high = d.mean_difference + half_width;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

/// A whole number of steps from --stat ("12"), or nothing.
std::optional<std::int64_t> step_number(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

SeriesKind kind_of(const StoredSeries& series, const std::string& path) {
  if (series.kind == "flow") return SeriesKind::flow;
  if (series.kind == "stock" || series.kind.empty()) return SeriesKind::stock;
  throw InputError(path + ": time series '" + series.name + "' has kind '" + series.kind +
                   "'; expected stock or flow");
}

} // namespace

double t_quantile_975(double degrees_of_freedom) {
  const boost::math::students_t distribution(degrees_of_freedom);
  return boost::math::quantile(distribution, 0.975);
}

SeriesStatistic parse_statistic(const std::string& text) {
  SeriesStatistic s;
  const auto bad = [&text]() {
    return InputError("--stat: expected final, sum, mean:FROM-TO or at:STEP, got '" + text + "'");
  };
  if (text == "final") return s;
  if (text == "sum") {
    s.kind = SeriesStatistic::Kind::sum;
    return s;
  }
  const std::string_view view(text);
  if (view.rfind("at:", 0) == 0) {
    const auto step = step_number(view.substr(3));
    if (!step) throw bad();
    s.kind = SeriesStatistic::Kind::at;
    s.from = s.to = *step;
    return s;
  }
  if (view.rfind("mean:", 0) == 0) {
    const std::string_view range = view.substr(5);
    const std::size_t dash = range.find('-');
    if (dash == std::string_view::npos) throw bad();
    const auto from = step_number(range.substr(0, dash));
    const auto to = step_number(range.substr(dash + 1));
    if (!from || !to) throw bad();
    if (*from > *to) throw InputError("--stat: " + text + ": FROM is after TO");
    s.kind = SeriesStatistic::Kind::mean;
    s.from = *from;
    s.to = *to;
    return s;
  }
  throw bad();
}

std::string statistic_text(const SeriesStatistic& statistic) {
  switch (statistic.kind) {
  case SeriesStatistic::Kind::final_value: return "final";
  case SeriesStatistic::Kind::sum: return "sum";
  case SeriesStatistic::Kind::at: return std::string("at:").append(std::to_string(statistic.from));
  case SeriesStatistic::Kind::mean: break;
  }
  return std::string("mean:")
      .append(std::to_string(statistic.from))
      .append("-")
      .append(std::to_string(statistic.to));
}

SeriesStatistic default_statistic(SeriesKind kind) {
  SeriesStatistic s;
  if (kind == SeriesKind::flow) s.kind = SeriesStatistic::Kind::sum;
  return s;
}

void check_statistic_steps(const SeriesStatistic& statistic, std::int64_t steps,
                           const std::string& where) {
  const bool reads_steps =
      statistic.kind == SeriesStatistic::Kind::mean || statistic.kind == SeriesStatistic::Kind::at;
  if (!reads_steps || statistic.to <= steps) return;
  throw InputError(std::string("--stat: ")
                       .append(statistic_text(statistic))
                       .append(" reads step ")
                       .append(std::to_string(statistic.to))
                       .append(", but ")
                       .append(where)
                       .append(" ends at step ")
                       .append(std::to_string(steps)));
}

double apply_statistic(const SeriesStatistic& statistic, std::span<const double> values) {
  if (values.empty()) return nan;
  const auto sum = [&values](std::size_t first, std::size_t last) { // both included
    double total = 0.0;
    for (std::size_t i = first; i <= last && i < values.size(); ++i)
      total += values[i];
    return total;
  };
  const auto from = static_cast<std::size_t>(statistic.from);
  const auto to = static_cast<std::size_t>(statistic.to);
  switch (statistic.kind) {
  case SeriesStatistic::Kind::final_value: return values.back();
  case SeriesStatistic::Kind::sum: return sum(1, values.size() - 1);
  case SeriesStatistic::Kind::at: return values[from];
  case SeriesStatistic::Kind::mean: break;
  }
  return sum(from, to) / static_cast<double>(to - from + 1);
}

std::vector<PairedDifference> paired_differences(const IndexContents& index,
                                                 const std::string& baseline,
                                                 const std::vector<std::string>& metrics) {
  const std::vector<std::string> arm_names = arm_names_of(index, baseline);
  std::vector<MetricValues> values;
  for (const std::string& metric : chosen_metrics(index, metrics)) {
    const IndexColumn& c = column(index, std::string(final_prefix) + metric);
    values.push_back({metric, "final", c.units, values_of<double>(c)});
  }
  return pair_up(index, baseline, arm_names, values);
}

std::vector<PairedDifference> paired_differences(const std::string& index_path,
                                                 const IndexContents& index,
                                                 const std::string& baseline,
                                                 const std::vector<std::string>& metrics,
                                                 const std::optional<SeriesStatistic>& statistic) {
  const std::vector<std::string> arm_names = arm_names_of(index, baseline);
  const std::vector<std::string> chosen = chosen_metrics(index, metrics);
  const auto& ids = values_of<std::string>(column(index, "run_id"));
  const auto& statuses = values_of<std::string>(column(index, "status"));
  const auto links = read_index_links(index_path);

  std::vector<MetricValues> values(chosen.size());
  std::vector<SeriesStatistic> statistics(chosen.size());
  bool first = true;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (statuses[row] != "complete") continue;
    const auto link = std::find_if(links.begin(), links.end(),
                                   [&](const auto& l) { return l.first == ids[row]; });
    if (link == links.end()) {
      throw InputError(index_path + ": no link to the complete run " + ids[row] +
                       "; rebuild the index with `minesim batch-merge`");
    }
    const std::vector<StoredSeries> series = read_run_series(link->second, chosen);
    for (std::size_t k = 0; k < chosen.size(); ++k) {
      MetricValues& m = values[k];
      if (first) {
        // The statistic and units of a metric come from the first complete run.
        statistics[k] =
            statistic ? *statistic : default_statistic(kind_of(series[k], link->second));
        m = {chosen[k], statistic_text(statistics[k]), series[k].units,
             std::vector<double>(ids.size(), nan)};
      }
      const auto steps = static_cast<std::int64_t>(series[k].values.size()) - 1;
      check_statistic_steps(statistics[k], steps, "run " + ids[row]);
      m.values[row] = apply_statistic(statistics[k], series[k].values);
    }
    first = false;
  }
  if (first) { // no complete run: nothing to read, every pair count 0
    for (std::size_t k = 0; k < chosen.size(); ++k) {
      const SeriesStatistic s = statistic ? *statistic : SeriesStatistic{};
      values[k] = {chosen[k], statistic_text(s), "", std::vector<double>(ids.size(), nan)};
    }
  }
  return pair_up(index, baseline, arm_names, values);
}

std::string comparison_text(const std::vector<PairedDifference>& rows,
                            const std::string& baseline) {
  std::string out = "Paired differences, arm - baseline (\"" + baseline +
                    "\"), per replicate (common random numbers); mean over replicates with a "
                    "95% confidence interval (Student's t).\nEach run's series is first "
                    "reduced to its statistic: final (the last step), sum (steps 1 to the "
                    "last), mean:FROM-TO or at:STEP.\n";
  std::size_t width = 6;
  std::size_t stat_width = 9;
  std::size_t units_width = 5;
  for (const PairedDifference& d : rows) {
    width = std::max(width, d.metric.size());
    stat_width = std::max(stat_width, d.statistic.size());
    units_width = std::max(units_width, d.units.size());
  }
  std::string current;
  char line[768];
  for (const PairedDifference& d : rows) {
    if (d.arm != current) {
      current = d.arm;
      out += "\narm \"" + d.arm + "\"\n";
      std::snprintf(line, sizeof line, "  %-*s %-*s %-*s %5s %14s %14s %14s  %s\n",
                    static_cast<int>(width), "metric", static_cast<int>(stat_width), "statistic",
                    static_cast<int>(units_width), "units", "pairs", "baseline mean", "arm mean",
                    "mean diff", "95% CI");
      out += line;
    }
    // Appended piecewise: g++ 12 misreads `"[" + std::string` as an overlapping copy.
    std::string ci = number(d.ci_low);
    ci.insert(ci.begin(), '[');
    ci.append(", ").append(number(d.ci_high)).append("]");
    std::snprintf(line, sizeof line, "  %-*s %-*s %-*s %5zu %14s %14s %14s  %s\n",
                  static_cast<int>(width), d.metric.c_str(), static_cast<int>(stat_width),
                  d.statistic.c_str(), static_cast<int>(units_width), d.units.c_str(), d.pairs,
                  number(d.baseline_mean).c_str(), number(d.arm_mean).c_str(),
                  number(d.mean_difference).c_str(), ci.c_str());
    out += line;
  }
  return out;
}

std::string comparison_csv(const std::vector<PairedDifference>& rows, const std::string& baseline) {
  std::string out = "baseline,arm,metric,pairs,baseline_mean,arm_mean,mean_difference,ci_low,"
                    "ci_high,statistic,units\n";
  char buf[64];
  const auto g = [&buf](double x) {
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return std::string(buf);
  };
  for (const PairedDifference& d : rows) {
    out += csv_field(baseline) + "," + csv_field(d.arm) + "," + d.metric + "," +
           std::to_string(d.pairs) + "," + g(d.baseline_mean) + "," + g(d.arm_mean) + "," +
           g(d.mean_difference) + "," + g(d.ci_low) + "," + g(d.ci_high) + "," +
           csv_field(d.statistic) + "," + csv_field(d.units) + "\n";
  }
  return out;
}

} // namespace minesim::batch
