// Erasure of a person's personal data (Law 25; issue 14, item 4) through the
// real processes, on both engines. A person with a unique name, e-mail and
// phone is in a circle, at a meeting with a follow-up about them, has a loan
// with a repayment, a partner referral and a correction, then leaves the
// circle; they are erased. Afterwards nothing holds their name, e-mail or
// phone: not one byte of the three services' SQLite files (with their -wal),
// nor the PostgreSQL dump, nor Redis (every key and value), nor the services'
// logs, nor any event payload their WatchEvents serve from the start; the
// trial balance is byte-identical; the person reads as ERASED; a replay
// answers the first answer; a change to them is refused naming the rule.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "cercles/network/v1/partners.grpc.pb.h"
#include "gmock/gmock.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kGiven[] = "Xylophia";
constexpr char kFamily[] = "Quenzelbrock";
constexpr char kEmail[] = "xylo.quenzel@exemple.org";
constexpr char kPhone[] = "+1 438 555 0177";
constexpr char kCorrectedPhone[] = "+1 438 555 0188";
const std::vector<std::string> kServices = {"membership", "lending", "network"};

class ErasureTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
    partners_ = nv1::PartnerService::NewStub(suite_->StaffChannel("network"));
  }

  // What may not be found anywhere after the erasure, as written and lowercased.
  static std::vector<std::string> Needles() {
    std::vector<std::string> out;
    for (const char* value : {kGiven, kFamily, kEmail, kPhone, kCorrectedPhone}) {
      out.push_back(value);
      out.push_back(absl::AsciiStrToLower(value));
    }
    return out;
  }

  // "<where>: <needle>" for every needle in `haystack`.
  static void Search(const std::string& where, const std::string& haystack,
                     std::vector<std::string>* found) {
    for (const std::string& needle : Needles()) {
      if (absl::StrContains(haystack, needle)) found->push_back(absl::StrCat(where, ": ", needle));
    }
  }

  static std::string ReadBytes(const std::string& path) {
    FILE* file = fopen(path.c_str(), "rb");
    if (file == nullptr) return "";
    std::string bytes;
    char buffer[65536];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, file)) > 0;) bytes.append(buffer, n);
    fclose(file);
    return bytes;
  }

  // Every event payload `service` serves from sequence 0, concatenated.
  std::string EventPayloads(const std::string& service) {
    auto context = Context(TestCredentials().admin_token, absl::Seconds(3));
    std::string payloads;
    auto channel = suite_->StaffChannel(service);
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

  // Where the needles are still found: the databases, Redis, the logs, the events.
  std::vector<std::string> WhereFound() {
    std::vector<std::string> found;
    for (const std::string& service : kServices) {
      const std::string url = suite_->DatabaseUrl(service);
      if (absl::StartsWith(url, "sqlite://")) {
        const std::string path = url.substr(std::string("sqlite://").size());
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
          Search(path + suffix, ReadBytes(path + suffix), &found);
        }
      } else {
        CtlResult dump = RunCommand({"pg_dump", "--no-owner", url}, work_dir());
        EXPECT_EQ(dump.code, 0) << dump.err;
        Search(service + " pg_dump", dump.out, &found);
      }
      Search(service + " log", suite_->Log(service), &found);
      Search(service + " events", EventPayloads(service), &found);
    }
    CtlResult redis = RunCommand(
        {"redis-cli", "-p", std::to_string(suite_->redis()->port()), "--raw", "EVAL",
         "local out = {} for _, k in ipairs(redis.call('KEYS', '*')) do out[#out + 1] = k "
         "local t = redis.call('TYPE', k).ok if t == 'string' then out[#out + 1] = "
         "redis.call('GET', k) else out[#out + 1] = redis.call('DUMP', k) end end return out",
         "0"},
        work_dir());
    EXPECT_EQ(redis.code, 0) << redis.err;
    Search("redis", redis.out, &found);
    return found;
  }

  grpc::Status Erase(const std::string& request_id, const std::string& person,
                     mv1::ErasePersonResponse* response, bool* replayed = nullptr) {
    mv1::ErasePersonRequest request;
    request.set_request_id(request_id);
    request.set_person(person);
    request.set_reason(mv1::ERASURE_REASON_PERSON_REQUEST);
    auto context = Admin();
    grpc::Status status = privacy_->ErasePerson(context.get(), request, response);
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
  std::unique_ptr<nv1::PartnerService::Stub> partners_;
};

TEST_P(ErasureTest, NothingOfTheErasedPersonRemainsAndTheBooksAreUnchanged) {
  std::vector<std::string> members;
  const std::string circle = Circle("Erasure", 5, &members);
  const std::string person = members[0];

  // Their name, e-mail and phone, and consent to be referred to partners.
  mv1::UpdatePersonRequest rename;
  rename.set_request_id("rename");
  rename.mutable_person()->set_name(person);
  rename.mutable_person()->set_given_name(kGiven);
  rename.mutable_person()->set_family_name(kFamily);
  rename.mutable_person()->mutable_contact()->set_email(kEmail);
  rename.mutable_person()->mutable_contact()->set_phone(kPhone);
  for (const char* path : {"given_name", "family_name", "contact"}) {
    rename.mutable_update_mask()->add_paths(path);
  }
  mv1::UpdatePersonResponse renamed;
  ASSERT_TRUE(people_->UpdatePerson(Admin().get(), rename, &renamed).ok());
  mv1::RecordConsentRequest consent;
  consent.set_request_id("partners-consent");
  consent.set_person(person);
  consent.mutable_change()->set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS);
  consent.mutable_change()->set_action(mv1::CONSENT_ACTION_GIVE);
  consent.mutable_change()->set_wording_version("2026-01");
  consent.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_IN_PERSON);
  mv1::RecordConsentResponse consented;
  ASSERT_TRUE(people_->RecordConsent(Admin().get(), consent, &consented).ok());

  // A loan with a repayment.
  const ActiveLoan loan = Disburse(circle, members, 0, 40000, FundToday() - 5);
  lv1::RecordRepaymentRequest repay;
  repay.set_request_id("repay-1");
  repay.set_loan(loan.name());
  *repay.mutable_amount() = Cad(5000);
  *repay.mutable_received_on() = ToDate(FundToday());
  repay.set_reference(absl::StrCat("reçu de ", kFamily));
  lv1::RecordRepaymentResponse repaid;
  grpc::Status status = lending_->RecordRepayment(Admin().get(), repay, &repaid);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A meeting with a follow-up of their business.
  mv1::RecordMeetingRequest meeting;
  meeting.set_request_id("meeting-1");
  meeting.set_parent(circle);
  *meeting.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
  for (const std::string& member : members) {
    mv1::Attendance* entry = meeting.mutable_meeting()->add_attendance();
    entry->set_person(member);
    entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
  }
  meeting.mutable_meeting()->mutable_attendance(0)->set_note(absl::StrCat(kGiven, " en retard"));
  mv1::BusinessFollowUp* follow_up = meeting.mutable_meeting()->add_follow_ups();
  follow_up->set_person(person);
  follow_up->set_progress(absl::StrCat(kFamily, " a ouvert sa boutique"));
  mv1::RecordMeetingResponse recorded;
  status = meetings_->RecordMeeting(Admin().get(), meeting, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A correction of their phone.
  mv1::CorrectPersonRequest correct;
  correct.set_request_id("correct-1");
  correct.mutable_person()->set_name(person);
  correct.mutable_person()->mutable_contact()->set_phone(kCorrectedPhone);
  correct.mutable_update_mask()->add_paths("contact.phone");
  correct.set_reason(absl::StrCat(kGiven, " a changé de numéro"));
  mv1::CorrectPersonResponse corrected;
  status = people_->CorrectPerson(Admin().get(), correct, &corrected);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // An access request, its note naming them (cleared by the erasure; the
  // request itself, its dates and state stay).
  mv1::CreateAccessRequestRequest ask;
  ask.set_request_id("access-1");
  ask.mutable_access_request()->set_person(person);
  ask.mutable_access_request()->set_channel(mv1::ACCESS_REQUEST_CHANNEL_EMAIL);
  ask.mutable_access_request()->set_note(absl::StrCat("courriel de ", kGiven, " ", kFamily));
  mv1::CreateAccessRequestResponse asked;
  status = privacy_->CreateAccessRequest(Admin().get(), ask, &asked);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A partner referral, once network has their consent.
  nv1::CreatePartnerRequest partner;
  partner.set_request_id("partner-1");
  partner.mutable_partner()->set_display_name("SAJE Montréal");
  partner.mutable_partner()->set_kind(nv1::PARTNER_KIND_SAJE);
  partner.mutable_partner()->add_territory("Rosemont");
  partner.mutable_partner()->add_services("Plan d'affaires");
  partner.mutable_partner()->set_contact_point("info@partenaire.example");
  nv1::CreatePartnerResponse partnered;
  ASSERT_TRUE(partners_->CreatePartner(Admin().get(), partner, &partnered).ok());
  nv1::CreateReferralRequest refer;
  refer.set_request_id("referral-1");
  refer.mutable_referral()->set_person(person);
  refer.mutable_referral()->set_partner(partnered.partner().name());
  refer.mutable_referral()->set_reason(absl::StrCat(kGiven, " ", kFamily, " cherche un local"));
  nv1::CreateReferralResponse referred;
  ASSERT_TRUE(
      Eventually([&] { return partners_->CreateReferral(Bob().get(), refer, &referred).ok(); },
                 absl::Seconds(20)))
      << suite_->Log("network");

  // Not while they are a member of the circle; then they leave it.
  mv1::ErasePersonResponse erased;
  EXPECT_THAT(Erase("erase-member", person, &erased),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       absl::StrCat(person, " is a member of ", circle,
                                    ": record their departure from the circle before erasing "
                                    "them")));
  mv1::RemoveCircleMemberRequest leave;
  leave.set_request_id("leave-1");
  leave.set_circle(circle);
  leave.set_person(person);
  leave.set_reason(absl::StrCat(kFamily, " déménage"));
  mv1::RemoveCircleMemberResponse left;
  status = circles_->RemoveCircleMember(Bob().get(), leave, &left);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(WhereFound(), ::testing::Not(IsEmpty()));  // the search finds them before

  const lv1::GetTrialBalanceResponse books_before = TrialBalance();
  bool replayed = true;
  status = Erase("erase-1", person, &erased, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(replayed);
  const std::string id = person.substr(std::string("people/").size());
  EXPECT_EQ(erased.person().name(), person);
  EXPECT_EQ(erased.person().given_name(), "Personne effacée");
  EXPECT_EQ(erased.person().family_name(), id);
  EXPECT_EQ(erased.person().status(), mv1::PERSON_STATUS_ERASED);
  EXPECT_EQ(erased.person().contact().ByteSizeLong(), 0u);  // every contact field empty
  // Their access request stays, without its note.
  mv1::GetAccessRequestRequest get_ask;
  get_ask.set_name(asked.access_request().name());
  mv1::GetAccessRequestResponse got_ask;
  status = privacy_->GetAccessRequest(Admin().get(), get_ask, &got_ask);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got_ask.access_request().note(), "");
  EXPECT_EQ(got_ask.access_request().due_date().SerializeAsString(),
            asked.access_request().due_date().SerializeAsString());

  // A retry answers the first answer; another erasure changes nothing.
  mv1::ErasePersonResponse again;
  ASSERT_TRUE(Erase("erase-1", person, &again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.SerializeAsString(), erased.SerializeAsString());
  mv1::ErasePersonResponse twice;
  ASSERT_TRUE(Erase("erase-2", person, &twice, &replayed).ok());
  EXPECT_FALSE(replayed);
  EXPECT_EQ(twice.SerializeAsString(), erased.SerializeAsString());

  // The person reads as erased and is changed no more.
  mv1::GetPersonRequest get;
  get.set_name(person);
  mv1::GetPersonResponse got;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().SerializeAsString(), erased.person().SerializeAsString());
  rename.set_request_id("rename-after");
  EXPECT_THAT(people_->UpdatePerson(Admin().get(), rename, &renamed),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       absl::StrCat(person,
                                    " is erased: their record is no longer updated, corrected or "
                                    "consented (an erased person's record is final)")));

  // Lending and network follow PersonErased.
  lv1::GetLoanRequest get_loan;
  get_loan.set_name(loan.name());
  ASSERT_TRUE(Eventually(
      [&] {
        lv1::GetLoanResponse got_loan;
        return lending_->GetLoan(Admin().get(), get_loan, &got_loan).ok() &&
               got_loan.loan().business_plan_summary().empty();
      },
      absl::Seconds(20)))
      << suite_->Log("lending");
  nv1::GetReferralRequest get_referral;
  get_referral.set_name(referred.referral().name());
  ASSERT_TRUE(Eventually(
      [&] {
        nv1::GetReferralResponse got_referral;
        return partners_->GetReferral(Admin().get(), get_referral, &got_referral).ok() &&
               got_referral.referral().reason().empty();
      },
      absl::Seconds(20)))
      << suite_->Log("network");

  // Nothing holds them any more (lending and network empty their files and
  // the cache just after applying the event).
  std::vector<std::string> found;
  EXPECT_TRUE(Eventually(
      [&] {
        found = WhereFound();
        return found.empty();
      },
      absl::Seconds(20)))
      << absl::StrJoin(found, "\n");
  const lv1::GetTrialBalanceResponse books_after = TrialBalance();
  EXPECT_EQ(books_after.SerializeAsString(), books_before.SerializeAsString());
}

TEST_P(ErasureTest, BadRequestsAreRefusedNamingTheField) {
  mv1::ErasePersonResponse response;
  EXPECT_THAT(Erase("", "people/1", &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("request_id")));
  EXPECT_THAT(Erase("erase-bad", "circles/1", &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  EXPECT_THAT(Erase("erase-missing", "people/9999", &response),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/9999")));
  mv1::ErasePersonRequest request;
  request.set_request_id("erase-no-reason");
  request.set_person("people/1");
  EXPECT_THAT(privacy_->ErasePerson(Admin().get(), request, &response),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       HasSubstr("reason must be one of ERASURE_REASON_PERSON_REQUEST")));
  request.set_reason(mv1::ERASURE_REASON_RETENTION);
  EXPECT_THAT(privacy_->ErasePerson(Bob().get(), request, &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_P(ErasureTest, CerclesctlAsksForConfirmationUnlessYes) {
  NewPerson draft;
  draft.given_name = "Ctl";
  const std::string person =
      CreatePersonInTraining(*people_, *trainings_, TestCredentials().admin_token, training_,
                             ToDate(FundToday() - 450), draft);
  const std::string& admin = TestCredentials().admin_token;
  CtlResult r =
      RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "erase", person, "--reason", "person-request"}, work_dir());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("not confirmed: nothing was erased"));
  mv1::GetPersonRequest get;
  get.set_name(person);
  mv1::GetPersonResponse got;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().status(), mv1::PERSON_STATUS_ACTIVE);

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "erase", person, "--reason", "whim", "--yes"}, work_dir());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--reason must be person-request or retention, got \"whim\""));

  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "erase", person, "--reason", "retention", "--yes"}, work_dir());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("erased " + person));
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().status(), mv1::PERSON_STATUS_ERASED);
  EXPECT_EQ(got.person().given_name(), "Personne effacée");
}

INSTANTIATE_TEST_SUITE_P(Engines, ErasureTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
