#pragma once
// A scratch folder for a test, shared by every test that writes files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace minesim::test_support {

/// A fresh folder under the system temp dir, removed with its contents at scope exit. It is
/// named minesim_<tag>_<process id>_<n>, so tests that CTest runs side by side (each in its
/// own process) and two folders of one process never share one; by default the tag is the
/// name of the running test.
class TempDir {
public:
  explicit TempDir(const std::string& tag = current_test_name()) {
    static std::atomic<unsigned> made{0};
    std::string name = "minesim_";
    name.append(safe(tag))
        .append("_")
        .append(std::to_string(::getpid()))
        .append("_")
        .append(std::to_string(made++));
    path_ = std::filesystem::temp_directory_path() / name;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored); // left by a killed process that had this id
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// The folder's path as text.
  [[nodiscard]] std::string str() const { return path_.string(); }
  /// The path of `name` in the folder (nothing is created).
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Write `text` to `name` in the folder (its folders created) and return its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p.string();
  }

private:
  static std::string current_test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return info != nullptr ? info->name() : "test";
  }
  /// `tag` with anything but letters, digits, '-' and '_' replaced by '_' (a parameterised
  /// test's name holds a '/').
  static std::string safe(std::string tag) {
    for (char& c : tag) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      if (!ok) c = '_';
    }
    return tag;
  }

  std::filesystem::path path_;
};

} // namespace minesim::test_support
