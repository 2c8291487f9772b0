// The demo fund, planned before anything is sent: advisors, training cohorts,
// people, circles and what happens to them, and the content of their meetings.
// Pure and deterministic: the same seed and anchor day give the same plan, so
// the request ids derived from it ("demo-person-17") replay on a re-run instead
// of creating anything twice.
//
// Every date is relative to the anchor day, the day the fund's first demo
// advisor was created (read back from membership, so it stays the same on every
// re-run, whatever the day). The circles' past (formation, activation,
// departures) and their meetings are dated before the anchor day; only what has
// no past date in the API (advisor assignments, the suspension, the merge and
// the merged circle's first meeting) happens on the load's day.
#ifndef CERCLES_TOOLS_DEMO_DEMO_PLAN_H_
#define CERCLES_TOOLS_DEMO_DEMO_PLAN_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "tools/demo/fund_vocabulary.h"

namespace cercles::demo {

namespace v1 = cercles::membership::v1;

struct AdvisorPlan {
  std::string request_id;
  v1::Advisor advisor;  // display name, e-mail, principal name
};

// Four advisors (more when more token names are given); the first ones are
// bound to `token_names` in order (the principal of each staff token), the
// others to names of their own that no token carries yet.
std::vector<AdvisorPlan> PlanAdvisors(const std::vector<std::string>& token_names);

struct TrainingPlan {
  std::string request_id;
  std::string display_name;
  absl::CivilDay start;
  absl::CivilDay end;
  Language language = Language::kFrench;
};

struct PersonPlan {
  std::string request_id;
  v1::Person person;       // what CreatePerson sends
  int cohort = -1;         // training index; -1: not enrolled
  bool completes = false;  // completes it on its end date
  int circle = -1;         // founding member of this circle; -1: none
};

// What happens to a planned circle after it formed.
enum class Fate {
  kActive,         // activated, stays active
  kForming,        // three members, waiting for a fourth: not activated
  kUnderStrength,  // activated, then a member leaves (3 left)
  kSuspended,      // activated, then suspended by the fund
  kMergeSource,    // activated, a member leaves, then merged with another
};

struct CirclePlan {
  int index = 0;  // request ids: demo-circle-<index+1>...
  std::string display_name;
  std::vector<v1::Characteristic> characteristics;
  Language language = Language::kFrench;
  const Neighbourhood* where = nullptr;
  int cohort = 0;            // the training its founders completed together
  int advisor = 0;           // index into the advisors
  std::vector<int> members;  // person indices, in joining order
  Fate fate = Fate::kActive;
  int leaving_member = -1;       // person index (under strength, merge sources)
  std::string fate_reason;       // the departure's or the suspension's reason
  v1::MeetingSchedule schedule;  // frequency, first date, location, notes (no name)

  // The circle's past, in the order membership records it (never out of order:
  // a change is not dated before the circle's last one). Unset for the merge's
  // result, which forms on the load's day.
  absl::CivilDay formed;     // created, and its founders joined that evening
  absl::CivilDay activated;  // after the founders' 4th joined (not for kForming)
  absl::CivilDay departure;  // the leaving member's last day (leaving_member >= 0)
  // The meetings it held over the past months, on its schedule's days, before
  // the anchor day, oldest first ("demo-meeting-<index+1>-<n>", n from 1).
  std::vector<absl::CivilDay> meeting_days;
};

// The members of `circle` on `day` (as membership counts them: joined by the
// end of that day, not left before it), in joining order.
std::vector<int> MembersOn(const CirclePlan& circle, absl::CivilDay day);

struct MergePlan {
  std::string request_id;
  std::vector<int> sources;  // circle indices
  CirclePlan result;         // name, characteristics, schedule, members after the merge
};

// How far back the demo's meeting records go: about four months.
inline constexpr int kMeetingHistoryDays = 122;

struct DemoPlan {
  absl::CivilDay anchor;
  std::vector<TrainingPlan> trainings;
  std::vector<PersonPlan> people;
  std::vector<CirclePlan> circles;
  MergePlan merge;
};

DemoPlan PlanDemo(uint64_t seed, absl::CivilDay anchor, int advisor_count);

// What a person is drawn from: the traits a circle's founders share.
struct PersonTraits {
  Language language = Language::kFrench;
  const Community* community = nullptr;  // nullptr: the usual proportions of the language
  bool newcomer = false;                 // from a community other than the majority's
  bool woman = false;                    // else drawn (some leave gender unsaid)
  std::string sector;                    // "" drawn
  const Neighbourhood* where = nullptr;  // nullptr: drawn
  int min_age = 23;
  int max_age = 62;
};

// Makes people: names, contact (fictional phones, example.org e-mails, unique
// in the factory), birth date, business, expertise and consents, every date
// before `anchor`. Person `index` depends only on (seed, index, traits).
class PeopleFactory {
 public:
  PeopleFactory(uint64_t seed, absl::CivilDay anchor) : seed_(seed), anchor_(anchor) {}
  v1::Person Make(int index, const PersonTraits& traits);

 private:
  const uint64_t seed_;
  const absl::CivilDay anchor_;
  std::set<std::string> emails_;
};

// One member on a meeting's attendance list: their resource name and plan.
struct MeetingMember {
  std::string person;  // "people/17"
  const PersonPlan* plan = nullptr;
};

// The meeting a circle held on `day`: attendance (mostly present, some late,
// excused or absent), a follow-up of most attending members' businesses,
// minutes in the circle's language. `key` tells circles apart ("12", "merged").
v1::Meeting PlanMeeting(uint64_t seed, const std::string& key, const CirclePlan& circle,
                        absl::CivilDay day, const std::vector<MeetingMember>& members);

// "2026-11-27".
std::string DayText(absl::CivilDay day);
cercles::common::v1::Date ToDate(absl::CivilDay day);

}  // namespace cercles::demo

#endif  // CERCLES_TOOLS_DEMO_DEMO_PLAN_H_
