// Issue 14, item 2 (the export), end to end on each storage engine: a person
// with data in the three services (a circle, a meeting with their follow-up,
// consents and a correction in membership; their loan with a repayment, a vote
// and a guarantee on another member's loan in lending; a referral in network)
// asks for their data; `cerclesctl privacy export` writes ONE JSON document
// (mode 0600) whose every part equals, field by field, what the services' own
// Get/List RPCs answer, and completes the access request with the document's
// SHA-256 and size. Each service's access log lists the export's read.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "cercles/network/v1/privacy.grpc.pb.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/proto_matchers.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// One part of the document ("membership", ...) parsed as the service's response.
template <typename Message>
Message PartOf(const google::protobuf::Struct& document, const std::string& key) {
  Message out;
  std::string json;
  EXPECT_EQ(document.fields().count(key), 1u) << key;
  if (document.fields().count(key) == 0) return out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(document.fields().at(key), &json).ok());
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &out).ok()) << key;
  return out;
}

class PersonExportTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    partners_ = nv1::PartnerService::NewStub(suite_->StaffChannel("network"));
    network_ = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
    network_privacy_ = nv1::PrivacyService::NewStub(suite_->StaffChannel("network"));
  }

  // The RPCs of the access log of `service` that read `person`'s data.
  template <typename Stub, typename Request, typename Response>
  std::vector<std::string> ReadRpcs(Stub& stub,
                                    grpc::Status (Stub::*list)(grpc::ClientContext*, const Request&,
                                                               Response*),
                                    const std::string& person) {
    Request request;
    request.set_person(person);
    request.set_page_size(500);
    Response response;
    grpc::Status status = (stub.*list)(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> rpcs;
    for (const auto& read : response.reads()) rpcs.push_back(read.rpc());
    return rpcs;
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
  std::unique_ptr<nv1::PartnerService::Stub> partners_;
  std::unique_ptr<nv1::NetworkService::Stub> network_;
  std::unique_ptr<nv1::PrivacyService::Stub> network_privacy_;
};

TEST_P(PersonExportTest, TheDocumentHoldsWhatEachServiceAnswersAndCompletesTheRequest) {
  std::vector<std::string> members;
  const std::string circle = Circle("Export", 5, &members);
  const std::string nadia = members[0];

  // Membership: a consent, a correction, a meeting with her follow-up.
  mv1::RecordConsentRequest consent;
  consent.set_request_id("consent-partners");
  consent.set_person(nadia);
  consent.mutable_change()->set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS);
  consent.mutable_change()->set_action(mv1::CONSENT_ACTION_GIVE);
  consent.mutable_change()->set_wording_version("2026-01");
  consent.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_IN_PERSON);
  mv1::RecordConsentResponse consented;
  ASSERT_TRUE(people_->RecordConsent(Admin().get(), consent, &consented).ok());
  mv1::CorrectPersonRequest correct;
  correct.set_request_id("correct-nadia");
  correct.mutable_person()->set_name(nadia);
  correct.mutable_person()->set_given_name("Nadia");
  correct.mutable_update_mask()->add_paths("given_name");
  correct.set_reason("prénom d'usage");
  correct.set_requested_by_person(true);
  mv1::CorrectPersonResponse corrected;
  grpc::Status status = people_->CorrectPerson(Admin().get(), correct, &corrected);
  ASSERT_TRUE(status.ok()) << status.error_message();
  mv1::RecordMeetingRequest meeting;
  meeting.set_request_id("meeting-1");
  meeting.set_parent(circle);
  *meeting.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
  for (const std::string& member : members) {
    mv1::Attendance* entry = meeting.mutable_meeting()->add_attendance();
    entry->set_person(member);
    entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
  }
  mv1::BusinessFollowUp* follow_up = meeting.mutable_meeting()->add_follow_ups();
  follow_up->set_person(nadia);
  follow_up->set_progress("Four livré, premières ventes");
  follow_up->mutable_outcome()->set_stage(mv1::BUSINESS_STAGE_OPERATING);
  follow_up->mutable_outcome()->set_event(mv1::BUSINESS_EVENT_STARTED);
  mv1::BusinessFollowUp* other_follow_up = meeting.mutable_meeting()->add_follow_ups();
  other_follow_up->set_person(members[1]);
  other_follow_up->set_progress("Secret de Karim");
  mv1::RecordMeetingResponse met;
  status = meetings_->RecordMeeting(Bob().get(), meeting, &met);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Lending: her loan with a repayment; a vote and a guarantee on Karim's.
  const ActiveLoan own = Disburse(circle, members, 0, 40'000, FundToday() - 40);
  const ActiveLoan karims = Disburse(circle, members, 1, 30'000, FundToday() - 10);
  ASSERT_FALSE(HasFailure());
  lv1::RecordRepaymentRequest pay;
  pay.set_request_id("pay-1");
  pay.set_loan(own.name());
  *pay.mutable_amount() = Cad(5'000);
  lv1::RecordRepaymentResponse paid;
  status = lending_->RecordRepayment(Bob().get(), pay, &paid);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Network: a referral to a partner (once network has her consent).
  nv1::CreatePartnerRequest partner;
  partner.set_request_id("partner-1");
  partner.mutable_partner()->set_display_name("SAJE Montréal");
  partner.mutable_partner()->set_kind(nv1::PARTNER_KIND_SAJE);
  partner.mutable_partner()->add_territory("Rosemont");
  partner.mutable_partner()->add_services("Plan d'affaires");
  partner.mutable_partner()->set_contact_point("info@saje.example");
  nv1::CreatePartnerResponse created_partner;
  ASSERT_TRUE(partners_->CreatePartner(Admin().get(), partner, &created_partner).ok());
  nv1::CreateReferralRequest refer;
  refer.set_request_id("referral-1");
  refer.mutable_referral()->set_person(nadia);
  refer.mutable_referral()->set_partner(created_partner.partner().name());
  refer.mutable_referral()->set_reason("comptabilité");
  nv1::CreateReferralResponse referred;
  ASSERT_TRUE(
      Eventually([&] { return partners_->CreateReferral(Bob().get(), refer, &referred).ok(); },
                 absl::Seconds(20)));

  // Her request, received ten days ago.
  mv1::CreateAccessRequestRequest ask;
  ask.set_request_id("access-1");
  ask.mutable_access_request()->set_person(nadia);
  ask.mutable_access_request()->set_channel(mv1::ACCESS_REQUEST_CHANNEL_EMAIL);
  *ask.mutable_access_request()->mutable_receive_date() = ToDate(MembershipToday() - 10);
  mv1::CreateAccessRequestResponse asked;
  ASSERT_TRUE(privacy_->CreateAccessRequest(Admin().get(), ask, &asked).ok());

  const std::string path = work_dir() + "/nadia.json";
  CtlResult r =
      RunCerclesctl(*suite_, "membership", TestCredentials().admin_token,
                    {"privacy", "export", nadia, "--out", path, "--lang", "fr", "--request",
                     asked.access_request().name(), "--lending-address", suite_->Address("lending"),
                     "--lending-server-name", "lending", "--network-address",
                     suite_->Address("network"), "--network-server-name", "network"},
                    work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("Renseignements personnels de Nadia ")));
  EXPECT_THAT(r.out, HasSubstr("1 demandes et prêts"));
  EXPECT_THAT(r.out, HasSubstr("1 remboursements"));
  EXPECT_THAT(r.out, HasSubstr("1 références aux partenaires"));

  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string text = ReadTextFile(path);
  google::protobuf::Struct document;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text, &document).ok()) << text;
  EXPECT_EQ(document.fields().at("person").string_value(), nadia);
  EXPECT_FALSE(document.fields().at("fund").string_value().empty());
  EXPECT_FALSE(document.fields().at("generatedTime").string_value().empty());
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Secret de Karim")));  // another member's line

  // Membership's part, against GetPerson and the lists.
  const auto m = PartOf<mv1::ExportPersonDataResponse>(document, "membership");
  mv1::GetPersonRequest get_person;
  get_person.set_name(nadia);
  mv1::GetPersonResponse person;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get_person, &person).ok());
  EXPECT_THAT(m.person(), EqualsProto(person.person()));
  EXPECT_EQ(m.fund_id(), document.fields().at("fund").string_value());
  mv1::ListConsentChangesRequest list_consents;
  list_consents.set_person(nadia);
  list_consents.set_page_size(500);
  mv1::ListConsentChangesResponse consents;
  ASSERT_TRUE(people_->ListConsentChanges(Admin().get(), list_consents, &consents).ok());
  ASSERT_EQ(m.consent_changes_size(), consents.changes_size());
  for (int i = 0; i < consents.changes_size(); ++i) {
    EXPECT_THAT(m.consent_changes(i), EqualsProto(consents.changes(i)));
  }
  mv1::ListPersonCorrectionsRequest list_corrections;
  list_corrections.set_person(nadia);
  mv1::ListPersonCorrectionsResponse corrections;
  ASSERT_TRUE(people_->ListPersonCorrections(Admin().get(), list_corrections, &corrections).ok());
  ASSERT_THAT(corrections.corrections(), SizeIs(1));
  ASSERT_EQ(m.corrections_size(), 1);
  EXPECT_THAT(m.corrections(0), EqualsProto(corrections.corrections(0)));
  mv1::ListEnrolmentsRequest list_enrolments;
  list_enrolments.set_person(nadia);
  mv1::ListEnrolmentsResponse enrolments;
  ASSERT_TRUE(trainings_->ListEnrolments(Admin().get(), list_enrolments, &enrolments).ok());
  ASSERT_EQ(enrolments.enrolments_size(), 1);
  ASSERT_EQ(m.enrolments_size(), 1);
  EXPECT_THAT(m.enrolments(0), EqualsProto(enrolments.enrolments(0)));
  mv1::GetTrainingRequest get_training;
  get_training.set_name(training_);
  mv1::GetTrainingResponse training;
  ASSERT_TRUE(trainings_->GetTraining(Admin().get(), get_training, &training).ok());
  ASSERT_EQ(m.trainings_size(), 1);
  EXPECT_THAT(m.trainings(0), EqualsProto(training.training()));
  mv1::ListCircleMembersRequest list_members;
  list_members.set_circle(circle);
  list_members.set_include_former(true);
  mv1::ListCircleMembersResponse circle_members;
  ASSERT_TRUE(circles_->ListCircleMembers(Admin().get(), list_members, &circle_members).ok());
  ASSERT_EQ(m.circle_memberships_size(), 1);
  for (const mv1::CircleMember& member : circle_members.members()) {
    if (member.person() == nadia) EXPECT_THAT(m.circle_memberships(0), EqualsProto(member));
  }
  mv1::GetMeetingRequest get_meeting;
  get_meeting.set_name(met.meeting().name());
  mv1::GetMeetingResponse held;
  ASSERT_TRUE(meetings_->GetMeeting(Admin().get(), get_meeting, &held).ok());
  ASSERT_EQ(m.meetings_size(), 1);
  EXPECT_EQ(m.meetings(0).meeting(), held.meeting().name());
  EXPECT_THAT(m.meetings(0).meeting_date(), EqualsProto(held.meeting().meeting_date()));
  EXPECT_THAT(m.meetings(0).attendance(), EqualsProto(held.meeting().attendance(0)));
  ASSERT_EQ(held.meeting().follow_ups(0).person(), nadia);
  EXPECT_THAT(m.meetings(0).follow_up(), EqualsProto(held.meeting().follow_ups(0)));
  mv1::ListBusinessHistoryRequest list_history;
  list_history.set_parent(nadia);
  mv1::ListBusinessHistoryResponse history;
  ASSERT_TRUE(meetings_->ListBusinessHistory(Admin().get(), list_history, &history).ok());
  ASSERT_EQ(m.business_history_size(), 1);
  EXPECT_THAT(m.business_history(0), EqualsProto(history.entries(0)));

  // Lending's part, against GetLoan, GetLoanSchedule and ListRepayments.
  const auto l = PartOf<lv1::ExportPersonDataResponse>(document, "lending");
  lv1::GetLoanRequest get_loan;
  get_loan.set_name(own.name());
  lv1::GetLoanResponse loan;
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get_loan, &loan).ok());
  ASSERT_EQ(l.loans_size(), 1);
  EXPECT_THAT(l.loans(0).loan(), EqualsProto(loan.loan()));
  lv1::GetLoanScheduleRequest get_schedule;
  get_schedule.set_loan(own.name());
  lv1::GetLoanScheduleResponse schedule;
  ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), get_schedule, &schedule).ok());
  EXPECT_THAT(l.loans(0).schedule(), EqualsProto(schedule.schedule()));
  const std::vector<lv1::Repayment> repayments = Repayments(own.name());
  ASSERT_EQ(repayments.size(), 1u);
  ASSERT_EQ(l.loans(0).repayments_size(), 1);
  EXPECT_THAT(l.loans(0).repayments(0), EqualsProto(repayments[0]));
  EXPECT_FALSE(l.loans(0).has_guarantee_call());
  get_loan.set_name(karims.name());
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get_loan, &loan).ok());
  ASSERT_EQ(l.votes_cast_size(), 1);
  EXPECT_EQ(l.votes_cast(0).loan(), karims.name());
  for (const lv1::CircleVote& vote : loan.loan().votes()) {
    if (vote.voter() == nadia) EXPECT_THAT(l.votes_cast(0).vote(), EqualsProto(vote));
  }
  // She guarantees Karim's loan when the circle's decision made her a guarantor.
  if (absl::c_linear_search(loan.loan().guarantors(), nadia)) {
    ASSERT_EQ(l.guarantees_given_size(), 1);
    EXPECT_EQ(l.guarantees_given(0).loan(), karims.name());
    EXPECT_FALSE(l.guarantees_given(0).has_share());  // never called
  } else {
    EXPECT_EQ(l.guarantees_given_size(), 0);
  }
  EXPECT_EQ(l.bank_referrals_size(), 0);
  EXPECT_EQ(l.subsidy_applications_size(), 0);

  // Network's part, against GetReferral.
  const auto n = PartOf<nv1::ExportPersonDataResponse>(document, "network");
  nv1::GetReferralRequest get_referral;
  get_referral.set_name(referred.referral().name());
  nv1::GetReferralResponse referral;
  ASSERT_TRUE(partners_->GetReferral(Admin().get(), get_referral, &referral).ok());
  ASSERT_EQ(n.referrals_size(), 1);
  EXPECT_THAT(n.referrals(0), EqualsProto(referral.referral()));
  EXPECT_EQ(n.directory_entry().person(), nadia);
  EXPECT_EQ(n.directory_entry().circle(), circle);
  EXPECT_TRUE(n.directory_entry().share_with_partners());
  EXPECT_EQ(n.transfers_size(), 0);

  // The request is done, with the document's fingerprint.
  mv1::GetAccessRequestRequest get_request;
  get_request.set_name(asked.access_request().name());
  mv1::GetAccessRequestResponse done;
  ASSERT_TRUE(privacy_->GetAccessRequest(Admin().get(), get_request, &done).ok());
  EXPECT_EQ(done.access_request().state(), mv1::ACCESS_REQUEST_STATE_DONE);
  EXPECT_EQ(done.access_request().completion().document_sha256(), Sha256Hex(text));
  EXPECT_EQ(done.access_request().completion().document_size_bytes(),
            static_cast<int64_t>(text.size()));
  EXPECT_EQ(done.access_request().completion().completed_by(), "staff:alice");

  // Each service's access log lists the export's read of her data.
  std::vector<std::string> rpcs;
  EXPECT_TRUE(Eventually(
      [&] {
        rpcs = ReadRpcs(*privacy_, &mv1::PrivacyService::Stub::ListPersonalReads, nadia);
        return absl::c_linear_search(rpcs, "cercles.membership.v1.PrivacyService.ExportPersonData");
      },
      absl::Seconds(5)))
      << ::testing::PrintToString(rpcs);
  EXPECT_TRUE(Eventually(
      [&] {
        rpcs = ReadRpcs(*lending_, &lv1::LendingService::Stub::ListPersonalReads, nadia);
        return absl::c_linear_search(rpcs, "cercles.lending.v1.LendingService.ExportPersonData");
      },
      absl::Seconds(5)))
      << ::testing::PrintToString(rpcs);
  EXPECT_TRUE(Eventually(
      [&] {
        rpcs = ReadRpcs(*network_, &nv1::NetworkService::Stub::ListPersonalReads, nadia);
        return absl::c_linear_search(rpcs, "cercles.network.v1.PrivacyService.ExportPersonData");
      },
      absl::Seconds(5)))
      << ::testing::PrintToString(rpcs);
}

TEST_P(PersonExportTest, EachServiceChecksThePersonAndAdmitsAdminsOnly) {
  mv1::ExportPersonDataRequest m_request;
  mv1::ExportPersonDataResponse m_response;
  m_request.set_person("circles/1");
  EXPECT_THAT(privacy_->ExportPersonData(Admin().get(), m_request, &m_response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  m_request.set_person("people/9999");
  EXPECT_THAT(privacy_->ExportPersonData(Admin().get(), m_request, &m_response),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/9999")));
  EXPECT_THAT(privacy_->ExportPersonData(Bob().get(), m_request, &m_response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  lv1::ExportPersonDataRequest l_request;
  lv1::ExportPersonDataResponse l_response;
  EXPECT_THAT(lending_->ExportPersonData(Admin().get(), l_request, &l_response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  l_request.set_person("people/9999");
  ASSERT_TRUE(lending_->ExportPersonData(Admin().get(), l_request, &l_response).ok());
  EXPECT_EQ(l_response.ByteSizeLong(), 0u);  // lending holds nothing about them
  EXPECT_THAT(lending_->ExportPersonData(Bob().get(), l_request, &l_response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  nv1::ExportPersonDataRequest n_request;
  nv1::ExportPersonDataResponse n_response;
  n_request.set_person("people/x");
  EXPECT_THAT(network_privacy_->ExportPersonData(Admin().get(), n_request, &n_response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  n_request.set_person("people/9999");
  EXPECT_THAT(network_privacy_->ExportPersonData(Bob().get(), n_request, &n_response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  // cerclesctl: --out is required; an unknown person fails, writing nothing.
  const std::string path = work_dir() + "/nobody.json";
  CtlResult r = RunCerclesctl(*suite_, "membership", TestCredentials().admin_token,
                              {"privacy", "export", "people/9999"}, work_dir());
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("--out"));
  r = RunCerclesctl(*suite_, "membership", TestCredentials().admin_token,
                    {"privacy", "export", "people/9999", "--out", path}, work_dir());
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));
  struct stat info {};
  EXPECT_NE(stat(path.c_str(), &info), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PersonExportTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
