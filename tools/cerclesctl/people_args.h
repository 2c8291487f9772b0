#ifndef CERCLES_TOOLS_CERCLESCTL_PEOPLE_ARGS_H_
#define CERCLES_TOOLS_CERCLESCTL_PEOPLE_ARGS_H_

// People and training values as typed on the command line or in a CSV file,
// and as printed; shared by the people, trainings and import verbs.

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/command.h"

namespace cercles::cerclesctl {

// Parsers of values; their errors say the rule ("must be ..."), the caller
// names the option or column.
// "fr" / "en" (any case).
absl::StatusOr<membership::v1::Language> ParseLanguage(absl::string_view text);
// "idea", "starting", "operating", "growing".
absl::StatusOr<membership::v1::BusinessStage> ParseBusinessStage(absl::string_view text);
// "active", "withdrawn".
absl::StatusOr<membership::v1::PersonStatus> ParsePersonStatus(absl::string_view text);
// true/false, yes/no, oui/non, 1/0 (any case).
absl::StatusOr<bool> ParseYesNo(absl::string_view text);
// "share-with-network" (any case) for CONSENT_PURPOSE_SHARE_WITH_NETWORK, and so on.
absl::StatusOr<membership::v1::ConsentPurpose> ParseConsentPurpose(absl::string_view text);
// "paper-form" for CONSENT_CHANNEL_PAPER_FORM, and so on.
absl::StatusOr<membership::v1::ConsentChannel> ParseConsentChannel(absl::string_view text);
// "YYYY-MM-DD" (the server checks that it is a real day).
absl::StatusOr<common::v1::Date> ParseDay(absl::string_view text);
// "2024-05-01", or "-" when unset.
std::string FormatDay(const common::v1::Date& date, bool present = true);
// The local calendar day of this machine.
common::v1::Date Today();

// The words of these enums in `lang` (enum_words.h's EnumWord): "active",
// in French "active"; Lang::kEn for the code words a CSV file carries.
std::string LanguageName(membership::v1::Language language, Lang lang);
std::string BusinessStageName(membership::v1::BusinessStage stage, Lang lang);
std::string PersonStatusName(membership::v1::PersonStatus status, Lang lang);

// "people/7" and "trainings/3" stay as they are; a bare "7" gains the collection.
std::string PersonResourceName(absl::string_view text);
std::string TrainingResourceName(absl::string_view text);

// The options that set a person's fields (people create, people update), each
// with the update_mask path it changes.
struct PersonField {
  OptionSpec option;
  std::string path;
  // Sets the field from the option's value(s); InvalidArgument names the option.
  std::function<absl::Status(const std::vector<std::string>& values,
                             membership::v1::Person* person)>
      set;
};
const std::vector<PersonField>& PersonFields();
// Whether `field` is a personal field, one `people correct` takes: every
// field but the status, the expertise opt-in and the consents, which have
// their own verbs (the server's CorrectPerson decides; this only picks the
// options offered).
bool IsPersonalField(const PersonField& field);
// The options of PersonFields() (only the personal ones with `personal_only`);
// with `names_required`, given name, family name and language are required.
std::vector<OptionSpec> PersonOptionSpecs(bool names_required, bool personal_only = false);
// The person the options describe, and the update_mask paths they name;
// InvalidArgument names the option.
absl::Status PersonFromOptions(const ParsedArgs& args, membership::v1::Person* person,
                               google::protobuf::FieldMask* mask);

// A person printed field by field (people get, create, update).
void PrintPerson(const membership::v1::Person& person, std::ostream& out, Lang lang);

// Runs one write with its request_id (--request-id, or a fresh one that is
// printed when the outcome is unknown so that a retry is safe). `replayed`,
// when given, tells whether the server answered from a stored first answer.
template <typename Service, typename Request, typename Response>
grpc::Status CallWrite(CommandContext& ctx,
                       grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                       const Request& request, Response* response, bool* replayed = nullptr) {
  auto stub = ctx.NewStub<Service>();
  if (!stub.ok()) {
    return grpc::Status(static_cast<grpc::StatusCode>(stub.status().code()),
                        std::string(stub.status().message()));
  }
  grpc::ClientContext call;
  ctx.PrepareCall(&call);
  grpc::Status status = ((**stub).*method)(&call, request, response);
  if (replayed != nullptr) {
    const auto& metadata = call.GetServerInitialMetadata();
    auto it = metadata.find("cercles-replayed");
    *replayed = status.ok() && it != metadata.end() && it->second == "true";
  }
  return status;
}

// The request_id of a write verb: --request-id, or a fresh UUID.
std::string RequestIdOption(const CommandContext& ctx);
// Fails with the status; when the id was generated and the outcome is unknown
// (UNAVAILABLE, DEADLINE_EXCEEDED), says how to retry safely.
int FailWrite(CommandContext& ctx, const grpc::Status& status, const std::string& request_id);
OptionSpec RequestIdOptionSpec();

// Paging options shared by the listings.
std::vector<OptionSpec> PageOptionSpecs(absl::string_view things);
struct PageOptions {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::StatusOr<PageOptions> ParsePageOptions(const ParsedArgs& args);

// One page, or with --all every page gathered into `merged` (no
// next_page_token then). `items` picks the repeated field of a response.
template <typename Service, typename Request, typename Response, typename Items>
grpc::Status ListPages(CommandContext& ctx,
                       grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                       const PageOptions& options, Request request, Response* merged, Items items) {
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::set<std::string> seen;
  while (true) {
    Response page;
    grpc::Status status = ctx.Unary<Service>(method, request, &page);
    if (!status.ok()) return status;
    items(merged)->MergeFrom(*items(&page));
    merged->set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) return grpc::Status::OK;
    if (!seen.insert(page.next_page_token()).second) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "the server returned a page token twice; stopped following pages");
    }
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_PEOPLE_ARGS_H_
