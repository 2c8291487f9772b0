// Verbs of a loan's circle guarantee (lending guarantee call|pay): the call
// that moves the principal left to the guarantors, and their payments.

#include <string>
#include <vector>

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "tools/cerclesctl/commands.h"
#include "tools/cerclesctl/lending_args.h"
#include "tools/cerclesctl/output.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {
namespace {

namespace lv1 = lending::v1;
using lv1::LendingService;

void PrintCall(const lv1::GuaranteeCall& call, std::ostream& out, Lang lang) {
  const bool fr = lang == Lang::kFr;
  out << (fr ? "garantie de " : "guarantee of ") << call.loan()
      << (fr ? " appelée le " : " called on ") << FormatDay(call.call_date())
      << (fr ? " à " : " at ") << call.days_past_due()
      << (fr ? " jours de retard : " : " days past due: ") << FormatMoney(call.amount(), lang)
      << (fr ? " (écriture " : " (journal entry ") << call.journal_entry_id() << ")\n";
  Table table(
      lang, {{"GUARANTOR", "GARANT"}, {"SHARE", "PART"}, {"PAID", "PAYÉ"}, {"REMAINING", "RESTE"}});
  for (const lv1::GuarantorShare& share : call.shares()) {
    table.AddRow({share.guarantor(), FormatCents(share.amount().minor_units(), lang),
                  FormatCents(share.paid().minor_units(), lang),
                  FormatCents(share.amount().minor_units() - share.paid().minor_units(), lang)});
  }
  table.Print(out);
}

int CallGuarantee(CommandContext& ctx) {
  lv1::CallGuaranteeRequest request;
  request.set_loan(LoanResourceName(ctx.args().positionals()[0]));
  auto date = DayOption(ctx.args(), "date");
  if (!date.ok()) return ctx.UsageError(date.status().message());
  if (date->has_value()) *request.mutable_call_date() = **date;
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::CallGuarantee, request,
                                      [&](const lv1::CallGuaranteeResponse& response) {
                                        PrintCall(response.call(), ctx.out(), ctx.lang());
                                      });
}

int PayGuarantee(CommandContext& ctx) {
  lv1::RecordGuarantorPaymentRequest request;
  request.set_loan(LoanResourceName(ctx.args().positionals()[0]));
  request.set_guarantor(PersonResourceName(ctx.args().positionals()[1]));
  auto amount = MoneyOption(ctx.args(), "amount");
  if (!amount.ok()) return ctx.UsageError(amount.status().message());
  *request.mutable_amount() = amount->value_or(common::v1::Money());
  auto received = DayOption(ctx.args(), "received-on");
  if (!received.ok()) return ctx.UsageError(received.status().message());
  if (received->has_value()) *request.mutable_received_on() = **received;
  return RunWriteVerb<LendingService>(ctx, &LendingService::Stub::RecordGuarantorPayment, request,
                                      [&](const lv1::RecordGuarantorPaymentResponse& response) {
                                        PrintCall(response.call(), ctx.out(), ctx.lang());
                                      });
}

}  // namespace

std::vector<Verb> GuaranteeVerbs() {
  const OptionSpec request_id = RequestIdOptionSpec();
  std::vector<Verb> verbs;
  verbs.push_back({{"lending", "guarantee", "call"},
                   "loans/ID",
                   {"Calls the circle's guarantee of a loan past the settings' days (admins).",
                    "Appelle la garantie du cercle sur un prêt en retard depuis le nombre de jours "
                    "des réglages (administrateurs)."},
                   {{"date",
                     "YYYY-MM-DD",
                     {"the date of the call (default: today)",
                      "la date de l'appel (par défaut : aujourd'hui)"}},
                    request_id},
                   1,
                   1,
                   CallGuarantee});
  verbs.push_back(
      {{"lending", "guarantee", "pay"},
       "loans/ID people/GUARANTOR",
       {"Records a guarantor's payment towards their share of a called guarantee.",
        "Consigne le paiement d'une personne garante sur sa part d'une garantie appelée."},
       {{"amount", "AMOUNT", {"the amount received", "le montant reçu"}, false, true},
        {"received-on",
         "YYYY-MM-DD",
         {"the day it was received (default: today)",
          "le jour de sa réception (par défaut : aujourd'hui)"}},
        request_id},
       2,
       2,
       PayGuarantee});
  return verbs;
}

}  // namespace cercles::cerclesctl
