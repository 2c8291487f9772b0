#include "services/membership/privacy_rules.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/api/retention.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::IncidentNotification;
using cercles::membership::v1::IncidentRisk;

// Checks one notification under `field`; `discovered` bounds its date.
IncidentNotification CheckNotification(Checker& check, const IncidentNotification& requested,
                                       const std::string& field,
                                       std::optional<absl::CivilDay> discovered,
                                       absl::CivilDay today, bool required) {
  IncidentNotification out;
  const bool dated = !api::IsUnset(requested.notify_date());
  if (dated) {
    const std::string date_field = field + ".notify_date";
    if (std::optional<absl::CivilDay> day = check.Day(requested.notify_date(), date_field)) {
      if (*day > today) {
        check.Add(date_field, absl::StrCat("must not be after today (",
                                           api::FormatDate(api::DateFromDay(today)), " UTC)"));
      } else if (discovered && *day < *discovered) {
        check.Add(date_field, "must not be before incident.discover_date",
                  api::reason::kFieldsConflict);
      }
      *out.mutable_notify_date() = api::DateFromDay(*day);
    }
  }
  const std::string reason_field = field + ".not_notified_reason";
  out.set_not_notified_reason(
      check.Text(requested.not_notified_reason(), reason_field, 0, kMaxNotificationReason, true));
  if (dated && !out.not_notified_reason().empty()) {
    check.Add(reason_field, "must be empty when notify_date is set", api::reason::kFieldsConflict);
  }
  if (required && !dated && out.not_notified_reason().empty()) {
    check.Add(field,
              "is required with INCIDENT_RISK_SERIOUS_INJURY: set notify_date, or "
              "not_notified_reason",
              api::reason::kFieldRequired);
  }
  return out;
}

}  // namespace

absl::StatusOr<PrivacyContact> NormalisePrivacyContact(const PrivacyContact& requested) {
  Checker check;
  PrivacyContact out;
  out.set_display_name(
      check.Text(requested.display_name(), "contact.display_name", 1, kMaxContactNameLength));
  std::string email(api::TrimText(requested.email()));
  if (email.empty()) {
    check.Add("contact.email", "is required", api::reason::kFieldRequired);
  } else if (!ValidEmail(email)) {
    check.Add("contact.email",
              absl::StrCat("must look like name@example.org (at most ", kMaxEmailLength,
                           " characters, no spaces)"),
              api::reason::kFieldInvalidFormat);
  }
  out.set_email(std::move(email));
  if (!requested.phone().empty()) {
    std::optional<std::string> phone = NormalisePhone(requested.phone());
    if (!phone) {
      check.Add("contact.phone",
                absl::StrCat("must be ", kMinPhoneDigits, " to ", kMaxPhoneDigits,
                             " digits, an optional leading + and spaces"),
                api::reason::kFieldInvalidFormat);
    } else {
      out.set_phone(*std::move(phone));
    }
  }
  if (absl::Status status = ViolationsStatus(check.violations()); !status.ok()) return status;
  return out;
}

absl::StatusOr<Incident> NormaliseIncident(const Incident& requested, absl::CivilDay today,
                                           const Incident* stored) {
  Checker check;
  Incident out;
  out.set_summary(check.Text(requested.summary(), "incident.summary", 1, kMaxIncidentText, true));
  std::optional<absl::CivilDay> occurred;
  std::optional<absl::CivilDay> discovered;
  if (api::IsUnset(requested.occur_date())) {
    check.Add("incident.occur_date", "is required", api::reason::kFieldRequired);
  } else if ((occurred = check.Day(requested.occur_date(), "incident.occur_date"))) {
    if (*occurred > today) check.Add("incident.occur_date", "must not be after today (UTC)");
    *out.mutable_occur_date() = api::DateFromDay(*occurred);
  }
  if (api::IsUnset(requested.discover_date())) {
    check.Add("incident.discover_date", "is required", api::reason::kFieldRequired);
  } else if ((discovered = check.Day(requested.discover_date(), "incident.discover_date"))) {
    if (*discovered > today) {
      check.Add("incident.discover_date", "must not be after today (UTC)");
    } else if (occurred && *discovered < *occurred) {
      check.Add("incident.discover_date", "must not be before incident.occur_date",
                api::reason::kFieldsConflict);
    }
    if (stored != nullptr &&
        api::FormatDate(stored->discover_date()) != api::FormatDate(requested.discover_date())) {
      check.Add("incident.discover_date",
                absl::StrCat("is immutable: it stays ", api::FormatDate(stored->discover_date())));
    }
    *out.mutable_discover_date() = api::DateFromDay(*discovered);
  }
  if (requested.affected_people_size() > kMaxAffectedPeople) {
    check.Add("incident.affected_people",
              absl::StrCat("must hold at most ", kMaxAffectedPeople, " people, got ",
                           requested.affected_people_size()),
              api::reason::kValueOutOfRange);
  }
  std::set<int64_t> seen;
  for (int i = 0; i < requested.affected_people_size(); ++i) {
    const std::string& name = requested.affected_people(i);
    const std::string field = absl::StrCat("incident.affected_people[", i, "]");
    std::optional<int64_t> id = check.Person(name, field);
    if (!id.has_value()) continue;  // the violation is added
    if (!seen.insert(*id).second) {
      check.Add(field, absl::StrCat("repeats ", api::Quoted(name)), api::reason::kFieldInvalid);
    } else {
      out.add_affected_people(name);
    }
  }
  if (requested.affected_count() < 1 || requested.affected_count() > kMaxAffectedCount) {
    check.Add(
        "incident.affected_count",
        absl::StrCat("must be 1 to ", kMaxAffectedCount, ", got ", requested.affected_count()),
        requested.affected_count() == 0 ? api::reason::kFieldRequired
                                        : api::reason::kValueOutOfRange);
  } else if (requested.affected_count() < requested.affected_people_size()) {
    check.Add("incident.affected_count",
              absl::StrCat("must be at least the number of affected_people (",
                           requested.affected_people_size(), "), got ", requested.affected_count()),
              api::reason::kFieldsConflict);
  }
  out.set_affected_count(requested.affected_count());
  const IncidentRisk risk = requested.risk();
  if (risk == v1::INCIDENT_RISK_UNSPECIFIED || !v1::IncidentRisk_IsValid(risk)) {
    check.Add("incident.risk",
              absl::StrCat("must be one of INCIDENT_RISK_ASSESSMENT_PENDING, "
                           "INCIDENT_RISK_NO_SERIOUS_INJURY, INCIDENT_RISK_SERIOUS_INJURY, got ",
                           static_cast<int>(risk)),
              risk == v1::INCIDENT_RISK_UNSPECIFIED ? api::reason::kFieldRequired
                                                    : api::reason::kFieldInvalid);
  }
  out.set_risk(risk);
  const bool assessed =
      risk == v1::INCIDENT_RISK_NO_SERIOUS_INJURY || risk == v1::INCIDENT_RISK_SERIOUS_INJURY;
  out.set_risk_assessment(check.Text(requested.risk_assessment(), "incident.risk_assessment",
                                     assessed ? 1 : 0, kMaxIncidentText, true));
  const bool serious = risk == v1::INCIDENT_RISK_SERIOUS_INJURY;
  *out.mutable_regulator_notification() =
      CheckNotification(check, requested.regulator_notification(),
                        "incident.regulator_notification", discovered, today, serious);
  *out.mutable_people_notification() =
      CheckNotification(check, requested.people_notification(), "incident.people_notification",
                        discovered, today, serious);
  out.set_measures(
      check.Text(requested.measures(), "incident.measures", 0, kMaxIncidentText, true));
  if (absl::Status status = ViolationsStatus(check.violations()); !status.ok()) return status;
  // retain_until follows the schedule: stamped by the store (PrivacyStore).
  return out;
}

std::vector<int64_t> AffectedPersonIds(const Incident& incident) {
  std::vector<int64_t> ids;
  for (const std::string& name : incident.affected_people()) {
    ids.push_back(api::ParseName(name, "people", "affected_people").value_or(0));
  }
  return ids;
}

absl::CivilDay IncidentRetainUntil(absl::CivilDay discovered, int32_t months) {
  return api::RetentionEnd(discovered, months);
}

}  // namespace cercles::membership
