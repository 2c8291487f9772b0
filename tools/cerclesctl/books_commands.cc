// Verbs of cercles.lending.v1.LendingService about the fund's books: the
// portfolio report, the trial balance, the journal and capital contributions.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "common/api/money.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::LendingService;

Bilingual JournalPageHelp() {
  return {"entries per page, 1 to 1000 (default: the server's, 100)",
          "écritures par page, de 1 à 1000 (par défaut : le nombre du serveur, 100)"};
}

void AddFigures(const lv1::PortfolioFigures& f, Lang lang, Table* table) {
  std::vector<std::string> row = {f.group(),
                                  absl::StrCat(f.active_loans()),
                                  FormatCents(f.outstanding_principal().minor_units(), lang),
                                  FormatCents(f.par30_principal().minor_units(), lang),
                                  FormatBps(f.par30_bps(), lang),
                                  FormatBps(f.repayment_rate_bps(), lang)};
  for (int32_t count : f.loans_per_bucket()) row.push_back(absl::StrCat(count));
  row.push_back(absl::StrCat(f.closed_repaid_loans()));
  row.push_back(absl::StrCat(f.written_off_loans()));
  row.push_back(FormatCents(f.written_off_principal().minor_units(), lang));
  table->AddRow(std::move(row));
}

int PrintPortfolio(CommandContext& ctx, const lv1::GetPortfolioReportResponse& report) {
  const Lang lang = ctx.lang();
  std::vector<Bilingual> header = {
      {"GROUP", "GROUPE"}, {"ACTIVE", "ACTIFS"},   {"OUTSTANDING", "ENCOURS"},
      {"PAR30", "PAR30"},  {"PAR30 %", "PAR30 %"}, {"REPAYMENT RATE", "TAUX DE REMBOURSEMENT"}};
  for (const std::string& label : report.bucket_labels()) header.push_back({label, label});
  header.insert(header.end(), {{"REPAID", "REMBOURSÉS"},
                               {"WRITTEN OFF", "RADIÉS"},
                               {"WRITTEN-OFF PRINCIPAL", "CAPITAL RADIÉ"}});
  Table table(lang, header);
  AddFigures(report.fund(), lang, &table);
  for (const auto& circle : report.by_circle()) AddFigures(circle, lang, &table);
  for (const auto& advisor : report.by_advisor()) AddFigures(advisor, lang, &table);
  const std::string& currency = report.fund().outstanding_principal().currency_code();
  if (lang == Lang::kFr) {
    ctx.out() << "Portefeuille au " << FormatDay(report.as_of()) << " (montants en " << currency
              << " ; prêts actifs par tranche d'arriérés, en jours de retard)\n";
  } else {
    ctx.out() << "Portfolio as of " << FormatDay(report.as_of()) << " (amounts in " << currency
              << "; active loans per arrears bucket, in days past due)\n";
  }
  table.Print(ctx.out());
  return kExitOk;
}

int Portfolio(CommandContext& ctx) {
  lv1::GetPortfolioReportRequest request;
  auto as_of = DayOption(ctx.args(), "as-of");
  if (!as_of.ok()) return ctx.UsageError(as_of.status().message());
  if (as_of->has_value()) *request.mutable_as_of() = **as_of;
  return RunReadVerb<LendingService>(ctx, &LendingService::Stub::GetPortfolioReport, request,
                                     [&](const lv1::GetPortfolioReportResponse& response) {
                                       return PrintPortfolio(ctx, response);
                                     });
}

// cerclesctl reads and sends the deprecated string field, which servers of
// every version fill and read (a 0.1.0 server knows no enum beside it). It
// reads each amount from its Money field, or from the deprecated int64 twin
// when a server older than the Money field left it unset.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
// The trial balance; a journal that does not balance exits 1 so that scripts
// and checks notice.
int PrintTrialBalance(CommandContext& ctx, const lv1::GetTrialBalanceResponse& report) {
  const Lang lang = ctx.lang();
  ctx.out() << Bilingual("Trial balance as of ", "Balance de vérification au ").In(lang)
            << FormatDay(report.as_of()) << " (" << report.currency() << ")\n";
  Table table(lang, {{"ACCOUNT", "COMPTE"},
                     {"NAME", "NOM"},
                     {"TYPE", "TYPE"},
                     {"DEBIT", "DÉBIT"},
                     {"CREDIT", "CRÉDIT"},
                     {"BALANCE", "SOLDE"}});
  for (const lv1::AccountBalance& a : report.accounts()) {
    table.AddRow(
        {a.account(), a.account_name(), a.account_type(),
         FormatCents(api::MinorUnitsOr(a.has_debit() ? &a.debit() : nullptr, a.debit_minor_units()),
                     lang),
         FormatCents(
             api::MinorUnitsOr(a.has_credit() ? &a.credit() : nullptr, a.credit_minor_units()),
             lang),
         FormatCents(
             api::MinorUnitsOr(a.has_balance() ? &a.balance() : nullptr, a.balance_minor_units()),
             lang)});
  }
  const int64_t debits = api::MinorUnitsOr(
      report.has_total_debit() ? &report.total_debit() : nullptr, report.total_debit_minor_units());
  const int64_t credits =
      api::MinorUnitsOr(report.has_total_credit() ? &report.total_credit() : nullptr,
                        report.total_credit_minor_units());
  table.AddRow({"TOTAL", "", "", FormatCents(debits, lang), FormatCents(credits, lang), ""});
  table.Print(ctx.out());
  if (report.balanced()) {
    ctx.out() << Bilingual("BALANCED", "ÉQUILIBRÉE").In(lang) << '\n';
    return kExitOk;
  }
  ctx.out() << Bilingual("NOT BALANCED: debits and credits differ by ",
                         "NON ÉQUILIBRÉE : les débits et les crédits diffèrent de ")
                   .In(lang)
            << FormatCents(debits - credits, lang) << '\n';
  return kExitFailure;
}
#pragma GCC diagnostic pop

int TrialBalance(CommandContext& ctx) {
  lv1::GetTrialBalanceRequest request;
  auto as_of = DayOption(ctx.args(), "as-of");
  if (!as_of.ok()) return ctx.UsageError(as_of.status().message());
  if (as_of->has_value()) *request.mutable_as_of() = **as_of;
  lv1::GetTrialBalanceResponse response;
  grpc::Status status =
      ctx.Unary<LendingService>(&LendingService::Stub::GetTrialBalance, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) {
    const int printed = ctx.PrintJson(response);
    return printed != kExitOk || response.balanced() ? printed : kExitFailure;
  }
  return PrintTrialBalance(ctx, response);
}

// cerclesctl reads and sends the deprecated string field, which servers of
// every version fill and read (a 0.1.0 server knows no enum beside it). It
// reads each amount from its Money field, or from the deprecated int64 twin
// when a server older than the Money field left it unset.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
absl::Status JournalFilterOptions(const ParsedArgs& args, lv1::ListJournalEntriesRequest* request) {
  if (args.Has("loan")) request->set_loan(LoanResourceName(args.Value("loan")));
  request->set_party(args.Value("party"));
  request->set_kind(args.Value("kind"));
  auto from = DayOption(args, "from");
  if (!from.ok()) return from.status();
  if (from->has_value()) *request->mutable_from_date() = **from;
  auto to = DayOption(args, "to");
  if (!to.ok()) return to.status();
  if (to->has_value()) *request->mutable_to_date() = **to;
  return absl::OkStatus();
}
#pragma GCC diagnostic pop

// cerclesctl reads and sends the deprecated string field, which servers of
// every version fill and read (a 0.1.0 server knows no enum beside it). It
// reads each amount from its Money field, or from the deprecated int64 twin
// when a server older than the Money field left it unset.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
// One row per line; the entry's id, date, kind and description on its first.
Table EntryTable(Lang lang) {
  return Table(lang, {{"ID", "ID"},
                      {"DATE", "DATE"},
                      {"KIND", "TYPE"},
                      {"ACCOUNT", "COMPTE"},
                      {"DEBIT", "DÉBIT"},
                      {"CREDIT", "CRÉDIT"},
                      {"LOAN", "PRÊT"},
                      {"PARTY", "PARTIE"},
                      {"DESCRIPTION", "DESCRIPTION"}});
}

void AddEntryRows(const lv1::JournalEntry& entry, Lang lang, Table* table) {
  bool first = true;
  for (const lv1::JournalLine& line : entry.lines()) {
    std::string description = entry.description();
    if (entry.reverses_entry_id() != 0) {
      absl::StrAppend(&description, Bilingual(" (reverses ", " (contrepasse ").In(lang),
                      entry.reverses_entry_id(), ")");
    }
    if (entry.reversed_by_entry_id() != 0) {
      absl::StrAppend(&description, Bilingual(" (reversed by ", " (contrepassée par ").In(lang),
                      entry.reversed_by_entry_id(), ")");
    }
    const int64_t debit =
        api::MinorUnitsOr(line.has_debit() ? &line.debit() : nullptr, line.debit_minor_units());
    const int64_t credit =
        api::MinorUnitsOr(line.has_credit() ? &line.credit() : nullptr, line.credit_minor_units());
    table->AddRow(
        {first ? absl::StrCat(entry.id()) : "", first ? FormatDay(entry.effective_date()) : "",
         first ? entry.kind() : "", absl::StrCat(line.account(), " ", line.account_name()),
         debit == 0 ? "" : FormatCents(debit, lang), credit == 0 ? "" : FormatCents(credit, lang),
         line.loan(), line.party(), first ? description : ""});
    first = false;
  }
}
#pragma GCC diagnostic pop

int Journal(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListJournalEntriesRequest request;
  absl::Status filtered = JournalFilterOptions(ctx.args(), &request);
  if (!filtered.ok()) return ctx.UsageError(filtered.message());
  lv1::ListJournalEntriesResponse response;
  grpc::Status status = ListPages<LendingService>(
      ctx, &LendingService::Stub::ListJournalEntries, *paging, request, &response,
      [](lv1::ListJournalEntriesResponse* r) { return r->mutable_entries(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table = EntryTable(ctx.lang());
  for (const lv1::JournalEntry& entry : response.entries()) {
    AddEntryRows(entry, ctx.lang(), &table);
  }
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int ContributeCapital(CommandContext& ctx) {
  lv1::RecordCapitalContributionRequest request;
  auto amount = MoneyOption(ctx.args(), "amount");
  if (!amount.ok()) return ctx.UsageError(amount.status().message());
  *request.mutable_amount() = amount->value_or(common::v1::Money());
  request.set_contributor(ctx.args().Value("contributor"));
  auto date = DayOption(ctx.args(), "date");
  if (!date.ok()) return ctx.UsageError(date.status().message());
  if (date->has_value()) *request.mutable_effective_date() = **date;
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::RecordCapitalContribution,
                                      request,
                                      [&](const lv1::RecordCapitalContributionResponse& response) {
                                        Table table = EntryTable(ctx.lang());
                                        AddEntryRows(response.entry(), ctx.lang(), &table);
                                        table.Print(ctx.out());
                                      });
}

}  // namespace

std::vector<Verb> BooksVerbs() {
  std::vector<Verb> verbs;
  verbs.push_back({{"lending", "portfolio"},
                   "",
                   {"Prints the portfolio report: outstanding principal, PAR30, repayment rate and "
                    "arrears buckets for the fund, by circle and by advisor.",
                    "Affiche le rapport de portefeuille : encours, PAR30, taux de remboursement et "
                    "tranches de retard du fonds, par cercle et par personne-conseil."},
                   {{"as-of",
                     "YYYY-MM-DD",
                     {"the date of the report (default: today)",
                      "la date du rapport (par défaut : aujourd'hui)"}}},
                   0,
                   0,
                   Portfolio});
  verbs.push_back({{"lending", "trial-balance"},
                   "",
                   {"Prints every account's debits, credits and balance with the totals; exits 1 "
                    "when the journal does not balance.",
                    "Affiche les débits, crédits et soldes de chaque compte avec les totaux ; code "
                    "de sortie 1 quand le journal n'est pas équilibré."},
                   {{"as-of",
                     "YYYY-MM-DD",
                     {"entries dated on or before (default: today)",
                      "les écritures datées de ce jour ou avant (par défaut : aujourd'hui)"}}},
                   0,
                   0,
                   TrialBalance});
  std::vector<OptionSpec> journal = {
      {"loan", "loans/ID", {"entries touching this loan", "les écritures qui touchent ce prêt"}},
      {"party",
       "people/ID|circles/ID",
       {"entries touching this guarantor or contributor",
        "les écritures qui touchent ce garant ou ce contributeur"}},
      {"kind",
       "KIND",
       {"only this kind: DISBURSEMENT, REPAYMENT, CAPITAL_CONTRIBUTION...",
        "seulement de ce type : DISBURSEMENT, REPAYMENT, CAPITAL_CONTRIBUTION..."}},
      {"from",
       "YYYY-MM-DD",
       {"entries dated on or after", "les écritures datées de ce jour ou après"}},
      {"to",
       "YYYY-MM-DD",
       {"entries dated on or before", "les écritures datées de ce jour ou avant"}}};
  for (OptionSpec& spec : PageOptionSpecs("entries")) {
    if (spec.name == "page-size") spec.help = JournalPageHelp();
    journal.push_back(std::move(spec));
  }
  verbs.push_back({{"lending", "journal"},
                   "",
                   {"Lists journal entries in posting order, one row per line.",
                    "Liste les écritures du journal dans l'ordre de comptabilisation, une ligne "
                    "par ligne d'écriture."},
                   journal,
                   0,
                   0,
                   Journal});
  verbs.push_back(
      {{"lending", "capital", "contribute"},
       "",
       {"Records capital put into the lending fund (admins): Dr cash / Cr fund capital.",
        "Consigne un apport de capital au fonds de prêt (administrateurs) : Dt encaisse / Ct "
        "capital du fonds."},
       {{"amount", "AMOUNT", {"e.g. 250000.00", "p. ex. 250000.00 ou 250 000,00"}, false, true},
        {"contributor",
         "TEXT",
         {"who contributed (1 to 200 characters)", "qui a contribué (de 1 à 200 caractères)"},
         false,
         true},
        {"date",
         "YYYY-MM-DD",
         {"the day the money arrived (default: today)",
          "le jour où l'argent est arrivé (par défaut : aujourd'hui)"}},
        RequestIdOptionSpec()},
       0,
       0,
       ContributeCapital});
  return verbs;
}

}  // namespace cercles::cerclesctl
