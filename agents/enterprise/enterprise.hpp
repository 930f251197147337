#pragma once
// Enterprises (mining right holders, MODEL.md §2.4). They own the active mines; their
// finances and strategies come with the economy and governance submodels.
#include <cstdint>

namespace minesim {

/// [enterprises] parameters.
struct EnterpriseParams {
  std::int64_t count = 6; ///< enterprises; active mine k is owned by enterprise k % count
};

} // namespace minesim
