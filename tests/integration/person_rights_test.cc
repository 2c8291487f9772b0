// A person's rights over their data (Law 25; issue 14), the whole way through
// the real processes, on both engines: one person with data in the three
// services changes their consents (network stops referring them), asks for
// their data (`cerclesctl privacy export`: one JSON document equal, field by
// field, to what the three services answer; the access request completed with
// its SHA-256 and size), has their phone corrected, leaves their circle and is
// erased. Afterwards no database file, dump, log, Redis key or value, or event
// payload of any service holds their name, e-mail or phone, the trial balance
// is byte-identical, and each service's access log lists exactly the reads of
// their personal data the test made, by whom and through which RPC.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/crypto.h"
#include "gmock/gmock.h"
#include "tests/integration/person_rights_fixture.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
namespace lv1 = cercles::lending::v1;
namespace nv1 = cercles::network::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using PersonRightsTest = PersonRightsFixture;

TEST_P(PersonRightsTest, OnePersonFromConsentsToExportCorrectionAndErasure) {
  const PersonData data = GivePersonDataEverywhere("Rights");
  ASSERT_FALSE(HasFailure());
  const std::string& person = data.person;

  // 1. Consents: reminders by e-mail given; sharing with partners (given
  // before the referral) withdrawn, after which network refers them no more.
  ASSERT_TRUE(RecordConsent("reminders", person, mv1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL,
                            mv1::CONSENT_ACTION_GIVE)
                  .ok());
  ASSERT_TRUE(RecordConsent("partners-withdrawn", person, mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS,
                            mv1::CONSENT_ACTION_WITHDRAW)
                  .ok());
  // Network's copy, read by the admin until it has the withdrawal (each read
  // is logged: counted).
  int network_reads = 0;
  ASSERT_TRUE(Eventually(
      [&] {
        nv1::ExportPersonDataRequest request;
        request.set_person(person);
        nv1::ExportPersonDataResponse response;
        ++network_reads;
        return network_privacy_->ExportPersonData(Admin().get(), request, &response).ok() &&
               !response.directory_entry().share_with_partners();
      },
      absl::Seconds(20)))
      << suite_->Log("network");
  nv1::CreateReferralRequest refer;
  refer.set_request_id("referral-after-withdrawal");
  refer.mutable_referral()->set_person(person);
  refer.mutable_referral()->set_partner(data.partner);
  refer.mutable_referral()->set_reason("comptabilité");
  nv1::CreateReferralResponse referred;
  EXPECT_THAT(partners_->CreateReferral(Bob().get(), refer, &referred),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       HasSubstr("has not consented to be referred to partners")));

  // 2. The export, for their access request received ten days ago.
  mv1::CreateAccessRequestRequest ask;
  ask.set_request_id("access-1");
  ask.mutable_access_request()->set_person(person);
  ask.mutable_access_request()->set_channel(mv1::ACCESS_REQUEST_CHANNEL_EMAIL);
  *ask.mutable_access_request()->mutable_receive_date() = ToDate(MembershipToday() - 10);
  ask.mutable_access_request()->set_note(
      absl::StrCat("courriel de ", identity_.given_name, " ", identity_.family_name));
  mv1::CreateAccessRequestResponse asked;
  ASSERT_TRUE(privacy_->CreateAccessRequest(Admin().get(), ask, &asked).ok());
  const std::string path = work_dir() + "/export.json";
  CtlResult r =
      RunCerclesctl(*suite_, "membership", TestCredentials().admin_token,
                    {"privacy", "export", person, "--out", path, "--lang", "fr", "--request",
                     asked.access_request().name(), "--lending-address", suite_->Address("lending"),
                     "--lending-server-name", "lending", "--network-address",
                     suite_->Address("network"), "--network-server-name", "network"},
                    work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("Renseignements personnels de ", identity_.given_name,
                                            " ", identity_.family_name)));
  EXPECT_THAT(r.out, HasSubstr("1 remboursements"));
  EXPECT_THAT(r.out, HasSubstr("1 références aux partenaires"));
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string text = ReadTextFile(path);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Secret de Karim")));  // another member's line
  google::protobuf::Struct document;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(text, &document).ok()) << text;
  ExpectDocumentHoldsWhatTheServicesAnswer(document, data);
  mv1::ExportPersonDataResponse exported;
  std::string part;
  ASSERT_TRUE(
      google::protobuf::util::MessageToJsonString(document.fields().at("membership"), &part).ok());
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(part, &exported).ok());
  ASSERT_EQ(exported.consent_changes_size(), 3);  // newest first: withdrawn, given, given
  EXPECT_EQ(exported.consent_changes(0).purpose(), mv1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS);
  EXPECT_EQ(exported.consent_changes(0).action(), mv1::CONSENT_ACTION_WITHDRAW);
  EXPECT_EQ(exported.consent_changes(1).purpose(), mv1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL);
  mv1::GetAccessRequestRequest get_request;
  get_request.set_name(asked.access_request().name());
  mv1::GetAccessRequestResponse done;
  ASSERT_TRUE(privacy_->GetAccessRequest(Admin().get(), get_request, &done).ok());
  EXPECT_EQ(done.access_request().state(), mv1::ACCESS_REQUEST_STATE_DONE);
  EXPECT_EQ(done.access_request().completion().document_sha256(), Sha256Hex(text));
  EXPECT_EQ(done.access_request().completion().document_size_bytes(),
            static_cast<int64_t>(text.size()));
  EXPECT_EQ(done.access_request().completion().completed_by(), "staff:alice");

  // 3. A correction of their phone, at their request.
  mv1::CorrectPersonRequest correct;
  correct.set_request_id("correct-phone");
  correct.mutable_person()->set_name(person);
  correct.mutable_person()->mutable_contact()->set_phone(identity_.corrected_phone);
  correct.mutable_update_mask()->add_paths("contact.phone");
  correct.set_reason(absl::StrCat(identity_.given_name, " a changé de numéro"));
  correct.set_requested_by_person(true);
  mv1::CorrectPersonResponse corrected;
  grpc::Status status = people_->CorrectPerson(Admin().get(), correct, &corrected);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(corrected.person().contact().phone(), identity_.corrected_phone);

  // 4. The erasure: not while they are a member; then they leave the circle.
  mv1::ErasePersonRequest erase;
  erase.set_request_id("erase-member");
  erase.set_person(person);
  erase.set_reason(mv1::ERASURE_REASON_PERSON_REQUEST);
  mv1::ErasePersonResponse erased;
  EXPECT_THAT(privacy_->ErasePerson(Admin().get(), erase, &erased),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       absl::StrCat(person, " is a member of ", data.circle,
                                    ": record their departure from the circle before erasing "
                                    "them")));
  mv1::RemoveCircleMemberRequest leave;
  leave.set_request_id("leave-1");
  leave.set_circle(data.circle);
  leave.set_person(person);
  leave.set_reason(absl::StrCat(identity_.family_name, " déménage"));
  mv1::RemoveCircleMemberResponse left;
  status = circles_->RemoveCircleMember(Bob().get(), leave, &left);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(WhereFound(), ::testing::Not(IsEmpty()));  // the search finds them before

  const lv1::GetTrialBalanceResponse books_before = TrialBalance();
  erase.set_request_id("erase-1");
  auto context = Admin();
  status = privacy_->ErasePerson(context.get(), erase, &erased);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(context->GetServerInitialMetadata().count("cercles-replayed"), 0u);
  const std::string id = person.substr(std::string("people/").size());
  EXPECT_EQ(erased.person().given_name(), "Personne effacée");
  EXPECT_EQ(erased.person().family_name(), id);
  EXPECT_EQ(erased.person().status(), mv1::PERSON_STATUS_ERASED);
  EXPECT_EQ(erased.person().contact().ByteSizeLong(), 0u);
  // A retry answers the first answer.
  mv1::ErasePersonResponse again;
  context = Admin();
  ASSERT_TRUE(privacy_->ErasePerson(context.get(), erase, &again).ok());
  EXPECT_EQ(context->GetServerInitialMetadata().count("cercles-replayed"), 1u);
  EXPECT_EQ(again.SerializeAsString(), erased.SerializeAsString());
  // Another erasure changes nothing; a change to them is refused.
  erase.set_request_id("erase-2");
  ASSERT_TRUE(privacy_->ErasePerson(Admin().get(), erase, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), erased.SerializeAsString());
  correct.set_request_id("correct-after");
  EXPECT_THAT(people_->CorrectPerson(Admin().get(), correct, &corrected),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION,
                       absl::StrCat(person,
                                    " is erased: their record is no longer updated, corrected or "
                                    "consented (an erased person's record is final)")));

  // Nothing holds them any more: lending and network follow PersonErased,
  // then empty their files and the cache.
  std::vector<std::string> found;
  EXPECT_TRUE(Eventually(
      [&] {
        found = WhereFound();
        return found.empty();
      },
      absl::Seconds(30)))
      << absl::StrJoin(found, "\n");
  EXPECT_EQ(TrialBalance().SerializeAsString(), books_before.SerializeAsString());
  // Their access request stays, without its note; the loans keep their amounts.
  ASSERT_TRUE(privacy_->GetAccessRequest(Admin().get(), get_request, &done).ok());
  EXPECT_EQ(done.access_request().note(), "");
  EXPECT_EQ(done.access_request().completion().document_sha256(), Sha256Hex(text));
  lv1::GetLoanRequest get_loan;
  get_loan.set_name(data.own_loan.name());
  lv1::GetLoanResponse loan;
  ASSERT_TRUE(lending_->GetLoan(Admin().get(), get_loan, &loan).ok());
  EXPECT_EQ(loan.loan().amount().minor_units(), 40'000);
  EXPECT_EQ(loan.loan().applicant(), person);
  EXPECT_EQ(loan.loan().business_plan_summary(), "");
  nv1::GetReferralRequest get_referral;
  get_referral.set_name(data.referral);
  nv1::GetReferralResponse referral;
  ASSERT_TRUE(partners_->GetReferral(Admin().get(), get_referral, &referral).ok());
  EXPECT_EQ(referral.referral().reason(), "");

  // 5. Each service's access log: exactly the reads of their data made here,
  // in order. A read is logged when the answer carried a sensitive field of
  // theirs (common/redaction/subjects.h): not CreatePerson (no contact yet),
  // the consents or the corrections lists, GetLoanSchedule, nor anything
  // after the erasure, which left nothing personal to read. A repayment names
  // its borrower, so reading its reference is theirs too.
  std::map<std::string, std::vector<std::string>> expected;  // "principal rpc"
  const std::string alice = "staff:alice cercles.";
  const std::string bob = "staff:bob cercles.";
  expected["membership"] = {
      alice + "membership.v1.TrainingService.EnrolPerson",  // Circle(): trained, then a member
      alice + "membership.v1.TrainingService.CompleteTraining",
      bob + "membership.v1.MembershipService.AddCircleMember",
      alice + "membership.v1.PeopleService.UpdatePerson",  // their name, e-mail and phone
      bob + "membership.v1.MeetingService.RecordMeeting",  // their note and follow-up
      alice + "membership.v1.PrivacyService.CreateAccessRequest",
      alice + "membership.v1.PrivacyService.ExportPersonData",  // cerclesctl privacy export
      alice + "membership.v1.PrivacyService.CompleteAccessRequest",
      alice + "membership.v1.PeopleService.GetPerson",  // the document's checks
      alice + "membership.v1.TrainingService.ListEnrolments",
      alice + "membership.v1.MembershipService.ListCircleMembers",
      alice + "membership.v1.MeetingService.GetMeeting",
      alice + "membership.v1.PrivacyService.GetAccessRequest",
      alice + "membership.v1.PeopleService.CorrectPerson"};
  expected["lending"] = {
      bob + "lending.v1.LendingService.SubmitLoanRequest",  // their loan: its business plan
      bob + "lending.v1.LendingService.CastCircleVote",     // three members' votes on it
      bob + "lending.v1.LendingService.CastCircleVote",
      bob + "lending.v1.LendingService.CastCircleVote",
      alice + "lending.v1.LendingService.ApproveLoan",
      alice + "lending.v1.LendingService.DisburseLoan",
      bob + "lending.v1.LendingService.RecordRepayment",
      alice + "lending.v1.LendingService.ExportPersonData",
      alice + "lending.v1.LendingService.GetLoan",          // the document's checks of their loan
      alice + "lending.v1.LendingService.ListRepayments"};  // a repayment's reference
  expected["network"] = {bob + "network.v1.PartnerService.CreateReferral"};
  for (int i = 0; i <= network_reads; ++i) {  // the polls, then cerclesctl's export
    expected["network"].push_back(alice + "network.v1.PrivacyService.ExportPersonData");
  }
  expected["network"].push_back(alice + "network.v1.PartnerService.GetReferral");
  for (const auto& entry : expected) {
    const std::string& service = entry.first;
    const std::vector<std::string>& reads = entry.second;
    std::vector<std::string> logged;
    EXPECT_TRUE(Eventually(
        [&] {
          logged = PersonalReads(service, person);
          return logged == reads;
        },
        absl::Seconds(5)))
        << service << " logged:\n  " << absl::StrJoin(logged, "\n  ") << "\nexpected:\n  "
        << absl::StrJoin(reads, "\n  ");
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, PersonRightsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
