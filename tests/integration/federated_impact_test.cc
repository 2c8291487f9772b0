// The impact report across federated funds (issue 15, item 5) on each engine:
// two real funds, fund-a and fund-b, each with its loans and its business
// outcomes; fund-a's GetImpactReport with include_peers holds fund-b's rows
// exactly as fund-b's own report gives them (its small cohorts excepted), a
// network total that adds both up, and nothing personal crosses (fund-b's
// GetImpactAggregates answer holds counts, sums, the fund id and no region
// under the small-cell rule). A peer that revoked fund-a, then a stopped peer,
// is listed as missing with its reason, and the report still answers.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "common/redaction/redaction.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_fixtures.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

// part / whole in basis points, rounded half up (reports.proto).
int32_t Bps(int64_t part, int64_t whole) {
  return static_cast<int32_t>((2 * part * 10'000 + whole) / (2 * whole));
}

// Every string value set anywhere in `message`; fails the test on a
// sensitive field set.
void Strings(const Message& message, std::vector<std::string>* out) {
  const auto* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    EXPECT_FALSE(redaction::IsSensitive(field)) << field->full_name();
    const int n = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < n; ++i) {
      if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
        out->push_back(field->is_repeated() ? reflection->GetRepeatedString(message, field, i)
                                            : reflection->GetString(message, field));
      } else if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
        Strings(field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                     : reflection->GetMessage(message, field),
                out);
      }
    }
  }
}

// The rows of `fund` among `rows`.
template <typename Row>
std::vector<Row> Of(const google::protobuf::RepeatedPtrField<Row>& rows, const std::string& fund) {
  std::vector<Row> out;
  for (const Row& row : rows) {
    if (row.fund_id() == fund) out.push_back(row);
  }
  return out;
}

template <typename Row>
bool SameRows(const std::vector<Row>& a, const google::protobuf::RepeatedPtrField<Row>& b) {
  if (a.size() != static_cast<size_t>(b.size())) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!MessageDifferencer::Equals(a[i], b[static_cast<int>(i)])) return false;
  }
  return true;
}

class FederatedImpactTest : public LendingFixture {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override {
    return FederatedSuiteOptions("fund-a", GetParam());
  }

  void SetUp() override {
    LendingFixture::SetUp();  // fund-a, in suite_
    if (IsSkipped() || HasFatalFailure()) return;
    b_ = std::make_unique<Suite>(FederatedSuiteOptions("fund-b", GetParam()));
    absl::Status started = b_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Runs `work` with the fixture's helpers on fund-b (once: it prepares the fund).
  void OnFundB(const std::function<void()>& work) {
    const std::string a_training = training_;
    std::swap(suite_, b_);
    Prepare();
    if (!HasFatalFailure()) work();
    std::swap(suite_, b_);
    BindStubs();
    training_ = a_training;
  }

  // A meeting of `circle` today at which members[i] reports outcomes[i].
  void RecordOutcomes(const std::string& circle, const std::vector<std::string>& members,
                      const std::vector<cercles::membership::v1::BusinessOutcome>& outcomes) {
    namespace mv1 = cercles::membership::v1;
    auto meetings = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    mv1::RecordMeetingRequest record;
    record.set_request_id(absl::StrCat("outcomes-meeting-", ++meetings_recorded_));
    record.set_parent(circle);
    *record.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
    for (const std::string& member : members) {
      mv1::Attendance* entry = record.mutable_meeting()->add_attendance();
      entry->set_person(member);
      entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
    }
    for (size_t i = 0; i < outcomes.size(); ++i) {
      mv1::BusinessFollowUp* follow_up = record.mutable_meeting()->add_follow_ups();
      follow_up->set_person(members[i]);
      *follow_up->mutable_outcome() = outcomes[i];
    }
    mv1::RecordMeetingResponse recorded;
    ASSERT_THAT(meetings->RecordMeeting(Admin().get(), record, &recorded), IsOk());
  }

  static cercles::membership::v1::BusinessOutcome Started(int full_time, int part_time) {
    cercles::membership::v1::BusinessOutcome o;
    o.set_stage(cercles::membership::v1::BUSINESS_STAGE_OPERATING);
    o.set_event(cercles::membership::v1::BUSINESS_EVENT_STARTED);
    o.mutable_jobs_created()->set_full_time(full_time);
    o.mutable_jobs_created()->set_part_time(part_time);
    return o;
  }
  static cercles::membership::v1::BusinessOutcome Kept(int full_time) {
    cercles::membership::v1::BusinessOutcome o;
    o.mutable_jobs_kept()->set_full_time(full_time);
    return o;
  }

  // `self` registers `peer_id` (its certificate's CN), following `peer`'s listener.
  static void Register(Suite& self, const std::string& peer_id, Suite& peer) {
    auto peers = nv1::PeerFundService::NewStub(self.StaffChannel("network"));
    nv1::RegisterPeerFundRequest request;
    request.set_request_id("register-" + peer_id);
    request.mutable_peer()->set_fund_id(peer_id);
    request.mutable_peer()->set_certificate_common_name(peer_id);
    request.mutable_peer()->set_address(peer.FederationAddress());
    request.mutable_peer()->set_tls_server_name(peer_id);
    nv1::RegisterPeerFundResponse response;
    ASSERT_THAT(peers->RegisterPeerFund(Admin().get(), request, &response), IsOk());
  }

  nv1::GetImpactReportRequest Request(bool include_peers) const {
    nv1::GetImpactReportRequest request;
    *request.mutable_from_date() = ToDate(from_);
    *request.mutable_to_date() = ToDate(to_);
    request.set_grain(nv1::REPORT_GRAIN_QUARTER);
    request.set_include_peers(include_peers);
    return request;
  }

  // `suite`'s report once `ready` holds (30 s at most: the events travel).
  static bool ReportUntil(Suite& suite, const nv1::GetImpactReportRequest& request,
                          nv1::GetImpactReportResponse* report,
                          const std::function<bool(const nv1::GetImpactReportResponse&)>& ready) {
    auto network = nv1::NetworkService::NewStub(suite.StaffChannel("network"));
    return Eventually(
        [&] {
          report->Clear();
          return network->GetImpactReport(Admin().get(), request, report).ok() && ready(*report);
        },
        absl::Seconds(30));
  }

  // The median time of 5 reports of fund-a.
  absl::Duration MedianReportTime(bool include_peers) {
    auto network = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
    std::vector<absl::Duration> times;
    for (int i = 0; i < 5; ++i) {
      nv1::GetImpactReportResponse report;
      const absl::Time start = absl::Now();
      EXPECT_THAT(network->GetImpactReport(Admin().get(), Request(include_peers), &report), IsOk());
      times.push_back(absl::Now() - start);
    }
    std::sort(times.begin(), times.end());
    return times[2];
  }

  // cerclesctl as fund-a's admin: `args`, then `extra` (`extra` first when
  // `global_first`: global options such as --lang).
  CtlResult Ctl(const std::vector<std::string>& args, const std::vector<std::string>& extra,
                bool global_first = false) {
    std::vector<std::string> all = global_first ? extra : args;
    const std::vector<std::string>& rest = global_first ? args : extra;
    all.insert(all.end(), rest.begin(), rest.end());
    return RunCerclesctl(*suite_, "network", TestCredentials().admin_token, all, work_dir());
  }

  const absl::CivilDay from_ = FundToday() - 120;
  const absl::CivilDay to_ = std::max(FundToday(), MembershipToday());
  std::unique_ptr<Suite> b_;
  int meetings_recorded_ = 0;
};

TEST_P(FederatedImpactTest, PeersRowsAddUpFromAggregatesOnly) {
  // fund-a: two loans (one late) and a business started with 2 + 1 jobs.
  std::vector<std::string> a_members;
  const std::string a_circle = Circle("Boulangers", 5, &a_members);
  Disburse(a_circle, a_members, 0, 50'000, FundToday() - 90);
  Disburse(a_circle, a_members, 1, 40'000, FundToday());
  RecordOutcomes(a_circle, a_members, {Started(2, 1), Kept(1)});
  ASSERT_FALSE(HasFailure());
  // fund-b: one loan and two businesses started, 3 jobs kept.
  OnFundB([&] {
    std::vector<std::string> b_members;
    const std::string b_circle = Circle("Couturieres", 5, &b_members);
    Disburse(b_circle, b_members, 0, 30'000, FundToday() - 10);
    RecordOutcomes(b_circle, b_members, {Started(1, 0), Started(0, 2), Kept(3)});
  });
  ASSERT_FALSE(HasFailure());
  Register(*suite_, "fund-b", *b_);
  Register(*b_, "fund-a", *suite_);
  ASSERT_FALSE(HasFailure());

  // Each fund's own report, once the events have reached its network.
  nv1::GetImpactReportResponse own_a, own_b, report;
  ASSERT_TRUE(ReportUntil(*suite_, Request(false), &own_a, [](const auto& r) {
    return r.totals_size() == 1 && r.totals(0).loans_disbursed() == 2 &&
           r.totals(0).jobs_kept_full_time() == 1;
  })) << own_a.DebugString();
  ASSERT_TRUE(ReportUntil(*b_, Request(false), &own_b, [](const auto& r) {
    return r.totals_size() == 1 && r.totals(0).loans_disbursed() == 1 &&
           r.totals(0).jobs_kept_full_time() == 3;
  })) << own_b.DebugString();
  // A report without include_peers is this fund's only, as before.
  EXPECT_EQ(own_a.missing_funds_size(), 0);
  EXPECT_EQ(own_a.network_periods_size(), 0);
  EXPECT_FALSE(own_a.has_network_total());
  ASSERT_EQ(own_b.cohorts_size(), 1);
  EXPECT_EQ(own_b.cohorts(0).businesses(), 2);

  // With the peers: fund-b's rows as fund-b counts them (once the peers
  // accept each other's certificates).
  ASSERT_TRUE(ReportUntil(
      *suite_, Request(true), &report,
      [](const auto& r) { return r.missing_funds_size() == 0 && r.totals_size() == 2; }))
      << report.DebugString() << suite_->Log("network");
  EXPECT_TRUE(SameRows(Of(report.periods(), "fund-a"), own_a.periods()));
  EXPECT_TRUE(SameRows(Of(report.totals(), "fund-a"), own_a.totals()));
  EXPECT_TRUE(SameRows(Of(report.cohorts(), "fund-a"), own_a.cohorts()));
  EXPECT_TRUE(SameRows(Of(report.periods(), "fund-b"), own_b.periods())) << report.DebugString();
  EXPECT_TRUE(SameRows(Of(report.totals(), "fund-b"), own_b.totals()));
  // fund-b's cohort of 2 businesses stays at fund-b (small-cell rule).
  EXPECT_TRUE(Of(report.cohorts(), "fund-b").empty());
  EXPECT_EQ(report.totals(1).fund_id(), "fund-b");  // after this fund's

  // The network total adds both up; the ratios come from the sums.
  const nv1::ImpactFigures& a = own_a.totals(0);
  const nv1::ImpactFigures& b = own_b.totals(0);
  const nv1::ImpactFigures& total = report.network_total();
  EXPECT_EQ(total.fund_id(), "");
  EXPECT_EQ(total.entrepreneurs_supported(), 3);
  EXPECT_EQ(total.loans_disbursed(), 3);
  EXPECT_EQ(total.amount_disbursed().minor_units(), 120'000);
  EXPECT_EQ(total.amount_disbursed().currency_code(), "CAD");
  EXPECT_EQ(total.businesses_started(), 3);
  EXPECT_EQ(total.businesses_kept(), 3);
  EXPECT_EQ(total.jobs_created_full_time(), 3);
  EXPECT_EQ(total.jobs_created_part_time(), 3);
  EXPECT_EQ(total.jobs_kept_full_time(), 4);
  const int64_t outstanding =
      a.outstanding_principal().minor_units() + b.outstanding_principal().minor_units();
  const int64_t at_risk =
      a.principal_at_risk_30().minor_units() + b.principal_at_risk_30().minor_units();
  EXPECT_EQ(total.outstanding_principal().minor_units(), outstanding);
  EXPECT_EQ(total.principal_at_risk_30().minor_units(), at_risk);
  EXPECT_GT(at_risk, 0);
  EXPECT_EQ(total.par30_bps(), Bps(at_risk, outstanding));
  EXPECT_FALSE(total.has_repayment_rate_bps());  // no loan has ended
  ASSERT_EQ(report.network_periods_size(), own_a.periods_size());
  int loans = 0;
  for (const nv1::ImpactFigures& row : report.network_periods()) loans += row.loans_disbursed();
  EXPECT_EQ(loans, 3);
  ASSERT_EQ(report.network_cohorts_size(), 1);
  EXPECT_EQ(report.network_cohorts(0).businesses(), 1);  // fund-a's; fund-b's stayed home

  // What crosses: counts, sums, the fund's id and the currency; no person, no
  // circle, no region under the small-cell rule (fund-b's 3 borrowers).
  auto as_a = nv1::FederationService::NewStub(ChannelAs(*b_, "fund-a"));
  nv1::GetImpactAggregatesRequest ask;
  *ask.mutable_from_date() = ToDate(from_);
  *ask.mutable_to_date() = ToDate(to_);
  ask.set_by_region(true);
  nv1::GetImpactAggregatesResponse answer;
  ASSERT_THAT(as_a->GetImpactAggregates(Call().get(), ask, &answer), IsOk());
  EXPECT_EQ(answer.min_cell(), 5);
  EXPECT_EQ(answer.grain(), nv1::REPORT_GRAIN_YEAR);
  ASSERT_EQ(answer.totals_size(), 1);
  EXPECT_EQ(answer.totals(0).region(), "");
  EXPECT_EQ(answer.totals(0).loans_disbursed(), 1);
  EXPECT_EQ(answer.cohorts_size(), 0);
  std::vector<std::string> strings;
  Strings(answer, &strings);
  for (const std::string& s : strings) {
    EXPECT_THAT(s, ::testing::AnyOf("fund-b", "CAD", "")) << s;
  }
  const std::string bytes = answer.SerializeAsString();
  EXPECT_EQ(bytes.find("Couturieres"), std::string::npos);
  EXPECT_EQ(bytes.find("people/"), std::string::npos);
  // Its request rules name the field.
  ask.clear_to_date();
  EXPECT_THAT(as_a->GetImpactAggregates(Call().get(), ask, &answer),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("to_date")));
  // A staff token does not open it; include_peers is for the whole network.
  nv1::GetImpactReportRequest one_fund = Request(true);
  one_fund.set_fund_id("fund-a");
  auto network_a = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
  EXPECT_THAT(network_a->GetImpactReport(Admin().get(), one_fund, &report),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("include_peers")));

  // cerclesctl report impact --peers: the network's rows in the CSV and the table.
  const std::vector<std::string> ctl_range = {"report",  "impact",
                                              "--from",  absl::FormatCivilTime(from_),
                                              "--to",    absl::FormatCivilTime(to_),
                                              "--grain", "quarter",
                                              "--peers"};
  CtlResult ctl = Ctl(ctl_range, {"--format", "csv"});
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("\nnetwork-total,,,"));
  EXPECT_THAT(ctl.out,
              HasSubstr(",3,3,120000,3,3,"));  // entrepreneurs, loans, amount, started, kept
  EXPECT_THAT(ctl.out, HasSubstr("\ntotal,fund-b,,"));
  ctl = Ctl(ctl_range, {"--lang", "fr"}, true);
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("Réseau (total)"));
  EXPECT_THAT(ctl.out, HasSubstr("1 200,00 $"));

  const absl::Duration local = MedianReportTime(false);
  const absl::Duration federated = MedianReportTime(true);
  std::cout << "impact report of fund-a: " << absl::FormatDuration(local) << " alone, "
            << absl::FormatDuration(federated) << " with fund-b asked live\n";

  // fund-b revokes fund-a: refused at fund-b's door, missing in fund-a's report.
  auto b_peers = nv1::PeerFundService::NewStub(b_->StaffChannel("network"));
  nv1::RevokePeerFundRequest revoke;
  revoke.set_request_id("revoke-fund-a");
  revoke.set_name("peers/fund-a");
  revoke.set_reason("agreement ended");
  nv1::RevokePeerFundResponse revoked;
  ASSERT_THAT(b_peers->RevokePeerFund(Admin().get(), revoke, &revoked), IsOk());
  ask.set_by_region(false);
  *ask.mutable_to_date() = ToDate(to_);
  ASSERT_TRUE(Eventually(
      [&] {
        return as_a->GetImpactAggregates(Call().get(), ask, &answer).error_code() ==
               grpc::StatusCode::UNAUTHENTICATED;
      },
      absl::Seconds(10)));
  ASSERT_TRUE(ReportUntil(*suite_, Request(true), &report,
                          [](const auto& r) { return r.missing_funds_size() == 1; }));
  EXPECT_EQ(report.missing_funds(0).fund_id(), "fund-b");
  EXPECT_EQ(report.missing_funds(0).reason(), nv1::MISSING_FUND_REASON_REFUSED);
  EXPECT_TRUE(SameRows(Of(report.totals(), "fund-a"), own_a.totals()));
  EXPECT_TRUE(Of(report.totals(), "fund-b").empty());
  EXPECT_EQ(report.network_total().loans_disbursed(), 2);  // fund-a's only
  EXPECT_EQ(report.network_total().amount_disbursed().minor_units(), 90'000);

  // fund-b's network stopped: missing, unavailable, and the report answers.
  b_->KillService("network");
  const absl::Time start = absl::Now();
  ASSERT_TRUE(ReportUntil(*suite_, Request(true), &report, [](const auto& r) {
    return r.missing_funds_size() == 1 &&
           r.missing_funds(0).reason() == nv1::MISSING_FUND_REASON_UNAVAILABLE;
  })) << report.DebugString();
  std::cout << "with fund-b stopped: " << absl::FormatDuration(absl::Now() - start) << "\n";
  EXPECT_EQ(report.missing_funds(0).fund_id(), "fund-b");
  EXPECT_EQ(report.network_total().loans_disbursed(), 2);
  EXPECT_EQ(report.totals_size(), 1);
  ctl = Ctl(ctl_range, {"--lang", "fr"}, true);
  ASSERT_EQ(ctl.code, 0) << ctl.err;
  EXPECT_THAT(ctl.out, HasSubstr("Fonds absents du total du réseau : fund-b (injoignable)"));
}

INSTANTIATE_TEST_SUITE_P(Engines, FederatedImpactTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
