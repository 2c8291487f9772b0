#include "tools/cerclesctl/people_import.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "cercles/membership/v1/trainings.grpc.pb.h"
#include "tools/cerclesctl/import_common.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::PeopleService;
using membership::v1::Person;
using membership::v1::TrainingService;

// The columns a file may have, in the order the normalised row lists them.
constexpr const char* kPeopleColumns[] = {"given_name",
                                          "family_name",
                                          "language",
                                          "email",
                                          "phone",
                                          "postal_address",
                                          "birth_date",
                                          "gender",
                                          "business_name",
                                          "sector",
                                          "stage",
                                          "business_start_date",
                                          "expertise",
                                          "expertise_opt_in",
                                          "share_with_network",
                                          "share_with_other_funds",
                                          "reminders_by_email",
                                          "training"};
constexpr const char* kPeopleRequiredColumns[] = {"given_name", "family_name", "language"};

// The server's violations ("<field> <rule>" parts joined by "; ", see
// PeopleService's validation) by column: "person.contact.email" is the email
// column, "person.expertise[3]" the expertise column's fourth entry.
std::vector<RowError> ViolationsByColumn(const std::string& message) {
  static const auto* columns = new std::map<std::string, std::string, std::less<>>{
      {"person.given_name", "given_name"},
      {"person.family_name", "family_name"},
      {"person.language", "language"},
      {"person.contact.email", "email"},
      {"person.contact.phone", "phone"},
      {"person.contact.postal_address", "postal_address"},
      {"person.birth_date", "birth_date"},
      {"person.gender", "gender"},
      {"person.business.name", "business_name"},
      {"person.business.sector", "sector"},
      {"person.business.stage", "stage"},
      {"person.business.start_date", "business_start_date"},
      {"person.expertise", "expertise"},
      {"person.expertise_opt_in", "expertise_opt_in"},
      {"person.consents.share_with_network", "share_with_network"},
      {"person.consents.share_with_other_funds", "share_with_other_funds"},
      {"person.consents.reminders_by_email", "reminders_by_email"}};
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(message, "; ")) {
    if (!parts.empty() && !absl::StartsWith(part, "person.")) {
      absl::StrAppend(&parts.back(), "; ", part);  // a rule that holds "; "
      continue;
    }
    parts.emplace_back(part);
  }
  std::vector<RowError> out;
  for (const std::string& part : parts) {
    const size_t space = part.find(' ');
    const std::string path = part.substr(0, space);
    std::string rule = space == std::string::npos ? "" : part.substr(space + 1);
    const size_t bracket = path.find('[');
    auto it = columns->find(absl::string_view(path).substr(0, bracket));
    if (it == columns->end()) {
      out.push_back({path, rule});
      continue;
    }
    int index = 0;
    if (bracket != std::string::npos &&
        absl::SimpleAtoi(absl::StripSuffix(absl::string_view(path).substr(bracket + 1), "]"),
                         &index)) {
      rule = absl::StrCat("entry ", index + 1, " ", rule);
    }
    out.push_back({it->second, rule});
  }
  return out;
}

// One data row of the file.
struct Row {
  int line = 0;
  Person person;
  std::string training;  // "trainings/N", or empty
  common::v1::Date completion_date;
  std::string canonical;  // the normalised row the request ids derive from
  bool shaped = true;     // as many fields as the header
  std::vector<RowError> errors;
  bool ok() const { return errors.empty(); }
  bool HasError(const std::string& column) const { return HasColumnError(errors, column); }
  // "import-people-<32 hex>", "import-enrol-...", "import-complete-...".
  std::string RequestId(absl::string_view step) const { return ImportRequestId(step, canonical); }
};

// Reads one row's columns into a person; syntax errors go to row.errors.
Row ParseRow(const CsvRecord& record, const std::vector<std::string>& header) {
  Row row;
  row.line = record.line;
  std::map<std::string, std::string> value;
  if (!RowFields(record, header, &value, &row.errors)) {
    row.shaped = false;
    return row;
  }
  std::map<std::string, std::string> canonical;  // column -> normalised value
  for (const char* column : kPeopleColumns) canonical[column] = value[column];
  auto error = [&](const std::string& column, absl::string_view rule) {
    row.errors.push_back({column, std::string(rule)});
  };
  Person& p = row.person;
  p.set_given_name(value["given_name"]);
  p.set_family_name(value["family_name"]);
  if (auto language = ParseLanguage(value["language"]); language.ok()) {
    p.set_language(*language);
    canonical["language"] = LanguageName(*language, Lang::kEn);
  } else {
    error("language", language.status().message());
  }
  p.mutable_contact()->set_email(value["email"]);
  p.mutable_contact()->set_phone(value["phone"]);
  p.mutable_contact()->set_postal_address(value["postal_address"]);
  for (const char* column : {"birth_date", "business_start_date"}) {
    if (value[column].empty()) continue;
    auto day = ParseDay(value[column]);
    if (!day.ok()) {
      error(column, day.status().message());
      continue;
    }
    canonical[column] = FormatDay(*day);
    *(std::string(column) == "birth_date" ? p.mutable_birth_date()
                                          : p.mutable_business()->mutable_start_date()) = *day;
  }
  p.set_gender(value["gender"]);
  if (!value["business_name"].empty() || !value["sector"].empty() || !value["stage"].empty() ||
      !value["business_start_date"].empty()) {
    p.mutable_business()->set_name(value["business_name"]);
    p.mutable_business()->set_sector(value["sector"]);
  }
  if (!value["stage"].empty()) {
    if (auto stage = ParseBusinessStage(value["stage"]); stage.ok()) {
      p.mutable_business()->set_stage(*stage);
      canonical["stage"] = BusinessStageName(*stage, Lang::kEn);
    } else {
      error("stage", stage.status().message());
    }
  }
  std::vector<std::string> expertise;
  for (absl::string_view entry : absl::StrSplit(value["expertise"], ';')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (!entry.empty()) expertise.emplace_back(entry);
  }
  for (const std::string& entry : expertise) p.add_expertise(entry);
  canonical["expertise"] = absl::StrJoin(expertise, ";");
  for (const char* column :
       {"expertise_opt_in", "share_with_network", "share_with_other_funds", "reminders_by_email"}) {
    bool flag = false;
    if (!value[column].empty()) {
      auto parsed = ParseYesNo(value[column]);
      if (!parsed.ok()) {
        error(column, parsed.status().message());
        continue;
      }
      flag = *parsed;
    }
    canonical[column] = flag ? "true" : "false";
    const std::string name(column);
    if (name == "expertise_opt_in") p.set_expertise_opt_in(flag);
    if (name == "share_with_network") p.mutable_consents()->set_share_with_network(flag);
    if (name == "share_with_other_funds") p.mutable_consents()->set_share_with_other_funds(flag);
    if (name == "reminders_by_email") p.mutable_consents()->set_reminders_by_email(flag);
  }
  if (!value["training"].empty()) {
    row.training = TrainingResourceName(value["training"]);
    int64_t id = 0;
    absl::string_view digits = row.training;
    if (!absl::ConsumePrefix(&digits, "trainings/") || !absl::SimpleAtoi(digits, &id) || id <= 0) {
      error("training", absl::StrCat("must be trainings/ID, not \"", value["training"], "\""));
    }
    canonical["training"] = row.training;
  }
  row.canonical = CanonicalRow(kPeopleColumns, canonical);
  return row;
}

}  // namespace

int ImportPeople(CommandContext& ctx) {
  const std::string file = ctx.args().positionals()[0];
  const bool dry_run = ctx.args().Has("dry-run");
  ImportFile input;
  if (int code = ReadImportFile(
          ctx, file, {kPeopleColumns, kPeopleRequiredColumns, PeopleHeaderAliases()}, &input))
    return code;
  std::vector<Row> rows;
  for (const CsvRecord& record : input.rows) rows.push_back(ParseRow(record, input.header));

  // Every row is checked before anything is written.
  std::map<std::string, std::optional<membership::v1::Training>> trainings;
  const common::v1::Date today = Today();
  {
    Progress progress(ctx, "checking", rows.size());
    for (Row& row : rows) {
      if (row.shaped) {
        // The server reports every broken rule of the person; a column that
        // already failed here is not reported twice.
        membership::v1::CreatePersonRequest request;
        request.set_request_id(row.RequestId("people"));
        *request.mutable_person() = row.person;
        request.set_validate_only(true);
        membership::v1::CreatePersonResponse response;
        grpc::Status status =
            ctx.Unary<PeopleService>(&PeopleService::Stub::CreatePerson, request, &response);
        if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
          for (RowError& e : ViolationsByColumn(status.error_message())) {
            if (!row.HasError(e.column)) row.errors.push_back(std::move(e));
          }
        } else if (!status.ok()) {
          return ctx.Fail(status);
        }
      }
      if (!row.training.empty() && !row.HasError("training")) {
        auto [it, inserted] = trainings.try_emplace(row.training);
        if (inserted) {
          membership::v1::GetTrainingRequest request;
          request.set_name(row.training);
          membership::v1::GetTrainingResponse response;
          grpc::Status status =
              ctx.Unary<TrainingService>(&TrainingService::Stub::GetTraining, request, &response);
          if (status.ok()) {
            it->second = response.training();
          } else if (!IsRowError(status)) {
            return ctx.Fail(status);
          }
        }
        if (!it->second.has_value()) {
          row.errors.push_back({"training", absl::StrCat(row.training, " does not exist")});
        } else {
          row.completion_date = it->second->end_date();
          if (FormatDay(row.completion_date) > FormatDay(today)) {
            row.errors.push_back(
                {"training", absl::StrCat(row.training, " ends on ", FormatDay(row.completion_date),
                                          ": its people complete it from then on")});
          }
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
      membership::v1::CreatePersonRequest create;
      create.set_request_id(row.RequestId("people"));
      *create.mutable_person() = row.person;
      membership::v1::CreatePersonResponse created;
      grpc::Status status =
          writes.Call<PeopleService>(&PeopleService::Stub::CreatePerson, create, &created);
      if (status.ok() && !row.training.empty()) {
        membership::v1::EnrolPersonRequest enrol;
        enrol.set_request_id(row.RequestId("enrol"));
        enrol.set_training(row.training);
        enrol.set_person(created.person().name());
        membership::v1::EnrolPersonResponse enrolled;
        status =
            writes.Call<TrainingService>(&TrainingService::Stub::EnrolPerson, enrol, &enrolled);
        if (status.ok()) {
          membership::v1::CompleteTrainingRequest complete;
          complete.set_request_id(row.RequestId("complete"));
          complete.set_training(row.training);
          complete.set_person(created.person().name());
          *complete.mutable_completion_date() = row.completion_date;
          membership::v1::CompleteTrainingResponse completed;
          status = writes.Call<TrainingService>(&TrainingService::Stub::CompleteTraining, complete,
                                                &completed);
        }
      }
      if (!status.ok()) {
        PrintWriteFailure(ctx, file, row.line, status);
        ++summary.failed;
      } else if (writes.all_replayed()) {
        ++summary.already_there;
      } else {
        ++summary.created;
      }
      progress.Step();
    }
  }
  return PrintImportSummary(ctx, file, summary, /*dry_run=*/false);
}

}  // namespace cercles::cerclesctl
