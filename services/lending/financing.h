// The other financing paths (DOMAIN.md: the fund eases access to banks and helps
// prepare subsidy applications) as pure rules: resource names, the text limits,
// and the two small state machines
//
//   bank referral:        PREPARED -> SENT -> ACCEPTED (amount obtained) | DECLINED
//   subsidy application:  PREPARED -> SUBMITTED -> GRANTED (amount granted) | REFUSED
//
// ACCEPTED, DECLINED, GRANTED and REFUSED are final.
//
// The person is a membership resource name. Lending keeps no copy of people, so
// only its form is checked: asking membership on every write would make these
// records depend on membership being up, for a note the fund keeps about a person
// it already knows.
#ifndef CERCLES_SERVICES_LENDING_FINANCING_H_
#define CERCLES_SERVICES_LENDING_FINANCING_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/lending/v1/lending.pb.h"

namespace cercles::lending {

inline constexpr size_t kMaxInstitutionLength = 200;  // characters
inline constexpr size_t kMaxProgrammeLength = 200;
inline constexpr size_t kMaxReferralNoteLength = 2000;
inline constexpr size_t kMaxSubsidyOutcomeLength = 2000;

std::string BankReferralName(int64_t id);
std::string SubsidyApplicationName(int64_t id);

// "PREPARED", "SENT"... (stored); nullopt for a name outside the enum.
std::string ReferralStatusName(v1::BankReferralStatus status);
std::optional<v1::BankReferralStatus> ReferralStatusFromName(absl::string_view name);
std::string SubsidyStatusName(v1::SubsidyStatus status);
std::optional<v1::SubsidyStatus> SubsidyStatusFromName(absl::string_view name);

// OK when the referral may move from `from` to `to`; FAILED_PRECONDITION naming
// both states and what `from` may become otherwise (including from == to).
absl::Status CheckReferralTransition(v1::BankReferralStatus from, v1::BankReferralStatus to);
absl::Status CheckSubsidyTransition(v1::SubsidyStatus from, v1::SubsidyStatus to);

// The fields a client sets on creation, checked and with their text trimmed
// (money is checked by the caller, which knows the fund's currency): person,
// institution (1 to 200 characters), amount_requested present, note (up to 2000).
absl::StatusOr<v1::BankReferral> NormaliseNewReferral(const v1::BankReferral& referral);
// person, programme (1 to 200 characters), amount_requested present.
absl::StatusOr<v1::SubsidyApplication> NormaliseNewSubsidyApplication(
    const v1::SubsidyApplication& application);

// The fields of an update that go with the new status: amount_obtained only (and
// required) with ACCEPTED; a status left unspecified keeps the status and needs a
// note. Returns the note, trimmed. INVALID_ARGUMENT naming the field.
absl::StatusOr<std::string> CheckReferralUpdate(const v1::UpdateBankReferralRequest& request);
// A new status is required; amount_granted only (and required) with GRANTED; an
// outcome required with GRANTED or REFUSED and refused otherwise. Returns the
// outcome, trimmed.
absl::StatusOr<std::string> CheckSubsidyUpdate(const v1::UpdateSubsidyApplicationRequest& request);

// Page tokens of lending's listings hold the last id returned ("after this id").

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_FINANCING_H_
