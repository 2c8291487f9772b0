// The membership domain's rules about people: what a valid person is, how an
// update mask applies, what others may see of a person, and calendar days.
// Pure functions over the protobuf messages (no gRPC, no SQL), tested alone.
#ifndef CERCLES_SERVICES_MEMBERSHIP_PEOPLE_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_PEOPLE_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "common/api/date.h"
#include "common/api/error_details.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"

namespace cercles::membership {

using cercles::membership::v1::Person;

inline constexpr size_t kMaxPersonNameLength = 100;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr int kMinPhoneDigits = 7;
inline constexpr int kMaxPhoneDigits = 15;  // E.164
inline constexpr size_t kMaxPostalAddressLength = 500;
inline constexpr size_t kMaxGenderLength = 64;
inline constexpr size_t kMaxBusinessNameLength = 120;
inline constexpr size_t kMaxSectorLength = 64;
inline constexpr int kMaxExpertiseEntries = 20;
inline constexpr size_t kMaxExpertiseLength = 64;
inline constexpr int kMinBirthYear = 1900;

// One broken rule: the field path ("person.contact.email"), the rule
// ("must look like name@example.org") and its reason (common/api/error_details.h;
// empty: FIELD_REQUIRED for "is required...", FIELD_INVALID otherwise).
struct FieldViolation {
  std::string field;
  std::string rule;
  std::string reason;
};

// OK when there is none; otherwise INVALID_ARGUMENT listing every violation as
// "<field> <rule>", separated by "; " (rules never contain "; "), with one
// google.rpc.BadRequest field violation each (api::InvalidFields).
absl::Status ViolationsStatus(const std::vector<FieldViolation>& violations);

// NOT_FOUND for a person: `person "people/7" does not exist`, the name quoted as
// every caller value is (api::Quoted).
absl::Status PersonNotFound(absl::string_view name);

// Gathers every broken rule of a request (membership's rules report them all).
class Checker {
 public:
  void Add(std::string field, std::string rule, absl::string_view reason = {}) {
    violations_.push_back({std::move(field), std::move(rule), std::string(reason)});
  }
  // Trims `text` and checks it is min..max characters without control characters.
  std::string Text(const std::string& text, const std::string& field, size_t min, size_t max,
                   bool allow_newlines = false) {
    std::string out(api::TrimText(text));
    if (std::optional<std::string> violation =
            api::TextViolation(out, api::TextRule{min, max, allow_newlines})) {
      Add(field, *std::move(violation),
          api::TextViolationReason(out, api::TextRule{min, max, allow_newlines}));
    }
    return out;
  }
  std::optional<absl::CivilDay> Day(const cercles::common::v1::Date& date,
                                    const std::string& field) {
    absl::StatusOr<absl::CivilDay> day = api::DayFromDate(date, field);
    if (!day.ok()) {
      Add(field, std::string(api::kRealDayRule), api::reason::kFieldInvalidFormat);
      return std::nullopt;
    }
    return *day;
  }
  // The id of `name`, "people/{id}"; nullopt (and the violation) otherwise.
  std::optional<int64_t> Person(const std::string& name, const std::string& field) {
    absl::StatusOr<int64_t> id = api::ParseName(name, "people", field);
    if (!id.ok()) {
      Add(field, absl::StrCat("must be \"people/{id}\", got ", api::Quoted(name)),
          api::reason::kFieldInvalidFormat);
      return std::nullopt;
    }
    return *id;
  }
  const std::vector<FieldViolation>& violations() const { return violations_; }

 private:
  std::vector<FieldViolation> violations_;
};

// Calendar days convert with common/api/date.h (api::DayFromDate, DateFromDay,
// FormatDate, ParseDate). A Date with these fields as given (unchecked).
cercles::common::v1::Date MakeDate(int year, int month, int day);
// The UTC calendar day of an instant (the fund's day; schedules use the same).
absl::CivilDay DayOf(absl::Time time);

// The key names and sectors are searched by: lower case with the accents of
// the Latin letters French and English use removed ("Émilie" -> "emilie").
// Characters outside Latin-1 and Latin Extended-A are kept as they are.
std::string SearchKey(absl::string_view text);

// Checks every field a client may set and returns the person normalised:
// trimmed text, lower-case e-mail domain, single spaces in phone numbers,
// contact and consents always present, status ACTIVE when unspecified,
// output-only fields cleared. Every broken rule is reported (see
// ViolationsStatus), each under "person.<path>".
absl::StatusOr<Person> NormalisePerson(const Person& requested, absl::CivilDay today);

// The person `stored` with the paths of `mask` taken from `patch` ("*": every
// field that is not output only). INVALID_ARGUMENT naming the path for an
// empty mask, an unknown path, or an output-only one. The result is not
// validated: pass it to NormalisePerson.
absl::StatusOr<Person> ApplyPersonMask(const Person& stored, const Person& patch,
                                       const google::protobuf::FieldMask& mask);

// Whether `path` is an output-only field of Person or inside one ("name",
// "create_time.seconds"): only the service sets it.
bool IsOutputOnlyPersonPath(absl::string_view path);

// What a person looks like outside the fund's staff (events, services): the
// sensitive fields cleared, the expertise only when the person opted in.
Person MinimisedPerson(Person person);

// Whether `email` is an e-mail address by the rule of a person's contact
// (local@domain, a domain of two labels or more, at most 254 characters).
bool ValidEmail(absl::string_view email);
// A phone number by the rule of a person's contact (7 to 15 digits, an
// optional leading +, spaces between groups), with single spaces; nullopt
// when it breaks it.
std::optional<std::string> NormalisePhone(absl::string_view phone);

// "Given Family".
std::string PersonDisplayName(const std::string& given_name, const std::string& family_name);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PEOPLE_RULES_H_
