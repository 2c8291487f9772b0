// `privacy export PERSON`: a person's access request answered (Quebec's Law
// 25: a copy of everything the fund holds about them, in a structured, commonly
// used format). Each service's ExportPersonData (membership, then lending and
// network through CommandContext::ForService, as `report circles` joins
// lending) goes into ONE JSON document written readable by its owner only, a
// summary in French or English goes to standard output, and with --request
// the access request is completed with the document's SHA-256 and size.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/privacy.grpc.pb.h"
#include "cercles/network/v1/privacy.grpc.pb.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "tools/cerclesctl/access_requests.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/config.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/part_context.h"
#include "tools/cerclesctl/people_args.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {

std::vector<OptionSpec> PartContextOptionSpecs(const std::string& service) {
  return {{absl::StrCat(service, "-address"),
           "HOST:PORT",
           {absl::StrCat(service, " (default: the context's ", service, " address)"),
            absl::StrCat(service, " (par défaut : l'adresse de ", service, " du contexte)")}},
          {absl::StrCat(service, "-server-name"),
           "NAME",
           {absl::StrCat(service, "'s TLS name when not its address's host"),
            absl::StrCat("le nom TLS de ", service, " quand ce n'est pas l'hôte de son adresse")}}};
}

std::optional<CommandContext> PartContext(CommandContext& ctx, const std::string& service,
                                          absl::string_view why) {
  std::string address = ctx.args().Value(service + "-address");
  if (address.empty()) {
    auto it = ctx.global().context_addresses.find(service);
    if (it != ctx.global().context_addresses.end()) address = it->second;
  }
  if (address.empty()) {
    ctx.err() << "cerclesctl: "
              << Localize(ctx.lang(), absl::StrCat("no ", service, " address (--", service,
                                                   "-address, or a context with one): ", why))
              << "\n";
    return std::nullopt;
  }
  return ctx.ForService(service, address, ctx.args().Value(service + "-server-name"));
}

namespace {

namespace mv1 = membership::v1;
namespace lv1 = lending::v1;
namespace nv1 = network::v1;

constexpr absl::string_view kNeedsEveryPart = "the export needs every service's part";

// "cerclesctl: lending: CODE: message" and the failure's exit code.
int FailFrom(CommandContext& ctx, const std::string& service, const grpc::Status& status) {
  ctx.err() << "cerclesctl: "
            << Localize(ctx.lang(), absl::StrCat(service, " did not give its part of the export"))
            << "\n";
  return ctx.Fail(status);
}

std::string Count(Lang lang, int n, absl::string_view key) {
  return absl::StrCat("  ", n, " ", Tr(lang, key), "\n");
}

std::string Summary(Lang lang, const mv1::ExportPersonDataResponse& m,
                    const lv1::ExportPersonDataResponse& l, const nv1::ExportPersonDataResponse& n,
                    const std::string& generated) {
  const mv1::Person& p = m.person();
  int repayments = 0;
  for (const lv1::PersonLoan& loan : l.loans()) repayments += loan.repayments_size();
  std::string out =
      absl::StrCat(absl::Substitute(Tr(lang, "export.title"),
                                    absl::StrCat(p.given_name(), " ", p.family_name()), p.name()),
                   "\n", absl::Substitute(Tr(lang, "export.fund"), m.fund_id(), generated), "\n",
                   Tr(lang, "export.membership"), "\n");
  absl::StrAppend(&out, Count(lang, m.consent_changes_size(), "export.consents"),
                  Count(lang, m.corrections_size(), "export.corrections"),
                  Count(lang, m.enrolments_size(), "export.trainings"),
                  Count(lang, m.circle_memberships_size(), "export.stays"),
                  Count(lang, m.meetings_size(), "export.meetings"),
                  Count(lang, m.business_history_size(), "export.outcomes"));
  absl::StrAppend(&out, Tr(lang, "export.lending"), "\n",
                  Count(lang, l.loans_size(), "export.loans"),
                  Count(lang, repayments, "export.repayments"),
                  Count(lang, l.votes_cast_size(), "export.votes"),
                  Count(lang, l.guarantees_given_size(), "export.guarantees"),
                  Count(lang, l.bank_referrals_size(), "export.bank_referrals"),
                  Count(lang, l.subsidy_applications_size(), "export.subsidies"),
                  Count(lang, l.reminders_size(), "export.reminders"));
  absl::StrAppend(&out, Tr(lang, "export.network"), "\n",
                  Count(lang, n.has_directory_entry() ? 1 : 0, "export.directory"),
                  Count(lang, n.referrals_size(), "export.referrals"),
                  Count(lang, n.transfers_size(), "export.transfers"));
  return out;
}

int Export(CommandContext& ctx) {
  const std::string person = PersonResourceName(ctx.args().positionals()[0]);
  const Lang lang = LangOfCode(ctx.global().lang);  // --lang, else the locale
  const std::string path = ctx.args().Value("out");

  mv1::ExportPersonDataRequest m_request;
  m_request.set_person(person);
  mv1::ExportPersonDataResponse membership;
  grpc::Status status = ctx.Unary<mv1::PrivacyService>(&mv1::PrivacyService::Stub::ExportPersonData,
                                                       m_request, &membership);
  if (!status.ok()) return FailFrom(ctx, "membership", status);
  std::optional<CommandContext> lending_ctx = PartContext(ctx, "lending", kNeedsEveryPart);
  if (!lending_ctx.has_value()) return kExitFailure;
  lv1::ExportPersonDataRequest l_request;
  l_request.set_person(person);
  lv1::ExportPersonDataResponse lending;
  status = lending_ctx->Unary<lv1::LendingService>(&lv1::LendingService::Stub::ExportPersonData,
                                                   l_request, &lending);
  if (!status.ok()) return FailFrom(ctx, "lending", status);
  std::optional<CommandContext> network_ctx = PartContext(ctx, "network", kNeedsEveryPart);
  if (!network_ctx.has_value()) return kExitFailure;
  nv1::ExportPersonDataRequest n_request;
  n_request.set_person(person);
  nv1::ExportPersonDataResponse network;
  status = network_ctx->Unary<nv1::PrivacyService>(&nv1::PrivacyService::Stub::ExportPersonData,
                                                   n_request, &network);
  if (!status.ok()) return FailFrom(ctx, "network", status);

  // The document: each part in the proto JSON mapping, under a small envelope.
  auto m_json = ToJson(membership);
  auto l_json = ToJson(lending);
  auto n_json = ToJson(network);
  for (const auto* part : {&m_json, &l_json, &n_json}) {
    if (!part->ok()) return ctx.Fail(part->status());
  }
  const std::string generated =
      absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
  const std::string document = absl::StrCat(
      "{\"fund\":", log::JsonQuote(membership.fund_id()),
      ",\"generatedTime\":", log::JsonQuote(generated), ",\"person\":", log::JsonQuote(person),
      ",\"membership\":", *m_json, ",\"lending\":", *l_json, ",\"network\":", *n_json, "}\n");
  if (absl::Status written = WritePrivateFile(path, document); !written.ok()) {
    return ctx.Fail(written);
  }
  const std::string digest = Sha256Hex(document);
  ctx.out() << Summary(lang, membership, lending, network, generated)
            << absl::Substitute(Tr(lang, "export.file"), path, document.size(), digest) << '\n';

  if (!ctx.args().Has("request")) return kExitOk;
  mv1::AccessRequestCompletion completion;
  completion.set_document_sha256(digest);
  completion.set_document_size_bytes(static_cast<int64_t>(document.size()));
  completion.set_summary("cerclesctl privacy export (JSON)");
  return CompleteAccessRequestWith(ctx, ctx.args().Value("request"), completion);
}

}  // namespace

std::vector<Verb> PrivacyExportVerbs() {
  std::vector<OptionSpec> options = {
      {"out",
       "FILE",
       {"the JSON document (written with mode 0600)", "le document JSON (écrit en mode 0600)"},
       false,
       true},
      {"request",
       "accessRequests/ID",
       {"complete this access request with the document's SHA-256 and size",
        "clore cette demande d'accès avec le SHA-256 et la taille du document"}}};
  for (const char* service : {"lending", "network"}) {
    for (OptionSpec& option : PartContextOptionSpecs(service)) options.push_back(std::move(option));
  }
  options.push_back(RequestIdOptionSpec());
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"privacy", "export"},
       "people/ID",
       {"A person's access request answered: everything membership, lending and network hold "
        "about them, in one JSON document (the proto JSON mapping), and a summary on standard "
        "output (admins).",
        "La réponse à la demande d'accès d'une personne : tout ce que membership, lending et "
        "network détiennent à son sujet, dans un document JSON (la correspondance JSON des "
        "protos), et un résumé sur la sortie standard (administrateurs)."},
       options,
       1,
       1,
       Export});
  return verbs;
}

}  // namespace cercles::cerclesctl
