// Issue 14, items 6 and 5, end to end through the real membership process on
// each storage engine: who looked at whom (the access log lists exactly the
// staff reads that carried a person's personal data, survives a clean
// restart, and is the admin's to read), the privacy officer's public contact,
// and the confidentiality-incident register (validation, revisions kept,
// permissions, an event with ids only).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/membership_fixtures.h"
#include "tests/integration/suite.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGetPerson[] = "cercles.membership.v1.PeopleService.GetPerson";
constexpr char kListPeople[] = "cercles.membership.v1.PeopleService.ListPeople";

cercles::common::v1::Date DayOf(absl::Time t) {
  const absl::CivilDay day = absl::ToCivilDay(t, absl::UTCTimeZone());
  cercles::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

class PrivacyTest : public MembershipSuiteTest {
 protected:
  void Connect() override {
    MembershipSuiteTest::Connect();
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
  }

  // A person created by the admin; with `personal`, a contact and a birth date.
  std::string CreatePerson(const std::string& given, bool personal) {
    mv1::CreatePersonRequest request;
    request.set_request_id(absl::StrCat("create-", given));
    mv1::Person* p = request.mutable_person();
    p->set_given_name(given);
    p->set_family_name("Tremblay");
    p->set_language(mv1::LANGUAGE_FR);
    if (personal) {
      p->mutable_contact()->set_email(absl::StrCat(given, "@example.org"));
      p->mutable_birth_date()->set_year(1985);
      p->mutable_birth_date()->set_month(6);
      p->mutable_birth_date()->set_day(15);
    }
    mv1::CreatePersonResponse response;
    grpc::Status status = people_->CreatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person().name();
  }

  grpc::Status GetPersonAs(std::unique_ptr<grpc::ClientContext> as, const std::string& name) {
    mv1::GetPersonRequest request;
    request.set_name(name);
    mv1::GetPersonResponse response;
    return people_->GetPerson(as.get(), request, &response);
  }

  // (principal, person, rpc) of every read the filter selects, every page.
  std::vector<std::vector<std::string>> Reads(mv1::ListPersonalReadsRequest request,
                                              grpc::Status* status_out = nullptr) {
    std::vector<std::vector<std::string>> out;
    request.set_page_size(2);  // several pages
    for (;;) {
      mv1::ListPersonalReadsResponse response;
      grpc::Status status = privacy_->ListPersonalReads(Admin().get(), request, &response);
      if (status_out != nullptr) *status_out = status;
      if (!status.ok()) return out;
      for (const auto& read : response.reads()) {
        out.push_back({read.principal(), read.person(), read.rpc()});
        EXPECT_TRUE(read.has_read_time());
      }
      if (response.next_page_token().empty()) return out;
      request.set_page_token(response.next_page_token());
    }
  }

  std::vector<std::vector<std::string>> ReadsBy(const std::string& principal) {
    mv1::ListPersonalReadsRequest request;
    request.set_principal(principal);
    return Reads(request);
  }

  // Waits for the access log's batch to be written (at most ~100 ms).
  std::vector<std::vector<std::string>> ReadsByEventually(const std::string& principal,
                                                          size_t count) {
    std::vector<std::vector<std::string>> reads;
    Eventually(
        [&] {
          reads = ReadsBy(principal);
          return reads.size() >= count;
        },
        absl::Seconds(5));
    return reads;
  }

  mv1::Incident ValidIncident() {
    const absl::Time now = absl::Now();
    mv1::Incident incident;
    incident.set_summary("Liste des membres envoyée au mauvais destinataire");
    *incident.mutable_occur_date() = DayOf(now - absl::Hours(72));
    *incident.mutable_discover_date() = DayOf(now - absl::Hours(48));
    incident.set_affected_count(3);
    incident.set_risk(mv1::INCIDENT_RISK_ASSESSMENT_PENDING);
    return incident;
  }

  grpc::Status CreateIncident(std::unique_ptr<grpc::ClientContext> as, const std::string& id,
                              const mv1::Incident& incident, mv1::Incident* out = nullptr) {
    mv1::CreateIncidentRequest request;
    request.set_request_id(id);
    *request.mutable_incident() = incident;
    mv1::CreateIncidentResponse response;
    grpc::Status status = privacy_->CreateIncident(as.get(), request, &response);
    if (out != nullptr) *out = response.incident();
    return status;
  }

  grpc::Status UpdateIncident(const std::string& id, const mv1::Incident& incident,
                              mv1::Incident* out = nullptr) {
    mv1::UpdateIncidentRequest request;
    request.set_request_id(id);
    *request.mutable_incident() = incident;
    mv1::UpdateIncidentResponse response;
    grpc::Status status = privacy_->UpdateIncident(Admin().get(), request, &response);
    if (out != nullptr) *out = response.incident();
    return status;
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
};

TEST_P(PrivacyTest, TheAccessLogListsExactlyTheStaffReadsOfPersonalData) {
  const std::string emilie = CreatePerson("Emilie", /*personal=*/true);
  const std::string luc = CreatePerson("Luc", /*personal=*/false);
  ASSERT_FALSE(emilie.empty());
  ASSERT_FALSE(luc.empty());

  // Bob, an advisor, reads Émilie (contact and birth date) and Luc (nothing
  // personal), then lists everyone: Émilie's answer carries her contact, Luc's
  // nothing personal.
  ASSERT_TRUE(GetPersonAs(Bob(), emilie).ok());
  ASSERT_TRUE(GetPersonAs(Bob(), luc).ok());
  mv1::ListPeopleResponse listed;
  ASSERT_TRUE(people_->ListPeople(Bob().get(), mv1::ListPeopleRequest(), &listed).ok());
  ASSERT_EQ(listed.people_size(), 2);

  const std::vector<std::vector<std::string>> expected = {{"staff:bob", emilie, kGetPerson},
                                                          {"staff:bob", emilie, kListPeople}};
  EXPECT_EQ(ReadsByEventually("staff:bob", 2), expected);
  // Nothing recorded for Luc, by anyone.
  mv1::ListPersonalReadsRequest of_luc;
  of_luc.set_person(luc);
  EXPECT_TRUE(Reads(of_luc).empty());
  // The admin's creation answered Émilie's data too.
  EXPECT_EQ(ReadsByEventually("staff:alice", 1),
            (std::vector<std::vector<std::string>>{
                {"staff:alice", emilie, "cercles.membership.v1.PeopleService.CreatePerson"}}));
  // Per person: everyone's reads of Émilie.
  mv1::ListPersonalReadsRequest of_emilie;
  of_emilie.set_person(emilie);
  EXPECT_EQ(Reads(of_emilie).size(), 3u);
  // A time range after now selects nothing.
  mv1::ListPersonalReadsRequest later;
  later.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(1)));
  EXPECT_TRUE(Reads(later).empty());

  // A read just before a clean stop is written before the process exits.
  ASSERT_TRUE(GetPersonAs(Bob(), emilie).ok());
  ASSERT_EQ(suite_->TerminateService("membership", absl::Seconds(30)), 0);
  ASSERT_TRUE(suite_->StartService("membership").ok());
  Connect();
  EXPECT_EQ(ReadsBy("staff:bob").size(), 3u);
}

TEST_P(PrivacyTest, OnlyAdminsReadTheAccessLogAndItsFiltersAreChecked) {
  mv1::ListPersonalReadsResponse response;
  EXPECT_THAT(privacy_->ListPersonalReads(Bob().get(), mv1::ListPersonalReadsRequest(), &response),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  grpc::Status status;
  mv1::ListPersonalReadsRequest bad;
  bad.set_person("circles/1");
  Reads(bad, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("person")));
  bad.Clear();
  bad.set_principal("bob");
  Reads(bad, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("principal")));
  bad.Clear();
  bad.mutable_start_time()->set_seconds(100);
  bad.mutable_end_time()->set_seconds(50);
  Reads(bad, &status);
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("end_time")));
}

TEST_P(PrivacyTest, ThePrivacyOfficersContactIsPublicAndSetByAdmins) {
  auto anonymous = [] { return Context(""); };
  mv1::GetPrivacyContactResponse got;
  EXPECT_THAT(privacy_->GetPrivacyContact(anonymous().get(), {}, &got),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  mv1::UpdatePrivacyContactRequest set;
  set.set_request_id("contact-1");
  set.mutable_contact()->set_display_name("Marie Gagnon");
  set.mutable_contact()->set_email("vie-privee@fonds.example");
  set.mutable_contact()->set_phone("+1 514 555 0123");
  mv1::UpdatePrivacyContactResponse updated;
  EXPECT_THAT(privacy_->UpdatePrivacyContact(Bob().get(), set, &updated),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  mv1::UpdatePrivacyContactRequest bad = set;
  bad.set_request_id("contact-bad");
  bad.mutable_contact()->set_email("pas une adresse");
  bad.mutable_contact()->set_phone("555");
  EXPECT_THAT(privacy_->UpdatePrivacyContact(Admin().get(), bad, &updated),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
                       AllOf(HasSubstr("contact.email"), HasSubstr("contact.phone"))));
  ASSERT_TRUE(privacy_->UpdatePrivacyContact(Admin().get(), set, &updated).ok());
  EXPECT_EQ(updated.contact().update_principal(), "staff:alice");
  ASSERT_TRUE(privacy_->GetPrivacyContact(anonymous().get(), {}, &got).ok());
  EXPECT_EQ(got.contact().display_name(), "Marie Gagnon");
  EXPECT_EQ(got.contact().email(), "vie-privee@fonds.example");
  EXPECT_EQ(got.contact().phone(), "+1 514 555 0123");
  EXPECT_EQ(got.contact().update_principal(), "");  // not published
}

TEST_P(PrivacyTest, TheIncidentRegisterValidatesKeepsRevisionsAndIsAdminOnly) {
  const std::string emilie = CreatePerson("Emilie", /*personal=*/true);
  mv1::Incident incident = ValidIncident();
  incident.add_affected_people(emilie);

  // Every role but admin is refused.
  EXPECT_THAT(CreateIncident(Bob(), "inc-bob", incident),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  // Validation names each broken rule.
  mv1::Incident bad = incident;
  bad.clear_summary();
  *bad.mutable_discover_date() = DayOf(absl::Now() - absl::Hours(24 * 10));  // before occur
  bad.set_affected_count(0);
  bad.set_risk(mv1::INCIDENT_RISK_SERIOUS_INJURY);  // and no notification, no assessment
  EXPECT_THAT(
      CreateIncident(Admin(), "inc-bad", bad),
      StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
               AllOf(HasSubstr("incident.summary"), HasSubstr("incident.discover_date"),
                     HasSubstr("incident.affected_count"), HasSubstr("incident.risk_assessment"),
                     HasSubstr("incident.regulator_notification"),
                     HasSubstr("incident.people_notification"))));
  mv1::Incident ghost = incident;
  ghost.add_affected_people("people/999999");
  EXPECT_THAT(CreateIncident(Admin(), "inc-ghost", ghost),
              StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("incident.affected_people[1]")));

  mv1::Incident created;
  ASSERT_TRUE(CreateIncident(Admin(), "inc-1", incident, &created).ok());
  EXPECT_EQ(created.revision(), 1);
  EXPECT_EQ(created.update_principal(), "staff:alice");
  EXPECT_EQ(created.retain_until().year(), created.discover_date().year() + 5);
  // A retry answers the first answer.
  mv1::Incident again;
  ASSERT_TRUE(CreateIncident(Admin(), "inc-1", incident, &again).ok());
  EXPECT_EQ(again.name(), created.name());

  // The assessment is done: serious, the regulator notified, the people not (why).
  mv1::Incident revised = created;
  revised.set_risk(mv1::INCIDENT_RISK_SERIOUS_INJURY);
  revised.set_risk_assessment("Adresses et téléphones exposés");
  *revised.mutable_regulator_notification()->mutable_notify_date() = DayOf(absl::Now());
  revised.mutable_people_notification()->set_not_notified_reason("enquête policière en cours");
  revised.set_measures("Liste de diffusion corrigée");
  mv1::Incident second;
  ASSERT_TRUE(UpdateIncident("inc-1-r2", revised, &second).ok());
  EXPECT_EQ(second.revision(), 2);
  EXPECT_EQ(second.create_time().seconds(), created.create_time().seconds());

  // From a stale revision: refused, nothing written.
  EXPECT_THAT(UpdateIncident("inc-1-stale", revised),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("revision")));
  // The day of discovery does not change.
  mv1::Incident moved = second;
  // The day after the stored one (48 h ago): a different day at any hour, and
  // still between the occurrence and today, so only the immutability rule applies.
  *moved.mutable_discover_date() = DayOf(absl::Now() - absl::Hours(24));
  EXPECT_THAT(UpdateIncident("inc-1-moved", moved),
              StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("incident.discover_date")));

  // History: revision 1 as it was, the latest by default.
  mv1::GetIncidentRequest get;
  get.set_name(created.name());
  get.set_revision(1);
  mv1::GetIncidentResponse first;
  ASSERT_TRUE(privacy_->GetIncident(Admin().get(), get, &first).ok());
  EXPECT_EQ(first.incident().risk(), mv1::INCIDENT_RISK_ASSESSMENT_PENDING);
  get.set_revision(0);
  mv1::GetIncidentResponse latest;
  ASSERT_TRUE(privacy_->GetIncident(Admin().get(), get, &latest).ok());
  EXPECT_EQ(latest.incident().revision(), 2);
  get.set_revision(3);
  EXPECT_THAT(privacy_->GetIncident(Admin().get(), get, &latest),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(privacy_->GetIncident(Bob().get(), get, &latest),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  // The register lists each incident once, at its latest revision, paged.
  mv1::Incident other;
  ASSERT_TRUE(CreateIncident(Admin(), "inc-2", ValidIncident(), &other).ok());
  mv1::ListIncidentsRequest list;
  list.set_page_size(1);
  mv1::ListIncidentsResponse page;
  ASSERT_TRUE(privacy_->ListIncidents(Admin().get(), list, &page).ok());
  ASSERT_EQ(page.incidents_size(), 1);
  EXPECT_EQ(page.incidents(0).revision(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  ASSERT_TRUE(privacy_->ListIncidents(Admin().get(), list, &page).ok());
  ASSERT_EQ(page.incidents_size(), 1);
  EXPECT_EQ(page.incidents(0).name(), other.name());
  EXPECT_TRUE(page.next_page_token().empty());

  // One event per entry, carrying ids only.
  auto db = storage::Database::Open(suite_->DatabaseUrl("membership"));
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Status read = storage::RunInTransaction(
      **db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        auto rows = tx.Query("SELECT subject, payload FROM outbox WHERE type = ? ORDER BY sequence",
                             {std::string("cercles.membership.v1.IncidentRecorded")});
        if (!rows.ok()) return rows.status();
        EXPECT_EQ(rows->size(), 3u);
        for (const storage::Row& row : *rows) {
          EXPECT_THAT(row.Text(0), HasSubstr("incidents/"));
          EXPECT_THAT(row.Bytes(1), Not(HasSubstr("Liste")));
          EXPECT_THAT(row.Bytes(1), Not(HasSubstr("Adresses")));
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(read.ok()) << read;
}

INSTANTIATE_TEST_SUITE_P(Engines, PrivacyTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
