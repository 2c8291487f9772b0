#include "services/membership/erasure_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {

absl::StatusOr<v1::ErasureReason> CheckErasureReason(int value, absl::string_view field) {
  if (value == v1::ERASURE_REASON_UNSPECIFIED || !v1::ErasureReason_IsValid(value)) {
    return api::InvalidField(
        field,
        absl::StrCat("must be one of ERASURE_REASON_PERSON_REQUEST, ERASURE_REASON_RETENTION, got ",
                     value),
        value == v1::ERASURE_REASON_UNSPECIFIED ? api::reason::kFieldRequired
                                                : api::reason::kFieldInvalid);
  }
  return static_cast<v1::ErasureReason>(value);
}

absl::Status CheckErasable(const v1::Person& stored) {
  if (!stored.current_circle().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(stored.name(), " is a member of ", stored.current_circle(),
                     ": record their departure from the circle before erasing them"));
  }
  return absl::OkStatus();
}

v1::Person ErasedPerson(const v1::Person& stored, int64_t id) {
  v1::Person erased = stored;
  erased.set_given_name(std::string(kErasedGivenName));
  erased.set_family_name(absl::StrCat(id));
  erased.clear_contact();
  erased.clear_birth_date();
  erased.clear_gender();
  erased.clear_expertise();
  erased.set_expertise_opt_in(false);
  erased.mutable_business()->clear_name();
  erased.mutable_business()->clear_start_date();
  erased.mutable_consents()->Clear();
  erased.set_status(v1::PERSON_STATUS_ERASED);
  return erased;
}

redaction::PersonErasure ErasureOf(const v1::Person& stored, const v1::Person& erased, int64_t id) {
  redaction::PersonErasure erasure;
  erasure.person_id = id;
  auto& to = erasure.replacements;
  // The display name first: a name equal to the other one keeps the first rule.
  to.emplace(PersonDisplayName(stored.given_name(), stored.family_name()),
             PersonDisplayName(erased.given_name(), erased.family_name()));
  to.emplace(stored.given_name(), erased.given_name());
  to.emplace(stored.family_name(), erased.family_name());
  to.emplace(stored.business().name(), "");
  for (const std::string& expertise : stored.expertise()) to.emplace(expertise, "");
  to.erase("");
  return erasure;
}

absl::Status ErasedPersonRefusal(absl::string_view name, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is erased: ", what, " (an erased person's record is final)"));
}

}  // namespace cercles::membership
