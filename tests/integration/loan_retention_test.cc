// Lending's part of the retention purge (Law 25; issue 14, item 4) through the
// real processes, on both engines: with the schedule's closed_loans_months at
// 0, a loan repaid today, one rejected and one withdrawn are past retention
// while an active loan is not. The dry run lists exactly the closed loans; the
// run answers the same report; their free text (business plan, state reason,
// votes' comments, repayments' references) is in no byte of any service's
// database, log, event payload or Redis (WhereFoundIn) while the active loan's
// stays; the trial balance is byte-identical; one LoanRecordsPurged per loan; a
// second purge purges nothing; a replay answers the first answer; cerclesctl's
// purge shows lending's part in the same table; non-admins and bad input are
// refused naming the field.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "gmock/gmock.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/person_rights_fixture.h"
#include "tests/support/proto_matchers.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
namespace mv1 = cercles::membership::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Words written once, in what the purge must clear.
const std::vector<std::string> kPurged = {"Fromagerie zirconique", "Avis xylophonique",
                                          "Motif quetzalien",      "Serre hippocampique",
                                          "Retrait ornithoptere",  "Recu-ornithorynque"};
// Words of the active loan, which must stay.
const std::vector<std::string> kKept = {"Recu-pangolin-actif"};

class LoanRetentionTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  }

  // A request of members[applicant] with `summary`, voted yes by `voters`
  // (with `comment`).
  std::string Submit(const std::string& circle, const std::vector<std::string>& members,
                     size_t applicant, const std::string& summary,
                     const std::vector<size_t>& voters, const std::string& comment) {
    const std::string tag = absl::StrCat("request-", applicant);
    lv1::SubmitLoanRequestRequest submit;
    submit.set_request_id(tag);
    submit.set_circle(circle);
    lv1::Loan* loan = submit.mutable_loan();
    loan->set_applicant(members[applicant]);
    *loan->mutable_amount() = Cad(30'000);
    loan->set_purpose("Un étal");
    loan->set_business_plan_summary(summary);
    loan->set_instalment_count(6);
    loan->set_frequency(lv1::REPAYMENT_FREQUENCY_MONTHLY);
    loan->set_annual_rate_bps(500);
    lv1::SubmitLoanRequestResponse submitted;
    grpc::Status status = lending_->SubmitLoanRequest(Bob().get(), submit, &submitted);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (size_t voter : voters) {
      lv1::CastCircleVoteRequest vote;
      vote.set_request_id(absl::StrCat(tag, "-vote-", voter));
      vote.set_loan(submitted.loan().name());
      vote.set_voter(members[voter]);
      vote.set_approve(true);
      vote.set_comment(comment);
      lv1::CastCircleVoteResponse voted;
      status = lending_->CastCircleVote(Bob().get(), vote, &voted);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return submitted.loan().name();
  }

  void Repay(const std::string& loan, int64_t cents, const std::string& reference) {
    lv1::RecordRepaymentRequest repay;
    // Not the reference: a request_id is plumbing, kept whatever the purge.
    repay.set_request_id(absl::StrCat("repay-", ++repayments_));
    repay.set_loan(loan);
    *repay.mutable_amount() = Cad(cents);
    repay.set_reference(reference);
    lv1::RecordRepaymentResponse repaid;
    grpc::Status status = lending_->RecordRepayment(Admin().get(), repay, &repaid);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  lv1::Loan GetLoan(const std::string& name) {
    lv1::GetLoanRequest request;
    request.set_name(name);
    lv1::GetLoanResponse response;
    grpc::Status status = lending_->GetLoan(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.loan();
  }

  grpc::Status Purge(std::unique_ptr<grpc::ClientContext> as, const std::string& request_id,
                     bool dry_run, lv1::PurgeExpiredLoanRecordsResponse* response,
                     bool* replayed = nullptr) {
    lv1::PurgeExpiredLoanRecordsRequest request;
    request.set_request_id(request_id);
    request.set_dry_run(dry_run);
    grpc::Status status = lending_->PurgeExpiredLoanRecords(as.get(), request, response);
    if (replayed != nullptr) {
      *replayed = as->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  // The subjects of lending's LoanRecordsPurged events, in order.
  std::vector<std::string> PurgedEvents() {
    std::vector<std::string> subjects;
    auto context = Context(TestCredentials().admin_token, absl::Seconds(3));
    auto reader = lending_->WatchEvents(context.get(), lv1::WatchEventsRequest());
    lv1::WatchEventsResponse event;
    while (reader->Read(&event)) {
      if (event.event().type() != "cercles.lending.v1.LoanRecordsPurged") continue;
      lv1::LoanRecordsPurged purged;
      EXPECT_TRUE(event.event().payload().UnpackTo(&purged));
      EXPECT_EQ(purged.loan(), event.event().subject());
      subjects.push_back(purged.loan());
    }
    reader->Finish();
    return subjects;
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
  int repayments_ = 0;
};

TEST_P(LoanRetentionTest, ClosedLoansLoseTheirTextAndTheBooksStay) {
  std::vector<std::string> members;
  const std::string circle = Circle("Conservation", 6, &members);
  // members[0]: repaid today (closed); members[1]: active (open).
  const ActiveLoan repaid = Disburse(circle, members, 0, 40'000, FundToday());
  const ActiveLoan active = Disburse(circle, members, 1, 40'000, FundToday());
  Repay(repaid.name(),
        repaid.loan.outstanding_principal().minor_units() +
            repaid.loan.outstanding_interest().minor_units(),
        "Recu-ornithorynque");
  ASSERT_EQ(GetLoan(repaid.name()).state(), lv1::LOAN_STATE_CLOSED_REPAID);
  Repay(active.name(), 1'000, "Recu-pangolin-actif");
  // members[2]: approved by the circle (votes with comments), rejected by the fund.
  const std::string rejected =
      Submit(circle, members, 2, "Fromagerie zirconique", {3, 4, 5}, "Avis xylophonique");
  lv1::RejectLoanRequest reject;
  reject.set_request_id("reject");
  reject.set_loan(rejected);
  reject.set_reason("Motif quetzalien");
  lv1::RejectLoanResponse rejected_response;
  grpc::Status status = lending_->RejectLoan(Admin().get(), reject, &rejected_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // members[3]: withdrawn.
  const std::string withdrawn = Submit(circle, members, 3, "Serre hippocampique", {}, "");
  lv1::WithdrawLoanRequest withdraw;
  withdraw.set_request_id("withdraw");
  withdraw.set_loan(withdrawn);
  withdraw.set_reason("Retrait ornithoptere");
  lv1::WithdrawLoanResponse withdrawn_response;
  status = lending_->WithdrawLoan(Bob().get(), withdraw, &withdrawn_response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Under the default (84 months), nothing is past retention.
  lv1::PurgeExpiredLoanRecordsResponse before;
  ASSERT_TRUE(Purge(Admin(), "", true, &before).ok());
  ASSERT_EQ(before.kinds_size(), 1);
  EXPECT_EQ(before.kinds(0).kind(), mv1::RETENTION_KIND_CLOSED_LOANS);
  EXPECT_EQ(before.kinds(0).months(), 84);
  EXPECT_THAT(before.kinds(0).records(), IsEmpty());

  mv1::UpdateRetentionScheduleRequest update;
  update.set_request_id("closed-loans-0");
  update.mutable_schedule()->set_closed_loans_months(0);
  update.mutable_update_mask()->add_paths("closed_loans_months");
  mv1::UpdateRetentionScheduleResponse updated;
  status = privacy_->UpdateRetentionSchedule(Admin().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.schedule().closed_loans_months(), 0);
  EXPECT_EQ(updated.schedule().meeting_notes_months(), 84);

  const lv1::GetTrialBalanceResponse trial_before = TrialBalance();
  const std::vector<std::string> closed = {repaid.name(), rejected, withdrawn};
  EXPECT_THAT(WhereFoundIn(*suite_, kPurged, work_dir()), Not(IsEmpty()));

  lv1::PurgeExpiredLoanRecordsResponse dry;
  status = Purge(Admin(), "", true, &dry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(dry.dry_run());
  EXPECT_EQ(FromDate(dry.as_of()), MembershipToday());
  ASSERT_EQ(dry.kinds_size(), 1);
  EXPECT_EQ(dry.kinds(0).months(), 0);
  EXPECT_EQ(FromDate(dry.kinds(0).ended_on_or_before()), MembershipToday());
  EXPECT_THAT(dry.kinds(0).records(), ElementsAre(closed[0], closed[1], closed[2]));
  EXPECT_THAT(dry.kinds(0).kept(), IsEmpty());
  // The dry run changed nothing.
  EXPECT_EQ(GetLoan(rejected).state_reason(), "Motif quetzalien");

  // cerclesctl's dry run shows lending's part in the same table.
  CtlResult r = RunCerclesctl(
      *suite_, "membership", TestCredentials().admin_token,
      {"privacy", "purge", "--dry-run", "--lending-address", suite_->Address("lending")},
      work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("Closed loans (text): ", closed[0], " ", closed[1], " ",
                                            closed[2])));
  EXPECT_THAT(r.out, HasSubstr("Meeting notes"));

  lv1::PurgeExpiredLoanRecordsResponse run;
  bool replayed = true;
  status = Purge(Admin(), "purge-loans-1", false, &run, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(replayed);
  EXPECT_FALSE(run.dry_run());
  lv1::PurgeExpiredLoanRecordsResponse dry_as_run = dry;
  dry_as_run.set_dry_run(false);
  EXPECT_THAT(run, EqualsProto(dry_as_run));

  // The text is gone everywhere; the active loan's stays; the books are unchanged.
  EXPECT_THAT(WhereFoundIn(*suite_, kPurged, work_dir()), IsEmpty());
  EXPECT_THAT(WhereFoundIn(*suite_, kKept, work_dir()), Not(IsEmpty()));
  EXPECT_EQ(TrialBalance().SerializeAsString(), trial_before.SerializeAsString());
  const lv1::Loan after = GetLoan(rejected);
  EXPECT_EQ(after.state(), lv1::LOAN_STATE_REJECTED);
  EXPECT_EQ(after.business_plan_summary(), "");
  EXPECT_EQ(after.state_reason(), "");
  EXPECT_EQ(after.amount().minor_units(), 30'000);
  EXPECT_EQ(GetLoan(repaid.name()).state(), lv1::LOAN_STATE_CLOSED_REPAID);
  EXPECT_EQ(GetLoan(active.name()).business_plan_summary(),
            "Boulangerie de quartier; 40 clients par jour");
  ASSERT_EQ(Repayments(repaid.name()).size(), 1u);
  EXPECT_EQ(Repayments(repaid.name())[0].reference(), "");
  EXPECT_EQ(Repayments(repaid.name())[0].amount().minor_units(),
            repaid.loan.outstanding_principal().minor_units() +
                repaid.loan.outstanding_interest().minor_units());
  EXPECT_THAT(PurgedEvents(), ElementsAre(closed[0], closed[1], closed[2]));

  // A replay answers the first answer; a new purge finds nothing more.
  lv1::PurgeExpiredLoanRecordsResponse again;
  status = Purge(Admin(), "purge-loans-1", false, &again, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(replayed);
  EXPECT_THAT(again, EqualsProto(run));
  lv1::PurgeExpiredLoanRecordsResponse second;
  status = Purge(Admin(), "purge-loans-2", false, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(second.kinds_size(), 1);
  EXPECT_THAT(second.kinds(0).records(), IsEmpty());
  EXPECT_EQ(PurgedEvents().size(), 3u);
  EXPECT_EQ(TrialBalance().SerializeAsString(), trial_before.SerializeAsString());
}

TEST_P(LoanRetentionTest, NonAdminsAndBadInputAreRefused) {
  lv1::PurgeExpiredLoanRecordsResponse response;
  EXPECT_THAT(Purge(Bob(), "", true, &response), StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Purge(Bob(), "purge-bob", false, &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Purge(Admin(), "", false, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("request_id")));
  EXPECT_THAT(Purge(Admin(), "bad id!", true, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("request_id")));
  mv1::UpdateRetentionScheduleRequest update;
  update.set_request_id("closed-loans-too-long");
  update.mutable_schedule()->set_closed_loans_months(1201);
  update.mutable_update_mask()->add_paths("closed_loans_months");
  mv1::UpdateRetentionScheduleResponse updated;
  EXPECT_THAT(privacy_->UpdateRetentionSchedule(Admin().get(), update, &updated),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       HasSubstr("schedule.closed_loans_months must be 0 to 1200 months")));
  // Lending reads the schedule as itself; other services may not.
  auto as_network = mv1::PrivacyService::NewStub(suite_->CertChannel("membership", "network"));
  mv1::GetRetentionScheduleResponse schedule;
  EXPECT_THAT(as_network->GetRetentionSchedule(Context("").get(),
                                               mv1::GetRetentionScheduleRequest(), &schedule),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  auto as_lending = mv1::PrivacyService::NewStub(suite_->CertChannel("membership", "lending"));
  grpc::Status status = as_lending->GetRetentionSchedule(
      Context("").get(), mv1::GetRetentionScheduleRequest(), &schedule);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(schedule.schedule().closed_loans_months(), 84);
}

INSTANTIATE_TEST_SUITE_P(Engines, LoanRetentionTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
