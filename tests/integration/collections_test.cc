// A circle's meeting through the real processes on each engine (issue 12, item
// 2): a 6-member circle's collection sheet (instalments due, arrears, called
// guarantee shares), its collections recorded in one RecordCollections call
// (each line applied or refused with its reason, a refused line blocking none),
// the replay that changes nothing, malformed requests refused whole, concurrent
// collections and repayments on the same loans neither lost nor doubled, and the
// treasurer's round trip through cerclesctl (the sheet printed and written as
// CSV, filled, recorded, recorded again as a replay). The trial balance stays
// balanced throughout.
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace lv1 = cercles::lending::v1;
using ::testing::HasSubstr;

// Six members: members 0 to 3 repay loans disbursed 70 days ago (two
// instalments due, one of them late); member 4's loan, disbursed 400 days ago
// and never repaid, had its guarantee called, so members 0 to 3 and 5 owe
// shares of it; member 4 owes nothing at the meeting.
class CollectionsTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    circle_ = Circle("Marche", 6, &members_);
    for (size_t i = 0; i < 4; ++i) {
      loans_.push_back(Disburse(circle_, members_, i, 40'000, FundToday() - 70).name());
    }
    called_ = Disburse(circle_, members_, 4, 30'000, FundToday() - 400).name();
    ASSERT_FALSE(HasFailure());
    lv1::CallGuaranteeRequest call;
    call.set_request_id("call-4");
    call.set_loan(called_);
    lv1::CallGuaranteeResponse called;
    grpc::Status status = lending_->CallGuarantee(Admin().get(), call, &called);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(called.call().shares_size(), 5);
  }

  lv1::GetCollectionSheetResponse Sheet(const std::string& meeting = "") {
    lv1::GetCollectionSheetRequest request;
    request.set_circle(circle_);
    request.set_meeting(meeting);
    lv1::GetCollectionSheetResponse sheet;
    grpc::Status status = lending_->GetCollectionSheet(Bob().get(), request, &sheet);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return sheet;
  }

  grpc::Status Record(const lv1::RecordCollectionsRequest& request,
                      lv1::RecordCollectionsResponse* response,
                      grpc::ClientContext* context = nullptr) {
    auto own = Bob();
    return lending_->RecordCollections(context != nullptr ? context : own.get(), request, response);
  }

  static lv1::CollectionLine Line(lv1::CollectionKind kind, const std::string& loan,
                                  const std::string& person, int64_t cents) {
    lv1::CollectionLine line;
    line.set_kind(kind);
    line.set_loan(loan);
    line.set_person(person);
    *line.mutable_amount() = Cad(cents);
    return line;
  }

  int64_t Owed(const std::string& loan) {
    lv1::GetLoanRequest request;
    request.set_name(loan);
    lv1::GetLoanResponse response;
    EXPECT_TRUE(lending_->GetLoan(Admin().get(), request, &response).ok());
    return response.loan().outstanding_principal().minor_units() +
           response.loan().outstanding_interest().minor_units();
  }

  void ExpectBalanced() {
    lv1::GetTrialBalanceResponse trial = TrialBalance();
    EXPECT_TRUE(trial.balanced());
    EXPECT_EQ(trial.total_debit().minor_units(), trial.total_credit().minor_units());
  }

  std::string circle_;
  std::vector<std::string> members_;
  std::vector<std::string> loans_;  // members 0 to 3
  std::string called_;              // member 4's
};

TEST_P(CollectionsTest, TheSheetSaysWhatEachMemberOwesAtTheMeeting) {
  lv1::GetCollectionSheetResponse sheet = Sheet();
  EXPECT_EQ(sheet.circle(), circle_);
  EXPECT_EQ(FromDate(sheet.meeting_date()), FundToday());
  ASSERT_EQ(sheet.members_size(), 6);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(sheet.members(i), members_[i]);
  // Members 0 to 3: their repayment then their share; member 5: a share.
  ASSERT_EQ(sheet.lines_size(), 9);
  int64_t total_due = 0;
  int64_t shares = 0;
  for (int i = 0; i < 9; ++i) {
    const lv1::CollectionSheetLine& line = sheet.lines(i);
    total_due += line.due().minor_units();
    EXPECT_EQ(line.due().currency_code(), "CAD");
    if (i < 8 && i % 2 == 0) {
      EXPECT_EQ(line.kind(), lv1::COLLECTION_KIND_REPAYMENT) << i;
      EXPECT_EQ(line.person(), members_[i / 2]);
      EXPECT_EQ(line.loan(), loans_[i / 2]);
      // Two instalments fell due; the first one (about 40 days ago) is late.
      lv1::GetLoanScheduleRequest get;
      get.set_loan(line.loan());
      lv1::GetLoanScheduleResponse schedule;
      ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), get, &schedule).ok());
      int64_t due = 0;
      int64_t late = 0;
      for (const lv1::Instalment& instalment : schedule.schedule().instalments()) {
        const absl::CivilDay day = FromDate(instalment.due_date());
        const int64_t amount =
            instalment.principal().minor_units() + instalment.interest().minor_units();
        if (day <= FundToday()) due += amount;
        if (day < FundToday()) late += amount;
      }
      EXPECT_GT(late, 0);
      EXPECT_EQ(line.due().minor_units(), due);
      EXPECT_EQ(line.in_arrears().minor_units(), late);
      EXPECT_GT(line.days_past_due(), 30);
      EXPECT_EQ(line.most().minor_units(), Owed(line.loan()));
      EXPECT_GT(FromDate(line.next_due_date()), FundToday() - 31);
    } else {
      EXPECT_EQ(line.kind(), lv1::COLLECTION_KIND_GUARANTOR_PAYMENT) << i;
      EXPECT_EQ(line.person(), i == 8 ? members_[5] : members_[i / 2]);
      EXPECT_EQ(line.loan(), called_);
      EXPECT_EQ(line.in_arrears().minor_units(), 0);
      EXPECT_EQ(line.most().minor_units(), line.due().minor_units());
      EXPECT_GE(line.days_past_due(), 60);
      shares += line.due().minor_units();
    }
  }
  EXPECT_EQ(sheet.total_due().minor_units(), total_due);
  EXPECT_EQ(shares, AccountBalance(TrialBalance(), "GUARANTEE_RECEIVABLE"));

  // The meeting is echoed; a meeting of another circle, a bad name, an unknown
  // circle and another advisor are refused.
  const std::string meeting = absl::StrCat(circle_, "/meetings/7");
  EXPECT_EQ(Sheet(meeting).meeting(), meeting);
  lv1::GetCollectionSheetRequest bad;
  bad.set_circle(circle_);
  bad.set_meeting("circles/999999/meetings/1");
  lv1::GetCollectionSheetResponse refused;
  EXPECT_THAT(lending_->GetCollectionSheet(Bob().get(), bad, &refused),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       HasSubstr(absl::StrCat("must be a meeting of ", circle_))));
  bad.set_meeting("");
  bad.set_circle("circles/x");
  EXPECT_THAT(lending_->GetCollectionSheet(Bob().get(), bad, &refused),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("circle must be")));
  bad.set_circle("circles/999999");
  EXPECT_THAT(lending_->GetCollectionSheet(Bob().get(), bad, &refused),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  bad.set_circle(circle_);
  EXPECT_THAT(lending_->GetCollectionSheet(Dora().get(), bad, &refused),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("not the advisor of")));
}

TEST_P(CollectionsTest, OneCallRecordsTheMeetingARefusedLineBlocksNoneAndTheReplayChangesNothing) {
  const lv1::GetCollectionSheetResponse sheet = Sheet();
  ASSERT_EQ(sheet.lines_size(), 9);
  std::map<std::string, int64_t> owed_before;
  for (const std::string& loan : loans_) owed_before[loan] = Owed(loan);
  const int64_t receivable_before = AccountBalance(TrialBalance(), "GUARANTEE_RECEIVABLE");

  lv1::RecordCollectionsRequest request;
  request.set_request_id("meeting-1");
  request.set_circle(circle_);
  request.set_meeting(absl::StrCat(circle_, "/meetings/1"));
  // Every sheet line paid as due, except member 1's repayment: more than the loan owes.
  for (const lv1::CollectionSheetLine& line : sheet.lines()) {
    int64_t amount = line.due().minor_units();
    if (line.kind() == lv1::COLLECTION_KIND_REPAYMENT && line.person() == members_[1]) {
      amount = line.most().minor_units() + 1;
    }
    *request.add_lines() = Line(line.kind(), line.loan(), line.person(), amount);
  }
  // A repayment on the called loan, an unknown loan, a share paid by a member who is
  // not a guarantor, a repayment named for another borrower: refused, each with its rule.
  *request.add_lines() = Line(lv1::COLLECTION_KIND_REPAYMENT, called_, members_[4], 100);
  *request.add_lines() = Line(lv1::COLLECTION_KIND_REPAYMENT, "loans/999999", members_[0], 100);
  *request.add_lines() = Line(lv1::COLLECTION_KIND_GUARANTOR_PAYMENT, called_, members_[4], 100);
  *request.add_lines() = Line(lv1::COLLECTION_KIND_REPAYMENT, loans_[0], members_[3], 100);

  lv1::RecordCollectionsResponse first;
  grpc::Status status = Record(request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(first.circle(), circle_);
  EXPECT_EQ(FromDate(first.received_on()), FundToday());
  EXPECT_EQ(first.meeting(), request.meeting());
  ASSERT_EQ(first.results_size(), 13);
  EXPECT_EQ(first.applied_lines(), 8);
  EXPECT_EQ(first.refused_lines(), 5);
  int64_t applied_total = 0;
  for (int i = 0; i < 13; ++i) {
    const lv1::CollectionLineResult& result = first.results(i);
    EXPECT_EQ(result.index(), i);
    if (i == 2 || i >= 9) {
      EXPECT_EQ(result.outcome(), lv1::COLLECTION_LINE_OUTCOME_REFUSED) << i;
      EXPECT_EQ(result.journal_entry_id(), 0) << i;
      EXPECT_TRUE(result.repayment().empty()) << i;
      continue;
    }
    EXPECT_EQ(result.outcome(), lv1::COLLECTION_LINE_OUTCOME_APPLIED) << i << result.reason();
    EXPECT_GT(result.journal_entry_id(), 0);
    applied_total += request.lines(i).amount().minor_units();
    if (request.lines(i).kind() == lv1::COLLECTION_KIND_REPAYMENT) {
      EXPECT_THAT(result.repayment(),
                  HasSubstr(absl::StrCat(request.lines(i).loan(), "/repayments/")));
      EXPECT_EQ(result.remaining().minor_units(),
                owed_before[request.lines(i).loan()] - request.lines(i).amount().minor_units());
    } else {
      EXPECT_EQ(result.remaining().minor_units(), 0);  // each share paid in full
    }
  }
  EXPECT_EQ(first.applied_total().minor_units(), applied_total);
  EXPECT_EQ(first.results(2).refusal(), lv1::COLLECTION_REFUSAL_FAILED_PRECONDITION);
  EXPECT_THAT(first.results(2).reason(), HasSubstr("lines[2].amount "));
  EXPECT_THAT(first.results(2).reason(), HasSubstr("exceeds what"));
  EXPECT_EQ(first.results(9).refusal(), lv1::COLLECTION_REFUSAL_FAILED_PRECONDITION);
  EXPECT_THAT(first.results(9).reason(), HasSubstr("lines[9]: the guarantee of"));
  EXPECT_EQ(first.results(10).refusal(), lv1::COLLECTION_REFUSAL_NOT_FOUND);
  EXPECT_THAT(first.results(10).reason(), HasSubstr("lines[10]: "));
  EXPECT_EQ(first.results(11).refusal(), lv1::COLLECTION_REFUSAL_FAILED_PRECONDITION);
  EXPECT_THAT(first.results(11).reason(), HasSubstr("not a guarantor"));
  EXPECT_EQ(first.results(12).refusal(), lv1::COLLECTION_REFUSAL_FAILED_PRECONDITION);
  EXPECT_THAT(first.results(12).reason(), HasSubstr("lines[12].person "));
  EXPECT_THAT(first.results(12).reason(), HasSubstr("is not the borrower of"));

  // The loans moved by what was applied, nothing more; the meeting is each
  // repayment's reference; the shares are paid; the books balance.
  for (size_t i = 0; i < loans_.size(); ++i) {
    std::vector<lv1::Repayment> repayments = Repayments(loans_[i]);
    if (i == 1) {
      EXPECT_TRUE(repayments.empty());
      EXPECT_EQ(Owed(loans_[i]), owed_before[loans_[i]]);
      continue;
    }
    ASSERT_EQ(repayments.size(), 1u) << loans_[i];
    EXPECT_EQ(repayments[0].reference(), request.meeting());
    EXPECT_EQ(Owed(loans_[i]), owed_before[loans_[i]] - repayments[0].amount().minor_units());
  }
  EXPECT_EQ(AccountBalance(TrialBalance(), "GUARANTEE_RECEIVABLE"), 0);
  EXPECT_GT(receivable_before, 0);
  ExpectBalanced();
  const lv1::GetTrialBalanceResponse trial = TrialBalance();

  // The replay answers the first result byte for byte and changes nothing.
  lv1::RecordCollectionsResponse again;
  auto context = Bob();
  ASSERT_TRUE(Record(request, &again, context.get()).ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(context->GetServerInitialMetadata().count("cercles-replayed"), 1u);
  EXPECT_EQ(TrialBalance().SerializeAsString(), trial.SerializeAsString());
  for (const std::string& loan : loans_) EXPECT_LE(Repayments(loan).size(), 1u);
  // The same id with another request is refused.
  request.mutable_lines(0)->mutable_amount()->set_minor_units(1);
  EXPECT_THAT(Record(request, &again),
              StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("meeting-1")));

  // The sheet afterwards: member 0 owes nothing more at this meeting; member
  // 1 still owes what was due; nobody owes a share.
  const lv1::GetCollectionSheetResponse after = Sheet();
  ASSERT_EQ(after.lines_size(), 4);
  EXPECT_EQ(after.lines(0).due().minor_units(), 0);
  EXPECT_EQ(after.lines(0).in_arrears().minor_units(), 0);
  EXPECT_EQ(after.lines(1).due().minor_units(), sheet.lines(2).due().minor_units());
  for (const lv1::CollectionSheetLine& line : after.lines()) {
    EXPECT_EQ(line.kind(), lv1::COLLECTION_KIND_REPAYMENT);
  }
}

TEST_P(CollectionsTest, AMalformedRequestIsRefusedWholeWithTheFieldNamed) {
  lv1::RecordCollectionsRequest good;
  good.set_request_id("meeting-bad");
  good.set_circle(circle_);
  *good.add_lines() = Line(lv1::COLLECTION_KIND_REPAYMENT, loans_[0], members_[0], 100);
  *good.add_lines() = Line(lv1::COLLECTION_KIND_REPAYMENT, loans_[1], "", 100);
  struct Case {
    std::function<void(lv1::RecordCollectionsRequest&)> change;
    grpc::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.clear_lines(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "lines must hold 1 to 100 lines, got 0"},
      {[](auto& r) { r.mutable_lines(1)->set_kind(lv1::COLLECTION_KIND_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "lines[1].kind must be"},
      {[](auto& r) { r.mutable_lines(1)->set_loan("loan/3"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "lines[1].loan must be"},
      {[](auto& r) { r.mutable_lines(0)->set_person("members/3"); },
       grpc::StatusCode::INVALID_ARGUMENT, "lines[0].person must be"},
      {[](auto& r) { r.mutable_lines(1)->clear_amount(); }, grpc::StatusCode::INVALID_ARGUMENT,
       "lines[1].amount is required"},
      {[](auto& r) { r.mutable_lines(1)->set_kind(lv1::COLLECTION_KIND_GUARANTOR_PAYMENT); },
       grpc::StatusCode::INVALID_ARGUMENT, "lines[1].person is required"},
      {[](auto& r) { r.mutable_lines(0)->set_reference(std::string(121, 'x')); },
       grpc::StatusCode::INVALID_ARGUMENT, "lines[0].reference"},
      {[](auto& r) { r.set_circle("circles/0"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "circle must be"},
      {[](auto& r) { r.set_meeting("circles/1/meeting/2"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "meeting must be"},
      {[](auto& r) { *r.mutable_received_on() = ToDate(FundToday() + 2); },
       grpc::StatusCode::INVALID_ARGUMENT, "received_on "},
      {[](auto& r) { r.set_request_id(""); }, grpc::StatusCode::INVALID_ARGUMENT, "request_id"},
  };
  for (const Case& c : cases) {
    lv1::RecordCollectionsRequest request = good;
    c.change(request);
    lv1::RecordCollectionsResponse response;
    EXPECT_THAT(Record(request, &response), StatusIs(c.code, HasSubstr(c.message))) << c.message;
  }
  lv1::RecordCollectionsResponse response;
  EXPECT_THAT(lending_->RecordCollections(Dora().get(), good, &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("not the advisor of")));
  // A line's amount in another currency or not positive refuses that line only.
  lv1::RecordCollectionsRequest request = good;
  request.mutable_lines(0)->mutable_amount()->set_currency_code("EUR");
  request.mutable_lines(1)->mutable_amount()->set_minor_units(0);
  *request.add_lines() = Line(lv1::COLLECTION_KIND_REPAYMENT, loans_[2], members_[2], 100);
  ASSERT_TRUE(Record(request, &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).refusal(), lv1::COLLECTION_REFUSAL_INVALID_ARGUMENT);
  EXPECT_THAT(response.results(0).reason(), HasSubstr("lines[0].amount must be in the fund's"));
  EXPECT_EQ(response.results(1).refusal(), lv1::COLLECTION_REFUSAL_INVALID_ARGUMENT);
  EXPECT_THAT(response.results(1).reason(), HasSubstr("lines[1].amount"));
  EXPECT_EQ(response.results(2).outcome(), lv1::COLLECTION_LINE_OUTCOME_APPLIED);
  EXPECT_EQ(response.applied_lines(), 1);
  ExpectBalanced();
}

TEST_P(CollectionsTest, ConcurrentCollectionsAndRepaymentsAreNeitherLostNorDoubled) {
  std::map<std::string, int64_t> owed_before;
  for (const std::string& loan : loans_) owed_before[loan] = Owed(loan);
  constexpr int kThreads = 6;
  constexpr int kCalls = 8;
  std::vector<std::thread> threads;
  std::vector<int64_t> acknowledged(kThreads, 0);
  std::vector<std::string> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kCalls; ++n) {
        const std::string id = absl::StrCat("race-", t, "-", n);
        if (t % 2 == 0) {
          // A meeting's collections: one to three cents on every loan.
          lv1::RecordCollectionsRequest request;
          request.set_request_id(id);
          request.set_circle(circle_);
          int64_t sum = 0;
          for (size_t i = 0; i < loans_.size(); ++i) {
            const int64_t cents = 1 + static_cast<int64_t>((t + n + i) % 3);
            *request.add_lines() =
                Line(lv1::COLLECTION_KIND_REPAYMENT, loans_[(i + t) % loans_.size()], "", cents);
            sum += cents;
          }
          lv1::RecordCollectionsResponse response;
          grpc::Status status = Record(request, &response);
          if (!status.ok() || response.applied_lines() != static_cast<int>(loans_.size())) {
            failures[t] =
                absl::StrCat(id, ": ", status.error_message(), " ", response.ShortDebugString());
            return;
          }
          acknowledged[t] += sum;
        } else {
          lv1::RecordRepaymentRequest request;
          request.set_request_id(id);
          request.set_loan(loans_[(t + n) % loans_.size()]);
          *request.mutable_amount() = Cad(5);
          lv1::RecordRepaymentResponse response;
          grpc::Status status = lending_->RecordRepayment(Bob().get(), request, &response);
          if (!status.ok()) {
            failures[t] = absl::StrCat(id, ": ", status.error_message());
            return;
          }
          acknowledged[t] += 5;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& failure : failures) EXPECT_TRUE(failure.empty()) << failure;
  int64_t acknowledged_total = 0;
  for (int64_t cents : acknowledged) acknowledged_total += cents;
  int64_t stored = 0;
  int64_t moved = 0;
  size_t count = 0;
  for (const std::string& loan : loans_) {
    for (const lv1::Repayment& repayment : Repayments(loan)) {
      stored += repayment.amount().minor_units();
      ++count;
    }
    moved += owed_before[loan] - Owed(loan);
  }
  EXPECT_EQ(stored, acknowledged_total);
  EXPECT_EQ(moved, acknowledged_total);
  EXPECT_EQ(count, static_cast<size_t>((kThreads / 2) * kCalls * (loans_.size() + 1)));
  ExpectBalanced();
}

// The treasurer's meeting with cerclesctl: the sheet printed and written as CSV
// (membership's record of the meeting shown along), the paid column filled,
// the file recorded in one call, and recorded again: a replay.
TEST_P(CollectionsTest, TheTreasurerPrintsFillsAndRecordsTheSheetWithCerclesctl) {
  auto meetings =
      cercles::membership::v1::MeetingService::NewStub(suite_->StaffChannel("membership"));
  cercles::membership::v1::RecordMeetingRequest record;
  record.set_request_id("meeting-today");
  record.set_parent(circle_);
  *record.mutable_meeting()->mutable_meeting_date() =
      ToDate(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  for (const std::string& member : members_) {
    auto* attendance = record.mutable_meeting()->add_attendance();
    attendance->set_person(member);
    attendance->set_status(cercles::membership::v1::ATTENDANCE_STATUS_PRESENT);
  }
  cercles::membership::v1::RecordMeetingResponse recorded;
  grpc::Status status = meetings->RecordMeeting(Bob().get(), record, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string meeting = recorded.meeting().name();

  const std::string csv = absl::StrCat(work_dir(), "/sheet.csv");
  CtlResult printed = RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                                    {"lending", "loans", "collection-sheet", "--circle", circle_,
                                     "--meeting", meeting, "--csv", csv},
                                    work_dir());
  ASSERT_EQ(printed.code, 0) << printed.err;
  EXPECT_THAT(printed.out, HasSubstr(absl::StrCat("collection sheet of ", circle_)));
  EXPECT_THAT(printed.out, HasSubstr(meeting));
  EXPECT_THAT(printed.out, ::testing::ContainsRegex("PERSON +KIND +LOAN +DUE +IN ARREARS"));
  EXPECT_THAT(printed.out,
              ::testing::ContainsRegex(absl::StrCat(members_[4], " +- +- +- +- +- +- +-\n")));
  EXPECT_THAT(printed.out, HasSubstr("guarantor-payment"));
  EXPECT_THAT(printed.out, HasSubstr("\nTOTAL "));

  // Fill the paid column: each line's due amount, member 1's repayment left blank.
  std::ifstream in(csv);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> rows = absl::StrSplit(text.str(), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 1u + 10u);  // header, 9 lines and member 4's empty row
  EXPECT_EQ(rows[0],
            "circle,date,meeting,person,kind,loan,due,in_arrears,most,next_due,paid,"
            "reference");
  std::string filled = rows[0] + "\r\n";
  int paid_rows = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> fields = absl::StrSplit(rows[i], ',');
    // Amounts of 1,000.00 and more are quoted; the sheet's are smaller.
    ASSERT_EQ(fields.size(), 12u) << rows[i];
    EXPECT_EQ(fields[0], circle_);
    EXPECT_EQ(fields[2], meeting);
    const bool skip = fields[5].empty() || (fields[3] == members_[1] && fields[4] == "repayment");
    if (!skip) {
      fields[10] = fields[6];
      fields[11] = absl::StrCat("recu-", i);
      ++paid_rows;
    }
    filled += absl::StrJoin(fields, ",") + "\r\n";
  }
  ASSERT_EQ(paid_rows, 8);
  const std::string filled_csv = absl::StrCat(work_dir(), "/filled.csv");
  std::ofstream(filled_csv) << filled;

  CtlResult done =
      RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                    {"lending", "loans", "record-collections", "--file", filled_csv}, work_dir());
  ASSERT_EQ(done.code, 0) << done.out << done.err;
  EXPECT_THAT(done.out, HasSubstr(absl::StrCat("collections of ", circle_)));
  EXPECT_THAT(done.out, HasSubstr("8 applied ("));
  EXPECT_THAT(done.out, HasSubstr(", 0 refused\n"));
  EXPECT_THAT(done.out, HasSubstr(absl::StrCat(loans_[0], "/repayments/")));
  const lv1::GetTrialBalanceResponse trial = TrialBalance();
  EXPECT_TRUE(trial.balanced());
  EXPECT_EQ(AccountBalance(trial, "GUARANTEE_RECEIVABLE"), 0);
  EXPECT_EQ(Repayments(loans_[0]).at(0).reference(), "recu-1");

  CtlResult replay =
      RunCerclesctl(*suite_, "lending", TestCredentials().advisor_token,
                    {"lending", "loans", "record-collections", "--file", filled_csv}, work_dir());
  ASSERT_EQ(replay.code, 0) << replay.err;
  EXPECT_EQ(replay.out, done.out);
  EXPECT_THAT(replay.err, HasSubstr("was already done; this is its first answer"));
  EXPECT_EQ(TrialBalance().SerializeAsString(), trial.SerializeAsString());
  EXPECT_EQ(Repayments(loans_[0]).size(), 1u);

  // A row the server refuses: exit 1, the row's line and reason printed.
  const std::string refused_csv = absl::StrCat(work_dir(), "/refused.csv");
  std::vector<std::string> first = absl::StrSplit(rows[1], ',');
  first[10] = "999999.00";
  std::ofstream(refused_csv) << rows[0] << "\r\n" << absl::StrJoin(first, ",") << "\r\n";
  CtlResult refused = RunCerclesctl(
      *suite_, "lending", TestCredentials().advisor_token,
      {"lending", "loans", "record-collections", "--file", refused_csv, "--request-id", "too-much"},
      work_dir());
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.out, HasSubstr("refused failed-precondition: lines[0].amount"));
  EXPECT_THAT(refused.err, HasSubstr("1 of 1 lines refused"));
  EXPECT_TRUE(TrialBalance().balanced());
}

INSTANTIATE_TEST_SUITE_P(Engines, CollectionsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
