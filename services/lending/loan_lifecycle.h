// The loan lifecycle as pure rules (DOMAIN.md; compare Apache Fineract's loan states):
//
//   SUBMITTED        -> CIRCLE_APPROVED | CIRCLE_REJECTED (the circle's vote) | WITHDRAWN
//   CIRCLE_APPROVED  -> APPROVED | REJECTED (the fund's decision) | WITHDRAWN
//   APPROVED         -> ACTIVE (disbursed) | WITHDRAWN
//   ACTIVE           -> CLOSED_REPAID | WRITTEN_OFF
//
// The applicant may withdraw a request until the money leaves the fund: from SUBMITTED,
// CIRCLE_APPROVED or APPROVED (not yet disbursed); an ACTIVE loan can only be repaid or
// written off. CIRCLE_REJECTED, REJECTED, WITHDRAWN, CLOSED_REPAID and WRITTEN_OFF are
// final. Arrears is a classification of an ACTIVE loan (ClassifyArrears), never a state;
// a guarantee call is an event on an ACTIVE loan, not a state either.
//
// Also here: the validation of a new request, the circle's vote, the guarantee, the
// fund's maker-checker rule and the split of a guarantee call among the guarantors.
#ifndef CERCLES_SERVICES_LENDING_LOAN_LIFECYCLE_H_
#define CERCLES_SERVICES_LENDING_LOAN_LIFECYCLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/options.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "services/lending/fund_settings.h"
#include "services/lending/journal.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

// ---- States and transitions ----

enum class LoanState {
  kSubmitted,
  kCircleApproved,
  kCircleRejected,
  kApproved,
  kRejected,
  kWithdrawn,
  kActive,
  kClosedRepaid,
  kWrittenOff,
};

// Every state, in lifecycle order.
const std::vector<LoanState>& AllLoanStates();
// "SUBMITTED", "CIRCLE_APPROVED"... stable, stored.
std::string LoanStateName(LoanState state);
std::optional<LoanState> LoanStateFromName(absl::string_view name);

// No transition leaves a final state.
bool IsFinal(LoanState state);
// A request still waiting for a decision or for its money: SUBMITTED, CIRCLE_APPROVED,
// APPROVED. An ACTIVE loan is a loan, no longer a request.
bool IsOpenRequest(LoanState state);

// The states `from` may move to, in lifecycle order (empty for a final state).
std::vector<LoanState> AllowedTransitions(LoanState from);

// OK when the lifecycle allows from -> to; FAILED_PRECONDITION naming both states (and
// what `from` may become) otherwise, including from == to. INVALID_ARGUMENT for a value
// outside the enum.
absl::Status CheckTransition(LoanState from, LoanState to);

// ---- A new request ----

inline constexpr size_t kMaxPurposeLength = 500;               // characters
inline constexpr size_t kMaxBusinessPlanSummaryLength = 5000;  // characters
inline constexpr size_t kMaxDocumentReferenceLength = 500;

struct LoanRequest {
  int64_t amount_cents = 0;
  std::string purpose;
  std::string business_plan_summary;
  // Optional: an http(s) URL or a storage key ("plans/2024/abc.pdf") of the business plan.
  std::string document_reference;
  int32_t instalment_count = 0;
  Frequency frequency = Frequency::kMonthly;
  int32_t annual_rate_bps = 0;
  // Grace periods in instalments (schedule.h); the fund's defaults when the request
  // gives none, stored with the loan at submission.
  int32_t grace_on_principal = 0;
  int32_t grace_on_interest = 0;
};

// The terms a request's schedule is built from, once its first due day and its
// interest method are known (at disbursement, and again whenever the schedule
// is recomputed from the stored loan).
ScheduleTerms ScheduleTermsOf(const LoanRequest& request, absl::CivilDay first_due,
                              InterestMethod method);

// INVALID_ARGUMENT naming the field and the rule unless `instalment_count` lies within
// the fund's terms for `frequency` and each grace (grace_on_principal_instalments,
// grace_on_interest_instalments) in 0..min(kMaxGraceInstalments, instalment_count - 1):
// the terms of a request (ValidateLoanRequest) and of a reschedule.
absl::Status CheckInstalmentTerms(const FundSettings& settings, Frequency frequency,
                                  int32_t instalment_count, int32_t grace_on_principal,
                                  int32_t grace_on_interest);

// INVALID_ARGUMENT naming the field and the rule: a positive amount; a purpose of 1..500
// and a business-plan summary of 1..5000 characters (UTF-8 code points), not blank; a
// document reference, when present, of at most 500 characters, either http(s)://host... or
// a storage key of letters, digits and . _ ~ - / (not starting with '/', no ".."
// segment), no spaces or control characters either way; an instalment count within the
// settings' range for the frequency; a rate within the settings' range.
// FAILED_PRECONDITION when the amount exceeds the applicant's stepped-loan ceiling
// (LadderCeilingCents): it may be requested once more loans are repaid on time.
// INVALID_ARGUMENT when the ceiling itself is not positive.
absl::Status ValidateLoanRequest(const LoanRequest& request, int64_t ceiling_cents,
                                 const FundSettings& settings);

// One open request per person: FAILED_PRECONDITION naming the open request's state when
// any of the person's existing loans and requests is still open (IsOpenRequest).
absl::Status CheckNoOpenRequest(const std::vector<LoanState>& existing_states);

// Loans per person (FundSettings::max_active_loans_per_person): OK while the person's
// ACTIVE loans (`active_loans`, their names) leave room for one more, the one being
// requested or disbursed; FAILED_PRECONDITION naming the setting, its value and the
// person's active loans otherwise. Asked at submission and again at disbursement (the
// setting may have been lowered meanwhile).
absl::Status CheckActiveLoanLimit(absl::string_view person,
                                  const std::vector<std::string>& active_loans,
                                  const FundSettings& settings);

// ---- The circle's vote ----
//
// Who votes: every current member of the circle except the applicant (EligibleVoters).
// Each votes once: a second vote by the same voter is refused, not replaced, so the
// record shows every vote as cast (a member who changes their mind says so in the
// meeting's minutes; the fund can withdraw and resubmit). Not voting is abstaining:
// it counts neither for the quorum nor for the majority.
//
// Until when (IsVoteOpen): every eligible member may vote until the vote closes, even
// once the outcome is decided: the circle reviews a request at its meeting (DOMAIN.md),
// "then the fund's decision". So the vote closes when the meeting closes it
// (CloseCircleVote), when the fund decides (APPROVED or REJECTED) or when the request is
// withdrawn; a vote the circle decided early (CIRCLE_APPROVED or CIRCLE_REJECTED) stays
// open to the members who have not voted yet. Their votes are recorded and counted in the
// tally, but cannot change the outcome (below).
//
// When it is decided: as soon as the outcome can no longer change whatever the members
// who have not voted do (approve, reject, or stay silent):
//  - CIRCLE_APPROVED once the quorum is reached and the approvals reach the approval
//    threshold of ALL eligible voters (even if every silent member voted no, it passes);
//  - CIRCLE_REJECTED once the approvals could not reach the threshold even if every
//    silent member voted yes.
// Otherwise it is PENDING while the vote is open. When the meeting closes the vote
// (closed = true), a vote with its quorum is decided by the votes cast (approvals must
// reach the approval threshold of the votes cast; a tie under "more than 1/2" rejects),
// and a vote without its quorum rejects the request: the circle did not accept it, and
// the applicant may submit again. Deciding early rather than at the moment the quorum is
// reached means the order in which members vote never changes the outcome, and the
// outcome of a decided vote never changes with later votes.

struct Vote {
  std::string voter;  // "people/{id}"
  bool approve = false;
  std::string comment;
};

inline constexpr size_t kMaxVoteCommentLength = 2000;  // characters

enum class VoteOutcome { kPending, kCircleApproved, kCircleRejected };
// "PENDING", "CIRCLE_APPROVED", "CIRCLE_REJECTED".
std::string VoteOutcomeName(VoteOutcome outcome);

struct VoteTally {
  VoteOutcome outcome = VoteOutcome::kPending;
  int32_t eligible_voters = 0;
  int32_t votes_cast = 0;
  int32_t approvals = 0;
  int32_t rejections = 0;
  int32_t not_voted = 0;
  int32_t quorum_votes = 0;  // the fewest votes that reach the quorum
  bool quorum_reached = false;
  std::string reason;  // why it is decided, or what it waits for
};

// Whether members may still vote on a request in `state` whose vote the meeting has
// (closed_at_meeting) or has not closed: SUBMITTED, CIRCLE_APPROVED or CIRCLE_REJECTED and
// not closed at the meeting.
bool IsVoteOpen(LoanState state, bool closed_at_meeting);

// The current members except the applicant, sorted, without duplicates.
std::vector<std::string> EligibleVoters(const std::vector<std::string>& members,
                                        absl::string_view applicant);

// The gate before one more vote is recorded (whether the vote is still open is
// IsVoteOpen's rule: a decided vote may still be open). FAILED_PRECONDITION when the voter
// is the applicant, is not an eligible voter (not a current member of the circle) or has
// already voted; INVALID_ARGUMENT for an empty voter or a comment over 2000 characters.
absl::Status CheckVote(absl::string_view applicant, const std::vector<std::string>& eligible_voters,
                       const std::vector<Vote>& votes_cast, const Vote& vote,
                       const FundSettings& settings);

// The outcome of the votes cast so far. Every vote passes the rules of CheckVote (votes
// cast after the decision are counted but cannot change it); INVALID_ARGUMENT when the
// eligible voters are empty, repeat a member or include the applicant.
absl::StatusOr<VoteTally> TallyVotes(absl::string_view applicant,
                                     const std::vector<std::string>& eligible_voters,
                                     const std::vector<Vote>& votes_cast,
                                     const FundSettings& settings, bool closed = false);

// ---- The guarantee ----
//
// At most the threshold: the circle as a whole guarantees (seed: "le cercle l'analyse et,
// si elle est acceptée, la cautionne"), so every other current member is recorded as a
// joint guarantor, not only those who voted yes: the guarantee is the circle's, and by
// default (CircleGuarantors::kWholeCircle) a member who voted no remains part of it. Under
// kExceptNoVoters a member who voted no is not a guarantor, whether they voted before the
// decision (GuaranteeFor) or after it while the vote was still open (GuarantorsAfterVote);
// a member who has not voted is. Above the threshold: the borrower alone is responsible
// (seed: "supérieures à 2000$ ... responsabilité individuelle"), whatever the circle's
// state (whether the circle may bring requests at all is EvaluateCircle's rule).

enum class GuaranteeKind { kCircleGuarantee, kIndividualResponsibility };
// "CIRCLE_GUARANTEE", "INDIVIDUAL_RESPONSIBILITY".
std::string GuaranteeKindName(GuaranteeKind kind);

struct CircleGuaranteeState {
  cercles::membership::v1::CircleStatus status = cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  std::vector<std::string> members;  // current members, "people/{id}", the applicant included
  // The most days past due of any active loan of any current member (0 when none is late).
  int32_t max_member_days_past_due = 0;
};

struct Guarantee {
  GuaranteeKind kind = GuaranteeKind::kIndividualResponsibility;
  std::vector<std::string> guarantors;  // sorted; empty for individual responsibility
};

// INVALID_ARGUMENT for a non-positive amount. For a circle guarantee, FAILED_PRECONDITION
// naming the rule when the circle is not ACTIVE (UNDER_STRENGTH: below 4 members), when a
// member is in serious arrears and the settings forbid the guarantee, when the applicant is
// not a member, or when no other member remains to guarantee (after the no-voters among
// `votes` under kExceptNoVoters); INVALID_ARGUMENT when the members repeat someone.
absl::StatusOr<Guarantee> GuaranteeFor(int64_t amount_cents, absl::string_view applicant,
                                       const CircleGuaranteeState& circle,
                                       const FundSettings& settings,
                                       const std::vector<Vote>& votes = {});

// The guarantors of a circle guarantee once `vote` is cast after the decision: the same,
// less the voter when they vote no under kExceptNoVoters. FAILED_PRECONDITION naming the
// setting when that would leave no guarantor.
absl::StatusOr<std::vector<std::string>> GuarantorsAfterVote(
    const std::vector<std::string>& guarantors, const Vote& vote, const FundSettings& settings);

// The guarantors' shares of a guarantee call: equal shares that sum exactly to the
// amount, the remainder cents to the first guarantors in sorted order (so the split does
// not depend on the order the caller lists them in). INVALID_ARGUMENT for a non-positive
// amount, no guarantor, an empty or repeated guarantor.
absl::StatusOr<std::vector<GuarantorShare>> ShareGuaranteeCall(
    int64_t amount_cents, const std::vector<std::string>& guarantors);

// ---- The fund's decision (maker-checker) ----

// OK when `decider` may approve or reject a request submitted by `submitter` (principal
// names as authentication reports them). PERMISSION_DENIED unless the decider is fund
// staff (admin or advisor), and "the person who submitted the request cannot approve it"
// when both are the same principal (names compared ignoring case); INVALID_ARGUMENT for an
// empty name.
absl::Status CheckFundDecision(absl::string_view decider, cercles::common::v1::Role decider_role,
                               absl::string_view submitter);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_LIFECYCLE_H_
