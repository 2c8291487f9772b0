#include "services/membership/people_rules.h"

#include <google/protobuf/util/field_mask_util.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/api/date.h"
#include "common/api/error_details.h"
#include "common/api/text.h"
#include "common/redaction/redaction.h"

namespace cercles::membership {
namespace {

using cercles::common::v1::Date;
using google::protobuf::util::FieldMaskUtil;

// Paths of Person that only the service sets.
constexpr const char* kOutputOnlyPaths[] = {"name", "current_circle", "trainings_completed",
                                            "create_time", "update_time"};

}  // namespace

bool ValidEmail(absl::string_view email) {
  if (email.size() > kMaxEmailLength) return false;
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      email.find('@', at + 1) != absl::string_view::npos)
    return false;
  const absl::string_view local = email.substr(0, at);
  const absl::string_view domain = email.substr(at + 1);
  if (local.size() > 64) return false;
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7f || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' ||
        c == '<' || c == '>' || c == '[' || c == ']' || c == '"' || c == '\\')
      return false;
  }
  // A domain of at least two labels, none empty, none starting or ending with '-'.
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
  }
  return true;
}

// "+1 514 555-0100" is refused ('-'); "+1 514 555 0100" is kept with single spaces.
std::optional<std::string> NormalisePhone(absl::string_view phone) {
  std::string out;
  int digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
      out.push_back(c);
    } else if (c == '+' && out.empty()) {
      out.push_back(c);
    } else if (c == ' ') {
      if (!out.empty() && out.back() != ' ' && out.back() != '+') out.push_back(' ');
    } else {
      return std::nullopt;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) return std::nullopt;
  return out;
}

namespace {

// Appends the folded form (lower case, no accent) of a code point of Latin-1
// Supplement or Latin Extended-A; false for any other code point.
bool AppendFolded(char32_t cp, std::string* out) {
  // U+00C0..U+00FF.
  static constexpr const char* kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  // U+0100..U+017F: the base letter of each ('?': the ligatures, handled apart).
  static constexpr char kLatinA[] =
      "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii??jjkkkllllllllllnnnnnnnnnoooooo??"
      "rrrrrrsssssssstttttt"
      "uuuuuuuuuuuuwwyyyzzzzzzs";
  static_assert(sizeof(kLatinA) - 1 == 128, "one letter per code point of U+0100..U+017F");
  if (cp >= 0xC0 && cp <= 0xFF) {
    if (kLatin1[cp - 0xC0] == nullptr) return false;
    out->append(kLatin1[cp - 0xC0]);
    return true;
  }
  if (cp == 0x132 || cp == 0x133) {
    out->append("ij");
    return true;
  }
  if (cp == 0x152 || cp == 0x153) {
    out->append("oe");
    return true;
  }
  if (cp >= 0x100 && cp <= 0x17F) {
    out->push_back(kLatinA[cp - 0x100]);
    return true;
  }
  return false;
}

}  // namespace

bool IsOutputOnlyPersonPath(absl::string_view path) {
  for (const char* output_only : kOutputOnlyPaths) {
    if (path == output_only || absl::StartsWith(path, absl::StrCat(output_only, "."))) return true;
  }
  return false;
}

absl::Status PersonNotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat("person ", api::Quoted(name), " does not exist"));
}

absl::Status ViolationsStatus(const std::vector<FieldViolation>& violations) {
  std::vector<api::Violation> out;
  out.reserve(violations.size());
  for (const FieldViolation& v : violations) {
    out.push_back({v.field, v.rule, v.reason});
  }
  return api::InvalidFields(out);
}

Date MakeDate(int year, int month, int day) {
  Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

absl::CivilDay DayOf(absl::Time time) { return absl::ToCivilDay(time, absl::UTCTimeZone()); }

std::string SearchKey(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out.push_back(absl::ascii_tolower(lead));
      ++i;
      continue;
    }
    // Decode one code point; protobuf strings are valid UTF-8, anything else
    // is copied byte by byte.
    size_t length = (lead >= 0xF0) ? 4 : (lead >= 0xE0) ? 3 : (lead >= 0xC0) ? 2 : 1;
    if (i + length > text.size()) length = 1;
    char32_t cp = length == 1 ? lead : (lead & (0x3F >> (length - 1)));
    for (size_t k = 1; k < length; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (length == 1) {
      out.push_back(static_cast<char>(lead));
    } else if (!AppendFolded(cp, &out)) {
      out.append(text.data() + i, length);
    }
    i += length;
  }
  return out;
}

absl::StatusOr<Person> NormalisePerson(const Person& requested, absl::CivilDay today) {
  Checker check;
  Person out;
  out.set_given_name(
      check.Text(requested.given_name(), "person.given_name", 1, kMaxPersonNameLength));
  out.set_family_name(
      check.Text(requested.family_name(), "person.family_name", 1, kMaxPersonNameLength));
  if (requested.language() == v1::LANGUAGE_UNSPECIFIED ||
      !v1::Language_IsValid(requested.language())) {
    check.Add("person.language", "is required: LANGUAGE_FR or LANGUAGE_EN");
  }
  out.set_language(requested.language());

  {  // Always present in what is stored, possibly empty.
    const v1::Contact& contact = requested.contact();
    v1::Contact* normalised = out.mutable_contact();
    std::string email(absl::StripAsciiWhitespace(contact.email()));
    if (!email.empty()) {
      if (!ValidEmail(email)) {
        check.Add("person.contact.email", absl::StrCat("must look like name@example.org (at most ",
                                                       kMaxEmailLength, " characters, no spaces)"));
      } else {
        const size_t at = email.find('@');
        email = absl::StrCat(email.substr(0, at), absl::AsciiStrToLower(email.substr(at)));
      }
    }
    normalised->set_email(email);
    std::string phone(absl::StripAsciiWhitespace(contact.phone()));
    if (!phone.empty()) {
      std::optional<std::string> cleaned = NormalisePhone(phone);
      if (!cleaned.has_value()) {
        check.Add("person.contact.phone",
                  absl::StrCat("must be digits and spaces with an optional leading '+', ",
                               kMinPhoneDigits, " to ", kMaxPhoneDigits, " digits"));
      } else {
        phone = *cleaned;
      }
    }
    normalised->set_phone(phone);
    normalised->set_postal_address(check.Text(contact.postal_address(),
                                              "person.contact.postal_address", 0,
                                              kMaxPostalAddressLength, /*allow_newlines=*/true));
  }

  if (requested.has_birth_date()) {
    std::optional<absl::CivilDay> day = check.Day(requested.birth_date(), "person.birth_date");
    if (day.has_value()) {
      if (*day >= today) {
        check.Add("person.birth_date", "must be in the past");
      } else if (day->year() < kMinBirthYear) {
        check.Add("person.birth_date", absl::StrCat("must be in ", kMinBirthYear, " or later"));
      }
    }
    *out.mutable_birth_date() = requested.birth_date();
  }
  out.set_gender(check.Text(requested.gender(), "person.gender", 0, kMaxGenderLength));

  if (requested.has_business()) {
    const v1::Business& business = requested.business();
    v1::Business* normalised = out.mutable_business();
    normalised->set_name(
        check.Text(business.name(), "person.business.name", 0, kMaxBusinessNameLength));
    normalised->set_sector(
        check.Text(business.sector(), "person.business.sector", 1, kMaxSectorLength));
    if (!v1::BusinessStage_IsValid(business.stage())) {
      check.Add("person.business.stage", "is not a known BusinessStage");
    }
    normalised->set_stage(business.stage());
    if (business.has_start_date()) {
      check.Day(business.start_date(), "person.business.start_date");
      *normalised->mutable_start_date() = business.start_date();
    }
  }

  if (requested.expertise_size() > kMaxExpertiseEntries) {
    check.Add("person.expertise", absl::StrCat("may hold at most ", kMaxExpertiseEntries,
                                               " entries, got ", requested.expertise_size()));
  }
  std::set<std::string> seen;
  for (int i = 0; i < requested.expertise_size(); ++i) {
    const std::string field = absl::StrCat("person.expertise[", i, "]");
    std::string entry = check.Text(requested.expertise(i), field, 1, kMaxExpertiseLength);
    if (!entry.empty() && !seen.insert(SearchKey(entry)).second) {
      check.Add(field, "repeats an earlier entry");
    }
    out.add_expertise(std::move(entry));
  }
  out.set_expertise_opt_in(requested.expertise_opt_in());
  *out.mutable_consents() = requested.consents();  // always present

  if (!v1::PersonStatus_IsValid(requested.status())) {
    check.Add("person.status", "is not a known PersonStatus");
  } else if (requested.status() == v1::PERSON_STATUS_ERASED) {
    check.Add("person.status",
              "cannot be set to PERSON_STATUS_ERASED: a person is erased by "
              "PrivacyService.ErasePerson only");
  }
  out.set_status(requested.status() == v1::PERSON_STATUS_UNSPECIFIED ? v1::PERSON_STATUS_ACTIVE
                                                                     : requested.status());
  absl::Status status = ViolationsStatus(check.violations());
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<Person> ApplyPersonMask(const Person& stored, const Person& patch,
                                       const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) {
    return absl::InvalidArgumentError(
        "update_mask is required: name the paths to change (e.g. \"contact.email\"), or \"*\"");
  }
  google::protobuf::FieldMask effective;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      if (mask.paths_size() != 1) {
        return absl::InvalidArgumentError(
            "update_mask path \"*\" replaces every field and must be the only path");
      }
      const auto* descriptor = Person::descriptor();
      for (int i = 0; i < descriptor->field_count(); ++i) {
        const std::string& name = descriptor->field(i)->name();
        if (!IsOutputOnlyPersonPath(name)) effective.add_paths(name);
      }
      continue;
    }
    if (IsOutputOnlyPersonPath(path)) {
      return absl::InvalidArgumentError(absl::StrCat("update_mask path ", api::Quoted(path),
                                                     " is output only: the service sets it"));
    }
    if (!FieldMaskUtil::IsValidPath<Person>(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path ", api::Quoted(path), " is not a field of Person"));
    }
    effective.add_paths(path);
  }
  Person updated = stored;
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, effective, options, &updated);
  return updated;
}

Person MinimisedPerson(Person person) {
  redaction::RedactSensitive(&person);
  if (!person.expertise_opt_in()) person.clear_expertise();
  return person;
}

std::string PersonDisplayName(const std::string& given_name, const std::string& family_name) {
  return absl::StrCat(given_name, " ", family_name);
}

}  // namespace cercles::membership
