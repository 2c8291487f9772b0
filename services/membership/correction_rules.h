// The membership domain's rules about correcting a person's personal data
// (Quebec's Law 25: right of rectification; issue 14, item 3): which fields of
// Person are personal and may be corrected, which of them a correction
// changed, and the field filter of the history. The values themselves follow
// the rules of Person (ApplyPersonMask and NormalisePerson, people_rules.h).
// Pure functions over the protobuf messages (no gRPC, no SQL), tested alone.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CORRECTION_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_CORRECTION_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/membership/v1/people.pb.h"

namespace cercles::membership {

// The personal fields of a person, as the Person paths a correction records
// (a message's sub-fields one by one), in proto order: given_name,
// family_name, language, contact.email, contact.phone, contact.postal_address,
// birth_date, gender, business.name, business.sector, business.stage,
// business.start_date, expertise.
const std::vector<std::string>& PersonalFieldPaths();

// CorrectPerson's update_mask checked: every path is a personal field or
// "contact" / "business" (all of their sub-fields). INVALID_ARGUMENT naming
// `update_mask` and the path for an empty mask, "*", a path that is not a
// field of Person, and a field that is not personal (status and
// expertise_opt_in: UpdatePerson; consents: RecordConsent; output-only
// fields). Returns the mask in canonical form (sorted, covered paths dropped).
absl::StatusOr<google::protobuf::FieldMask> CorrectionMask(const google::protobuf::FieldMask& mask);

// The personal fields under `mask` (canonical, from CorrectionMask) whose value
// differs between `before` and `after`, as PersonalFieldPaths names them, in
// that order.
std::vector<std::string> CorrectedFields(const cercles::membership::v1::Person& before,
                                         const cercles::membership::v1::Person& after,
                                         const google::protobuf::FieldMask& mask);

// The recorded paths a history filter `field_path` selects: nothing for ""
// (every field), the sub-fields for "contact" and "business", the path itself
// for a personal field. INVALID_ARGUMENT naming `field_path` otherwise.
absl::StatusOr<std::vector<std::string>> CorrectionFilterPaths(absl::string_view field_path);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CORRECTION_RULES_H_
