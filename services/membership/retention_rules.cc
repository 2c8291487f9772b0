#include "services/membership/retention_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "common/api/text.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;

// A period field of RetentionSchedule: its path, its kind, its minimum.
struct PeriodField {
  const char* path;
  v1::RetentionKind kind;
  int32_t min_months;
};

constexpr PeriodField kPeriodFields[] = {
    {"people_never_in_circle_months", v1::RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE, 0},
    {"people_left_circles_months", v1::RETENTION_KIND_PEOPLE_LEFT_CIRCLES, 0},
    {"meeting_notes_months", v1::RETENTION_KIND_MEETING_NOTES, 0},
    {"access_requests_months", v1::RETENTION_KIND_ACCESS_REQUESTS, 0},
    {"incidents_months", v1::RETENTION_KIND_INCIDENTS, kMinIncidentRetentionMonths},
    {"closed_loans_months", v1::RETENTION_KIND_CLOSED_LOANS, 0},
};

const PeriodField* FieldOfPath(const std::string& path) {
  for (const PeriodField& field : kPeriodFields) {
    if (path == field.path) return &field;
  }
  return nullptr;
}

const PeriodField& FieldOfKind(v1::RetentionKind kind) {
  for (const PeriodField& field : kPeriodFields) {
    if (field.kind == kind) return field;
  }
  return kPeriodFields[0];  // unreachable for the kinds of RetentionKinds()
}

}  // namespace

v1::RetentionSchedule DefaultRetentionSchedule() {
  v1::RetentionSchedule schedule;
  schedule.set_people_never_in_circle_months(24);
  schedule.set_people_left_circles_months(84);
  schedule.set_meeting_notes_months(84);
  schedule.set_access_requests_months(24);
  schedule.set_incidents_months(kMinIncidentRetentionMonths);
  schedule.set_closed_loans_months(84);
  return schedule;
}

const std::vector<v1::RetentionKind>& RetentionKinds() {
  static const auto* const kinds = new std::vector<v1::RetentionKind>{
      v1::RETENTION_KIND_PEOPLE_NEVER_IN_CIRCLE, v1::RETENTION_KIND_PEOPLE_LEFT_CIRCLES,
      v1::RETENTION_KIND_MEETING_NOTES, v1::RETENTION_KIND_ACCESS_REQUESTS,
      v1::RETENTION_KIND_INCIDENTS};
  return *kinds;
}

int32_t RetentionMonths(const v1::RetentionSchedule& schedule, v1::RetentionKind kind) {
  const google::protobuf::FieldDescriptor* field =
      schedule.GetDescriptor()->FindFieldByName(FieldOfKind(kind).path);
  return schedule.GetReflection()->GetInt32(schedule, field);
}

absl::StatusOr<v1::RetentionSchedule> ChangeRetentionSchedule(
    const v1::RetentionSchedule& stored, const v1::RetentionSchedule& requested,
    const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return api::InvalidField(
        "update_mask",
        "must list the periods to change: people_never_in_circle_months, "
        "people_left_circles_months, meeting_notes_months, access_requests_months, "
        "incidents_months, closed_loans_months",
        api::reason::kFieldRequired);
  }
  v1::RetentionSchedule changed = stored;
  const google::protobuf::Reflection* reflection = changed.GetReflection();
  for (const std::string& path : mask.paths()) {
    const PeriodField* period = FieldOfPath(path);
    if (period == nullptr) {
      return api::InvalidField(
          "update_mask",
          absl::StrCat("path ", api::Quoted(path), " is not a period of the schedule"),
          api::reason::kFieldInvalid);
    }
    const google::protobuf::FieldDescriptor* field =
        changed.GetDescriptor()->FindFieldByName(period->path);
    const int32_t months = reflection->GetInt32(requested, field);
    if (months < period->min_months || months > kMaxRetentionMonths) {
      return api::InvalidField(
          absl::StrCat("schedule.", period->path),
          absl::StrCat("must be ", period->min_months, " to ", kMaxRetentionMonths, " months",
                       period->min_months > 0 ? " (the incident register is kept five years)" : "",
                       ", got ", months),
          api::reason::kValueOutOfRange);
    }
    reflection->SetInt32(&changed, field, months);
  }
  return changed;
}

}  // namespace cercles::membership
