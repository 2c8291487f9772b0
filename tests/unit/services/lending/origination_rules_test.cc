#include "services/lending/origination_rules.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "cercles/membership/v1/membership.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using ::cercles::testing::IsOkAndHolds;
using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::StatusCode kRefused = absl::StatusCode::kFailedPrecondition;

membership::v1::Circle ActiveCircle() {
  membership::v1::Circle circle;
  circle.set_name("circles/7");
  circle.set_status(membership::v1::CIRCLE_STATUS_ACTIVE);
  return circle;
}

LoanRequest GoodRequest() {
  LoanRequest request;
  request.amount_cents = 40'000;
  request.purpose = "Une machine à coudre";
  request.business_plan_summary = "Atelier de retouches, clientèle du quartier, 12 mois.";
  request.instalment_count = 12;
  request.frequency = Frequency::kMonthly;
  request.annual_rate_bps = 500;
  return request;
}

const std::vector<std::string> kMembers = {"people/1", "people/2", "people/3", "people/4"};

TEST(OriginationRulesTest, AGoodSubmissionReturnsTheOtherMembersAsVoters) {
  EXPECT_THAT(CheckLoanSubmission("circles/7", ActiveCircle(), kMembers, "people/2", GoodRequest(),
                                  50'000, {{"loans/1", LoanState::kClosedRepaid}}, FundSettings{}),
              IsOkAndHolds(ElementsAre("people/1", "people/3", "people/4")));
}

TEST(OriginationRulesTest, EveryBrokenRuleOfASubmissionIsReportedAtOnce) {
  membership::v1::Circle forming = ActiveCircle();
  forming.set_status(membership::v1::CIRCLE_STATUS_FORMING);
  LoanRequest too_much = GoodRequest();
  too_much.amount_cents = 60'000;
  EXPECT_THAT(CheckLoanSubmission("circles/7", forming, kMembers, "people/9", too_much, 50'000,
                                  {{"loans/1", LoanState::kSubmitted}}, FundSettings{}),
              StatusIs(kRefused, AllOf(HasSubstr("circles/7 may not bring loan requests"),
                                       HasSubstr("people/9 is not a current member of circles/7"),
                                       HasSubstr("; "))));
}

TEST(OriginationRulesTest, ASubmissionIsRefusedWhileTheApplicantHasTheActiveLoansAllowed) {
  const std::vector<EarlierLoan> earlier = {{"loans/1", LoanState::kClosedRepaid},
                                            {"loans/4", LoanState::kActive}};
  EXPECT_THAT(ActiveLoanNames(earlier), ElementsAre("loans/4"));
  EXPECT_THAT(CheckLoanSubmission("circles/7", ActiveCircle(), kMembers, "people/2", GoodRequest(),
                                  50'000, earlier, FundSettings{}),
              StatusIs(kRefused, HasSubstr("max_active_loans_per_person allows 1 active loan per "
                                           "person, and people/2 already has 1 (loans/4)")));
  FundSettings two;
  two.max_active_loans_per_person = 2;
  EXPECT_TRUE(CheckLoanSubmission("circles/7", ActiveCircle(), kMembers, "people/2", GoodRequest(),
                                  50'000, earlier, two)
                  .ok());
}

TEST(OriginationRulesTest, ASubmissionNeedsAnotherMemberToVote) {
  EXPECT_THAT(CheckLoanSubmission("circles/7", ActiveCircle(), {"people/2"}, "people/2",
                                  GoodRequest(), 50'000, {}, FundSettings{}),
              StatusIs(kRefused, HasSubstr("circles/7 has no other member to vote")));
}

TEST(OriginationRulesTest, VotesAreTakenWhileSubmittedInTheSameCircleByMembers) {
  EXPECT_TRUE(CheckVoteOpen("loans/3", LoanState::kSubmitted, false).ok());
  // Decided early, the vote stays open to the members who have not voted.
  EXPECT_TRUE(CheckVoteOpen("loans/3", LoanState::kCircleApproved, false).ok());
  EXPECT_THAT(CheckVoteOpen("loans/3", LoanState::kCircleApproved, true),
              StatusIs(kRefused, HasSubstr("the circle's vote on loans/3 is over: the loan is "
                                           "CIRCLE_APPROVED and its vote was closed at the "
                                           "meeting")));
  EXPECT_THAT(CheckVoteOpen("loans/3", LoanState::kApproved, false),
              StatusIs(kRefused, HasSubstr("the circle's vote on loans/3 is over: the loan is "
                                           "APPROVED (votes are taken until the meeting closes "
                                           "the vote, the fund decides or the request is "
                                           "withdrawn)")));
  EXPECT_TRUE(CheckSameCircle("loans/3", "circles/7", "circles/7").ok());
  EXPECT_THAT(CheckSameCircle("loans/3", "circles/8", "circles/7"),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("loans/3 moved from circles/7 to circles/8 during the call")));
  EXPECT_TRUE(CheckVoterIsMember("people/1", "circles/7", kMembers).ok());
  EXPECT_THAT(CheckVoterIsMember("people/9", "circles/7", kMembers),
              StatusIs(kRefused, HasSubstr("people/9 is no longer a member of circles/7")));
}

TEST(OriginationRulesTest, ADisbursementIsNotInTheFutureAndPrecedesTheFirstDueDate) {
  const absl::CivilDay today(2026, 6, 10);
  EXPECT_TRUE(CheckDisbursementDates(today, today + 30, today).ok());
  EXPECT_THAT(CheckDisbursementDates(today + 1, today + 30, today),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("disbursement_date 2026-06-11 is in the future")));
  EXPECT_THAT(CheckDisbursementDates(today, today, today),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("first_due_date 2026-06-10 must be after the disbursement date")));
}

}  // namespace
}  // namespace cercles::lending
