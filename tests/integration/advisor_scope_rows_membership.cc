// The advisor-scope rows of membership's RPCs (see advisor_scope_test.cc).
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/api/date.h"
#include "tests/integration/advisor_scope_fixture.h"

namespace cercles::testing::advisor_scope {

std::vector<Row> AdvisorScopeTest::MembershipRows() {
  std::vector<Row> rows;
  const Expect kRefused = Expect::kRefused, kFiltered = Expect::kFiltered,
               kNotScoped = Expect::kNotScoped;
  mv1::MembershipService::Stub* c = circles_.get();
  mv1::PeopleService::Stub* p = people_.get();
  mv1::TrainingService::Stub* t = trainings_.get();
  mv1::MeetingService::Stub* m = meetings_.get();
  const std::string b_person = members_b_[1];
  // ---- membership: circles ----
  {
    mv1::CreateCircleRequest r;
    r.set_request_id("scope-create");
    r.mutable_circle()->set_display_name("Cercle de Bob");
    rows.push_back(MakeRow(kNotScoped, "a new circle (his own)", c,
                           &mv1::MembershipService::Stub::CreateCircle, r, {},
                           "names no existing circle; it becomes Bob's"));
  }
  {
    mv1::GetCircleRequest r;
    r.set_name(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::GetCircle, r));
  }
  {
    rows.push_back(MakeRow(kFiltered, "unfiltered", c, &mv1::MembershipService::Stub::ListCircles,
                           mv1::ListCirclesRequest(), {Quoted(circle_a_)}));
    mv1::ListCirclesRequest r;
    r.set_advisor(dora_);
    rows.push_back(
        MakeRow(kRefused, "advisor=Dora", c, &mv1::MembershipService::Stub::ListCircles, r));
  }
  {
    mv1::UpdateCircleRequest r;
    r.set_request_id("scope-update");
    r.mutable_circle()->set_name(circle_b_);
    r.mutable_circle()->set_display_name("Pris par Bob");
    r.mutable_update_mask()->add_paths("display_name");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::UpdateCircle, r));
  }
  {
    mv1::AddCircleMemberRequest r;
    r.set_request_id("scope-add");
    r.set_circle(circle_b_);
    r.set_person(free_person_);
    r.set_reason("newcomer");
    rows.push_back(MakeRow(kRefused, "to B", c, &mv1::MembershipService::Stub::AddCircleMember, r));
    r.set_request_id("scope-add-2");
    r.set_circle(circle_a_);
    r.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "B's member to A", c, &mv1::MembershipService::Stub::AddCircleMember, r));
  }
  {
    mv1::RemoveCircleMemberRequest r;
    r.set_request_id("scope-remove");
    r.set_circle(circle_b_);
    r.set_person(b_person);
    r.set_reason("moved away");
    rows.push_back(
        MakeRow(kRefused, "from B", c, &mv1::MembershipService::Stub::RemoveCircleMember, r));
  }
  {
    mv1::ListCircleMembersRequest r;
    r.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ListCircleMembers, r));
    mv1::ListCircleHistoryRequest h;
    h.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ListCircleHistory, h));
  }
  {
    mv1::ActivateCircleRequest a;
    a.set_request_id("scope-activate");
    a.set_name(circle_b_);
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ActivateCircle, a));
    mv1::SuspendCircleRequest s;
    s.set_request_id("scope-suspend");
    s.set_name(circle_b_);
    s.set_reason("pause");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::SuspendCircle, s));
    mv1::ResumeCircleRequest u;
    u.set_request_id("scope-resume");
    u.set_name(circle_b_);
    u.set_reason("reprise");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::ResumeCircle, u));
    mv1::DissolveCircleRequest d;
    d.set_request_id("scope-dissolve");
    d.set_name(circle_b_);
    d.set_reason("fin");
    rows.push_back(MakeRow(kRefused, "B", c, &mv1::MembershipService::Stub::DissolveCircle, d));
  }
  {
    mv1::MergeCirclesRequest r;
    r.set_request_id("scope-merge");
    r.add_circles(circle_a_);
    r.add_circles(circle_b_);
    r.set_display_name("A et B");
    rows.push_back(
        MakeRow(kRefused, "A with B", c, &mv1::MembershipService::Stub::MergeCircles, r));
  }
  {
    mv1::ProposeCirclesRequest r;
    r.set_training(training_);
    rows.push_back(MakeRow(kFiltered, "the cohort (free graduates only)", c,
                           &mv1::MembershipService::Stub::ProposeCircles, r));
  }
  {
    mv1::AcceptCircleProposalRequest r;
    r.set_request_id("scope-accept");
    r.set_validate_only(true);
    mv1::ProposedCircle* proposed = r.add_circles();
    proposed->set_display_name("Avec les membres de B");
    for (const std::string& member : members_b_) proposed->add_people(member);
    rows.push_back(MakeRow(kRefused, "B's members", c,
                           &mv1::MembershipService::Stub::AcceptCircleProposal, r));
  }
  rows.push_back(MakeRow(kNotScoped, "the fund's advisors", c,
                         &mv1::MembershipService::Stub::ListAdvisors, mv1::ListAdvisorsRequest(),
                         {}, "the fund's staff directory (names and e-mails of its advisors)"));

  // ---- membership: people ----
  {
    mv1::CreatePersonRequest r;
    r.set_request_id("scope-person");
    r.mutable_person()->set_given_name("Nouvelle");
    r.mutable_person()->set_family_name("Personne");
    r.mutable_person()->set_language(mv1::LANGUAGE_FR);
    rows.push_back(MakeRow(kNotScoped, "a new person", p, &mv1::PeopleService::Stub::CreatePerson,
                           r, {}, "a new person is in no circle"));
  }
  {
    mv1::GetPersonRequest r;
    r.set_name(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::GetPerson, r));
    r.set_name(free_person_);
    rows.push_back(MakeRow(kFiltered, "a person in no circle", p,
                           &mv1::PeopleService::Stub::GetPerson, r, {Quoted(free_person_)}));
  }
  {
    mv1::UpdatePersonRequest r;
    r.set_request_id("scope-update-person");
    r.mutable_person()->set_name(b_person);
    r.mutable_person()->mutable_contact()->set_phone("+1 514 555 0000");
    r.mutable_update_mask()->add_paths("contact.phone");
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::UpdatePerson, r));
  }
  {
    mv1::ListPeopleRequest r;
    r.set_circle(circle_b_);
    rows.push_back(MakeRow(kRefused, "circle=B", p, &mv1::PeopleService::Stub::ListPeople, r));
    rows.push_back(MakeRow(kFiltered, "unfiltered", p, &mv1::PeopleService::Stub::ListPeople,
                           mv1::ListPeopleRequest(),
                           {Quoted(members_a_[0]), Quoted(free_person_)}));
    mv1::ListPeopleRequest cohort;
    cohort.set_cohort(training_);
    rows.push_back(MakeRow(kFiltered, "cohort", p, &mv1::PeopleService::Stub::ListPeople, cohort,
                           {Quoted(members_a_[0])}));
  }
  {
    mv1::RecordConsentRequest r;
    r.set_request_id("scope-consent");
    r.set_person(b_person);
    r.mutable_change()->set_purpose(mv1::CONSENT_PURPOSE_SHARE_WITH_NETWORK);
    r.mutable_change()->set_action(mv1::CONSENT_ACTION_WITHDRAW);
    r.mutable_change()->set_wording_version("2026-01");
    r.mutable_change()->set_channel(mv1::CONSENT_CHANNEL_PHONE);
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::RecordConsent, r));
    mv1::ListConsentChangesRequest l;
    l.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::ListConsentChanges, l));
  }
  {
    mv1::CorrectPersonRequest r;
    r.set_request_id("scope-correct");
    r.mutable_person()->set_name(b_person);
    r.mutable_person()->set_given_name("Corrigé");
    r.mutable_update_mask()->add_paths("given_name");
    r.set_reason("misspelled");
    rows.push_back(MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::CorrectPerson, r));
    mv1::ListPersonCorrectionsRequest l;
    l.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "B's member", p, &mv1::PeopleService::Stub::ListPersonCorrections, l));
  }

  // ---- membership: trainings ----
  {
    mv1::CreateTrainingRequest r;
    r.set_request_id("scope-training");
    r.mutable_training()->set_display_name("Cohorte de Bob");
    *r.mutable_training()->mutable_start_date() = ToDate(FundToday() - 10);
    *r.mutable_training()->mutable_end_date() = ToDate(FundToday() + 50);
    rows.push_back(MakeRow(kNotScoped, "a new cohort", t,
                           &mv1::TrainingService::Stub::CreateTraining, r, {},
                           "trainings are the fund's cohorts, of no circle"));
    mv1::GetTrainingRequest g;
    g.set_name(training_);
    rows.push_back(MakeRow(kNotScoped, "the cohort", t, &mv1::TrainingService::Stub::GetTraining, g,
                           {}, "a cohort's name and dates"));
    rows.push_back(MakeRow(kNotScoped, "every cohort", t,
                           &mv1::TrainingService::Stub::ListTrainings, mv1::ListTrainingsRequest(),
                           {}, "cohorts' names and dates"));
  }
  {
    mv1::EnrolPersonRequest r;
    r.set_request_id("scope-enrol");
    r.set_training(training_);
    r.set_person(b_person);
    rows.push_back(MakeRow(kRefused, "B's member", t, &mv1::TrainingService::Stub::EnrolPerson, r));
    mv1::CompleteTrainingRequest done;
    done.set_request_id("scope-complete");
    done.set_training(training_);
    done.set_person(b_person);
    *done.mutable_completion_date() = ToDate(FundToday() - 450);
    rows.push_back(
        MakeRow(kRefused, "B's member", t, &mv1::TrainingService::Stub::CompleteTraining, done));
  }
  {
    mv1::ListEnrolmentsRequest r;
    r.set_person(b_person);
    rows.push_back(
        MakeRow(kRefused, "person=B's member", t, &mv1::TrainingService::Stub::ListEnrolments, r));
    mv1::ListEnrolmentsRequest cohort;
    cohort.set_training(training_);
    rows.push_back(MakeRow(kFiltered, "training", t, &mv1::TrainingService::Stub::ListEnrolments,
                           cohort, {Quoted(members_a_[0]), Quoted(free_person_)}));
  }

  // ---- membership: meetings ----
  {
    mv1::SetMeetingScheduleRequest r;
    r.set_request_id("scope-schedule");
    r.mutable_schedule()->set_name(circle_b_ + "/meetingSchedule");
    r.mutable_schedule()->set_frequency(mv1::MEETING_FREQUENCY_MONTHLY);
    *r.mutable_schedule()->mutable_first_meeting_date() = ToDate(FundToday() + 7);
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::SetMeetingSchedule, r));
    mv1::GetMeetingScheduleRequest g;
    g.set_name(circle_b_ + "/meetingSchedule");
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::GetMeetingSchedule, g));
  }
  {
    mv1::RecordMeetingRequest r;
    r.set_request_id("scope-meeting");
    r.set_parent(circle_b_);
    *r.mutable_meeting()->mutable_meeting_date() = ToDate(FundToday() - 1);
    for (const std::string& member : members_b_) {
      mv1::Attendance* attendance = r.mutable_meeting()->add_attendance();
      attendance->set_person(member);
      attendance->set_status(mv1::ATTENDANCE_STATUS_PRESENT);
    }
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::RecordMeeting, r));
    mv1::GetMeetingRequest g;
    g.set_name(meeting_b_);
    rows.push_back(MakeRow(kRefused, "B's meeting", m, &mv1::MeetingService::Stub::GetMeeting, g));
    mv1::ListMeetingsRequest list;
    list.set_parent(circle_b_);
    list.set_view(mv1::MEETING_VIEW_FULL);
    rows.push_back(MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::ListMeetings, list));
    mv1::GetAttendanceSummaryRequest summary;
    summary.set_circle(circle_b_);
    rows.push_back(
        MakeRow(kRefused, "B", m, &mv1::MeetingService::Stub::GetAttendanceSummary, summary));
    mv1::ListBusinessHistoryRequest history;
    history.set_parent(members_b_[0]);
    rows.push_back(MakeRow(kRefused, "B's member", m,
                           &mv1::MeetingService::Stub::ListBusinessHistory, history));
    mv1::GetCirclesReportRequest report;
    report.mutable_from_date()->set_year(2020);
    report.mutable_from_date()->set_month(1);
    report.mutable_from_date()->set_day(1);
    *report.mutable_to_date() =
        api::DateFromDay(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
    rows.push_back(MakeRow(kFiltered, "his circles", m,
                           &mv1::MeetingService::Stub::GetCirclesReport, report,
                           {Quoted(circle_a_)}));
  }

  return rows;
}

}  // namespace cercles::testing::advisor_scope
