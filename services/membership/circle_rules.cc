#include "services/membership/circle_rules.h"

#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/text.h"
#include "services/membership/erasure_rules.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::CharacteristicKind;

}  // namespace

std::string CircleName(int64_t id) { return absl::StrCat("circles/", id); }

absl::StatusOr<Characteristic> NormaliseCharacteristic(const Characteristic& c,
                                                       const std::string& field) {
  Characteristic out;
  if (c.kind() == v1::CHARACTERISTIC_KIND_UNSPECIFIED ||
      !v1::CharacteristicKind_IsValid(c.kind())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     ".kind is required (sector, gender, affinity, savings, language, "
                     "region, or other with custom_kind)"));
  }
  out.set_kind(c.kind());
  std::string custom = absl::AsciiStrToLower(absl::StripAsciiWhitespace(c.custom_kind()));
  if (c.kind() == v1::CHARACTERISTIC_KIND_OTHER) {
    bool ok = !custom.empty() && custom.size() <= 32;
    for (char ch : custom) ok = ok && (absl::ascii_isalnum(ch) || ch == '-' || ch == '_');
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          field,
          ".custom_kind must be 1 to 32 characters of a-z, 0-9, '-' or '_' when kind is "
          "CHARACTERISTIC_KIND_OTHER"));
    }
    out.set_custom_kind(custom);
  } else if (!custom.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".custom_kind must be empty unless kind is CHARACTERISTIC_KIND_OTHER"));
  }
  absl::StatusOr<std::string> value = api::CleanText(
      c.value(), absl::StrCat(field, ".value"), api::OneLine(1, kMaxCharacteristicValueLength));
  if (!value.ok()) return value.status();
  out.set_value(*std::move(value));
  return out;
}

absl::StatusOr<std::vector<Characteristic>> NormaliseFilter(
    const google::protobuf::RepeatedPtrField<Characteristic>& filter, const std::string& field) {
  if (filter.size() > kMaxCharacteristics) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " may hold at most ", kMaxCharacteristics, " characteristics"));
  }
  std::vector<Characteristic> out;
  for (int i = 0; i < filter.size(); ++i) {
    absl::StatusOr<Characteristic> c =
        NormaliseCharacteristic(filter[i], absl::StrCat(field, "[", i, "]"));
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<Circle> DraftNewCircle(const Circle& requested) {
  Circle draft;
  absl::StatusOr<std::string> display_name = api::CleanText(
      requested.display_name(), "circle.display_name", api::OneLine(1, kMaxDisplayNameLength));
  if (!display_name.ok()) return display_name.status();
  draft.set_display_name(*std::move(display_name));
  absl::StatusOr<std::vector<Characteristic>> characteristics =
      NormaliseFilter(requested.characteristics(), "circle.characteristics");
  if (!characteristics.ok()) return characteristics.status();
  std::set<std::tuple<int, std::string, std::string>> seen;
  for (size_t i = 0; i < characteristics->size(); ++i) {
    const Characteristic& c = (*characteristics)[i];
    if (!seen.insert({c.kind(), c.custom_kind(), c.value()}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("circle.characteristics[", i, "] repeats an earlier characteristic"));
    }
    *draft.add_characteristics() = c;
  }
  draft.set_status(v1::CIRCLE_STATUS_FORMING);
  draft.set_member_count(0);
  return draft;
}

}  // namespace cercles::membership

namespace cercles::membership {
std::string PersonName(int64_t id) { return absl::StrCat("people/", id); }
std::string AdvisorName(int64_t id) { return absl::StrCat("advisors/", id); }

std::string StatusName(CircleStatus status) {
  switch (status) {
    case v1::CIRCLE_STATUS_FORMING:
      return "forming";
    case v1::CIRCLE_STATUS_ACTIVE:
      return "active";
    case v1::CIRCLE_STATUS_UNDER_STRENGTH:
      return "under strength";
    case v1::CIRCLE_STATUS_SUSPENDED:
      return "suspended";
    case v1::CIRCLE_STATUS_DISSOLVED:
      return "dissolved";
    case v1::CIRCLE_STATUS_MERGED:
      return "merged";
    default:
      return "unspecified";
  }
}

absl::StatusOr<std::string> NormaliseReason(const std::string& reason, const std::string& field) {
  return api::CleanText(reason, field, api::MultiLine(1, 500));
}

bool AcceptsMembers(CircleStatus status) {
  return status == v1::CIRCLE_STATUS_FORMING || status == v1::CIRCLE_STATUS_ACTIVE ||
         status == v1::CIRCLE_STATUS_UNDER_STRENGTH;
}

bool HoldsItsMembers(CircleStatus status) {
  return status != v1::CIRCLE_STATUS_DISSOLVED && status != v1::CIRCLE_STATUS_MERGED;
}

absl::Status CheckCanAddMember(CircleStatus status, int member_count, const std::string& circle) {
  if (!AcceptsMembers(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat(circle, " is ", StatusName(status),
                     ": only forming, active or under-strength circles take in members"));
  }
  if (member_count >= kMaxCircleMembers) {
    return absl::FailedPreconditionError(absl::StrCat(circle, " already has ", member_count,
                                                      " members: a circle has at most ",
                                                      kMaxCircleMembers));
  }
  return absl::OkStatus();
}

absl::Status CheckCircleStillChanges(CircleStatus status, const std::string& circle) {
  if (HoldsItsMembers(status)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(circle, " is ", StatusName(status), " and no longer changes"));
}

std::string CountChangeReason(CircleStatus after) {
  return after == v1::CIRCLE_STATUS_UNDER_STRENGTH
             ? "fewer than 4 members: no circle guarantee until back to 4"
             : "back to 4 members";
}

CircleStatus StatusAfterCountChange(CircleStatus status, int new_count) {
  if (status == v1::CIRCLE_STATUS_ACTIVE && new_count < kMinCircleMembers) {
    return v1::CIRCLE_STATUS_UNDER_STRENGTH;
  }
  if (status == v1::CIRCLE_STATUS_UNDER_STRENGTH && new_count >= kMinCircleMembers) {
    return v1::CIRCLE_STATUS_ACTIVE;
  }
  return status;
}

absl::Status CheckActivation(CircleStatus status, int member_count,
                             const std::vector<std::string>& untrained_members,
                             bool require_training, const std::string& circle) {
  if (status != v1::CIRCLE_STATUS_FORMING) {
    return absl::FailedPreconditionError(
        absl::StrCat(circle, " is ", StatusName(status), ": only a forming circle is activated"));
  }
  if (member_count < kMinCircleMembers || member_count > kMaxCircleMembers) {
    return absl::FailedPreconditionError(
        absl::StrCat(circle, " has ", member_count, " members: a circle is activated with ",
                     kMinCircleMembers, " to ", kMaxCircleMembers));
  }
  if (require_training && !untrained_members.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("every member must have completed a training before activation; not yet: ",
                     absl::StrJoin(untrained_members, ", ")));
  }
  return absl::OkStatus();
}

absl::Status CheckSuspend(CircleStatus status, const std::string& circle) {
  if (status != v1::CIRCLE_STATUS_ACTIVE && status != v1::CIRCLE_STATUS_UNDER_STRENGTH) {
    return absl::FailedPreconditionError(
        absl::StrCat(circle, " is ", StatusName(status),
                     ": only an active or under-strength circle is suspended"));
  }
  return absl::OkStatus();
}

absl::StatusOr<CircleStatus> ResumedStatus(CircleStatus status, int member_count,
                                           const std::string& circle) {
  if (status != v1::CIRCLE_STATUS_SUSPENDED) {
    return absl::FailedPreconditionError(
        absl::StrCat(circle, " is ", StatusName(status), ": only a suspended circle is resumed"));
  }
  return member_count >= kMinCircleMembers ? v1::CIRCLE_STATUS_ACTIVE
                                           : v1::CIRCLE_STATUS_UNDER_STRENGTH;
}

absl::Status CheckDissolve(CircleStatus status, const std::string& circle) {
  if (!HoldsItsMembers(status)) {
    return absl::FailedPreconditionError(absl::StrCat(circle, " is already ", StatusName(status)));
  }
  return absl::OkStatus();
}

absl::StatusOr<CircleStatus> MergedStatus(const std::vector<CircleStatus>& sources,
                                          const std::vector<std::string>& source_names,
                                          int distinct_members) {
  bool any_active = false;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!AcceptsMembers(sources[i])) {
      return absl::FailedPreconditionError(
          absl::StrCat(source_names[i], " is ", StatusName(sources[i]),
                       ": only forming, active or under-strength circles are merged"));
    }
    any_active = any_active || sources[i] != v1::CIRCLE_STATUS_FORMING;
  }
  if (distinct_members < kMinCircleMembers || distinct_members > kMaxCircleMembers) {
    return absl::FailedPreconditionError(
        absl::StrCat("the merged circle would have ", distinct_members, " members: it must have ",
                     kMinCircleMembers, " to ", kMaxCircleMembers));
  }
  return any_active ? v1::CIRCLE_STATUS_ACTIVE : v1::CIRCLE_STATUS_FORMING;
}

absl::StatusOr<Advisor> DraftAdvisor(const Advisor& requested) {
  Advisor out;
  absl::StatusOr<std::string> display_name = api::CleanText(
      requested.display_name(), "advisor.display_name", api::OneLine(1, kMaxDisplayNameLength));
  if (!display_name.ok()) return display_name.status();
  std::string email(absl::StripAsciiWhitespace(requested.email()));
  size_t at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 ||
      email.find('.', at) == std::string::npos || email.back() == '.' ||
      email.find(' ') != std::string::npos) {
    return absl::InvalidArgumentError("advisor.email must be an e-mail address (name@domain.tld)");
  }
  std::string principal(absl::StripAsciiWhitespace(requested.principal_name()));
  bool ok = !principal.empty() && principal.size() <= 64;
  for (char c : principal) {
    ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        "advisor.principal_name must be the staff token's name: 1 to 64 letters, digits, '.', "
        "'_' or '-'");
  }
  out.set_display_name(*std::move(display_name));
  out.set_email(absl::AsciiStrToLower(email));
  out.set_principal_name(principal);
  return out;
}

}  // namespace cercles::membership

namespace cercles::membership {

absl::StatusOr<absl::Time> EffectiveTime(bool has_effective_time, absl::Time effective_time,
                                         bool caller_is_admin, absl::Time now,
                                         absl::Time not_before) {
  if (!has_effective_time) return now;
  if (!caller_is_admin) {
    return absl::PermissionDeniedError(
        "effective_time: only an admin records past changes (imports of a fund's records)");
  }
  if (effective_time > now + absl::Minutes(1)) {
    return absl::InvalidArgumentError("effective_time must not be in the future");
  }
  if (effective_time < absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone())) {
    return absl::InvalidArgumentError("effective_time must be after 2000-01-01");
  }
  if (effective_time < not_before) {
    return absl::FailedPreconditionError(absl::StrCat(
        "effective_time ", absl::FormatTime(effective_time, absl::UTCTimeZone()),
        " is before the circle's last recorded change (",
        absl::FormatTime(not_before, absl::UTCTimeZone()), "): record a circle's past in order"));
  }
  return effective_time;
}

}  // namespace cercles::membership

namespace cercles::membership {

absl::StatusOr<Circle> DraftRequestedCircle(
    const std::string& display_name,
    const google::protobuf::RepeatedPtrField<Characteristic>& characteristics,
    const std::string& field_prefix) {
  Circle requested;
  requested.set_display_name(display_name);
  *requested.mutable_characteristics() = characteristics;
  absl::StatusOr<Circle> draft = DraftNewCircle(requested);
  if (draft.ok()) return draft;
  // Name the request's fields, not the circle message's.
  std::string message(draft.status().message());
  if (absl::StartsWith(message, "circle.")) message = message.substr(7);
  return absl::Status(draft.status().code(), absl::StrCat(field_prefix, message));
}

absl::Status CheckCanRemoveMember(CircleStatus status, const std::string& circle) {
  if (!HoldsItsMembers(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat(circle, " is ", StatusName(status), ": it has no members"));
  }
  return absl::OkStatus();
}

absl::Status CheckPersonMayJoin(const JoiningPerson& joining, bool require_training) {
  const PersonFacts& person = joining.facts;
  const std::string name = PersonName(joining.person_id);
  if (!person.exists) {
    return PersonNotFound(name);
  }
  if (person.erased) return ErasedPersonRefusal(name, "an erased person cannot join a circle");
  if (!person.active) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " has withdrawn from the fund and cannot join a circle"));
  }
  if (require_training && !person.trained) {
    return absl::FailedPreconditionError(
        absl::StrCat(name,
                     " has not completed a training: a person joins a circle after the training (a "
                     "fund setting can waive it)"));
  }
  if (joining.holding_circle.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " already belongs to ", CircleName(*joining.holding_circle),
                     ": a person is in at most one circle at a time"));
  }
  return absl::OkStatus();
}

absl::StatusOr<MergePlan> PlanMerge(const Circle& requested,
                                    const std::vector<MergeSource>& sources,
                                    const std::set<int64_t>& untrained, bool require_training) {
  std::vector<CircleStatus> statuses;
  std::vector<std::string> names;
  std::set<int64_t> people;
  MergePlan plan;
  for (const MergeSource& source : sources) {
    statuses.push_back(source.status);
    names.push_back(CircleName(source.id));
    for (int64_t person : source.members) {
      plan.leaving.emplace_back(source.id, person);
      if (people.insert(person).second) plan.joining.emplace_back(source.id, person);
    }
  }
  absl::StatusOr<CircleStatus> status =
      MergedStatus(statuses, names, static_cast<int>(people.size()));
  if (!status.ok()) return status.status();
  if (*status == v1::CIRCLE_STATUS_ACTIVE && require_training) {
    std::vector<std::string> untrained_names;
    for (int64_t person : people) {
      if (untrained.count(person) > 0) untrained_names.push_back(PersonName(person));
    }
    if (!untrained_names.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the merged circle would be active with untrained members: ",
                       absl::StrJoin(untrained_names, ", ")));
    }
  }
  plan.draft = requested;
  if (plan.draft.characteristics().empty()) {
    // The union of the sources' characteristics, first seen first.
    std::set<std::tuple<int, std::string, std::string>> seen;
    for (const MergeSource& source : sources) {
      for (const Characteristic& c : source.characteristics) {
        if (seen.insert({c.kind(), c.custom_kind(), c.value()}).second &&
            plan.draft.characteristics_size() < kMaxCharacteristics) {
          *plan.draft.add_characteristics() = c;
        }
      }
    }
  }
  plan.draft.set_status(*status);
  plan.draft.set_status_reason(absl::StrCat("merged from ", absl::StrJoin(names, ", ")));
  if (!sources.empty()) plan.advisor = sources.front().advisor_id;
  return plan;
}

}  // namespace cercles::membership
