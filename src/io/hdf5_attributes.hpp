#pragma once
// Scalar and string-list attributes of the HDF5 files minesim writes (the run file and a
// batch's index.h5), in the types their readers rely on (docs/output-format.md): strings are
// variable-length UTF-8, which h5py returns as `str` and which, stored on the global heap,
// are not bound by the 64 KiB object-header limit on attribute size; integers are int64
// (uint64 only where a value may not fit) and reals float64.
#include <H5Cpp.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace minesim {

/// Variable-length UTF-8 string type: h5py reads it as `str`. Built per use (it is cheap)
/// rather than cached in a static, whose destructor could run after the library shuts down.
[[nodiscard]] inline H5::StrType utf8_string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

/// A scalar variable-length UTF-8 string attribute.
inline void write_string_attribute(const H5::H5Object& object, const char* name,
                                   const std::string& value) {
  const H5::StrType type = utf8_string_type();
  const H5::DataSpace scalar(H5S_SCALAR);
  H5::Attribute attribute = object.createAttribute(name, type, scalar);
  attribute.write(type, value);
}

/// A scalar int64 attribute.
inline void write_int_attribute(const H5::H5Object& object, const char* name, std::int64_t value) {
  const H5::DataSpace scalar(H5S_SCALAR);
  H5::Attribute attribute = object.createAttribute(name, H5::PredType::NATIVE_INT64, scalar);
  attribute.write(H5::PredType::NATIVE_INT64, &value);
}

/// A scalar uint64 attribute.
inline void write_uint_attribute(const H5::H5Object& object, const char* name,
                                 std::uint64_t value) {
  const H5::DataSpace scalar(H5S_SCALAR);
  H5::Attribute attribute = object.createAttribute(name, H5::PredType::NATIVE_UINT64, scalar);
  attribute.write(H5::PredType::NATIVE_UINT64, &value);
}

/// A scalar float64 attribute.
inline void write_double_attribute(const H5::H5Object& object, const char* name, double value) {
  const H5::DataSpace scalar(H5S_SCALAR);
  H5::Attribute attribute = object.createAttribute(name, H5::PredType::NATIVE_DOUBLE, scalar);
  attribute.write(H5::PredType::NATIVE_DOUBLE, &value);
}

/// A 1-D attribute of variable-length UTF-8 strings (h5py reads it as an array of `str`).
inline void write_string_array_attribute(const H5::H5Object& object, const char* name,
                                         const std::vector<std::string>& values) {
  const H5::StrType type = utf8_string_type();
  const std::array<hsize_t, 1> dims{values.size()};
  const H5::DataSpace space(1, dims.data());
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values)
    pointers.push_back(v.c_str());
  H5::Attribute attribute = object.createAttribute(name, type, space);
  if (!pointers.empty()) attribute.write(type, pointers.data());
}

/// A string attribute, read as whatever string type it was written with.
[[nodiscard]] inline std::string read_string_attribute(const H5::H5Object& object,
                                                       const char* name) {
  const H5::Attribute attribute = object.openAttribute(name);
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

} // namespace minesim
