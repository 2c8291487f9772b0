#include "services/lending/loan_lifecycle.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/text.h"

namespace cercles::lending {
namespace {

using cercles::common::v1::Role;
using cercles::membership::v1::CircleStatus;

struct StateInfo {
  LoanState state;
  const char* name;
};

constexpr StateInfo kStates[] = {
    {LoanState::kSubmitted, "SUBMITTED"},
    {LoanState::kCircleApproved, "CIRCLE_APPROVED"},
    {LoanState::kCircleRejected, "CIRCLE_REJECTED"},
    {LoanState::kApproved, "APPROVED"},
    {LoanState::kRejected, "REJECTED"},
    {LoanState::kWithdrawn, "WITHDRAWN"},
    {LoanState::kActive, "ACTIVE"},
    {LoanState::kClosedRepaid, "CLOSED_REPAID"},
    {LoanState::kWrittenOff, "WRITTEN_OFF"},
};

bool IsKnown(LoanState state) {
  return std::any_of(std::begin(kStates), std::end(kStates),
                     [state](const StateInfo& info) { return info.state == state; });
}

bool IsBlank(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); });
}

absl::Status ValidateText(absl::string_view field, absl::string_view text, size_t max_length) {
  if (text.empty() || IsBlank(text)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (const size_t length = api::CharacterCount(text); length > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be at most ", max_length, " characters, got ", length));
  }
  return absl::OkStatus();
}

bool IsStorageKeyCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '~' ||
         c == '-' || c == '/';
}

absl::Status ValidateDocumentReference(absl::string_view reference) {
  if (reference.empty()) return absl::OkStatus();
  if (reference.size() > kMaxDocumentReferenceLength) {
    return absl::InvalidArgumentError(absl::StrCat("document_reference must be at most ",
                                                   kMaxDocumentReferenceLength, " characters, got ",
                                                   reference.size()));
  }
  for (char c : reference) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) {
      return absl::InvalidArgumentError(
          "document_reference must be printable ASCII without spaces (percent-encode a URL)");
    }
  }
  if (absl::StrContains(reference, "://")) {
    for (absl::string_view scheme : {"https://", "http://"}) {
      if (absl::StartsWith(reference, scheme)) {
        if (reference.size() == scheme.size() || reference[scheme.size()] == '/') {
          return absl::InvalidArgumentError("document_reference: a URL must name a host");
        }
        return absl::OkStatus();
      }
    }
    return absl::InvalidArgumentError(
        "document_reference: a URL must start with https:// or http://");
  }
  if (!std::all_of(reference.begin(), reference.end(), IsStorageKeyCharacter)) {
    return absl::InvalidArgumentError(
        "document_reference: a storage key may hold only letters, digits and . _ ~ - /");
  }
  if (reference.front() == '/') {
    return absl::InvalidArgumentError("document_reference: a storage key must not start with /");
  }
  for (absl::string_view segment : absl::StrSplit(reference, '/')) {
    if (segment == "..") {
      return absl::InvalidArgumentError(
          "document_reference: a storage key must not hold a \"..\" segment");
    }
  }
  return absl::OkStatus();
}

std::string FrequencyName(Frequency frequency) {
  switch (frequency) {
    case Frequency::kWeekly:
      return "weekly";
    case Frequency::kEveryTwoWeeks:
      return "every two weeks";
    case Frequency::kMonthly:
      return "monthly";
  }
  return "unknown";
}

std::string StatesText(const std::vector<LoanState>& states) {
  return absl::StrJoin(
      states, ", ", [](std::string* out, LoanState state) { out->append(LoanStateName(state)); });
}

// The rules every single vote passes: a named voter, not the applicant, a current member,
// once only, a comment of bounded length.
absl::Status ValidateVoter(absl::string_view applicant, const std::set<std::string>& eligible,
                           const std::set<std::string>& already_voted, const Vote& vote) {
  if (vote.voter.empty()) return absl::InvalidArgumentError("vote.voter is required");
  if (vote.voter == applicant) {
    return absl::FailedPreconditionError(
        absl::StrCat("the applicant (", applicant, ") cannot vote on their own request"));
  }
  if (eligible.count(vote.voter) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        vote.voter, " is not a current member of the applicant's circle and cannot vote"));
  }
  if (already_voted.count(vote.voter) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        vote.voter, " has already voted on this request: a vote is cast once and not replaced"));
  }
  if (const size_t length = api::CharacterCount(vote.comment); length > kMaxVoteCommentLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vote.comment must be at most ", kMaxVoteCommentLength, " characters, got ", length));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::set<std::string>> EligibleSet(absl::string_view applicant,
                                                  const std::vector<std::string>& voters) {
  if (voters.empty()) {
    return absl::InvalidArgumentError(
        "eligible_voters is empty: the circle has no member other than the applicant");
  }
  std::set<std::string> eligible;
  for (const std::string& voter : voters) {
    if (voter.empty()) return absl::InvalidArgumentError("eligible_voters holds an empty name");
    if (voter == applicant) {
      return absl::InvalidArgumentError(
          absl::StrCat("eligible_voters must not include the applicant (", applicant, ")"));
    }
    if (!eligible.insert(voter).second) {
      return absl::InvalidArgumentError(absl::StrCat("eligible_voters repeats ", voter));
    }
  }
  return eligible;
}

VoteTally Decide(int32_t eligible, int32_t approvals, int32_t rejections,
                 const FundSettings& settings, bool closed) {
  VoteTally tally;
  tally.eligible_voters = eligible;
  tally.approvals = approvals;
  tally.rejections = rejections;
  tally.votes_cast = approvals + rejections;
  tally.not_voted = eligible - tally.votes_cast;
  tally.quorum_votes = eligible;
  for (int32_t votes = 0; votes <= eligible; ++votes) {
    if (Reaches(settings.vote_quorum, votes, eligible)) {
      tally.quorum_votes = votes;
      break;
    }
  }
  tally.quorum_reached = Reaches(settings.vote_quorum, tally.votes_cast, eligible);
  const std::string quorum_text =
      absl::StrCat("quorum ", DescribeThreshold(settings.vote_quorum), " of ", eligible,
                   " eligible voters (", tally.quorum_votes, " votes)");
  const std::string approval_text = DescribeThreshold(settings.vote_approval);

  if (tally.quorum_reached && Reaches(settings.vote_approval, approvals, eligible)) {
    tally.outcome = VoteOutcome::kCircleApproved;
    tally.reason =
        absl::StrCat(approvals, " of ", eligible, " eligible voters approve (", approval_text,
                     " even if every other member voted no); ", quorum_text, " reached");
    return tally;
  }
  if (!Reaches(settings.vote_approval, approvals + tally.not_voted, eligible)) {
    tally.outcome = VoteOutcome::kCircleRejected;
    tally.reason = absl::StrCat(rejections, " of ", eligible,
                                " eligible voters reject: the approvals cannot reach ",
                                approval_text, " even if every member who has not voted approved");
    return tally;
  }
  if (!closed) {
    tally.reason = tally.quorum_reached
                       ? absl::StrCat("open: ", tally.not_voted,
                                      " members have not voted and could still change the outcome")
                       : absl::StrCat("open: ", tally.votes_cast, " votes cast, ", quorum_text,
                                      " not reached");
    return tally;
  }
  if (!tally.quorum_reached) {
    tally.outcome = VoteOutcome::kCircleRejected;
    tally.reason = absl::StrCat("closed without its ", quorum_text, ": only ", tally.votes_cast,
                                " votes cast");
    return tally;
  }
  const bool approved = Reaches(settings.vote_approval, approvals, tally.votes_cast);
  tally.outcome = approved ? VoteOutcome::kCircleApproved : VoteOutcome::kCircleRejected;
  tally.reason = absl::StrCat("closed with ", approvals, " approvals of ", tally.votes_cast,
                              " votes cast (", approved ? "" : "not ", approval_text, ")");
  return tally;
}

// Whether a member who cast `vote` is a joint guarantor of the circle's guarantee.
bool GuaranteesAfterVoting(const Vote& vote, const FundSettings& settings) {
  return vote.approve || settings.circle_guarantors != CircleGuarantors::kExceptNoVoters;
}

std::string CircleStatusText(CircleStatus status) {
  switch (status) {
    case cercles::membership::v1::CIRCLE_STATUS_FORMING:
      return "the circle is still forming";
    case cercles::membership::v1::CIRCLE_STATUS_UNDER_STRENGTH:
      return "the circle is under strength (below 4 members)";
    case cercles::membership::v1::CIRCLE_STATUS_SUSPENDED:
      return "the circle is suspended by the fund";
    case cercles::membership::v1::CIRCLE_STATUS_DISSOLVED:
      return "the circle is dissolved";
    case cercles::membership::v1::CIRCLE_STATUS_MERGED:
      return "the circle was merged into another circle";
    default:
      return "the circle's status is unknown";
  }
}

}  // namespace

// ---- States and transitions ----

const std::vector<LoanState>& AllLoanStates() {
  static const std::vector<LoanState>* const states = [] {
    auto* all = new std::vector<LoanState>;
    for (const StateInfo& info : kStates) all->push_back(info.state);
    return all;
  }();
  return *states;
}

std::string LoanStateName(LoanState state) {
  for (const StateInfo& info : kStates) {
    if (info.state == state) return info.name;
  }
  return "UNKNOWN";
}

std::optional<LoanState> LoanStateFromName(absl::string_view name) {
  for (const StateInfo& info : kStates) {
    if (name == info.name) return info.state;
  }
  return std::nullopt;
}

std::vector<LoanState> AllowedTransitions(LoanState from) {
  switch (from) {
    case LoanState::kSubmitted:
      return {LoanState::kCircleApproved, LoanState::kCircleRejected, LoanState::kWithdrawn};
    case LoanState::kCircleApproved:
      return {LoanState::kApproved, LoanState::kRejected, LoanState::kWithdrawn};
    case LoanState::kApproved:
      return {LoanState::kWithdrawn, LoanState::kActive};
    case LoanState::kActive:
      return {LoanState::kClosedRepaid, LoanState::kWrittenOff};
    case LoanState::kCircleRejected:
    case LoanState::kRejected:
    case LoanState::kWithdrawn:
    case LoanState::kClosedRepaid:
    case LoanState::kWrittenOff:
      return {};
  }
  return {};
}

bool IsFinal(LoanState state) { return IsKnown(state) && AllowedTransitions(state).empty(); }

bool IsOpenRequest(LoanState state) {
  return state == LoanState::kSubmitted || state == LoanState::kCircleApproved ||
         state == LoanState::kApproved;
}

absl::Status CheckTransition(LoanState from, LoanState to) {
  if (!IsKnown(from) || !IsKnown(to)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown loan state: from ", static_cast<int>(from), " to ", static_cast<int>(to)));
  }
  const std::vector<LoanState> allowed = AllowedTransitions(from);
  if (std::find(allowed.begin(), allowed.end(), to) != allowed.end()) return absl::OkStatus();
  const std::string prefix =
      absl::StrCat("a loan cannot go from ", LoanStateName(from), " to ", LoanStateName(to), ": ");
  if (allowed.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, LoanStateName(from), " is final"));
  }
  std::string why;
  if (to == LoanState::kApproved || to == LoanState::kRejected) {
    why = "the fund decides only on a request the circle approved; ";
  } else if (to == LoanState::kActive) {
    why = "only a request the fund approved is disbursed; ";
  } else if (to == LoanState::kWithdrawn) {
    why = "a disbursed loan cannot be withdrawn; ";
  } else if (to == LoanState::kClosedRepaid || to == LoanState::kWrittenOff) {
    why = "only a disbursed loan is repaid or written off; ";
  }
  return absl::FailedPreconditionError(absl::StrCat(prefix, why, "from ", LoanStateName(from),
                                                    " it may go to ", StatesText(allowed)));
}

// ---- A new request ----

absl::Status CheckInstalmentTerms(const FundSettings& settings, Frequency frequency,
                                  int32_t instalment_count, int32_t grace_on_principal,
                                  int32_t grace_on_interest) {
  const TermRange& terms = TermRangeFor(settings, frequency);
  if (instalment_count < terms.min_instalments || instalment_count > terms.max_instalments) {
    return absl::InvalidArgumentError(absl::StrCat(
        "instalment_count must lie in ", terms.min_instalments, "..", terms.max_instalments,
        " for ", FrequencyName(frequency), " repayments, got ", instalment_count));
  }
  for (const auto& [field, grace] :
       {std::pair{"grace_on_principal_instalments", grace_on_principal},
        std::pair{"grace_on_interest_instalments", grace_on_interest}}) {
    const int32_t most = std::min(kMaxGraceInstalments, instalment_count - 1);
    if (grace < 0 || grace > most) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " must lie in 0..", most, " (at most ", kMaxGraceInstalments,
                       " and fewer than instalment_count ", instalment_count,
                       ": at least one instalment repays the principal), got ", grace));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLoanRequest(const LoanRequest& request, int64_t ceiling_cents,
                                 const FundSettings& settings) {
  if (request.amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount.minor_units must be positive, got ", request.amount_cents));
  }
  if (ceiling_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the stepped-loan ceiling must be positive, got ", ceiling_cents));
  }
  if (absl::Status s = ValidateText("purpose", request.purpose, kMaxPurposeLength); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateText("business_plan_summary", request.business_plan_summary,
                                    kMaxBusinessPlanSummaryLength);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateDocumentReference(request.document_reference); !s.ok()) return s;
  if (request.annual_rate_bps < settings.min_annual_rate_bps ||
      request.annual_rate_bps > settings.max_annual_rate_bps) {
    return absl::InvalidArgumentError(
        absl::StrCat("annual_rate_bps must lie in ", settings.min_annual_rate_bps, "..",
                     settings.max_annual_rate_bps, ", got ", request.annual_rate_bps));
  }
  if (absl::Status s = CheckInstalmentTerms(settings, request.frequency, request.instalment_count,
                                            request.grace_on_principal, request.grace_on_interest);
      !s.ok()) {
    return s;
  }
  if (request.amount_cents > ceiling_cents) {
    return absl::FailedPreconditionError(
        absl::StrCat("amount.minor_units ", request.amount_cents,
                     " exceeds the applicant's stepped-loan ceiling of ", ceiling_cents,
                     " (FundSettings.ladder): each loan repaid on time raises it one rung"));
  }
  return absl::OkStatus();
}

absl::Status CheckActiveLoanLimit(absl::string_view person,
                                  const std::vector<std::string>& active_loans,
                                  const FundSettings& settings) {
  const size_t limit = static_cast<size_t>(std::max(settings.max_active_loans_per_person, 0));
  if (active_loans.size() < limit) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("loans per person: the fund's setting max_active_loans_per_person allows ",
                   limit, " active loan", limit == 1 ? "" : "s", " per person, and ", person,
                   " already has ", active_loans.size(), " (", absl::StrJoin(active_loans, ", "),
                   "); another loan is possible once one of them is closed"));
}

absl::Status CheckNoOpenRequest(const std::vector<LoanState>& existing_states) {
  for (LoanState state : existing_states) {
    if (IsOpenRequest(state)) {
      return absl::FailedPreconditionError(
          absl::StrCat("one open request per person: the applicant already has a request in state ",
                       LoanStateName(state), "; withdraw it or wait for its outcome"));
    }
  }
  return absl::OkStatus();
}

// ---- The circle's vote ----

std::string VoteOutcomeName(VoteOutcome outcome) {
  switch (outcome) {
    case VoteOutcome::kPending:
      return "PENDING";
    case VoteOutcome::kCircleApproved:
      return "CIRCLE_APPROVED";
    case VoteOutcome::kCircleRejected:
      return "CIRCLE_REJECTED";
  }
  return "UNKNOWN";
}

bool IsVoteOpen(LoanState state, bool closed_at_meeting) {
  const bool under_review = state == LoanState::kSubmitted || state == LoanState::kCircleApproved ||
                            state == LoanState::kCircleRejected;
  return under_review && !closed_at_meeting;
}

std::vector<std::string> EligibleVoters(const std::vector<std::string>& members,
                                        absl::string_view applicant) {
  std::set<std::string> voters(members.begin(), members.end());
  voters.erase(std::string(applicant));
  return {voters.begin(), voters.end()};
}

absl::Status CheckVote(absl::string_view applicant, const std::vector<std::string>& eligible_voters,
                       const std::vector<Vote>& votes_cast, const Vote& vote,
                       const FundSettings& settings) {
  absl::StatusOr<VoteTally> tally = TallyVotes(applicant, eligible_voters, votes_cast, settings);
  if (!tally.ok()) return tally.status();
  std::set<std::string> already_voted;
  for (const Vote& cast : votes_cast) already_voted.insert(cast.voter);
  absl::StatusOr<std::set<std::string>> eligible = EligibleSet(applicant, eligible_voters);
  if (!eligible.ok()) return eligible.status();
  return ValidateVoter(applicant, *eligible, already_voted, vote);
}

absl::StatusOr<VoteTally> TallyVotes(absl::string_view applicant,
                                     const std::vector<std::string>& eligible_voters,
                                     const std::vector<Vote>& votes_cast,
                                     const FundSettings& settings, bool closed) {
  absl::StatusOr<std::set<std::string>> eligible = EligibleSet(applicant, eligible_voters);
  if (!eligible.ok()) return eligible.status();
  std::set<std::string> already_voted;
  int32_t approvals = 0;
  int32_t rejections = 0;
  for (const Vote& vote : votes_cast) {
    if (absl::Status s = ValidateVoter(applicant, *eligible, already_voted, vote); !s.ok()) {
      return s;
    }
    already_voted.insert(vote.voter);
    (vote.approve ? approvals : rejections) += 1;
  }
  return Decide(static_cast<int32_t>(eligible->size()), approvals, rejections, settings, closed);
}

// ---- The guarantee ----

std::string GuaranteeKindName(GuaranteeKind kind) {
  switch (kind) {
    case GuaranteeKind::kCircleGuarantee:
      return "CIRCLE_GUARANTEE";
    case GuaranteeKind::kIndividualResponsibility:
      return "INDIVIDUAL_RESPONSIBILITY";
  }
  return "UNKNOWN";
}

absl::StatusOr<Guarantee> GuaranteeFor(int64_t amount_cents, absl::string_view applicant,
                                       const CircleGuaranteeState& circle,
                                       const FundSettings& settings,
                                       const std::vector<Vote>& votes) {
  if (amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount.minor_units must be positive, got ", amount_cents));
  }
  Guarantee guarantee;
  if (amount_cents > settings.guarantee_threshold_cents) {
    guarantee.kind = GuaranteeKind::kIndividualResponsibility;
    return guarantee;
  }
  const std::string rule = absl::StrCat(
      "a loan of at most ", settings.guarantee_threshold_cents,
      " minor units (FundSettings.guarantee_threshold) needs its circle's guarantee, but ");
  if (circle.status != cercles::membership::v1::CIRCLE_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat(rule, CircleStatusText(circle.status),
                     ": only an ACTIVE circle of 4 to 7 members may guarantee a loan"));
  }
  if (InSeriousArrears(circle.max_member_days_past_due, settings) &&
      !settings.circle_in_serious_arrears_may_guarantee) {
    return absl::FailedPreconditionError(absl::StrCat(
        rule, "a member of the circle is ", circle.max_member_days_past_due,
        " days past due (serious arrears from ", settings.serious_arrears_days_past_due,
        " days): the fund's setting circle_in_serious_arrears_may_guarantee forbids new "
        "guarantees until it is resolved"));
  }
  std::set<std::string> members;
  for (const std::string& member : circle.members) {
    if (member.empty()) return absl::InvalidArgumentError("members holds an empty name");
    if (!members.insert(member).second) {
      return absl::InvalidArgumentError(absl::StrCat("members repeats ", member));
    }
  }
  if (members.erase(std::string(applicant)) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(rule, "the applicant (", applicant, ") is not a current member of it"));
  }
  if (members.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(rule, "the circle has no member other than the applicant"));
  }
  for (const Vote& vote : votes) {
    if (!GuaranteesAfterVoting(vote, settings)) members.erase(vote.voter);
  }
  if (members.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(rule, "every other member voted no and the fund's setting circle_guarantors (",
                     CircleGuarantorsName(settings.circle_guarantors), ") leaves them out"));
  }
  guarantee.kind = GuaranteeKind::kCircleGuarantee;
  guarantee.guarantors.assign(members.begin(), members.end());
  return guarantee;
}

absl::StatusOr<std::vector<std::string>> GuarantorsAfterVote(
    const std::vector<std::string>& guarantors, const Vote& vote, const FundSettings& settings) {
  if (GuaranteesAfterVoting(vote, settings)) return guarantors;
  std::vector<std::string> remaining;
  for (const std::string& guarantor : guarantors) {
    if (guarantor != vote.voter) remaining.push_back(guarantor);
  }
  if (remaining.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        vote.voter, " votes no and the fund's setting circle_guarantors (",
        CircleGuarantorsName(settings.circle_guarantors),
        ") leaves no-voters out of the guarantee, but no other guarantor would remain"));
  }
  return remaining;
}

absl::StatusOr<std::vector<GuarantorShare>> ShareGuaranteeCall(
    int64_t amount_cents, const std::vector<std::string>& guarantors) {
  if (amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount.minor_units must be positive, got ", amount_cents));
  }
  if (guarantors.empty()) {
    return absl::InvalidArgumentError("guarantors: a guarantee call needs at least one guarantor");
  }
  std::vector<std::string> sorted = guarantors;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i].empty()) return absl::InvalidArgumentError("guarantors holds an empty name");
    if (i > 0 && sorted[i] == sorted[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat("guarantors repeats ", sorted[i]));
    }
  }
  return ShareEqually(amount_cents, sorted);
}

// ---- The fund's decision (maker-checker) ----

absl::Status CheckFundDecision(absl::string_view decider, Role decider_role,
                               absl::string_view submitter) {
  if (decider.empty()) return absl::InvalidArgumentError("decider: a principal name is required");
  if (submitter.empty()) {
    return absl::InvalidArgumentError(
        "submitter: the request records no submitter, so maker-checker cannot be enforced");
  }
  if (decider_role != cercles::common::v1::ROLE_ADMIN &&
      decider_role != cercles::common::v1::ROLE_ADVISOR) {
    return absl::PermissionDeniedError(absl::StrCat(
        decider, " may not decide on a loan request: only fund staff (admin or advisor) may"));
  }
  // Token names are chosen by people: "Alice" and "alice" are the same person.
  if (absl::EqualsIgnoreCase(decider, submitter)) {
    return absl::PermissionDeniedError(
        absl::StrCat("the person who submitted the request cannot approve it (", decider,
                     "): another member of the fund's staff must decide"));
  }
  return absl::OkStatus();
}

ScheduleTerms ScheduleTermsOf(const LoanRequest& request, absl::CivilDay first_due,
                              InterestMethod method) {
  ScheduleTerms terms;
  terms.principal_cents = request.amount_cents;
  terms.annual_rate_bps = request.annual_rate_bps;
  terms.instalment_count = request.instalment_count;
  terms.frequency = request.frequency;
  terms.first_due = first_due;
  terms.method = method;
  terms.grace_on_principal = request.grace_on_principal;
  terms.grace_on_interest = request.grace_on_interest;
  return terms;
}

}  // namespace cercles::lending
