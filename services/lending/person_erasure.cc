#include "services/lending/person_erasure.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/service/erasure.h"
#include "common/util/status.h"

namespace cercles::lending {

const std::vector<std::string>& PersonErasureTables() {
  static const auto* tables = new std::vector<std::string>{
      "loans",          "loan_votes",           "repayments", "loan_reschedules",
      "bank_referrals", "subsidy_applications", "outbox",     "idempotency_keys"};
  return *tables;
}

absl::Status ErasePersonText(storage::Transaction& tx, const std::string& person) {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(person, "people", "person"));
  constexpr char kTheirLoans[] = "loan_id IN (SELECT id FROM loans WHERE applicant = ?)";
  const std::vector<std::string> statements = {
      "UPDATE loans SET business_plan_summary = '', document_reference = '', state_reason = '' "
      "WHERE applicant = ?",
      absl::StrCat("UPDATE loan_votes SET comment = '' WHERE voter = ? OR ", kTheirLoans),
      absl::StrCat("UPDATE repayments SET reference = '', reversal_reason = '' WHERE ",
                   kTheirLoans),
      absl::StrCat("UPDATE loan_reschedules SET reason = '', rejection_reason = '' WHERE ",
                   kTheirLoans),
      "UPDATE bank_referrals SET note = '' WHERE person = ?",
      "UPDATE subsidy_applications SET outcome = '' WHERE person = ?",
  };
  for (const std::string& sql : statements) {
    const std::vector<storage::Value> params(
        static_cast<size_t>(std::count(sql.begin(), sql.end(), '?')), storage::Value(person));
    CERCLES_RETURN_IF_ERROR(tx.Exec(sql, params).status());
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
