// Limits on TOML input checked before toml11 parses it (see toml_limits.hpp).
#include "scenario/toml_limits.hpp"

#include "engine/errors.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace minesim {

bool read_toml_text(std::istream& in, std::string& text) {
  text.clear();
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > max_toml_bytes) {
      text.append(buffer, max_toml_bytes - text.size());
      return false;
    }
    text.append(buffer, got);
  }
  return true;
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// What an open bracket is: a table header (`[a.b]`, `[[a]]`), an array or an inline table.
enum class Open { header, array, inline_table };

/// Scans `text` for brackets and dots outside strings and comments, tracking how deep the
/// value tree it describes would be. Line numbers are counted for the message.
class NestingScan {
public:
  NestingScan(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  void run() {
    for (i_ = 0; i_ < text_.size(); ++i_) {
      const char c = text_[i_];
      switch (c) {
      case '\n':
        ++line_;
        commas_on_line_ = 0;
        line_start_ = true;
        token_has_dot_ = false;
        if (open_.empty()) dots_ = header_depth_;
        continue;
      case ' ':
      case '\t':
      case '\r': token_has_dot_ = false; continue;
      case '#': skip_comment(); continue;
      case '"':
      case '\'': skip_string(c); break;
      case '[':
      case '{': open(c); break;
      case ']':
      case '}': close(); break;
      case ',':
        if (!open_.empty()) dots_ = open_.back().dots;
        token_has_dot_ = false;
        count_value();
        break;
      case '=': token_has_dot_ = false; break;
      case '.': dot(); break;
      default: break;
      }
      line_start_ = false;
    }
  }

private:
  struct Level {
    Open kind;
    int dots; ///< dotted depth when it was opened
  };

  void check() const {
    if (static_cast<int>(open_.size()) + dots_ > max_toml_nesting) {
      throw InputError(SourcePos{name_, line_}, "syntax error",
                       "nested more than " + std::to_string(max_toml_nesting) +
                           " levels deep (arrays, inline tables and dotted keys)");
    }
  }

  /// toml11 looks back from every value to the start of its line, so one line of n values
  /// takes time in n squared (20,000 small values: 1 s; as inline tables: 16 s).
  void count_value() {
    if (++commas_on_line_ + 1 > max_toml_values_per_line) {
      throw InputError(SourcePos{name_, line_}, "syntax error",
                       "more than " + std::to_string(max_toml_values_per_line) +
                           " values on one line; write long lists over several lines");
    }
  }

  void open(char c) {
    Open kind = c == '{' ? Open::inline_table : Open::array;
    const bool header_start = c == '[' && open_.empty() && line_start_;
    const bool header_inner = c == '[' && !open_.empty() && open_.back().kind == Open::header &&
                              i_ > 0 && text_[i_ - 1] == '[';
    if (header_start) dots_ = 0; // a new table: its keys start from its own path
    if (header_start || header_inner) kind = Open::header;
    open_.push_back(Level{kind, dots_});
    token_has_dot_ = false;
    check();
  }

  void close() {
    token_has_dot_ = false;
    if (open_.empty()) return; // unbalanced: toml11 reports it
    const Level level = open_.back();
    open_.pop_back();
    if (level.kind == Open::header) {
      // The header's keys are the base of every key until the next header.
      if (open_.empty()) {
        header_depth_ = dots_ + 1;
        dots_ = header_depth_;
      }
    } else {
      dots_ = level.dots;
    }
  }

  void dot() {
    // A decimal point (1.5, a time's fraction) joins two digits, once per token; any other
    // dot separates the parts of a dotted key.
    const bool decimal = !token_has_dot_ && i_ > 0 && is_digit(text_[i_ - 1]) &&
                         i_ + 1 < text_.size() && is_digit(text_[i_ + 1]);
    token_has_dot_ = true;
    if (decimal) return;
    ++dots_;
    check();
  }

  void skip_comment() {
    while (i_ + 1 < text_.size() && text_[i_ + 1] != '\n')
      ++i_;
  }

  /// From an opening quote to its closing quote (or, for a single-line string, to just
  /// before the end of the line, which toml11 then reports).
  void skip_string(char quote) {
    token_has_dot_ = false;
    const bool basic = quote == '"';
    const bool multi_line = text_.compare(i_, 3, std::string(3, quote)) == 0;
    std::size_t j = i_ + (multi_line ? 3 : 1);
    while (j < text_.size()) {
      const char c = text_[j];
      if (basic && c == '\\' && j + 1 < text_.size() && text_[j + 1] != '\n') {
        j += 2;
        continue;
      }
      if (c == '\n') {
        if (!multi_line) break;
        ++line_;
      }
      if (c == quote && (!multi_line || text_.compare(j, 3, std::string(3, quote)) == 0)) {
        if (multi_line) {
          j += 2;
          while (j + 1 < text_.size() && text_[j + 1] == quote) // """a"""" ends in a quote
            ++j;
        }
        i_ = j;
        return;
      }
      ++j;
    }
    i_ = j - 1; // unterminated: the newline (or the end) is seen by run()
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t i_ = 0;
  int line_ = 1;
  bool line_start_ = true;
  bool token_has_dot_ = false;
  std::size_t commas_on_line_ = 0; ///< commas in arrays and inline tables on this line
  std::vector<Level> open_;
  int dots_ = 0;         ///< depth from dotted keys and the current header
  int header_depth_ = 0; ///< keys of the last table header
};

} // namespace

void check_toml_nesting(std::string_view text, const std::string& name) {
  NestingScan(text, name).run();
}

void check_toml_utf8(std::string_view text, const std::string& name) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return i < text.size() && byte(i) >= lo && byte(i) <= hi;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned b = byte(i);
    std::size_t length = 0;
    if (b <= 0x7F) {
      length = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      length = continuation(i + 1) ? 2 : 0;
    } else if (b >= 0xE0 && b <= 0xEF) {
      // E0: no overlong forms; ED: no UTF-16 surrogates.
      const unsigned lo = b == 0xE0 ? 0xA0 : 0x80;
      const unsigned hi = b == 0xED ? 0x9F : 0xBF;
      length = continuation(i + 1, lo, hi) && continuation(i + 2) ? 3 : 0;
    } else if (b >= 0xF0 && b <= 0xF4) {
      // F0: no overlong forms; F4: nothing above U+10FFFF.
      const unsigned lo = b == 0xF0 ? 0x90 : 0x80;
      const unsigned hi = b == 0xF4 ? 0x8F : 0xBF;
      length = continuation(i + 1, lo, hi) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    }
    if (length == 0) {
      const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(i), '\n');
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      throw InputError(SourcePos{name, static_cast<int>(line)}, "syntax error",
                       std::string("not UTF-8 text (byte ") + hex + "); a TOML file must be UTF-8");
    }
    i += length;
  }
}

void check_toml_text(std::string_view text, const std::string& name) {
  check_toml_utf8(text, name);
  check_toml_nesting(text, name);
}

} // namespace minesim
