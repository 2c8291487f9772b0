// A person's erasure in stored messages (earlier events, stored answers of
// idempotent writes): what a message still holds of an erased person's
// personal data is cleared or replaced by reflection, by the rule of
// subjects.h.
//
// The rule. A message concerns the person when one of its singular string
// fields is the person's resource name ("people/{id}": its `name`, or a
// reference such as `person`, `borrower`) or the name of a record that is
// theirs (`records`: their loans, "loans/{id}", whose repayments name only the
// loan), or the name of a resource under one of them ("loans/12/repayments/3"),
// or when it names nobody and its enclosing message concerns them. In a message that concerns the
// person: every field marked sensitive is cleared, and every string field (singular or repeated)
// whose value is one of `replacements`' keys (the person's names as they were, which are not marked
// sensitive) takes the replacement's value; a repeated entry whose replacement is empty is removed;
// and every message field of one of `cleared_types` (a type that is wholly what the person shared,
// like a transfer's candidate: their names, business and consents) is cleared.
// Messages that name someone else are left as they are.
#ifndef CERCLES_COMMON_REDACTION_ERASURE_H_
#define CERCLES_COMMON_REDACTION_ERASURE_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace cercles::redaction {

struct PersonErasure {
  int64_t person_id = 0;
  // Resource names of records that are the person's ("loans/12").
  std::vector<std::string> records;
  // A value as it was -> what it becomes (e.g. the given name -> the pseudonym).
  // Empty values are ignored.
  absl::flat_hash_map<std::string, std::string> replacements;
  // Full names of message types cleared whole where they concern the person
  // ("cercles.network.v1.TransferCandidate").
  std::vector<std::string> cleared_types;
};

// Applies `erasure` to `message` in place; true when it changed something.
bool ErasePersonFrom(google::protobuf::Message* message, const PersonErasure& erasure);

}  // namespace cercles::redaction

#endif  // CERCLES_COMMON_REDACTION_ERASURE_H_
