#include "services/lending/loan_mapping.h"

#include "absl/strings/str_cat.h"
#include "common/api/closed_set.h"
#include "common/api/date.h"
#include "common/api/money.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/arrears.h"

namespace cercles::lending {
namespace {

v1::ArrearsBucket ToProtoBucket(ArrearsBucket bucket) {
  switch (bucket) {
    case ArrearsBucket::kCurrent:
      return v1::ARREARS_BUCKET_CURRENT;
    case ArrearsBucket::kFirst:
      return v1::ARREARS_BUCKET_FIRST;
    case ArrearsBucket::kSecond:
      return v1::ARREARS_BUCKET_SECOND;
    case ArrearsBucket::kThird:
      return v1::ARREARS_BUCKET_THIRD;
    case ArrearsBucket::kBeyond:
      return v1::ARREARS_BUCKET_BEYOND;
  }
  return v1::ARREARS_BUCKET_UNSPECIFIED;
}

// The tally as the loan shows it: a vote decided at the meeting's close reads as
// the closed tally, one decided early (or still open) as the running one.
void FillTally(const LoanRecord& loan, const FundSettings& settings, v1::Loan* out) {
  if (loan.voters.empty()) return;
  absl::StatusOr<VoteTally> tally = TallyVotes(loan.applicant, loan.voters, loan.votes, settings);
  if (tally.ok() && tally->outcome == VoteOutcome::kPending &&
      loan.state != LoanState::kSubmitted) {
    tally = TallyVotes(loan.applicant, loan.voters, loan.votes, settings, /*closed=*/true);
  }
  if (!tally.ok()) return;
  v1::VoteTally* t = out->mutable_vote_tally();
  SetVoteOutcome(VoteOutcomeName(tally->outcome), t);
  t->set_eligible_voters(tally->eligible_voters);
  t->set_votes_cast(tally->votes_cast);
  t->set_approvals(tally->approvals);
  t->set_rejections(tally->rejections);
  t->set_quorum_votes(tally->quorum_votes);
  t->set_quorum_reached(tally->quorum_reached);
  t->set_reason(tally->reason);
  t->set_accepting_votes(IsVoteOpen(loan.state, loan.vote_close_time.has_value()));
}

void FillArrears(const LoanPosition& position, absl::CivilDay as_of, const FundSettings& settings,
                 v1::Loan* out) {
  absl::StatusOr<ArrearsStatus> arrears =
      ClassifyArrears(position, as_of, settings.arrears_buckets, settings.arrears_tolerance_cents);
  if (!arrears.ok()) return;
  v1::Arrears* a = out->mutable_arrears();
  *a->mutable_as_of() = api::DateFromDay(as_of);
  a->set_days_past_due(arrears->days_past_due);
  a->set_bucket(ToProtoBucket(arrears->bucket));
  a->set_bucket_label(BucketLabel(arrears->bucket, settings.arrears_buckets));
  *a->mutable_amount_in_arrears() =
      api::ToMoney(arrears->amount_in_arrears_cents, settings.currency);
  if (arrears->oldest_unpaid_due.has_value()) {
    *a->mutable_oldest_unpaid_due_date() = api::DateFromDay(*arrears->oldest_unpaid_due);
  }
}

v1::VoteThreshold ThresholdToProto(const VoteThreshold& t) {
  v1::VoteThreshold out;
  out.set_numerator(t.numerator);
  out.set_denominator(t.denominator);
  out.set_strictly_more(t.strictly_more);
  return out;
}

VoteThreshold ThresholdFromProto(const v1::VoteThreshold& t) {
  return VoteThreshold{t.numerator(), t.denominator(), t.strictly_more()};
}

v1::TermRange TermsToProto(const TermRange& t) {
  v1::TermRange out;
  out.set_min_instalments(t.min_instalments);
  out.set_max_instalments(t.max_instalments);
  return out;
}

TermRange TermsFromProto(const v1::TermRange& t) {
  return TermRange{t.min_instalments(), t.max_instalments()};
}

void FillInstalment(int32_t number, absl::CivilDay due, int64_t principal, int64_t interest,
                    int64_t balance_after, const std::string& currency, v1::Instalment* out) {
  out->set_number(number);
  *out->mutable_due_date() = api::DateFromDay(due);
  *out->mutable_principal() = api::ToMoney(principal, currency);
  *out->mutable_interest() = api::ToMoney(interest, currency);
  *out->mutable_total() = api::ToMoney(principal + interest, currency);
  *out->mutable_balance_after() = api::ToMoney(balance_after, currency);
}

}  // namespace

v1::Loan ToProto(const LoanRecord& loan, const LoanPosition& position, absl::CivilDay as_of,
                 const FundSettings& settings) {
  const std::string& currency = settings.currency;
  v1::Loan out;
  out.set_name(loan.name());
  out.set_applicant(loan.applicant);
  out.set_circle(loan.circle);
  if (loan.original_circle != loan.circle) out.set_original_circle(loan.original_circle);
  out.set_advisor(loan.advisor);
  out.set_state(ToProtoState(loan.state));
  *out.mutable_amount() = api::ToMoney(loan.request.amount_cents, currency);
  out.set_purpose(loan.request.purpose);
  out.set_business_plan_summary(loan.request.business_plan_summary);
  out.set_document_reference(loan.request.document_reference);
  out.set_instalment_count(loan.request.instalment_count);
  out.set_frequency(ToProtoFrequency(loan.request.frequency));
  out.set_annual_rate_bps(loan.request.annual_rate_bps);
  out.set_grace_on_principal_instalments(loan.request.grace_on_principal);
  out.set_grace_on_interest_instalments(loan.request.grace_on_interest);
  if (loan.interest_method.has_value()) {
    out.set_interest_method(ToProtoMethod(*loan.interest_method));
  }
  if (loan.guarantee_kind.has_value()) {
    out.set_guarantee_kind(ToProtoGuaranteeKind(*loan.guarantee_kind));
  }
  for (const std::string& g : loan.guarantors) out.add_guarantors(g);
  FillTally(loan, settings, &out);
  for (size_t i = 0; i < loan.votes.size(); ++i) {
    v1::CircleVote* vote = out.add_votes();
    vote->set_voter(loan.votes[i].voter);
    vote->set_approve(loan.votes[i].approve);
    vote->set_comment(loan.votes[i].comment);
    if (i < loan.vote_recorders.size()) vote->set_recorded_by(loan.vote_recorders[i]);
    if (i < loan.vote_times.size()) SetTimestamp(loan.vote_times[i], vote->mutable_cast_time());
  }
  out.set_submitted_by(loan.submitted_by);
  out.set_decided_by(loan.decided_by);
  out.set_state_reason(loan.state_reason);
  *out.mutable_ceiling() = api::ToMoney(loan.ceiling_cents, currency);
  if (loan.disbursement_date.has_value()) {
    *out.mutable_disbursement_date() = api::DateFromDay(*loan.disbursement_date);
  }
  if (loan.first_due_date.has_value())
    *out.mutable_first_due_date() = api::DateFromDay(*loan.first_due_date);
  *out.mutable_outstanding_principal() = api::ToMoney(loan.outstanding_principal_cents, currency);
  *out.mutable_outstanding_interest() = api::ToMoney(loan.outstanding_interest_cents, currency);
  if (loan.state == LoanState::kActive) {
    FillArrears(position, as_of, settings, &out);
    for (const InstalmentPosition& instalment : position) {
      if (instalment.fully_paid() ||
          WithinTolerance(instalment, settings.arrears_tolerance_cents)) {
        continue;
      }
      *out.mutable_next_unpaid_due_date() = api::DateFromDay(instalment.due);
      break;
    }
  }
  *out.mutable_guarantee_called() = api::ToMoney(loan.guarantee_called_cents, currency);
  SetTimestamp(loan.create_time, out.mutable_create_time());
  SetTimestamp(loan.update_time, out.mutable_update_time());
  if (loan.close_time.has_value()) SetTimestamp(*loan.close_time, out.mutable_close_time());
  return out;
}

static_assert(static_cast<int>(PrepaymentRule::kPayNextInstalments) ==
              v1::PREPAYMENT_RULE_PAY_NEXT_INSTALMENTS);
static_assert(static_cast<int>(PrepaymentRule::kReducePrincipal) ==
              v1::PREPAYMENT_RULE_REDUCE_PRINCIPAL);
static_assert(static_cast<int>(CircleGuarantors::kWholeCircle) ==
              v1::CIRCLE_GUARANTORS_WHOLE_CIRCLE);
static_assert(static_cast<int>(CircleGuarantors::kExceptNoVoters) ==
              v1::CIRCLE_GUARANTORS_EXCEPT_NO_VOTERS);

// The settings' amounts fill their Money fields and the deprecated int64 twins.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

v1::FundSettings SettingsToProto(const FundSettings& s) {
  v1::FundSettings out;
  out.set_currency(s.currency);
  out.set_guarantee_threshold_minor_units(s.guarantee_threshold_cents);
  *out.mutable_guarantee_threshold() = api::ToMoney(s.guarantee_threshold_cents, s.currency);
  for (int64_t rung : s.ladder_cents) {
    out.add_ladder_minor_units(rung);
    *out.add_ladder() = api::ToMoney(rung, s.currency);
  }
  out.set_on_time_tolerance_days(s.on_time_tolerance_days);
  *out.mutable_vote_quorum() = ThresholdToProto(s.vote_quorum);
  *out.mutable_vote_approval() = ThresholdToProto(s.vote_approval);
  out.set_min_annual_rate_bps(s.min_annual_rate_bps);
  out.set_max_annual_rate_bps(s.max_annual_rate_bps);
  *out.mutable_weekly_terms() = TermsToProto(s.weekly_terms);
  *out.mutable_every_two_weeks_terms() = TermsToProto(s.every_two_weeks_terms);
  *out.mutable_monthly_terms() = TermsToProto(s.monthly_terms);
  out.mutable_arrears_buckets()->set_first_max_days(s.arrears_buckets.first_max_days);
  out.mutable_arrears_buckets()->set_second_max_days(s.arrears_buckets.second_max_days);
  out.mutable_arrears_buckets()->set_third_max_days(s.arrears_buckets.third_max_days);
  out.set_guarantee_call_days_past_due(s.guarantee_call_days_past_due);
  out.set_write_off_days_past_due(s.write_off_days_past_due);
  out.set_serious_arrears_days_past_due(s.serious_arrears_days_past_due);
  out.set_circle_in_serious_arrears_may_guarantee(s.circle_in_serious_arrears_may_guarantee);
  // PrepaymentRule's values are the API's (an invalid one never passes ValidateSettings).
  out.set_prepayment_rule(static_cast<v1::PrepaymentRule>(s.prepayment_rule));
  out.set_max_active_loans_per_person(s.max_active_loans_per_person);
  // Likewise CircleGuarantors'.
  out.set_circle_guarantors(static_cast<v1::CircleGuarantors>(s.circle_guarantors));
  out.set_default_grace_on_principal_instalments(s.default_grace_on_principal);
  out.set_default_grace_on_interest_instalments(s.default_grace_on_interest);
  out.set_arrears_tolerance_minor_units(s.arrears_tolerance_cents);
  *out.mutable_arrears_tolerance() = api::ToMoney(s.arrears_tolerance_cents, s.currency);
  out.set_reminder_days_before(s.reminder_days_before);
  return out;
}

absl::StatusOr<FundSettings> SettingsFromProto(const v1::FundSettings& p) {
  FundSettings s;
  s.currency = p.currency();
  // An amount from its Money field `name` or its twin `name`_minor_units.
  auto amount = [&p](const auto& money, const auto& legacy, absl::string_view name) {
    return api::MinorUnitsEither(money, legacy, p.currency(), absl::StrCat("settings.", name),
                                 absl::StrCat("settings.", name, "_minor_units"));
  };
  CERCLES_ASSIGN_OR_RETURN(s.guarantee_threshold_cents,
                           amount(p.has_guarantee_threshold() ? &p.guarantee_threshold() : nullptr,
                                  p.guarantee_threshold_minor_units(), "guarantee_threshold"));
  CERCLES_ASSIGN_OR_RETURN(s.ladder_cents, amount(p.ladder(), p.ladder_minor_units(), "ladder"));
  s.on_time_tolerance_days = p.on_time_tolerance_days();
  s.vote_quorum = ThresholdFromProto(p.vote_quorum());
  s.vote_approval = ThresholdFromProto(p.vote_approval());
  s.min_annual_rate_bps = p.min_annual_rate_bps();
  s.max_annual_rate_bps = p.max_annual_rate_bps();
  s.weekly_terms = TermsFromProto(p.weekly_terms());
  s.every_two_weeks_terms = TermsFromProto(p.every_two_weeks_terms());
  s.monthly_terms = TermsFromProto(p.monthly_terms());
  s.arrears_buckets.first_max_days = p.arrears_buckets().first_max_days();
  s.arrears_buckets.second_max_days = p.arrears_buckets().second_max_days();
  s.arrears_buckets.third_max_days = p.arrears_buckets().third_max_days();
  s.guarantee_call_days_past_due = p.guarantee_call_days_past_due();
  s.write_off_days_past_due = p.write_off_days_past_due();
  s.serious_arrears_days_past_due = p.serious_arrears_days_past_due();
  s.circle_in_serious_arrears_may_guarantee = p.circle_in_serious_arrears_may_guarantee();
  // Unset is the default; any other value is kept as sent, for ValidateSettings to refuse.
  s.prepayment_rule = p.prepayment_rule() == v1::PREPAYMENT_RULE_UNSPECIFIED
                          ? PrepaymentRule::kPayNextInstalments
                          : static_cast<PrepaymentRule>(p.prepayment_rule());
  // Settings stored before these fields existed read them unset: the defaults.
  s.max_active_loans_per_person =
      p.max_active_loans_per_person() == 0 ? 1 : p.max_active_loans_per_person();
  s.circle_guarantors = p.circle_guarantors() == v1::CIRCLE_GUARANTORS_UNSPECIFIED
                            ? CircleGuarantors::kWholeCircle
                            : static_cast<CircleGuarantors>(p.circle_guarantors());
  // Unset (settings stored before them): 0, no grace and no tolerance.
  s.default_grace_on_principal = p.default_grace_on_principal_instalments();
  s.default_grace_on_interest = p.default_grace_on_interest_instalments();
  CERCLES_ASSIGN_OR_RETURN(s.arrears_tolerance_cents,
                           amount(p.has_arrears_tolerance() ? &p.arrears_tolerance() : nullptr,
                                  p.arrears_tolerance_minor_units(), "arrears_tolerance"));
  // Unset (settings stored before it, or a client that does not know it): the
  // default; 0 set explicitly turns upcoming reminders off.
  if (p.has_reminder_days_before()) s.reminder_days_before = p.reminder_days_before();
  return s;
}

#pragma GCC diagnostic pop

v1::LoanState ToProtoState(LoanState state) {
  switch (state) {
    case LoanState::kSubmitted:
      return v1::LOAN_STATE_SUBMITTED;
    case LoanState::kCircleApproved:
      return v1::LOAN_STATE_CIRCLE_APPROVED;
    case LoanState::kCircleRejected:
      return v1::LOAN_STATE_CIRCLE_REJECTED;
    case LoanState::kApproved:
      return v1::LOAN_STATE_APPROVED;
    case LoanState::kRejected:
      return v1::LOAN_STATE_REJECTED;
    case LoanState::kWithdrawn:
      return v1::LOAN_STATE_WITHDRAWN;
    case LoanState::kActive:
      return v1::LOAN_STATE_ACTIVE;
    case LoanState::kClosedRepaid:
      return v1::LOAN_STATE_CLOSED_REPAID;
    case LoanState::kWrittenOff:
      return v1::LOAN_STATE_WRITTEN_OFF;
  }
  return v1::LOAN_STATE_UNSPECIFIED;
}

std::optional<LoanState> FromProtoState(v1::LoanState state) {
  for (LoanState s : AllLoanStates()) {
    if (ToProtoState(s) == state) return s;
  }
  return std::nullopt;
}

v1::RepaymentFrequency ToProtoFrequency(Frequency frequency) {
  switch (frequency) {
    case Frequency::kWeekly:
      return v1::REPAYMENT_FREQUENCY_WEEKLY;
    case Frequency::kEveryTwoWeeks:
      return v1::REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS;
    case Frequency::kMonthly:
      return v1::REPAYMENT_FREQUENCY_MONTHLY;
  }
  return v1::REPAYMENT_FREQUENCY_UNSPECIFIED;
}

std::optional<Frequency> FromProtoFrequency(v1::RepaymentFrequency frequency) {
  switch (frequency) {
    case v1::REPAYMENT_FREQUENCY_WEEKLY:
      return Frequency::kWeekly;
    case v1::REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS:
      return Frequency::kEveryTwoWeeks;
    case v1::REPAYMENT_FREQUENCY_MONTHLY:
      return Frequency::kMonthly;
    default:
      return std::nullopt;
  }
}

v1::InterestMethod ToProtoMethod(InterestMethod method) {
  return method == InterestMethod::kFlat ? v1::INTEREST_METHOD_FLAT
                                         : v1::INTEREST_METHOD_DECLINING_BALANCE;
}

std::optional<InterestMethod> FromProtoMethod(v1::InterestMethod method) {
  switch (method) {
    case v1::INTEREST_METHOD_DECLINING_BALANCE:
      return InterestMethod::kDecliningBalance;
    case v1::INTEREST_METHOD_FLAT:
      return InterestMethod::kFlat;
    default:
      return std::nullopt;
  }
}

v1::GuaranteeKind ToProtoGuaranteeKind(GuaranteeKind kind) {
  return kind == GuaranteeKind::kCircleGuarantee ? v1::GUARANTEE_KIND_CIRCLE_GUARANTEE
                                                 : v1::GUARANTEE_KIND_INDIVIDUAL_RESPONSIBILITY;
}

v1::Schedule PositionToProto(const LoanRecord& loan, const LoanPosition& position,
                             const std::string& currency) {
  v1::Schedule out;
  int64_t balance = 0;
  int64_t total_interest = 0;
  for (const InstalmentPosition& p : position) balance += p.principal_due_cents;
  for (const InstalmentPosition& p : position) {
    balance -= p.principal_due_cents;
    total_interest += p.interest_due_cents;
    v1::Instalment* in = out.add_instalments();
    FillInstalment(p.number, p.due, p.principal_due_cents, p.interest_due_cents, balance, currency,
                   in);
    *in->mutable_principal_paid() = api::ToMoney(p.principal_paid_cents, currency);
    *in->mutable_interest_paid() = api::ToMoney(p.interest_paid_cents, currency);
    if (p.cleared_on.has_value()) *in->mutable_cleared_on() = api::DateFromDay(*p.cleared_on);
  }
  *out.mutable_total_interest() = api::ToMoney(total_interest, currency);
  // The regular payment is a property of the terms: the same arithmetic as at
  // disbursement gives it back exactly.
  int64_t regular = 0;
  if (!position.empty() && loan.first_due_date.has_value()) {
    absl::StatusOr<Schedule> schedule = BuildSchedule(
        ScheduleTermsOf(loan.request, *loan.first_due_date,
                        loan.interest_method.value_or(InterestMethod::kDecliningBalance)));
    if (schedule.ok()) regular = schedule->regular_payment_cents;
  }
  *out.mutable_regular_payment() = api::ToMoney(regular, currency);
  return out;
}

v1::Schedule ScheduleToProto(const Schedule& schedule, const std::string& currency) {
  v1::Schedule out;
  for (const Instalment& in : schedule.instalments) {
    v1::Instalment* p = out.add_instalments();
    FillInstalment(in.number, in.due, in.principal_cents, in.interest_cents, in.balance_after_cents,
                   currency, p);
    *p->mutable_principal_paid() = api::ToMoney(0, currency);
    *p->mutable_interest_paid() = api::ToMoney(0, currency);
  }
  *out.mutable_total_interest() = api::ToMoney(schedule.total_interest_cents, currency);
  *out.mutable_regular_payment() = api::ToMoney(schedule.regular_payment_cents, currency);
  return out;
}

absl::StatusOr<std::optional<absl::CivilDay>> FromDate(const cercles::common::v1::Date& date,
                                                       const std::string& field) {
  if (api::IsUnset(date)) return std::optional<absl::CivilDay>();
  CERCLES_ASSIGN_OR_RETURN(absl::CivilDay day, api::DayFromDate(date, field));
  return std::optional<absl::CivilDay>(day);
}

absl::StatusOr<int64_t> FromMoney(const cercles::common::v1::Money& money,
                                  const std::string& currency, const std::string& field) {
  CERCLES_ASSIGN_OR_RETURN(int64_t minor_units, api::MinorUnits(money, currency, field));
  if (minor_units <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a positive amount in minor units"));
  }
  return minor_units;
}

absl::CivilDay Today(absl::Time now) {
  static const absl::TimeZone* const zone = [] {
    auto* tz = new absl::TimeZone(absl::UTCTimeZone());
    // Without the time zone database the day turns at midnight UTC: a few hours'
    // difference, logged nowhere on purpose (tests run without tzdata too).
    absl::LoadTimeZone("America/Toronto", tz);
    return tz;
  }();
  return absl::ToCivilDay(now, *zone);
}

// The deprecated string fields of the closed sets are read and written only
// here, beside their enums.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

void SetVoteOutcome(const std::string& name, v1::VoteTally* out) {
  out->set_outcome(name);
  out->set_vote_outcome(static_cast<v1::VoteOutcome>(
      api::EnumFromText(*v1::VoteOutcome_descriptor(), name).value_or(0)));
}

void SetEntryKind(const std::string& name, v1::JournalEntry* out) {
  out->set_kind(name);
  out->set_entry_kind(static_cast<v1::JournalEntryKind>(
      api::EnumFromText(*v1::JournalEntryKind_descriptor(), name).value_or(0)));
}

void SetAccountType(const std::string& name, v1::AccountBalance* out) {
  out->set_account_type(name);
  out->set_type(static_cast<v1::AccountType>(
      api::EnumFromText(*v1::AccountType_descriptor(), name).value_or(0)));
}

void SetLoanChange(const std::string& name, v1::LoanChanged* out) {
  out->set_change(name);
  out->set_change_kind(static_cast<v1::LoanChangeKind>(
      api::EnumFromText(*v1::LoanChangeKind_descriptor(), name).value_or(0)));
}

void SetLineAmounts(int64_t debit_cents, int64_t credit_cents, const std::string& currency,
                    v1::JournalLine* out) {
  out->set_debit_minor_units(debit_cents);
  out->set_credit_minor_units(credit_cents);
  *out->mutable_debit() = api::ToMoney(debit_cents, currency);
  *out->mutable_credit() = api::ToMoney(credit_cents, currency);
}

void SetAccountAmounts(int64_t debit_cents, int64_t credit_cents, int64_t balance_cents,
                       const std::string& currency, v1::AccountBalance* out) {
  out->set_debit_minor_units(debit_cents);
  out->set_credit_minor_units(credit_cents);
  out->set_balance_minor_units(balance_cents);
  *out->mutable_debit() = api::ToMoney(debit_cents, currency);
  *out->mutable_credit() = api::ToMoney(credit_cents, currency);
  *out->mutable_balance() = api::ToMoney(balance_cents, currency);
}

void SetTotals(int64_t debit_cents, int64_t credit_cents, const std::string& currency,
               v1::GetTrialBalanceResponse* out) {
  out->set_total_debit_minor_units(debit_cents);
  out->set_total_credit_minor_units(credit_cents);
  *out->mutable_total_debit() = api::ToMoney(debit_cents, currency);
  *out->mutable_total_credit() = api::ToMoney(credit_cents, currency);
}

void SetChangeAmount(int64_t amount_cents, const std::string& currency, v1::LoanChanged* out) {
  out->set_amount_minor_units(amount_cents);
  *out->mutable_amount() = api::ToMoney(amount_cents, currency);
}

absl::StatusOr<std::string> RequestedEntryKind(const v1::ListJournalEntriesRequest& request) {
  return api::RequestedEnumText(*v1::JournalEntryKind_descriptor(), request.entry_kind(),
                                request.kind(), "entry_kind", "kind");
}

#pragma GCC diagnostic pop

}  // namespace cercles::lending
