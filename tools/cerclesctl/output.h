#ifndef CERCLES_TOOLS_CERCLESCTL_OUTPUT_H_
#define CERCLES_TOOLS_CERCLESCTL_OUTPUT_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// Rows under a header, columns padded to their widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  // The header in the reader's language: Table(lang, {{"DUE", "ÉCHÉANCE"}, ...}).
  Table(Lang lang, const std::vector<Bilingual>& header);
  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

// One record as "label: value" lines, the values aligned after the widest
// label ("nom : value" in French): PrintFields(lang, {{{"name", "nom"}, p.name()}}, out).
struct RecordField {
  Bilingual label;
  std::string value;
};
void PrintFields(Lang lang, const std::vector<RecordField>& fields, std::ostream& out);

// The line after a listing that has more pages: "next page: TOKEN", in French
// "page suivante : TOKEN" (nothing when `token` is empty).
void PrintNextPage(const std::string& token, std::ostream& out, Lang lang);

// The proto3 JSON of a message on one line (names in lowerCamelCase, enums by
// name, zero values included so that `false` and `0` are visible).
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

// RFC 3339 ("2024-05-01T14:03:00Z"), or "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

// "yes" / "no".
std::string YesNo(bool value);
// "yes" / "no", in French "oui" / "non".
std::string YesNo(bool value, Lang lang);

// Lower-case short form of an enum value: with prefix "CIRCLE_STATUS_",
// CIRCLE_STATUS_UNDER_STRENGTH prints as "under-strength".
std::string ShortEnumName(absl::string_view full_name, absl::string_view prefix);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_OUTPUT_H_
