// A circle's meeting for its treasurer: `lending loans collection-sheet` prints
// what each member owes at the meeting (and writes it as a CSV file with an
// empty `paid` column to fill in), `lending loans record-collections` takes the
// filled file back and records every line in one call (GetCollectionSheet and
// RecordCollections of cercles.lending.v1.LendingService).

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/collection_sheet.h"
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
        PrintCollectionSheet(sheet, ctx.out(), ctx.lang());
        if (!ctx.args().Has("csv")) return kExitOk;
        const std::string path = ctx.args().Value("csv");
        if (absl::Status written = WriteCollectionSheetCsv(path, sheet); !written.ok()) {
          return ctx.Fail(written);
        }
        // The column's name stays "paid" in French: it is the CSV's.
        ctx.out() << (ctx.lang() == Lang::kFr
                          ? absl::StrCat("écrite dans ", path,
                                         " : remplissez la colonne paid (et une référence de "
                                         "reçu s'il y a lieu), puis lancez\n")
                          : absl::StrCat("written to ", path,
                                         ": fill in the paid column (and a receipt reference "
                                         "if any), then run\n"))
                  << "  cerclesctl lending loans record-collections --file " << path << '\n';
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
  PrintCollections(response, request, filled.file_lines, ctx.out(), ctx.lang());
  if (response.refused_lines() > 0) {
    if (ctx.lang() == Lang::kFr) {
      ctx.err() << "cerclesctl: " << response.refused_lines() << " des " << request.lines_size()
                << " lignes refusées (voir RÉSULTAT) ; corrigez-les dans un nouveau fichier "
                   "avec seulement ces lignes\n";
    } else {
      ctx.err() << "cerclesctl: " << response.refused_lines() << " of " << request.lines_size()
                << " lines refused (see RESULT); correct them in a new file with only those "
                   "rows\n";
    }
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
