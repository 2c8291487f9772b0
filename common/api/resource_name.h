// Resource names ("circles/12", "loans/3/repayments/7"): one grammar and one
// error message for every service, so the same bad name gets the same answer
// wherever it is sent.
#ifndef CERCLES_COMMON_API_RESOURCE_NAME_H_
#define CERCLES_COMMON_API_RESOURCE_NAME_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cercles::api {

// The {id} of a name: a positive decimal int64 written with digits only — no
// sign, no space, no leading zero — so that each id has exactly one name.
std::optional<int64_t> ParseIdSegment(absl::string_view segment);

// INVALID_ARGUMENT: `<field> must be "<pattern>" with {id} a positive whole number
// without sign or leading zeros, got "<the first 40 bytes of name>"`.
absl::Status InvalidNameError(absl::string_view field, absl::string_view pattern,
                              absl::string_view name);

// "<collection>/{id}" → id; anything else → InvalidNameError.
absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view collection,
                                  absl::string_view field);

// "<one of collections>/{id}" (a journal line's party: "people/{id}" or
// "circles/{id}"): which collection, and the id.
struct CollectionId {
  absl::string_view collection;  // one of `collections`
  int64_t id = 0;
};
absl::StatusOr<CollectionId> ParseNameIn(absl::string_view name,
                                         std::initializer_list<absl::string_view> collections,
                                         absl::string_view field);

// `name` against `pattern`, whose segments are literals or "{id}"
// ("circles/{id}/meetings/{id}", "circles/{id}/meetingSchedule"): the ids in
// order; anything else → InvalidNameError.
absl::StatusOr<std::vector<int64_t>> ParseNestedName(absl::string_view name,
                                                     absl::string_view pattern,
                                                     absl::string_view field);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_RESOURCE_NAME_H_
