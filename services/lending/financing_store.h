// SQL of bank referrals and subsidy applications (migration 0005_financing.sql).
// Every function runs inside the caller's transaction, so a change commits with
// its event and its request_id record.
#ifndef CERCLES_SERVICES_LENDING_FINANCING_STORE_H_
#define CERCLES_SERVICES_LENDING_FINANCING_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/storage/database.h"

namespace cercles::lending {

// Empty person and an unspecified status match everything.
struct ReferralFilter {
  std::string person;
  v1::BankReferralStatus status = v1::BANK_REFERRAL_STATUS_UNSPECIFIED;
};
struct SubsidyFilter {
  std::string person;
  v1::SubsidyStatus status = v1::SUBSIDY_STATUS_UNSPECIFIED;
};

// What an update writes: the status, the amount that goes with it (0 when none)
// and the whole note or outcome.
struct ReferralChange {
  v1::BankReferralStatus status = v1::BANK_REFERRAL_STATUS_UNSPECIFIED;
  int64_t amount_obtained_cents = 0;
  std::string note;
};
struct SubsidyChange {
  v1::SubsidyStatus status = v1::SUBSIDY_STATUS_UNSPECIFIED;
  int64_t amount_granted_cents = 0;
  std::string outcome;
};

class FinancingStore {
 public:
  // Inserts a PREPARED referral of `person`, `institution`, `note` for
  // `amount_cents` of `currency`; returns it as stored.
  static absl::StatusOr<v1::BankReferral> InsertReferral(storage::Transaction& tx,
                                                         const v1::BankReferral& draft,
                                                         int64_t amount_cents,
                                                         const std::string& currency,
                                                         const std::string& actor, absl::Time now);
  // nullopt when absent. for_update locks the row until the transaction ends
  // (PostgreSQL; SQLite write transactions are exclusive already).
  static absl::StatusOr<std::optional<v1::BankReferral>> GetReferral(storage::Transaction& tx,
                                                                     int64_t id, bool for_update);
  static absl::StatusOr<v1::BankReferral> UpdateReferral(storage::Transaction& tx, int64_t id,
                                                         const ReferralChange& change,
                                                         absl::Time now);
  // Referrals with id > after_id matching the filter, by id, at most `limit`.
  static absl::StatusOr<std::vector<v1::BankReferral>> ListReferrals(storage::Transaction& tx,
                                                                     const ReferralFilter& filter,
                                                                     int64_t after_id, int limit);

  static absl::StatusOr<v1::SubsidyApplication> InsertSubsidy(
      storage::Transaction& tx, const v1::SubsidyApplication& draft, int64_t amount_cents,
      const std::string& currency, const std::string& actor, absl::Time now);
  static absl::StatusOr<std::optional<v1::SubsidyApplication>> GetSubsidy(storage::Transaction& tx,
                                                                          int64_t id,
                                                                          bool for_update);
  static absl::StatusOr<v1::SubsidyApplication> UpdateSubsidy(storage::Transaction& tx, int64_t id,
                                                              const SubsidyChange& change,
                                                              absl::Time now);
  static absl::StatusOr<std::vector<v1::SubsidyApplication>> ListSubsidies(
      storage::Transaction& tx, const SubsidyFilter& filter, int64_t after_id, int limit);
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_FINANCING_STORE_H_
