#include "services/lending/financing_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/money.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/financing.h"

namespace cercles::lending {
namespace {

using cercles::common::v1::Money;

const char* ForUpdate(const storage::Transaction& tx, bool for_update) {
  return for_update && tx.engine() == storage::Engine::kPostgres ? " FOR UPDATE" : "";
}

// ---- Bank referrals ----

constexpr char kReferralColumns[] =
    "id, person, institution, currency, amount_requested_cents, status, amount_obtained_cents, "
    "note, created_by, create_time_us, update_time_us";

absl::StatusOr<v1::BankReferral> ReferralFromRow(const storage::Row& row) {
  v1::BankReferral referral;
  referral.set_name(BankReferralName(row.Int(0)));
  referral.set_person(row.Text(1));
  referral.set_institution(row.Text(2));
  const std::string& currency = row.Text(3);
  *referral.mutable_amount_requested() = api::ToMoney(row.Int(4), currency);
  std::optional<v1::BankReferralStatus> status = ReferralStatusFromName(row.Text(5));
  if (!status.has_value()) {
    return absl::InternalError(absl::StrCat(referral.name(), " has an unknown stored status"));
  }
  referral.set_status(*status);
  if (*status == v1::BANK_REFERRAL_STATUS_ACCEPTED) {
    *referral.mutable_amount_obtained() = api::ToMoney(row.Int(6), currency);
  }
  referral.set_note(row.Text(7));
  referral.set_created_by(row.Text(8));
  SetTimestampMicros(row.Int(9), referral.mutable_create_time());
  SetTimestampMicros(row.Int(10), referral.mutable_update_time());
  return referral;
}

// ---- Subsidy applications ----

constexpr char kSubsidyColumns[] =
    "id, person, programme, currency, amount_requested_cents, status, amount_granted_cents, "
    "outcome, created_by, create_time_us, update_time_us";

absl::StatusOr<v1::SubsidyApplication> SubsidyFromRow(const storage::Row& row) {
  v1::SubsidyApplication application;
  application.set_name(SubsidyApplicationName(row.Int(0)));
  application.set_person(row.Text(1));
  application.set_programme(row.Text(2));
  const std::string& currency = row.Text(3);
  *application.mutable_amount_requested() = api::ToMoney(row.Int(4), currency);
  std::optional<v1::SubsidyStatus> status = SubsidyStatusFromName(row.Text(5));
  if (!status.has_value()) {
    return absl::InternalError(absl::StrCat(application.name(), " has an unknown stored status"));
  }
  application.set_status(*status);
  if (*status == v1::SUBSIDY_STATUS_GRANTED) {
    *application.mutable_amount_granted() = api::ToMoney(row.Int(6), currency);
  }
  application.set_outcome(row.Text(7));
  application.set_created_by(row.Text(8));
  SetTimestampMicros(row.Int(9), application.mutable_create_time());
  SetTimestampMicros(row.Int(10), application.mutable_update_time());
  return application;
}

// One row by id, converted; nullopt when absent.
template <typename Message, typename Convert>
absl::StatusOr<std::optional<Message>> GetOne(storage::Transaction& tx, const char* table,
                                              const char* columns, int64_t id, bool for_update,
                                              Convert convert) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx.Query(absl::StrCat("SELECT ", columns, " FROM ", table,
                                                 " WHERE id = ?", ForUpdate(tx, for_update)),
                                    {id}));
  if (rows.empty()) return std::optional<Message>();
  CERCLES_ASSIGN_OR_RETURN(Message message, convert(rows[0]));
  return std::optional<Message>(std::move(message));
}

// A page of rows after `after_id`, optionally of one person and one status.
template <typename Message, typename Convert>
absl::StatusOr<std::vector<Message>> ListSome(storage::Transaction& tx, const char* table,
                                              const char* columns, const std::string& person,
                                              const std::string& status, int64_t after_id,
                                              int limit, Convert convert) {
  std::string sql = absl::StrCat("SELECT ", columns, " FROM ", table, " WHERE id > ?");
  std::vector<storage::Value> params = {after_id};
  if (!person.empty()) {
    sql += " AND person = ?";
    params.emplace_back(person);
  }
  if (!status.empty()) {
    sql += " AND status = ?";
    params.emplace_back(status);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  std::vector<Message> out;
  out.reserve(rows.size());
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(Message message, convert(row));
    out.push_back(std::move(message));
  }
  return out;
}

absl::Status ExpectOneRow(absl::StatusOr<int64_t> changed, const std::string& name) {
  if (!changed.ok()) return changed.status();
  if (*changed != 1) return absl::InternalError(absl::StrCat(name, " was not updated"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::BankReferral> FinancingStore::InsertReferral(
    storage::Transaction& tx, const v1::BankReferral& draft, int64_t amount_cents,
    const std::string& currency, const std::string& actor, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO bank_referrals (person, institution, currency, "
               "amount_requested_cents, status, note, created_by, create_time_us, "
               "update_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {draft.person(), draft.institution(), currency, amount_cents,
                ReferralStatusName(v1::BANK_REFERRAL_STATUS_PREPARED), draft.note(), actor,
                ToMicros(now), ToMicros(now)}));
  if (rows.size() != 1) return absl::InternalError("bank referral insert returned no id");
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::BankReferral> stored,
                           GetReferral(tx, rows[0].Int(0), /*for_update=*/false));
  if (!stored.has_value()) return absl::InternalError("inserted bank referral not found");
  return *std::move(stored);
}

absl::StatusOr<std::optional<v1::BankReferral>> FinancingStore::GetReferral(
    storage::Transaction& tx, int64_t id, bool for_update) {
  return GetOne<v1::BankReferral>(tx, "bank_referrals", kReferralColumns, id, for_update,
                                  ReferralFromRow);
}

absl::StatusOr<v1::BankReferral> FinancingStore::UpdateReferral(storage::Transaction& tx,
                                                                int64_t id,
                                                                const ReferralChange& change,
                                                                absl::Time now) {
  CERCLES_RETURN_IF_ERROR(
      ExpectOneRow(tx.Exec("UPDATE bank_referrals SET status = ?, amount_obtained_cents = ?, "
                           "note = ?, update_time_us = ? WHERE id = ?",
                           {ReferralStatusName(change.status), change.amount_obtained_cents,
                            change.note, ToMicros(now), id}),
                   BankReferralName(id)));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::BankReferral> stored,
                           GetReferral(tx, id, /*for_update=*/false));
  if (!stored.has_value()) return absl::InternalError("updated bank referral not found");
  return *std::move(stored);
}

absl::StatusOr<std::vector<v1::BankReferral>> FinancingStore::ListReferrals(
    storage::Transaction& tx, const ReferralFilter& filter, int64_t after_id, int limit) {
  const std::string status = filter.status == v1::BANK_REFERRAL_STATUS_UNSPECIFIED
                                 ? ""
                                 : ReferralStatusName(filter.status);
  return ListSome<v1::BankReferral>(tx, "bank_referrals", kReferralColumns, filter.person, status,
                                    after_id, limit, ReferralFromRow);
}

absl::StatusOr<v1::SubsidyApplication> FinancingStore::InsertSubsidy(
    storage::Transaction& tx, const v1::SubsidyApplication& draft, int64_t amount_cents,
    const std::string& currency, const std::string& actor, absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(
          "INSERT INTO subsidy_applications (person, programme, currency, "
          "amount_requested_cents, status, created_by, create_time_us, update_time_us) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {draft.person(), draft.programme(), currency, amount_cents,
           SubsidyStatusName(v1::SUBSIDY_STATUS_PREPARED), actor, ToMicros(now), ToMicros(now)}));
  if (rows.size() != 1) return absl::InternalError("subsidy application insert returned no id");
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::SubsidyApplication> stored,
                           GetSubsidy(tx, rows[0].Int(0), /*for_update=*/false));
  if (!stored.has_value()) return absl::InternalError("inserted subsidy application not found");
  return *std::move(stored);
}

absl::StatusOr<std::optional<v1::SubsidyApplication>> FinancingStore::GetSubsidy(
    storage::Transaction& tx, int64_t id, bool for_update) {
  return GetOne<v1::SubsidyApplication>(tx, "subsidy_applications", kSubsidyColumns, id, for_update,
                                        SubsidyFromRow);
}

absl::StatusOr<v1::SubsidyApplication> FinancingStore::UpdateSubsidy(storage::Transaction& tx,
                                                                     int64_t id,
                                                                     const SubsidyChange& change,
                                                                     absl::Time now) {
  CERCLES_RETURN_IF_ERROR(
      ExpectOneRow(tx.Exec("UPDATE subsidy_applications SET status = ?, amount_granted_cents = ?, "
                           "outcome = ?, update_time_us = ? WHERE id = ?",
                           {SubsidyStatusName(change.status), change.amount_granted_cents,
                            change.outcome, ToMicros(now), id}),
                   SubsidyApplicationName(id)));
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::SubsidyApplication> stored,
                           GetSubsidy(tx, id, /*for_update=*/false));
  if (!stored.has_value()) return absl::InternalError("updated subsidy application not found");
  return *std::move(stored);
}

absl::StatusOr<std::vector<v1::SubsidyApplication>> FinancingStore::ListSubsidies(
    storage::Transaction& tx, const SubsidyFilter& filter, int64_t after_id, int limit) {
  const std::string status =
      filter.status == v1::SUBSIDY_STATUS_UNSPECIFIED ? "" : SubsidyStatusName(filter.status);
  return ListSome<v1::SubsidyApplication>(tx, "subsidy_applications", kSubsidyColumns,
                                          filter.person, status, after_id, limit, SubsidyFromRow);
}

}  // namespace cercles::lending
