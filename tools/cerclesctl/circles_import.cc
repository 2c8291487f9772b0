#include "tools/cerclesctl/circles_import.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cercles/membership/v1/membership.grpc.pb.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/import_common.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::MembershipService;
using membership::v1::PeopleService;
using membership::v1::ProposedCircle;

// The columns a file may have, in the order the normalised row lists them.
constexpr const char* kCircleColumns[] = {"display_name", "members", "characteristics", "advisor",
                                          "activate"};
constexpr const char* kCircleRequiredColumns[] = {"display_name", "members"};
constexpr int kMinMembers = 4;
constexpr int kMaxMembers = 7;

// One data row of the file: one circle.
struct Row {
  int line = 0;
  ProposedCircle circle;
  bool activate = false;
  std::string canonical;       // the normalised row the request id derives from
  bool shaped = true;          // as many fields as the header
  bool already_there = false;  // the check found the circle this row describes
  std::vector<RowError> errors;
  bool ok() const { return errors.empty(); }
  bool HasError(absl::string_view column) const { return HasColumnError(errors, column); }
  // "import-circle-<32 hex>".
  std::string RequestId() const { return ImportRequestId("circle", canonical); }
  membership::v1::AcceptCircleProposalRequest Request(bool validate_only) const {
    membership::v1::AcceptCircleProposalRequest request;
    request.set_request_id(RequestId());
    *request.add_circles() = circle;
    request.set_activate(activate);
    request.set_validate_only(validate_only);
    return request;
  }
};

// "people/7" or a bare "7" (likewise advisors) as "people/7"; empty when the
// text is neither.
std::string IdName(absl::string_view collection, absl::string_view text) {
  absl::string_view digits = text;
  absl::ConsumePrefix(&digits, absl::StrCat(collection, "/"));
  int64_t id = 0;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &id) || id <= 0) {
    return "";
  }
  return absl::StrCat(collection, "/", id);
}

// Reads one row's columns into a proposed circle; errors go to row.errors.
Row ParseRow(const CsvRecord& record, const std::vector<std::string>& header,
             bool default_activate) {
  Row row;
  row.line = record.line;
  std::map<std::string, std::string> value;
  if (!RowFields(record, header, &value, &row.errors)) {
    row.shaped = false;
    return row;
  }
  std::map<std::string, std::string> canonical;  // column -> normalised value
  auto error = [&](const char* column, std::string rule) {
    row.errors.push_back({column, std::move(rule)});
  };
  ProposedCircle& circle = row.circle;

  if (value["display_name"].empty()) error("display_name", "is required");
  circle.set_display_name(value["display_name"]);
  canonical["display_name"] = circle.display_name();

  int entries = 0;
  for (absl::string_view entry : absl::StrSplit(value["members"], ';')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) continue;
    ++entries;
    const std::string name = IdName("people", entry);
    if (name.empty()) {
      error("members",
            absl::StrCat("entry ", entries, " must be people/ID or ID, not \"", entry, "\""));
    } else if (std::find(circle.people().begin(), circle.people().end(), name) !=
               circle.people().end()) {
      error("members", absl::StrCat(name, " appears twice: a person is in one circle"));
    } else {
      circle.add_people(name);
    }
  }
  if (entries < kMinMembers || entries > kMaxMembers) {
    error("members", absl::StrCat("must name ", kMinMembers, " to ", kMaxMembers,
                                  " people separated by ';', not ", entries));
  }
  canonical["members"] = absl::StrJoin(circle.people(), ";");

  std::vector<std::string> characteristics;
  entries = 0;
  for (absl::string_view entry : absl::StrSplit(value["characteristics"], ';')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) continue;
    ++entries;
    auto parsed = ParseCharacteristic(entry);
    if (!parsed.ok()) {
      error("characteristics",
            absl::StrCat("entry ", entries, " ",
                         absl::StripPrefix(parsed.status().message(), "--characteristic ")));
      continue;
    }
    // As the server stores it: a custom kind in lower case, the value trimmed.
    parsed->set_custom_kind(absl::AsciiStrToLower(parsed->custom_kind()));
    parsed->set_value(std::string(absl::StripAsciiWhitespace(parsed->value())));
    google::protobuf::RepeatedPtrField<membership::v1::Characteristic> one;
    *one.Add() = *parsed;
    characteristics.push_back(FormatCharacteristics(one));
    *circle.add_characteristics() = *std::move(parsed);
  }
  canonical["characteristics"] = absl::StrJoin(characteristics, ";");

  if (!value["advisor"].empty()) {
    circle.set_advisor(IdName("advisors", value["advisor"]));
    if (circle.advisor().empty()) {
      error("advisor", absl::StrCat("must be advisors/ID or ID, not \"", value["advisor"], "\""));
    }
  }
  canonical["advisor"] = circle.advisor();

  row.activate = default_activate;
  if (!value["activate"].empty()) {
    auto activate = ParseYesNo(value["activate"]);
    if (activate.ok()) {
      row.activate = *activate;
    } else {
      error("activate", std::string(activate.status().message()));
    }
  }
  canonical["activate"] = row.activate ? "true" : "false";

  row.canonical = CanonicalRow(kCircleColumns, canonical);
  return row;
}

// A person may be in one circle: a person named by an earlier row too makes
// this row fail, naming both lines.
void CheckPeopleInOneRow(std::vector<Row>& rows) {
  std::map<std::string, int> first_line;  // person -> line of the first row naming them
  for (Row& row : rows) {
    for (const std::string& person : row.circle.people()) {
      auto [it, inserted] = first_line.try_emplace(person, row.line);
      if (!inserted) {
        row.errors.push_back({"members", absl::StrCat(person, " is already in the row of line ",
                                                      it->second, ": a person is in one circle")});
      }
    }
  }
}

// The server's refusal of a row by column: "circles[0].people must name ..."
// is the members column, "circles[0].characteristics[1] ..." the
// characteristics column's second entry, "people/3 has not completed a
// training" the members column.
RowError ServerError(const grpc::Status& status) {
  static constexpr std::pair<const char*, const char*> kFields[] = {
      {"display_name", "display_name"},
      {"people", "members"},
      {"characteristics", "characteristics"},
      {"advisor", "advisor"}};
  const std::string full = status.error_message();  // a copy: the view below reads it
  absl::string_view message = full;
  if (absl::ConsumePrefix(&message, "circles[0].")) {
    for (const auto& [field, column] : kFields) {
      absl::string_view rest = message;
      if (!absl::ConsumePrefix(&rest, field)) continue;
      std::string entry;
      int index = 0;
      const size_t close = rest.find(']');
      if (absl::StartsWith(rest, "[") && close != absl::string_view::npos &&
          absl::SimpleAtoi(rest.substr(1, close - 1), &index)) {
        entry = absl::StrCat("entry ", index + 1, " ");
        rest.remove_prefix(close + 1);
      }
      absl::ConsumePrefix(&rest, ".");
      absl::ConsumePrefix(&rest, ":");
      return {column, absl::StrCat(entry, absl::StripLeadingAsciiWhitespace(rest))};
    }
    return {"row", std::string(message)};
  }
  if (absl::StartsWith(message, "advisor")) return {"advisor", full};
  if (absl::StartsWith(message, "person \"") || absl::StartsWith(message, "people/")) {
    return {"members", full};
  }
  if (absl::StrContains(message, "activat")) return {"activate", full};
  return {"row", full};
}

}  // namespace

int ImportCircles(CommandContext& ctx) {
  const std::string file = ctx.args().positionals()[0];
  const bool dry_run = ctx.args().Has("dry-run");
  ImportFile input;
  if (int code = ReadImportFile(
          ctx, file, {kCircleColumns, kCircleRequiredColumns, CirclesHeaderAliases()}, &input))
    return code;
  std::vector<Row> rows;
  for (const CsvRecord& record : input.rows) {
    rows.push_back(ParseRow(record, input.header, ctx.args().Has("activate")));
  }
  CheckPeopleInOneRow(rows);

  // Every row is checked before anything is written: by the server too, as
  // far as its columns could be read (a column that already failed here is
  // not reported twice).
  {
    Progress progress(ctx, "checking", rows.size());
    for (Row& row : rows) {
      if (row.shaped) {
        // A row written by an earlier run is answered as a replay (the
        // `cercles-replayed` header), not checked again.
        RowWrites check(ctx);
        membership::v1::AcceptCircleProposalResponse response;
        const grpc::Status status =
            check.Call<MembershipService>(&MembershipService::Stub::AcceptCircleProposal,
                                          row.Request(/*validate_only=*/true), &response);
        const bool about_row =
            IsRowError(status) || (status.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
                                   !row.circle.advisor().empty());
        if (!status.ok() && !about_row) return ctx.Fail(status);
        if (status.ok() && check.all_replayed()) {
          row.already_there = true;
        } else if (!status.ok()) {
          RowError error = ServerError(status);
          if (!row.HasError(error.column)) row.errors.push_back(std::move(error));
        }
      }
      progress.Step();
    }
  }
  ImportSummary summary = ReportCheckedRows(ctx, file, rows);
  if (dry_run) return PrintImportSummary(ctx, file, summary, /*dry_run=*/true);

  {
    Progress progress(ctx, "importing", static_cast<size_t>(summary.valid));
    for (const Row& row : rows) {
      if (!row.ok()) continue;
      RowWrites writes(ctx);
      membership::v1::AcceptCircleProposalResponse response;
      const grpc::Status status =
          writes.Call<MembershipService>(&MembershipService::Stub::AcceptCircleProposal,
                                         row.Request(/*validate_only=*/false), &response);
      if (!status.ok()) {
        PrintWriteFailure(ctx, file, row.line, status);
        ++summary.failed;
      } else if (writes.all_replayed() || row.already_there) {
        // A row whose circle was there succeeds only as a replay: written
        // anew, its people would already be in a circle.
        ++summary.already_there;
      } else {
        ++summary.created;
      }
      progress.Step();
    }
  }
  return PrintImportSummary(ctx, file, summary, /*dry_run=*/false);
}

std::vector<Verb> ImportVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"import", "circles"},
       "FILE.csv",
       {"Creates circles with their members from a CSV file with a header row "
        "(display_name, members, characteristics, advisor, activate; see the README), "
        "each row all or nothing. Every row is checked first and errors are reported "
        "as FILE:LINE: column: rule; re-running the same file changes nothing.",
        "Crée des cercles et leurs membres à partir d'un fichier CSV avec une ligne "
        "d'en-tête (display_name, members, characteristics, advisor, activate ; voir "
        "le README), chaque ligne en entier ou pas du tout. Chaque ligne est d'abord "
        "vérifiée et les erreurs sont signalées sous la forme FICHIER:LIGNE: colonne: "
        "règle ; relancer le même fichier ne change rien."},
       {{"dry-run",
         "",
         {"check every row and write nothing", "vérifier chaque ligne sans rien écrire"}},
        {"activate",
         "",
         {"activate the circles of rows without an activate value",
          "activer les cercles des lignes sans valeur activate"}}},
       1,
       1,
       ImportCircles});
  return verbs;
}

}  // namespace cercles::cerclesctl
