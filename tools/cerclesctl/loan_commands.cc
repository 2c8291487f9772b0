// Verbs of cercles.lending.v1.LendingService about loans: from the request
// through the circle's vote and the fund's decision to disbursement, the
// schedule, repayments, guarantee calls and write-offs.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/circle_args.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::LendingService;

// Prints the `loan` field of any response that has one.
template <typename Response>
void PrintLoanOf(CommandContext& ctx, const Response& response) {
  PrintLoan(response.loan(), ctx.out(), ctx.lang());
}

template <typename Response>
std::function<void(const Response&)> LoanPrinter(CommandContext& ctx) {
  return [&ctx](const Response& response) { PrintLoanOf(ctx, response); };
}

std::string Positional(const CommandContext& ctx, size_t i) { return ctx.args().positionals()[i]; }

absl::StatusOr<lv1::InterestMethod> MethodOption(const ParsedArgs& args) {
  if (!args.Has("method")) return lv1::INTEREST_METHOD_UNSPECIFIED;
  absl::StatusOr<int> value =
      ParseEnumName(args.Value("method"), lv1::InterestMethod_descriptor(), "INTEREST_METHOD_");
  if (!value.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--method ", value.status().message()));
  }
  return static_cast<lv1::InterestMethod>(*value);
}

absl::StatusOr<int32_t> RateOption(const ParsedArgs& args) {
  absl::StatusOr<int32_t> bps = ParsePercent(args.Value("rate"));
  if (!bps.ok()) return absl::InvalidArgumentError(absl::StrCat("--rate ", bps.status().message()));
  return *bps;
}

absl::StatusOr<int32_t> InstalmentsOption(const ParsedArgs& args) {
  absl::StatusOr<std::optional<int64_t>> count = IntOption(args, "instalments");
  if (!count.ok()) return count.status();
  return static_cast<int32_t>(count->value_or(0));
}

// The terms shared by `submit` and `preview-schedule`.
struct Terms {
  common::v1::Money amount;
  int32_t rate_bps = 0;
  int32_t instalments = 0;
  lv1::RepaymentFrequency frequency = lv1::REPAYMENT_FREQUENCY_UNSPECIFIED;
};

absl::StatusOr<Terms> TermsOptions(const ParsedArgs& args) {
  Terms terms;
  absl::StatusOr<std::optional<common::v1::Money>> amount = MoneyOption(args, "amount");
  if (!amount.ok()) return amount.status();
  terms.amount = amount->value_or(common::v1::Money());
  absl::StatusOr<int32_t> rate = RateOption(args);
  if (!rate.ok()) return rate.status();
  terms.rate_bps = *rate;
  absl::StatusOr<int32_t> instalments = InstalmentsOption(args);
  if (!instalments.ok()) return instalments.status();
  terms.instalments = *instalments;
  absl::StatusOr<lv1::RepaymentFrequency> frequency = ParseFrequencyFlag(args.Value("frequency"));
  if (!frequency.ok()) return frequency.status();
  terms.frequency = *frequency;
  return terms;
}

int SubmitLoan(CommandContext& ctx) {
  absl::StatusOr<Terms> terms = TermsOptions(ctx.args());
  if (!terms.ok()) return ctx.UsageError(terms.status().message());
  lv1::SubmitLoanRequestRequest request;
  request.set_circle(CircleResourceName(ctx.args().Value("circle")));
  lv1::Loan* loan = request.mutable_loan();
  loan->set_applicant(PersonResourceName(ctx.args().Value("applicant")));
  *loan->mutable_amount() = terms->amount;
  loan->set_purpose(ctx.args().Value("purpose"));
  loan->set_business_plan_summary(ctx.args().Value("plan-summary"));
  loan->set_document_reference(ctx.args().Value("document-reference"));
  loan->set_instalment_count(terms->instalments);
  loan->set_frequency(terms->frequency);
  loan->set_annual_rate_bps(terms->rate_bps);
  // Unset, the fund's default grace applies.
  for (const auto& [option, set] :
       {std::pair{"grace-on-principal", &lv1::Loan::set_grace_on_principal_instalments},
        std::pair{"grace-on-interest", &lv1::Loan::set_grace_on_interest_instalments}}) {
    absl::StatusOr<std::optional<int64_t>> grace = IntOption(ctx.args(), option);
    if (!grace.ok()) return ctx.UsageError(grace.status().message());
    if (!grace->has_value()) continue;
    if (**grace < 0 || **grace > std::numeric_limits<int32_t>::max()) {
      return ctx.UsageError(absl::StrCat("--", option, " must be 0 or more, not ", **grace));
    }
    (loan->*set)(static_cast<int32_t>(**grace));
  }
  request.set_validate_only(ctx.args().Has("validate-only"));
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::SubmitLoanRequest, request,
                                      LoanPrinter<lv1::SubmitLoanRequestResponse>(ctx));
}

int GetLoan(CommandContext& ctx) {
  lv1::GetLoanRequest request;
  request.set_name(LoanResourceName(Positional(ctx, 0)));
  auto as_of = DayOption(ctx.args(), "as-of");
  if (!as_of.ok()) return ctx.UsageError(as_of.status().message());
  if (as_of->has_value()) *request.mutable_as_of() = **as_of;
  return RunReadVerb<LendingService>(ctx, &LendingService::Stub::GetLoan, request,
                                     [&](const lv1::GetLoanResponse& response) {
                                       PrintLoan(response.loan(), ctx.out(), ctx.lang());
                                       return kExitOk;
                                     });
}

absl::Status LoanFilterOptions(const ParsedArgs& args, lv1::ListLoansRequest* request) {
  if (args.Has("circle")) request->set_circle(CircleResourceName(args.Value("circle")));
  if (args.Has("applicant")) request->set_applicant(PersonResourceName(args.Value("applicant")));
  if (args.Has("advisor")) request->set_advisor(args.Value("advisor"));
  for (const char* option : {"status", "state"}) {  // --state: the old spelling
    for (const std::string& state : args.Values(option)) {
      absl::StatusOr<int> value = ParseEnumName(state, lv1::LoanState_descriptor(), "LOAN_STATE_");
      if (!value.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", option, " ", value.status().message()));
      }
      request->add_states(static_cast<lv1::LoanState>(*value));
    }
  }
  auto as_of = DayOption(args, "as-of");
  if (!as_of.ok()) return as_of.status();
  if (as_of->has_value()) *request->mutable_as_of() = **as_of;
  auto min_days = IntOption(args, "min-days-past-due");
  if (!min_days.ok()) return min_days.status();
  request->set_min_days_past_due(static_cast<int32_t>(min_days->value_or(0)));
  return absl::OkStatus();
}

int ListLoans(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListLoansRequest request;
  absl::Status filtered = LoanFilterOptions(ctx.args(), &request);
  if (!filtered.ok()) return ctx.UsageError(filtered.message());
  lv1::ListLoansResponse response;
  grpc::Status status =
      ListPages<LendingService>(ctx, &LendingService::Stub::ListLoans, *paging, request, &response,
                                [](lv1::ListLoansResponse* r) { return r->mutable_loans(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  Table table(ctx.lang(), {{"NAME", "NOM"},
                           {"APPLICANT", "DEMANDEUR"},
                           {"CIRCLE", "CERCLE"},
                           {"STATE", "ÉTAT"},
                           {"AMOUNT", "MONTANT"},
                           {"OUTSTANDING", "ENCOURS"},
                           {"DAYS PAST DUE", "JOURS DE RETARD"},
                           {"GUARANTEE", "GARANTIE"}});
  for (const lv1::Loan& loan : response.loans()) table.AddRow(LoanListRow(loan, ctx.lang()));
  table.Print(ctx.out());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int CastVote(CommandContext& ctx) {
  lv1::CastCircleVoteRequest request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  request.set_voter(PersonResourceName(Positional(ctx, 1)));
  absl::StatusOr<bool> approve = ParseYesNo(Positional(ctx, 2));
  if (!approve.ok()) return ctx.UsageError(absl::StrCat("the vote ", approve.status().message()));
  request.set_approve(*approve);
  request.set_comment(ctx.args().Value("comment"));
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::CastCircleVote, request,
                                      LoanPrinter<lv1::CastCircleVoteResponse>(ctx));
}

// A write on the loan named by the first argument, answered with the loan;
// `fill` sets the rest of the request from the options.
template <typename Request, typename Response, typename Fill>
int LoanWrite(CommandContext& ctx,
              grpc::Status (LendingService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
              Fill fill) {
  Request request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  fill(request);
  return RunWriteVerb<LendingService>(ctx, method, request, LoanPrinter<Response>(ctx));
}

int CloseVote(CommandContext& ctx) {
  return LoanWrite(ctx, &LendingService::Stub::CloseCircleVote,
                   [](lv1::CloseCircleVoteRequest&) {});
}

int ApproveLoan(CommandContext& ctx) {
  return LoanWrite(ctx, &LendingService::Stub::ApproveLoan,
                   [&](lv1::ApproveLoanRequest& r) { r.set_note(ctx.args().Value("note")); });
}

int RejectLoan(CommandContext& ctx) {
  return LoanWrite(ctx, &LendingService::Stub::RejectLoan,
                   [&](lv1::RejectLoanRequest& r) { r.set_reason(ctx.args().Value("reason")); });
}

int WithdrawLoan(CommandContext& ctx) {
  return LoanWrite(ctx, &LendingService::Stub::WithdrawLoan,
                   [&](lv1::WithdrawLoanRequest& r) { r.set_reason(ctx.args().Value("reason")); });
}

int DisburseLoan(CommandContext& ctx) {
  lv1::DisburseLoanRequest request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  auto date = DayOption(ctx.args(), "date");
  if (!date.ok()) return ctx.UsageError(date.status().message());
  if (date->has_value()) *request.mutable_disbursement_date() = **date;
  auto first_due = DayOption(ctx.args(), "first-due-date");
  if (!first_due.ok()) return ctx.UsageError(first_due.status().message());
  if (first_due->has_value()) *request.mutable_first_due_date() = **first_due;
  auto method = MethodOption(ctx.args());
  if (!method.ok()) return ctx.UsageError(method.status().message());
  request.set_interest_method(*method);
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::DisburseLoan, request,
                                      [&](const lv1::DisburseLoanResponse& response) {
                                        PrintLoan(response.loan(), ctx.out(), ctx.lang());
                                        ctx.out() << '\n';
                                        PrintSchedule(response.schedule(), ctx.out(), ctx.lang());
                                      });
}

int GetLoanSchedule(CommandContext& ctx) {
  lv1::GetLoanScheduleRequest request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  return RunReadVerb<LendingService>(ctx, &LendingService::Stub::GetLoanSchedule, request,
                                     [&](const lv1::GetLoanScheduleResponse& response) {
                                       PrintSchedule(response.schedule(), ctx.out(), ctx.lang());
                                       return kExitOk;
                                     });
}

int PreviewSchedule(CommandContext& ctx) {
  absl::StatusOr<Terms> terms = TermsOptions(ctx.args());
  if (!terms.ok()) return ctx.UsageError(terms.status().message());
  lv1::PreviewScheduleRequest request;
  *request.mutable_amount() = terms->amount;
  request.set_annual_rate_bps(terms->rate_bps);
  request.set_instalment_count(terms->instalments);
  request.set_frequency(terms->frequency);
  auto first_due = DayOption(ctx.args(), "first-due-date");
  if (!first_due.ok()) return ctx.UsageError(first_due.status().message());
  if (first_due->has_value()) *request.mutable_first_due_date() = **first_due;
  auto method = MethodOption(ctx.args());
  if (!method.ok()) return ctx.UsageError(method.status().message());
  request.set_interest_method(*method);
  return RunReadVerb<LendingService>(ctx, &LendingService::Stub::PreviewSchedule, request,
                                     [&](const lv1::PreviewScheduleResponse& response) {
                                       PrintSchedule(response.schedule(), ctx.out(), ctx.lang());
                                       return kExitOk;
                                     });
}

void PrintRepayments(const google::protobuf::RepeatedPtrField<lv1::Repayment>& repayments,
                     std::ostream& out, Lang lang) {
  Table table(lang, {{"NAME", "NOM"},
                     {"RECEIVED", "REÇU LE"},
                     {"AMOUNT", "MONTANT"},
                     {"PRINCIPAL", "CAPITAL"},
                     {"INTEREST", "INTÉRÊTS"},
                     {"REFERENCE", "RÉFÉRENCE"},
                     {"ENTRY", "ÉCRITURE"},
                     {"REVERSED", "CONTREPASSÉ"}});
  for (const lv1::Repayment& r : repayments) {
    table.AddRow({r.name(), FormatDay(r.received_on()), FormatCents(r.amount().minor_units(), lang),
                  FormatCents(r.principal().minor_units(), lang),
                  FormatCents(r.interest().minor_units(), lang),
                  r.reference().empty() ? "-" : r.reference(), absl::StrCat(r.journal_entry_id()),
                  r.reversed() ? absl::StrCat(Bilingual("yes (entry ", "oui (écriture ").In(lang),
                                              r.reversal_entry_id(), ": ", r.reversal_reason(), ")")
                               : Bilingual("no", "non").In(lang)});
  }
  table.Print(out);
}

// The repayment and the loan after it (repay, reverse).
template <typename Response>
std::function<void(const Response&)> RepaymentPrinter(CommandContext& ctx) {
  return [&ctx](const Response& response) {
    google::protobuf::RepeatedPtrField<lv1::Repayment> one;
    *one.Add() = response.repayment();
    PrintRepayments(one, ctx.out(), ctx.lang());
    ctx.out() << '\n';
    PrintLoan(response.loan(), ctx.out(), ctx.lang());
  };
}

int Repay(CommandContext& ctx) {
  lv1::RecordRepaymentRequest request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  auto amount = MoneyOption(ctx.args(), "amount");
  if (!amount.ok()) return ctx.UsageError(amount.status().message());
  *request.mutable_amount() = amount->value_or(common::v1::Money());
  auto received = DayOption(ctx.args(), "received-on");
  if (!received.ok()) return ctx.UsageError(received.status().message());
  if (received->has_value()) *request.mutable_received_on() = **received;
  request.set_reference(ctx.args().Value("reference"));
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::RecordRepayment, request,
                                      RepaymentPrinter<lv1::RecordRepaymentResponse>(ctx));
}

int Reverse(CommandContext& ctx) {
  lv1::ReverseRepaymentRequest request;
  request.set_repayment(Positional(ctx, 0));
  request.set_reason(ctx.args().Value("reason"));
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::ReverseRepayment, request,
                                      RepaymentPrinter<lv1::ReverseRepaymentResponse>(ctx));
}

int ListRepayments(CommandContext& ctx) {
  auto paging = ParsePageOptions(ctx.args());
  if (!paging.ok()) return ctx.UsageError(paging.status().message());
  lv1::ListRepaymentsRequest request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  lv1::ListRepaymentsResponse response;
  grpc::Status status = ListPages<LendingService>(
      ctx, &LendingService::Stub::ListRepayments, *paging, request, &response,
      [](lv1::ListRepaymentsResponse* r) { return r->mutable_repayments(); });
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  PrintRepayments(response.repayments(), ctx.out(), ctx.lang());
  PrintNextPage(response.next_page_token(), ctx.out(), ctx.lang());
  return kExitOk;
}

int WriteOff(CommandContext& ctx) {
  lv1::WriteOffLoanRequest request;
  request.set_loan(LoanResourceName(Positional(ctx, 0)));
  request.set_reason(ctx.args().Value("reason"));
  auto date = DayOption(ctx.args(), "date");
  if (!date.ok()) return ctx.UsageError(date.status().message());
  if (date->has_value()) *request.mutable_write_off_date() = **date;
  return RunWriteVerb<LendingService>(
      ctx, &LendingService::Stub::WriteOffLoan, request,
      [&](const lv1::WriteOffLoanResponse& response) {
        PrintLoan(response.loan(), ctx.out(), ctx.lang());
        ctx.out() << "journal entry: " << response.journal_entry_id() << '\n';
      });
}

std::vector<OptionSpec> TermsOptionSpecs() {
  return {{"amount",
           "AMOUNT",
           {"the principal, e.g. 1500.00", "le capital, p. ex. 1500.00 ou 1 500,00"},
           false,
           true},
          {"rate",
           "PERCENT",
           {"annual interest rate, e.g. 8 or 7.5%", "taux d'intérêt annuel, p. ex. 8 ou 7,5 %"},
           false,
           true},
          {"instalments", "N", {"number of instalments", "nombre d'échéances"}, false, true},
          {"frequency",
           "weekly|every-two-weeks|monthly",
           {"how often they fall due", "à quelle fréquence elles arrivent à échéance"},
           false,
           true}};
}

OptionSpec Required(OptionSpec spec) {
  spec.required = true;
  return spec;
}

}  // namespace

std::vector<Verb> LoanVerbs() {
  const OptionSpec request_id = RequestIdOptionSpec();
  const OptionSpec reason = Required(
      {"reason", "TEXT", {"why (1 to 500 characters)", "pourquoi (de 1 à 500 caractères)"}});
  const OptionSpec as_of = {"as-of",
                            "YYYY-MM-DD",
                            {"the date of the arrears (default: today)",
                             "la date des arriérés (par défaut : aujourd'hui)"}};
  const OptionSpec method = {"method",
                             "declining-balance|flat",
                             {"how interest is computed (default: declining-balance)",
                              "comment les intérêts sont calculés (par défaut : declining-balance, "
                              "sur le solde dégressif)"}};
  std::vector<Verb> verbs;

  std::vector<OptionSpec> submit = {
      Required({"circle",
                "circles/ID",
                {"the circle the member brings the request to",
                 "le cercle auquel le membre présente la demande"}}),
      Required({"applicant",
                "people/ID",
                {"the member asking for the loan", "le membre qui demande le prêt"}}),
      Required({"purpose", "TEXT", {"what the money is for", "à quoi servira l'argent"}}),
      Required(
          {"plan-summary", "TEXT", {"the business plan in short", "le plan d'affaires en bref"}}),
      {"document-reference",
       "REF",
       {"link or storage key of the full plan", "lien ou clé de stockage du plan complet"}}};
  for (const OptionSpec& spec : TermsOptionSpecs()) submit.push_back(spec);
  submit.push_back({"grace-on-principal",
                    "N",
                    {"instalments of interest only at the start (default: the fund's)",
                     "échéances d'intérêts seulement au début (par défaut : celles du fonds)"}});
  submit.push_back({"grace-on-interest",
                    "N",
                    {"instalments with nothing due at the start, their interest spread over the "
                     "rest (default: the fund's)",
                     "échéances sans rien à payer au début, leurs intérêts répartis sur les "
                     "suivantes (par défaut : celles du fonds)"}});
  submit.push_back(
      {"validate-only",
       "",
       {"check every rule and store nothing", "vérifier chaque règle sans rien enregistrer"}});
  submit.push_back(request_id);
  verbs.push_back({{"lending", "loans", "submit"},
                   "",
                   {"Submits a member's loan request through their circle (checks the circle, the "
                    "membership and the stepped-loan ceiling).",
                    "Dépose la demande de prêt d'un membre par son cercle (vérifie le cercle, "
                    "l'appartenance et le plafond des prêts progressifs)."},
                   submit,
                   0,
                   0,
                   SubmitLoan});
  verbs.push_back(
      {{"lending", "loans", "get"},
       "loans/ID",
       {"Shows one loan or request with its vote and arrears (a bare ID is accepted).",
        "Affiche un prêt ou une demande avec son vote et ses arriérés (un ID seul est accepté)."},
       {as_of},
       1,
       1,
       GetLoan});
  std::vector<OptionSpec> list = {
      {"circle", "circles/ID", {"loans of this circle", "les prêts de ce cercle"}},
      {"applicant", "people/ID", {"loans of this person", "les prêts de cette personne"}},
      {"status",
       "STATUS",
       {"only loans in this status (submitted, active, closed-repaid...)",
        "seulement les prêts à ce statut (submitted, active, closed-repaid...)"},
       true},
      {"state",
       "STATUS",
       {"the old spelling of --status, kept as an alias",
        "l'ancienne graphie de --status, gardée comme alias"},
       true},
      {"advisor",
       "advisors/ID",
       {"loans of this advisor's circles", "les prêts des cercles de cette personne-conseil"}},
      as_of,
      {"min-days-past-due",
       "N",
       {"only active loans at least this late",
        "seulement les prêts actifs en retard d'au moins ce nombre de jours"}}};
  for (OptionSpec& spec : PageOptionSpecs("loans")) list.push_back(std::move(spec));
  verbs.push_back({{"lending", "loans", "list"},
                   "",
                   {"Lists loans and requests, in creation order.",
                    "Liste les prêts et les demandes, dans l'ordre de leur création."},
                   list,
                   0,
                   0,
                   ListLoans});
  verbs.push_back({{"lending", "loans", "vote"},
                   "loans/ID people/VOTER yes|no",
                   {"Records one circle member's vote on a request (not the applicant's).",
                    "Consigne le vote d'un membre du cercle sur une demande (pas celui de la "
                    "personne qui demande)."},
                   {{"comment",
                     "TEXT",
                     {"optional, up to 2000 characters", "facultatif, jusqu'à 2000 caractères"}},
                    request_id},
                   3,
                   3,
                   CastVote});
  verbs.push_back({{"lending", "loans", "close-vote"},
                   "loans/ID",
                   {"Closes the circle's vote: decided by the votes cast (no quorum rejects).",
                    "Clôt le vote du cercle : décidé par les votes exprimés (sans quorum, la "
                    "demande est rejetée)."},
                   {request_id},
                   1,
                   1,
                   CloseVote});
  verbs.push_back(
      {{"lending", "loans", "approve"},
       "loans/ID",
       {"The fund approves a circle-approved request (not by its submitter).",
        "Le fonds approuve une demande approuvée par le cercle (pas par la personne "
        "qui l'a déposée)."},
       {{"note", "TEXT", {"optional, up to 500 characters", "facultatif, jusqu'à 500 caractères"}},
        request_id},
       1,
       1,
       ApproveLoan});
  verbs.push_back({{"lending", "loans", "reject"},
                   "loans/ID",
                   {"The fund rejects a circle-approved request (not by its submitter).",
                    "Le fonds rejette une demande approuvée par le cercle (pas par la personne qui "
                    "l'a déposée)."},
                   {reason, request_id},
                   1,
                   1,
                   RejectLoan});
  verbs.push_back({{"lending", "loans", "withdraw"},
                   "loans/ID",
                   {"The applicant withdraws a request not yet disbursed.",
                    "La personne qui demande retire une demande pas encore décaissée."},
                   {reason, request_id},
                   1,
                   1,
                   WithdrawLoan});
  verbs.push_back(
      {{"lending", "loans", "disburse"},
       "loans/ID",
       {"Pays out an approved loan (admins): fixes and prints its schedule.",
        "Décaisse un prêt approuvé (administrateurs) : fixe et affiche son échéancier."},
       {Required({"first-due-date",
                  "YYYY-MM-DD",
                  {"the first instalment's due date", "la date d'échéance du premier versement"}}),
        {"date",
         "YYYY-MM-DD",
         {"the day the money leaves the fund (default: today)",
          "le jour où l'argent quitte le fonds (par défaut : aujourd'hui)"}},
        method,
        request_id},
       1,
       1,
       DisburseLoan});
  verbs.push_back(
      {{"lending", "loans", "schedule"},
       "loans/ID",
       {"Prints a disbursed loan's schedule with what has been paid, and its totals.",
        "Affiche l'échéancier d'un prêt décaissé avec ce qui a été payé, et ses totaux."},
       {},
       1,
       1,
       GetLoanSchedule});
  std::vector<OptionSpec> preview = TermsOptionSpecs();
  preview.push_back(
      Required({"first-due-date",
                "YYYY-MM-DD",
                {"the first instalment's due date", "la date d'échéance du premier versement"}}));
  preview.push_back(method);
  verbs.push_back({{"lending", "loans", "preview-schedule"},
                   "",
                   {"Prints the schedule the terms would give, storing nothing.",
                    "Affiche l'échéancier que donneraient les conditions, sans rien enregistrer."},
                   preview,
                   0,
                   0,
                   PreviewSchedule});
  verbs.push_back(
      {{"lending", "loans", "repay"},
       "loans/ID",
       {"Records a repayment: interest then principal, oldest instalment first.",
        "Consigne un remboursement : les intérêts puis le capital, la plus ancienne "
        "échéance d'abord."},
       {Required(
            {"amount",
             "AMOUNT",
             {"the amount received, e.g. 137.50", "le montant reçu, p. ex. 137.50 ou 137,50"}}),
        {"received-on",
         "YYYY-MM-DD",
         {"the day it was received (default: today)",
          "le jour de sa réception (par défaut : aujourd'hui)"}},
        {"reference", "REF", {"receipt or transfer reference", "référence du reçu ou du virement"}},
        request_id},
       1,
       1,
       Repay});
  verbs.push_back({{"lending", "loans", "reverse"},
                   "loans/ID/repayments/ID",
                   {"Reverses a loan's latest repayment with a reversing journal entry (admins).",
                    "Contrepasse le dernier remboursement d'un prêt par une écriture de "
                    "contrepassation (administrateurs)."},
                   {reason, request_id},
                   1,
                   1,
                   Reverse});
  std::vector<OptionSpec> repayments = PageOptionSpecs("repayments");
  verbs.push_back({{"lending", "loans", "repayments"},
                   "loans/ID",
                   {"Lists a loan's repayments, oldest first, reversed ones included.",
                    "Liste les remboursements d'un prêt, du plus ancien au plus récent, y compris "
                    "ceux contrepassés."},
                   repayments,
                   1,
                   1,
                   ListRepayments});
  verbs.push_back(
      {{"lending", "loans", "write-off"},
       "loans/ID",
       {"Writes a loan off once it is past the settings' days (admins).",
        "Radie un prêt en retard depuis plus de jours que les réglages ne le permettent "
        "(administrateurs)."},
       {reason,
        {"date",
         "YYYY-MM-DD",
         {"the date of the write-off (default: today)",
          "la date de la radiation (par défaut : aujourd'hui)"}},
        request_id},
       1,
       1,
       WriteOff});
  for (Verb& verb : GuaranteeVerbs()) verbs.push_back(std::move(verb));
  return verbs;
}

}  // namespace cercles::cerclesctl
