// A circle's meeting for its treasurer: `lending loans collection-sheet` prints
// what each member owes at the meeting (and writes it as a CSV file with an
// empty `paid` column to fill in), `lending loans record-collections` takes the
// filled file back and records every line in one call (GetCollectionSheet and
// RecordCollections of cercles.lending.v1.LendingService).

#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/import_common.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::LendingService;

// The sheet's CSV columns, in order; record-collections reads them back (in
// any order) and needs the required ones.
constexpr const char* kSheetColumns[] = {"circle", "date",     "meeting", "person",
                                         "kind",   "loan",     "due",     "in_arrears",
                                         "most",   "next_due", "paid",    "reference"};
constexpr const char* kSheetRequiredColumns[] = {"circle", "date", "person",
                                                 "kind",   "loan", "paid"};

std::string KindName(lv1::CollectionKind kind) {
  return ShortEnumName(lv1::CollectionKind_Name(kind), "COLLECTION_KIND_");
}

// One printed (and written) row per line; a member who owes nothing gets a row
// with no loan (nothing to collect, but the treasurer sees everybody).
std::vector<std::vector<std::string>> SheetRows(const lv1::GetCollectionSheetResponse& sheet) {
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, bool> has_line;
  for (const lv1::CollectionSheetLine& line : sheet.lines()) has_line[line.person()] = true;
  auto add_line = [&](const lv1::CollectionSheetLine& line) {
    rows.push_back(
        {line.person(), KindName(line.kind()), line.loan(), FormatCents(line.due().minor_units()),
         FormatCents(line.in_arrears().minor_units()), FormatCents(line.most().minor_units()),
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

absl::Status WriteSheetCsv(const std::string& path, const lv1::GetCollectionSheetResponse& sheet,
                           const std::vector<std::vector<std::string>>& rows) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::NotFoundError(absl::StrCat("cannot write ", path));
  out << CsvLine(std::vector<std::string>(std::begin(kSheetColumns), std::end(kSheetColumns)));
  const std::string date = FormatDay(sheet.meeting_date());
  for (const std::vector<std::string>& row : rows) {
    std::vector<std::string> fields = {sheet.circle(), date, sheet.meeting()};
    fields.insert(fields.end(), row.begin(), row.end());
    fields.push_back("");  // paid
    fields.push_back("");  // reference
    out << CsvLine(fields);
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("could not finish writing ", path));
  return absl::OkStatus();
}

int CollectionSheet(CommandContext& ctx) {
  lv1::GetCollectionSheetRequest request;
  request.set_circle(CircleResourceName(ctx.args().Value("circle")));
  auto date = DayOption(ctx.args(), "date");
  if (!date.ok()) return ctx.UsageError(date.status().message());
  if (date->has_value()) *request.mutable_meeting_date() = **date;
  request.set_meeting(ctx.args().Value("meeting"));
  return RunReadVerb<LendingService>(
      ctx, &LendingService::Stub::GetCollectionSheet, request,
      [&](const lv1::GetCollectionSheetResponse& sheet) {
        const std::vector<std::vector<std::string>> rows = SheetRows(sheet);
        ctx.out() << "collection sheet of " << sheet.circle() << " for the meeting of "
                  << FormatDay(sheet.meeting_date())
                  << (sheet.meeting().empty() ? "" : absl::StrCat(" (", sheet.meeting(), ")"))
                  << '\n';
        Table table({"PERSON", "KIND", "LOAN", "DUE", "IN ARREARS", "MOST", "NEXT DUE", "PAID"});
        for (const std::vector<std::string>& row : rows) {
          std::vector<std::string> cells = row;
          for (std::string& cell : cells) {
            if (cell.empty()) cell = "-";
          }
          cells.push_back(row[2].empty() ? "-" : "__________");
          table.AddRow(std::move(cells));
        }
        table.AddRow({"TOTAL", "", "", FormatCents(sheet.total_due().minor_units()),
                      FormatCents(sheet.total_in_arrears().minor_units()), "", "", ""});
        table.Print(ctx.out());
        if (!ctx.args().Has("csv")) return kExitOk;
        const std::string path = ctx.args().Value("csv");
        if (absl::Status written = WriteSheetCsv(path, sheet, rows); !written.ok()) {
          return ctx.Fail(written);
        }
        ctx.out() << "written to " << path
                  << ": fill in the paid column (and a receipt reference if any), then run\n"
                     "  cerclesctl lending loans record-collections --file "
                  << path << '\n';
        return kExitOk;
      });
}

// The request of a filled sheet: one line per row with a paid amount above 0.
// Every row's mistakes are printed as FILE:LINE: column: rule; none is sent
// while any remains.
struct FilledSheet {
  lv1::RecordCollectionsRequest request;
  std::vector<int> file_lines;  // the file's line of each request line
  std::string canonical;        // the lines sent, for the default request_id
};

int ReadFilledSheet(CommandContext& ctx, const std::string& path, FilledSheet* filled) {
  ImportFile file;
  const ImportColumns columns{kSheetColumns, kSheetRequiredColumns, CollectionSheetHeaderAliases()};
  if (int code = ReadImportFile(ctx, path, columns, &file); code != kExitOk) return code;
  bool broken = false;
  for (const CsvRecord& record : file.rows) {
    std::map<std::string, std::string> values;
    std::vector<RowError> errors;
    if (!RowFields(record, file.header, &values, &errors)) {
      PrintRowErrors(ctx, path, record.line, errors);
      broken = true;
      continue;
    }
    lv1::RecordCollectionsRequest& request = filled->request;
    const std::string circle = CircleResourceName(values["circle"]);
    if (request.circle().empty()) {
      request.set_circle(circle);
      auto day = ParseDay(values["date"]);
      if (day.ok()) {
        *request.mutable_received_on() = *day;
      } else {
        errors.push_back({"date", std::string(day.status().message())});
      }
      request.set_meeting(values["meeting"]);
    } else if (circle != request.circle() || values["meeting"] != request.meeting() ||
               values["date"] != FormatDay(request.received_on())) {
      errors.push_back(
          {"circle", "every row must be of the same circle, date and meeting as the first"});
    }
    if (values["paid"].empty()) {
      PrintRowErrors(ctx, path, record.line, errors);
      broken = broken || !errors.empty();
      continue;
    }
    auto paid = ParseMoney(values["paid"]);
    if (!paid.ok()) {
      errors.push_back({"paid", std::string(paid.status().message())});
    } else if (paid->minor_units() == 0) {
      PrintRowErrors(ctx, path, record.line, errors);
      broken = broken || !errors.empty();
      continue;
    }
    lv1::CollectionLine line;
    auto kind = ParseEnumName(values["kind"], lv1::CollectionKind_descriptor(), "COLLECTION_KIND_");
    if (!kind.ok()) {
      errors.push_back({"kind", std::string(kind.status().message())});
    } else {
      line.set_kind(static_cast<lv1::CollectionKind>(*kind));
    }
    if (values["loan"].empty()) {
      errors.push_back({"loan", "a paid row needs the loan it pays (this person owes nothing)"});
    }
    line.set_loan(LoanResourceName(values["loan"]));
    line.set_person(PersonResourceName(values["person"]));
    if (paid.ok()) *line.mutable_amount() = *paid;
    line.set_reference(values["reference"]);
    if (!errors.empty()) {
      PrintRowErrors(ctx, path, record.line, errors);
      broken = true;
      continue;
    }
    *request.add_lines() = std::move(line);
    filled->file_lines.push_back(record.line);
    filled->canonical += CanonicalRow(kSheetColumns, values);
  }
  if (broken) return kExitFailure;
  if (filled->request.lines_size() == 0) {
    return ctx.Fail(absl::InvalidArgumentError(
        absl::StrCat(path, ": no row has a paid amount: nothing to record")));
  }
  return kExitOk;
}

void PrintCollections(const lv1::RecordCollectionsResponse& response, const FilledSheet& filled,
                      std::ostream& out) {
  out << "collections of " << response.circle() << " on " << FormatDay(response.received_on())
      << (response.meeting().empty() ? "" : absl::StrCat(" (", response.meeting(), ")")) << '\n';
  Table table({"ROW", "PERSON", "KIND", "LOAN", "PAID", "RESULT", "ENTRY", "REMAINING"});
  for (const lv1::CollectionLineResult& result : response.results()) {
    const int index = result.index();
    if (index < 0 || index >= filled.request.lines_size()) continue;
    const lv1::CollectionLine& line = filled.request.lines(index);
    const bool applied = result.outcome() == lv1::COLLECTION_LINE_OUTCOME_APPLIED;
    table.AddRow({absl::StrCat(filled.file_lines[index]), line.person(), KindName(line.kind()),
                  line.loan(), FormatCents(line.amount().minor_units()),
                  applied
                      ? (result.repayment().empty() ? "applied" : result.repayment())
                      : absl::StrCat("refused ",
                                     ShortEnumName(lv1::CollectionRefusal_Name(result.refusal()),
                                                   "COLLECTION_REFUSAL_"),
                                     ": ", result.reason()),
                  applied ? absl::StrCat(result.journal_entry_id()) : "-",
                  applied ? FormatCents(result.remaining().minor_units()) : "-"});
  }
  table.Print(out);
  out << response.applied_lines() << " applied (" << FormatMoney(response.applied_total()) << "), "
      << response.refused_lines() << " refused\n";
}

int RecordCollections(CommandContext& ctx) {
  const std::string path = ctx.args().Value("file");
  FilledSheet filled;
  if (int code = ReadFilledSheet(ctx, path, &filled); code != kExitOk) return code;
  lv1::RecordCollectionsRequest& request = filled.request;
  // By default the id is the filled sheet's own: recording the same file again
  // answers the first result instead of recording it twice.
  request.set_request_id(ctx.args().Has("request-id")
                             ? ctx.args().Value("request-id")
                             : ImportRequestId("collections", filled.canonical));
  lv1::RecordCollectionsResponse response;
  bool replayed = false;
  grpc::Status status = CallWrite<LendingService>(ctx, &LendingService::Stub::RecordCollections,
                                                  request, &response, &replayed);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (replayed) {
    ctx.err() << "cerclesctl: request id " << request.request_id()
              << " was already done; this is its first answer\n";
  }
  if (ctx.json()) {
    const int code = ctx.PrintJson(response);
    return response.refused_lines() > 0 ? kExitFailure : code;
  }
  PrintCollections(response, filled, ctx.out());
  if (response.refused_lines() > 0) {
    ctx.err() << "cerclesctl: " << response.refused_lines() << " of " << request.lines_size()
              << " lines refused (see RESULT); correct them in a new file with only those rows\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

std::vector<Verb> CollectionVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"lending", "loans", "collection-sheet"},
       "",
       {"Prints what each member of a circle owes at a meeting (due, in arrears, guarantee "
        "shares called), and writes it as a CSV sheet to fill in.",
        "Affiche ce que chaque membre d'un cercle doit à une rencontre (dû, arriérés, parts de "
        "garantie appelées) et l'écrit dans une feuille CSV à remplir."},
       {{"circle",
         "circles/ID",
         {"the circle whose meeting it is", "le cercle dont c'est la rencontre"},
         false,
         true},
        {"date",
         "YYYY-MM-DD",
         {"the meeting date (default: today)",
          "la date de la rencontre (par défaut : aujourd'hui)"}},
        {"meeting",
         "circles/ID/meetings/ID",
         {"membership's record of the meeting, shown along",
          "la rencontre consignée dans membership, affichée avec"}},
        {"csv",
         "FILE",
         {"also write the sheet there, with an empty paid column",
          "écrire aussi la feuille à cet endroit, avec une colonne paid vide"}}},
       0,
       0,
       CollectionSheet});
  OptionSpec request_id = RequestIdOptionSpec();
  request_id.help = {
      "idempotency key: a retry with the same id changes nothing more (default: one derived "
      "from the filled rows, so the same file is recorded once)",
      "clé d'idempotence : une reprise avec le même identifiant ne change rien de plus (par "
      "défaut : un identifiant tiré des lignes remplies, pour que le même fichier soit consigné "
      "une seule fois)"};
  verbs.push_back(
      {{"lending", "loans", "record-collections"},
       "",
       {"Records a filled collection sheet in one call: each row with a paid amount "
        "is applied or refused with its reason (exit 1 when any is refused).",
        "Consigne une feuille de perception remplie en un seul appel : chaque ligne avec un "
        "montant payé est appliquée ou refusée avec sa raison (code de sortie 1 si l'une est "
        "refusée)."},
       {{"file",
         "FILE",
         {"the sheet written by collection-sheet, paid column filled",
          "la feuille écrite par collection-sheet, avec la colonne paid remplie"},
         false,
         true},
        request_id},
       0,
       0,
       RecordCollections});
  return verbs;
}

}  // namespace cercles::cerclesctl
