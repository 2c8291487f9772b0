// Verbs of people's access requests (Law 25: a person's access to, and copy
// of, their data within 30 days): `privacy access-requests create|get|list|
// complete` (membership's PrivacyService). `privacy export` answers one.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "tools/cerclesctl/access_requests.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {

namespace mv1 = membership::v1;
using mv1::PrivacyService;

std::string AccessRequestName(absl::string_view text) {
  return absl::StartsWith(text, "accessRequests/") ? std::string(text)
                                                   : absl::StrCat("accessRequests/", text);
}

void PrintAccessRequest(const mv1::AccessRequest& r, Lang lang, std::ostream& out) {
  const std::string by = Bilingual(" by ", " par ").In(lang);
  std::vector<RecordField> fields = {
      {{"name", "nom"},
       absl::StrCat(r.name(), " (", absl::StripPrefix(by, " "), r.recorded_by(), ", ",
                    FormatTimestamp(r.create_time()), ")")},
      {{"person", "personne"}, r.person()},
      {{"received", "reçue le"},
       absl::StrCat(FormatDay(r.receive_date()), " (", AccessChannelName(r.channel(), lang), ")")},
      {{"due", "échéance"}, FormatDay(r.due_date())},
      {{"state", "état"}, AccessStateText(r, lang)},
      {{"note", "note"}, r.note().empty() ? "-" : r.note()}};
  if (r.has_completion()) {
    const mv1::AccessRequestCompletion& c = r.completion();
    fields.push_back({{"completed", "terminée"},
                      absl::StrCat(FormatTimestamp(c.complete_time()), by, c.completed_by())});
    fields.push_back(
        {{"document", "document"},
         c.document_sha256().empty()
             ? std::string("-")
             : absl::StrCat("sha256 ", c.document_sha256(), ", ", c.document_size_bytes(),
                            Bilingual(" bytes", " octets").In(lang))});
    fields.push_back({{"summary", "résumé"}, c.summary().empty() ? "-" : c.summary()});
  }
  PrintFields(lang, fields, out);
}

std::string AccessChannelName(mv1::AccessRequestChannel channel, Lang lang) {
  if (channel == mv1::ACCESS_REQUEST_CHANNEL_UNSPECIFIED) return "-";
  const std::string word = EnumWord(lang, channel);
  return word.empty() ? "-" : word;
}

std::string AccessStateText(const mv1::AccessRequest& r, Lang lang) {
  if (r.state() == mv1::ACCESS_REQUEST_STATE_DONE) return Bilingual("done", "traitée").In(lang);
  return r.overdue() ? Bilingual("overdue", "en retard").In(lang)
                     : Bilingual("open", "ouverte").In(lang);
}

int CompleteAccessRequestWith(CommandContext& ctx, const std::string& name,
                              const mv1::AccessRequestCompletion& completion) {
  mv1::CompleteAccessRequestRequest request;
  request.set_name(AccessRequestName(name));
  *request.mutable_completion() = completion;
  request.set_request_id(RequestIdOption(ctx));
  mv1::CompleteAccessRequestResponse response;
  grpc::Status status = CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::CompleteAccessRequest,
                                                  request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintAccessRequest(response.access_request(), ctx.lang(), ctx.out());
  return kExitOk;
}

namespace {

absl::StatusOr<mv1::AccessRequestChannel> ParseAccessChannel(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (mv1::AccessRequestChannel channel :
       {mv1::ACCESS_REQUEST_CHANNEL_EMAIL, mv1::ACCESS_REQUEST_CHANNEL_IN_PERSON,
        mv1::ACCESS_REQUEST_CHANNEL_MAIL, mv1::ACCESS_REQUEST_CHANNEL_PHONE,
        mv1::ACCESS_REQUEST_CHANNEL_WEB}) {
    if (AccessChannelName(channel) == lower) return channel;
  }
  return absl::InvalidArgumentError("must be email, in-person, mail, phone or web");
}

int CreateAccessRequest(CommandContext& ctx) {
  mv1::CreateAccessRequestRequest request;
  mv1::AccessRequest* r = request.mutable_access_request();
  r->set_person(PersonResourceName(ctx.args().positionals()[0]));
  auto channel = ParseAccessChannel(ctx.args().Value("channel"));
  if (!channel.ok()) return ctx.UsageError(absl::StrCat("--channel ", channel.status().message()));
  r->set_channel(*channel);
  if (ctx.args().Has("received")) {
    auto day = ParseDay(ctx.args().Value("received"));
    if (!day.ok()) return ctx.UsageError(absl::StrCat("--received ", day.status().message()));
    *r->mutable_receive_date() = *day;
  }
  r->set_note(ctx.args().Value("note"));
  request.set_request_id(RequestIdOption(ctx));
  mv1::CreateAccessRequestResponse response;
  grpc::Status status = CallWrite<PrivacyService>(ctx, &PrivacyService::Stub::CreateAccessRequest,
                                                  request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintAccessRequest(response.access_request(), ctx.lang(), ctx.out());
  return kExitOk;
}

int GetAccessRequest(CommandContext& ctx) {
  mv1::GetAccessRequestRequest request;
  request.set_name(AccessRequestName(ctx.args().positionals()[0]));
  mv1::GetAccessRequestResponse response;
  grpc::Status status =
      ctx.Unary<PrivacyService>(&PrivacyService::Stub::GetAccessRequest, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintAccessRequest(response.access_request(), ctx.lang(), ctx.out());
  return kExitOk;
}

int ListAccessRequests(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  mv1::ListAccessRequestsRequest request;
  if (ctx.args().Has("person")) request.set_person(PersonResourceName(ctx.args().Value("person")));
  if (ctx.args().Has("state")) {
    const std::string state = absl::AsciiStrToLower(ctx.args().Value("state"));
    if (state == "open") {
      request.set_state(mv1::ACCESS_REQUEST_STATE_OPEN);
    } else if (state == "overdue") {
      request.set_overdue_only(true);
    } else if (state == "done") {
      request.set_state(mv1::ACCESS_REQUEST_STATE_DONE);
    } else {
      return ctx.UsageError("--state must be open, overdue or done");
    }
  }
  mv1::ListAccessRequestsResponse response;
  grpc::Status status = ListPages<PrivacyService>(
      ctx, &PrivacyService::Stub::ListAccessRequests, *paging, request, &response,
      [](mv1::ListAccessRequestsResponse* r) { return r->mutable_access_requests(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"PERSON", "PERSONNE"},
                           {"RECEIVED", "REÇUE LE"},
                           {"CHANNEL", "CANAL"},
                           {"DUE", "ÉCHÉANCE"},
                           {"STATE", "ÉTAT"}});
  for (const mv1::AccessRequest& r : response.access_requests()) {
    table.AddRow({r.name(), r.person(), FormatDay(r.receive_date()),
                  AccessChannelName(r.channel(), ctx.lang()), FormatDay(r.due_date()),
                  AccessStateText(r, ctx.lang())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int CompleteAccessRequest(CommandContext& ctx) {
  mv1::AccessRequestCompletion completion;
  completion.set_document_sha256(ctx.args().Value("sha256"));
  if (ctx.args().Has("size")) {
    int64_t size = 0;
    if (!absl::SimpleAtoi(ctx.args().Value("size"), &size)) {
      return ctx.UsageError("--size must be a whole number of bytes");
    }
    completion.set_document_size_bytes(size);
  }
  completion.set_summary(ctx.args().Value("summary"));
  return CompleteAccessRequestWith(ctx, ctx.args().positionals()[0], completion);
}

}  // namespace

std::vector<Verb> AccessRequestVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"privacy", "access-requests", "create"},
       "people/ID",
       {"Records a person's request for access to their data (admins); due 30 days after it "
        "was received.",
        "Consigne la demande d'accès d'une personne à ses renseignements (administrateurs) ; "
        "échéance 30 jours après sa réception."},
       {{"channel",
         "email|in-person|mail|phone|web",
         {"how the person asked", "comment la personne a demandé"},
         false,
         true},
        {"received",
         "YYYY-MM-DD",
         {"the day the fund received it (default: today)",
          "le jour où le fonds l'a reçue (par défaut : aujourd'hui)"}},
        {"note",
         "TEXT",
         {"what exactly was asked (0 to 2000 characters)",
          "ce qui a été demandé exactement (de 0 à 2000 caractères)"}},
        RequestIdOptionSpec()},
       1,
       1,
       CreateAccessRequest});
  verbs.push_back(
      {{"privacy", "access-requests", "get"},
       "accessRequests/ID",
       {"Shows an access request: due date, state (open, overdue, done), completion.",
        "Affiche une demande d'accès : échéance, état (ouverte, en retard, traitée), réponse."},
       {},
       1,
       1,
       GetAccessRequest});
  std::vector<OptionSpec> list_options = {
      {"person", "people/ID", {"this person's requests", "les demandes de cette personne"}},
      {"state",
       "open|overdue|done",
       {"only the requests in this state", "seulement les demandes dans cet état"}}};
  for (OptionSpec& spec : PageOptionSpecs("access requests")) list_options.push_back(spec);
  verbs.push_back({{"privacy", "access-requests", "list"},
                   "",
                   {"Lists access requests in the order they were received.",
                    "Liste les demandes d'accès dans l'ordre de leur réception."},
                   list_options,
                   0,
                   0,
                   ListAccessRequests});
  verbs.push_back(
      {{"privacy", "access-requests", "complete"},
       "accessRequests/ID",
       {"Marks an access request answered, with what was sent (`privacy export --request ID` "
        "does it for you with the document's SHA-256 and size).",
        "Marque une demande d'accès comme répondue, avec ce qui a été envoyé (`privacy export "
        "--request ID` le fait pour vous avec l'empreinte SHA-256 et la taille du document)."},
       {{"sha256",
         "HEX",
         {"the SHA-256 of the document sent (64 hexadecimal digits)",
          "le SHA-256 du document envoyé (64 chiffres hexadécimaux)"}},
        {"size",
         "BYTES",
         {"the document's size (with --sha256)", "la taille du document (avec --sha256)"}},
        {"summary",
         "TEXT",
         {"what was sent and how (required without --sha256)",
          "ce qui a été envoyé et comment (obligatoire sans --sha256)"}},
        RequestIdOptionSpec()},
       1,
       1,
       CompleteAccessRequest});
  return verbs;
}

}  // namespace cercles::cerclesctl
