// SQL for partner organisations and referrals. Each record is stored whole as
// its message, with the columns the lists filter on beside it.
#ifndef CERCLES_SERVICES_NETWORK_PARTNER_STORE_H_
#define CERCLES_SERVICES_NETWORK_PARTNER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/network/v1/partners.pb.h"
#include "common/storage/database.h"

namespace cercles::network {

struct PartnerFilter {
  v1::PartnerKind kind = v1::PARTNER_KIND_UNSPECIFIED;
  std::string territory_key, service_key;
  v1::PartnerStatus status = v1::PARTNER_STATUS_UNSPECIFIED;
};

struct ReferralFilter {
  int64_t person_id = 0;   // 0: any
  int64_t partner_id = 0;  // 0: any
  v1::ReferralStatus status = v1::REFERRAL_STATUS_UNSPECIFIED;
  // Set: only referrals of people (of `fund_id`) in no circle, in a circle no
  // advisor holds, or in one of these (an advisor's scope, auth::PersonInScope).
  std::optional<std::vector<int64_t>> visible_circles = std::nullopt;
  std::string fund_id;
};

class PartnerStore {
 public:
  // Serialises writers of one partner or one referral (advisory locks).
  static absl::Status LockPartner(storage::Transaction& tx, int64_t partner_id);
  static absl::Status LockReferral(storage::Transaction& tx, int64_t referral_id);

  absl::StatusOr<v1::Partner> InsertPartner(storage::Transaction& tx, const v1::Partner& partner,
                                            absl::Time now) const;
  absl::StatusOr<v1::Partner> UpdatePartner(storage::Transaction& tx, int64_t partner_id,
                                            const v1::Partner& partner, absl::Time now) const;
  // With open_referrals counted.
  absl::StatusOr<std::optional<v1::Partner>> GetPartner(storage::Transaction& tx,
                                                        int64_t partner_id) const;
  absl::StatusOr<std::vector<v1::Partner>> ListPartners(storage::Transaction& tx,
                                                        const PartnerFilter& filter,
                                                        int64_t after_id, int limit) const;

  // Stores a new referral (its name and times are set here).
  absl::StatusOr<v1::Referral> InsertReferral(storage::Transaction& tx, v1::Referral referral,
                                              int64_t person_id, int64_t partner_id,
                                              absl::Time now) const;
  absl::Status UpdateReferral(storage::Transaction& tx, int64_t referral_id,
                              const v1::Referral& referral, absl::Time now) const;
  absl::StatusOr<std::optional<v1::Referral>> GetReferral(storage::Transaction& tx,
                                                          int64_t referral_id) const;
  absl::StatusOr<std::vector<v1::Referral>> ListReferrals(storage::Transaction& tx,
                                                          const ReferralFilter& filter,
                                                          int64_t after_id, int limit) const;
  // After person `person_id`'s erasure: their referrals lose what they hold of
  // the person (redaction::ErasePersonFrom: the sensitive reason, outcome and
  // steps' notes); partner, status and times stay. Returns how many changed.
  absl::StatusOr<int> EraseReferralsOf(storage::Transaction& tx, int64_t person_id) const;
};

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_PARTNER_STORE_H_
