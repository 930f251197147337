#pragma once
// The stores' columns as the Python module shows them: NumPy arrays over the model's own
// vectors (read-only views, no copy), with units and a description. The columns are found
// through the checkpoint field lists (model/state_fields.hpp), so a store's columns are
// listed once; what they mean is listed here, and a column without an entry is an error.
#include "model/world.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace minesim::python {

/// One column: `values` is a read-only view of the store's vector, kept alive by `owner`.
struct ColumnView {
  std::string name;
  pybind11::array values;
  std::string units;
  std::string description;
};

/// The current columns of `store` ("households", "villages", "mines" or "governments") of
/// `world`, one entry per entity each, as views owned by `owner` (the Python object holding
/// the world). Columns that hold several entries per entity (network offsets, exposure per
/// village and mine, rings of months) are left out. Governments also get their ledger
/// balances (copies). Throws std::invalid_argument for another store name, std::logic_error
/// for a column without units here.
[[nodiscard]] std::vector<ColumnView> store_columns(const World& world, const std::string& store,
                                                    pybind11::handle owner);

} // namespace minesim::python
