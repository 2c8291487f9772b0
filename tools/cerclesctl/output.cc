#include "tools/cerclesctl/output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace cercles::cerclesctl {

Table::Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

Table::Table(Lang lang, const std::vector<Bilingual>& header) {
  std::vector<std::string> words;
  for (const Bilingual& word : header) words.push_back(word.In(lang));
  rows_.push_back(std::move(words));
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(rows_[0].size());
  rows_.push_back(std::move(cells));
}

namespace {

// Columns on a terminal, for UTF-8 text: one per code point ("Pionnières" is
// 10 wide in 11 bytes). Good enough for the Latin scripts of circle names.
size_t DisplayWidth(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

}  // namespace

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(rows_[0].size(), 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]) + 3, ' ');
    }
    out << line << '\n';
  }
}

void PrintFields(Lang lang, const std::vector<RecordField>& fields, std::ostream& out) {
  const absl::string_view colon = lang == Lang::kFr ? " : " : ": ";
  size_t width = 0;
  for (const RecordField& f : fields) width = std::max(width, DisplayWidth(f.label.In(lang)));
  for (const RecordField& f : fields) {
    const std::string& label = f.label.In(lang);
    out << label << colon << std::string(width - DisplayWidth(label), ' ') << f.value << '\n';
  }
}

void PrintNextPage(const std::string& token, std::ostream& out, Lang lang) {
  if (token.empty()) return;
  out << (lang == Lang::kFr ? "page suivante : " : "next page: ") << token << '\n';
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", message.GetTypeName(), " as JSON: ", status.ToString()));
  }
  return json;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return google::protobuf::util::TimeUtil::ToString(time);
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

std::string YesNo(bool value, Lang lang) {
  if (lang == Lang::kFr) return value ? "oui" : "non";
  return YesNo(value);
}

std::string ShortEnumName(absl::string_view full_name, absl::string_view prefix) {
  absl::ConsumePrefix(&full_name, prefix);
  std::string name = absl::StrReplaceAll(full_name, {{"_", "-"}});
  absl::AsciiStrToLower(&name);
  return name;
}

}  // namespace cercles::cerclesctl
