// `cerclesctl report …` (issue 15, item 5): the reports a fund publishes, from
// the data the APIs give, as a table, CSV or one self-contained HTML page, in
// French or English (--lang, else the locale: LC_ALL, LC_MESSAGES, LANG).

#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "cercles/membership/v1/meetings.grpc.pb.h"
#include "cercles/network/v1/network.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/part_context.h"
#include "tools/cerclesctl/report_circles.h"
#include "tools/cerclesctl/report_impact.h"
#include "tools/cerclesctl/report_portfolio.h"
#include "tools/cerclesctl/report_text.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
namespace mv1 = membership::v1;
namespace nv1 = network::v1;

enum class ReportFormat { kTable, kCsv, kHtml };

// What every report verb reads besides its own options.
struct ReportOptions {
  ReportFormat format = ReportFormat::kTable;
  Lang lang = Lang::kEn;
  std::string out;  // "": standard output
};

absl::StatusOr<ReportOptions> ParseReportOptions(const CommandContext& ctx) {
  ReportOptions options;
  const std::string format = absl::AsciiStrToLower(ctx.args().Value("format", "table"));
  if (format == "html") {
    options.format = ReportFormat::kHtml;
  } else if (format == "csv") {
    options.format = ReportFormat::kCsv;
  } else if (format != "table") {
    return absl::InvalidArgumentError(
        absl::StrCat("--format must be html, csv or table, got \"", format, "\""));
  }
  options.lang = LangOfCode(ctx.global().lang);  // --lang, else the locale
  options.out = ctx.args().Value("out");
  return options;
}

// Writes `text` to --out (then says where on stderr) or to standard output.
int Emit(CommandContext& ctx, const ReportOptions& options, const std::string& text) {
  if (options.out.empty()) {
    ctx.out() << text;
    return kExitOk;
  }
  std::ofstream file(options.out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    ctx.err() << "cerclesctl: " << Localize(ctx.lang(), absl::StrCat("cannot write ", options.out))
              << '\n';
    return kExitFailure;
  }
  ctx.err() << "cerclesctl: " << Localize(ctx.lang(), absl::StrCat("wrote ", options.out)) << '\n';
  return kExitOk;
}

// Writes the report in the chosen format (Emit).
int EmitReport(CommandContext& ctx, const ReportOptions& options,
               const std::function<std::string()>& html, const std::function<std::string()>& csv,
               const std::function<void(std::ostream&)>& table) {
  switch (options.format) {
    case ReportFormat::kHtml:
      return Emit(ctx, options, html());
    case ReportFormat::kCsv:
      return Emit(ctx, options, csv());
    case ReportFormat::kTable:
      break;
  }
  std::ostringstream text;
  table(text);
  return Emit(ctx, options, text.str());
}

std::vector<OptionSpec> WithReportOptions(std::vector<OptionSpec> options) {
  options.push_back(
      {"format",
       "html|csv|table",
       {"table (default), csv (RFC 4180) or html (one page, charts, printable)",
        "table (par défaut), csv (RFC 4180) ou html (une page, des graphiques, imprimable)"}});
  options.push_back({"out",
                     "FILE",
                     {"write the report to FILE instead of standard output",
                      "écrire le rapport dans FILE au lieu de la sortie standard"}});
  return options;
}

// --from and --to into the request's from_date and to_date (left unset when not given:
// the server names the missing one).
template <typename Request>
absl::Status ReadRange(const CommandContext& ctx, Request* request) {
  auto from = DayOption(ctx.args(), "from");
  if (!from.ok()) return from.status();
  if (from->has_value()) *request->mutable_from_date() = **from;
  auto to = DayOption(ctx.args(), "to");
  if (!to.ok()) return to.status();
  if (to->has_value()) *request->mutable_to_date() = **to;
  return absl::OkStatus();
}

int Impact(CommandContext& ctx) {
  auto options = ParseReportOptions(ctx);
  if (!options.ok()) return ctx.UsageError(options.status().message());
  nv1::GetImpactReportRequest request;
  request.set_fund_id(ctx.args().Value("fund"));
  if (absl::Status range = ReadRange(ctx, &request); !range.ok()) {
    return ctx.UsageError(range.message());
  }
  const std::string grain = absl::AsciiStrToLower(ctx.args().Value("grain", "year"));
  if (grain == "quarter") {
    request.set_grain(nv1::REPORT_GRAIN_QUARTER);
  } else if (grain == "year") {
    request.set_grain(nv1::REPORT_GRAIN_YEAR);
  } else {
    return ctx.UsageError(absl::StrCat("--grain must be year or quarter, got \"", grain, "\""));
  }
  // The page's breakdown chart needs the regions.
  request.set_by_region(ctx.args().Has("by-region") || options->format == ReportFormat::kHtml);
  request.set_include_peers(ctx.args().Has("peers"));
  nv1::GetImpactReportResponse report;
  grpc::Status status =
      ctx.Unary<nv1::NetworkService>(&nv1::NetworkService::Stub::GetImpactReport, request, &report);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(report);
  const Lang lang = options->lang;
  return EmitReport(
      ctx, *options, [&] { return ImpactHtml(report, lang, request.fund_id()); },
      [&] { return ImpactCsv(report, lang); },
      [&](std::ostream& out) { PrintImpactTable(report, lang, out); });
}

int Portfolio(CommandContext& ctx) {
  auto options = ParseReportOptions(ctx);
  if (!options.ok()) return ctx.UsageError(options.status().message());
  lv1::GetPortfolioReportRequest request;
  auto as_of = DayOption(ctx.args(), "as-of");
  if (!as_of.ok()) return ctx.UsageError(as_of.status().message());
  if (as_of->has_value()) *request.mutable_as_of() = **as_of;
  lv1::GetPortfolioReportResponse report;
  grpc::Status status = ctx.Unary<lv1::LendingService>(
      &lv1::LendingService::Stub::GetPortfolioReport, request, &report);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(report);
  const Lang lang = options->lang;
  return EmitReport(
      ctx, *options, [&] { return PortfolioHtml(report, lang); },
      [&] { return PortfolioCsv(report, lang); },
      [&](std::ostream& out) { PrintPortfolioTable(report, lang, out); });
}

// Lending's circle rows as of `as_of` through --lending-address or the
// context's lending address; false (having said why on stderr) when lending
// cannot give them.
bool ArrearsOf(CommandContext& ctx, const cercles::common::v1::Date& as_of,
               lv1::GetPortfolioReportResponse* report) {
  std::optional<CommandContext> lending =
      PartContext(ctx, "lending", "the report leaves the arrears out");
  if (!lending.has_value()) return false;
  const std::string address = lending->global().address;
  lv1::GetPortfolioReportRequest request;
  *request.mutable_as_of() = as_of;
  grpc::Status status = lending->Unary<lv1::LendingService>(
      &lv1::LendingService::Stub::GetPortfolioReport, request, report);
  if (!status.ok()) {
    ctx.err() << "cerclesctl: "
              << Localize(
                     ctx.lang(),
                     absl::StrCat("lending at ", address, " could not give the arrears (",
                                  absl::StatusCodeToString(
                                      static_cast<absl::StatusCode>(status.error_code())),
                                  ": ", status.error_message(), "): the report leaves them out"))
              << '\n';
    return false;
  }
  return true;
}

int Circles(CommandContext& ctx) {
  auto options = ParseReportOptions(ctx);
  if (!options.ok()) return ctx.UsageError(options.status().message());
  mv1::GetCirclesReportRequest request;
  if (absl::Status range = ReadRange(ctx, &request); !range.ok()) {
    return ctx.UsageError(range.message());
  }
  mv1::GetCirclesReportResponse report;
  grpc::Status status = ctx.Unary<mv1::MeetingService>(&mv1::MeetingService::Stub::GetCirclesReport,
                                                       request, &report);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(report);
  lv1::GetPortfolioReportResponse arrears;
  const bool with_arrears =
      !ctx.args().Has("no-arrears") && ArrearsOf(ctx, report.to_date(), &arrears);
  const CirclesReportData data{report, with_arrears ? &arrears : nullptr};
  const Lang lang = options->lang;
  return EmitReport(
      ctx, *options, [&] { return CirclesHtml(data, lang); },
      [&] { return CirclesCsv(data, lang); },
      [&](std::ostream& out) { PrintCirclesTable(data, lang, out); });
}

}  // namespace

std::vector<Verb> ReportVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back(
      {{"report", "impact"},
       "",
       {"The impact report (network): entrepreneurs supported, loans and amounts, businesses "
        "started and kept, jobs, repayment rate, write-off ratio, PAR30 per period, and survival "
        "by cohort; as a table, CSV or an HTML page with charts.",
        "Le rapport d'impact (network) : entrepreneurs soutenus, prêts et montants, entreprises "
        "démarrées et maintenues, emplois, taux de remboursement, ratio de radiation, PAR30 par "
        "période et survie par cohorte ; en tableau, en CSV ou en page HTML avec graphiques."},
       WithReportOptions(
           {{"from",
             "YYYY-MM-DD",
             {"the first day of the report", "le premier jour du rapport"},
             false,
             true},
            {"to",
             "YYYY-MM-DD",
             {"the last day of the report", "le dernier jour du rapport"},
             false,
             true},
            {"grain",
             "year|quarter",
             {"the periods (default: year)", "les périodes (par défaut : year, l'année)"}},
            {"fund",
             "FUND_ID",
             {"only this fund (default: every fund)",
              "seulement ce fonds (par défaut : tous les fonds)"}},
            {"by-region",
             "",
             {"also rows per region (always in HTML)",
              "aussi des lignes par région (toujours en HTML)"}},
            {"peers",
             "",
             {"also the peer funds' rows (their aggregates, asked now) and the "
              "network's total; not with --fund",
              "aussi les lignes des fonds pairs (leurs agrégats, demandés maintenant) et le total "
              "du réseau ; pas avec --fund"}}}),
       0,
       0,
       Impact});
  verbs.push_back({{"report", "portfolio"},
                   "",
                   {"The portfolio report (lending): outstanding principal, PAR30, repayment rate "
                    "and arrears buckets for the fund, its circles and advisors; as a table, CSV "
                    "or an HTML page with charts.",
                    "Le rapport de portefeuille (lending) : encours, PAR30, taux de remboursement "
                    "et tranches de retard du fonds, de ses cercles et de ses personnes-conseils ; "
                    "en tableau, en CSV ou en page HTML avec graphiques."},
                   WithReportOptions({{"as-of",
                                       "YYYY-MM-DD",
                                       {"the day of the report (default: "
                                        "today)",
                                        "le jour du rapport (par défaut : aujourd'hui)"}}}),
                   0,
                   0,
                   Portfolio});
  verbs.push_back(
      {{"report", "circles"},
       "",
       {"The circles report (membership, with lending's arrears): circles by status, each "
        "circle's members, meetings held, attendance rate, days since its last meeting and loans "
        "in arrears, and meetings and attendance by month; as a table, CSV or an HTML page with "
        "charts. With --output json: membership's report only.",
        "Le rapport des cercles (membership, avec les arriérés de lending) : cercles par statut, "
        "membres de chaque cercle, rencontres tenues, taux de présence, jours depuis sa dernière "
        "rencontre et prêts en retard, rencontres et présences par mois ; en tableau, en CSV ou en "
        "page HTML avec graphiques. Avec --output json : le rapport de membership seulement."},
       WithReportOptions(
           {{"from",
             "YYYY-MM-DD",
             {"the first day of the report", "le premier jour du rapport"},
             false,
             true},
            {"to",
             "YYYY-MM-DD",
             {"the last day of the report (statuses and members as of it)",
              "le dernier jour du rapport (statuts et membres à cette date)"},
             false,
             true},
            {"lending-address",
             "HOST:PORT",
             {"lending, for the arrears (default: the context's lending address)",
              "lending, pour les arriérés (par défaut : l'adresse de lending du contexte)"}},
            {"lending-server-name",
             "NAME",
             {"lending's TLS name when it is not its address's host (--server-name is "
              "membership's)",
              "le nom TLS de lending quand ce n'est pas l'hôte de son adresse (--server-name est "
              "celui de membership)"}},
            {"no-arrears",
             "",
             {"leave lending's arrears out (no call to lending)",
              "laisser de côté les arriérés de lending (aucun appel à lending)"}}}),
       0,
       0,
       Circles});
  return verbs;
}

}  // namespace cercles::cerclesctl
