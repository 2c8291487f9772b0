#include "tools/cerclesctl/collection_sheet.h"

#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;

// One row per line in `lang` (the CSV's are Lang::kEn: code words, amounts as
// record-collections reads them); a member who owes nothing gets a row with no
// loan (nothing to collect, but the treasurer sees everybody).
std::vector<std::vector<std::string>> SheetRows(const lv1::GetCollectionSheetResponse& sheet,
                                                Lang lang) {
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, bool> has_line;
  for (const lv1::CollectionSheetLine& line : sheet.lines()) has_line[line.person()] = true;
  auto add_line = [&](const lv1::CollectionSheetLine& line) {
    rows.push_back({line.person(), EnumWord(lang, line.kind()), line.loan(),
                    FormatCents(line.due().minor_units(), lang),
                    FormatCents(line.in_arrears().minor_units(), lang),
                    FormatCents(line.most().minor_units(), lang),
                    line.has_next_due_date() ? FormatDay(line.next_due_date()) : ""});
  };
  size_t next = 0;
  for (const std::string& member : sheet.members()) {
    if (!has_line[member]) {
      rows.push_back({member, "", "", "", "", "", ""});
      continue;
    }
    while (next < static_cast<size_t>(sheet.lines_size()) && sheet.lines(next).person() == member) {
      add_line(sheet.lines(next++));
    }
  }
  // People no longer in the circle who still owe (listed last by the server).
  while (next < static_cast<size_t>(sheet.lines_size())) add_line(sheet.lines(next++));
  return rows;
}

}  // namespace

void PrintCollectionSheet(const lv1::GetCollectionSheetResponse& sheet, std::ostream& out,
                          Lang lang) {
  const bool fr = lang == Lang::kFr;
  out << (fr ? "feuille de perception de " : "collection sheet of ") << sheet.circle()
      << (fr ? " pour la rencontre du " : " for the meeting of ") << FormatDay(sheet.meeting_date())
      << (sheet.meeting().empty() ? "" : absl::StrCat(" (", sheet.meeting(), ")")) << '\n';
  Table table(lang, {{"PERSON", "PERSONNE"},
                     {"KIND", "TYPE"},
                     {"LOAN", "PRÊT"},
                     {"DUE", "DÛ"},
                     {"IN ARREARS", "ARRIÉRÉS"},
                     {"MOST", "MAXIMUM"},
                     {"NEXT DUE", "PROCHAINE ÉCHÉANCE"},
                     {"PAID", "PAYÉ"}});
  for (const std::vector<std::string>& row : SheetRows(sheet, lang)) {
    std::vector<std::string> cells = row;
    for (std::string& cell : cells) {
      if (cell.empty()) cell = "-";
    }
    cells.push_back(row[2].empty() ? "-" : "__________");
    table.AddRow(std::move(cells));
  }
  table.AddRow({"TOTAL", "", "", FormatCents(sheet.total_due().minor_units(), lang),
                FormatCents(sheet.total_in_arrears().minor_units(), lang), "", "", ""});
  table.Print(out);
}

std::string CollectionSheetCsv(const lv1::GetCollectionSheetResponse& sheet) {
  std::string csv =
      CsvLine(std::vector<std::string>(std::begin(kSheetColumns), std::end(kSheetColumns)));
  const std::string date = FormatDay(sheet.meeting_date());
  for (const std::vector<std::string>& row : SheetRows(sheet, Lang::kEn)) {
    std::vector<std::string> fields = {sheet.circle(), date, sheet.meeting()};
    fields.insert(fields.end(), row.begin(), row.end());
    fields.push_back("");  // paid
    fields.push_back("");  // reference
    csv += CsvLine(fields);
  }
  return csv;
}

absl::Status WriteCollectionSheetCsv(const std::string& path,
                                     const lv1::GetCollectionSheetResponse& sheet) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::NotFoundError(absl::StrCat("cannot write ", path));
  out << CollectionSheetCsv(sheet);
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("could not finish writing ", path));
  return absl::OkStatus();
}

void PrintCollections(const lv1::RecordCollectionsResponse& response,
                      const lv1::RecordCollectionsRequest& request,
                      const std::vector<int>& file_lines, std::ostream& out, Lang lang) {
  const bool fr = lang == Lang::kFr;
  out << (fr ? "perceptions de " : "collections of ") << response.circle() << (fr ? " le " : " on ")
      << FormatDay(response.received_on())
      << (response.meeting().empty() ? "" : absl::StrCat(" (", response.meeting(), ")")) << '\n';
  Table table(lang, {{"ROW", "LIGNE"},
                     {"PERSON", "PERSONNE"},
                     {"KIND", "TYPE"},
                     {"LOAN", "PRÊT"},
                     {"PAID", "PAYÉ"},
                     {"RESULT", "RÉSULTAT"},
                     {"ENTRY", "ÉCRITURE"},
                     {"REMAINING", "RESTANT"}});
  for (const lv1::CollectionLineResult& result : response.results()) {
    const int index = result.index();
    if (index < 0 || index >= request.lines_size() ||
        index >= static_cast<int>(file_lines.size())) {
      continue;
    }
    const lv1::CollectionLine& line = request.lines(index);
    const bool applied = result.outcome() == lv1::COLLECTION_LINE_OUTCOME_APPLIED;
    table.AddRow(
        {absl::StrCat(file_lines[index]), line.person(), EnumWord(lang, line.kind()), line.loan(),
         FormatCents(line.amount().minor_units(), lang),
         applied ? (result.repayment().empty() ? (fr ? "appliqué" : "applied") : result.repayment())
                 : absl::StrCat(fr ? "refusé (" : "refused ", EnumWord(lang, result.refusal()),
                                fr ? ") : " : ": ", result.reason()),
         applied ? absl::StrCat(result.journal_entry_id()) : "-",
         applied ? FormatCents(result.remaining().minor_units(), lang) : "-"});
  }
  table.Print(out);
  out << response.applied_lines() << (fr ? " appliquée(s) (" : " applied (")
      << FormatMoney(response.applied_total(), lang) << "), " << response.refused_lines()
      << (fr ? " refusée(s)\n" : " refused\n");
}

}  // namespace cercles::cerclesctl
