// The demo fund's loans, planned before anything is sent (like demo_plan.h):
// who borrows, how much, on which terms, and what happened since: loans repaid
// (some early, to climb the stepped-loan ladder from $500 to $5,000), loans
// being repaid on time, late ones in each arrears bucket, a guarantee called, a
// loan written off, and requests still waiting for the circle or the fund.
//
// Every date is relative to the membership plan's anchor day and to the
// borrower's circle's activation, and every amount comes from the schedule the
// fund's own arithmetic gives (services/lending/schedule.h), so a re-run sends
// the very same requests and lending answers them from their request ids.
#ifndef CERCLES_TOOLS_DEMO_LENDING_PLAN_H_
#define CERCLES_TOOLS_DEMO_LENDING_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/lending/schedule.h"
#include "tools/demo/demo_plan.h"

namespace cercles::demo {

enum class LoanFate {
  kRepaid,            // every instalment paid on its due date (or early)
  kCurrent,           // being repaid, nothing late
  kLate,              // stopped paying a while ago: in arrears today
  kGuaranteeCalled,   // in serious arrears: the circle's guarantee was called
  kWrittenOff,        // six months without a payment: written off (the fund chose not to
                      // call the guarantee of a circle that had carried the borrower)
  kAwaitingVote,      // submitted, some members have voted
  kAwaitingDecision,  // the circle approved it; the fund has not decided
  kWithdrawn,         // the applicant withdrew it
};

struct PaymentPlan {
  absl::CivilDay day;
  int64_t cents = 0;
  // Recorded with a typo first (this amount + $10), reversed, then recorded right:
  // what the fund does when a receipt was keyed wrong.
  bool keyed_wrong_first = false;
};

struct LoanPlan {
  std::string key;    // "demo-loan-3": the request ids derive from it
  int circle = 0;     // index into DemoPlan::circles
  int applicant = 0;  // person index
  int previous = -1;  // index of the same person's previous loan (closed before this one)
  LoanFate fate = LoanFate::kCurrent;
  lending::ScheduleTerms terms;  // principal, rate, count, frequency, first due
  std::string purpose;
  std::string plan_summary;
  int no_votes = 0;     // how many of the voters vote no (the last ones)
  int votes_cast = -1;  // -1: every voter
  absl::CivilDay disbursed;
  std::vector<PaymentPlan> payments;
  std::optional<absl::CivilDay> guarantee_call;
  std::optional<absl::CivilDay> write_off;
  bool Disbursed() const {
    return fate != LoanFate::kAwaitingVote && fate != LoanFate::kAwaitingDecision &&
           fate != LoanFate::kWithdrawn;
  }
  // Loans that leave a member in arrears are loaded last: lending refuses a
  // circle's guarantee while one of its members is in serious arrears, and the
  // whole history is loaded today.
  bool GoesBad() const {
    return fate == LoanFate::kLate || fate == LoanFate::kGuaranteeCalled ||
           fate == LoanFate::kWrittenOff;
  }
};

// The other financing paths the fund helps with (statuses as the lending API
// names them, in the order they are reached).
struct BankReferralPlan {
  std::string key;  // "demo-bank-referral-1"
  int person = 0;
  std::string institution;
  int64_t amount_cents = 0;
  std::vector<std::string> statuses;  // "sent", "accepted" | "declined"
  int64_t obtained_cents = 0;         // when accepted
  std::string note;
};

struct SubsidyPlan {
  std::string key;  // "demo-subsidy-1"
  int person = 0;
  std::string programme;
  int64_t amount_cents = 0;
  std::vector<std::string> statuses;  // "submitted", "granted" | "refused"
  int64_t granted_cents = 0;
  std::string outcome;
};

struct LendingPlan {
  absl::CivilDay capital_day;
  int64_t capital_cents = 0;
  std::vector<LoanPlan> loans;
  std::vector<BankReferralPlan> bank_referrals;
  std::vector<SubsidyPlan> subsidies;
};

// Loans in the fund's oldest active circles; a loan whose story needs more time
// than its circle has existed is left out.
LendingPlan PlanLending(const DemoPlan& plan, uint64_t seed);

// The people who vote on a loan: the circle's members on the anchor day but the
// applicant, in joining order.
std::vector<int> VotersOf(const DemoPlan& plan, const LoanPlan& loan);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_LENDING_PLAN_H_
