#include "services/membership/access_request_rules.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/date.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {

absl::StatusOr<AccessRequest> NormaliseAccessRequest(const AccessRequest& requested,
                                                     absl::CivilDay today) {
  Checker check;
  AccessRequest out;
  if (requested.person().empty()) {
    check.Add("access_request.person", "is required", api::reason::kFieldRequired);
  } else if (check.Person(requested.person(), "access_request.person").has_value()) {
    out.set_person(requested.person());
  }
  absl::CivilDay received = today;
  if (!api::IsUnset(requested.receive_date())) {
    if (std::optional<absl::CivilDay> day =
            check.Day(requested.receive_date(), "access_request.receive_date")) {
      if (*day > today) {
        check.Add("access_request.receive_date",
                  absl::StrCat("must not be after today (",
                               api::FormatDate(api::DateFromDay(today)), " UTC)"),
                  api::reason::kValueOutOfRange);
      }
      received = *day;
    }
  }
  const v1::AccessRequestChannel channel = requested.channel();
  if (channel == v1::ACCESS_REQUEST_CHANNEL_UNSPECIFIED ||
      !v1::AccessRequestChannel_IsValid(channel)) {
    check.Add("access_request.channel",
              absl::StrCat("must be one of ACCESS_REQUEST_CHANNEL_EMAIL, _IN_PERSON, _MAIL, "
                           "_PHONE, _WEB, got ",
                           static_cast<int>(channel)),
              channel == v1::ACCESS_REQUEST_CHANNEL_UNSPECIFIED ? api::reason::kFieldRequired
                                                                : api::reason::kFieldInvalid);
  }
  out.set_channel(channel);
  out.set_note(check.Text(requested.note(), "access_request.note", 0, kMaxAccessRequestNote, true));
  if (absl::Status status = ViolationsStatus(check.violations()); !status.ok()) return status;
  *out.mutable_receive_date() = api::DateFromDay(received);
  *out.mutable_due_date() = api::DateFromDay(AccessRequestDueDay(received));
  out.set_state(v1::ACCESS_REQUEST_STATE_OPEN);
  return out;
}

absl::StatusOr<AccessRequestCompletion> NormaliseAccessCompletion(
    const AccessRequestCompletion& requested) {
  Checker check;
  AccessRequestCompletion out;
  const std::string digest = absl::AsciiStrToLower(requested.document_sha256());
  if (!digest.empty()) {
    if (!api::IsSha256Hex(digest)) {
      check.Add("completion.document_sha256",
                absl::StrCat("must be ", kSha256HexDigits, " hexadecimal digits (a SHA-256)"),
                api::reason::kFieldInvalidFormat);
    }
    if (requested.document_size_bytes() < 1) {
      check.Add("completion.document_size_bytes",
                absl::StrCat("must be 1 or more with document_sha256, got ",
                             requested.document_size_bytes()),
                requested.document_size_bytes() == 0 ? api::reason::kFieldRequired
                                                     : api::reason::kValueOutOfRange);
    }
  } else if (requested.document_size_bytes() != 0) {
    check.Add(
        "completion.document_size_bytes",
        absl::StrCat("must be 0 without document_sha256, got ", requested.document_size_bytes()),
        api::reason::kFieldsConflict);
  }
  out.set_document_sha256(digest);
  out.set_document_size_bytes(requested.document_size_bytes());
  out.set_summary(check.Text(requested.summary(), "completion.summary", digest.empty() ? 1 : 0,
                             kMaxAccessCompletionSummary, true));
  if (absl::Status status = ViolationsStatus(check.violations()); !status.ok()) return status;
  return out;
}

int64_t AccessRequestPersonId(const AccessRequest& request) {
  return api::ParseName(request.person(), "people", "person").value_or(0);
}

absl::CivilDay AccessRequestDueDay(absl::CivilDay received) {
  return received + kAccessRequestDays;
}

bool IsAccessRequestOverdue(const AccessRequest& request, absl::CivilDay today) {
  if (request.state() != v1::ACCESS_REQUEST_STATE_OPEN) return false;
  absl::StatusOr<absl::CivilDay> due = api::DayFromDate(request.due_date(), "due_date");
  return due.ok() && today > *due;
}

}  // namespace cercles::membership
