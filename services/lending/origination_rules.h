// The rules of origination (from a member's request to disbursement) that the
// handler asks after loading lending's rows and membership's answers: pure
// decisions answering OK or a named refusal (the message names the field or
// the rule). The lifecycle's own rules (transitions, votes, guarantees, the
// request's amount and terms) are in loan_lifecycle.h.
#ifndef CERCLES_SERVICES_LENDING_ORIGINATION_RULES_H_
#define CERCLES_SERVICES_LENDING_ORIGINATION_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/membership.pb.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"

namespace cercles::lending {

// One of the applicant's earlier loans and requests.
struct EarlierLoan {
  std::string name;  // "loans/{id}"
  LoanState state = LoanState::kSubmitted;
};

// The names of the ACTIVE loans among `loans`, in their order.
std::vector<std::string> ActiveLoanNames(const std::vector<EarlierLoan>& loans);

// Every rule of a new request through `circle_name` (as membership answered it:
// `circle` and its current `members`): the circle may bring requests, the
// applicant is a member, the request fits the fund's terms and the applicant's
// `ceiling_cents`, the applicant has no open request among `earlier` (their
// earlier loans) and fewer active loans than the fund allows per person
// (CheckActiveLoanLimit), and someone else may vote. Every broken rule is
// reported at once: one status with the first rule's code and every rule's
// message. Returns the eligible voters.
absl::StatusOr<std::vector<std::string>> CheckLoanSubmission(
    const std::string& circle_name, const membership::v1::Circle& circle,
    const std::vector<std::string>& members, const std::string& applicant,
    const LoanRequest& request, int64_t ceiling_cents, const std::vector<EarlierLoan>& earlier,
    const FundSettings& settings);

// Members vote while the vote is open (IsVoteOpen: until the meeting closes it,
// the fund decides or the request is withdrawn); FAILED_PRECONDITION saying why it
// is over otherwise.
absl::Status CheckVoteOpen(const std::string& loan_name, LoanState state, bool closed_at_meeting);

// A vote relies on membership's answer for `asked_circle`: the loan must still be
// in it (a merge may move it meanwhile); ABORTED, to retry, otherwise.
absl::Status CheckSameCircle(const std::string& loan_name, const std::string& loan_circle,
                             const std::string& asked_circle);

// A voter must be a current member of the loan's circle.
absl::Status CheckVoterIsMember(const std::string& voter, const std::string& circle,
                                const std::vector<std::string>& members);

// A disbursement is recorded once the money has left (never in the future) and
// its first instalment falls due after it.
absl::Status CheckDisbursementDates(absl::CivilDay date, absl::CivilDay first_due,
                                    absl::CivilDay today);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_ORIGINATION_RULES_H_
