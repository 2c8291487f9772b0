// Verbs of a person's consents (PeopleService.RecordConsent and
// ListConsentChanges): `people consent` and `people consent-history`.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using membership::v1::ConsentChange;
using membership::v1::PeopleService;

int RecordConsent(CommandContext& ctx) {
  const bool give = ctx.args().Has("give");
  if (give == ctx.args().Has("withdraw")) {
    return ctx.UsageError("say --give or --withdraw (one of them)");
  }
  membership::v1::RecordConsentRequest request;
  request.set_person(PersonResourceName(ctx.args().positionals()[0]));
  auto purpose = ParseConsentPurpose(ctx.args().Value("purpose"));
  if (!purpose.ok()) return ctx.UsageError(absl::StrCat("--purpose ", purpose.status().message()));
  auto channel = ParseConsentChannel(ctx.args().Value("channel"));
  if (!channel.ok()) return ctx.UsageError(absl::StrCat("--channel ", channel.status().message()));
  ConsentChange* change = request.mutable_change();
  change->set_purpose(*purpose);
  change->set_action(give ? membership::v1::CONSENT_ACTION_GIVE
                          : membership::v1::CONSENT_ACTION_WITHDRAW);
  change->set_wording_version(ctx.args().Value("wording"));
  change->set_channel(*channel);
  request.set_request_id(RequestIdOption(ctx));
  membership::v1::RecordConsentResponse response;
  grpc::Status status =
      CallWrite<PeopleService>(ctx, &PeopleService::Stub::RecordConsent, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  ctx.out() << Bilingual("recorded ", "consigné ").In(ctx.lang()) << response.change().name()
            << (ctx.lang() == Lang::kFr ? " : " : ": ")
            << EnumWord(ctx.lang(), response.change().action()) << " "
            << EnumWord(ctx.lang(), response.change().purpose()) << "\n";
  const membership::v1::Consents& now = response.consents();
  const Lang lang = ctx.lang();
  Table table(lang, {{"PURPOSE", "FIN"}, {"GIVEN", "DONNÉ"}});
  table.AddRow({"share-with-network", YesNo(now.share_with_network(), lang)});
  table.AddRow({"share-with-other-funds", YesNo(now.share_with_other_funds(), lang)});
  table.AddRow({"share-with-partners", YesNo(now.share_with_partners(), lang)});
  table.AddRow({"reminders-by-email", YesNo(now.reminders_by_email(), lang)});
  table.AddRow({"circle-sees-follow-ups", YesNo(now.circle_sees_follow_ups(), lang)});
  table.AddRow({"credit-reporting", YesNo(now.credit_reporting(), lang)});
  table.Print(ctx.out());
  return kExitOk;
}

int ConsentHistory(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  membership::v1::ListConsentChangesRequest request;
  request.set_person(PersonResourceName(ctx.args().positionals()[0]));
  if (ctx.args().Has("purpose")) {
    auto purpose = ParseConsentPurpose(ctx.args().Value("purpose"));
    if (!purpose.ok()) {
      return ctx.UsageError(absl::StrCat("--purpose ", purpose.status().message()));
    }
    request.set_purpose(*purpose);
  }
  membership::v1::ListConsentChangesResponse response;
  grpc::Status status = ListPages<PeopleService>(
      ctx, &PeopleService::Stub::ListConsentChanges, *paging, request, &response,
      [](membership::v1::ListConsentChangesResponse* r) { return r->mutable_changes(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"WHEN", "QUAND"},
                           {"PURPOSE", "FIN"},
                           {"ACTION", "ACTION"},
                           {"WORDING", "LIBELLÉ"},
                           {"CHANNEL", "CANAL"},
                           {"ACTOR", "AUTEUR"}});
  for (const ConsentChange& c : response.changes()) {
    table.AddRow({FormatTimestamp(c.effective_time()), EnumWord(ctx.lang(), c.purpose()),
                  EnumWord(ctx.lang(), c.action()), c.wording_version(),
                  EnumWord(ctx.lang(), c.channel()), c.actor()});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

}  // namespace

std::vector<Verb> ConsentVerbs() {
  std::vector<Verb> verbs;
  std::vector<OptionSpec> record_options = {
      {"purpose",
       "PURPOSE",
       {"share-with-network|share-with-other-funds|share-with-partners|reminders-by-email|"
        "circle-sees-follow-ups|credit-reporting",
        "share-with-network|share-with-other-funds|share-with-partners|reminders-by-email|circle-"
        "sees-follow-ups|credit-reporting (la fin du consentement)"},
       false,
       true},
      {"give", "", {"the person gives their consent", "la personne donne son consentement"}},
      {"withdraw", "", {"the person withdraws it", "la personne le retire"}},
      {"wording",
       "VERSION",
       {"the fund's version of the consent text the person saw (1 to 64)",
        "la version du texte de consentement du fonds que la personne a vu (de 1 à 64)"},
       false,
       true},
      {"channel",
       "CHANNEL",
       {"in-person|paper-form|phone|email|web: how the person said it",
        "in-person|paper-form|phone|email|web : comment la personne l'a exprimé"},
       false,
       true},
      RequestIdOptionSpec()};
  verbs.push_back(
      {{"people", "consent"},
       "people/ID",
       {"Records that a person gave or withdrew their consent for one purpose; the "
        "network, other funds, partners' referrals and reminders follow the new state.",
        "Consigne qu'une personne a donné ou retiré son consentement pour une fin ; le réseau, les "
        "autres fonds, les références aux partenaires et les rappels suivent le nouvel état."},
       record_options,
       1,
       1,
       RecordConsent});
  std::vector<OptionSpec> history_options = {
      {"purpose",
       "PURPOSE",
       {"only the changes of this purpose", "seulement les changements de cette fin"}}};
  for (OptionSpec& spec : PageOptionSpecs("changes")) history_options.push_back(std::move(spec));
  verbs.push_back({{"people", "consent-history"},
                   "people/ID",
                   {"Lists a person's consent changes, newest first (who recorded them, the "
                    "wording version and the channel).",
                    "Liste les changements de consentement d'une personne, du plus récent au plus "
                    "ancien (qui les a consignés, la version du libellé et le canal)."},
                   history_options,
                   1,
                   1,
                   ConsentHistory});
  return verbs;
}

}  // namespace cercles::cerclesctl
