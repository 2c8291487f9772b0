// Verbs of cercles.network.v1.NetworkService: the directory of circles across
// funds, neighbourhoods in the graph, sister circles, suggestions for a
// newcomer, the expertise directory and network statistics. Partners and
// referrals are in network_partner_commands.cc.

#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/network_partner_commands.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/pagination.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

using network::v1::NetworkCircle;
using network::v1::NetworkService;

Table NetworkCircleTable(Lang lang) {
  return Table(lang, {{"NAME", "NOM"},
                      {"FUND", "FONDS"},
                      {"DISPLAY NAME", "NOM AFFICHÉ"},
                      {"STATUS", "STATUT"},
                      {"MEMBERS", "MEMBRES"},
                      {"CHARACTERISTICS", "CARACTÉRISTIQUES"},
                      {"UPDATED", "MODIFIÉ LE"}});
}

void AddNetworkCircleRow(const NetworkCircle& circle, Table* table, Lang lang) {
  table->AddRow({circle.name(), circle.fund_id(), circle.display_name(),
                 CircleStatusName(circle.status(), lang), absl::StrCat(circle.member_count()),
                 FormatCharacteristics(circle.characteristics()),
                 FormatTimestamp(circle.update_time())});
}

// A positive integer option within bounds, or `fallback` when absent.
absl::StatusOr<int> IntOption(const ParsedArgs& args, const std::string& name, int fallback,
                              int min, int max) {
  if (!args.Has(name)) return fallback;
  int value = 0;
  if (!absl::SimpleAtoi(args.Value(name), &value) || value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be a number from ", min, " to ", max));
  }
  return value;
}

int ListNetworkCircles(CommandContext& ctx) {
  auto options = ParseCircleListOptions(ctx.args());
  if (!options.ok()) return ctx.UsageError(options.status().message());
  network::v1::ListNetworkCirclesRequest request;
  request.set_fund_id(ctx.args().Value("fund"));
  request.set_region(ctx.args().Value("region"));
  request.set_has_room(ctx.args().Has("has-room"));
  network::v1::ListNetworkCirclesResponse response;
  grpc::Status status = ListCirclePages<NetworkService>(
      ctx, &NetworkService::Stub::ListNetworkCircles, *options, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = NetworkCircleTable(ctx.lang());
  for (const NetworkCircle& circle : response.circles())
    AddNetworkCircleRow(circle, &table, ctx.lang());
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int GetNetworkCircle(CommandContext& ctx) {
  network::v1::GetNetworkCircleRequest request;
  request.set_name(ctx.args().positionals()[0]);
  network::v1::GetNetworkCircleResponse response;
  grpc::Status status =
      ctx.Unary<NetworkService>(&NetworkService::Stub::GetNetworkCircle, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = NetworkCircleTable(ctx.lang());
  AddNetworkCircleRow(response.circle(), &table, ctx.lang());
  table.Print(ctx.out());
  return kExitOk;
}

// "fund", "region", "merged-from", "sister", "referral", "federation".
absl::StatusOr<network::v1::EdgeKind> ParseEdgeKind(const std::string& text) {
  std::string name = absl::AsciiStrToUpper(text);
  for (char& c : name) c = c == '-' ? '_' : c;
  network::v1::EdgeKind kind;
  if (!network::v1::EdgeKind_Parse("EDGE_KIND_" + name, &kind) ||
      kind == network::v1::EDGE_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--edge \"", text, "\" is not fund, region, merged-from, sister, referral or federation"));
  }
  return kind;
}

int Neighbours(CommandContext& ctx) {
  network::v1::GetCircleNeighbourhoodRequest request;
  request.set_circle(ctx.args().positionals()[0]);
  // Out-of-range depths go to the server, which says why they are refused.
  auto depth = IntOption(ctx.args(), "depth", 1, -1000, 1000);
  auto max_nodes = IntOption(ctx.args(), "max-nodes", 0, 0, 1000000);
  if (!depth.ok()) return ctx.UsageError(depth.status().message());
  if (!max_nodes.ok()) return ctx.UsageError(max_nodes.status().message());
  request.set_depth(*depth);
  request.set_max_nodes(*max_nodes);
  if (ctx.args().Has("full")) request.set_view(network::v1::NODE_VIEW_FULL);
  for (const std::string& edge : ctx.args().Values("edge")) {
    auto kind = ParseEdgeKind(edge);
    if (!kind.ok()) return ctx.UsageError(kind.status().message());
    request.add_edge_kinds(*kind);
  }
  network::v1::GetCircleNeighbourhoodResponse response;
  grpc::Status status =
      ctx.Unary<NetworkService>(&NetworkService::Stub::GetCircleNeighbourhood, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  const Lang lang = ctx.lang();
  Table nodes(lang, {{"HOPS", "SAUTS"},
                     {"KIND", "TYPE"},
                     {"NODE", "NŒUD"},
                     {"DISPLAY NAME", "NOM AFFICHÉ"},
                     {"DETAIL", "DÉTAIL"}});
  for (const auto& n : response.nodes()) {
    std::string detail;
    if (n.kind() == network::v1::NODE_KIND_CIRCLE &&
        n.circle_status() != membership::v1::CIRCLE_STATUS_UNSPECIFIED) {
      detail = absl::StrCat(CircleStatusName(n.circle_status(), lang), ", ", n.member_count(),
                            Bilingual(" members", " membres").In(lang));
    } else if (n.kind() == network::v1::NODE_KIND_PARTNER) {
      detail = EnumWord(lang, n.partner_kind());
    }
    nodes.AddRow(
        {absl::StrCat(n.distance()), EnumWord(lang, n.kind()), n.name(), n.display_name(), detail});
  }
  nodes.Print(ctx.out());
  ctx.out() << '\n';
  Table edges(lang, {{"FROM", "DE"}, {"EDGE", "LIEN"}, {"TO", "VERS"}, {"WEIGHT", "POIDS"}});
  auto name = [&](int32_t i) {
    return i >= 0 && i < response.nodes_size() ? response.nodes(i).name() : absl::StrCat("#", i);
  };
  for (const auto& e : response.edges()) {
    edges.AddRow({name(e.from_node()), EnumWord(lang, e.kind()), name(e.to_node()),
                  absl::StrCat(e.weight())});
  }
  edges.Print(ctx.out());
  if (response.truncated()) {
    ctx.out() << Bilingual("(cut at --max-nodes: more nodes are within reach)",
                           "(coupé à --max-nodes : d'autres nœuds sont à portée)")
                     .In(lang)
              << '\n';
  }
  return kExitOk;
}

void PrintLink(const network::v1::SisterLink& link, std::ostream& out) {
  out << link.circle_a() << " <-> " << link.circle_b() << "  (" << link.declared_by() << ", "
      << FormatTimestamp(link.declare_time()) << ")";
  if (!link.note().empty()) out << "  " << link.note();
  out << '\n';
}

int DeclareSisters(CommandContext& ctx) {
  network::v1::DeclareSisterCirclesRequest request;
  request.set_circle(ctx.args().positionals()[0]);
  request.set_sister(ctx.args().positionals()[1]);
  request.set_note(ctx.args().Value("note"));
  request.set_request_id(RequestIdOption(ctx));
  network::v1::DeclareSisterCirclesResponse response;
  grpc::Status status = CallWrite<NetworkService>(ctx, &NetworkService::Stub::DeclareSisterCircles,
                                                  request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  PrintLink(response.link(), ctx.out());
  return kExitOk;
}

int RemoveSisters(CommandContext& ctx) {
  network::v1::RemoveSisterCirclesRequest request;
  request.set_circle(ctx.args().positionals()[0]);
  request.set_sister(ctx.args().positionals()[1]);
  request.set_request_id(RequestIdOption(ctx));
  network::v1::RemoveSisterCirclesResponse response;
  grpc::Status status = CallWrite<NetworkService>(ctx, &NetworkService::Stub::RemoveSisterCircles,
                                                  request, &response);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (ctx.json()) return ctx.PrintJson(response);
  ctx.out() << Bilingual("removed: ", "retiré : ").In(ctx.lang());
  PrintLink(response.link(), ctx.out());
  return kExitOk;
}

int Suggest(CommandContext& ctx) {
  network::v1::SuggestCirclesRequest request;
  request.set_fund_id(ctx.args().Value("fund"));
  request.set_region(ctx.args().Value("region"));
  request.set_sector(ctx.args().Value("sector"));
  request.set_language(ctx.args().Value("language"));
  request.set_gender(ctx.args().Value("gender"));
  for (const std::string& a : ctx.args().Values("affinity")) request.add_affinities(a);
  auto limit = IntOption(ctx.args(), "limit", 0, 1, 50);
  if (!limit.ok()) return ctx.UsageError(limit.status().message());
  request.set_page_size(*limit);
  network::v1::SuggestCirclesResponse response;
  grpc::Status status =
      ctx.Unary<NetworkService>(&NetworkService::Stub::SuggestCircles, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"RANK", "RANG"},
                           {"CIRCLE", "CERCLE"},
                           {"DISPLAY NAME", "NOM AFFICHÉ"},
                           {"SCORE", "SCORE"},
                           {"SEATS", "PLACES"},
                           {"WHY", "POURQUOI"}});
  int rank = 0;
  for (const auto& s : response.suggestions()) {
    table.AddRow({absl::StrCat(++rank), s.circle().name(), s.circle().display_name(),
                  absl::StrCat(s.score()), absl::StrCat(s.circle().open_seats()),
                  absl::StrJoin(s.reasons(), "; ")});
  }
  table.Print(ctx.out());
  if (response.suggestions().empty()) {
    ctx.out() << Bilingual("(no circle with room fits these preferences)",
                           "(aucun cercle qui a de la place ne répond à ces préférences)")
                     .In(ctx.lang())
              << '\n';
  }
  return kExitOk;
}

int Expertise(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  network::v1::SearchExpertiseRequest request;
  request.set_term(ctx.args().positionals()[0]);
  request.set_fund_id(ctx.args().Value("fund"));
  request.set_region(ctx.args().Value("region"));
  if (ctx.args().Has("language")) {
    auto language = ParseLanguage(ctx.args().Value("language"));
    if (!language.ok())
      return ctx.UsageError(absl::StrCat("--language ", language.status().message()));
    request.set_language(*language);
  }
  network::v1::SearchExpertiseResponse response;
  grpc::Status status = ListPages<NetworkService>(
      ctx, &NetworkService::Stub::SearchExpertise, *paging, request, &response,
      [](network::v1::SearchExpertiseResponse* r) { return r->mutable_matches(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"PERSON", "PERSONNE"},
                           {"NAME", "NOM"},
                           {"EXPERTISE", "EXPERTISE"},
                           {"CIRCLE", "CERCLE"},
                           {"HOW TO REACH", "COMMENT JOINDRE"}});
  for (const auto& m : response.matches()) {
    table.AddRow({m.person(),
                  m.display_name().empty()
                      ? Bilingual("(not shared)", "(non partagé)").In(ctx.lang())
                      : m.display_name(),
                  absl::StrJoin(m.expertise(), ", "), m.circle().empty() ? "-" : m.circle(),
                  m.contact_path().instructions()});
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

std::string Cents(const common::v1::Money& money, Lang lang) {
  if (lang == Lang::kFr) return FormatMoney(money, lang);
  const int64_t units = money.minor_units();
  const int64_t whole = (units < 0 ? -units : units);
  return absl::StrFormat("%s%d.%02d %s", units < 0 ? "-" : "", whole / 100, whole % 100,
                         money.currency_code());
}

std::string Percent(bool has, int32_t bps, Lang lang) {
  if (!has) return "-";
  return lang == Lang::kFr ? FormatBps(bps, lang) : absl::StrFormat("%.2f%%", bps / 100.0);
}

int Stats(CommandContext& ctx) {
  network::v1::GetNetworkStatsRequest request;
  request.set_fund_id(ctx.args().Value("fund"));
  request.set_by_region(ctx.args().Has("by-region"));
  if (ctx.args().Has("as-of")) {
    auto day = ParseDay(ctx.args().Value("as-of"));
    if (!day.ok()) return ctx.UsageError(absl::StrCat("--as-of ", day.status().message()));
    *request.mutable_as_of() = *day;
  }
  network::v1::GetNetworkStatsResponse response;
  grpc::Status status =
      ctx.Unary<NetworkService>(&NetworkService::Stub::GetNetworkStats, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  const Lang lang = ctx.lang();
  const std::string all = Bilingual("(all)", "(toutes)").In(lang);
  ctx.out() << Bilingual("as of ", "au ").In(lang) << FormatDay(response.as_of()) << '\n';
  Table table(lang, {{"FUND", "FONDS"},
                     {"REGION", "RÉGION"},
                     {"CIRCLES", "CERCLES"},
                     {"ACTIVE", "ACTIFS"},
                     {"MEMBERS", "MEMBRES"},
                     {"LOANS", "PRÊTS"},
                     {"OUTSTANDING", "ENCOURS"},
                     {"PAR30", "PAR30"},
                     {"REPAID", "REMBOURSÉS"},
                     {"WRITTEN OFF", "RADIÉS"},
                     {"REPAYMENT", "REMBOURSEMENT"},
                     {"RESCHEDULED", "RÉÉCHELONNÉS"}});
  auto add = [&](const network::v1::NetworkStats& s) {
    table.AddRow({s.fund_id(), s.region().empty() ? all : s.region(), absl::StrCat(s.circles()),
                  absl::StrCat(s.active_circles()), absl::StrCat(s.members()),
                  absl::StrCat(s.active_loans()), Cents(s.outstanding_principal(), lang),
                  Percent(s.has_par30_bps(), s.par30_bps(), lang), absl::StrCat(s.loans_repaid()),
                  absl::StrCat(s.loans_written_off()),
                  Percent(s.has_repayment_rate_bps(), s.repayment_rate_bps(), lang),
                  absl::StrCat(s.loans_rescheduled())});
  };
  for (const auto& s : response.funds()) add(s);
  for (const auto& s : response.regions()) add(s);
  table.Print(ctx.out());
  // The business outcomes recorded at meetings, once there are some.
  bool any_outcome = false;
  for (const auto& s : response.funds()) any_outcome |= s.entrepreneurs_with_outcome() > 0;
  if (!any_outcome) return kExitOk;
  Table outcomes(lang, {{"FUND", "FONDS"},
                        {"REGION", "RÉGION"},
                        {"ENTREPRENEURS", "ENTREPRENEURS"},
                        {"STARTED", "DÉMARRÉES"},
                        {"KEPT", "MAINTENUES"},
                        {"CLOSED", "FERMÉES"},
                        {"JOBS CREATED FT/PT", "EMPLOIS CRÉÉS TP/TPA"},
                        {"JOBS KEPT FT/PT", "EMPLOIS MAINTENUS TP/TPA"}});
  auto add_outcomes = [&](const network::v1::NetworkStats& s) {
    outcomes.AddRow({s.fund_id(), s.region().empty() ? all : s.region(),
                     absl::StrCat(s.entrepreneurs_with_outcome()),
                     absl::StrCat(s.businesses_started()), absl::StrCat(s.businesses_kept()),
                     absl::StrCat(s.businesses_closed()),
                     absl::StrCat(s.jobs_created_full_time(), "/", s.jobs_created_part_time()),
                     absl::StrCat(s.jobs_kept_full_time(), "/", s.jobs_kept_part_time())});
  };
  for (const auto& s : response.funds()) add_outcomes(s);
  for (const auto& s : response.regions()) add_outcomes(s);
  ctx.out() << '\n'
            << Bilingual("business outcomes (each entrepreneur's latest, recorded at meetings)",
                         "résultats des entreprises (le dernier de chaque entrepreneur, consigné "
                         "aux rencontres)")
                   .In(lang)
            << '\n';
  outcomes.Print(ctx.out());
  return kExitOk;
}

}  // namespace

std::vector<Verb> NetworkVerbs() {
  std::vector<OptionSpec> list_options = {
      {"fund", "F", {"only this fund's circles", "seulement les cercles de ce fonds"}},
      {"region",
       "R",
       {"only circles of this region (ignoring case)",
        "seulement les cercles de cette région (sans égard à la casse)"}},
      {"has-room",
       "",
       {"only circles that accept members and have a seat left",
        "seulement les cercles qui acceptent des membres et ont une place libre"}}};
  for (OptionSpec& option : CircleListOptionSpecs()) list_options.push_back(std::move(option));
  const OptionSpec request_id = RequestIdOptionSpec();

  std::vector<Verb> verbs;
  verbs.push_back({{"network", "circles", "list"},
                   "",
                   {"Lists the circles of the network directory, across funds.",
                    "Liste les cercles du répertoire du réseau, tous fonds confondus."},
                   list_options,
                   0,
                   0,
                   ListNetworkCircles});
  verbs.push_back(
      {{"network", "circles", "get"},
       "funds/F/circles/ID",
       {"Shows one circle of the network directory.", "Affiche un cercle du répertoire du réseau."},
       {},
       1,
       1,
       GetNetworkCircle});
  verbs.push_back(
      {{"network", "neighbours"},
       "funds/F/circles/ID",
       {"The circles, funds, regions and partners within --depth hops of a circle, nearest first, "
        "and the edges between them.",
        "Les cercles, fonds, régions et partenaires à au plus --depth liens d'un cercle, du plus "
        "proche au plus éloigné, et les liens entre eux."},
       {{"depth", "N", {"hops, 1 to 3 (default 1)", "sauts, de 1 à 3 (par défaut 1)"}},
        {"edge",
         "KIND",
         {"follow only these edges: fund, region, merged-from, sister, referral, federation",
          "ne suivre que ces liens : fund (fonds), region (région), merged-from (fusionné de), "
          "sister (jumeau), referral (référence), federation (fédération)"},
         /*repeatable=*/true},
        {"max-nodes",
         "N",
         {"at most N nodes, 1 to 1000 (default: the server's, 100)",
          "au plus N nœuds, de 1 à 1000 (par défaut : le nombre du serveur, 100)"}},
        {"full",
         "",
         {"with each circle's whole summary (json output)",
          "avec le résumé entier de chaque cercle (sortie json)"}}},
       1,
       1,
       Neighbours});
  verbs.push_back(
      {{"network", "sisters", "declare"},
       "funds/F/circles/ID funds/F/circles/ID",
       {"Declares two circles sisters (they help each other).",
        "Déclare deux cercles frères (ils s'entraident)."},
       {{"note", "TEXT", {"why, up to 500 characters", "pourquoi, au plus 500 caractères"}},
        request_id},
       2,
       2,
       DeclareSisters});
  verbs.push_back({{"network", "sisters", "remove"},
                   "funds/F/circles/ID funds/F/circles/ID",
                   {"Removes a sister link.", "Retire un lien entre cercles frères."},
                   {request_id},
                   2,
                   2,
                   RemoveSisters});
  verbs.push_back(
      {{"network", "suggest"},
       "",
       {"Circles a newcomer could join (room left, accepting members), best first, with why.",
        "Les cercles qu'une nouvelle personne pourrait joindre (places libres, accueillant des "
        "membres), les meilleurs d'abord, avec les raisons."},
       {{"fund",
         "F",
         {"circles of this fund (default: the network service's own)",
          "les cercles de ce fonds (par défaut : celui du service network)"}},
        {"region", "R", {"preferred region", "la région préférée"}},
        {"sector",
         "S",
         {"the newcomer's business sector", "le secteur d'activité de la personne qui arrive"}},
        {"language", "L", {"working language, e.g. fr", "la langue de travail, p. ex. fr"}},
        {"gender",
         "G",
         {"gender preference, matched against circles' gender characteristic",
          "préférence de genre, comparée à la caractéristique gender des cercles"}},
        {"affinity",
         "A",
         {"an affinity (origin, age group, interest)",
          "une affinité (origine, groupe d'âge, intérêt)"},
         /*repeatable=*/true},
        {"limit", "N", {"how many, 1 to 50 (default 10)", "combien, de 1 à 50 (par défaut 10)"}}},
       0,
       0,
       Suggest});
  std::vector<OptionSpec> expertise_options = {
      {"fund", "F", {"only people of this fund", "seulement les personnes de ce fonds"}},
      {"region",
       "R",
       {"only people whose circle is in this region",
        "seulement les personnes dont le cercle est dans cette région"}},
      {"language",
       "fr|en",
       {"only people served in this language",
        "seulement les personnes servies dans cette langue"}}};
  for (OptionSpec& option : PageOptionSpecs("matches")) expertise_options.push_back(option);
  verbs.push_back({{"network", "expertise"},
                   "TERM",
                   {"People who opted in to share an expertise containing TERM, and how to "
                    "reach them through their circle's advisor.",
                    "Les personnes qui ont accepté de partager une expertise contenant TERM, et "
                    "comment les joindre par la personne-conseil de leur cercle."},
                   expertise_options,
                   1,
                   1,
                   Expertise});
  verbs.push_back({{"network", "stats"},
                   "",
                   {"Circles, members, active loans, PAR30, repayment rate, loans "
                    "rescheduled and business outcomes (businesses started, kept, closed; "
                    "jobs created and kept) per fund (and region).",
                    "Cercles, membres, prêts actifs, PAR30, taux de remboursement, prêts "
                    "rééchelonnés et résultats des entreprises (entreprises démarrées, maintenues, "
                    "fermées ; emplois créés et maintenus) par fonds (et par région)."},
                   {{"fund", "F", {"only this fund", "seulement ce fonds"}},
                    {"as-of",
                     "YYYY-MM-DD",
                     {"count days past due to this day (default: today)",
                      "compter les jours de retard jusqu'à ce jour (par défaut : aujourd'hui)"}},
                    {"by-region", "", {"add a row per region", "ajouter une ligne par région"}}},
                   0,
                   0,
                   Stats});
  for (Verb& verb : NetworkPartnerVerbs()) verbs.push_back(std::move(verb));
  return verbs;
}

}  // namespace cercles::cerclesctl
