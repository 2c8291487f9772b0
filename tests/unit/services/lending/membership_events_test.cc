// Lending's reactions to membership's events, on every engine.
#include "services/lending/membership_events.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/membership/v1/events.pb.h"
#include "common/events/outbox.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/lending/loan_access.h"
#include "services/lending/loan_store.h"
#include "tests/support/status_matchers.h"
#include "tests/unit/services/lending/lending_test_db.h"

// This test reads and writes the deprecated string fields on purpose: they keep
// answering as in 0.1.0 beside the enums that replace them.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace cercles::lending {
namespace {

namespace mv1 = cercles::membership::v1;
using ::cercles::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'710'000'000);

common::v1::Event Wrap(const google::protobuf::Message& payload, int64_t sequence) {
  common::v1::Event event;
  event.set_sequence(sequence);
  event.set_type(std::string(payload.GetDescriptor()->full_name()));
  event.mutable_payload()->PackFrom(payload);
  return event;
}

mv1::Circle CircleOf(const std::string& name, const std::string& advisor) {
  mv1::Circle circle;
  circle.set_name(name);
  circle.set_advisor(advisor);
  circle.set_status(mv1::CIRCLE_STATUS_ACTIVE);
  return circle;
}

class MembershipEventsTest : public LendingDbTest {
 protected:
  absl::Status Apply(const google::protobuf::Message& payload) {
    return Write([&](storage::Transaction& tx) { return applier_.Apply(tx, Wrap(payload, 1)); });
  }

  int64_t Insert(const std::string& applicant, const std::string& circle, LoanState state) {
    LoanRecord loan;
    loan.applicant = applicant;
    loan.circle = circle;
    loan.original_circle = circle;
    loan.advisor = "advisors/1";
    loan.state = state;
    loan.request.amount_cents = 50'000;
    loan.request.purpose = "stock";
    loan.request.business_plan_summary = "plan";
    loan.request.instalment_count = 6;
    loan.ceiling_cents = 50'000;
    loan.submitted_by = "staff:alice";
    loan.create_time = kNow;
    loan.update_time = kNow;
    loan.voters = {"people/8", "people/9"};
    int64_t id = 0;
    EXPECT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(id, InsertLoan(tx, loan));
                  return absl::OkStatus();
                }).ok());
    return id;
  }

  LoanRecord Load(int64_t id) {
    LoanRecord loan;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(loan, LoadLoan(tx, id, false));
                  return absl::OkStatus();
                }).ok());
    return loan;
  }

  std::vector<std::string> LoanChanges() {
    std::vector<std::string> out;
    auto events = events::ReadEvents(*db_, 0, 100);
    EXPECT_TRUE(events.ok());
    for (const auto& event : events.value_or(std::vector<common::v1::Event>{})) {
      v1::LoanChanged changed;
      EXPECT_TRUE(event.payload().UnpackTo(&changed));
      out.push_back(absl::StrCat(event.subject(), " ", changed.change()));
    }
    return out;
  }

  FakeClock clock_{kNow};
  MembershipEventApplier applier_{"fund-test", &clock_};
};

TEST_P(MembershipEventsTest, AdvisorsAndCircleAdvisorsAreKept) {
  mv1::AdvisorCreated created;
  created.mutable_advisor()->set_name("advisors/2");
  created.mutable_advisor()->set_principal_name("dana");
  ASSERT_TRUE(Apply(created).ok());
  ASSERT_TRUE(Apply(created).ok());  // applying twice is harmless
  const int64_t open = Insert("people/1", "circles/1", LoanState::kSubmitted);
  const int64_t closed = Insert("people/2", "circles/1", LoanState::kClosedRepaid);
  mv1::CircleUpdated updated;
  *updated.mutable_circle() = CircleOf("circles/1", "advisors/2");
  ASSERT_TRUE(Apply(updated).ok());
  EXPECT_EQ(Load(open).advisor, "advisors/2");
  EXPECT_EQ(Load(closed).advisor, "advisors/1");  // history keeps who followed it
  ASSERT_TRUE(
      Read([&](storage::Transaction& tx) -> absl::Status {
        const auth::Principal dana{auth::Principal::Kind::kStaff, "dana", common::v1::ROLE_ADVISOR};
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, dana));
        EXPECT_THAT(scope.CircleNames(), ElementsAre("circles/1"));
        CERCLES_ASSIGN_OR_RETURN(
            storage::Rows rows,
            tx.Query("SELECT advisor FROM circles WHERE name = ?", {std::string("circles/1")}));
        EXPECT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].Text(0), "advisors/2");
        return absl::OkStatus();
      }).ok());
}

TEST_P(MembershipEventsTest, MergeMovesOpenRequestsAndActiveLoansOnly) {
  const int64_t request = Insert("people/1", "circles/1", LoanState::kSubmitted);
  const int64_t active = Insert("people/2", "circles/2", LoanState::kActive);
  const int64_t repaid = Insert("people/3", "circles/1", LoanState::kClosedRepaid);
  const int64_t elsewhere = Insert("people/4", "circles/5", LoanState::kSubmitted);
  mv1::CirclesMerged merged;
  *merged.mutable_circle() = CircleOf("circles/3", "advisors/4");
  *merged.add_merged() = CircleOf("circles/1", "advisors/1");
  *merged.add_merged() = CircleOf("circles/2", "advisors/1");
  ASSERT_TRUE(Apply(merged).ok());
  for (int64_t id : {request, active}) {
    LoanRecord loan = Load(id);
    EXPECT_EQ(loan.circle, "circles/3") << id;
    EXPECT_EQ(loan.advisor, "advisors/4") << id;
    EXPECT_EQ(loan.update_time, kNow) << id;
  }
  EXPECT_EQ(Load(request).original_circle, "circles/1");
  EXPECT_EQ(Load(active).original_circle, "circles/2");
  EXPECT_EQ(Load(repaid).circle, "circles/1");
  EXPECT_EQ(Load(elsewhere).circle, "circles/5");
  EXPECT_THAT(LoanChanges(), ElementsAre(absl::StrCat("loans/", request, " CIRCLE_CHANGED"),
                                         absl::StrCat("loans/", active, " CIRCLE_CHANGED")));
  ASSERT_TRUE(Apply(merged).ok());  // already moved: nothing more
  EXPECT_EQ(LoanChanges().size(), 2u);
}

TEST_P(MembershipEventsTest, LeavingWithdrawsAnOpenRequestButLeavesAnActiveLoan) {
  const int64_t request = Insert("people/1", "circles/1", LoanState::kCircleApproved);
  const int64_t active = Insert("people/2", "circles/1", LoanState::kActive);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return InsertGuarantors(tx, active, {"people/1", "people/3"});
              }).ok());
  for (const char* person : {"people/1", "people/2"}) {
    mv1::CircleMemberRemoved removed;
    removed.mutable_member()->set_person(person);
    removed.mutable_member()->set_circle("circles/1");
    *removed.mutable_circle() = CircleOf("circles/1", "advisors/1");
    ASSERT_TRUE(Apply(removed).ok());
  }
  LoanRecord withdrawn = Load(request);
  EXPECT_EQ(withdrawn.state, LoanState::kWithdrawn);
  EXPECT_THAT(withdrawn.state_reason, HasSubstr("people/1 left circles/1"));
  EXPECT_EQ(withdrawn.close_time, kNow);
  LoanRecord kept = Load(active);
  EXPECT_EQ(kept.state, LoanState::kActive);
  EXPECT_EQ(kept.circle, "circles/1");
  EXPECT_THAT(kept.guarantors, ElementsAre("people/1", "people/3"));
  EXPECT_THAT(LoanChanges(), ElementsAre(absl::StrCat("loans/", request, " WITHDRAWN")));
}

TEST_P(MembershipEventsTest, DissolvingWithdrawsTheCirclesOpenRequests) {
  const int64_t request = Insert("people/1", "circles/1", LoanState::kSubmitted);
  mv1::CircleUpdated updated;
  *updated.mutable_circle() = CircleOf("circles/1", "advisors/1");
  updated.mutable_circle()->set_status(mv1::CIRCLE_STATUS_DISSOLVED);
  ASSERT_TRUE(Apply(updated).ok());
  EXPECT_EQ(Load(request).state, LoanState::kWithdrawn);
  EXPECT_THAT(Load(request).state_reason, HasSubstr("circles/1 was dissolved"));
}

TEST_P(MembershipEventsTest, UnreadablePayloadIsDataLossAndOtherEventsAreIgnored) {
  common::v1::Event event;
  event.set_sequence(3);
  event.set_type("cercles.membership.v1.AdvisorCreated");
  event.mutable_payload()->set_type_url("type.googleapis.com/cercles.membership.v1.Circle");
  absl::Status status = Write([&](storage::Transaction& tx) { return applier_.Apply(tx, event); });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kDataLoss));
  mv1::CircleMemberAdded added;
  EXPECT_TRUE(Apply(added).ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, MembershipEventsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace cercles::lending
