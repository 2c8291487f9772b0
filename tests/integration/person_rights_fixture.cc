#include "tests/integration/person_rights_fixture.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/proto_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::SizeIs;

const std::vector<std::string> kServices = {"membership", "lending", "network"};

// One part of an export's document ("membership", ...) parsed as the
// service's response.
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

std::string ReadBytes(const std::string& path) {
  FILE* file = fopen(path.c_str(), "rb");
  if (file == nullptr) return "";
  std::string bytes;
  char buffer[65536];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, file)) > 0;) bytes.append(buffer, n);
  fclose(file);
  return bytes;
}

// "<where>: <needle>" for every needle in `haystack`.
void Search(const std::vector<std::string>& needles, const std::string& where,
            const std::string& haystack, std::vector<std::string>* found) {
  for (const std::string& needle : needles) {
    if (absl::StrContains(haystack, needle)) found->push_back(absl::StrCat(where, ": ", needle));
  }
}

// Every event payload `service` of `suite` serves from sequence 0, concatenated.
std::string EventPayloads(Suite& suite, const std::string& service) {
  auto context = Context(TestCredentials().admin_token, absl::Seconds(3));
  std::string payloads;
  auto channel = suite.StaffChannel(service);
  auto read_all = [&](auto reader, auto response) {
    while (reader->Read(&response)) payloads += response.event().payload().value();
    reader->Finish();
  };
  if (service == "membership") {
    read_all(mv1::MembershipService::NewStub(channel)->WatchEvents(context.get(), {}),
             mv1::WatchEventsResponse());
  } else if (service == "lending") {
    read_all(lv1::LendingService::NewStub(channel)->WatchEvents(context.get(), {}),
             lv1::WatchEventsResponse());
  } else {
    read_all(nv1::NetworkService::NewStub(channel)->WatchEvents(context.get(), {}),
             nv1::WatchEventsResponse());
  }
  return payloads;
}

}  // namespace

std::vector<std::string> WhereFoundIn(Suite& suite, const std::vector<std::string>& needles,
                                      const std::string& work_dir) {
  std::vector<std::string> found;
  for (const std::string& service : kServices) {
    const std::string url = suite.DatabaseUrl(service);
    if (absl::StartsWith(url, "sqlite://")) {
      const std::string path = url.substr(std::string("sqlite://").size());
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        Search(needles, path + suffix, ReadBytes(path + suffix), &found);
      }
    } else {
      CtlResult dump = RunCommand({"pg_dump", "--no-owner", url}, work_dir);
      EXPECT_EQ(dump.code, 0) << dump.err;
      Search(needles, service + " pg_dump", dump.out, &found);
      // bytea columns (event payloads, stored answers, blobs) dump as hex.
      std::vector<std::string> hex;
      for (const std::string& needle : needles) hex.push_back(absl::BytesToHexString(needle));
      Search(hex, service + " pg_dump (bytea)", dump.out, &found);
    }
    Search(needles, service + " log", suite.Log(service), &found);
    Search(needles, service + " events", EventPayloads(suite, service), &found);
  }
  if (suite.redis() == nullptr) return found;
  CtlResult redis = RunCommand(
      {"redis-cli", "-p", std::to_string(suite.redis()->port()), "--raw", "EVAL",
       "local out = {} for _, k in ipairs(redis.call('KEYS', '*')) do out[#out + 1] = k "
       "local t = redis.call('TYPE', k).ok if t == 'string' then out[#out + 1] = "
       "redis.call('GET', k) else out[#out + 1] = redis.call('DUMP', k) end end return out",
       "0"},
      work_dir);
  EXPECT_EQ(redis.code, 0) << redis.err;
  Search(needles, "redis", redis.out, &found);
  return found;
}

void PersonRightsFixture::SetUp() {
  LendingFixture::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
  partners_ = nv1::PartnerService::NewStub(suite_->StaffChannel("network"));
  network_ = nv1::NetworkService::NewStub(suite_->StaffChannel("network"));
  network_privacy_ = nv1::PrivacyService::NewStub(suite_->StaffChannel("network"));
}

grpc::Status PersonRightsFixture::RecordConsent(const std::string& request_id,
                                                const std::string& person,
                                                mv1::ConsentPurpose purpose,
                                                mv1::ConsentAction action) {
  mv1::RecordConsentRequest request;
  request.set_request_id(request_id);
  request.set_person(person);
  request.mutable_change()->set_purpose(purpose);
  request.mutable_change()->set_action(action);
  request.mutable_change()->set_wording_version("2026-01");
  request.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_IN_PERSON);
  mv1::RecordConsentResponse response;
  return people_->RecordConsent(Admin().get(), request, &response);
}

PersonData PersonRightsFixture::GivePersonDataEverywhere(const std::string& circle_name) {
  PersonData data;
  data.circle = Circle(circle_name, 5, &data.members);
  data.person = data.members[0];

  mv1::UpdatePersonRequest rename;
  rename.set_request_id("rename");
  rename.mutable_person()->set_name(data.person);
  rename.mutable_person()->set_given_name(identity_.given_name);
  rename.mutable_person()->set_family_name(identity_.family_name);
  rename.mutable_person()->mutable_contact()->set_email(identity_.email);
  rename.mutable_person()->mutable_contact()->set_phone(identity_.phone);
  for (const char* path : {"given_name", "family_name", "contact"}) {
    rename.mutable_update_mask()->add_paths(path);
  }
  mv1::UpdatePersonResponse renamed;
  grpc::Status status = people_->UpdatePerson(Admin().get(), rename, &renamed);
  EXPECT_TRUE(status.ok()) << status.error_message();
  status = RecordConsent("partners-consent", data.person, mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS,
                         mv1::CONSENT_ACTION_GIVE);
  EXPECT_TRUE(status.ok()) << status.error_message();

  // Lending: their loan with a repayment; a vote on members[1]'s.
  data.own_loan = Disburse(data.circle, data.members, 0, 40'000, FundToday() - 40);
  data.other_loan = Disburse(data.circle, data.members, 1, 30'000, FundToday() - 10);
  lv1::RecordRepaymentRequest repay;
  repay.set_request_id("repay-1");
  repay.set_loan(data.own_loan.name());
  *repay.mutable_amount() = Cad(5'000);
  *repay.mutable_received_on() = ToDate(FundToday());
  repay.set_reference(absl::StrCat("reçu de ", identity_.family_name));
  lv1::RecordRepaymentResponse repaid;
  status = lending_->RecordRepayment(Bob().get(), repay, &repaid);
  EXPECT_TRUE(status.ok()) << status.error_message();

  // A meeting: their attendance note and follow-up, and members[1]'s follow-up.
  mv1::RecordMeetingRequest meeting;
  meeting.set_request_id("meeting-1");
  meeting.set_parent(data.circle);
  *meeting.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
  for (const std::string& member : data.members) {
    mv1::Attendance* entry = meeting.mutable_meeting()->add_attendance();
    entry->set_person(member);
    entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
  }
  meeting.mutable_meeting()->mutable_attendance(0)->set_note(
      absl::StrCat(identity_.given_name, " en retard"));
  mv1::BusinessFollowUp* follow_up = meeting.mutable_meeting()->add_follow_ups();
  follow_up->set_person(data.person);
  follow_up->set_progress(absl::StrCat(identity_.family_name, " a ouvert sa boutique"));
  follow_up->mutable_outcome()->set_stage(mv1::BUSINESS_STAGE_OPERATING);
  follow_up->mutable_outcome()->set_event(mv1::BUSINESS_EVENT_STARTED);
  mv1::BusinessFollowUp* other_follow_up = meeting.mutable_meeting()->add_follow_ups();
  other_follow_up->set_person(data.members[1]);
  other_follow_up->set_progress("Secret de Karim");
  mv1::RecordMeetingResponse recorded;
  status = meetings_->RecordMeeting(Bob().get(), meeting, &recorded);
  EXPECT_TRUE(status.ok()) << status.error_message();
  data.meeting = recorded.meeting().name();

  // Network: a referral to a partner, once network has their consent.
  nv1::CreatePartnerRequest partner;
  partner.set_request_id("partner-1");
  partner.mutable_partner()->set_display_name("SAJE Montréal");
  partner.mutable_partner()->set_kind(nv1::PARTNER_KIND_SAJE);
  partner.mutable_partner()->add_territory("Rosemont");
  partner.mutable_partner()->add_services("Plan d'affaires");
  partner.mutable_partner()->set_contact_point("info@partenaire.example");
  nv1::CreatePartnerResponse partnered;
  status = partners_->CreatePartner(Admin().get(), partner, &partnered);
  EXPECT_TRUE(status.ok()) << status.error_message();
  data.partner = partnered.partner().name();
  nv1::CreateReferralRequest refer;
  refer.set_request_id("referral-1");
  refer.mutable_referral()->set_person(data.person);
  refer.mutable_referral()->set_partner(data.partner);
  refer.mutable_referral()->set_reason(
      absl::StrCat(identity_.given_name, " ", identity_.family_name, " cherche un local"));
  nv1::CreateReferralResponse referred;
  EXPECT_TRUE(
      Eventually([&] { return partners_->CreateReferral(Bob().get(), refer, &referred).ok(); },
                 absl::Seconds(20)))
      << suite_->Log("network");
  data.referral = referred.referral().name();
  return data;
}

void PersonRightsFixture::ExpectDocumentHoldsWhatTheServicesAnswer(
    const google::protobuf::Struct& document, const PersonData& data) {
  EXPECT_EQ(document.fields().at("person").string_value(), data.person);
  EXPECT_FALSE(document.fields().at("fund").string_value().empty());
  EXPECT_FALSE(document.fields().at("generatedTime").string_value().empty());

  // Membership's part, against GetPerson and the lists.
  const auto m = PartOf<mv1::ExportPersonDataResponse>(document, "membership");
  mv1::GetPersonRequest get_person;
  get_person.set_name(data.person);
  mv1::GetPersonResponse person;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get_person, &person).ok());
  EXPECT_THAT(m.person(), EqualsProto(person.person()));
  EXPECT_EQ(m.fund_id(), document.fields().at("fund").string_value());
  mv1::ListConsentChangesRequest list_consents;
  list_consents.set_person(data.person);
  list_consents.set_page_size(500);
  mv1::ListConsentChangesResponse consents;
  ASSERT_TRUE(people_->ListConsentChanges(Admin().get(), list_consents, &consents).ok());
  ASSERT_EQ(m.consent_changes_size(), consents.changes_size());
  for (int i = 0; i < consents.changes_size(); ++i) {
    EXPECT_THAT(m.consent_changes(i), EqualsProto(consents.changes(i)));
  }
  mv1::ListPersonCorrectionsRequest list_corrections;
  list_corrections.set_person(data.person);
  mv1::ListPersonCorrectionsResponse corrections;
  ASSERT_TRUE(people_->ListPersonCorrections(Admin().get(), list_corrections, &corrections).ok());
  ASSERT_EQ(m.corrections_size(), corrections.corrections_size());
  for (int i = 0; i < corrections.corrections_size(); ++i) {
    EXPECT_THAT(m.corrections(i), EqualsProto(corrections.corrections(i)));
  }
  mv1::ListEnrolmentsRequest list_enrolments;
  list_enrolments.set_person(data.person);
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
  list_members.set_circle(data.circle);
  list_members.set_include_former(true);
  mv1::ListCircleMembersResponse circle_members;
  ASSERT_TRUE(circles_->ListCircleMembers(Admin().get(), list_members, &circle_members).ok());
  ASSERT_EQ(m.circle_memberships_size(), 1);
  for (const mv1::CircleMember& member : circle_members.members()) {
    if (member.person() == data.person) EXPECT_THAT(m.circle_memberships(0), EqualsProto(member));
  }
  mv1::GetMeetingRequest get_meeting;
  get_meeting.set_name(data.meeting);
  mv1::GetMeetingResponse held;
  ASSERT_TRUE(meetings_->GetMeeting(Admin().get(), get_meeting, &held).ok());
  ASSERT_EQ(m.meetings_size(), 1);
  EXPECT_EQ(m.meetings(0).meeting(), held.meeting().name());
  EXPECT_THAT(m.meetings(0).meeting_date(), EqualsProto(held.meeting().meeting_date()));
  EXPECT_THAT(m.meetings(0).attendance(), EqualsProto(held.meeting().attendance(0)));
  ASSERT_EQ(held.meeting().follow_ups(0).person(), data.person);
  EXPECT_THAT(m.meetings(0).follow_up(), EqualsProto(held.meeting().follow_ups(0)));
  mv1::ListBusinessHistoryRequest list_history;
  list_history.set_parent(data.person);
  mv1::ListBusinessHistoryResponse history;
  ASSERT_TRUE(meetings_->ListBusinessHistory(Admin().get(), list_history, &history).ok());
  ASSERT_EQ(m.business_history_size(), 1);
  EXPECT_THAT(m.business_history(0), EqualsProto(history.entries(0)));

  // Lending's part, against GetLoan, GetLoanSchedule and ListRepayments.
  const auto l = PartOf<lv1::ExportPersonDataResponse>(document, "lending");
  lv1::GetLoanRequest get_loan;
  get_loan.set_name(data.own_loan.name());
  lv1::GetLoanResponse loan;
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get_loan, &loan).ok());
  ASSERT_EQ(l.loans_size(), 1);
  EXPECT_THAT(l.loans(0).loan(), EqualsProto(loan.loan()));
  lv1::GetLoanScheduleRequest get_schedule;
  get_schedule.set_loan(data.own_loan.name());
  lv1::GetLoanScheduleResponse schedule;
  ASSERT_TRUE(lending_->GetLoanSchedule(Admin().get(), get_schedule, &schedule).ok());
  EXPECT_THAT(l.loans(0).schedule(), EqualsProto(schedule.schedule()));
  const std::vector<lv1::Repayment> repayments = Repayments(data.own_loan.name());
  ASSERT_EQ(repayments.size(), 1u);
  ASSERT_EQ(l.loans(0).repayments_size(), 1);
  EXPECT_THAT(l.loans(0).repayments(0), EqualsProto(repayments[0]));
  EXPECT_FALSE(l.loans(0).has_guarantee_call());
  get_loan.set_name(data.other_loan.name());
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get_loan, &loan).ok());
  ASSERT_EQ(l.votes_cast_size(), 1);
  EXPECT_EQ(l.votes_cast(0).loan(), data.other_loan.name());
  for (const lv1::CircleVote& vote : loan.loan().votes()) {
    if (vote.voter() == data.person) EXPECT_THAT(l.votes_cast(0).vote(), EqualsProto(vote));
  }
  // They guarantee members[1]'s loan when the circle's decision made them a guarantor.
  if (absl::c_linear_search(loan.loan().guarantors(), data.person)) {
    ASSERT_EQ(l.guarantees_given_size(), 1);
    EXPECT_EQ(l.guarantees_given(0).loan(), data.other_loan.name());
    EXPECT_FALSE(l.guarantees_given(0).has_share());  // never called
  } else {
    EXPECT_EQ(l.guarantees_given_size(), 0);
  }
  EXPECT_EQ(l.bank_referrals_size(), 0);
  EXPECT_EQ(l.subsidy_applications_size(), 0);

  // Network's part, against GetReferral.
  const auto n = PartOf<nv1::ExportPersonDataResponse>(document, "network");
  nv1::GetReferralRequest get_referral;
  get_referral.set_name(data.referral);
  nv1::GetReferralResponse referral;
  ASSERT_TRUE(partners_->GetReferral(Admin().get(), get_referral, &referral).ok());
  ASSERT_EQ(n.referrals_size(), 1);
  EXPECT_THAT(n.referrals(0), EqualsProto(referral.referral()));
  EXPECT_EQ(n.directory_entry().person(), data.person);
  EXPECT_EQ(n.directory_entry().circle(), data.circle);
  EXPECT_EQ(n.transfers_size(), 0);
}

std::vector<std::string> PersonRightsFixture::WhereFound() {
  std::vector<std::string> needles;
  for (const std::string& value : {identity_.given_name, identity_.family_name, identity_.email,
                                   identity_.phone, identity_.corrected_phone}) {
    needles.push_back(value);
    needles.push_back(absl::AsciiStrToLower(value));
  }
  return WhereFoundIn(*suite_, needles, work_dir());
}

std::vector<std::string> PersonRightsFixture::PersonalReads(const std::string& service,
                                                            const std::string& person) {
  std::vector<std::string> out;
  auto collect = [&](auto& stub, auto request, auto response) {
    request.set_person(person);
    request.set_page_size(500);
    grpc::Status status = stub->ListPersonalReads(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << service << ": " << status.error_message();
    for (const auto& read : response.reads()) {
      out.push_back(absl::StrCat(read.principal(), " ", read.rpc()));
    }
  };
  if (service == "membership") {
    collect(privacy_, mv1::ListPersonalReadsRequest(), mv1::ListPersonalReadsResponse());
  } else if (service == "lending") {
    collect(lending_, lv1::ListPersonalReadsRequest(), lv1::ListPersonalReadsResponse());
  } else {
    collect(network_, nv1::ListPersonalReadsRequest(), nv1::ListPersonalReadsResponse());
  }
  return out;
}

}  // namespace cercles::testing
