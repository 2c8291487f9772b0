#include "tools/demo/demo_loader.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "tools/cerclesctl/connection.h"
#include "tools/demo/business_story.h"
#include "tools/demo/demo_call.h"
#include "tools/demo/demo_plan.h"

namespace cercles::demo {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& t) {
  return absl::ToCivilDay(ToTime(t), absl::UTCTimeZone());
}

// A planned change's effective time: `day` at hour:minute, UTC (the fund's day,
// as membership counts the members of a meeting's day). Derived from the plan
// only, so that a re-run sends the very same request.
google::protobuf::Timestamp At(absl::CivilDay day, int hour, int minute) {
  const absl::Time t = absl::FromCivil(
      absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute), absl::UTCTimeZone());
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

class Loader {
 public:
  Loader(const std::shared_ptr<grpc::Channel>& channel, const LoaderOptions& options)
      : options_(options),
        circles_(v1::MembershipService::NewStub(channel)),
        people_(v1::PeopleService::NewStub(channel)),
        trainings_(v1::TrainingService::NewStub(channel)),
        meetings_(v1::MeetingService::NewStub(channel)) {}

  absl::StatusOr<LoadSummary> Run();

 private:
  // One call with retries (demo_call.h).
  absl::Status Call(const std::string& what,
                    const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
    return CallWithRetries({options_.token, options_.timeout, &calls_}, what, rpc);
  }

  bool IsNew(const google::protobuf::Timestamp& t) const { return ToTime(t) >= start_; }

  absl::Status LoadAdvisors();
  absl::Status LoadTrainings();
  absl::Status LoadPeople();
  absl::Status CreateCircle(const CirclePlan& c);
  // The circle's past in order (founders, activation, departure, each at its
  // planned time), then what has no past date: the advisor, the schedule.
  absl::Status FormCircle(const CirclePlan& c);
  // After its meetings: the fund suspends the circle (today).
  absl::Status Suspend(const CirclePlan& c);
  absl::Status LoadMerge();
  absl::Status Schedule(const std::string& key, const std::string& circle_name,
                        const CirclePlan& c);
  // The circle's meeting number `n` (from 1), on `day`, with its members of that day.
  absl::Status Meet(const std::string& key, const std::string& circle_name, const CirclePlan& c,
                    const std::vector<int>& members, absl::CivilDay day, int n);
  void Record(const std::string& circle_name, const v1::Circle& circle) {
    absl::MutexLock lock(&mu_);
    final_circles_[circle_name] = circle;
  }

  const LoaderOptions options_;
  std::unique_ptr<v1::MembershipService::Stub> circles_;
  std::unique_ptr<v1::PeopleService::Stub> people_;
  std::unique_ptr<v1::TrainingService::Stub> trainings_;
  std::unique_ptr<v1::MeetingService::Stub> meetings_;
  absl::Time start_;
  std::atomic<int64_t> calls_{0};

  std::vector<AdvisorPlan> advisor_plans_;
  std::vector<std::string> advisor_names_;  // "advisors/N", parallel to advisor_plans_
  DemoPlan plan_;
  std::vector<std::string> training_names_;
  std::vector<std::string> person_names_;
  std::vector<std::string> circle_names_;

  absl::Mutex mu_;
  LoadSummary summary_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Circle> final_circles_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> meeting_circles_ ABSL_GUARDED_BY(mu_);
};

absl::Status Loader::LoadAdvisors() {
  advisor_plans_ = PlanAdvisors(options_.advisor_token_names);
  for (const AdvisorPlan& plan : advisor_plans_) {
    v1::CreateAdvisorRequest request;
    request.set_request_id(plan.request_id);
    *request.mutable_advisor() = plan.advisor;
    v1::CreateAdvisorResponse response;
    absl::Status status = Call(
        absl::StrCat("CreateAdvisor ", plan.request_id),
        [&](grpc::ClientContext* c) { return circles_->CreateAdvisor(c, request, &response); });
    v1::Advisor advisor = response.advisor();
    if (absl::IsAlreadyExists(status)) {
      // Bound to that token already, by someone else: use that record.
      bool found = false;
      v1::ListAdvisorsRequest list;
      list.set_page_size(500);
      do {
        v1::ListAdvisorsResponse page;
        absl::Status listed = Call("ListAdvisors", [&](grpc::ClientContext* c) {
          return circles_->ListAdvisors(c, list, &page);
        });
        if (!listed.ok()) return listed;
        for (const v1::Advisor& a : page.advisors()) {
          if (a.principal_name() == plan.advisor.principal_name()) {
            advisor = a;
            found = true;
          }
        }
        list.set_page_token(page.next_page_token());
      } while (!found && !list.page_token().empty());
      if (!found) return status;
      status = absl::OkStatus();
    }
    if (!status.ok()) return status;
    advisor_names_.push_back(advisor.name());
    absl::MutexLock lock(&mu_);
    ++summary_.advisors;
    if (IsNew(advisor.create_time())) ++summary_.advisors_new;
    if (advisor_names_.size() == 1) plan_.anchor = DayOf(advisor.create_time());
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadTrainings() {
  // In order, one at a time, like the people and the circles: on an empty
  // database the numbers come out the same on every load (trainings/1 is the
  // oldest cohort, people/1 the first person, circles/1 "Les Pionnières").
  training_names_.resize(plan_.trainings.size());
  return RunParallel(plan_.trainings.size(), 1, [&](size_t i) -> absl::Status {
    const TrainingPlan& t = plan_.trainings[i];
    v1::CreateTrainingRequest request;
    request.set_request_id(t.request_id);
    request.mutable_training()->set_display_name(t.display_name);
    *request.mutable_training()->mutable_start_date() = ToDate(t.start);
    *request.mutable_training()->mutable_end_date() = ToDate(t.end);
    v1::CreateTrainingResponse response;
    absl::Status status = Call(
        absl::StrCat("CreateTraining ", t.request_id),
        [&](grpc::ClientContext* c) { return trainings_->CreateTraining(c, request, &response); });
    if (!status.ok()) return status;
    training_names_[i] = response.training().name();
    absl::MutexLock lock(&mu_);
    ++summary_.trainings;
    if (IsNew(response.training().create_time())) ++summary_.trainings_new;
    return absl::OkStatus();
  });
}

absl::Status Loader::LoadPeople() {
  person_names_.resize(plan_.people.size());
  absl::Status status = RunParallel(plan_.people.size(), 1, [&](size_t i) -> absl::Status {
    const PersonPlan& p = plan_.people[i];
    v1::CreatePersonRequest create;
    create.set_request_id(p.request_id);
    *create.mutable_person() = p.person;
    v1::CreatePersonResponse created;
    absl::Status status =
        Call(absl::StrCat("CreatePerson ", p.request_id),
             [&](grpc::ClientContext* c) { return people_->CreatePerson(c, create, &created); });
    if (!status.ok()) return status;
    person_names_[i] = created.person().name();
    absl::MutexLock lock(&mu_);
    ++summary_.people;
    if (IsNew(created.person().create_time())) ++summary_.people_new;
    if (p.person.language() == v1::LANGUAGE_FR) ++summary_.french_speaking;
    if (p.person.expertise_opt_in()) ++summary_.opted_in_expertise;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // Enrolments and completions create no numbered resource: in parallel.
  return RunParallel(plan_.people.size(), options_.concurrency, [&](size_t i) -> absl::Status {
    const PersonPlan& p = plan_.people[i];
    if (p.cohort < 0) return absl::OkStatus();
    const std::string& person = person_names_[i];
    const std::string& training = training_names_[static_cast<size_t>(p.cohort)];
    const std::string suffix = absl::StrCat(p.cohort + 1, "-", i + 1);
    v1::EnrolPersonRequest enrol;
    enrol.set_request_id(absl::StrCat("demo-enrol-", suffix));
    enrol.set_training(training);
    enrol.set_person(person);
    v1::EnrolPersonResponse enrolled;
    absl::Status status =
        Call(absl::StrCat("EnrolPerson ", enrol.request_id()),
             [&](grpc::ClientContext* c) { return trainings_->EnrolPerson(c, enrol, &enrolled); });
    if (!status.ok()) return status;
    if (p.completes) {
      v1::CompleteTrainingRequest complete;
      complete.set_request_id(absl::StrCat("demo-complete-", suffix));
      complete.set_training(training);
      complete.set_person(person);
      *complete.mutable_completion_date() =
          ToDate(plan_.trainings[static_cast<size_t>(p.cohort)].end);
      v1::CompleteTrainingResponse completed;
      status = Call(absl::StrCat("CompleteTraining ", complete.request_id()),
                    [&](grpc::ClientContext* c) {
                      return trainings_->CompleteTraining(c, complete, &completed);
                    });
      if (!status.ok()) return status;
    }
    absl::MutexLock lock(&mu_);
    ++summary_.enrolments;
    if (p.completes) ++summary_.completions;
    if (!p.completes && plan_.trainings[static_cast<size_t>(p.cohort)].end > plan_.anchor) {
      ++summary_.in_training;
    }
    return absl::OkStatus();
  });
}

absl::Status Loader::Schedule(const std::string& key, const std::string& circle_name,
                              const CirclePlan& c) {
  v1::SetMeetingScheduleRequest schedule;
  schedule.set_request_id(absl::StrCat("demo-schedule-", key));
  *schedule.mutable_schedule() = c.schedule;
  schedule.mutable_schedule()->set_name(absl::StrCat(circle_name, "/meetingSchedule"));
  v1::SetMeetingScheduleResponse scheduled;
  absl::Status status = Call(absl::StrCat("SetMeetingSchedule ", schedule.request_id()),
                             [&](grpc::ClientContext* ctx) {
                               return meetings_->SetMeetingSchedule(ctx, schedule, &scheduled);
                             });
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  ++summary_.schedules;
  if (c.schedule.frequency() == v1::MEETING_FREQUENCY_MONTHLY) ++summary_.monthly;
  if (c.schedule.frequency() == v1::MEETING_FREQUENCY_EVERY_TWO_WEEKS) ++summary_.biweekly;
  return absl::OkStatus();
}

absl::Status Loader::Meet(const std::string& key, const std::string& circle_name,
                          const CirclePlan& c, const std::vector<int>& members, absl::CivilDay day,
                          int n) {
  std::vector<MeetingMember> attendance;
  for (int m : members) {
    attendance.push_back(
        {person_names_[static_cast<size_t>(m)], &plan_.people[static_cast<size_t>(m)]});
  }
  v1::RecordMeetingRequest record;
  record.set_request_id(absl::StrCat("demo-meeting-", key, "-", n));
  record.set_parent(circle_name);
  *record.mutable_meeting() = PlanMeeting(options_.seed, key, c, day, attendance);
  AddBusinessOutcomes(options_.seed, plan_.circles, c, day, attendance, record.mutable_meeting());
  v1::RecordMeetingResponse recorded;
  absl::Status status = Call(
      absl::StrCat("RecordMeeting ", record.request_id()),
      [&](grpc::ClientContext* ctx) { return meetings_->RecordMeeting(ctx, record, &recorded); });
  if (!status.ok()) return status;

  absl::MutexLock lock(&mu_);
  ++summary_.meetings;
  const v1::Meeting& m = recorded.meeting();
  if (IsNew(m.create_time())) ++summary_.meetings_new;
  const std::string text = DayText(day);
  if (summary_.first_meeting_day.empty() || text < summary_.first_meeting_day) {
    summary_.first_meeting_day = text;
  }
  summary_.last_meeting_day = std::max(summary_.last_meeting_day, text);
  meeting_circles_.insert(circle_name);
  summary_.present += m.counts().present();
  summary_.late += m.counts().late();
  summary_.excused += m.counts().excused();
  summary_.absent += m.counts().absent();
  summary_.follow_ups += m.follow_ups_size();
  for (const auto& f : m.follow_ups()) {
    for (int kind : f.help_offered()) {
      if (kind == v1::HELP_KIND_REFERRAL_NEEDED) ++summary_.referrals;
    }
  }
  return absl::OkStatus();
}

absl::Status Loader::CreateCircle(const CirclePlan& c) {
  v1::CreateCircleRequest create;
  create.set_request_id(absl::StrCat("demo-circle-", c.index + 1));
  create.mutable_circle()->set_display_name(c.display_name);
  for (const auto& ch : c.characteristics) *create.mutable_circle()->add_characteristics() = ch;
  *create.mutable_effective_time() = At(c.formed, 18, 0);
  v1::CreateCircleResponse created;
  absl::Status status =
      Call(absl::StrCat("CreateCircle ", create.request_id()),
           [&](grpc::ClientContext* ctx) { return circles_->CreateCircle(ctx, create, &created); });
  if (!status.ok()) return status;
  circle_names_[static_cast<size_t>(c.index)] = created.circle().name();
  Record(created.circle().name(), created.circle());
  return absl::OkStatus();
}

absl::Status Loader::FormCircle(const CirclePlan& c) {
  const std::string key = absl::StrCat(c.index + 1);
  const std::string& name = circle_names_[static_cast<size_t>(c.index)];
  const std::string cohort_number = absl::StrCat(31 + c.cohort);
  absl::Status status;
  // The founders join the evening the circle formed, a minute apart.
  for (size_t i = 0; i < c.members.size(); ++i) {
    const int m = c.members[i];
    v1::AddCircleMemberRequest add;
    add.set_request_id(absl::StrCat("demo-member-", key, "-", m + 1));
    add.set_circle(name);
    add.set_person(person_names_[static_cast<size_t>(m)]);
    add.set_reason(c.language == Language::kFrench
                       ? absl::StrCat("membre fondateur (cohorte ", cohort_number, ")")
                       : absl::StrCat("founding member (cohort ", cohort_number, ")"));
    *add.mutable_effective_time() = At(c.formed, 18, 5 + static_cast<int>(i));
    v1::AddCircleMemberResponse added;
    status =
        Call(absl::StrCat("AddCircleMember ", add.request_id()),
             [&](grpc::ClientContext* ctx) { return circles_->AddCircleMember(ctx, add, &added); });
    if (!status.ok()) return status;
  }
  if (c.fate != Fate::kForming) {
    v1::ActivateCircleRequest activate;
    activate.set_request_id(absl::StrCat("demo-activate-", key));
    activate.set_name(name);
    *activate.mutable_effective_time() = At(c.activated, 10, 0);
    v1::ActivateCircleResponse activated;
    status =
        Call(absl::StrCat("ActivateCircle ", activate.request_id()), [&](grpc::ClientContext* ctx) {
          return circles_->ActivateCircle(ctx, activate, &activated);
        });
    if (!status.ok()) return status;
  }
  if (c.leaving_member >= 0) {
    v1::RemoveCircleMemberRequest remove;
    remove.set_request_id(absl::StrCat("demo-leave-", key, "-", c.leaving_member + 1));
    remove.set_circle(name);
    remove.set_person(person_names_[static_cast<size_t>(c.leaving_member)]);
    remove.set_reason(c.fate_reason);
    *remove.mutable_effective_time() = At(c.departure, 12, 0);
    v1::RemoveCircleMemberResponse removed;
    status = Call(absl::StrCat("RemoveCircleMember ", remove.request_id()),
                  [&](grpc::ClientContext* ctx) {
                    return circles_->RemoveCircleMember(ctx, remove, &removed);
                  });
    if (!status.ok()) return status;
  }
  // Last: an assignment has no past date, it is a change of today's (and
  // nothing could be dated before it afterwards).
  v1::AssignCircleAdvisorRequest assign;
  assign.set_request_id(absl::StrCat("demo-assign-", key));
  assign.set_circle(name);
  assign.set_advisor(advisor_names_[static_cast<size_t>(c.advisor)]);
  v1::AssignCircleAdvisorResponse assigned;
  status = Call(absl::StrCat("AssignCircleAdvisor ", assign.request_id()),
                [&](grpc::ClientContext* ctx) {
                  return circles_->AssignCircleAdvisor(ctx, assign, &assigned);
                });
  if (!status.ok()) return status;
  Record(name, assigned.circle());
  {
    // Its creation is dated in the past: the assignment tells a new circle.
    absl::MutexLock lock(&mu_);
    if (IsNew(assigned.circle().update_time())) ++summary_.circles_new;
  }
  return Schedule(key, name, c);
}

absl::Status Loader::Suspend(const CirclePlan& c) {
  if (c.fate != Fate::kSuspended) return absl::OkStatus();
  const std::string& name = circle_names_[static_cast<size_t>(c.index)];
  v1::SuspendCircleRequest suspend;
  suspend.set_request_id(absl::StrCat("demo-suspend-", c.index + 1));
  suspend.set_name(name);
  suspend.set_reason(c.fate_reason);
  v1::SuspendCircleResponse suspended;
  absl::Status status = Call(
      absl::StrCat("SuspendCircle ", suspend.request_id()),
      [&](grpc::ClientContext* ctx) { return circles_->SuspendCircle(ctx, suspend, &suspended); });
  if (!status.ok()) return status;
  Record(name, suspended.circle());
  return absl::OkStatus();
}

absl::Status Loader::LoadMerge() {
  const MergePlan& merge = plan_.merge;
  v1::MergeCirclesRequest request;
  request.set_request_id(merge.request_id);
  for (int source : merge.sources) {
    request.add_circles(circle_names_[static_cast<size_t>(source)]);
  }
  request.set_display_name(merge.result.display_name);
  for (const auto& ch : merge.result.characteristics) *request.add_characteristics() = ch;
  v1::MergeCirclesResponse response;
  absl::Status status = Call(
      absl::StrCat("MergeCircles ", merge.request_id),
      [&](grpc::ClientContext* ctx) { return circles_->MergeCircles(ctx, request, &response); });
  if (!status.ok()) return status;
  for (const v1::Circle& source : response.merged()) Record(source.name(), source);
  const std::string name = response.circle().name();
  {
    absl::MutexLock lock(&mu_);
    if (IsNew(response.circle().create_time())) ++summary_.circles_new;
  }
  Record(name, response.circle());
  status = Schedule("merged-1", name, merge.result);
  if (!status.ok()) return status;
  // Its first meeting, the day it formed (the merge's, read back: the same on a re-run).
  return Meet("merged-1", name, merge.result, merge.result.members,
              DayOf(response.circle().create_time()), 1);
}

absl::StatusOr<LoadSummary> Loader::Run() {
  start_ = absl::Now();
  absl::Status status = LoadAdvisors();
  if (!status.ok()) return status;
  const absl::CivilDay anchor = plan_.anchor;
  plan_ = PlanDemo(options_.seed, anchor, static_cast<int>(advisor_plans_.size()));
  status = LoadTrainings();
  if (!status.ok()) return status;
  status = LoadPeople();
  if (!status.ok()) return status;
  const size_t n = plan_.circles.size();
  circle_names_.resize(n);
  // Created in order (numbered like the plan), their past recorded in parallel
  // (each circle's in time order), then their meetings one at a time in order
  // (numbered the same on every load), before the suspension and the merge (a
  // suspended or merged circle records no meeting).
  status = RunParallel(n, 1, [&](size_t i) { return CreateCircle(plan_.circles[i]); });
  if (!status.ok()) return status;
  status =
      RunParallel(n, options_.concurrency, [&](size_t i) { return FormCircle(plan_.circles[i]); });
  if (!status.ok()) return status;
  std::vector<std::pair<size_t, size_t>> meetings;  // (circle, meeting)
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < plan_.circles[i].meeting_days.size(); ++k) meetings.emplace_back(i, k);
  }
  status = RunParallel(meetings.size(), 1, [&](size_t j) {
    const auto [i, k] = meetings[j];
    const CirclePlan& c = plan_.circles[i];
    const absl::CivilDay day = c.meeting_days[k];
    return Meet(absl::StrCat(c.index + 1), circle_names_[i], c, MembersOn(c, day), day,
                static_cast<int>(k) + 1);
  });
  if (!status.ok()) return status;
  status =
      RunParallel(n, options_.concurrency, [&](size_t i) { return Suspend(plan_.circles[i]); });
  if (!status.ok()) return status;
  status = LoadMerge();
  if (!status.ok()) return status;

  absl::MutexLock lock(&mu_);
  LoadSummary out = summary_;
  out.elapsed = absl::Now() - start_;
  out.calls = calls_.load();
  out.anchor_day = DayText(anchor);
  out.meeting_circles = static_cast<int>(meeting_circles_.size());
  std::map<std::string, int> per_advisor;
  for (const auto& [name, circle] : final_circles_) {
    out.fund_id = circle.fund_id();
    ++out.circles;
    ++out.circles_by_status[circle.status()];
    out.current_members += circle.member_count();
    if (circle.status() != v1::CIRCLE_STATUS_MERGED) ++per_advisor[circle.advisor()];
  }
  for (size_t i = 0; i < advisor_plans_.size(); ++i) {
    const v1::Advisor& a = advisor_plans_[i].advisor;
    out.circles_by_advisor.emplace_back(
        absl::StrCat(a.display_name(), " (", a.principal_name(), ")"),
        per_advisor[advisor_names_[i]]);
  }
  out.showcase = circle_names_.front();
  out.showcase_name = plan_.circles.front().display_name;
  out.plan = plan_;
  out.person_names = person_names_;
  out.circle_names = circle_names_;
  return out;
}

std::string Percent(int part, int whole) {
  return whole == 0 ? "0 %" : absl::StrFormat("%d %%", (part * 100 + whole / 2) / whole);
}

}  // namespace

absl::StatusOr<LoadSummary> LoadDemo(const std::shared_ptr<grpc::Channel>& channel,
                                     const LoaderOptions& options) {
  Loader loader(channel, options);
  return loader.Run();
}

std::string FormatSummary(const LoadSummary& s) {
  auto created = [](int total, int made) {
    return made == total ? std::string("all new")
           : made == 0   ? std::string("all already there")
                         : absl::StrCat(made, " new");
  };
  std::string status_line;
  static const std::pair<v1::CircleStatus, const char*> kOrder[] = {
      {v1::CIRCLE_STATUS_ACTIVE, "active"},   {v1::CIRCLE_STATUS_UNDER_STRENGTH, "under strength"},
      {v1::CIRCLE_STATUS_FORMING, "forming"}, {v1::CIRCLE_STATUS_SUSPENDED, "suspended"},
      {v1::CIRCLE_STATUS_MERGED, "merged"},   {v1::CIRCLE_STATUS_DISSOLVED, "dissolved"}};
  for (const auto& [status, label] : kOrder) {
    auto it = s.circles_by_status.find(status);
    if (it == s.circles_by_status.end()) continue;
    absl::StrAppend(&status_line, status_line.empty() ? "" : ", ", it->second, " ", label);
  }
  std::string advisors_line;
  for (const auto& [who, count] : s.circles_by_advisor) {
    absl::StrAppend(&advisors_line, advisors_line.empty() ? "" : ", ", who, " ", count);
  }
  const int attendance = s.present + s.late + s.excused + s.absent;
  std::string out = absl::StrFormat("demo fund loaded in %.1f s (%d calls; dates relative to %s)\n",
                                    absl::ToDoubleSeconds(s.elapsed), s.calls, s.anchor_day);
  absl::StrAppendFormat(&out, "  advisors   %4d  (%s) — circles: %s\n", s.advisors,
                        created(s.advisors, s.advisors_new), advisors_line);
  absl::StrAppendFormat(&out,
                        "  trainings  %4d  (%s): %d enrolments, %d completed, %d in the cohort "
                        "under way\n",
                        s.trainings, created(s.trainings, s.trainings_new), s.enrolments,
                        s.completions, s.in_training);
  absl::StrAppendFormat(&out,
                        "  people     %4d  (%s): %d French-speaking, %d English-speaking; %d "
                        "share their expertise\n",
                        s.people, created(s.people, s.people_new), s.french_speaking,
                        s.people - s.french_speaking, s.opted_in_expertise);
  absl::StrAppendFormat(&out, "  circles    %4d  (%s): %s; %d current members\n", s.circles,
                        created(s.circles, s.circles_new), status_line, s.current_members);
  absl::StrAppendFormat(&out, "  schedules  %4d  (%d monthly, %d every two weeks)\n", s.schedules,
                        s.monthly, s.biweekly);
  absl::StrAppendFormat(&out,
                        "  meetings   %4d  (%s) of %d circles, %s to %s: attendance %s present, %s "
                        "late, %s excused, %s absent; %d follow-ups, %d referrals to a partner\n",
                        s.meetings, created(s.meetings, s.meetings_new), s.meeting_circles,
                        s.first_meeting_day, s.last_meeting_day, Percent(s.present, attendance),
                        Percent(s.late, attendance), Percent(s.excused, attendance),
                        Percent(s.absent, attendance), s.follow_ups, s.referrals);
  absl::StrAppendFormat(&out, "  showcase   %s (%s)\n", s.showcase, s.showcase_name);
  return out;
}

}  // namespace cercles::demo
