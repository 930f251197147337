#include "model/checkpoint.hpp"

#include "engine/errors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace minesim {
namespace {

constexpr std::array<char, 12> magic{'M', 'I', 'N', 'E', 'S', 'I', 'M', 'C', 'K', 'P', 'T', '\n'};
constexpr std::uint32_t byte_order_mark = 0x01020304U;
/// magic, format version, byte-order mark, payload size.
constexpr std::size_t prefix_bytes = magic.size() + 4 + 4 + 8;

std::string system_error(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

/// Write all of `bytes` to `fd`.
void write_all(int fd, const char* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ::ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(system_error("cannot write", path));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

template <class A> void header_fields(A& a, CheckpointHeader& h) {
  a("build", h.build);
  a("resolved_toml", h.resolved_toml);
  a("step", h.step);
  a("steps", h.steps);
  a("output.steps_written", h.output.steps_written);
  a("output.surveys", h.output.surveys);
}

} // namespace

Checkpoint::Checkpoint(Checkpoint&& other) noexcept
    : header(std::move(other.header)), path(std::move(other.path)),
      data(std::exchange(other.data, nullptr)), size(std::exchange(other.size, 0)),
      state_offset(other.state_offset) {}

Checkpoint& Checkpoint::operator=(Checkpoint&& other) noexcept {
  if (this != &other) {
    if (data != nullptr) ::munmap(const_cast<char*>(data), size);
    header = std::move(other.header);
    path = std::move(other.path);
    data = std::exchange(other.data, nullptr);
    size = std::exchange(other.size, 0);
    state_offset = other.state_offset;
  }
  return *this;
}

Checkpoint::~Checkpoint() {
  if (data != nullptr) ::munmap(const_cast<char*>(data), size);
}

std::string checkpoint_path(const std::string& run_file) {
  return run_file + ".checkpoint";
}

std::uint64_t write_checkpoint(const std::string& path, const Simulation& sim,
                               const CheckpointHeader& header) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(system_error("cannot create checkpoint", temporary));
  std::uint64_t payload_bytes = 0;
  try {
    // The prefix with the payload's size left 0, then the payload as it is made (through a
    // 4 MiB buffer), its checksum, and last the size written into the prefix.
    StateWriter prefix;
    prefix("magic", magic);
    prefix("version", checkpoint_format_version);
    prefix("byte_order", byte_order_mark);
    prefix("payload_bytes", payload_bytes);
    write_all(fd, prefix.bytes().data(), prefix.bytes().size(), temporary);

    StateWriter payload(
        [&](const char* data, std::size_t size) { write_all(fd, data, size, temporary); },
        std::size_t{4} << 20);
    CheckpointHeader h = header;
    header_fields(payload, h);
    // Event tables' names and rows, as two lists.
    payload("output.event_tables", h.output.event_tables);
    payload.list("output.event_rows", h.output.event_rows);
    sim.save_state(payload);
    payload.flush();
    payload_bytes = payload.size();
    const std::uint64_t checksum = payload.checksum();
    write_all(fd, reinterpret_cast<const char*>(&checksum), sizeof checksum, temporary);
    if (::pwrite(fd, &payload_bytes, sizeof payload_bytes,
                 static_cast<off_t>(prefix_bytes - sizeof payload_bytes)) !=
        static_cast<::ssize_t>(sizeof payload_bytes)) {
      throw std::runtime_error(system_error("cannot write", temporary));
    }
    if (::fsync(fd) != 0) throw std::runtime_error(system_error("cannot sync", temporary));
  } catch (...) {
    ::close(fd);
    std::remove(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = system_error("cannot rename checkpoint", temporary);
    std::remove(temporary.c_str());
    throw std::runtime_error(why);
  }
  // The rename is durable once the folder is synced.
  const std::size_t slash = path.find_last_of('/');
  const std::string folder =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir); // some file systems cannot sync a folder; the rename stands anyway
    ::close(dir);
  }
  return prefix_bytes + payload_bytes + sizeof(std::uint64_t);
}

Checkpoint read_checkpoint(const std::string& path) {
  const auto bad = [&](const std::string& why) { throw InputError(path + ": " + why); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) bad("no checkpoint here (the run was not checkpointed, or finished)");
    bad(std::string("cannot be read (") + std::strerror(errno) + ")");
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    bad("not a regular file");
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size < prefix_bytes + sizeof(std::uint64_t)) {
    ::close(fd);
    bad("truncated: " + std::to_string(size) + " bytes, not a checkpoint");
  }
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) bad(std::string("cannot be mapped (") + std::strerror(errno) + ")");
  Checkpoint c;
  c.path = path;
  c.data = static_cast<const char*>(mapped);
  c.size = size;

  StateReader prefix(c.data, prefix_bytes);
  std::array<char, 12> found_magic{};
  std::uint32_t version = 0;
  std::uint32_t order = 0;
  std::uint64_t payload_bytes = 0;
  prefix("magic", found_magic);
  prefix("version", version);
  prefix("byte_order", order);
  prefix("payload_bytes", payload_bytes);
  if (found_magic != magic) bad("not a minesim checkpoint");
  if (order != byte_order_mark) bad("written on a machine of another byte order");
  if (version != checkpoint_format_version) {
    bad("checkpoint format version " + std::to_string(version) + ", this minesim reads version " +
        std::to_string(checkpoint_format_version) + "; start the run again");
  }
  if (payload_bytes != size - prefix_bytes - sizeof(std::uint64_t)) {
    bad("truncated or extended: " + std::to_string(size) + " bytes where the header gives " +
        std::to_string(payload_bytes + prefix_bytes + sizeof(std::uint64_t)));
  }
  const char* payload = c.data + prefix_bytes;
  std::uint64_t checksum = 0;
  std::memcpy(&checksum, payload + payload_bytes, sizeof checksum);
  if (fnv1a64(payload, payload_bytes) != checksum) bad("corrupt: its checksum does not match");

  StateReader in(payload, payload_bytes);
  try {
    header_fields(in, c.header);
    // The table names' count is not known before; read it as a list of lengths.
    std::uint64_t tables = 0;
    in("output.event_tables", tables);
    if (tables > 64) bad("corrupt: " + std::to_string(tables) + " event tables");
    c.header.output.event_tables.resize(tables);
    for (std::string& name : c.header.output.event_tables)
      in("output.event_tables", name);
    in.list("output.event_rows", c.header.output.event_rows);
  } catch (const StateMismatch& e) {
    bad(std::string("corrupt: ") + e.what());
  }
  if (c.header.output.event_rows.size() != c.header.output.event_tables.size() ||
      c.header.step < 0 || c.header.step > c.header.steps ||
      c.header.output.steps_written != c.header.step) {
    bad("corrupt: its header is inconsistent");
  }
  c.state_offset = prefix_bytes + (payload_bytes - in.left());
  return c;
}

void check_checkpoint(const Checkpoint& c, const std::string& build,
                      const std::string& resolved_toml) {
  if (c.header.build != build) {
    throw InputError(c.path + ": written by " + c.header.build + ", this is " + build +
                     "; a checkpoint resumes only with the build that wrote it");
  }
  if (c.header.resolved_toml != resolved_toml) {
    throw InputError(c.path +
                     ": a checkpoint of another scenario or seed (its resolved parameters "
                     "differ from this run's); resume with the scenario and options of the "
                     "interrupted run");
  }
}

void restore_checkpoint(const Checkpoint& c, Simulation& sim) {
  const std::size_t payload_end = c.size - sizeof(std::uint64_t);
  StateReader in(c.data + c.state_offset, payload_end - c.state_offset);
  try {
    sim.restore_state(in, c.header.step);
  } catch (const StateMismatch& e) {
    throw InputError(c.path + ": does not fit this scenario's world: " + e.what());
  }
}

} // namespace minesim
