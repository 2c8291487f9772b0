#include "services/membership/correction_rules.h"

#include <google/protobuf/util/field_mask_util.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/error_details.h"
#include "common/api/text.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;

// The messages of Person whose sub-fields are corrected (and recorded) one by one.
constexpr absl::string_view kPersonalGroups[] = {"contact", "business"};

bool IsPersonalField(absl::string_view path) {
  for (const std::string& field : PersonalFieldPaths()) {
    if (field == path) return true;
  }
  return false;
}

bool IsPersonalGroup(absl::string_view path) {
  for (absl::string_view group : kPersonalGroups) {
    if (group == path) return true;
  }
  return false;
}

// Whether mask path `path` covers personal field `field` (itself or a group of it).
bool MaskPathCovers(absl::string_view path, absl::string_view field) {
  return field == path || absl::StartsWith(field, absl::StrCat(path, "."));
}

std::string PersonalFieldList() {
  return absl::StrCat(absl::StrJoin(PersonalFieldPaths(), ", "), ", or ",
                      absl::StrJoin(kPersonalGroups, " or "), " for all of its fields");
}

// Why `path`, a path CorrectPerson does not take, is refused.
absl::Status RefusedCorrectionPath(const std::string& path) {
  const absl::string_view top = absl::string_view(path).substr(0, path.find('.'));
  std::string why;
  if (path == "*") {
    why = "is not accepted: name each personal field corrected";
  } else if (!FieldMaskUtil::IsValidPath<Person>(path)) {
    why = "is not a field of Person";
  } else if (IsOutputOnlyPersonPath(path)) {
    why = "is output only: the service sets it";
  } else if (top == "consents") {
    why = "is not a personal field: RecordConsent records consents";
  } else if (top == "status" || top == "expertise_opt_in") {
    why = "is not a personal field: UpdatePerson changes it";
  } else {
    why = absl::StrCat("is not a personal field path: name ", PersonalFieldList());
  }
  return api::InvalidField("update_mask", absl::StrCat("path ", api::Quoted(path), " ", why));
}

// The value of personal field `path` in `person`, serialized: two values are
// equal when these are (a default value and an absent message alike are "").
std::string PersonalValueAt(const Person& person, absl::string_view path) {
  const Message* message = &person;
  const std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(std::string(parts[i]));
    message = &message->GetReflection()->GetMessage(*message, field);  // the default when absent
  }
  const FieldDescriptor* leaf =
      message->GetDescriptor()->FindFieldByName(std::string(parts.back()));
  std::unique_ptr<Message> only(message->New());
  only->CopyFrom(*message);
  for (int i = 0; i < only->GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* field = only->GetDescriptor()->field(i);
    if (field != leaf) only->GetReflection()->ClearField(only.get(), field);
  }
  return only->SerializeAsString();
}

}  // namespace

const std::vector<std::string>& PersonalFieldPaths() {
  static const auto* const paths =
      new std::vector<std::string>{"given_name",      "family_name",    "language",
                                   "contact.email",   "contact.phone",  "contact.postal_address",
                                   "birth_date",      "gender",         "business.name",
                                   "business.sector", "business.stage", "business.start_date",
                                   "expertise"};
  return *paths;
}

absl::StatusOr<google::protobuf::FieldMask> CorrectionMask(
    const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) {
    return api::InvalidField(
        "update_mask",
        absl::StrCat("is required: name the personal fields corrected (", PersonalFieldList(), ")"),
        api::reason::kFieldRequired);
  }
  for (const std::string& path : mask.paths()) {
    if (!IsPersonalField(path) && !IsPersonalGroup(path)) return RefusedCorrectionPath(path);
  }
  google::protobuf::FieldMask canonical;
  FieldMaskUtil::ToCanonicalForm(mask, &canonical);
  return canonical;
}

std::vector<std::string> CorrectedFields(const Person& before, const Person& after,
                                         const google::protobuf::FieldMask& mask) {
  std::vector<std::string> corrected;
  for (const std::string& field : PersonalFieldPaths()) {
    bool covered = false;
    for (const std::string& path : mask.paths()) covered = covered || MaskPathCovers(path, field);
    if (covered && PersonalValueAt(before, field) != PersonalValueAt(after, field))
      corrected.push_back(field);
  }
  return corrected;
}

absl::StatusOr<std::vector<std::string>> CorrectionFilterPaths(absl::string_view field_path) {
  std::vector<std::string> paths;
  if (field_path.empty()) return paths;
  if (IsPersonalField(field_path)) {
    paths.emplace_back(field_path);
  } else if (IsPersonalGroup(field_path)) {
    for (const std::string& field : PersonalFieldPaths()) {
      if (MaskPathCovers(field_path, field)) paths.push_back(field);
    }
  } else {
    return api::InvalidField("field_path", absl::StrCat("must be ", PersonalFieldList(), " (got ",
                                                        api::Quoted(field_path), ")"));
  }
  return paths;
}

}  // namespace cercles::membership
