// Verbs of cercles.network.v1.PeerFundService: the regional funds this fund
// federates with (registered by the common name of their mTLS certificate,
// revoked at once) and the member transfers proposed between funds.

#include "tools/cerclesctl/peer_commands.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/network/v1/federation.grpc.pb.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using network::v1::MemberTransfer;
using network::v1::PeerFund;
using network::v1::PeerFundService;

// "fund-b" -> "peers/fund-b"; a full name stays.
std::string PeerNamed(const std::string& text) {
  return absl::StartsWith(text, "peers/") ? text : absl::StrCat("peers/", text);
}
std::string TransferNamed(const std::string& text) {
  return absl::StrContains(text, '/') ? text : absl::StrCat("transfers/", text);
}

// "active" -> PEER_FUND_STATUS_ACTIVE and the like; false when unknown.
template <typename Enum>
bool ParseShort(const std::string& text, const std::string& prefix,
                bool (*parse)(const std::string&, Enum*), Enum* out) {
  std::string name = absl::AsciiStrToUpper(text);
  for (char& c : name) c = c == '-' ? '_' : c;
  return !text.empty() && parse(prefix + name, out) && static_cast<int>(*out) != 0;
}

void PrintPeer(const PeerFund& p, Lang lang, std::ostream& out) {
  const std::string by = Bilingual(" by ", " par ").In(lang);
  std::vector<RecordField> fields = {
      {{"name", "nom"}, p.name()},
      {{"display name", "nom affiché"}, p.display_name().empty() ? "-" : p.display_name()},
      {{"region", "région"}, p.region().empty() ? "-" : p.region()},
      {{"certificate CN", "CN du certificat"}, p.certificate_common_name()},
      {{"certificate pin", "empreinte du certificat"},
       p.certificate_sha256().empty()
           ? Bilingual("- (any the CA bundle trusts)", "- (tout certificat reconnu par les AC)")
                 .In(lang)
           : p.certificate_sha256()},
      {{"address", "adresse"},
       p.address().empty() ? Bilingual("- (not followed)", "- (non suivi)").In(lang) : p.address()},
      {{"TLS server name", "nom de serveur TLS"},
       p.tls_server_name().empty() ? "-" : p.tls_server_name()},
      {{"status", "statut"}, EnumWord(lang, p.status())},
      {{"registered", "inscrit"},
       absl::StrCat(FormatTimestamp(p.register_time()), by, p.registered_by())}};
  if (p.status() == network::v1::PEER_FUND_STATUS_REVOKED) {
    fields.push_back({{"revoked", "révoqué"},
                      absl::StrCat(FormatTimestamp(p.revoke_time()), by, p.revoked_by(),
                                   lang == Lang::kFr ? " : " : ": ", p.revoke_reason())});
  }
  fields.push_back(
      {{"directory synced", "répertoire synchronisé"},
       absl::StrCat(p.sync().circles(),
                    Bilingual(" circles, sequence ", " cercles, séquence ").In(lang),
                    p.sync().sequence(), " (", FormatTimestamp(p.sync().update_time()), ")")});
  PrintFields(lang, fields, out);
}

void PrintTransfer(const MemberTransfer& t, Lang lang, std::ostream& out) {
  const auto& c = t.candidate();
  PrintFields(
      lang,
      {{{"name", "nom"}, t.name()},
       {{"direction", "sens"}, EnumWord(lang, t.direction())},
       {{"peer fund", "fonds pair"}, t.peer_fund_id()},
       {{"circle", "cercle"}, t.circle()},
       {{"person", "personne"},
        absl::StrCat(t.person().empty() ? "-" : t.person(), " (", c.given_name(), " ",
                     c.family_name(), ")")},
       {{"business", "entreprise"},
        c.business_sector().empty()
            ? "-"
            : absl::StrCat(c.business_name(), " (", c.business_sector(), ")")},
       {{"expertise", "expertise"},
        c.expertise().empty() ? "-" : absl::StrJoin(c.expertise(), ", ")},
       {{"status", "statut"}, EnumWord(lang, t.status())},
       {{"remote name", "nom chez le pair"}, t.remote_name().empty() ? "-" : t.remote_name()},
       {{"proposed", "proposé"}, FormatTimestamp(t.create_time())},
       {{"decided", "décidé"},
        absl::StrCat(FormatTimestamp(t.decide_time()),
                     t.decided_by().empty()
                         ? ""
                         : absl::StrCat(Bilingual(" by ", " par ").In(lang), t.decided_by()))},
       {{"note", "note"}, t.decision_note().empty() ? "-" : t.decision_note()}},
      out);
}

int RegisterPeer(CommandContext& ctx) {
  network::v1::RegisterPeerFundRequest request;
  PeerFund* peer = request.mutable_peer();
  peer->set_fund_id(ctx.args().Value("fund"));
  peer->set_certificate_common_name(ctx.args().Value("cn"));
  peer->set_certificate_sha256(ctx.args().Value("cert-sha256"));
  peer->set_address(ctx.args().Value("peer-address"));
  peer->set_tls_server_name(ctx.args().Value("peer-server-name"));
  peer->set_display_name(ctx.args().Value("display-name"));
  peer->set_region(ctx.args().Value("region"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::RegisterPeerFundResponse response;
  grpc::Status status =
      CallWrite<PeerFundService>(ctx, &PeerFundService::Stub::RegisterPeerFund, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPeer(response.peer(), ctx.lang(), ctx.out());
  return kExitOk;
}

int RevokePeer(CommandContext& ctx) {
  network::v1::RevokePeerFundRequest request;
  request.set_name(PeerNamed(ctx.args().positionals()[0]));
  request.set_reason(ctx.args().Value("reason"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::RevokePeerFundResponse response;
  grpc::Status status =
      CallWrite<PeerFundService>(ctx, &PeerFundService::Stub::RevokePeerFund, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPeer(response.peer(), ctx.lang(), ctx.out());
  return kExitOk;
}

int GetPeer(CommandContext& ctx) {
  network::v1::GetPeerFundRequest request;
  request.set_name(PeerNamed(ctx.args().positionals()[0]));
  network::v1::GetPeerFundResponse response;
  grpc::Status status =
      ctx.Unary<PeerFundService>(&PeerFundService::Stub::GetPeerFund, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintPeer(response.peer(), ctx.lang(), ctx.out());
  return kExitOk;
}

int ListPeers(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  network::v1::ListPeerFundsRequest request;
  if (ctx.args().Has("status")) {
    network::v1::PeerFundStatus value{};
    if (!ParseShort(ctx.args().Value("status"), "PEER_FUND_STATUS_",
                    network::v1::PeerFundStatus_Parse, &value)) {
      return ctx.UsageError("--status must be active or revoked");
    }
    request.set_status(value);
  }
  network::v1::ListPeerFundsResponse response;
  grpc::Status status = ListPages<PeerFundService>(
      ctx, &PeerFundService::Stub::ListPeerFunds, *paging, request, &response,
      [](network::v1::ListPeerFundsResponse* r) { return r->mutable_peers(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"DISPLAY NAME", "NOM AFFICHÉ"},
                           {"CERTIFICATE CN", "CN DU CERTIFICAT"},
                           {"ADDRESS", "ADRESSE"},
                           {"STATUS", "STATUT"},
                           {"CIRCLES", "CERCLES"},
                           {"SEQUENCE", "SÉQUENCE"}});
  for (const PeerFund& p : response.peers()) {
    table.AddRow({p.name(), p.display_name(), p.certificate_common_name(),
                  p.address().empty() ? "-" : p.address(), EnumWord(ctx.lang(), p.status()),
                  absl::StrCat(p.sync().circles()), absl::StrCat(p.sync().sequence())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int SendTransfer(CommandContext& ctx) {
  network::v1::SendMemberTransferRequest request;
  request.set_person(PersonResourceName(ctx.args().Value("person")));
  request.set_peer(PeerNamed(ctx.args().Value("peer")));
  request.set_circle(ctx.args().Value("circle"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::SendMemberTransferResponse response;
  grpc::Status status = CallWrite<PeerFundService>(ctx, &PeerFundService::Stub::SendMemberTransfer,
                                                   request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintTransfer(response.transfer(), ctx.lang(), ctx.out());
  return kExitOk;
}

int ListTransfers(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  network::v1::ListMemberTransfersRequest request;
  if (ctx.args().Has("direction")) {
    network::v1::TransferDirection value{};
    if (!ParseShort(ctx.args().Value("direction"), "TRANSFER_DIRECTION_",
                    network::v1::TransferDirection_Parse, &value)) {
      return ctx.UsageError("--direction must be incoming or outgoing");
    }
    request.set_direction(value);
  }
  if (ctx.args().Has("status")) {
    network::v1::TransferStatus value{};
    if (!ParseShort(ctx.args().Value("status"), "TRANSFER_STATUS_",
                    network::v1::TransferStatus_Parse, &value)) {
      return ctx.UsageError("--status must be proposed, accepted or refused");
    }
    request.set_status(value);
  }
  request.set_peer_fund_id(ctx.args().Value("peer"));
  network::v1::ListMemberTransfersResponse response;
  grpc::Status status = ListPages<PeerFundService>(
      ctx, &PeerFundService::Stub::ListMemberTransfers, *paging, request, &response,
      [](network::v1::ListMemberTransfersResponse* r) { return r->mutable_transfers(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"DIRECTION", "SENS"},
                           {"PEER", "PAIR"},
                           {"CIRCLE", "CERCLE"},
                           {"PERSON", "PERSONNE"},
                           {"STATUS", "STATUT"},
                           {"PROPOSED", "PROPOSÉ LE"}});
  for (const MemberTransfer& t : response.transfers()) {
    table.AddRow({t.name(), EnumWord(ctx.lang(), t.direction()), t.peer_fund_id(), t.circle(),
                  absl::StrCat(t.candidate().given_name(), " ", t.candidate().family_name()),
                  EnumWord(ctx.lang(), t.status()), FormatTimestamp(t.create_time())});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int AcceptTransfer(CommandContext& ctx) {
  network::v1::AcceptMemberTransferRequest request;
  request.set_name(TransferNamed(ctx.args().positionals()[0]));
  request.set_note(ctx.args().Value("note"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::AcceptMemberTransferResponse response;
  grpc::Status status = CallWrite<PeerFundService>(
      ctx, &PeerFundService::Stub::AcceptMemberTransfer, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintTransfer(response.transfer(), ctx.lang(), ctx.out());
  return kExitOk;
}

int RefuseTransfer(CommandContext& ctx) {
  network::v1::RefuseMemberTransferRequest request;
  request.set_name(TransferNamed(ctx.args().positionals()[0]));
  request.set_note(ctx.args().Value("note"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::RefuseMemberTransferResponse response;
  grpc::Status status = CallWrite<PeerFundService>(
      ctx, &PeerFundService::Stub::RefuseMemberTransfer, request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintTransfer(response.transfer(), ctx.lang(), ctx.out());
  return kExitOk;
}

std::vector<OptionSpec> WithPaging(std::vector<OptionSpec> options, const char* things) {
  for (OptionSpec& option : PageOptionSpecs(things)) options.push_back(option);
  return options;
}

}  // namespace

std::vector<Verb> NetworkPeerVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"network", "peers", "register"},
       "",
       {"Registers a peer fund bound to its certificate's common name (its next call is "
        "accepted); with --peer-address its directory is followed.",
        "Inscrit un fonds partenaire lié au nom commun de son certificat (son prochain appel est "
        "accepté) ; avec --peer-address, son répertoire est suivi."},
       {{"fund", "FUND_ID", {"the peer's fund id", "l'identifiant du fonds pair"}, false, true},
        {"cn",
         "NAME",
         {"the common name of the peer's mTLS client certificate",
          "le nom commun du certificat client mTLS du pair"},
         false,
         true},
        {"cert-sha256",
         "FINGERPRINT",
         {"the SHA-256 fingerprint of the peer's client certificate (openssl x509 -noout "
          "-fingerprint -sha256): only that very certificate is the peer",
          "l'empreinte SHA-256 du certificat client du pair (openssl x509 -noout -fingerprint "
          "-sha256) : seul ce certificat-là est le pair"}},
        {"peer-address",
         "HOST:PORT",
         {"the peer's federation listener (its --federation_listen), to follow its directory",
          "l'écoute de fédération du pair (son --federation_listen), pour suivre son répertoire"}},
        {"peer-server-name",
         "NAME",
         {"the name the peer's server certificate carries (default: the host)",
          "le nom que porte le certificat serveur du pair (par défaut : l'hôte)"}},
        {"display-name", "NAME", {"how staff call it", "le nom que lui donne le personnel"}},
        {"region", "REGION", {"its region", "sa région"}},
        RequestIdOptionSpec()},
       0,
       0,
       RegisterPeer});
  verbs.push_back(
      {{"network", "peers", "revoke"},
       "peers/FUND_ID",
       {"Revokes a peer fund: its next call is refused and its circles leave this "
        "fund's network.",
        "Révoque un fonds partenaire : son prochain appel est refusé et ses cercles quittent le "
        "réseau de ce fonds."},
       {{"reason",
         "TEXT",
         {"why, 1 to 500 characters", "pourquoi, de 1 à 500 caractères"},
         false,
         true},
        RequestIdOptionSpec()},
       1,
       1,
       RevokePeer});
  verbs.push_back({{"network", "peers", "get"},
                   "peers/FUND_ID",
                   {"Shows one peer fund and how far its directory is synced (a bare id works).",
                    "Affiche un fonds partenaire et où en est la synchronisation de son répertoire "
                    "(un ID seul est accepté)."},
                   {},
                   1,
                   1,
                   GetPeer});
  verbs.push_back(
      {{"network", "peers", "list"},
       "",
       {"Lists peer funds by fund id, with their directory sync.",
        "Liste les fonds partenaires par identifiant de fonds, avec la synchronisation "
        "de leur répertoire."},
       WithPaging({{"status", "active|revoked", {"only this status", "seulement à ce statut"}}},
                  "peers"),
       0,
       0,
       ListPeers});
  verbs.push_back(
      {{"network", "transfers", "send"},
       "",
       {"Proposes one of this fund's people to a peer fund's circle (only with their "
        "consent to share with other funds; only consented fields cross).",
        "Propose une personne de ce fonds à un cercle d'un fonds partenaire (seulement "
        "avec son consentement au partage avec les autres fonds ; seuls les champs "
        "consentis sont transmis)."},
       {{"person",
         "people/ID",
         {"the person (a bare id works)", "la personne (un ID seul est accepté)"},
         false,
         true},
        {"peer",
         "FUND_ID",
         {"an active peer fund with an address", "un fonds pair actif qui a une adresse"},
         false,
         true},
        {"circle",
         "funds/FUND_ID/circles/ID",
         {"a circle of that fund", "un cercle de ce fonds"},
         false,
         true},
        RequestIdOptionSpec()},
       0,
       0,
       SendTransfer});
  verbs.push_back(
      {{"network", "transfers", "list"},
       "",
       {"Lists member transfers proposed to this fund and by it, in creation order.",
        "Liste les transferts de membres proposés à ce fonds et par lui, dans l'ordre "
        "de leur création."},
       WithPaging(
           {{"direction", "incoming|outgoing", {"only this direction", "seulement dans ce sens"}},
            {"status", "proposed|accepted|refused", {"only this status", "seulement à ce statut"}},
            {"peer", "FUND_ID", {"only with this peer fund", "seulement avec ce fonds pair"}}},
           "transfers"),
       0,
       0,
       ListTransfers});
  verbs.push_back(
      {{"network", "transfers", "accept"},
       "transfers/ID",
       {"Accepts an incoming transfer still proposed (its circle must have a seat).",
        "Accepte un transfert entrant encore proposé (son cercle doit avoir une place libre)."},
       {{"note",
         "TEXT",
         {"at most 500 characters, kept in this fund",
          "au plus 500 caractères, gardés dans ce fonds"}},
        RequestIdOptionSpec()},
       1,
       1,
       AcceptTransfer});
  verbs.push_back({{"network", "transfers", "refuse"},
                   "transfers/ID",
                   {"Refuses an incoming transfer still proposed.",
                    "Refuse un transfert entrant encore proposé."},
                   {{"note",
                     "TEXT",
                     {"why, 1 to 500 characters, kept in this fund",
                      "pourquoi, de 1 à 500 caractères, gardé dans ce fonds"},
                     false,
                     true},
                    RequestIdOptionSpec()},
                   1,
                   1,
                   RefuseTransfer});
  return verbs;
}

}  // namespace cercles::cerclesctl
