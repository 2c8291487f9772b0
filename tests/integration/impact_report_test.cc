// The impact report (issue 15, item 5) through the real processes on each
// engine: loans disbursed in lending and business outcomes recorded at a
// meeting in membership reach network by their event streams, and
// GetImpactReport counts them exactly (figures of the whole range, of each
// quarter, survival by cohort); its request rules are refused with the field's
// name.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;

// The quarters from `from` to `to`, as the report cuts them.
int Quarters(absl::CivilDay from, absl::CivilDay to) {
  return static_cast<int>((to.year() * 4 + (to.month() - 1) / 3) -
                          (from.year() * 4 + (from.month() - 1) / 3)) +
         1;
}

// How many times `needle` stands in `text`.
size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class ImpactReportTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    network_ = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
  }

  nv1::GetImpactReportRequest Request() const {
    nv1::GetImpactReportRequest request;
    *request.mutable_from_date() = ToDate(from_);
    *request.mutable_to_date() = ToDate(to_);
    request.set_grain(nv1::REPORT_GRAIN_QUARTER);
    return request;
  }

  // Network's report once `ready` holds (30 s at most: the events travel).
  bool ReportUntil(const std::function<bool(const nv1::GetImpactReportResponse&)>& ready) {
    return Eventually(
        [&] {
          report_.Clear();
          return network_->GetImpactReport(Admin().get(), Request(), &report_).ok() &&
                 report_.totals_size() == 1 && ready(report_);
        },
        absl::Seconds(30));
  }

  // Two loans (one late) and a meeting's outcomes, recorded through lending
  // and membership; the loans in `late` and `current`.
  void LoansAndOutcomes(ActiveLoan* late, ActiveLoan* current) {
    std::vector<std::string> members;
    const std::string circle = Circle("Boulangers", 5, &members);
    const absl::CivilDay today = FundToday();
    // Late since its first instalment (due 60 days ago): at risk.
    *late = Disburse(circle, members, 0, 50000, today - 90);
    *current = Disburse(circle, members, 1, 40000, today);
    ASSERT_FALSE(HasFailure());

    // A meeting: member 0's business started with 2 full-time and 1 part-time
    // jobs; member 1 says only that 1 job was kept.
    mv1::RecordMeetingRequest record;
    record.set_request_id("impact-meeting");
    record.set_parent(circle);
    *record.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
    for (const std::string& member : members) {
      mv1::Attendance* entry = record.mutable_meeting()->add_attendance();
      entry->set_person(member);
      entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
    }
    mv1::BusinessFollowUp* started = record.mutable_meeting()->add_follow_ups();
    started->set_person(members[0]);
    started->mutable_outcome()->set_stage(mv1::BUSINESS_STAGE_OPERATING);
    started->mutable_outcome()->set_event(mv1::BUSINESS_EVENT_STARTED);
    started->mutable_outcome()->mutable_jobs_created()->set_full_time(2);
    started->mutable_outcome()->mutable_jobs_created()->set_part_time(1);
    mv1::BusinessFollowUp* kept = record.mutable_meeting()->add_follow_ups();
    kept->set_person(members[1]);
    kept->mutable_outcome()->mutable_jobs_kept()->set_full_time(1);
    mv1::RecordMeetingResponse recorded;
    ASSERT_THAT(meetings_->RecordMeeting(Admin().get(), record, &recorded), IsOk());
  }

  // The range: from 120 days before lending's today to membership's today
  // (the meeting's day), whatever the hour.
  const absl::CivilDay from_ = FundToday() - 120;
  const absl::CivilDay to_ = std::max(FundToday(), MembershipToday());
  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
  std::unique_ptr<nv1::NetworkService::Stub> network_;
  nv1::GetImpactReportResponse report_;
};

TEST_P(ImpactReportTest, LoansAndOutcomesAreCountedExactly) {
  ActiveLoan late, current;
  LoansAndOutcomes(&late, &current);
  ASSERT_FALSE(HasFailure());
  const absl::CivilDay today = FundToday();
  ASSERT_TRUE(ReportUntil([](const nv1::GetImpactReportResponse& r) {
    return r.totals(0).loans_disbursed() == 2 && r.totals(0).businesses_started() == 1 &&
           r.totals(0).jobs_kept_full_time() == 1;
  })) << report_.DebugString()
      << suite_->Log("network");
  EXPECT_EQ(report_.grain(), nv1::REPORT_GRAIN_QUARTER);
  EXPECT_EQ(FromDate(report_.from_date()), from_);
  EXPECT_EQ(FromDate(report_.as_of()), MembershipToday());

  const nv1::ImpactFigures& total = report_.totals(0);
  EXPECT_EQ(total.region(), "");
  EXPECT_EQ(FromDate(total.period_start()), from_);
  EXPECT_EQ(FromDate(total.period_end()), to_);
  EXPECT_EQ(total.entrepreneurs_supported(), 2);
  EXPECT_EQ(total.amount_disbursed().minor_units(), 90000);
  EXPECT_EQ(total.amount_disbursed().currency_code(), "CAD");
  const int64_t outstanding = late.loan.outstanding_principal().minor_units() +
                              current.loan.outstanding_principal().minor_units();
  EXPECT_EQ(total.outstanding_principal().minor_units(), outstanding);
  EXPECT_EQ(total.principal_at_risk_30().minor_units(),
            late.loan.outstanding_principal().minor_units());
  EXPECT_EQ(
      total.par30_bps(),
      (late.loan.outstanding_principal().minor_units() * 10000 + outstanding / 2) / outstanding);
  EXPECT_EQ(total.loans_repaid(), 0);
  EXPECT_EQ(total.loans_written_off(), 0);
  EXPECT_FALSE(total.has_repayment_rate_bps());  // no loan has ended
  EXPECT_EQ(total.principal_written_off().minor_units(), 0);
  EXPECT_TRUE(total.has_write_off_bps());
  EXPECT_EQ(total.write_off_bps(), 0);
  EXPECT_EQ(total.businesses_kept(), 1);
  EXPECT_EQ(total.jobs_created_full_time(), 2);
  EXPECT_EQ(total.jobs_created_part_time(), 1);
  EXPECT_EQ(total.jobs_kept_part_time(), 0);

  // Every quarter of the range has its row; each loan counts in its own.
  ASSERT_EQ(report_.periods_size(), Quarters(from_, to_));
  int loans = 0;
  int64_t amount = 0;
  for (const nv1::ImpactFigures& period : report_.periods()) {
    loans += period.loans_disbursed();
    amount += period.amount_disbursed().minor_units();
    const absl::CivilDay start = FromDate(period.period_start());
    const absl::CivilDay end = FromDate(period.period_end());
    const bool holds_late = start <= today - 90 && today - 90 <= end;
    const bool holds_current = start <= today && today <= end;
    EXPECT_EQ(period.loans_disbursed(), int{holds_late} + int{holds_current})
        << period.DebugString();
  }
  EXPECT_EQ(loans, 2);
  EXPECT_EQ(amount, 90000);
  EXPECT_EQ(report_.periods(report_.periods_size() - 1).businesses_kept(), 1);

  // This year's cohort: one business, too young for any horizon.
  ASSERT_EQ(report_.cohorts_size(), 1);
  EXPECT_EQ(report_.cohorts(0).cohort_year(), MembershipToday().year());
  EXPECT_EQ(report_.cohorts(0).businesses(), 1);
  EXPECT_FALSE(report_.cohorts(0).has_survived_1_year());
  EXPECT_FALSE(report_.cohorts(0).has_survival_5_years_bps());

  // An advisor reads it too (it names no one).
  nv1::GetImpactReportResponse by_bob;
  EXPECT_THAT(network_->GetImpactReport(Bob().get(), Request(), &by_bob), IsOk());
  EXPECT_EQ(by_bob.totals(0).loans_disbursed(), 2);
}

TEST_P(ImpactReportTest, RequestRulesNameTheirField) {
  nv1::GetImpactReportResponse response;
  nv1::GetImpactReportRequest missing = Request();
  missing.clear_from_date();
  EXPECT_THAT(network_->GetImpactReport(Admin().get(), missing, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, "from_date is required"));
  nv1::GetImpactReportRequest reversed = Request();
  *reversed.mutable_to_date() = ToDate(from_ - 1);
  EXPECT_THAT(network_->GetImpactReport(Admin().get(), reversed, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       HasSubstr("to_date must be on or after from_date")));
  nv1::GetImpactReportRequest grain = Request();
  grain.set_grain(static_cast<nv1::ReportGrain>(9));
  EXPECT_THAT(network_->GetImpactReport(Admin().get(), grain, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("grain must be")));
  // Nothing recorded: one row per fund only once the fund has loans or outcomes.
  ASSERT_THAT(network_->GetImpactReport(Admin().get(), Request(), &response), IsOk());
  EXPECT_EQ(response.totals_size(), 0);
  EXPECT_EQ(response.cohorts_size(), 0);
}

// `cerclesctl report impact` against the real services: the HTML page in
// French (a trend point per quarter, the amounts in fr-CA), CSV and a table.
TEST_P(ImpactReportTest, CerclesctlWritesTheReportAsHtmlCsvAndTable) {
  ActiveLoan late, current;
  LoansAndOutcomes(&late, &current);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(ReportUntil([](const nv1::GetImpactReportResponse& r) {
    return r.totals(0).loans_disbursed() == 2 && r.totals(0).businesses_started() == 1;
  })) << report_.DebugString();
  const std::vector<std::string> range = {"report",  "impact",
                                          "--from",  absl::FormatCivilTime(from_),
                                          "--to",    absl::FormatCivilTime(to_),
                                          "--grain", "quarter"};
  const auto ctl = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = range;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCerclesctl(*suite_, "network", TestCredentials().admin_token, args, work_dir());
  };
  const std::string page = absl::StrCat(work_dir(), "/impact.html");
  CtlResult r = ctl({"--format", "html", "--lang", "fr", "--out", page});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = ReadTextFile(page);
  EXPECT_THAT(html, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(html, HasSubstr("Rapport d&#39;impact"));
  EXPECT_THAT(html, HasSubstr("900,00 $"));  // 500,00 $ + 400,00 $
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<script")));
  EXPECT_EQ(Count(html, "data-series=\"loans\" data-point="),
            static_cast<size_t>(Quarters(from_, to_)));

  r = ctl({"--format", "csv", "--lang", "en"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("row,Fund,Region,Start,End,"));
  EXPECT_THAT(r.out, HasSubstr(",90000,"));  // minor units
  r = ctl({"--lang", "en"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("$900.00"));
  r = ctl({"--format", "pdf"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--format must be html, csv or table"));

  // The portfolio report, from lending.
  r = RunCerclesctl(*suite_, "lending", TestCredentials().admin_token,
                    {"report", "portfolio", "--format", "html", "--lang", "fr"}, work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Portefeuille de prêts"));
  EXPECT_EQ(Count(r.out, "data-series=\"outstanding\" data-point="), 1u);  // one circle
  r = RunCerclesctl(*suite_, "lending", TestCredentials().admin_token,
                    {"report", "portfolio", "--format", "csv", "--lang", "en"}, work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(",fund,CAD,2,"));  // two active loans
}

INSTANTIATE_TEST_SUITE_P(Engines, ImpactReportTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
