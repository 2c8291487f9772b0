// Correction of personal data, with the reason (issue 14, item 3), on both
// engines: a person asks for their name and e-mail to be corrected; the
// person changes, the history keeps one row per field (which field and why,
// never the old value), network's directory shows the corrected name through
// the PersonUpdated event, a retry answers the first answer, reading the
// history (its reasons) is in the access log, and every bad request is refused
// naming its field with nothing recorded. cerclesctl's two verbs do the same.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/membership/v1/people_events.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "gmock/gmock.h"
#include "tests/integration/network_fixtures.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kListCorrections[] = "cercles.membership.v1.PeopleService.ListPersonCorrections";

class CorrectionsTest : public NetworkSuiteTest {
 protected:
  void SetUp() override {
    NetworkSuiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  }

  // A trained person whose expertise and name network shows, with an e-mail.
  std::string SharedPerson(const std::string& given) {
    const std::string person = Person(given, "food");
    ShareExpertise(person, {"comptabilité"}, /*shares=*/true);
    mv1::UpdatePersonRequest request;
    request.set_request_id("email-" + given);
    request.mutable_person()->set_name(person);
    request.mutable_person()->mutable_contact()->set_email(given + "@example.org");
    request.mutable_update_mask()->add_paths("contact.email");
    mv1::UpdatePersonResponse response;
    grpc::Status status = people_->UpdatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return person;
  }

  // The display name network's expertise directory shows for `person` ("" when not listed).
  std::string NetworkName(const std::string& person) {
    nv1::SearchExpertiseRequest request;
    request.set_term("comptab");
    nv1::SearchExpertiseResponse response;
    grpc::Status status = network_->SearchExpertise(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const nv1::ExpertiseMatch& m : response.matches()) {
      if (m.person() == absl::StrCat("funds/", Fund(), "/", person)) return m.display_name();
    }
    return "";
  }

  mv1::CorrectPersonRequest Correction(const std::string& person, const std::string& request_id) {
    mv1::CorrectPersonRequest request;
    request.set_request_id(request_id);
    request.mutable_person()->set_name(person);
    request.mutable_person()->set_given_name("Nadia-Marie");
    request.mutable_person()->mutable_contact()->set_email("nadia.marie@example.org");
    request.mutable_update_mask()->add_paths("given_name");
    request.mutable_update_mask()->add_paths("contact.email");
    request.set_reason("Nom mal orthographié à l'accueil; courriel changé");
    request.set_requested_by_person(true);
    return request;
  }

  grpc::Status Correct(const mv1::CorrectPersonRequest& request,
                       mv1::CorrectPersonResponse* response = nullptr, bool* replayed = nullptr) {
    mv1::CorrectPersonResponse ignored;
    auto context = Admin();
    grpc::Status status =
        people_->CorrectPerson(context.get(), request, response != nullptr ? response : &ignored);
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  std::vector<mv1::PersonCorrection> History(const std::string& person,
                                             const std::string& field_path = "") {
    mv1::ListPersonCorrectionsRequest request;
    request.set_person(person);
    request.set_field_path(field_path);
    mv1::ListPersonCorrectionsResponse response;
    grpc::Status status = people_->ListPersonCorrections(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.corrections().begin(), response.corrections().end()};
  }

  // The RPCs of the access log's records of `person` read by the admin.
  std::vector<std::string> ReadsOf(const std::string& person) {
    mv1::ListPersonalReadsRequest request;
    request.set_person(person);
    request.set_principal("staff:alice");
    request.set_page_size(500);
    mv1::ListPersonalReadsResponse response;
    grpc::Status status = privacy_->ListPersonalReads(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> rpcs;
    for (const auto& read : response.reads()) rpcs.push_back(read.rpc());
    return rpcs;
  }

  // The update masks of the PersonUpdated events of `person` on membership's
  // stream, as network reads them, each "path,path"; `payloads` gets their bytes.
  std::vector<std::string> UpdateMasks(const std::string& person, std::string* payloads) {
    auto as_network = mv1::MembershipService::NewStub(suite_->CertChannel("membership", "network"));
    auto context = Context("", absl::Seconds(2));
    auto reader = as_network->WatchEvents(context.get(), mv1::WatchEventsRequest());
    std::vector<std::string> masks;
    mv1::WatchEventsResponse response;
    while (reader->Read(&response)) {
      mv1::PersonUpdated updated;
      if (response.event().subject() != person || !response.event().payload().UnpackTo(&updated)) {
        continue;
      }
      masks.push_back(absl::StrJoin(updated.update_mask().paths(), ","));
      *payloads += response.event().payload().value();
    }
    reader->Finish();
    return masks;
  }

  int CountOf(const std::vector<std::string>& rpcs, const std::string& rpc) {
    return static_cast<int>(std::count(rpcs.begin(), rpcs.end(), rpc));
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
};

TEST_P(CorrectionsTest, ACorrectionChangesThePersonRecordsWhyAndReachesTheNetwork) {
  const std::string nadia = SharedPerson("Nadia");
  ASSERT_TRUE(
      Eventually([&] { return NetworkName(nadia) == "Nadia Entrepreneure"; }, absl::Seconds(20)))
      << suite_->Log("network");
  EXPECT_TRUE(History(nadia).empty());

  // Corrected at her request: the given name and the e-mail change, the family
  // name (not in the mask) does not.
  mv1::CorrectPersonResponse corrected;
  bool replayed = true;
  grpc::Status status = Correct(Correction(nadia, "correct-nadia"), &corrected, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(replayed);
  EXPECT_EQ(corrected.person().given_name(), "Nadia-Marie");
  EXPECT_EQ(corrected.person().family_name(), "Entrepreneure");
  EXPECT_EQ(corrected.person().contact().email(), "nadia.marie@example.org");
  EXPECT_TRUE(corrected.person().consents().share_with_network());
  ASSERT_EQ(corrected.corrections_size(), 2);
  EXPECT_EQ(corrected.corrections(0).field_path(), "given_name");
  EXPECT_EQ(corrected.corrections(1).field_path(), "contact.email");
  for (const mv1::PersonCorrection& c : corrected.corrections()) {
    EXPECT_TRUE(absl::StartsWith(c.name(), nadia + "/corrections/")) << c.name();
    EXPECT_EQ(c.person(), nadia);
    EXPECT_EQ(c.reason(), "Nom mal orthographié à l'accueil; courriel changé");
    EXPECT_TRUE(c.requested_by_person());
    EXPECT_EQ(c.actor(), "staff:alice");
    EXPECT_TRUE(c.has_correct_time());
  }
  mv1::GetPersonRequest get;
  get.set_name(nadia);
  mv1::GetPersonResponse got;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().given_name(), "Nadia-Marie");
  EXPECT_EQ(got.person().contact().email(), "nadia.marie@example.org");

  // Network follows through PersonUpdated.
  EXPECT_TRUE(Eventually([&] { return NetworkName(nadia) == "Nadia-Marie Entrepreneure"; },
                         absl::Seconds(20)))
      << suite_->Log("network");

  // A retry answers the first answer and records nothing more; the same id
  // for another correction is refused.
  mv1::CorrectPersonResponse again;
  ASSERT_TRUE(Correct(Correction(nadia, "correct-nadia"), &again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.SerializeAsString(), corrected.SerializeAsString());
  mv1::CorrectPersonRequest other = Correction(nadia, "correct-nadia");
  other.set_reason("another reason");
  EXPECT_THAT(Correct(other), StatusIs(grpc::StatusCode::ALREADY_EXISTS));

  // One PersonUpdated names the corrected fields (the retry appended none); as
  // every event, it carries no contact.
  std::string payloads;
  std::vector<std::string> masks = UpdateMasks(nadia, &payloads);
  EXPECT_EQ(std::count(masks.begin(), masks.end(), "given_name,contact.email"), 1)
      << absl::StrJoin(masks, " | ");
  EXPECT_TRUE(absl::StrContains(payloads, "Nadia-Marie"));
  EXPECT_FALSE(absl::StrContains(payloads, "nadia.marie@example.org"));

  // The history: one row per field, newest first, without any value.
  std::vector<mv1::PersonCorrection> history = History(nadia);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].SerializeAsString(), corrected.corrections(1).SerializeAsString());
  EXPECT_EQ(history[1].SerializeAsString(), corrected.corrections(0).SerializeAsString());
  for (const mv1::PersonCorrection& c : history) {
    const std::string bytes = c.SerializeAsString();
    EXPECT_FALSE(absl::StrContains(bytes, "Nadia")) << c.DebugString();
    EXPECT_FALSE(absl::StrContains(bytes, "example.org")) << c.DebugString();
  }

  // A later correction by the fund of a group ("contact": the sub-fields that
  // change), then the filters.
  mv1::CorrectPersonRequest phone;
  phone.set_request_id("correct-nadia-phone");
  phone.mutable_person()->set_name(nadia);
  phone.mutable_person()->mutable_contact()->set_email("nadia.marie@example.org");
  phone.mutable_person()->mutable_contact()->set_phone("+1 418 555 0199");
  phone.mutable_update_mask()->add_paths("contact");
  phone.set_reason("numéro ajouté au dossier");
  mv1::CorrectPersonResponse phoned;
  ASSERT_TRUE(Correct(phone, &phoned).ok());
  ASSERT_EQ(phoned.corrections_size(), 1);
  EXPECT_EQ(phoned.corrections(0).field_path(), "contact.phone");
  EXPECT_FALSE(phoned.corrections(0).requested_by_person());
  ASSERT_EQ(History(nadia).size(), 3u);
  std::vector<mv1::PersonCorrection> contact = History(nadia, "contact");
  ASSERT_EQ(contact.size(), 2u);
  EXPECT_EQ(contact[0].field_path(), "contact.phone");
  EXPECT_EQ(contact[1].field_path(), "contact.email");
  std::vector<mv1::PersonCorrection> given = History(nadia, "given_name");
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].name(), corrected.corrections(0).name());
  EXPECT_TRUE(History(nadia, "birth_date").empty());
  // By pages.
  mv1::ListPersonCorrectionsRequest paged;
  paged.set_person(nadia);
  paged.set_page_size(2);
  mv1::ListPersonCorrectionsResponse page;
  ASSERT_TRUE(people_->ListPersonCorrections(Admin().get(), paged, &page).ok());
  ASSERT_EQ(page.corrections_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  paged.set_page_token(page.next_page_token());
  ASSERT_TRUE(people_->ListPersonCorrections(Admin().get(), paged, &page).ok());
  ASSERT_EQ(page.corrections_size(), 1);
  EXPECT_EQ(page.corrections(0).field_path(), "given_name");
  EXPECT_TRUE(page.next_page_token().empty());

  // Reading the history carries the reasons (personal data): each read that
  // returned corrections is in the access log, as GetPerson's are; the empty
  // read before the first correction and the empty birth_date page are not.
  // Six reads returned corrections: two unfiltered, "contact", "given_name", two pages.
  EXPECT_TRUE(
      Eventually([&] { return CountOf(ReadsOf(nadia), kListCorrections) == 6; }, absl::Seconds(5)))
      << absl::StrJoin(ReadsOf(nadia), "\n");
}

TEST_P(CorrectionsTest, BadRequestsAreRefusedNamingTheFieldAndRecordNothing) {
  const std::string omar = SharedPerson("Omar");
  auto refused = [&](const std::function<void(mv1::CorrectPersonRequest*)>& edit) {
    mv1::CorrectPersonRequest request = Correction(omar, "bad-correction");
    edit(&request);
    return Correct(request);
  };
  const grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
  EXPECT_THAT(refused([](auto* r) { r->clear_reason(); }), StatusIs(kInvalid, HasSubstr("reason")));
  EXPECT_THAT(refused([](auto* r) { r->set_reason(std::string(501, 'x')); }),
              StatusIs(kInvalid, HasSubstr("reason")));
  EXPECT_THAT(refused([](auto* r) { r->clear_update_mask(); }),
              StatusIs(kInvalid, HasSubstr("update_mask is required")));
  for (const char* path : {"status", "consents", "expertise_opt_in", "current_circle", "*"}) {
    EXPECT_THAT(refused([&](auto* r) { r->mutable_update_mask()->add_paths(path); }),
                StatusIs(kInvalid, AllOf(HasSubstr("update_mask"),
                                         HasSubstr(absl::StrCat("\"", path, "\"")))))
        << path;
  }
  EXPECT_THAT(refused([](auto* r) { r->mutable_person()->mutable_contact()->set_email("nope"); }),
              StatusIs(kInvalid, HasSubstr("person.contact.email")));
  EXPECT_THAT(refused([](auto* r) { r->mutable_person()->set_given_name(""); }),
              StatusIs(kInvalid, HasSubstr("person.given_name")));
  EXPECT_THAT(refused([](auto* r) { r->mutable_person()->set_name("persons/1"); }),
              StatusIs(kInvalid, HasSubstr("person.name")));
  EXPECT_THAT(refused([](auto* r) { r->set_request_id(""); }),
              StatusIs(kInvalid, HasSubstr("request_id")));
  EXPECT_THAT(refused([](auto* r) { r->mutable_person()->set_name("people/999"); }),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/999")));
  // The values she already holds: nothing to correct.
  EXPECT_THAT(refused([](auto* r) {
                r->mutable_person()->set_given_name("Omar");
                r->mutable_person()->mutable_contact()->set_email("Omar@example.org");
              }),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("nothing to correct")));

  mv1::ListPersonCorrectionsRequest list;
  list.set_person(omar);
  list.set_field_path("status");
  mv1::ListPersonCorrectionsResponse listed;
  EXPECT_THAT(people_->ListPersonCorrections(Admin().get(), list, &listed),
              StatusIs(kInvalid, HasSubstr("field_path")));
  list.clear_field_path();
  list.set_page_token("not-a-token");
  EXPECT_THAT(people_->ListPersonCorrections(Admin().get(), list, &listed),
              StatusIs(kInvalid, HasSubstr("page_token")));
  list.clear_page_token();
  list.set_person("people/999");
  EXPECT_THAT(people_->ListPersonCorrections(Admin().get(), list, &listed),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("people/999")));

  // Nothing was recorded nor changed by the refusals.
  EXPECT_TRUE(History(omar).empty());
  mv1::GetPersonRequest get;
  get.set_name(omar);
  mv1::GetPersonResponse got;
  ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
  EXPECT_EQ(got.person().given_name(), "Omar");
}

TEST_P(CorrectionsTest, CerclesctlCorrectsAndListsCorrections) {
  const std::string& work = work_dir();
  const std::string& admin = TestCredentials().admin_token;
  const std::string amina = SharedPerson("Amina");
  CtlResult r = RunCerclesctl(
      *suite_, "membership", admin,
      {"people", "correct", amina, "--family-name", "Diallo", "--phone", "+1 514 555 0123",
       "--reason", "nom de famille à l'état civil", "--requested-by-person"},
      work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "corrected family_name")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "corrected contact.phone")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "asked by person")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "Diallo")) << r.out;
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"people", "correct", amina, "--email", "amina.d@example.org", "--reason",
                     "adresse mise à jour"},
                    work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "asked by fund")) << r.out;

  r = RunCerclesctl(*suite_, "membership", admin, {"people", "corrections", amina}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  const size_t email = r.out.find("contact.email");
  const size_t family = r.out.find("family_name");
  ASSERT_NE(email, std::string::npos) << r.out;
  ASSERT_NE(family, std::string::npos) << r.out;
  EXPECT_LT(email, family) << r.out;  // newest first
  EXPECT_TRUE(absl::StrContains(r.out, "staff:alice")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "nom de famille à l'état civil")) << r.out;
  EXPECT_FALSE(absl::StrContains(r.out, "Diallo")) << r.out;  // no value in the history
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"people", "corrections", amina, "--field", "contact"}, work);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "contact.phone")) << r.out;
  EXPECT_FALSE(absl::StrContains(r.out, "family_name")) << r.out;

  // Bad input: refused before any call, or by the server naming the field.
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"people", "correct", amina, "--family-name", "Diallo"}, work);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "--reason")) << r.err;
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"people", "correct", amina, "--status", "withdrawn", "--reason", "x"}, work);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "--status")) << r.err;
  r = RunCerclesctl(*suite_, "membership", admin, {"people", "correct", amina, "--reason", "x"},
                    work);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "nothing to correct")) << r.err;
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"people", "correct", amina, "--email", "pas-un-courriel", "--reason", "x"},
                    work);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "person.contact.email")) << r.err;
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"people", "corrections", amina, "--field", "status"}, work);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "field_path")) << r.err;
  EXPECT_EQ(History(amina).size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Engines, CorrectionsTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
