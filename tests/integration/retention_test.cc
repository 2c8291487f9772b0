// The fund's retention schedule and its purge (Law 25; issue 14, item 4)
// through the real processes, on both engines. The schedule is set to 0 months
// for people and meeting notes and access requests (records can only be made
// "today" through the API: 0 says "past retention from the day the purpose
// ended"), and an incident discovered six years ago is past the register's five
// years while one discovered last year is not. The dry run lists exactly the
// records expected; the run answers the same report; what was purged is in no
// byte of membership's database, its log or its events; what must stay stays
// (the meeting and its attendance, the open access request's person, the newer
// incident, lending's books); a second purge purges nothing; a replay answers
// the first answer; non-admins and bad input are refused naming the field.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "common/storage/database.h"
#include "gmock/gmock.h"
#include "tests/integration/lending_fixture.h"
#include "tests/support/proto_matchers.h"
#include "tests/support/status_matchers.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

// Words that are written once, in what the purge must destroy.
const std::vector<std::string> kPurged = {"Ulrikha",
                                          "Brandevoort",
                                          "ulrikha.b@exemple.org",
                                          "Pelagonie",
                                          "Virtanesque",
                                          "quinquagénaire",
                                          "zygomatique",
                                          "xéranthème",
                                          "coursier ophrysien",
                                          "classeur hydrangeum"};
// Words in what must stay.
const std::vector<std::string> kKept = {"Quirinalde", "Ostrowska", "Registre recent lilas"};

class RetentionTest : public LendingFixture {
 protected:
  void SetUp() override {
    LendingFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    privacy_ = mv1::PrivacyService::NewStub(suite_->StaffChannel("membership"));
    meetings_ = mv1::MeetingService::NewStub(suite_->StaffChannel("membership"));
  }

  std::string NewPerson(const std::string& id, const std::string& given, const std::string& family,
                        const std::string& email = "") {
    mv1::CreatePersonRequest request;
    request.set_request_id(id);
    request.mutable_person()->set_given_name(given);
    request.mutable_person()->set_family_name(family);
    request.mutable_person()->set_language(mv1::LANGUAGE_FR);
    if (!email.empty()) request.mutable_person()->mutable_contact()->set_email(email);
    mv1::CreatePersonResponse response;
    grpc::Status status = people_->CreatePerson(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.person().name();
  }

  std::string NewIncident(const std::string& id, const std::string& summary, int days_ago) {
    mv1::CreateIncidentRequest request;
    request.set_request_id(id);
    mv1::Incident* incident = request.mutable_incident();
    incident->set_summary(summary);
    *incident->mutable_occur_date() = ToDate(MembershipToday() - days_ago);
    *incident->mutable_discover_date() = ToDate(MembershipToday() - days_ago);
    incident->set_affected_count(2);
    incident->set_risk(mv1::INCIDENT_RISK_ASSESSMENT_PENDING);
    mv1::CreateIncidentResponse response;
    grpc::Status status = privacy_->CreateIncident(Admin().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.incident().name();
  }

  grpc::Status SetMonths(std::unique_ptr<grpc::ClientContext> as, const std::string& id,
                         const std::string& field, int32_t months,
                         mv1::RetentionSchedule* out = nullptr) {
    mv1::UpdateRetentionScheduleRequest request;
    request.set_request_id(id);
    const auto* descriptor = request.schedule().GetDescriptor()->FindFieldByName(field);
    request.mutable_schedule();  // present even when `field` is not one of its fields
    if (descriptor != nullptr) {
      request.mutable_schedule()->GetReflection()->SetInt32(request.mutable_schedule(), descriptor,
                                                            months);
    }
    request.mutable_update_mask()->add_paths(field);
    mv1::UpdateRetentionScheduleResponse response;
    grpc::Status status = privacy_->UpdateRetentionSchedule(as.get(), request, &response);
    if (out != nullptr) *out = response.schedule();
    return status;
  }

  grpc::Status Purge(const std::string& request_id, bool dry_run,
                     const std::vector<std::string>& keep,
                     mv1::PurgeExpiredRecordsResponse* response, bool* replayed = nullptr) {
    mv1::PurgeExpiredRecordsRequest request;
    request.set_request_id(request_id);
    request.set_dry_run(dry_run);
    for (const std::string& person : keep) request.add_keep_people(person);
    auto context = Admin();
    grpc::Status status = privacy_->PurgeExpiredRecords(context.get(), request, response);
    if (replayed != nullptr) {
      *replayed = context->GetServerInitialMetadata().count("cercles-replayed") > 0;
    }
    return status;
  }

  // Membership's database (its SQLite files, or a PostgreSQL dump), log and
  // every event payload it serves, in one string.
  std::string MembershipBytes() {
    std::string bytes;
    const std::string url = suite_->DatabaseUrl("membership");
    if (absl::StartsWith(url, "sqlite://")) {
      const std::string path = url.substr(std::string("sqlite://").size());
      for (const char* suffix : {"", "-wal"}) {
        FILE* file = fopen((path + suffix).c_str(), "rb");
        if (file == nullptr) continue;
        char buffer[65536];
        for (size_t n; (n = fread(buffer, 1, sizeof buffer, file)) > 0;) bytes.append(buffer, n);
        fclose(file);
      }
    } else {
      // Messages stored whole (access requests, incidents) are bytea: dumped as
      // text, ASCII as it is (the words searched for in them are ASCII).
      CtlResult dump = RunCommand(
          {"PGOPTIONS=-c bytea_output=escape", "pg_dump", "--no-owner", url}, work_dir());
      EXPECT_EQ(dump.code, 0) << dump.err;
      bytes += dump.out;
    }
    bytes += suite_->Log("membership");
    auto context = Context(TestCredentials().admin_token, absl::Seconds(3));
    auto reader = circles_->WatchEvents(context.get(), mv1::WatchEventsRequest());
    mv1::WatchEventsResponse event;
    while (reader->Read(&event)) bytes += event.event().payload().value();
    reader->Finish();
    return bytes;
  }

  static std::vector<std::string> Found(const std::string& haystack,
                                        const std::vector<std::string>& needles) {
    std::vector<std::string> found;
    for (const std::string& needle : needles) {
      if (absl::StrContains(haystack, needle)) found.push_back(needle);
    }
    return found;
  }

  // The records of each kind of `report`, and the kept ones, as "kind: a b | kept".
  static std::vector<std::string> Lines(const mv1::PurgeExpiredRecordsResponse& report) {
    std::vector<std::string> lines;
    for (const auto& kind : report.kinds()) {
      std::string line = absl::StrCat(mv1::RetentionKind_Name(kind.kind()), ":");
      for (const std::string& record : kind.records()) absl::StrAppend(&line, " ", record);
      for (const auto& kept : kind.kept()) {
        absl::StrAppend(&line, " | kept ", kept.record(), " ",
                        mv1::RetentionKeptReason_Name(kept.reason()));
      }
      lines.push_back(line);
    }
    return lines;
  }

  std::unique_ptr<mv1::PrivacyService::Stub> privacy_;
  std::unique_ptr<mv1::MeetingService::Stub> meetings_;
};

TEST_P(RetentionTest, DryRunAndRunAgreeAndOnlyWhatIsPastRetentionIsPurged) {
  std::vector<std::string> members;
  const std::string circle = Circle("Retention", 6, &members);
  // Lending's books: a loan of a member who stays.
  Disburse(circle, members, 1, 50000, FundToday() - 3);
  const std::string leaver = members[0];
  // Another who leaves, whom lending says to keep (keep_people: an open loan).
  const std::string borrower = members[3];

  // A person never in a circle; another, asking for their data (kept).
  const std::string never = NewPerson("never", "Ulrikha", "Brandevoort", "ulrikha.b@exemple.org");
  const std::string asking = NewPerson("asking", "Quirinalde", "Ostrowska");
  mv1::CreateAccessRequestRequest ask;
  ask.set_request_id("ask-open");
  ask.mutable_access_request()->set_person(asking);
  ask.mutable_access_request()->set_channel(mv1::ACCESS_REQUEST_CHANNEL_EMAIL);
  mv1::CreateAccessRequestResponse open_request;
  ASSERT_TRUE(privacy_->CreateAccessRequest(Admin().get(), ask, &open_request).ok());
  // An access request answered (done).
  ask.set_request_id("ask-done");
  ask.mutable_access_request()->set_person(members[2]);
  mv1::CreateAccessRequestResponse done_request;
  ASSERT_TRUE(privacy_->CreateAccessRequest(Admin().get(), ask, &done_request).ok());
  mv1::CompleteAccessRequestRequest complete;
  complete.set_request_id("ask-done-complete");
  complete.set_name(done_request.access_request().name());
  complete.mutable_completion()->set_summary("remis par coursier ophrysien");
  mv1::CompleteAccessRequestResponse completed;
  grpc::Status status = privacy_->CompleteAccessRequest(Admin().get(), complete, &completed);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A meeting with minutes, a note and a follow-up.
  mv1::RecordMeetingRequest meeting;
  meeting.set_request_id("meeting-1");
  meeting.set_parent(circle);
  *meeting.mutable_meeting()->mutable_meeting_date() = ToDate(MembershipToday());
  for (const std::string& member : members) {
    mv1::Attendance* entry = meeting.mutable_meeting()->add_attendance();
    entry->set_person(member);
    entry->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
  }
  meeting.mutable_meeting()->set_minutes("Procès-verbal quinquagénaire");
  meeting.mutable_meeting()->mutable_attendance(1)->set_note("arrivée tardive zygomatique");
  mv1::BusinessFollowUp* follow_up = meeting.mutable_meeting()->add_follow_ups();
  follow_up->set_person(members[1]);
  follow_up->set_progress("vitrine xéranthème");
  mv1::RecordMeetingResponse recorded;
  status = meetings_->RecordMeeting(Admin().get(), meeting, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A member renamed, who then leaves the circle.
  mv1::UpdatePersonRequest rename;
  rename.set_request_id("rename-leaver");
  rename.mutable_person()->set_name(leaver);
  rename.mutable_person()->set_given_name("Pelagonie");
  rename.mutable_person()->set_family_name("Virtanesque");
  rename.mutable_update_mask()->add_paths("given_name");
  rename.mutable_update_mask()->add_paths("family_name");
  mv1::UpdatePersonResponse renamed;
  ASSERT_TRUE(people_->UpdatePerson(Admin().get(), rename, &renamed).ok());
  mv1::RemoveCircleMemberRequest leave;
  leave.set_request_id("leave-1");
  leave.set_circle(circle);
  leave.set_person(leaver);
  leave.set_reason("déménage");
  mv1::RemoveCircleMemberResponse left;
  status = circles_->RemoveCircleMember(Bob().get(), leave, &left);
  ASSERT_TRUE(status.ok()) << status.error_message();
  leave.set_request_id("leave-2");
  leave.set_person(borrower);
  status = circles_->RemoveCircleMember(Bob().get(), leave, &left);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<std::string> keep = {borrower};

  // Incidents: six years ago (past five years), last year (kept).
  const std::string old_incident = NewIncident("incident-old", "classeur hydrangeum", 6 * 366);
  const std::string new_incident = NewIncident("incident-new", "Registre recent lilas", 365);

  for (const char* field : {"people_never_in_circle_months", "people_left_circles_months",
                            "meeting_notes_months", "access_requests_months"}) {
    status = SetMonths(Admin(), absl::StrCat("set-", field), field, 0);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_THAT(Found(MembershipBytes(), kPurged), ::testing::SizeIs(kPurged.size()));
  const auto books_before = TrialBalance();

  mv1::PurgeExpiredRecordsResponse dry;
  status = Purge("", true, keep, &dry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(dry.dry_run());
  EXPECT_THAT(dry.as_of(), EqualsProto(ToDate(MembershipToday())));
  EXPECT_THAT(Lines(dry),
              ElementsAre(absl::StrCat("RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE: ", never, " | kept ",
                                       asking, " RETENTION_KEPT_REASON_OPEN_ACCESS_REQUEST"),
                          absl::StrCat("RETENTION_KIND_PEOPLE_LEFT_CIRCLES: ", leaver, " | kept ",
                                       borrower, " RETENTION_KEPT_REASON_OPEN_LOAN"),
                          absl::StrCat("RETENTION_KIND_MEETING_NOTES: ", recorded.meeting().name()),
                          absl::StrCat("RETENTION_KIND_ACCESS_REQUESTS: ",
                                       done_request.access_request().name()),
                          absl::StrCat("RETENTION_KIND_INCIDENTS: ", old_incident)));
  EXPECT_EQ(dry.kinds(4).months(), 60);
  const absl::CivilDay today = MembershipToday();
  EXPECT_THAT(dry.kinds(4).ended_on_or_before(),
              EqualsProto(ToDate(absl::CivilDay(today.year() - 5, today.month(), today.day()))));
  // The dry run changed nothing.
  EXPECT_THAT(Found(MembershipBytes(), kPurged), ::testing::SizeIs(kPurged.size()));

  mv1::PurgeExpiredRecordsResponse run;
  bool replayed = true;
  status = Purge("purge-1", false, keep, &run, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(replayed);
  EXPECT_FALSE(run.dry_run());
  mv1::PurgeExpiredRecordsResponse dry_as_run = dry;
  dry_as_run.set_dry_run(false);
  EXPECT_THAT(run, EqualsProto(dry_as_run));  // the run agrees with the dry run

  // Gone: every purged word, from the files, the log and the events.
  EXPECT_THAT(Found(MembershipBytes(), kPurged), IsEmpty());
  // Stays: the kept person, the newer incident, the meeting and its attendance, the books.
  EXPECT_THAT(Found(MembershipBytes(), kKept), ::testing::SizeIs(kKept.size()));
  for (const std::string& person : {never, leaver}) {
    mv1::GetPersonRequest get;
    get.set_name(person);
    mv1::GetPersonResponse got;
    ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
    EXPECT_EQ(got.person().status(), mv1::PERSON_STATUS_ERASED) << person;
  }
  mv1::GetMeetingRequest get_meeting;
  get_meeting.set_name(recorded.meeting().name());
  mv1::GetMeetingResponse got_meeting;
  ASSERT_TRUE(meetings_->GetMeeting(Admin().get(), get_meeting, &got_meeting).ok());
  EXPECT_EQ(got_meeting.meeting().minutes(), "");
  EXPECT_EQ(got_meeting.meeting().attendance_size(), 6);
  EXPECT_EQ(got_meeting.meeting().attendance(1).note(), "");
  EXPECT_EQ(got_meeting.meeting().attendance(1).status(), mv1::ATTENDANCE_STATUS_PRESENT);
  ASSERT_EQ(got_meeting.meeting().follow_ups_size(), 1);
  EXPECT_EQ(got_meeting.meeting().follow_ups(0).progress(), "");
  mv1::GetAccessRequestRequest get_request;
  get_request.set_name(done_request.access_request().name());
  mv1::GetAccessRequestResponse got_request;
  EXPECT_THAT(privacy_->GetAccessRequest(Admin().get(), get_request, &got_request),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  get_request.set_name(open_request.access_request().name());
  EXPECT_TRUE(privacy_->GetAccessRequest(Admin().get(), get_request, &got_request).ok());
  mv1::GetIncidentRequest get_incident;
  get_incident.set_name(old_incident);
  mv1::GetIncidentResponse got_incident;
  EXPECT_THAT(privacy_->GetIncident(Admin().get(), get_incident, &got_incident),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  get_incident.set_name(new_incident);
  EXPECT_TRUE(privacy_->GetIncident(Admin().get(), get_incident, &got_incident).ok());
  EXPECT_THAT(TrialBalance(), EqualsProto(books_before));

  // Events: ids only, one per record purged.
  auto db = storage::Database::Open(suite_->DatabaseUrl("membership"));
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Status read = storage::RunInTransaction(
      **db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        auto rows = tx.Query("SELECT subject FROM outbox WHERE type = ? ORDER BY sequence",
                             {std::string("cercles.membership.v1.RetentionPurged")});
        if (!rows.ok()) return rows.status();
        std::vector<std::string> subjects;
        for (const storage::Row& row : *rows) subjects.push_back(row.Text(0));
        EXPECT_THAT(subjects, ElementsAre(recorded.meeting().name(),
                                          done_request.access_request().name(), old_incident));
        rows = tx.Query("SELECT COUNT(*) FROM outbox WHERE type = ?",
                        {std::string("cercles.membership.v1.PersonErased")});
        if (!rows.ok()) return rows.status();
        EXPECT_EQ((*rows)[0].Int(0), 2);
        return absl::OkStatus();
      });
  EXPECT_TRUE(read.ok()) << read;

  // A replay answers the first answer; a second purge finds nothing more.
  mv1::PurgeExpiredRecordsResponse replay;
  ASSERT_TRUE(Purge("purge-1", false, keep, &replay, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_THAT(replay, EqualsProto(run));
  mv1::PurgeExpiredRecordsResponse again;
  ASSERT_TRUE(Purge("purge-2", false, keep, &again).ok());
  EXPECT_THAT(Lines(again),
              ElementsAre(absl::StrCat("RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE: | kept ", asking,
                                       " RETENTION_KEPT_REASON_OPEN_ACCESS_REQUEST"),
                          absl::StrCat("RETENTION_KIND_PEOPLE_LEFT_CIRCLES: | kept ", borrower,
                                       " RETENTION_KEPT_REASON_OPEN_LOAN"),
                          "RETENTION_KIND_MEETING_NOTES:", "RETENTION_KIND_ACCESS_REQUESTS:",
                          "RETENTION_KIND_INCIDENTS:"));
}

TEST_P(RetentionTest, TheScheduleIsForAdminsAndRefusesBadInputNamingTheField) {
  mv1::GetRetentionScheduleResponse got;
  ASSERT_TRUE(
      privacy_->GetRetentionSchedule(Admin().get(), mv1::GetRetentionScheduleRequest(), &got).ok());
  EXPECT_EQ(got.schedule().people_never_in_circle_months(), 24);
  EXPECT_EQ(got.schedule().people_left_circles_months(), 84);
  EXPECT_EQ(got.schedule().meeting_notes_months(), 84);
  EXPECT_EQ(got.schedule().access_requests_months(), 24);
  EXPECT_EQ(got.schedule().incidents_months(), 60);
  EXPECT_EQ(got.schedule().update_principal(), "");

  EXPECT_THAT(privacy_->GetRetentionSchedule(Bob().get(), mv1::GetRetentionScheduleRequest(), &got),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(SetMonths(Bob(), "bob", "meeting_notes_months", 12),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  mv1::PurgeExpiredRecordsRequest purge;
  purge.set_dry_run(true);
  mv1::PurgeExpiredRecordsResponse purged;
  EXPECT_THAT(privacy_->PurgeExpiredRecords(Bob().get(), purge, &purged),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));

  EXPECT_THAT(SetMonths(Admin(), "inc", "incidents_months", 59),
              StatusIs(kInvalid, HasSubstr("schedule.incidents_months must be 60 to 1200 months")));
  EXPECT_THAT(SetMonths(Admin(), "neg", "meeting_notes_months", -1),
              StatusIs(kInvalid, HasSubstr("schedule.meeting_notes_months must be 0 to 1200")));
  EXPECT_THAT(SetMonths(Admin(), "mask", "display_name", 1),
              StatusIs(kInvalid, HasSubstr("update_mask path \"display_name\"")));
  EXPECT_THAT(SetMonths(Admin(), "", "meeting_notes_months", 12),
              StatusIs(kInvalid, HasSubstr("request_id")));
  purge.add_keep_people("circles/1");
  EXPECT_THAT(privacy_->PurgeExpiredRecords(Admin().get(), purge, &purged),
              StatusIs(kInvalid, HasSubstr("keep_people[0]")));
  purge.clear_keep_people();
  purge.set_dry_run(false);
  EXPECT_THAT(privacy_->PurgeExpiredRecords(Admin().get(), purge, &purged),
              StatusIs(kInvalid, HasSubstr("request_id")));

  mv1::RetentionSchedule changed;
  ASSERT_TRUE(SetMonths(Admin(), "years", "meeting_notes_months", 120, &changed).ok());
  EXPECT_EQ(changed.meeting_notes_months(), 120);
  EXPECT_EQ(changed.incidents_months(), 60);
  EXPECT_EQ(changed.update_principal(), "staff:alice");
  ASSERT_TRUE(
      privacy_->GetRetentionSchedule(Admin().get(), mv1::GetRetentionScheduleRequest(), &got).ok());
  EXPECT_THAT(got.schedule(), EqualsProto(changed));
}

// An incident's retain_until follows the schedule's incidents_months, for
// incidents recorded before a change too, and the purge takes an incident on
// that very day: discovered exactly 72 months ago it goes, a day later it stays.
TEST_P(RetentionTest, AnIncidentsRetainUntilFollowsTheSchedule) {
  const absl::CivilDay today = MembershipToday();
  // Day 27 at most: six years on is the same day of the month, a day later too.
  const absl::CivilDay first(today.year() - 6, today.month(), std::min(today.day(), 27));
  const absl::CivilDay second = first + 1;
  const std::string a =
      NewIncident("incident-72-a", "Registre ancien", static_cast<int>(today - first));
  const std::string b =
      NewIncident("incident-72-b", "Registre suivant", static_cast<int>(today - second));
  auto retain_until = [&](const std::string& name) {
    mv1::GetIncidentRequest get;
    get.set_name(name);
    mv1::GetIncidentResponse got;
    grpc::Status status = privacy_->GetIncident(Admin().get(), get, &got);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return FromDate(got.incident().retain_until());
  };
  // Five years (the default): both are past.
  EXPECT_EQ(retain_until(a), absl::CivilDay(first.year() + 5, first.month(), first.day()));
  EXPECT_EQ(retain_until(b), absl::CivilDay(second.year() + 5, second.month(), second.day()));

  ASSERT_TRUE(SetMonths(Admin(), "incidents-72", "incidents_months", 72).ok());
  const absl::CivilDay a_until(first.year() + 6, first.month(), first.day());
  const absl::CivilDay b_until(second.year() + 6, second.month(), second.day());
  EXPECT_EQ(retain_until(a), a_until);
  EXPECT_EQ(retain_until(b), b_until);
  mv1::ListIncidentsResponse listed;
  ASSERT_TRUE(privacy_->ListIncidents(Admin().get(), mv1::ListIncidentsRequest(), &listed).ok());
  ASSERT_EQ(listed.incidents_size(), 2);
  EXPECT_EQ(FromDate(listed.incidents(0).retain_until()), a_until);

  // The purge takes each incident from its retain_until on, not before.
  mv1::PurgeExpiredRecordsResponse dry;
  ASSERT_TRUE(Purge("", true, {}, &dry).ok());
  std::vector<std::string> expected;
  if (a_until <= today) expected.push_back(a);
  if (b_until <= today) expected.push_back(b);
  ASSERT_EQ(dry.kinds_size(), 5);
  EXPECT_EQ(dry.kinds(4).kind(), mv1::RETENTION_KIND_INCIDENTS);
  EXPECT_EQ(dry.kinds(4).months(), 72);
  EXPECT_THAT(dry.kinds(4).records(), ::testing::ElementsAreArray(expected));
  if (today.day() <= 27) EXPECT_THAT(expected, ElementsAre(a));  // a's day is today
  mv1::PurgeExpiredRecordsResponse run;
  ASSERT_TRUE(Purge("purge-incidents-72", false, {}, &run).ok());
  EXPECT_THAT(run.kinds(4).records(), ::testing::ElementsAreArray(expected));
}

TEST_P(RetentionTest, CerclesctlShowsSetsAndPurgesKeepingBorrowers) {
  const std::string& admin = TestCredentials().admin_token;
  const std::string lending = suite_->Address("lending");
  std::vector<std::string> members;
  const std::string circle = Circle("Cli", 5, &members);
  Disburse(circle, members, 0, 50000, FundToday() - 3);
  mv1::RemoveCircleMemberRequest leave;
  leave.set_request_id("leave-borrower");
  leave.set_circle(circle);
  leave.set_person(members[0]);
  leave.set_reason("déménage");
  mv1::RemoveCircleMemberResponse left;
  ASSERT_TRUE(circles_->RemoveCircleMember(Bob().get(), leave, &left).ok());
  const std::string never = NewPerson("never", "Ulrikha", "Brandevoort");

  CtlResult r = RunCerclesctl(
      *suite_, "membership", admin,
      {"privacy", "retention", "set", "--kind", "incidents", "--years", "4"}, work_dir());
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("schedule.incidents_months must be 60 to 1200 months"));
  for (const char* kind : {"people-never-in-circle", "people-left-circles"}) {
    r = RunCerclesctl(*suite_, "membership", admin,
                      {"privacy", "retention", "set", "--kind", kind, "--months", "0"}, work_dir());
    ASSERT_EQ(r.code, 0) << r.err;
  }
  r = RunCerclesctl(*suite_, "membership", admin, {"privacy", "retention", "get", "--lang", "fr"},
                    work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Personnes jamais en cercle"));
  EXPECT_THAT(r.out, HasSubstr("Modifié par staff:alice"));

  r = RunCerclesctl(*suite_, "membership", admin, {"privacy", "purge", "--dry-run"}, work_dir());
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("no lending address"));
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "purge", "--dry-run", "--lending-address", lending}, work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("dry run: nothing is changed"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("People never in a circle: ", never)));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("kept: ", members[0], " (open loan or guarantee)")));
  // Not confirmed (no input): nothing purged.
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "purge", "--lending-address", lending}, work_dir());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("not confirmed: nothing was purged"));
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("People never in a circle: ", never)));
  r = RunCerclesctl(*suite_, "membership", admin,
                    {"privacy", "purge", "--yes", "--lang", "fr", "--lending-address", lending},
                    work_dir());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Purge au"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("Personnes jamais en cercle: ", never)));
  EXPECT_THAT(r.out,
              HasSubstr(absl::StrCat("gardé : ", members[0], " (prêt ou garantie en cours)")));
  for (const std::string& person : {never, members[0]}) {
    mv1::GetPersonRequest get;
    get.set_name(person);
    mv1::GetPersonResponse got;
    ASSERT_TRUE(people_->GetPerson(Admin().get(), get, &got).ok());
    EXPECT_EQ(got.person().status() == mv1::PERSON_STATUS_ERASED, person == never) << person;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, RetentionTest, AllEngines(), EngineParamName);

}  // namespace
}  // namespace cercles::testing
