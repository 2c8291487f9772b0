#include "services/lending/loan_lifecycle.h"

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/fund_settings.h"
#include "services/lending/journal.h"
#include "tests/support/status_matchers.h"

namespace cercles::lending {
namespace {

using cercles::common::v1::ROLE_ADMIN;
using cercles::common::v1::ROLE_ADVISOR;
using cercles::common::v1::ROLE_PEER_FUND;
using cercles::common::v1::ROLE_SERVICE;
using cercles::common::v1::ROLE_UNSPECIFIED;
using ::cercles::testing::IsOkAndHolds;
using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using S = LoanState;

// ---- States and transitions ----

TEST(LoanLifecycleTest, NamesRoundTrip) {
  ASSERT_EQ(AllLoanStates().size(), 9u);
  std::set<std::string> names;
  for (LoanState state : AllLoanStates()) {
    const std::string name = LoanStateName(state);
    names.insert(name);
    EXPECT_EQ(LoanStateFromName(name), state) << name;
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(LoanStateName(S::kCircleApproved), "CIRCLE_APPROVED");
  EXPECT_EQ(LoanStateName(S::kClosedRepaid), "CLOSED_REPAID");
  EXPECT_FALSE(LoanStateFromName("ARREARS").has_value());  // a classification, never a state
  EXPECT_FALSE(LoanStateFromName("submitted").has_value());
  EXPECT_FALSE(LoanStateFromName("").has_value());
}

TEST(LoanLifecycleTest, EveryPairOfStates) {
  // The whole table: exactly these ten moves are allowed.
  const std::set<std::pair<S, S>> allowed = {
      {S::kSubmitted, S::kCircleApproved}, {S::kSubmitted, S::kCircleRejected},
      {S::kSubmitted, S::kWithdrawn},      {S::kCircleApproved, S::kApproved},
      {S::kCircleApproved, S::kRejected},  {S::kCircleApproved, S::kWithdrawn},
      {S::kApproved, S::kWithdrawn},       {S::kApproved, S::kActive},
      {S::kActive, S::kClosedRepaid},      {S::kActive, S::kWrittenOff},
  };
  int allowed_count = 0;
  int refused_count = 0;
  for (LoanState from : AllLoanStates()) {
    for (LoanState to : AllLoanStates()) {
      const absl::Status status = CheckTransition(from, to);
      const std::string pair = absl::StrCat(LoanStateName(from), " -> ", LoanStateName(to));
      if (allowed.count({from, to}) != 0) {
        EXPECT_TRUE(status.ok()) << pair << ": " << status;
        ++allowed_count;
      } else {
        EXPECT_THAT(status,
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr(absl::StrCat("a loan cannot go from ", LoanStateName(from),
                                                    " to ", LoanStateName(to)))))
            << pair;
        ++refused_count;
      }
    }
  }
  EXPECT_EQ(allowed_count, 10);
  EXPECT_EQ(refused_count, 71);
}

TEST(LoanLifecycleTest, RefusalsSayWhy) {
  EXPECT_THAT(std::string(CheckTransition(S::kSubmitted, S::kApproved).message()),
              HasSubstr("the fund decides only on a request the circle approved; from SUBMITTED "
                        "it may go to CIRCLE_APPROVED, CIRCLE_REJECTED, WITHDRAWN"));
  EXPECT_THAT(std::string(CheckTransition(S::kCircleApproved, S::kActive).message()),
              HasSubstr("only a request the fund approved is disbursed"));
  EXPECT_THAT(std::string(CheckTransition(S::kActive, S::kWithdrawn).message()),
              HasSubstr("a disbursed loan cannot be withdrawn"));
  EXPECT_THAT(std::string(CheckTransition(S::kApproved, S::kClosedRepaid).message()),
              HasSubstr("only a disbursed loan is repaid or written off"));
  EXPECT_THAT(std::string(CheckTransition(S::kWrittenOff, S::kActive).message()),
              HasSubstr("WRITTEN_OFF is final"));
  EXPECT_THAT(std::string(CheckTransition(S::kSubmitted, S::kSubmitted).message()),
              HasSubstr("a loan cannot go from SUBMITTED to SUBMITTED"));
}

TEST(LoanLifecycleTest, UnknownStateIsInvalid) {
  const auto unknown = static_cast<LoanState>(42);
  EXPECT_THAT(CheckTransition(unknown, S::kActive), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckTransition(S::kSubmitted, unknown),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(LoanStateName(unknown), "UNKNOWN");
  EXPECT_FALSE(IsFinal(unknown));
  EXPECT_FALSE(IsOpenRequest(unknown));
}

TEST(LoanLifecycleTest, FinalAndOpenStates) {
  std::vector<LoanState> final_states;
  std::vector<LoanState> open_states;
  for (LoanState state : AllLoanStates()) {
    if (IsFinal(state)) final_states.push_back(state);
    if (IsOpenRequest(state)) open_states.push_back(state);
    EXPECT_EQ(IsFinal(state), AllowedTransitions(state).empty()) << LoanStateName(state);
  }
  EXPECT_THAT(final_states, ElementsAre(S::kCircleRejected, S::kRejected, S::kWithdrawn,
                                        S::kClosedRepaid, S::kWrittenOff));
  EXPECT_THAT(open_states, ElementsAre(S::kSubmitted, S::kCircleApproved, S::kApproved));
}

TEST(LoanLifecycleTest, OneOpenRequestPerPerson) {
  EXPECT_TRUE(CheckNoOpenRequest({}).ok());
  EXPECT_TRUE(CheckNoOpenRequest({S::kClosedRepaid, S::kWithdrawn, S::kCircleRejected, S::kRejected,
                                  S::kWrittenOff, S::kActive})
                  .ok());
  for (LoanState open : {S::kSubmitted, S::kCircleApproved, S::kApproved}) {
    const absl::Status status = CheckNoOpenRequest({S::kClosedRepaid, open});
    EXPECT_THAT(
        status,
        StatusIs(absl::StatusCode::kFailedPrecondition,
                 HasSubstr(absl::StrCat("already has a request in state ", LoanStateName(open)))));
  }
}

TEST(LoanLifecycleTest, ActiveLoansPerPersonAreLimitedByTheFundSetting) {
  FundSettings settings;  // default: one active loan per person
  EXPECT_TRUE(CheckActiveLoanLimit("people/2", {}, settings).ok());
  EXPECT_THAT(CheckActiveLoanLimit("people/2", {"loans/7"}, settings),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("loans per person: the fund's setting "
                                 "max_active_loans_per_person allows 1 active loan per person, "
                                 "and people/2 already has 1 (loans/7); another loan is possible "
                                 "once one of them is closed")));
  settings.max_active_loans_per_person = 2;
  EXPECT_TRUE(CheckActiveLoanLimit("people/2", {"loans/7"}, settings).ok());
  EXPECT_THAT(CheckActiveLoanLimit("people/2", {"loans/7", "loans/9"}, settings),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("allows 2 active loans per person, and people/2 already has 2 "
                                 "(loans/7, loans/9)")));
}

// ---- A new request ----

LoanRequest GoodRequest() {
  LoanRequest request;
  request.amount_cents = 100000;
  request.purpose = "Achat d'une machine à coudre industrielle";
  request.business_plan_summary = "Atelier de retouches, clientèle du quartier, 12 mois.";
  request.document_reference = "plans/2024/retouches.pdf";
  request.instalment_count = 12;
  request.frequency = Frequency::kMonthly;
  request.annual_rate_bps = 500;
  return request;
}

TEST(LoanRequestTest, AGoodRequestPasses) {
  const FundSettings settings;
  EXPECT_TRUE(ValidateLoanRequest(GoodRequest(), 100000, settings).ok());
  LoanRequest no_document = GoodRequest();
  no_document.document_reference.clear();
  EXPECT_TRUE(ValidateLoanRequest(no_document, 100000, settings).ok());
}

TEST(LoanRequestTest, EveryRuleIsNamed) {
  struct Case {
    const char* name;
    std::function<void(LoanRequest&)> change;
    absl::StatusCode code;
    const char* message;
  };
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  const std::vector<Case> cases = {
      {"zero amount", [](LoanRequest& r) { r.amount_cents = 0; }, kInvalid,
       "amount.minor_units must be positive, got 0"},
      {"negative amount", [](LoanRequest& r) { r.amount_cents = -5; }, kInvalid,
       "amount.minor_units must be positive, got -5"},
      {"above the ceiling", [](LoanRequest& r) { r.amount_cents = 100001; },
       absl::StatusCode::kFailedPrecondition,
       "amount.minor_units 100001 exceeds the applicant's stepped-loan ceiling of 100000 "
       "(FundSettings.ladder)"},
      {"no purpose", [](LoanRequest& r) { r.purpose.clear(); }, kInvalid, "purpose is required"},
      {"blank purpose", [](LoanRequest& r) { r.purpose = " \t\n"; }, kInvalid,
       "purpose is required"},
      {"long purpose", [](LoanRequest& r) { r.purpose = std::string(501, 'a'); }, kInvalid,
       "purpose must be at most 500 characters, got 501"},
      {"long accented purpose",
       [](LoanRequest& r) {
         r.purpose.clear();
         for (int i = 0; i < 501; ++i) r.purpose += "é";
       },
       kInvalid, "purpose must be at most 500 characters, got 501"},
      {"no summary", [](LoanRequest& r) { r.business_plan_summary.clear(); }, kInvalid,
       "business_plan_summary is required"},
      {"long summary", [](LoanRequest& r) { r.business_plan_summary = std::string(5001, 'b'); },
       kInvalid, "business_plan_summary must be at most 5000 characters, got 5001"},
      {"long document",
       [](LoanRequest& r) { r.document_reference = "plans/" + std::string(495, 'c'); }, kInvalid,
       "document_reference must be at most 500 characters, got 501"},
      {"document with a space", [](LoanRequest& r) { r.document_reference = "plans/mon plan.pdf"; },
       kInvalid, "document_reference must be printable ASCII without spaces"},
      {"document with a control character",
       [](LoanRequest& r) { r.document_reference = "plans/\x01.pdf"; }, kInvalid,
       "document_reference must be printable ASCII without spaces"},
      {"document with an accent", [](LoanRequest& r) { r.document_reference = "plans/été.pdf"; },
       kInvalid, "document_reference must be printable ASCII without spaces"},
      {"ftp URL", [](LoanRequest& r) { r.document_reference = "ftp://files.example/plan.pdf"; },
       kInvalid, "a URL must start with https:// or http://"},
      {"URL without host", [](LoanRequest& r) { r.document_reference = "https:///plan.pdf"; },
       kInvalid, "a URL must name a host"},
      {"bare scheme", [](LoanRequest& r) { r.document_reference = "https://"; }, kInvalid,
       "a URL must name a host"},
      {"key with a query", [](LoanRequest& r) { r.document_reference = "plans/a.pdf?x=1"; },
       kInvalid, "a storage key may hold only letters, digits"},
      {"absolute key", [](LoanRequest& r) { r.document_reference = "/etc/passwd"; }, kInvalid,
       "a storage key must not start with /"},
      {"key escaping", [](LoanRequest& r) { r.document_reference = "plans/../secrets"; }, kInvalid,
       "must not hold a \"..\" segment"},
      {"zero instalments", [](LoanRequest& r) { r.instalment_count = 0; }, kInvalid,
       "instalment_count must lie in 1..24 for monthly repayments, got 0"},
      {"25 months", [](LoanRequest& r) { r.instalment_count = 25; }, kInvalid,
       "instalment_count must lie in 1..24 for monthly repayments, got 25"},
      {"105 weeks",
       [](LoanRequest& r) {
         r.frequency = Frequency::kWeekly;
         r.instalment_count = 105;
       },
       kInvalid, "instalment_count must lie in 1..104 for weekly repayments, got 105"},
      {"53 fortnights",
       [](LoanRequest& r) {
         r.frequency = Frequency::kEveryTwoWeeks;
         r.instalment_count = 53;
       },
       kInvalid, "instalment_count must lie in 1..52 for every two weeks repayments, got 53"},
      {"negative rate", [](LoanRequest& r) { r.annual_rate_bps = -1; }, kInvalid,
       "annual_rate_bps must lie in 0..1000, got -1"},
      {"rate above 10 %", [](LoanRequest& r) { r.annual_rate_bps = 1001; }, kInvalid,
       "annual_rate_bps must lie in 0..1000, got 1001"},
      {"grace on principal over the whole term",
       [](LoanRequest& r) { r.grace_on_principal = r.instalment_count; }, kInvalid,
       "grace_on_principal_instalments must lie in 0..11 (at most 52 and fewer than "
       "instalment_count 12: at least one instalment repays the principal), got 12"},
      {"negative grace on interest", [](LoanRequest& r) { r.grace_on_interest = -1; }, kInvalid,
       "grace_on_interest_instalments must lie in 0..11"},
      {"grace on interest beyond a year of weeks",
       [](LoanRequest& r) {
         r.frequency = Frequency::kWeekly;
         r.instalment_count = 104;
         r.grace_on_interest = 53;
       },
       kInvalid, "grace_on_interest_instalments must lie in 0..52"},
  };
  const FundSettings settings;
  for (const Case& c : cases) {
    LoanRequest request = GoodRequest();
    c.change(request);
    const absl::Status status = ValidateLoanRequest(request, 100000, settings);
    EXPECT_THAT(status, StatusIs(c.code, HasSubstr(c.message))) << c.name << ": " << status;
  }
}

TEST(LoanRequestTest, EdgesThatAreAllowed) {
  const FundSettings settings;
  LoanRequest request = GoodRequest();
  request.amount_cents = 100000;  // exactly the ceiling
  request.purpose = std::string(500, 'a');
  request.business_plan_summary.clear();
  for (int i = 0; i < 5000; ++i) request.business_plan_summary += "é";  // 10000 bytes
  request.document_reference = "https://docs.example.org/plans/abc?v=2&x=%20y";
  request.annual_rate_bps = 1000;
  request.frequency = Frequency::kWeekly;
  request.instalment_count = 104;
  request.grace_on_principal = kMaxGraceInstalments;
  request.grace_on_interest = kMaxGraceInstalments;
  EXPECT_TRUE(ValidateLoanRequest(request, 100000, settings).ok())
      << ValidateLoanRequest(request, 100000, settings);
  request.grace_on_principal = 0;
  request.grace_on_interest = 0;
  request.document_reference = "http://localhost:9000/bucket/key";
  request.annual_rate_bps = 0;
  request.frequency = Frequency::kEveryTwoWeeks;
  request.instalment_count = 1;
  request.amount_cents = 1;
  EXPECT_TRUE(ValidateLoanRequest(request, 100000, settings).ok());
  request.document_reference = std::string(500, 'k');  // exactly 500
  EXPECT_TRUE(ValidateLoanRequest(request, 100000, settings).ok());
}

TEST(LoanRequestTest, SettingsDecideRatesAndTerms) {
  FundSettings settings;
  settings.min_annual_rate_bps = 300;
  settings.max_annual_rate_bps = 300;
  settings.monthly_terms = {6, 12};
  LoanRequest request = GoodRequest();
  request.annual_rate_bps = 300;
  EXPECT_TRUE(ValidateLoanRequest(request, 500000, settings).ok());
  request.instalment_count = 5;
  EXPECT_THAT(std::string(ValidateLoanRequest(request, 500000, settings).message()),
              HasSubstr("instalment_count must lie in 6..12"));
  request.instalment_count = 6;
  request.annual_rate_bps = 0;
  EXPECT_THAT(std::string(ValidateLoanRequest(request, 500000, settings).message()),
              HasSubstr("annual_rate_bps must lie in 300..300, got 0"));
}

TEST(LoanRequestTest, CeilingFromTheLadder) {
  const FundSettings settings;
  absl::StatusOr<int64_t> ceiling = LadderCeilingCents(settings.ladder_cents, {true});
  ASSERT_TRUE(ceiling.ok());
  LoanRequest request = GoodRequest();
  request.amount_cents = 100000;
  EXPECT_TRUE(ValidateLoanRequest(request, *ceiling, settings).ok());
  ceiling = LadderCeilingCents(settings.ladder_cents, {});
  EXPECT_THAT(ValidateLoanRequest(request, *ceiling, settings),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(ValidateLoanRequest(request, 0, settings).message()),
              HasSubstr("the stepped-loan ceiling must be positive, got 0"));
}

// ---- The circle's vote ----

const std::string kApplicant = "people/1";
const std::vector<std::string> kMembers = {"people/1", "people/2", "people/3", "people/4",
                                           "people/5", "people/6", "people/7"};

std::vector<std::string> Voters(size_t count) {
  std::vector<std::string> all = EligibleVoters(kMembers, kApplicant);
  all.resize(count);
  return all;
}

// Votes from the first voters: `approvals` yes, then `rejections` no.
std::vector<Vote> Cast(const std::vector<std::string>& voters, int approvals, int rejections) {
  std::vector<Vote> votes;
  size_t i = 0;
  for (int k = 0; k < approvals; ++k) votes.push_back({voters.at(i++), true, ""});
  for (int k = 0; k < rejections; ++k) votes.push_back({voters.at(i++), false, "pas prêt"});
  return votes;
}

VoteTally Tally(const std::vector<std::string>& voters, const std::vector<Vote>& votes,
                const FundSettings& settings = {}, bool closed = false) {
  absl::StatusOr<VoteTally> tally = TallyVotes(kApplicant, voters, votes, settings, closed);
  EXPECT_TRUE(tally.ok()) << tally.status();
  return tally.ok() ? *tally : VoteTally{};
}

TEST(VoteTest, EligibleVotersAreTheOtherMembers) {
  EXPECT_THAT(EligibleVoters({"people/c", "people/a", "people/b", "people/a"}, "people/b"),
              ElementsAre("people/a", "people/c"));
  EXPECT_THAT(Voters(6),
              ElementsAre("people/2", "people/3", "people/4", "people/5", "people/6", "people/7"));
}

TEST(VoteTest, NoVotesIsPending) {
  const VoteTally tally = Tally(Voters(6), {});
  EXPECT_EQ(tally.outcome, VoteOutcome::kPending);
  EXPECT_EQ(tally.eligible_voters, 6);
  EXPECT_EQ(tally.votes_cast, 0);
  EXPECT_EQ(tally.not_voted, 6);
  EXPECT_EQ(tally.quorum_votes, 4);  // more than half of 6
  EXPECT_FALSE(tally.quorum_reached);
  EXPECT_THAT(tally.reason, HasSubstr("not reached"));
}

TEST(VoteTest, QuorumVotesByCircleSize) {
  // More than half of the other members: 3 of 3 or 4, 4 of 5 or 6.
  const std::map<size_t, int32_t> expected = {{3, 2}, {4, 3}, {5, 3}, {6, 4}};
  for (const auto& [eligible, quorum] : expected) {
    EXPECT_EQ(Tally(Voters(eligible), {}).quorum_votes, quorum) << eligible;
  }
}

TEST(VoteTest, EarlyApprovalNeedsAMajorityOfAllEligibleVoters) {
  const std::vector<std::string> voters = Voters(6);
  // 3 yes of 6: quorum not reached, and the 3 silent members could still say no.
  EXPECT_EQ(Tally(voters, Cast(voters, 3, 0)).outcome, VoteOutcome::kPending);
  // 3 yes 1 no: quorum reached, 3/4 of the votes cast, but 2 no more would make it 3/6.
  VoteTally tally = Tally(voters, Cast(voters, 3, 1));
  EXPECT_EQ(tally.outcome, VoteOutcome::kPending);
  EXPECT_TRUE(tally.quorum_reached);
  EXPECT_THAT(tally.reason, HasSubstr("2 members have not voted"));
  // 4 yes: whatever the other 2 do, it passes.
  tally = Tally(voters, Cast(voters, 4, 0));
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleApproved);
  EXPECT_EQ(tally.approvals, 4);
  EXPECT_EQ(tally.not_voted, 2);
}

TEST(VoteTest, EarlyRejectionWhenApprovalIsOutOfReach) {
  const std::vector<std::string> voters = Voters(6);
  // 3 no: at most 3 yes of 6, not more than half.
  VoteTally tally = Tally(voters, Cast(voters, 0, 3));
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleRejected);
  EXPECT_FALSE(tally.quorum_reached);
  EXPECT_THAT(tally.reason, HasSubstr("cannot reach more than 1/2"));
  // 2 no: 4 yes of 6 is still possible.
  EXPECT_EQ(Tally(voters, Cast(voters, 0, 2)).outcome, VoteOutcome::kPending);
}

TEST(VoteTest, TiesReject) {
  // Every member voted, half yes: not more than half.
  for (size_t eligible : {4u, 6u}) {
    const std::vector<std::string> voters = Voters(eligible);
    const int half = static_cast<int>(eligible / 2);
    const VoteTally tally = Tally(voters, Cast(voters, half, half));
    EXPECT_EQ(tally.outcome, VoteOutcome::kCircleRejected) << eligible;
    EXPECT_EQ(tally.not_voted, 0);
  }
  // A tie among the votes cast at closing also rejects.
  const std::vector<std::string> voters = Voters(6);
  EXPECT_EQ(Tally(voters, Cast(voters, 2, 2), {}, /*closed=*/true).outcome,
            VoteOutcome::kCircleRejected);
}

TEST(VoteTest, AbstentionsAndClosing) {
  const std::vector<std::string> voters = Voters(6);
  // 3 yes 1 no, 2 silent: pending while open, approved when the meeting closes the vote.
  VoteTally tally = Tally(voters, Cast(voters, 3, 1), {}, /*closed=*/true);
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleApproved);
  EXPECT_THAT(tally.reason, HasSubstr("closed with 3 approvals of 4 votes cast"));
  // 3 yes, 3 silent: no quorum; closing rejects.
  tally = Tally(voters, Cast(voters, 3, 0), {}, /*closed=*/true);
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleRejected);
  EXPECT_FALSE(tally.quorum_reached);
  EXPECT_THAT(tally.reason, HasSubstr("closed without its quorum"));
  // Nobody voted and the vote closes: rejected.
  EXPECT_EQ(Tally(voters, {}, {}, true).outcome, VoteOutcome::kCircleRejected);
}

TEST(VoteTest, QuorumEdges) {
  // Quorum "more than 1/2" of 5: 3 votes. 2 yes is not enough; 3 yes decides (3 > 5/2).
  const std::vector<std::string> voters = Voters(5);
  VoteTally tally = Tally(voters, Cast(voters, 2, 0), {}, true);
  EXPECT_FALSE(tally.quorum_reached);
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleRejected);
  tally = Tally(voters, Cast(voters, 3, 0));
  EXPECT_TRUE(tally.quorum_reached);
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleApproved);
  // 2 yes 1 no of 5: quorum reached, 2/3 cast, pending; at closing approved.
  EXPECT_EQ(Tally(voters, Cast(voters, 2, 1)).outcome, VoteOutcome::kPending);
  EXPECT_EQ(Tally(voters, Cast(voters, 2, 1), {}, true).outcome, VoteOutcome::kCircleApproved);

  // A demanding fund: everyone votes, two thirds approve.
  FundSettings strict;
  strict.vote_quorum = {1, 1, false};
  strict.vote_approval = {2, 3, false};
  const std::vector<std::string> six = Voters(6);
  tally = Tally(six, Cast(six, 4, 1), strict, true);
  EXPECT_EQ(tally.quorum_votes, 6);
  EXPECT_FALSE(tally.quorum_reached);
  EXPECT_EQ(tally.outcome, VoteOutcome::kCircleRejected);
  EXPECT_EQ(Tally(six, Cast(six, 4, 1), strict).outcome, VoteOutcome::kPending);
  EXPECT_EQ(Tally(six, Cast(six, 4, 2), strict).outcome, VoteOutcome::kCircleApproved);
  EXPECT_EQ(Tally(six, Cast(six, 3, 3), strict).outcome, VoteOutcome::kCircleRejected);
  EXPECT_EQ(Tally(six, Cast(six, 0, 3), strict).outcome, VoteOutcome::kCircleRejected);
  EXPECT_EQ(Tally(six, Cast(six, 0, 2), strict).outcome, VoteOutcome::kPending);
}

// Exhaustive over circle sizes, thresholds and vote counts: the outcome never depends on
// the order of the votes, a decided vote never changes with later votes, and an open
// vote with every member voted is always decided.
TEST(VoteTest, DecisionsAreFinalAndOrderFree) {
  const std::vector<std::pair<VoteThreshold, VoteThreshold>> rules = {
      {{1, 2, true}, {1, 2, true}},   {{2, 3, false}, {1, 2, true}}, {{1, 1, false}, {2, 3, false}},
      {{1, 3, false}, {1, 1, false}}, {{1, 4, true}, {3, 4, true}},
  };
  for (const auto& [quorum, approval] : rules) {
    FundSettings settings;
    settings.vote_quorum = quorum;
    settings.vote_approval = approval;
    ASSERT_TRUE(ValidateSettings(settings).ok());
    for (size_t eligible = 1; eligible <= 6; ++eligible) {
      const std::vector<std::string> voters = Voters(eligible);
      const auto n = static_cast<int>(eligible);
      for (int yes = 0; yes <= n; ++yes) {
        for (int no = 0; yes + no <= n; ++no) {
          const std::string where =
              absl::StrCat(DescribeThreshold(quorum), "/", DescribeThreshold(approval), " of ", n,
                           ": ", yes, " yes ", no, " no");
          std::vector<Vote> votes = Cast(voters, yes, no);
          const VoteTally tally = Tally(voters, votes, settings);
          std::vector<Vote> reversed(votes.rbegin(), votes.rend());
          EXPECT_EQ(Tally(voters, reversed, settings).outcome, tally.outcome) << where;
          if (yes + no == n) {
            EXPECT_NE(tally.outcome, VoteOutcome::kPending) << where;
          }
          if (tally.outcome != VoteOutcome::kPending) {
            // Any more votes leave it as it is, and closing agrees.
            EXPECT_EQ(Tally(voters, votes, settings, true).outcome, tally.outcome) << where;
            if (yes + no < n) {
              for (bool approve : {true, false}) {
                std::vector<Vote> more = votes;
                more.push_back({voters[static_cast<size_t>(yes + no)], approve, ""});
                EXPECT_EQ(Tally(voters, more, settings).outcome, tally.outcome) << where;
              }
            }
          } else {
            EXPECT_NE(Tally(voters, votes, settings, true).outcome, VoteOutcome::kPending) << where;
          }
        }
      }
    }
  }
}

TEST(VoteTest, WhoMayVote) {
  const std::vector<std::string> voters = Voters(6);
  const FundSettings settings;
  const std::vector<Vote> cast = {{"people/2", true, ""}};

  absl::Status status = CheckVote(kApplicant, voters, cast, {kApplicant, true, ""}, settings);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("the applicant (people/1) cannot vote on their own request"));

  status = CheckVote(kApplicant, voters, cast, {"people/9", true, ""}, settings);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("people/9 is not a current member of the applicant's circle"));

  status = CheckVote(kApplicant, voters, cast, {"people/2", false, "j'ai changé d'avis"}, settings);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("people/2 has already voted on this request"));

  status = CheckVote(kApplicant, voters, cast, {"", true, ""}, settings);
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("vote.voter is required")));

  status =
      CheckVote(kApplicant, voters, cast, {"people/3", true, std::string(2001, 'x')}, settings);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("vote.comment must be at most 2000 characters, got 2001"));

  EXPECT_TRUE(
      CheckVote(kApplicant, voters, cast, {"people/3", false, std::string(2000, 'x')}, settings)
          .ok());
}

TEST(VoteTest, EveryMemberMayStillVoteAfterTheDecisionWhichStands) {
  // Five other members: three yes decide it; the fourth and fifth still vote, and are
  // counted, but the outcome stands.
  const std::vector<std::string> voters = Voters(5);
  std::vector<Vote> cast = Cast(voters, 3, 0);
  ASSERT_EQ(Tally(voters, cast).outcome, VoteOutcome::kCircleApproved);
  for (const std::string& late : {voters[3], voters[4]}) {
    const Vote vote{late, false, "trop tôt"};
    EXPECT_TRUE(CheckVote(kApplicant, voters, cast, vote, FundSettings{}).ok()) << late;
    cast.push_back(vote);
    const VoteTally tally = Tally(voters, cast);
    EXPECT_EQ(tally.outcome, VoteOutcome::kCircleApproved) << late;
    EXPECT_EQ(tally.votes_cast, static_cast<int32_t>(cast.size()));
  }
  EXPECT_EQ(Tally(voters, cast).rejections, 2);
  // Rejected early (three no of five): the two others still vote yes, and it stays rejected.
  std::vector<Vote> refused = Cast(voters, 0, 3);
  ASSERT_EQ(Tally(voters, refused).outcome, VoteOutcome::kCircleRejected);
  refused.push_back({voters[3], true, ""});
  refused.push_back({voters[4], true, ""});
  EXPECT_EQ(Tally(voters, refused).outcome, VoteOutcome::kCircleRejected);
  // A member still votes once.
  EXPECT_THAT(CheckVote(kApplicant, voters, cast, {voters[0], false, ""}, FundSettings{}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has already voted")));
}

TEST(VoteTest, TheVoteClosesAtTheMeetingTheFundsDecisionOrAWithdrawal) {
  for (LoanState state : {S::kSubmitted, S::kCircleApproved, S::kCircleRejected}) {
    EXPECT_TRUE(IsVoteOpen(state, false)) << LoanStateName(state);
    EXPECT_FALSE(IsVoteOpen(state, true)) << LoanStateName(state);
  }
  for (LoanState state :
       {S::kApproved, S::kRejected, S::kWithdrawn, S::kActive, S::kClosedRepaid, S::kWrittenOff}) {
    EXPECT_FALSE(IsVoteOpen(state, false)) << LoanStateName(state);
  }
}

TEST(VoteTest, BadVotesAreRefusedByTheTallyToo) {
  const std::vector<std::string> voters = Voters(6);
  const std::vector<Vote> cast = Cast(voters, 4, 0);
  // The same bad votes are refused by the tally itself.
  std::vector<Vote> twice = cast;
  twice.push_back(cast.front());
  EXPECT_THAT(TallyVotes(kApplicant, voters, twice, FundSettings{}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  std::vector<Vote> by_applicant = {{kApplicant, true, ""}};
  EXPECT_THAT(TallyVotes(kApplicant, voters, by_applicant, FundSettings{}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(VoteTest, MalformedVoterLists) {
  const FundSettings settings;
  absl::StatusOr<VoteTally> tally = TallyVotes(kApplicant, {}, {}, settings);
  EXPECT_EQ(tally.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tally.status().message()), HasSubstr("eligible_voters is empty"));
  tally = TallyVotes(kApplicant, {"people/2", kApplicant}, {}, settings);
  EXPECT_THAT(std::string(tally.status().message()),
              HasSubstr("eligible_voters must not include the applicant"));
  tally = TallyVotes(kApplicant, {"people/2", "people/2"}, {}, settings);
  EXPECT_THAT(std::string(tally.status().message()), HasSubstr("eligible_voters repeats"));
  tally = TallyVotes(kApplicant, {"people/2", ""}, {}, settings);
  EXPECT_THAT(std::string(tally.status().message()), HasSubstr("empty name"));
}

TEST(VoteTest, OutcomeNames) {
  EXPECT_EQ(VoteOutcomeName(VoteOutcome::kPending), "PENDING");
  EXPECT_EQ(VoteOutcomeName(VoteOutcome::kCircleApproved), "CIRCLE_APPROVED");
  EXPECT_EQ(VoteOutcomeName(VoteOutcome::kCircleRejected), "CIRCLE_REJECTED");
}

// ---- The guarantee ----

CircleGuaranteeState ActiveCircle() {
  CircleGuaranteeState circle;
  circle.status = cercles::membership::v1::CIRCLE_STATUS_ACTIVE;
  circle.members = {"people/4", "people/1", "people/2", "people/3"};
  return circle;
}

TEST(GuaranteeTest, AtTheThresholdTheCircleGuarantees) {
  const FundSettings settings;
  absl::StatusOr<Guarantee> guarantee = GuaranteeFor(200000, kApplicant, ActiveCircle(), settings);
  ASSERT_TRUE(guarantee.ok()) << guarantee.status();
  EXPECT_EQ(guarantee->kind, GuaranteeKind::kCircleGuarantee);
  EXPECT_THAT(guarantee->guarantors, ElementsAre("people/2", "people/3", "people/4"));
  EXPECT_EQ(GuaranteeKindName(guarantee->kind), "CIRCLE_GUARANTEE");

  guarantee = GuaranteeFor(1, kApplicant, ActiveCircle(), settings);
  ASSERT_TRUE(guarantee.ok());
  EXPECT_EQ(guarantee->kind, GuaranteeKind::kCircleGuarantee);
}

TEST(GuaranteeTest, WhetherANoVoterGuaranteesIsAFundSetting) {
  FundSettings settings;  // default: the whole circle guarantees
  const std::vector<Vote> votes = {{"people/2", true, ""}, {"people/3", false, "non"}};
  absl::StatusOr<Guarantee> guarantee =
      GuaranteeFor(100000, kApplicant, ActiveCircle(), settings, votes);
  ASSERT_TRUE(guarantee.ok()) << guarantee.status();
  EXPECT_THAT(guarantee->guarantors, ElementsAre("people/2", "people/3", "people/4"));
  EXPECT_THAT(GuarantorsAfterVote(guarantee->guarantors, {"people/4", false, ""}, settings),
              IsOkAndHolds(ElementsAre("people/2", "people/3", "people/4")));

  settings.circle_guarantors = CircleGuarantors::kExceptNoVoters;
  guarantee = GuaranteeFor(100000, kApplicant, ActiveCircle(), settings, votes);
  ASSERT_TRUE(guarantee.ok()) << guarantee.status();
  // people/4 has not voted: a member of the circle, a guarantor.
  EXPECT_THAT(guarantee->guarantors, ElementsAre("people/2", "people/4"));
  // Voting no after the decision leaves the guarantee; voting yes keeps it.
  EXPECT_THAT(GuarantorsAfterVote(guarantee->guarantors, {"people/4", true, ""}, settings),
              IsOkAndHolds(ElementsAre("people/2", "people/4")));
  EXPECT_THAT(GuarantorsAfterVote(guarantee->guarantors, {"people/4", false, ""}, settings),
              IsOkAndHolds(ElementsAre("people/2")));
  EXPECT_THAT(GuarantorsAfterVote({"people/2"}, {"people/2", false, ""}, settings),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("circle_guarantors (EXCEPT_NO_VOTERS)")));
  const std::vector<Vote> all_no = {
      {"people/2", false, ""}, {"people/3", false, ""}, {"people/4", false, ""}};
  EXPECT_THAT(
      GuaranteeFor(100000, kApplicant, ActiveCircle(), settings, all_no),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("every other member voted no")));
}

TEST(GuaranteeTest, AboveTheThresholdTheBorrowerAloneIsResponsible) {
  const FundSettings settings;
  absl::StatusOr<Guarantee> guarantee = GuaranteeFor(200001, kApplicant, ActiveCircle(), settings);
  ASSERT_TRUE(guarantee.ok()) << guarantee.status();
  EXPECT_EQ(guarantee->kind, GuaranteeKind::kIndividualResponsibility);
  EXPECT_THAT(guarantee->guarantors, IsEmpty());
  EXPECT_EQ(GuaranteeKindName(guarantee->kind), "INDIVIDUAL_RESPONSIBILITY");

  // The circle's state does not matter then.
  CircleGuaranteeState troubled = ActiveCircle();
  troubled.status = cercles::membership::v1::CIRCLE_STATUS_UNDER_STRENGTH;
  troubled.max_member_days_past_due = 120;
  guarantee = GuaranteeFor(500000, kApplicant, troubled, settings);
  ASSERT_TRUE(guarantee.ok());
  EXPECT_EQ(guarantee->kind, GuaranteeKind::kIndividualResponsibility);
}

TEST(GuaranteeTest, TheThresholdIsASetting) {
  FundSettings settings;
  settings.guarantee_threshold_cents = 100000;
  EXPECT_EQ(GuaranteeFor(100001, kApplicant, ActiveCircle(), settings)->kind,
            GuaranteeKind::kIndividualResponsibility);
  EXPECT_EQ(GuaranteeFor(100000, kApplicant, ActiveCircle(), settings)->kind,
            GuaranteeKind::kCircleGuarantee);
}

TEST(GuaranteeTest, OnlyAnActiveCircleGuarantees) {
  const FundSettings settings;
  const std::map<cercles::membership::v1::CircleStatus, const char*> refused = {
      {cercles::membership::v1::CIRCLE_STATUS_UNDER_STRENGTH, "under strength (below 4 members)"},
      {cercles::membership::v1::CIRCLE_STATUS_FORMING, "still forming"},
      {cercles::membership::v1::CIRCLE_STATUS_SUSPENDED, "suspended"},
      {cercles::membership::v1::CIRCLE_STATUS_DISSOLVED, "dissolved"},
      {cercles::membership::v1::CIRCLE_STATUS_MERGED, "merged"},
      {cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED, "unknown"},
  };
  for (const auto& [status, text] : refused) {
    CircleGuaranteeState circle = ActiveCircle();
    circle.status = status;
    const absl::Status result = GuaranteeFor(150000, kApplicant, circle, settings).status();
    EXPECT_THAT(
        result,
        StatusIs(absl::StatusCode::kFailedPrecondition,
                 ::testing::AllOf(
                     HasSubstr(text),
                     HasSubstr("only an ACTIVE circle of 4 to 7 members may guarantee a loan"))))
        << text;
  }
}

TEST(GuaranteeTest, SeriousArrearsBlockTheCircleGuarantee) {
  FundSettings settings;
  CircleGuaranteeState circle = ActiveCircle();
  circle.max_member_days_past_due = 60;  // second bucket: not serious
  EXPECT_TRUE(GuaranteeFor(150000, kApplicant, circle, settings).ok());
  circle.max_member_days_past_due = 61;
  const absl::Status status = GuaranteeFor(150000, kApplicant, circle, settings).status();
  EXPECT_THAT(
      status,
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("a member of the circle is 61 days past due (serious arrears from 61 "
                         "days): the fund's setting circle_in_serious_arrears_may_guarantee")));
  // The fund may allow it.
  settings.circle_in_serious_arrears_may_guarantee = true;
  EXPECT_TRUE(GuaranteeFor(150000, kApplicant, circle, settings).ok());
  // Or draw the line elsewhere.
  settings.circle_in_serious_arrears_may_guarantee = false;
  settings.serious_arrears_days_past_due = 91;
  circle.max_member_days_past_due = 90;
  EXPECT_TRUE(GuaranteeFor(150000, kApplicant, circle, settings).ok());
}

TEST(GuaranteeTest, MalformedCircles) {
  const FundSettings settings;
  EXPECT_THAT(std::string(GuaranteeFor(0, kApplicant, ActiveCircle(), settings).status().message()),
              HasSubstr("amount.minor_units must be positive, got 0"));
  CircleGuaranteeState circle = ActiveCircle();
  circle.members = {"people/2", "people/3", "people/4", "people/5"};
  absl::Status status = GuaranteeFor(100000, kApplicant, circle, settings).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("the applicant (people/1) is not a current member"));
  circle.members = {kApplicant};
  status = GuaranteeFor(100000, kApplicant, circle, settings).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("no member other than the applicant"));
  circle.members = {kApplicant, "people/2", "people/2"};
  status = GuaranteeFor(100000, kApplicant, circle, settings).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("members repeats people/2"));
}

// ---- Guarantee call shares ----

TEST(GuaranteeCallTest, RemainderGoesToTheFirstInSortedOrder) {
  absl::StatusOr<std::vector<GuarantorShare>> shares =
      ShareGuaranteeCall(100001, {"people/4", "people/2", "people/3"});
  ASSERT_TRUE(shares.ok()) << shares.status();
  ASSERT_EQ(shares->size(), 3u);
  EXPECT_EQ((*shares)[0].party, "people/2");
  EXPECT_EQ((*shares)[0].cents, 33334);
  EXPECT_EQ((*shares)[1].party, "people/3");
  EXPECT_EQ((*shares)[1].cents, 33334);
  EXPECT_EQ((*shares)[2].party, "people/4");
  EXPECT_EQ((*shares)[2].cents, 33333);
}

TEST(GuaranteeCallTest, SharesSumExactlyForRandomAmounts) {
  std::mt19937_64 random(20240301);
  std::uniform_int_distribution<int64_t> amount(1, 200000);
  std::uniform_int_distribution<size_t> count(1, 6);
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::string> guarantors;
    const size_t n = count(random);
    for (size_t k = 0; k < n; ++k) guarantors.push_back(absl::StrCat("people/p", k));
    std::shuffle(guarantors.begin(), guarantors.end(), random);
    const int64_t total = amount(random);
    absl::StatusOr<std::vector<GuarantorShare>> shares = ShareGuaranteeCall(total, guarantors);
    ASSERT_TRUE(shares.ok()) << shares.status();
    ASSERT_EQ(shares->size(), n);
    int64_t sum = 0;
    int64_t low = total;
    int64_t high = 0;
    for (size_t k = 0; k < n; ++k) {
      sum += (*shares)[k].cents;
      low = std::min(low, (*shares)[k].cents);
      high = std::max(high, (*shares)[k].cents);
      if (k > 0) {
        ASSERT_LT((*shares)[k - 1].party, (*shares)[k].party);
        ASSERT_GE((*shares)[k - 1].cents, (*shares)[k].cents);
      }
    }
    ASSERT_EQ(sum, total) << total << " among " << n;
    ASSERT_LE(high - low, 1);
  }
}

TEST(GuaranteeCallTest, RefusesMalformedCalls) {
  EXPECT_THAT(std::string(ShareGuaranteeCall(0, {"people/2"}).status().message()),
              HasSubstr("amount.minor_units must be positive, got 0"));
  EXPECT_THAT(std::string(ShareGuaranteeCall(100, {}).status().message()),
              HasSubstr("at least one guarantor"));
  EXPECT_THAT(std::string(ShareGuaranteeCall(100, {"people/a", "people/a"}).status().message()),
              HasSubstr("guarantors repeats people/a"));
  EXPECT_THAT(std::string(ShareGuaranteeCall(100, {"people/a", ""}).status().message()),
              HasSubstr("empty name"));
}

TEST(GuaranteeCallTest, FromTheGuaranteeToTheJournal) {
  const FundSettings settings;
  absl::StatusOr<Guarantee> guarantee = GuaranteeFor(150000, kApplicant, ActiveCircle(), settings);
  ASSERT_TRUE(guarantee.ok());
  absl::StatusOr<std::vector<GuarantorShare>> shares =
      ShareGuaranteeCall(123457, guarantee->guarantors);
  ASSERT_TRUE(shares.ok());
  const JournalEntry entry =
      GuaranteeCall({absl::CivilDay(2024, 6, 1), "CAD", ""}, "loans/7", *shares);
  EXPECT_TRUE(ValidateEntry(entry).ok()) << ValidateEntry(entry);
  EXPECT_EQ(TotalDebits(entry), 123457);
}

// ---- Maker-checker ----

TEST(FundDecisionTest, MakerChecker) {
  EXPECT_TRUE(CheckFundDecision("bob", ROLE_ADMIN, "alice").ok());
  EXPECT_TRUE(CheckFundDecision("bob", ROLE_ADVISOR, "alice").ok());

  absl::Status status = CheckFundDecision("alice", ROLE_ADMIN, "alice");
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("the person who submitted the request cannot approve it")));
  EXPECT_THAT(CheckFundDecision("alice", ROLE_ADVISOR, "alice"),
              StatusIs(absl::StatusCode::kPermissionDenied));

  for (auto role : {ROLE_SERVICE, ROLE_PEER_FUND, ROLE_UNSPECIFIED}) {
    status = CheckFundDecision("lending", role, "alice");
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kPermissionDenied,
                                 HasSubstr("only fund staff (admin or advisor)")))
        << role;
  }

  EXPECT_THAT(CheckFundDecision("", ROLE_ADMIN, "alice"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckFundDecision("bob", ROLE_ADMIN, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Names differing only in case are the same person.
  EXPECT_THAT(CheckFundDecision("Alice", ROLE_ADMIN, "alice"),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

// The schedule of a request is built from its own amount, rate, count and
// frequency, with the first due day and the method given at disbursement.
TEST(ScheduleTermsOfTest, TakesTheRequestsTermsAndTheDisbursementsChoices) {
  LoanRequest request;
  request.amount_cents = 150'000;
  request.annual_rate_bps = 750;
  request.instalment_count = 26;
  request.frequency = Frequency::kEveryTwoWeeks;
  const ScheduleTerms terms =
      ScheduleTermsOf(request, absl::CivilDay(2025, 3, 14), InterestMethod::kFlat);
  EXPECT_EQ(terms.principal_cents, 150'000);
  EXPECT_EQ(terms.annual_rate_bps, 750);
  EXPECT_EQ(terms.instalment_count, 26);
  EXPECT_EQ(terms.frequency, Frequency::kEveryTwoWeeks);
  EXPECT_EQ(terms.first_due, absl::CivilDay(2025, 3, 14));
  EXPECT_EQ(terms.method, InterestMethod::kFlat);
  EXPECT_EQ(terms.grace_on_principal, 0);
  EXPECT_EQ(terms.grace_on_interest, 0);
  request.grace_on_principal = 3;
  request.grace_on_interest = 1;
  const ScheduleTerms grace =
      ScheduleTermsOf(request, absl::CivilDay(2025, 3, 14), InterestMethod::kFlat);
  EXPECT_EQ(grace.grace_on_principal, 3);
  EXPECT_EQ(grace.grace_on_interest, 1);
}

}  // namespace
}  // namespace cercles::lending
