#ifndef CERCLES_TOOLS_CERCLESCTL_LENDING_ARGS_H_
#define CERCLES_TOOLS_CERCLESCTL_LENDING_ARGS_H_

// Lending values as typed on the command line (amounts, rates, days, enum
// names) and as printed (money, percentages, loans, schedules); shared by the
// lending verbs (lending_commands.cc, loan_commands.cc, books_commands.cc,
// financing_commands.cc).

#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/common/v1/money.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/command.h"
#include "tools/cerclesctl/language.h"
#include "tools/cerclesctl/people_args.h"

namespace cercles::cerclesctl {

// "loans/7", "bankReferrals/2"... stay as they are; a bare "7" gains the collection.
std::string LoanResourceName(absl::string_view text);
std::string BankReferralResourceName(absl::string_view text);
std::string SubsidyResourceName(absl::string_view text);

// An amount in the fund's currency, in units with up to two decimals: "1500",
// "1500.5", "1,500.00", "$1500", and as fr-CA writes it (a French Excel sheet):
// "1 500,00 $", "12,50" -> cents. A lone comma with one or two digits after it
// is the decimal point; other commas and spaces must group thousands by three.
// Errors say the rule.
absl::StatusOr<int64_t> ParseAmount(absl::string_view text);
// The Money of an amount in the fund's currency (the currency left for the
// server to fill in).
absl::StatusOr<common::v1::Money> ParseMoney(absl::string_view text);
// An amount in a table, api::FormatAmount's and FormatMoney's one rule: in
// English the number alone, 150000 -> "1,500.00", -1234 -> "-12.34"; in French
// with its dollar sign, "1 500,00 $".
std::string FormatCents(int64_t cents, Lang lang = Lang::kEn);
// An amount with its currency: en "1,500.00 CAD" (without the code when it is
// empty); fr "1 500,00 $" (a currency other than CAD by its code).
std::string FormatMoney(const common::v1::Money& money, Lang lang = Lang::kEn);
// A percentage with up to two decimals, "8", "8.5", "8.25%" -> basis points.
absl::StatusOr<int32_t> ParsePercent(absl::string_view text);
// 4167 -> en "41.67%"; fr "41,7 %" (api::FormatPercent, as the reports write it).
std::string FormatBps(int64_t bps, Lang lang = Lang::kEn);

// An enum value from its short name ("every-two-weeks" for
// REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS), with the choices in the error.
absl::StatusOr<int> ParseEnumName(absl::string_view text,
                                  const google::protobuf::EnumDescriptor* descriptor,
                                  absl::string_view prefix);
// --frequency's value ("monthly"); the error starts "--frequency ".
absl::StatusOr<lending::v1::RepaymentFrequency> ParseFrequencyFlag(absl::string_view text);
// The words of these enums in `lang` (enum_words.h's EnumWord): "active",
// in French "actif".
std::string LoanStateName(lending::v1::LoanState state, Lang lang);
std::string FrequencyName(lending::v1::RepaymentFrequency frequency, Lang lang);
std::string InterestMethodName(lending::v1::InterestMethod method, Lang lang);
std::string GuaranteeKindName(lending::v1::GuaranteeKind kind, Lang lang);
std::string ReferralStatusName(lending::v1::BankReferralStatus status, Lang lang);
// The fund settings' rules, unset read as the server's default ("pay-next-instalments",
// "whole-circle").
std::string PrepaymentRuleName(lending::v1::PrepaymentRule rule, Lang lang);
std::string CircleGuarantorsName(lending::v1::CircleGuarantors rule, Lang lang);
std::string SubsidyStatusName(lending::v1::SubsidyStatus status, Lang lang);

// Option values, nullopt when the option is absent; errors name the option.
absl::StatusOr<std::optional<common::v1::Date>> DayOption(const ParsedArgs& args,
                                                          const std::string& name);
absl::StatusOr<std::optional<int64_t>> IntOption(const ParsedArgs& args, const std::string& name);
absl::StatusOr<std::optional<common::v1::Money>> MoneyOption(const ParsedArgs& args,
                                                             const std::string& name);

// A loan, field by field (loans get and every verb that answers with a loan).
void PrintLoan(const lending::v1::Loan& loan, std::ostream& out, Lang lang = Lang::kEn);
// One row of `loans list` (NAME, APPLICANT, CIRCLE, STATE, AMOUNT, OUTSTANDING,
// DAYS PAST DUE, GUARANTEE), its words in `lang`.
std::vector<std::string> LoanListRow(const lending::v1::Loan& loan, Lang lang);
// A schedule as a table with a totals row and the regular payment under it.
void PrintSchedule(const lending::v1::Schedule& schedule, std::ostream& out, Lang lang = Lang::kEn);

// One write verb: sets the request_id (--request-id or a fresh one), calls,
// reports a failure in one line (with how to retry safely when the outcome is
// unknown), notes on stderr an answer replayed from an earlier call with the
// same id, and prints the response as json or with `print`.
template <typename Service, typename Request, typename Response, typename Print>
int RunWriteVerb(CommandContext& ctx,
                 grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                       Response*),
                 Request request, Print print) {
  request.set_request_id(RequestIdOption(ctx));
  Response response;
  bool replayed = false;
  grpc::Status status = CallWrite<Service>(ctx, method, request, &response, &replayed);
  if (!status.ok()) return FailWrite(ctx, status, request.request_id());
  if (replayed) {
    ctx.err() << "cerclesctl: request id " << request.request_id()
              << " was already done; this is its first answer\n";
  }
  if (ctx.json()) return ctx.PrintJson(response);
  print(response);
  return kExitOk;
}

// A read verb: calls and prints the response as json or with `print`.
template <typename Service, typename Request, typename Response, typename Print>
int RunReadVerb(CommandContext& ctx,
                grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                      Response*),
                const Request& request, Print print) {
  Response response;
  grpc::Status status = ctx.Unary<Service>(method, request, &response);
  if (!status.ok()) return ctx.Fail(status);
  if (ctx.json()) return ctx.PrintJson(response);
  return print(response);
}

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_LENDING_ARGS_H_
