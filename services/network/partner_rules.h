// Rules of partner organisations and referrals: what a partner record holds,
// which update paths exist, and the referral life cycle. No gRPC, no SQL.
#ifndef CERCLES_SERVICES_NETWORK_PARTNER_RULES_H_
#define CERCLES_SERVICES_NETWORK_PARTNER_RULES_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "cercles/network/v1/partners.pb.h"

namespace cercles::network {

inline constexpr size_t kMaxPartnerNameLength = 120;
inline constexpr int kMaxPartnerListEntries = 20;
inline constexpr size_t kMaxPartnerEntryLength = 64;
inline constexpr size_t kMaxDescriptionLength = 1000;
inline constexpr size_t kMaxContactPointLength = 200;
inline constexpr size_t kMaxReferralTextLength = 1000;

// The partner as it will be stored: trimmed, checked, ACTIVE when no status is
// given; output-only fields cleared. Every broken rule names its field
// ("partner.territory[2]").
absl::StatusOr<v1::Partner> NormalisePartner(const v1::Partner& requested);

// `stored` with the fields named in `mask` taken from `requested`, normalised.
// INVALID_ARGUMENT for an empty mask or a path that is not updatable.
absl::StatusOr<v1::Partner> ApplyPartnerMask(const v1::Partner& stored,
                                             const v1::Partner& requested,
                                             const google::protobuf::FieldMask& mask);

// UpdatePartner's decision: `stored` with the masked fields of `requested`
// (ApplyPartnerMask), keeping what the store sets (name, times, open referral
// count); nullopt when that changes nothing (the stored partner is the answer).
absl::StatusOr<std::optional<v1::Partner>> DecidePartnerUpdate(
    const v1::Partner& stored, const v1::Partner& requested,
    const google::protobuf::FieldMask& mask);

// FAILED_PRECONDITION unless `partner` (named `name`) is ACTIVE: an inactive
// partner takes no new referrals.
absl::Status CheckPartnerTakesReferrals(const v1::Partner& partner, const std::string& name);

// Appends a step of the referral's history: `status`, set by `changed_by` at
// `now`, with an optional note.
void AddReferralStep(v1::Referral* referral, v1::ReferralStatus status, const std::string& note,
                     const std::string& changed_by, const google::protobuf::Timestamp& now);

// UpdateReferralStatus's decision on `referral` (as stored, named `name`):
// checks the transition (CheckReferralTransition), then moves it to `to` with
// the outcome, the update time and a history step. Returns whether the move
// ends the circle's link to the partner (the graph edge loses one referral).
absl::StatusOr<bool> DecideReferralStatus(v1::Referral* referral, v1::ReferralStatus to,
                                          const std::string& outcome, const std::string& note,
                                          const std::string& changed_by,
                                          const google::protobuf::Timestamp& now,
                                          const std::string& name);

struct ReferralDraft {
  int64_t person_id = 0;
  int64_t partner_id = 0;
  std::string reason;
};

// Checks CreateReferral's referral: person, partner and reason only.
absl::StatusOr<ReferralDraft> ValidateReferralDraft(const v1::Referral& referral);

// Whether `from` may move to `to`: SENT -> ACCEPTED | DECLINED; ACCEPTED ->
// IN_PROGRESS | COMPLETED | DECLINED; IN_PROGRESS -> COMPLETED | DECLINED.
// FAILED_PRECONDITION otherwise (COMPLETED and DECLINED are final);
// INVALID_ARGUMENT for an unknown target, a missing outcome on COMPLETED or
// DECLINED, or an outcome on another status. Returns the trimmed outcome.
absl::StatusOr<std::string> CheckReferralTransition(v1::ReferralStatus from, v1::ReferralStatus to,
                                                    const std::string& outcome,
                                                    const std::string& referral_name);

// Referrals that still count as open (and as a circle—partner link): not
// declined and, for open counts, not completed either.
bool IsOpenReferral(v1::ReferralStatus status);
bool LinksCircleToPartner(v1::ReferralStatus status);

// "SENT", "ACCEPTED"... (the change named in ReferralChanged).
std::string ReferralStatusWord(v1::ReferralStatus status);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PARTNER_RULES_H_
