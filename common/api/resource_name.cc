#include "common/api/resource_name.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/error_details.h"
#include "common/api/text.h"

namespace cercles::api {
namespace {

constexpr absl::string_view kIdSegment = "{id}";
constexpr size_t kMaxEchoedBytes = 40;

}  // namespace

std::optional<int64_t> ParseIdSegment(absl::string_view segment) {
  if (segment.empty() || segment.front() == '0') return std::nullopt;
  int64_t value = 0;
  for (char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

absl::Status InvalidNameError(absl::string_view field, absl::string_view pattern,
                              absl::string_view name) {
  return InvalidField(
      field,
      absl::StrCat("must be \"", pattern,
                   "\" with {id} a positive whole number without sign or leading zeros, got ",
                   Quoted(name, kMaxEchoedBytes)),
      name.empty() ? reason::kFieldRequired : reason::kFieldInvalidFormat);
}

absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view collection,
                                  absl::string_view field) {
  const size_t slash = collection.size();
  if (name.size() > slash && name.substr(0, slash) == collection && name[slash] == '/') {
    if (std::optional<int64_t> id = ParseIdSegment(name.substr(slash + 1))) return *id;
  }
  return InvalidNameError(field, absl::StrCat(collection, "/", kIdSegment), name);
}

absl::StatusOr<CollectionId> ParseNameIn(absl::string_view name,
                                         std::initializer_list<absl::string_view> collections,
                                         absl::string_view field) {
  std::vector<std::string> patterns;
  for (absl::string_view collection : collections) {
    if (absl::StatusOr<int64_t> id = ParseName(name, collection, field); id.ok()) {
      return CollectionId{collection, *id};
    }
    patterns.push_back(absl::StrCat(collection, "/", kIdSegment));
  }
  return InvalidNameError(field, absl::StrJoin(patterns, "\" or \""), name);
}

absl::StatusOr<std::vector<int64_t>> ParseNestedName(absl::string_view name,
                                                     absl::string_view pattern,
                                                     absl::string_view field) {
  const std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  std::vector<int64_t> ids;
  bool ok = want.size() == got.size();
  for (size_t i = 0; ok && i < want.size(); ++i) {
    if (want[i] != kIdSegment) {
      ok = want[i] == got[i];
    } else if (std::optional<int64_t> id = ParseIdSegment(got[i])) {
      ids.push_back(*id);
    } else {
      ok = false;
    }
  }
  if (!ok) return InvalidNameError(field, pattern, name);
  return ids;
}

}  // namespace cercles::api
