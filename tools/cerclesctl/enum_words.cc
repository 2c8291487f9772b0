#include "tools/cerclesctl/enum_words.h"

#include "cercles/lending/v1/collections.pb.h"
#include "cercles/lending/v1/financing.pb.h"
#include "cercles/lending/v1/loans.pb.h"
#include "cercles/lending/v1/servicing.pb.h"
#include "cercles/lending/v1/settings.pb.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "cercles/membership/v1/membership.pb.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/membership/v1/privacy.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "cercles/network/v1/partners.pb.h"
#include "common/i18n/catalogue.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {

extern const char kEnumWordsFr[];

const std::vector<PrintedEnum>& PrintedEnums() {
  namespace lv1 = lending::v1;
  namespace mv1 = membership::v1;
  namespace nv1 = network::v1;
  static const auto* const kEnums = new std::vector<PrintedEnum>{
      {mv1::CircleStatus_descriptor(), "CIRCLE_STATUS_"},
      {mv1::CharacteristicKind_descriptor(), "CHARACTERISTIC_KIND_"},
      {mv1::Language_descriptor(), "LANGUAGE_"},
      {mv1::BusinessStage_descriptor(), "BUSINESS_STAGE_"},
      {mv1::PersonStatus_descriptor(), "PERSON_STATUS_"},
      {mv1::ConsentPurpose_descriptor(), "CONSENT_PURPOSE_"},
      {mv1::ConsentChannel_descriptor(), "CONSENT_CHANNEL_"},
      {mv1::ConsentAction_descriptor(), "CONSENT_ACTION_"},
      {mv1::AccessRequestChannel_descriptor(), "ACCESS_REQUEST_CHANNEL_"},
      {mv1::MeetingFrequency_descriptor(), "MEETING_FREQUENCY_"},
      {mv1::AttendanceStatus_descriptor(), "ATTENDANCE_STATUS_"},
      {mv1::HelpKind_descriptor(), "HELP_KIND_"},
      {mv1::BusinessEvent_descriptor(), "BUSINESS_EVENT_"},
      {mv1::RevenueBand_descriptor(), "REVENUE_BAND_"},
      {lv1::LoanState_descriptor(), "LOAN_STATE_"},
      {lv1::RepaymentFrequency_descriptor(), "REPAYMENT_FREQUENCY_"},
      {lv1::InterestMethod_descriptor(), "INTEREST_METHOD_"},
      {lv1::GuaranteeKind_descriptor(), "GUARANTEE_KIND_"},
      {lv1::RescheduleState_descriptor(), "RESCHEDULE_STATE_"},
      {lv1::PrepaymentRule_descriptor(), "PREPAYMENT_RULE_"},
      {lv1::CircleGuarantors_descriptor(), "CIRCLE_GUARANTORS_"},
      {lv1::BankReferralStatus_descriptor(), "BANK_REFERRAL_STATUS_"},
      {lv1::SubsidyStatus_descriptor(), "SUBSIDY_STATUS_"},
      {lv1::CollectionKind_descriptor(), "COLLECTION_KIND_"},
      {lv1::CollectionRefusal_descriptor(), "COLLECTION_REFUSAL_"},
      {nv1::PeerFundStatus_descriptor(), "PEER_FUND_STATUS_"},
      {nv1::TransferStatus_descriptor(), "TRANSFER_STATUS_"},
      {nv1::TransferDirection_descriptor(), "TRANSFER_DIRECTION_"},
      {nv1::PartnerKind_descriptor(), "PARTNER_KIND_"},
      {nv1::PartnerStatus_descriptor(), "PARTNER_STATUS_"},
      {nv1::ReferralStatus_descriptor(), "REFERRAL_STATUS_"},
      {nv1::NodeKind_descriptor(), "NODE_KIND_"},
      {nv1::EdgeKind_descriptor(), "EDGE_KIND_"},
  };
  return *kEnums;
}

namespace {

const i18n::Catalogue& EnumCatalogue() {
  static const auto* const kCatalogue = [] {
    auto parsed = i18n::Catalogue::Parse(kEnumWordsFr);
    // A malformed line is a programming error the unit test names
    // (EnumValuesWithoutFrench); the words are then the code words.
    return new i18n::Catalogue(parsed.ok() ? *std::move(parsed) : i18n::Catalogue());
  }();
  return *kCatalogue;
}

// The prefix PrintedEnums() gives `descriptor`; empty for an enum not listed
// (its code words then keep their prefix, which a test sees).
absl::string_view PrefixOf(const google::protobuf::EnumDescriptor* descriptor) {
  for (const PrintedEnum& printed : PrintedEnums()) {
    if (printed.descriptor == descriptor) return printed.prefix;
  }
  return "";
}

}  // namespace

std::string EnumWord(Lang lang, const google::protobuf::EnumDescriptor* descriptor, int number) {
  const google::protobuf::EnumValueDescriptor* value = descriptor->FindValueByNumber(number);
  if (value == nullptr) return "";
  if (lang == Lang::kFr) {
    std::optional<std::string> french = EnumCatalogue().Translate(value->name());
    if (french.has_value()) return *std::move(french);
  }
  return ShortEnumName(value->name(), PrefixOf(descriptor));
}

std::vector<std::string> EnumValuesWithoutFrench() {
  auto parsed = i18n::Catalogue::Parse(kEnumWordsFr);
  if (!parsed.ok()) return {std::string(parsed.status().message())};
  std::vector<std::string> missing;
  for (const PrintedEnum& printed : PrintedEnums()) {
    for (int i = 0; i < printed.descriptor->value_count(); ++i) {
      const std::string& name = printed.descriptor->value(i)->name();
      if (printed.descriptor->value(i)->number() == 0) continue;  // *_UNSPECIFIED
      if (!parsed->Translate(name).has_value()) missing.push_back(name);
    }
  }
  return missing;
}

}  // namespace cercles::cerclesctl
