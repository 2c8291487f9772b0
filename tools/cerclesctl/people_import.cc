#include "tools/cerclesctl/people_import.h"

#include <google/protobuf/struct.pb.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
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
#include "tools/cerclesctl/csv_reader.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::PeopleService;
using membership::v1::Person;
using membership::v1::TrainingService;

// The columns a file may have, in the order the normalised row lists them.
constexpr const char* kColumns[] = {"given_name",
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
                                    "training"};
constexpr const char* kRequiredColumns[] = {"given_name", "family_name", "language"};

// A broken rule in a row: the column and the rule.
struct RowError {
  std::string column;
  std::string rule;
};

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
      {"person.consents.share_with_other_funds", "share_with_other_funds"}};
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

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
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
  bool HasError(const std::string& column) const {
    for (const RowError& e : errors) {
      if (e.column == column) return true;
    }
    return false;
  }
  // "import-people-<32 hex>", "import-enrol-...", "import-complete-...".
  std::string RequestId(absl::string_view step) const {
    return absl::StrCat("import-", step, "-", Sha256Hex(canonical).substr(0, 32));
  }
};

// Reads one row's columns into a person; syntax errors go to row.errors.
Row ParseRow(const CsvRecord& record, const std::vector<std::string>& header) {
  Row row;
  row.line = record.line;
  std::map<std::string, std::string> value;
  for (size_t i = 0; i < header.size() && i < record.fields.size(); ++i) {
    value[header[i]] = std::string(absl::StripAsciiWhitespace(record.fields[i]));
  }
  if (record.fields.size() != header.size()) {
    row.shaped = false;
    row.errors.push_back({"row", absl::StrCat("has ", record.fields.size(),
                                              " fields where the header has ", header.size())});
    return row;
  }
  std::map<std::string, std::string> canonical;  // column -> normalised value
  for (const char* column : kColumns) canonical[column] = value[column];
  auto error = [&](const std::string& column, absl::string_view rule) {
    row.errors.push_back({column, std::string(rule)});
  };
  Person& p = row.person;
  p.set_given_name(value["given_name"]);
  p.set_family_name(value["family_name"]);
  if (auto language = ParseLanguage(value["language"]); language.ok()) {
    p.set_language(*language);
    canonical["language"] = LanguageName(*language);
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
      canonical["stage"] = BusinessStageName(*stage);
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
  for (const char* column : {"expertise_opt_in", "share_with_network", "share_with_other_funds"}) {
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
  // "column=<length>:value" lines: unambiguous even when a value holds a line break.
  for (const char* column : kColumns) {
    const std::string& v = canonical[column];
    absl::StrAppend(&row.canonical, column, "=", v.size(), ":", v, "\n");
  }
  return row;
}

// A bar on stderr while rows are checked and written, only on a terminal.
class Progress {
 public:
  Progress(CommandContext& ctx, std::string label, size_t total)
      : err_(ctx.err()),
        enabled_(&ctx.err() == &std::cerr && isatty(STDERR_FILENO) == 1 && total > 0),
        label_(std::move(label)),
        total_(total) {}
  ~Progress() {
    if (enabled_) err_ << "\r\033[K" << std::flush;
  }
  void Step() {
    ++done_;
    if (!enabled_) return;
    constexpr size_t kWidth = 30;
    const size_t filled = done_ * kWidth / total_;
    err_ << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.')
         << "] " << done_ << "/" << total_ << std::flush;
  }

 private:
  std::ostream& err_;
  const bool enabled_;
  const std::string label_;
  const size_t total_;
  size_t done_ = 0;
};

bool Fatal(const grpc::Status& status) {
  return status.error_code() != grpc::StatusCode::INVALID_ARGUMENT &&
         status.error_code() != grpc::StatusCode::NOT_FOUND &&
         status.error_code() != grpc::StatusCode::FAILED_PRECONDITION;
}

// The header's column names; errors for unknown, repeated and missing ones.
std::vector<std::string> ReadHeader(const CsvRecord& record, std::vector<std::string>* errors) {
  std::vector<std::string> header;
  for (const std::string& field : record.fields) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(field));
    bool known = false;
    for (const char* column : kColumns) known = known || name == column;
    if (!known) {
      errors->push_back(
          absl::StrCat("column \"", name, "\" is not one of ", absl::StrJoin(kColumns, ",")));
    } else if (std::find(header.begin(), header.end(), name) != header.end()) {
      errors->push_back(absl::StrCat("column \"", name, "\" appears twice"));
    }
    header.push_back(std::move(name));
  }
  for (const char* column : kRequiredColumns) {
    if (std::find(header.begin(), header.end(), column) == header.end()) {
      errors->push_back(absl::StrCat("column \"", column, "\" is required"));
    }
  }
  return header;
}

struct Summary {
  int rows = 0, valid = 0, created = 0, already_there = 0, failed = 0;
};

int PrintSummary(CommandContext& ctx, const std::string& file, const Summary& s, bool dry_run) {
  if (ctx.json()) {
    google::protobuf::Struct out;
    auto& fields = *out.mutable_fields();
    fields["file"].set_string_value(file);
    fields["dryRun"].set_bool_value(dry_run);
    fields["rows"].set_number_value(s.rows);
    fields["valid"].set_number_value(s.valid);
    fields["created"].set_number_value(s.created);
    fields["alreadyThere"].set_number_value(s.already_there);
    fields["failed"].set_number_value(s.failed);
    if (ctx.PrintJson(out) != kExitOk) return kExitFailure;
  } else if (dry_run) {
    ctx.out() << file << ": " << s.rows << " rows checked: " << s.valid << " valid, " << s.failed
              << " failed; nothing written (dry run)\n";
  } else {
    ctx.out() << file << ": " << s.rows << " rows: " << s.created << " created, " << s.already_there
              << " already there, " << s.failed << " failed\n";
  }
  return s.failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace

int ImportPeople(CommandContext& ctx) {
  const std::string file = ctx.args().positionals()[0];
  const bool dry_run = ctx.args().Has("dry-run");
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return ctx.Fail(absl::NotFoundError(absl::StrCat("cannot read ", file)));
  }
  std::stringstream content;
  content << in.rdbuf();
  auto records = ParseCsv(content.str());
  if (!records.ok())
    return ctx.Fail(
        absl::InvalidArgumentError(absl::StrCat(file, ": ", records.status().message())));
  if (records->empty()) {
    return ctx.Fail(absl::InvalidArgumentError(absl::StrCat(file, ": no header row")));
  }
  std::vector<std::string> header_errors;
  const std::vector<std::string> header = ReadHeader((*records)[0], &header_errors);
  for (const std::string& error : header_errors) {
    ctx.err() << file << ":" << (*records)[0].line << ": " << error << '\n';
  }
  if (!header_errors.empty()) return kExitFailure;

  std::vector<Row> rows;
  for (size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& record = (*records)[i];
    bool blank = true;
    for (const std::string& f : record.fields)
      blank = blank && absl::StripAsciiWhitespace(f).empty();
    if (!blank) rows.push_back(ParseRow(record, header));
  }

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
          } else if (Fatal(status)) {
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
  Summary summary;
  summary.rows = static_cast<int>(rows.size());
  for (const Row& row : rows) {
    for (const RowError& error : row.errors) {
      ctx.err() << file << ":" << row.line << ": " << error.column << ": " << error.rule << '\n';
    }
    if (row.ok()) {
      ++summary.valid;
    } else {
      ++summary.failed;
    }
  }
  if (dry_run) return PrintSummary(ctx, file, summary, /*dry_run=*/true);

  {
    Progress progress(ctx, "importing", static_cast<size_t>(summary.valid));
    for (const Row& row : rows) {
      if (!row.ok()) continue;
      bool all_replayed = true;
      auto write_failed = [&](const grpc::Status& status) {
        ctx.err() << file << ":" << row.line << ": "
                  << absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))
                  << ": " << status.error_message() << '\n';
        if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
            status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          ctx.err() << file << ":" << row.line
                    << ": run the same file again to finish this row (nothing is duplicated)\n";
        }
        ++summary.failed;
      };
      membership::v1::CreatePersonRequest create;
      create.set_request_id(row.RequestId("people"));
      *create.mutable_person() = row.person;
      membership::v1::CreatePersonResponse created;
      bool replayed = false;
      grpc::Status status = CallWrite<PeopleService>(ctx, &PeopleService::Stub::CreatePerson,
                                                     create, &created, &replayed);
      all_replayed = all_replayed && replayed;
      if (status.ok() && !row.training.empty()) {
        membership::v1::EnrolPersonRequest enrol;
        enrol.set_request_id(row.RequestId("enrol"));
        enrol.set_training(row.training);
        enrol.set_person(created.person().name());
        membership::v1::EnrolPersonResponse enrolled;
        status = CallWrite<TrainingService>(ctx, &TrainingService::Stub::EnrolPerson, enrol,
                                            &enrolled, &replayed);
        all_replayed = all_replayed && replayed;
        if (status.ok()) {
          membership::v1::CompleteTrainingRequest complete;
          complete.set_request_id(row.RequestId("complete"));
          complete.set_training(row.training);
          complete.set_person(created.person().name());
          *complete.mutable_completion_date() = row.completion_date;
          membership::v1::CompleteTrainingResponse completed;
          status = CallWrite<TrainingService>(ctx, &TrainingService::Stub::CompleteTraining,
                                              complete, &completed, &replayed);
          all_replayed = all_replayed && replayed;
        }
      }
      if (!status.ok()) {
        write_failed(status);
      } else if (all_replayed) {
        ++summary.already_there;
      } else {
        ++summary.created;
      }
      progress.Step();
    }
  }
  return PrintSummary(ctx, file, summary, /*dry_run=*/false);
}

}  // namespace cercles::cerclesctl
