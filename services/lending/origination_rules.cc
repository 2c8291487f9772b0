#include "services/lending/origination_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/error_details.h"
#include "services/lending/eligibility.h"

namespace cercles::lending {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Collects every broken rule: one status with the first rule's code, every
// rule's message and one field violation per rule (api::Combine).
class RuleReport {
 public:
  void Add(const absl::Status& status) { refusals_.push_back(status); }
  absl::Status Result() const { return api::Combine(refusals_); }

 private:
  std::vector<absl::Status> refusals_;
};

}  // namespace

std::vector<std::string> ActiveLoanNames(const std::vector<EarlierLoan>& loans) {
  std::vector<std::string> names;
  for (const EarlierLoan& loan : loans) {
    if (loan.state == LoanState::kActive) names.push_back(loan.name);
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> CheckLoanSubmission(
    const std::string& circle_name, const membership::v1::Circle& circle,
    const std::vector<std::string>& members, const std::string& applicant,
    const LoanRequest& request, int64_t ceiling_cents, const std::vector<EarlierLoan>& earlier,
    const FundSettings& settings) {
  RuleReport report;
  v1::CircleEligibility eligibility = EvaluateCircle(circle);
  if (!eligibility.may_request_loans()) {
    report.Add(absl::FailedPreconditionError(absl::StrCat(
        circle_name, " may not bring loan requests: ", absl::StrJoin(eligibility.reasons(), "; "),
        " (only an ACTIVE circle of 4 to 7 members may)")));
  }
  const bool member = Contains(members, applicant);
  if (!member) {
    report.Add(absl::FailedPreconditionError(
        absl::StrCat(applicant, " is not a current member of ", circle_name,
                     ": a loan request is brought through the applicant's own circle")));
  }
  report.Add(ValidateLoanRequest(request, ceiling_cents, settings));
  std::vector<LoanState> states;
  for (const EarlierLoan& loan : earlier) states.push_back(loan.state);
  report.Add(CheckNoOpenRequest(states));
  report.Add(CheckActiveLoanLimit(applicant, ActiveLoanNames(earlier), settings));
  std::vector<std::string> voters = EligibleVoters(members, applicant);
  if (voters.empty() && member) {
    report.Add(absl::FailedPreconditionError(
        absl::StrCat(circle_name, " has no other member to vote on the request")));
  }
  absl::Status result = report.Result();
  if (!result.ok()) return result;
  return voters;
}

absl::Status CheckVoteOpen(const std::string& loan_name, LoanState state, bool closed_at_meeting) {
  if (IsVoteOpen(state, closed_at_meeting)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the circle's vote on ", loan_name, " is over: the loan is ", LoanStateName(state),
      closed_at_meeting ? " and its vote was closed at the meeting" : "",
      " (votes are taken until the meeting closes the vote, the fund decides or the request is "
      "withdrawn)"));
}

absl::Status CheckSameCircle(const std::string& loan_name, const std::string& loan_circle,
                             const std::string& asked_circle) {
  if (loan_circle == asked_circle) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(loan_name, " moved from ", asked_circle, " to ",
                                         loan_circle, " during the call; retry"));
}

absl::Status CheckVoterIsMember(const std::string& voter, const std::string& circle,
                                const std::vector<std::string>& members) {
  if (Contains(members, voter)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(voter, " is no longer a member of ", circle,
                                                    ": only the circle's current members vote"));
}

absl::Status CheckDisbursementDates(absl::CivilDay date, absl::CivilDay first_due,
                                    absl::CivilDay today) {
  if (date > today) {
    return absl::InvalidArgumentError(
        absl::StrCat("disbursement_date ", absl::FormatCivilTime(date),
                     " is in the future: record a disbursement once the money has left the fund"));
  }
  if (first_due <= date) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_due_date ", absl::FormatCivilTime(first_due),
                     " must be after the disbursement date ", absl::FormatCivilTime(date)));
  }
  return absl::OkStatus();
}

}  // namespace cercles::lending
