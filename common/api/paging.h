// Page sizes, opaque page tokens and the "fetch one more row" page of every
// List RPC.
#ifndef CERCLES_COMMON_API_PAGING_H_
#define CERCLES_COMMON_API_PAGING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace cercles::api {

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

template <typename T>
struct Page {
  std::vector<T> rows;
  std::string next_page_token;  // "" on the last page
};

// `rows` were read with a limit of page_size + 1: the first page_size of them
// and, when there was one more, the token that goes on after the last one kept
// (its position is absl::StrCat(position_of(row)): an id or a string).
template <typename T, typename PositionOf>
Page<T> TakePage(std::vector<T> rows, int page_size, PositionOf position_of) {
  Page<T> page;
  if (page_size > 0 && rows.size() > static_cast<size_t>(page_size)) {
    rows.resize(static_cast<size_t>(page_size));
    page.next_page_token = EncodePageToken(absl::StrCat(position_of(rows.back())));
  }
  page.rows = std::move(rows);
  return page;
}

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_PAGING_H_
