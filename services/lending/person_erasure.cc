#include "services/lending/person_erasure.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/service/erasure.h"
#include "common/util/status.h"

namespace cercles::lending {
namespace {

// The free text of a loan and of what hangs on it: its table, the SET clause
// that clears it, and the column naming the loan.
struct LoanText {
  const char* table;
  const char* clear;
  const char* loan_column;
};

constexpr LoanText kLoanTexts[] = {
    {"loans", "business_plan_summary = '', document_reference = '', state_reason = ''", "id"},
    {"loan_votes", "comment = ''", "loan_id"},
    {"repayments", "reference = '', reversal_reason = ''", "loan_id"},
    {"loan_reschedules", "reason = '', rejection_reason = ''", "loan_id"},
};

// Runs `sql` with every `?` bound to `value`.
absl::Status ExecWithEvery(storage::Transaction& tx, const std::string& sql,
                           const storage::Value& value) {
  const std::vector<storage::Value> params(
      static_cast<size_t>(std::count(sql.begin(), sql.end(), '?')), value);
  return tx.Exec(sql, params).status();
}

}  // namespace

const std::vector<std::string>& PersonErasureTables() {
  static const auto* tables = new std::vector<std::string>{
      "loans",          "loan_votes",           "repayments", "loan_reschedules",
      "bank_referrals", "subsidy_applications", "outbox",     "idempotency_keys"};
  return *tables;
}

absl::Status ClearLoanText(storage::Transaction& tx, int64_t loan_id) {
  for (const LoanText& text : kLoanTexts) {
    CERCLES_RETURN_IF_ERROR(tx.Exec(absl::StrCat("UPDATE ", text.table, " SET ", text.clear,
                                                 " WHERE ", text.loan_column, " = ?"),
                                    {loan_id})
                                .status());
  }
  return absl::OkStatus();
}

absl::Status ErasePersonText(storage::Transaction& tx, const std::string& person) {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(person, "people", "person"));
  constexpr char kTheirLoans[] = "IN (SELECT id FROM loans WHERE applicant = ?)";
  // Their loans' text and what hangs on them; then the votes they cast on others'.
  for (const LoanText& text : kLoanTexts) {
    CERCLES_RETURN_IF_ERROR(
        ExecWithEvery(tx,
                      absl::StrCat("UPDATE ", text.table, " SET ", text.clear, " WHERE ",
                                   text.loan_column, " ", kTheirLoans),
                      storage::Value(person)));
  }
  const std::vector<std::string> statements = {
      "UPDATE loan_votes SET comment = '' WHERE voter = ?",
      "UPDATE bank_referrals SET note = '' WHERE person = ?",
      "UPDATE subsidy_applications SET outcome = '' WHERE person = ?",
  };
  for (const std::string& sql : statements) {
    CERCLES_RETURN_IF_ERROR(ExecWithEvery(tx, sql, storage::Value(person)));
  }
  // Their loans' repayments and reschedules name the loan, not the person.
  redaction::PersonErasure erasure;
  erasure.person_id = id;
  CERCLES_ASSIGN_OR_RETURN(storage::Rows loans,
                           tx.Query("SELECT id FROM loans WHERE applicant = ?", {person}));
  for (const storage::Row& loan : loans)
    erasure.records.push_back(absl::StrCat("loans/", loan.Int(0)));
  return service::ScrubPersonRecords(tx, erasure).status();
}

}  // namespace cercles::lending
