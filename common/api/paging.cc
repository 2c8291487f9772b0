#include "common/api/paging.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"

namespace cercles::api {
namespace {
constexpr absl::string_view kPrefix = "cercles.page.v1:";
}

absl::StatusOr<int> NormalisePageSize(int32_t page_size) {
  if (page_size == 0) return kDefaultPageSize;
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField(
        "page_size",
        absl::StrCat("must be from 0 (default ", kDefaultPageSize, ") to ", kMaxPageSize),
        reason::kValueOutOfRange);
  }
  return page_size;
}

std::string EncodePageToken(const std::string& position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kPrefix, position));
}

absl::StatusOr<std::string> DecodePageToken(const std::string& token) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || !absl::StartsWith(raw, kPrefix)) {
    return InvalidField("page_token",
                        "is not a token this service issued (pass next_page_token unchanged)",
                        reason::kFieldInvalidFormat);
  }
  return raw.substr(kPrefix.size());
}

std::string EncodeIdPageToken(int64_t last_id) { return EncodePageToken(absl::StrCat(last_id)); }

absl::StatusOr<int64_t> DecodeIdPageToken(const std::string& token) {
  absl::StatusOr<std::string> position = DecodePageToken(token);
  if (!position.ok()) return position.status();
  int64_t id = 0;
  if (!position->empty() && (!absl::SimpleAtoi(*position, &id) || id < 0)) {
    return InvalidField("page_token", "is not a token this service issued",
                        reason::kFieldInvalidFormat);
  }
  return id;
}

}  // namespace cercles::api
