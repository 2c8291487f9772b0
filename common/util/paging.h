// Page sizes and opaque page tokens shared by every List RPC.
#ifndef CERCLES_COMMON_UTIL_PAGING_H_
#define CERCLES_COMMON_UTIL_PAGING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace cercles {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 0 → kDefaultPageSize; negative or above kMaxPageSize → INVALID_ARGUMENT.
absl::StatusOr<int> NormalisePageSize(int32_t page_size);

// Tokens wrap a position ("after this key") so clients cannot depend on it.
std::string EncodePageToken(const std::string& position);
// "" → "" (first page). Anything not issued by EncodePageToken → INVALID_ARGUMENT.
absl::StatusOr<std::string> DecodePageToken(const std::string& token);

// The common case: a page goes on after the row with this id (ids are positive).
std::string EncodeIdPageToken(int64_t last_id);
// "" → 0 (the first page); anything not issued by EncodeIdPageToken → INVALID_ARGUMENT.
absl::StatusOr<int64_t> DecodeIdPageToken(const std::string& token);

}  // namespace cercles

#endif  // CERCLES_COMMON_UTIL_PAGING_H_
