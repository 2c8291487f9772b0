// Every name lending keeps for a closed set of the API has its enum value, so
// the enum beside each deprecated string field is never left UNSPECIFIED.
#include <string>

#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "common/api/closed_set.h"
#include "gtest/gtest.h"
#include "services/lending/journal.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/loan_mapping.h"

// The test reads the deprecated fields on purpose: both shapes must agree.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::lending {
namespace {

TEST(ClosedSetsTest, EveryJournalEntryKindHasItsEnumValue) {
  int kinds = 0;
  for (int i = 0; i <= static_cast<int>(EntryKind::kReversal); ++i) {
    const std::string name = EntryKindName(static_cast<EntryKind>(i));
    v1::JournalEntry entry;
    SetEntryKind(name, &entry);
    EXPECT_NE(entry.entry_kind(), v1::JOURNAL_ENTRY_KIND_UNSPECIFIED) << name;
    EXPECT_EQ(entry.kind(), name);
    ++kinds;
  }
  // And no enum value names a kind lending does not post.
  const auto& type = *v1::JournalEntryKind_descriptor();
  EXPECT_EQ(type.value_count() - 1, kinds);
  for (int i = 1; i < type.value_count(); ++i) {
    EXPECT_TRUE(EntryKindFromName(api::EnumText(type, type.value(i)->number())).has_value())
        << type.value(i)->name();
  }
}

TEST(ClosedSetsTest, EveryVoteOutcomeHasItsEnumValue) {
  for (VoteOutcome outcome :
       {VoteOutcome::kPending, VoteOutcome::kCircleApproved, VoteOutcome::kCircleRejected}) {
    v1::VoteTally tally;
    SetVoteOutcome(VoteOutcomeName(outcome), &tally);
    EXPECT_NE(tally.vote_outcome(), v1::VOTE_OUTCOME_UNSPECIFIED) << tally.outcome();
    EXPECT_EQ(api::EnumText(*v1::VoteOutcome_descriptor(), tally.vote_outcome()), tally.outcome());
  }
}

TEST(ClosedSetsTest, EveryAccountTypeOfTheChartHasItsEnumValue) {
  for (const char* name : {"ASSET", "LIABILITY", "EQUITY", "INCOME", "EXPENSE"}) {
    v1::AccountBalance balance;
    SetAccountType(name, &balance);
    EXPECT_NE(balance.type(), v1::ACCOUNT_TYPE_UNSPECIFIED) << name;
    EXPECT_EQ(balance.account_type(), name);
  }
}

TEST(ClosedSetsTest, EveryLoanChangeHasItsEnumValue) {
  // The changes named after a state a decision moves to, and the others.
  for (LoanState state : AllLoanStates()) {
    if (state == LoanState::kActive) continue;  // announced as DISBURSED
    v1::LoanChanged changed;
    SetLoanChange(LoanStateName(state), &changed);
    EXPECT_NE(changed.change_kind(), v1::LOAN_CHANGE_KIND_UNSPECIFIED) << changed.change();
  }
  for (const char* name : {"VOTE_CAST", "DISBURSED", "REPAYMENT_RECORDED", "REPAYMENT_REVERSED",
                           "GUARANTEE_CALLED", "GUARANTOR_PAYMENT_RECORDED", "CIRCLE_CHANGED"}) {
    v1::LoanChanged changed;
    SetLoanChange(name, &changed);
    EXPECT_NE(changed.change_kind(), v1::LOAN_CHANGE_KIND_UNSPECIFIED) << name;
    EXPECT_EQ(changed.change(), name);
  }
}

TEST(ClosedSetsTest, TheJournalFilterTakesEitherShapeAndRefusesTwoThatDisagree) {
  v1::ListJournalEntriesRequest request;
  EXPECT_EQ(RequestedEntryKind(request).value_or("?"), "");
  request.set_kind("REPAYMENT");
  EXPECT_EQ(RequestedEntryKind(request).value_or("?"), "REPAYMENT");
  request.set_entry_kind(v1::JOURNAL_ENTRY_KIND_REPAYMENT);
  EXPECT_EQ(RequestedEntryKind(request).value_or("?"), "REPAYMENT");
  request.clear_kind();
  EXPECT_EQ(RequestedEntryKind(request).value_or("?"), "REPAYMENT");
  request.set_kind("WRITE_OFF");
  EXPECT_EQ(RequestedEntryKind(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cercles::lending
