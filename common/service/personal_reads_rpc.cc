#include "common/service/personal_reads_rpc.h"

#include "absl/strings/match.h"
#include "common/api/error_details.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/util/clock.h"
#include "common/util/status_macros.h"

namespace cercles::service {
namespace {

constexpr absl::string_view kStaff = "staff:";
constexpr size_t kMaxPrincipalName = 128;

// Seconds of 0001-01-01 and 9999-12-31T23:59:59 UTC (google.protobuf.Timestamp's range).
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

absl::StatusOr<absl::Time> TimeOf(const google::protobuf::Timestamp& ts, absl::string_view field) {
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999999999) {
    return api::InvalidField(field,
                             "must be a valid timestamp (years 1 to 9999, nanos 0 to 999999999)",
                             api::reason::kFieldInvalidFormat);
  }
  return FromTimestamp(ts);
}

}  // namespace

absl::StatusOr<AccessLogFilter> PersonalReadsFilter(const std::string& person,
                                                    const std::string& principal,
                                                    const google::protobuf::Timestamp* start_time,
                                                    const google::protobuf::Timestamp* end_time,
                                                    int32_t page_size,
                                                    const std::string& page_token) {
  AccessLogFilter filter;
  if (!person.empty()) {
    CERCLES_ASSIGN_OR_RETURN(filter.person_id, api::ParseName(person, "people", "person"));
  }
  if (!principal.empty()) {
    const bool staff = absl::StartsWith(principal, kStaff);
    const size_t name_chars = staff ? api::CharacterCount(principal.substr(kStaff.size())) : 0;
    if (name_chars < 1 || name_chars > kMaxPrincipalName) {
      return api::InvalidField(
          "principal",
          absl::StrCat("must be \"staff:<name>\" with a name of 1 to ", kMaxPrincipalName,
                       " characters, got ", api::Quoted(principal)),
          api::reason::kFieldInvalidFormat);
    }
    filter.principal = principal;
  }
  if (start_time != nullptr) {
    CERCLES_ASSIGN_OR_RETURN(filter.from, TimeOf(*start_time, "start_time"));
  }
  if (end_time != nullptr) {
    CERCLES_ASSIGN_OR_RETURN(filter.to, TimeOf(*end_time, "end_time"));
  }
  if (start_time != nullptr && end_time != nullptr && filter.to <= filter.from) {
    return api::InvalidField("end_time", "must be after start_time", api::reason::kFieldsConflict);
  }
  CERCLES_ASSIGN_OR_RETURN(filter.limit, api::NormalisePageSize(page_size));
  CERCLES_ASSIGN_OR_RETURN(filter.after_id, api::DecodeIdPageToken(page_token));
  return filter;
}

absl::StatusOr<api::Page<cercles::common::v1::PersonalRead>> PersonalReadsPage(
    storage::Database& db, const AccessLogFilter& filter) {
  AccessLogFilter one_more = filter;
  one_more.limit = filter.limit + 1;
  CERCLES_ASSIGN_OR_RETURN(std::vector<PersonalRead> rows, QueryAccessLog(db, one_more));
  api::Page<PersonalRead> page =
      api::TakePage(std::move(rows), filter.limit, [](const PersonalRead& r) { return r.id; });
  api::Page<cercles::common::v1::PersonalRead> out;
  out.next_page_token = page.next_page_token;
  for (const PersonalRead& row : page.rows) {
    cercles::common::v1::PersonalRead read;
    SetTimestamp(row.time, read.mutable_read_time());
    read.set_principal(row.principal);
    read.set_person(absl::StrCat("people/", row.person_id));
    read.set_rpc(row.rpc);
    out.rows.push_back(std::move(read));
  }
  return out;
}

}  // namespace cercles::service
