#include "services/lending/reschedule_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/loan_mapping.h"

namespace cercles::lending {
namespace {

constexpr char kRescheduleColumns[] =
    "id, loan_id, state, instalment_count, frequency, grace_on_principal, grace_on_interest, "
    "first_due_date, reason, requested_by, decided_by, rejection_reason, create_time_us, "
    "decide_time_us, rescheduled_principal_cents, carried_interest_cents, schedule_version, "
    "last_repayment_id";

std::string StateName(v1::RescheduleState state) {
  switch (state) {
    case v1::RESCHEDULE_STATE_APPROVED:
      return "APPROVED";
    case v1::RESCHEDULE_STATE_REJECTED:
      return "REJECTED";
    case v1::RESCHEDULE_STATE_CANCELLED:
      return "CANCELLED";
    default:
      return "PENDING";
  }
}

absl::StatusOr<RescheduleRecord> RescheduleFromRow(const storage::Row& row) {
  RescheduleRecord r;
  r.id = row.Int(0);
  r.loan_id = row.Int(1);
  const std::string state = row.Text(2);
  r.state = state == "APPROVED"    ? v1::RESCHEDULE_STATE_APPROVED
            : state == "REJECTED"  ? v1::RESCHEDULE_STATE_REJECTED
            : state == "CANCELLED" ? v1::RESCHEDULE_STATE_CANCELLED
                                   : v1::RESCHEDULE_STATE_PENDING;
  r.terms.instalment_count = static_cast<int32_t>(row.Int(3));
  std::optional<Frequency> frequency =
      FromProtoFrequency(static_cast<v1::RepaymentFrequency>(row.Int(4)));
  if (!frequency.has_value() || !absl::ParseCivilTime(row.Text(7), &r.terms.first_due)) {
    return absl::InternalError(absl::StrCat("reschedule ", r.id, " has a malformed row"));
  }
  r.terms.frequency = *frequency;
  r.terms.grace_on_principal = static_cast<int32_t>(row.Int(5));
  r.terms.grace_on_interest = static_cast<int32_t>(row.Int(6));
  r.reason = row.Text(8);
  r.requested_by = row.Text(9);
  r.decided_by = row.Text(10);
  r.rejection_reason = row.Text(11);
  r.create_time = FromMicros(row.Int(12));
  if (row.Int(13) != 0) r.decide_time = FromMicros(row.Int(13));
  r.rescheduled_principal_cents = row.Int(14);
  r.carried_interest_cents = row.Int(15);
  r.schedule_version = static_cast<int32_t>(row.Int(16));
  r.last_repayment_id = row.Int(17);
  return r;
}

absl::StatusOr<std::vector<RescheduleRecord>> Select(storage::Transaction& tx,
                                                     const std::string& where,
                                                     std::vector<storage::Value> params) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kRescheduleColumns, " FROM loan_reschedules WHERE ", where),
               params));
  std::vector<RescheduleRecord> out;
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(RescheduleRecord r, RescheduleFromRow(row));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::string RescheduleRecord::name() const {
  return absl::StrCat("loans/", loan_id, "/reschedules/", id);
}

absl::StatusOr<RescheduleKey> ParseRescheduleName(const std::string& name,
                                                  const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           api::ParseNestedName(name, "loans/{id}/reschedules/{id}", field));
  return RescheduleKey{ids[0], ids[1]};
}

absl::StatusOr<int64_t> InsertReschedule(storage::Transaction& tx, const RescheduleRecord& r) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO loan_reschedules (loan_id, state, instalment_count, frequency, "
               "grace_on_principal, grace_on_interest, first_due_date, reason, requested_by, "
               "create_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {r.loan_id, StateName(r.state), static_cast<int64_t>(r.terms.instalment_count),
                static_cast<int64_t>(ToProtoFrequency(r.terms.frequency)),
                static_cast<int64_t>(r.terms.grace_on_principal),
                static_cast<int64_t>(r.terms.grace_on_interest),
                absl::FormatCivilTime(r.terms.first_due), r.reason, r.requested_by,
                ToMicros(r.create_time)}));
  if (rows.size() != 1) return absl::InternalError("reschedule insert returned no id");
  return rows[0].Int(0);
}

absl::StatusOr<RescheduleRecord> LoadReschedule(storage::Transaction& tx,
                                                const RescheduleKey& key) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<RescheduleRecord> found,
                           Select(tx, "id = ? AND loan_id = ?", {key.id, key.loan_id}));
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat("reschedule loans/", key.loan_id, "/reschedules/", key.id, " does not exist"));
  }
  return found[0];
}

absl::StatusOr<std::optional<RescheduleRecord>> PendingReschedule(storage::Transaction& tx,
                                                                  int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<RescheduleRecord> found,
                           Select(tx, "loan_id = ? AND state = 'PENDING'", {loan_id}));
  if (found.empty()) return std::optional<RescheduleRecord>();
  return std::optional<RescheduleRecord>(found[0]);
}

absl::Status SaveRescheduleDecision(storage::Transaction& tx, const RescheduleRecord& r) {
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE loan_reschedules SET state = ?, decided_by = ?, rejection_reason = ?, "
              "decide_time_us = ?, rescheduled_principal_cents = ?, carried_interest_cents = ?, "
              "schedule_version = ?, last_repayment_id = ? WHERE id = ? AND state = 'PENDING'",
              {StateName(r.state), r.decided_by, r.rejection_reason,
               r.decide_time.has_value() ? ToMicros(*r.decide_time) : int64_t{0},
               r.rescheduled_principal_cents, r.carried_interest_cents,
               static_cast<int64_t>(r.schedule_version), r.last_repayment_id, r.id}));
  if (changed != 1) {
    return absl::AbortedError(absl::StrCat("reschedule ", r.name(), " was decided meanwhile"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CancelPendingReschedule(storage::Transaction& tx, int64_t loan_id,
                                             absl::Time now) {
  CERCLES_ASSIGN_OR_RETURN(std::optional<RescheduleRecord> pending, PendingReschedule(tx, loan_id));
  if (!pending.has_value()) return false;
  pending->state = v1::RESCHEDULE_STATE_CANCELLED;
  pending->decide_time = now;
  CERCLES_RETURN_IF_ERROR(SaveRescheduleDecision(tx, *pending));
  return true;
}

absl::StatusOr<std::vector<RescheduleRecord>> ListRescheduleRecords(storage::Transaction& tx,
                                                                    int64_t loan_id,
                                                                    int64_t after_id, int limit) {
  return Select(tx, "loan_id = ? AND id > ? ORDER BY id LIMIT ?",
                {loan_id, after_id, static_cast<int64_t>(limit)});
}

absl::StatusOr<int32_t> ApprovedRescheduleCount(storage::Transaction& tx, int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT COUNT(*) FROM loan_reschedules WHERE loan_id = ? AND state = 'APPROVED'",
               {loan_id}));
  return rows.empty() ? 0 : static_cast<int32_t>(rows[0].Int(0));
}

absl::StatusOr<int64_t> LatestRepaymentId(storage::Transaction& tx, int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT COALESCE(MAX(id), 0) FROM repayments WHERE loan_id = ?", {loan_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::Status CheckNotRescheduledSince(storage::Transaction& tx, int64_t loan_id,
                                      int64_t repayment_id, const std::string& repayment_name) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<RescheduleRecord> later,
                           Select(tx,
                                  "loan_id = ? AND state = 'APPROVED' AND last_repayment_id >= ? "
                                  "ORDER BY id LIMIT 1",
                                  {loan_id, repayment_id}));
  if (later.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "repayment ", repayment_name, " was recorded before reschedule ", later[0].name(),
      " replaced the schedule it was allocated to: it can no longer be reversed (record a "
      "correcting entry instead)"));
}

v1::LoanReschedule RescheduleToProto(const RescheduleRecord& r, const std::string& currency,
                                     const std::string& borrower, const v1::Schedule* replaced) {
  v1::LoanReschedule out;
  out.set_name(r.name());
  out.set_borrower(borrower);
  out.set_state(r.state);
  out.set_instalment_count(r.terms.instalment_count);
  out.set_frequency(ToProtoFrequency(r.terms.frequency));
  out.set_grace_on_principal_instalments(r.terms.grace_on_principal);
  out.set_grace_on_interest_instalments(r.terms.grace_on_interest);
  *out.mutable_first_due_date() = api::DateFromDay(r.terms.first_due);
  out.set_reason(r.reason);
  out.set_requested_by(r.requested_by);
  out.set_decided_by(r.decided_by);
  out.set_rejection_reason(r.rejection_reason);
  SetTimestampMicros(ToMicros(r.create_time), out.mutable_create_time());
  if (r.decide_time.has_value()) {
    SetTimestampMicros(ToMicros(*r.decide_time), out.mutable_decide_time());
  }
  if (r.state == v1::RESCHEDULE_STATE_APPROVED) {
    *out.mutable_rescheduled_principal() = api::ToMoney(r.rescheduled_principal_cents, currency);
    *out.mutable_carried_interest() = api::ToMoney(r.carried_interest_cents, currency);
    out.set_schedule_version(r.schedule_version);
  }
  if (replaced != nullptr) *out.mutable_replaced_schedule() = *replaced;
  return out;
}

}  // namespace cercles::lending
