#pragma once
// Byte archives of a run's state, for checkpoints (docs/checkpoints.md). A store lists its
// fields once, in a function template `fields(archive, store)`; the same list both saves
// (StateWriter) and restores (StateReader), so the two cannot drift apart.
//
// The reader trusts nothing: every length is checked against the bytes left, and a column
// read into an existing one must have the length that column already has (the state of the
// world the checkpoint is restored into was built from the same scenario, so every store
// already has its size). Any mismatch throws StateMismatch naming the field.
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace minesim {

/// A checkpoint that does not fit the state it is restored into, or bytes that end early.
class StateMismatch : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

constexpr std::uint64_t fnv1a_offset_basis = 0xcbf29ce484222325ULL;

/// FNV-1a, 64 bits: the checkpoint's checksum (it detects truncation and bit rot; it is not
/// a defence against a forger).
[[nodiscard]] inline std::uint64_t fnv1a64(const char* data, std::size_t size,
                                           std::uint64_t hash = fnv1a_offset_basis) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/// Appends fields to a byte buffer, in the machine's byte order (a checkpoint is read back
/// by the same build on the same kind of machine; its header says which). Given a sink, it
/// hands the bytes on whenever `buffer_bytes` have gathered, and a column larger than that
/// straight away, so that a checkpoint of a million households does not need a second copy
/// of the state in memory; `size()` and `checksum()` cover everything written either way.
class StateWriter {
public:
  using Sink = std::function<void(const char* data, std::size_t size)>;
  StateWriter() = default;
  StateWriter(Sink sink, std::size_t buffer_bytes)
      : sink_(std::move(sink)), buffer_bytes_(buffer_bytes) {}

  template <class T>
  requires std::is_trivially_copyable_v<T>
  void operator()(const char* /*name*/, const T& value) { append(&value, sizeof(T)); }
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void operator()(const char* /*name*/, const std::vector<T>& values) {
    const auto n = static_cast<std::uint64_t>(values.size());
    append(&n, sizeof n);
    append(values.data(), values.size() * sizeof(T));
  }
  void operator()(const char* /*name*/, const std::string& text) {
    const auto n = static_cast<std::uint64_t>(text.size());
    append(&n, sizeof n);
    append(text.data(), text.size());
  }
  void operator()(const char* name, const std::vector<std::string>& texts) {
    const auto n = static_cast<std::uint64_t>(texts.size());
    append(&n, sizeof n);
    for (const std::string& text : texts)
      (*this)(name, text);
  }
  template <class T, std::size_t N> void operator()(const char* name, const std::array<T, N>& a) {
    for (const T& element : a)
      (*this)(name, element);
  }
  /// A list whose length only the state knows (events waiting to be written).
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void list(const char* name, const std::vector<T>& values) { (*this)(name, values); }
  /// A list that grows with the steps; it has `expected` entries by now.
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void series(const char* name, const std::vector<T>& values, std::uint64_t expected) {
    if (values.size() != expected) {
      throw std::logic_error(std::string(name) + " has " + std::to_string(values.size()) +
                             " entries, expected " + std::to_string(expected));
    }
    (*this)(name, values);
  }

  /// The bytes not yet handed to the sink (all of them without one).
  [[nodiscard]] const std::vector<char>& bytes() const { return bytes_; }
  /// Hand the buffered bytes to the sink.
  void flush() {
    if (!sink_ || bytes_.empty()) return;
    sink_(bytes_.data(), bytes_.size());
    bytes_.clear();
  }
  /// Bytes written so far, and their FNV-1a checksum.
  [[nodiscard]] std::uint64_t size() const { return size_; }
  [[nodiscard]] std::uint64_t checksum() const { return checksum_; }

private:
  void append(const void* data, std::size_t size) {
    if (size == 0) return;
    const auto* begin = static_cast<const char*>(data);
    size_ += size;
    checksum_ = fnv1a64(begin, size, checksum_);
    if (sink_ && bytes_.size() + size > buffer_bytes_) {
      flush();
      if (size > buffer_bytes_) {
        sink_(begin, size);
        return;
      }
    }
    bytes_.insert(bytes_.end(), begin, begin + size);
  }
  Sink sink_;
  std::size_t buffer_bytes_ = 0;
  std::vector<char> bytes_;
  std::uint64_t size_ = 0;
  std::uint64_t checksum_ = fnv1a_offset_basis;
};

/// Reads fields back from bytes written by StateWriter, into existing state.
class StateReader {
public:
  StateReader(const char* data, std::size_t size) : at_(data), end_(data + size) {}

  template <class T>
  requires std::is_trivially_copyable_v<T>
  void operator()(const char* name, T& value) { take(&value, sizeof(T), name); }
  /// A column of the world: its length must be the length it already has.
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void operator()(const char* name, std::vector<T>& values) {
    const std::uint64_t n = length(name, sizeof(T));
    if (n != values.size()) {
      throw StateMismatch(std::string(name) + " has " + std::to_string(n) +
                          " entries in the checkpoint and " + std::to_string(values.size()) +
                          " in the scenario's world");
    }
    take(values.data(), values.size() * sizeof(T), name);
  }
  void operator()(const char* name, std::string& text) {
    const std::uint64_t n = length(name, 1);
    text.assign(at_, static_cast<std::size_t>(n));
    at_ += n;
  }
  void operator()(const char* name, std::vector<std::string>& texts) {
    const std::uint64_t n = length(name, sizeof(std::uint64_t));
    if (n != texts.size()) {
      throw StateMismatch(std::string(name) + " has " + std::to_string(n) +
                          " entries in the checkpoint and " + std::to_string(texts.size()) +
                          " in the scenario's world");
    }
    for (std::string& text : texts)
      (*this)(name, text);
  }
  template <class T, std::size_t N> void operator()(const char* name, std::array<T, N>& a) {
    for (T& element : a)
      (*this)(name, element);
  }

  /// A list whose length only the state knows: replaces `values`.
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void list(const char* name, std::vector<T>& values) {
    const std::uint64_t n = length(name, sizeof(T));
    values.resize(static_cast<std::size_t>(n));
    take(values.data(), values.size() * sizeof(T), name);
  }
  /// A list that grows with the steps (a time series so far): it must have `expected`
  /// entries, which replace those `values` has (its capacity is kept).
  template <class T>
  requires std::is_trivially_copyable_v<T>
  void series(const char* name, std::vector<T>& values, std::uint64_t expected) {
    const std::uint64_t n = length(name, sizeof(T));
    if (n != expected) {
      throw StateMismatch(std::string(name) + " has " + std::to_string(n) +
                          " entries in the checkpoint, expected " + std::to_string(expected));
    }
    values.resize(static_cast<std::size_t>(n));
    take(values.data(), values.size() * sizeof(T), name);
  }

  [[nodiscard]] std::size_t left() const { return static_cast<std::size_t>(end_ - at_); }

private:
  std::uint64_t length(const char* name, std::size_t element_size) {
    std::uint64_t n = 0;
    take(&n, sizeof n, name);
    if (element_size > 0 && n > left() / element_size) {
      throw StateMismatch(std::string("the checkpoint ends inside ") + name);
    }
    return n;
  }
  void take(void* out, std::size_t size, const char* name) {
    if (size > left()) throw StateMismatch(std::string("the checkpoint ends inside ") + name);
    if (size > 0) std::memcpy(out, at_, size);
    at_ += size;
  }
  const char* at_;
  const char* end_;
};

} // namespace minesim
