// What is personal or confidential is marked in the protos, field by field: a
// walk over every .proto file lists each text field that is NOT marked
// `[(cercles.common.v1.sensitive) = true]` and compares it with the reviewed
// list below, so a new free-text field fails here until someone decides which
// it is. Marking is the default for anything a person or the staff write about
// a person: reasons, notes, outcomes, comments, minutes, contact details.
#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "common/redaction/redaction.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/common/redaction/linked_protos.h"

namespace cercles::redaction {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using ::testing::IsEmpty;

// A message's full name and some of its fields, separated by spaces.
struct FieldsOf {
  const char* message;
  const char* fields;
};

// Text fields that are plumbing by the API's conventions, in every message.
bool IsPlumbing(const FieldDescriptor* field) {
  static const auto* const names = new std::set<std::string>{
      "request_id", "page_token", "next_page_token",
      // W3C trace context: random ids and flags ("00-<trace id>-<span id>-01").
      "traceparent",
      // Principal names of staff and services ("staff:alice", a certificate's CN).
      "actor", "principal_name", "update_principal", "record_principal", "certificate_common_name"};
  const std::string& name = field->name();
  return names->count(name) > 0 || absl::EndsWith(name, "_by");  // "decided_by"
}

// Resource names and ids ("people/12", "funds/f/circles/3", "fund-montreal",
// account codes): what a record is about, never what is said about it.
constexpr FieldsOf kResourceNames[] = {
    {"cercles.common.v1.Event", "event_id subject fund_id"},
    {"cercles.common.v1.AccessPolicy", "services"},  // service names, in method options
    {"cercles.lending.v1.CircleVote", "voter"},
    {"cercles.lending.v1.Loan", "name applicant circle original_circle advisor guarantors"},
    {"cercles.lending.v1.SubmitLoanRequestRequest", "circle"},
    {"cercles.lending.v1.GetLoanRequest", "name"},
    {"cercles.lending.v1.ListLoansRequest", "circle applicant advisor"},
    {"cercles.lending.v1.CastCircleVoteRequest", "loan voter"},
    {"cercles.lending.v1.CloseCircleVoteRequest", "loan"},
    {"cercles.lending.v1.ApproveLoanRequest", "loan"},
    {"cercles.lending.v1.RejectLoanRequest", "loan"},
    {"cercles.lending.v1.WithdrawLoanRequest", "loan"},
    {"cercles.lending.v1.DisburseLoanRequest", "loan"},
    {"cercles.lending.v1.GetLoanScheduleRequest", "loan"},
    {"cercles.lending.v1.Repayment", "name borrower"},
    {"cercles.lending.v1.RecordRepaymentRequest", "loan"},
    {"cercles.lending.v1.ReverseRepaymentRequest", "repayment"},
    {"cercles.lending.v1.ListRepaymentsRequest", "loan"},
    {"cercles.lending.v1.GuarantorShare", "guarantor"},
    {"cercles.lending.v1.GuaranteeCall", "loan"},
    {"cercles.lending.v1.CallGuaranteeRequest", "loan"},
    {"cercles.lending.v1.RecordGuarantorPaymentRequest", "loan guarantor"},
    {"cercles.lending.v1.WriteOffLoanRequest", "loan"},
    {"cercles.lending.v1.LoanReschedule", "name borrower"},
    {"cercles.lending.v1.RequestRescheduleRequest", "loan"},
    {"cercles.lending.v1.ApproveRescheduleRequest", "reschedule"},
    {"cercles.lending.v1.RejectRescheduleRequest", "reschedule"},
    {"cercles.lending.v1.ListReschedulesRequest", "loan"},
    {"cercles.lending.v1.Reminder", "name loan borrower circle"},
    {"cercles.lending.v1.ListRemindersRequest", "loan borrower circle"},
    {"cercles.lending.v1.GetCollectionSheetRequest", "circle meeting"},
    {"cercles.lending.v1.GetCollectionSheetResponse", "circle meeting members"},
    {"cercles.lending.v1.CollectionSheetLine", "loan person"},
    {"cercles.lending.v1.RecordCollectionsRequest", "circle meeting"},
    {"cercles.lending.v1.RecordCollectionsResponse", "circle meeting"},
    {"cercles.lending.v1.CollectionLine", "loan person"},
    {"cercles.lending.v1.CollectionLineResult", "repayment"},
    {"cercles.lending.v1.PortfolioFigures", "group"},
    {"cercles.lending.v1.JournalLine", "account loan party"},
    {"cercles.lending.v1.AccountBalance", "account"},
    {"cercles.lending.v1.ListJournalEntriesRequest", "loan party"},
    {"cercles.lending.v1.BankReferral", "name person"},
    {"cercles.lending.v1.UpdateBankReferralRequest", "name"},
    {"cercles.lending.v1.ListBankReferralsRequest", "person"},
    {"cercles.lending.v1.SubsidyApplication", "name person"},
    {"cercles.lending.v1.UpdateSubsidyApplicationRequest", "name"},
    {"cercles.lending.v1.ListSubsidyApplicationsRequest", "person"},
    {"cercles.lending.v1.CircleEligibility", "circle"},
    {"cercles.lending.v1.GetCircleEligibilityRequest", "circle"},
    {"cercles.membership.v1.MeetingSchedule", "name"},
    {"cercles.membership.v1.Attendance", "person"},
    {"cercles.membership.v1.BusinessFollowUp", "person"},
    {"cercles.membership.v1.Meeting", "name"},
    {"cercles.membership.v1.GetMeetingScheduleRequest", "name"},
    {"cercles.membership.v1.RecordMeetingRequest", "parent"},
    {"cercles.membership.v1.GetMeetingRequest", "name"},
    {"cercles.membership.v1.ListMeetingsRequest", "parent"},
    {"cercles.membership.v1.GetAttendanceSummaryRequest", "circle"},
    {"cercles.membership.v1.MemberAttendance", "person"},
    {"cercles.membership.v1.GetAttendanceSummaryResponse", "circle"},
    // The circles report (issue 15, item 5): the advisor by resource name only; no member is named.
    {"cercles.membership.v1.CircleReportRow", "circle advisor"},
    {"cercles.membership.v1.MeetingRecorded", "meeting circle people_needing_referral"},
    // A business outcome holds only enums and counts (business data, not a
    // person's identity: no field to mark); what names it is plumbing.
    {"cercles.membership.v1.OutcomeRecorded", "person"},
    {"cercles.membership.v1.BusinessHistoryEntry", "meeting"},
    {"cercles.membership.v1.ListBusinessHistoryRequest", "parent"},
    {"cercles.membership.v1.Circle", "name fund_id advisor merged_from"},
    {"cercles.membership.v1.CircleMember", "person circle"},
    {"cercles.membership.v1.Advisor", "name"},
    {"cercles.membership.v1.CircleHistoryEntry", "person"},
    {"cercles.membership.v1.GetCircleRequest", "name"},
    {"cercles.membership.v1.ListCirclesRequest", "advisor"},
    {"cercles.membership.v1.AddCircleMemberRequest", "circle person"},
    {"cercles.membership.v1.RemoveCircleMemberRequest", "circle person"},
    {"cercles.membership.v1.ListCircleMembersRequest", "circle"},
    {"cercles.membership.v1.ListCircleHistoryRequest", "circle"},
    {"cercles.membership.v1.ActivateCircleRequest", "name"},
    {"cercles.membership.v1.SuspendCircleRequest", "name"},
    {"cercles.membership.v1.ResumeCircleRequest", "name"},
    {"cercles.membership.v1.DissolveCircleRequest", "name"},
    {"cercles.membership.v1.MergeCirclesRequest", "circles"},
    {"cercles.membership.v1.AssignCircleAdvisorRequest", "circle advisor"},
    {"cercles.membership.v1.ProposedCircle", "people advisor"},
    {"cercles.membership.v1.ProposeCirclesRequest", "training"},
    {"cercles.membership.v1.ProposeCirclesResponse", "unplaced"},
    {"cercles.membership.v1.Person", "name current_circle"},
    {"cercles.membership.v1.GetPersonRequest", "name"},
    {"cercles.membership.v1.ListPeopleRequest", "circle cohort"},
    {"cercles.membership.v1.Training", "name"},
    {"cercles.membership.v1.Enrolment", "name training person"},
    {"cercles.membership.v1.GetTrainingRequest", "name"},
    {"cercles.membership.v1.EnrolPersonRequest", "training person"},
    {"cercles.membership.v1.CompleteTrainingRequest", "training person"},
    {"cercles.membership.v1.ListEnrolmentsRequest", "training person"},
    {"cercles.network.v1.PeerFund", "name fund_id"},
    {"cercles.network.v1.RevokePeerFundRequest", "name"},
    {"cercles.network.v1.GetPeerFundRequest", "name"},
    {"cercles.network.v1.WatchDirectoryResponse", "fund_id"},
    {"cercles.network.v1.MemberTransfer", "name peer_fund_id circle person remote_name"},
    {"cercles.network.v1.ProposeMemberTransferRequest", "circle person"},
    {"cercles.network.v1.GetProposedTransferRequest", "name"},
    {"cercles.network.v1.SendMemberTransferRequest", "person peer circle"},
    {"cercles.network.v1.ListMemberTransfersRequest", "peer_fund_id"},
    {"cercles.network.v1.AcceptMemberTransferRequest", "name"},
    {"cercles.network.v1.RefuseMemberTransferRequest", "name"},
    {"cercles.network.v1.NetworkCircle", "name fund_id merged_from advisor"},
    {"cercles.network.v1.ListNetworkCirclesRequest", "fund_id"},
    {"cercles.network.v1.GetNetworkCircleRequest", "name"},
    {"cercles.network.v1.Node", "name"},
    {"cercles.network.v1.GetCircleNeighbourhoodRequest", "circle"},
    {"cercles.network.v1.SisterLink", "circle_a circle_b"},
    {"cercles.network.v1.DeclareSisterCirclesRequest", "circle sister"},
    {"cercles.network.v1.RemoveSisterCirclesRequest", "circle sister"},
    {"cercles.network.v1.SuggestCirclesRequest", "fund_id"},
    {"cercles.network.v1.SearchExpertiseRequest", "fund_id"},
    {"cercles.network.v1.ContactPath", "fund_id advisor"},
    {"cercles.network.v1.ExpertiseMatch", "person circle"},
    {"cercles.network.v1.NetworkStats", "fund_id"},
    {"cercles.network.v1.GetNetworkStatsRequest", "fund_id"},
    {"cercles.network.v1.ImpactFigures", "fund_id region"},
    {"cercles.network.v1.CohortSurvival", "fund_id"},
    {"cercles.network.v1.GetImpactReportRequest", "fund_id"},
    {"cercles.network.v1.MissingFund", "fund_id"},
    {"cercles.network.v1.Partner", "name"},
    {"cercles.network.v1.Referral", "name person partner circle"},
    {"cercles.network.v1.GetPartnerRequest", "name"},
    {"cercles.network.v1.GetReferralRequest", "name"},
    {"cercles.network.v1.ListReferralsRequest", "person partner"},
    {"cercles.network.v1.UpdateReferralStatusRequest", "name"},
    // Consent per purpose (issue 14, item 1) and its withdrawal at a peer.
    {"cercles.membership.v1.ConsentChange", "name"},
    {"cercles.membership.v1.RecordConsentRequest", "person"},
    {"cercles.membership.v1.ListConsentChangesRequest", "person"},
    {"cercles.network.v1.WithdrawTransferConsentRequest", "name"},
    // Corrections of personal data (issue 14, item 3): the correction and its person.
    {"cercles.membership.v1.PersonCorrection", "name person"},
    {"cercles.membership.v1.ListPersonCorrectionsRequest", "person"},
    // Access requests (issue 14, item 2): the request and its person.
    {"cercles.membership.v1.AccessRequest", "name person"},
    {"cercles.membership.v1.GetAccessRequestRequest", "name"},
    {"cercles.membership.v1.ListAccessRequestsRequest", "person"},
    {"cercles.membership.v1.CompleteAccessRequestRequest", "name"},
    {"cercles.membership.v1.AccessRequestChanged", "access_request person"},
    // The retention purge (issue 14, item 4): the records it purges, by name.
    {"cercles.membership.v1.RetentionKindReport", "records"},
    {"cercles.membership.v1.KeptRecord", "record"},
    {"cercles.membership.v1.PurgeExpiredRecordsRequest", "keep_people"},
    {"cercles.membership.v1.RetentionPurged", "record"},
    {"cercles.lending.v1.LoanRecordsPurged", "loan"},
    {"cercles.membership.v1.ExportPersonDataRequest", "person"},
    {"cercles.membership.v1.ExportPersonDataResponse", "fund_id"},
    {"cercles.membership.v1.MeetingParticipation", "meeting"},
    {"cercles.lending.v1.ExportPersonDataRequest", "person"},
    {"cercles.lending.v1.VoteCast", "loan"},
    {"cercles.lending.v1.GuaranteeGiven", "loan"},
    {"cercles.network.v1.ExportPersonDataRequest", "person"},
    {"cercles.network.v1.DirectoryPerson", "person circle"},
    // Erasure (issue 14, item 4): whom, never why in words (the reason is an enum).
    {"cercles.membership.v1.ErasePersonRequest", "person"},
    {"cercles.membership.v1.PersonErased", "person"},
};

// Machine words, labels and sentences the services write themselves (event
// changes, currencies, bucket labels, eligibility and suggestion reasons, a
// vote's tally), where a peer fund is reached and its certificate's fingerprint.
constexpr FieldsOf kCodesAndGeneratedText[] = {
    {"cercles.common.v1.Event", "type"},
    {"cercles.common.v1.Money", "currency_code"},
    {"cercles.lending.v1.LoanChanged", "change"},
    {"cercles.lending.v1.FundSettings", "currency"},
    {"cercles.lending.v1.FieldChange", "field old_value new_value"},
    {"cercles.lending.v1.VoteTally", "outcome reason"},
    {"cercles.lending.v1.Arrears", "bucket_label"},
    {"cercles.lending.v1.GetPortfolioReportResponse", "bucket_labels"},
    {"cercles.lending.v1.JournalLine", "account_name"},
    {"cercles.lending.v1.JournalEntry", "kind currency"},
    {"cercles.lending.v1.AccountBalance", "account_name account_type"},
    {"cercles.lending.v1.GetTrialBalanceResponse", "currency"},
    {"cercles.lending.v1.CircleEligibility", "reasons"},
    // Why a collection line was refused: the rule and the field, in the
    // server's words (a caller's value at most as a bounded quote of a name).
    {"cercles.lending.v1.CollectionLineResult", "reason"},
    {"cercles.network.v1.PartnerChanged", "change"},
    {"cercles.network.v1.ReferralChanged", "change"},
    {"cercles.network.v1.PeerFund", "address tls_server_name certificate_sha256"},
    {"cercles.network.v1.MemberTransferChanged", "change"},
    {"cercles.network.v1.CircleSuggestion", "reasons"},
    {"cercles.network.v1.ContactPath", "instructions"},
    // Who looked at whom (staff principal, person, RPC) and the incident register's ids.
    {"cercles.common.v1.PersonalRead", "principal person rpc"},
    {"cercles.membership.v1.ListPersonalReadsRequest", "person principal"},
    {"cercles.lending.v1.ListPersonalReadsRequest", "person principal"},
    {"cercles.network.v1.ListPersonalReadsRequest", "person principal"},
    {"cercles.membership.v1.Incident", "name affected_people"},
    {"cercles.membership.v1.GetIncidentRequest", "name"},
    {"cercles.membership.v1.IncidentRecorded", "incident"},
    // The fund's version of the consent text a person saw ("2026-03 v2"):
    // the fund's own label, never what the person said.
    {"cercles.membership.v1.ConsentChange", "wording_version"},
    // Which field of a person was corrected ("contact.email"): a path of
    // Person, never its value (the reason beside it is marked).
    {"cercles.membership.v1.PersonCorrection", "field_path"},
    {"cercles.membership.v1.ListPersonCorrectionsRequest", "field_path"},
    // The fingerprint of the document sent to answer an access request.
    {"cercles.membership.v1.AccessRequestCompletion", "document_sha256"},
};

// Public names: circles, trainings, partner organisations (with their public
// reception), peer funds, regions, circle characteristics.
constexpr FieldsOf kPublicNames[] = {
    {"cercles.membership.v1.Characteristic", "custom_kind value"},
    {"cercles.membership.v1.Circle", "display_name"},
    {"cercles.membership.v1.MergeCirclesRequest", "display_name"},
    {"cercles.membership.v1.ProposedCircle", "display_name"},
    {"cercles.membership.v1.CircleReportRow", "display_name"},
    {"cercles.membership.v1.Training", "display_name"},
    {"cercles.network.v1.PeerFund", "display_name region"},
    {"cercles.network.v1.NetworkCircle", "display_name region"},
    {"cercles.network.v1.Node", "display_name"},
    {"cercles.network.v1.NetworkStats", "region"},
    {"cercles.network.v1.Partner", "display_name territory services description contact_point"},
};

// Fund staff at work: an advisor's name and work e-mail are how the network
// reaches a person without their own contact details (SearchExpertise).
constexpr FieldsOf kStaffAtWork[] = {
    {"cercles.membership.v1.Advisor", "display_name email"},
    {"cercles.network.v1.ContactPath", "advisor_display_name advisor_email"},
    // The privacy officer's contact, published on purpose (GetPrivacyContact).
    {"cercles.membership.v1.PrivacyContact", "display_name email phone"},
};

// Personal, and shared only under the person's consent flags, which the
// consumers apply: network's projection keeps names and business only with
// consents.share_with_network and expertise only with expertise_opt_in
// (services/network/people_store.cc); a transfer candidate exists only with
// consents.share_with_other_funds (federation_rules.cc). Marking them would
// take away what the consent allows.
constexpr FieldsOf kSharedUnderConsent[] = {
    {"cercles.membership.v1.Business", "name sector"},
    {"cercles.membership.v1.Person", "given_name family_name expertise"},
    {"cercles.network.v1.TransferCandidate",
     "given_name family_name business_name business_sector expertise"},
    {"cercles.network.v1.ExpertiseMatch", "display_name expertise matched sector"},
};

// Filters and parameters of requests: read to answer, never stored or sent on.
constexpr FieldsOf kRequestFilters[] = {
    {"cercles.lending.v1.ListJournalEntriesRequest", "kind"},
    {"cercles.membership.v1.ProposeCirclesRequest", "hard_attributes soft_attributes"},
    {"cercles.membership.v1.ListPeopleRequest", "name_prefix sector"},
    {"cercles.network.v1.ListDirectoryRequest", "region"},
    {"cercles.network.v1.ListNetworkCirclesRequest", "region"},
    {"cercles.network.v1.SuggestCirclesRequest", "region sector language gender affinities"},
    {"cercles.network.v1.SearchExpertiseRequest", "term region"},
    {"cercles.network.v1.ListPartnersRequest", "territory service"},
};

// Judged not private, one by one: the echo benchmark's text; a loan's purpose
// (a short label such as "Equipment", which lending's events carry on purpose:
// loan_store_test); capital contributors (organisations funding the fund, in
// its books and in CapitalContributed: books_test) and the journal's
// descriptions naming them; why the fund changed its settings or revoked a
// peer (decisions of institutions, not about a person); the bank or the
// subsidy programme a person was referred to (an institution's name; the
// notes and outcomes about the person are sensitive).
constexpr FieldsOf kJudgedNotPrivate[] = {
    {"cercles.bench.v1.EchoRequest", "message"},
    {"cercles.bench.v1.EchoResponse", "message"},
    {"cercles.lending.v1.CapitalContributed", "contributor"},
    {"cercles.lending.v1.FundSettingsChange", "reason"},
    {"cercles.lending.v1.UpdateFundSettingsRequest", "reason"},
    {"cercles.lending.v1.Loan", "purpose"},
    {"cercles.lending.v1.JournalEntry", "description"},
    {"cercles.lending.v1.RecordCapitalContributionRequest", "contributor"},
    {"cercles.lending.v1.BankReferral", "institution"},
    {"cercles.lending.v1.SubsidyApplication", "programme"},
    {"cercles.network.v1.PeerFund", "revoke_reason"},
    {"cercles.network.v1.RevokePeerFundRequest", "reason"},
};

std::set<std::string> ReviewedNotSensitive() {
  std::set<std::string> out;
  for (absl::Span<const FieldsOf> group :
       {absl::MakeConstSpan(kResourceNames), absl::MakeConstSpan(kCodesAndGeneratedText),
        absl::MakeConstSpan(kPublicNames), absl::MakeConstSpan(kStaffAtWork),
        absl::MakeConstSpan(kSharedUnderConsent), absl::MakeConstSpan(kRequestFilters),
        absl::MakeConstSpan(kJudgedNotPrivate)}) {
    for (const FieldsOf& entry : group) {
      for (absl::string_view field : absl::StrSplit(entry.fields, ' ', absl::SkipEmpty())) {
        const bool inserted = out.insert(absl::StrCat(entry.message, ".", field)).second;
        EXPECT_TRUE(inserted) << entry.message << "." << field << " is listed twice";
      }
    }
  }
  return out;
}

TEST(SensitiveFieldsTest, EveryTextFieldNotMarkedSensitiveIsAReviewedChoice) {
  const std::vector<const Descriptor*> types = testing::EveryCerclesMessage();
  ASSERT_GT(types.size(), 100u);
  std::set<std::string> not_sensitive;
  for (const Descriptor* type : types) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->type() != FieldDescriptor::TYPE_STRING || IsSensitive(field)) continue;
      if (IsPlumbing(field)) continue;
      not_sensitive.insert(field->full_name());
    }
  }
  const std::set<std::string> reviewed = ReviewedNotSensitive();
  std::vector<std::string> unreviewed, stale;
  std::set_difference(not_sensitive.begin(), not_sensitive.end(), reviewed.begin(), reviewed.end(),
                      std::back_inserter(unreviewed));
  std::set_difference(reviewed.begin(), reviewed.end(), not_sensitive.begin(), not_sensitive.end(),
                      std::back_inserter(stale));
  EXPECT_THAT(unreviewed, IsEmpty())
      << "text fields neither marked [(cercles.common.v1.sensitive) = true] nor reviewed here: "
         "mark them if a person or the staff may write anything about a person in them, "
         "else add them to the right list above";
  EXPECT_THAT(stale, IsEmpty()) << "listed here, but no longer a text field that is not sensitive";
}

TEST(SensitiveFieldsTest, TheFieldsOfTheFindingsAreMarked) {
  for (const char* name : {
           "cercles.membership.v1.MeetingSchedule.location",
           "cercles.membership.v1.MeetingSchedule.notes",
           "cercles.membership.v1.Meeting.minutes",
           "cercles.membership.v1.Attendance.note",
           "cercles.membership.v1.BusinessFollowUp.progress",
           "cercles.membership.v1.BusinessFollowUp.difficulties",
           "cercles.membership.v1.BusinessFollowUp.help_details",
           "cercles.membership.v1.Person.contact",
           "cercles.membership.v1.Person.birth_date",
           "cercles.membership.v1.Person.gender",
           "cercles.membership.v1.Enrolment.person_display_name",
           "cercles.lending.v1.Loan.business_plan_summary",
           "cercles.lending.v1.Loan.document_reference",
           "cercles.lending.v1.Loan.state_reason",
           "cercles.lending.v1.CircleVote.comment",
           "cercles.network.v1.Referral.reason",
           "cercles.network.v1.Referral.outcome",
       }) {
    const FieldDescriptor* field =
        google::protobuf::DescriptorPool::generated_pool()->FindFieldByName(name);
    ASSERT_NE(field, nullptr) << name;
    EXPECT_TRUE(IsSensitive(field)) << name;
  }
}

}  // namespace
}  // namespace cercles::redaction
