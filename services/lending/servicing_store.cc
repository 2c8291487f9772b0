#include "services/lending/servicing_store.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/api/resource_name.h"
#include "common/util/clock.h"
#include "common/util/status.h"

namespace cercles::lending {
namespace {

constexpr char kRepaymentColumns[] =
    "id, loan_id, amount_cents, received_on, reference, principal_cents, interest_cents, "
    "allocations, journal_entry_id, reversal_entry_id, reversal_reason, recorded_by, "
    "create_time_us, revisions";

// The stored lists of a repayment: records of integers, ':' between the fields of a record
// and ';' between records (empty: none).
std::string EncodeRecords(const std::vector<std::vector<int64_t>>& records) {
  return absl::StrJoin(records, ";", [](std::string* out, const std::vector<int64_t>& record) {
    absl::StrAppend(out, absl::StrJoin(record, ":"));
  });
}

// The records of `text`, each of `fields` integers; INTERNAL naming the repayment and
// `what` when one is malformed.
absl::StatusOr<std::vector<std::vector<int64_t>>> DecodeRecords(const std::string& text,
                                                                size_t fields, int64_t id,
                                                                absl::string_view what) {
  std::vector<std::vector<int64_t>> records;
  if (text.empty()) return records;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    std::vector<absl::string_view> texts = absl::StrSplit(part, ':');
    std::vector<int64_t> record(texts.size());
    bool ok = texts.size() == fields;
    for (size_t i = 0; ok && i < texts.size(); ++i) ok = absl::SimpleAtoi(texts[i], &record[i]);
    if (!ok) {
      return absl::InternalError(absl::StrCat("repayment ", id, " has malformed ", what));
    }
    records.push_back(std::move(record));
  }
  return records;
}

// "number:principal:interest" per instalment touched.
std::string EncodeLines(const std::vector<AllocationLine>& lines) {
  std::vector<std::vector<int64_t>> records;
  for (const AllocationLine& l : lines) {
    records.push_back({l.instalment_number, l.principal_cents, l.interest_cents});
  }
  return EncodeRecords(records);
}

absl::StatusOr<std::vector<AllocationLine>> DecodeLines(const std::string& text, int64_t id) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<std::vector<int64_t>> records,
                           DecodeRecords(text, 3, id, "allocations"));
  std::vector<AllocationLine> lines;
  for (const std::vector<int64_t>& r : records) {
    lines.push_back({static_cast<int32_t>(r[0]), r[1], r[2]});
  }
  return lines;
}

// "number:principal_before:interest_before:principal_after:interest_after" per instalment
// recomputed (migration 0007).
std::string EncodeRevisions(const std::vector<InstalmentRevision>& revisions) {
  std::vector<std::vector<int64_t>> records;
  for (const InstalmentRevision& r : revisions) {
    records.push_back({r.instalment_number, r.principal_before_cents, r.interest_before_cents,
                       r.principal_after_cents, r.interest_after_cents});
  }
  return EncodeRecords(records);
}

absl::StatusOr<std::vector<InstalmentRevision>> DecodeRevisions(const std::string& text,
                                                                int64_t id) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<std::vector<int64_t>> records,
                           DecodeRecords(text, 5, id, "revisions"));
  std::vector<InstalmentRevision> revisions;
  for (const std::vector<int64_t>& r : records) {
    revisions.push_back({static_cast<int32_t>(r[0]), r[1], r[2], r[3], r[4]});
  }
  return revisions;
}

absl::StatusOr<RepaymentRecord> RepaymentFromRow(const storage::Row& row) {
  RepaymentRecord r;
  r.id = row.Int(0);
  r.loan_id = row.Int(1);
  r.amount_cents = row.Int(2);
  if (!absl::ParseCivilTime(row.Text(3), &r.allocation.received_on)) {
    return absl::InternalError(absl::StrCat("repayment ", r.id, " has a malformed date"));
  }
  r.reference = row.Text(4);
  r.allocation.principal_cents = row.Int(5);
  r.allocation.interest_cents = row.Int(6);
  CERCLES_ASSIGN_OR_RETURN(r.allocation.lines, DecodeLines(row.Text(7), r.id));
  r.journal_entry_id = row.Int(8);
  if (!row.IsNull(9)) r.reversal_entry_id = row.Int(9);
  r.reversal_reason = row.Text(10);
  r.recorded_by = row.Text(11);
  r.create_time = FromMicros(row.Int(12));
  CERCLES_ASSIGN_OR_RETURN(r.allocation.revisions, DecodeRevisions(row.Text(13), r.id));
  return r;
}

}  // namespace

std::string RepaymentRecord::name() const {
  return absl::StrCat("loans/", loan_id, "/repayments/", id);
}

absl::StatusOr<RepaymentKey> ParseRepaymentName(const std::string& name, const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           api::ParseNestedName(name, "loans/{id}/repayments/{id}", field));
  return RepaymentKey{ids[0], ids[1]};
}

absl::StatusOr<int64_t> InsertRepayment(storage::Transaction& tx, const RepaymentRecord& r) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO repayments (loan_id, amount_cents, received_on, reference, "
               "principal_cents, interest_cents, allocations, journal_entry_id, recorded_by, "
               "create_time_us, revisions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {r.loan_id, r.amount_cents, absl::FormatCivilTime(r.allocation.received_on),
                r.reference, r.allocation.principal_cents, r.allocation.interest_cents,
                EncodeLines(r.allocation.lines), r.journal_entry_id, r.recorded_by,
                ToMicros(r.create_time), EncodeRevisions(r.allocation.revisions)}));
  if (rows.size() != 1) return absl::InternalError("repayment insert returned no id");
  return rows[0].Int(0);
}

absl::StatusOr<RepaymentRecord> LoadRepayment(storage::Transaction& tx, const RepaymentKey& key) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                           tx.Query(absl::StrCat("SELECT ", kRepaymentColumns,
                                                 " FROM repayments WHERE id = ? AND loan_id = ?"),
                                    {key.id, key.loan_id}));
  if (rows.empty()) {
    return absl::NotFoundError(
        absl::StrCat("repayment loans/", key.loan_id, "/repayments/", key.id, " does not exist"));
  }
  return RepaymentFromRow(rows[0]);
}

absl::StatusOr<std::optional<int64_t>> LatestLiveRepaymentId(storage::Transaction& tx,
                                                             int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT id FROM repayments WHERE loan_id = ? AND reversal_entry_id IS NULL "
               "ORDER BY id DESC LIMIT 1",
               {loan_id}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

absl::Status MarkRepaymentReversed(storage::Transaction& tx, int64_t id, int64_t reversal_entry_id,
                                   const std::string& reason) {
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed, tx.Exec("UPDATE repayments SET reversal_entry_id = ?, reversal_reason = ? "
                               "WHERE id = ? AND reversal_entry_id IS NULL",
                               {reversal_entry_id, reason, id}));
  if (changed != 1) {
    return absl::AbortedError(absl::StrCat("repayment ", id, " changed during its reversal"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RepaymentRecord>> ListRepaymentRecords(storage::Transaction& tx,
                                                                  int64_t loan_id, int64_t after_id,
                                                                  int limit) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT ", kRepaymentColumns,
                            " FROM repayments WHERE loan_id = ? AND id > ? ORDER BY id LIMIT ?"),
               {loan_id, after_id, int64_t{limit}}));
  std::vector<RepaymentRecord> out;
  out.reserve(rows.size());
  for (const storage::Row& row : rows) {
    CERCLES_ASSIGN_OR_RETURN(RepaymentRecord r, RepaymentFromRow(row));
    out.push_back(std::move(r));
  }
  return out;
}

v1::Repayment RepaymentToProto(const RepaymentRecord& r, const std::string& currency,
                               const std::string& borrower) {
  v1::Repayment out;
  out.set_name(r.name());
  out.set_borrower(borrower);
  *out.mutable_amount() = api::ToMoney(r.amount_cents, currency);
  *out.mutable_received_on() = api::DateFromDay(r.allocation.received_on);
  out.set_reference(r.reference);
  for (const AllocationLine& line : r.allocation.lines) {
    v1::RepaymentAllocation* a = out.add_allocations();
    a->set_instalment_number(line.instalment_number);
    *a->mutable_principal() = api::ToMoney(line.principal_cents, currency);
    *a->mutable_interest() = api::ToMoney(line.interest_cents, currency);
  }
  *out.mutable_principal() = api::ToMoney(r.allocation.principal_cents, currency);
  *out.mutable_interest() = api::ToMoney(r.allocation.interest_cents, currency);
  for (const InstalmentRevision& revision : r.allocation.revisions) {
    v1::InstalmentRevision* v = out.add_revised_instalments();
    v->set_instalment_number(revision.instalment_number);
    *v->mutable_principal_before() = api::ToMoney(revision.principal_before_cents, currency);
    *v->mutable_interest_before() = api::ToMoney(revision.interest_before_cents, currency);
    *v->mutable_principal_after() = api::ToMoney(revision.principal_after_cents, currency);
    *v->mutable_interest_after() = api::ToMoney(revision.interest_after_cents, currency);
  }
  out.set_journal_entry_id(r.journal_entry_id);
  out.set_reversed(r.reversal_entry_id.has_value());
  out.set_reversal_entry_id(r.reversal_entry_id.value_or(0));
  out.set_reversal_reason(r.reversal_reason);
  out.set_recorded_by(r.recorded_by);
  SetTimestampMicros(ToMicros(r.create_time), out.mutable_create_time());
  return out;
}

absl::Status InsertGuaranteeCall(storage::Transaction& tx, const GuaranteeCallRecord& call) {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO guarantee_calls (loan_id, amount_cents, days_past_due, call_date, "
              "journal_entry_id, create_time_us) VALUES (?, ?, ?, ?, ?, ?)",
              {call.loan_id, call.amount_cents, int64_t{call.days_past_due},
               absl::FormatCivilTime(call.call_date), call.journal_entry_id,
               ToMicros(call.create_time)})
          .status());
  for (const GuaranteeShareRecord& share : call.shares) {
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO guarantee_shares (loan_id, guarantor, "
                "amount_cents, paid_cents) VALUES (?, ?, ?, ?)",
                {call.loan_id, share.guarantor, share.amount_cents, share.paid_cents})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<GuaranteeCallRecord>> LoadGuaranteeCall(storage::Transaction& tx,
                                                                     int64_t loan_id) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT amount_cents, days_past_due, call_date, journal_entry_id, create_time_us "
               "FROM guarantee_calls WHERE loan_id = ?",
               {loan_id}));
  if (rows.empty()) return std::optional<GuaranteeCallRecord>();
  GuaranteeCallRecord call;
  call.loan_id = loan_id;
  call.amount_cents = rows[0].Int(0);
  call.days_past_due = static_cast<int32_t>(rows[0].Int(1));
  if (!absl::ParseCivilTime(rows[0].Text(2), &call.call_date)) {
    return absl::InternalError(
        absl::StrCat("the guarantee call of loans/", loan_id, " has a malformed date"));
  }
  call.journal_entry_id = rows[0].Int(3);
  call.create_time = FromMicros(rows[0].Int(4));
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows shares,
      tx.Query("SELECT guarantor, amount_cents, paid_cents FROM guarantee_shares "
               "WHERE loan_id = ? ORDER BY guarantor",
               {loan_id}));
  for (const storage::Row& row : shares) {
    call.shares.push_back({row.Text(0), row.Int(1), row.Int(2)});
  }
  return std::optional<GuaranteeCallRecord>(std::move(call));
}

absl::Status AddGuarantorPayment(storage::Transaction& tx, int64_t loan_id,
                                 const std::string& guarantor, int64_t amount_cents) {
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE guarantee_shares SET paid_cents = paid_cents + ? "
              "WHERE loan_id = ? AND guarantor = ? AND paid_cents + ? <= amount_cents",
              {amount_cents, loan_id, guarantor, amount_cents}));
  if (changed != 1) {
    return absl::AbortedError(absl::StrCat("the share of ", guarantor,
                                           " in the guarantee of loans/", loan_id,
                                           " changed during the payment"));
  }
  return absl::OkStatus();
}

v1::GuaranteeCall GuaranteeCallToProto(const GuaranteeCallRecord& call,
                                       const std::string& currency) {
  v1::GuaranteeCall out;
  out.set_loan(absl::StrCat("loans/", call.loan_id));
  *out.mutable_amount() = api::ToMoney(call.amount_cents, currency);
  for (const GuaranteeShareRecord& share : call.shares) {
    v1::GuarantorShare* s = out.add_shares();
    s->set_guarantor(share.guarantor);
    *s->mutable_amount() = api::ToMoney(share.amount_cents, currency);
    *s->mutable_paid() = api::ToMoney(share.paid_cents, currency);
  }
  out.set_days_past_due(call.days_past_due);
  *out.mutable_call_date() = api::DateFromDay(call.call_date);
  out.set_journal_entry_id(call.journal_entry_id);
  return out;
}

}  // namespace cercles::lending
