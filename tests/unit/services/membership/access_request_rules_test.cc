// The rules of a person's access request (issue 14, item 2): the 30-day due
// date, when it is overdue, and what a valid request and completion are.
#include "services/membership/access_request_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/membership/people_rules.h"
#include "tests/support/status_matchers.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;
using ::cercles::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::CivilDay kToday(2026, 12, 7);

AccessRequest Valid() {
  AccessRequest r;
  r.set_person("people/7");
  r.set_channel(v1::ACCESS_REQUEST_CHANNEL_EMAIL);
  return r;
}

TEST(AccessRequestRulesTest, TheDueDateIsThirtyDaysAfterReceipt) {
  EXPECT_EQ(AccessRequestDueDay(absl::CivilDay(2026, 1, 15)), absl::CivilDay(2026, 2, 14));
  EXPECT_EQ(AccessRequestDueDay(absl::CivilDay(2024, 2, 10)), absl::CivilDay(2024, 3, 11));
  EXPECT_EQ(AccessRequestDueDay(absl::CivilDay(2026, 12, 20)), absl::CivilDay(2027, 1, 19));
}

TEST(AccessRequestRulesTest, AnUnsetReceiveDateIsTodayAndTheRequestOpens) {
  auto normalised = NormaliseAccessRequest(Valid(), kToday);
  ASSERT_TRUE(normalised.ok()) << normalised.status();
  EXPECT_EQ(normalised->receive_date().year(), 2026);
  EXPECT_EQ(normalised->receive_date().month(), 12);
  EXPECT_EQ(normalised->receive_date().day(), 7);
  EXPECT_EQ(normalised->due_date().year(), 2027);
  EXPECT_EQ(normalised->due_date().month(), 1);
  EXPECT_EQ(normalised->due_date().day(), 6);
  EXPECT_EQ(normalised->state(), v1::ACCESS_REQUEST_STATE_OPEN);
  EXPECT_EQ(AccessRequestPersonId(*normalised), 7);
}

TEST(AccessRequestRulesTest, OutputOnlyFieldsAreIgnoredAndTheNoteTrimmed) {
  AccessRequest r = Valid();
  r.set_name("accessRequests/99");
  r.set_state(v1::ACCESS_REQUEST_STATE_DONE);
  r.set_recorded_by("staff:mallory");
  r.set_overdue(true);
  *r.mutable_due_date() = MakeDate(2000, 1, 1);
  r.set_note("  copie de tout, par courriel  ");
  *r.mutable_receive_date() = MakeDate(2026, 11, 1);
  auto normalised = NormaliseAccessRequest(r, kToday);
  ASSERT_TRUE(normalised.ok()) << normalised.status();
  EXPECT_EQ(normalised->name(), "");
  EXPECT_EQ(normalised->recorded_by(), "");
  EXPECT_FALSE(normalised->overdue());
  EXPECT_EQ(normalised->state(), v1::ACCESS_REQUEST_STATE_OPEN);
  EXPECT_EQ(normalised->note(), "copie de tout, par courriel");
  EXPECT_EQ(normalised->due_date().month(), 12);
  EXPECT_EQ(normalised->due_date().day(), 1);
}

TEST(AccessRequestRulesTest, EveryBrokenRuleIsNamed) {
  AccessRequest r;
  r.set_person("circles/3");
  *r.mutable_receive_date() = MakeDate(2026, 12, 8);  // tomorrow
  r.set_note(std::string(kMaxAccessRequestNote + 1, 'x'));
  EXPECT_THAT(
      NormaliseAccessRequest(r, kToday),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("access_request.person"),
                     HasSubstr("access_request.receive_date must not be after today"),
                     HasSubstr("access_request.channel"), HasSubstr("access_request.note"))));
  r = Valid();
  r.clear_person();
  EXPECT_THAT(
      NormaliseAccessRequest(r, kToday),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("access_request.person is required")));
  r = Valid();
  *r.mutable_receive_date() = MakeDate(2026, 2, 30);
  EXPECT_THAT(NormaliseAccessRequest(r, kToday),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("access_request.receive_date must be a real calendar day")));
  r = Valid();
  r.set_channel(static_cast<v1::AccessRequestChannel>(42));
  EXPECT_THAT(NormaliseAccessRequest(r, kToday),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("access_request.channel"), HasSubstr("got 42"))));
}

TEST(AccessRequestRulesTest, OverdueIsOpenAndPastTheDueDate) {
  AccessRequest r = Valid();
  *r.mutable_receive_date() = MakeDate(2026, 11, 1);
  auto open = NormaliseAccessRequest(r, kToday);
  ASSERT_TRUE(open.ok()) << open.status();  // due 2026-12-01
  EXPECT_FALSE(IsAccessRequestOverdue(*open, absl::CivilDay(2026, 11, 30)));
  EXPECT_FALSE(IsAccessRequestOverdue(*open, absl::CivilDay(2026, 12, 1)));  // the last day
  EXPECT_TRUE(IsAccessRequestOverdue(*open, absl::CivilDay(2026, 12, 2)));
  AccessRequest done = *open;
  done.set_state(v1::ACCESS_REQUEST_STATE_DONE);
  EXPECT_FALSE(IsAccessRequestOverdue(done, absl::CivilDay(2026, 12, 2)));
}

TEST(AccessRequestRulesTest, ACompletionIsADigestWithItsSizeOrASummary) {
  AccessRequestCompletion c;
  c.set_document_sha256(std::string(64, 'A'));
  c.set_document_size_bytes(1234);
  c.set_completed_by("staff:mallory");
  auto normalised = NormaliseAccessCompletion(c);
  ASSERT_TRUE(normalised.ok()) << normalised.status();
  EXPECT_EQ(normalised->document_sha256(), std::string(64, 'a'));
  EXPECT_EQ(normalised->document_size_bytes(), 1234);
  EXPECT_EQ(normalised->completed_by(), "");

  AccessRequestCompletion summary_only;
  summary_only.set_summary(" remis en main propre ");
  auto handed = NormaliseAccessCompletion(summary_only);
  ASSERT_TRUE(handed.ok()) << handed.status();
  EXPECT_EQ(handed->summary(), "remis en main propre");

  EXPECT_THAT(NormaliseAccessCompletion(AccessRequestCompletion()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("completion.summary"),
                             Not(HasSubstr("completion.document_sha256")))));
  AccessRequestCompletion bad;
  bad.set_document_sha256("xyz");
  EXPECT_THAT(NormaliseAccessCompletion(bad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("completion.document_sha256 must be 64 hexadecimal"),
                             HasSubstr("completion.document_size_bytes must be 1 or more"))));
  AccessRequestCompletion size_alone;
  size_alone.set_document_size_bytes(10);
  size_alone.set_summary("papier");
  EXPECT_THAT(NormaliseAccessCompletion(size_alone),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("completion.document_size_bytes must be 0 without")));
}

}  // namespace
}  // namespace cercles::membership
