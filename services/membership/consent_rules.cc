#include "services/membership/consent_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "services/membership/people_rules.h"

namespace cercles::membership {
namespace {

namespace v1 = cercles::membership::v1;

// The one table of purposes and the Consents fields they are.
struct PurposeField {
  ConsentPurpose purpose;
  bool (Consents::*get)() const;
  void (Consents::*set)(bool);
};

constexpr PurposeField kPurposeFields[] = {
    {v1::CONSENT_PURPOSE_SHARE_WITH_NETWORK, &Consents::share_with_network,
     &Consents::set_share_with_network},
    {v1::CONSENT_PURPOSE_SHARE_WITH_OTHER_FUNDS, &Consents::share_with_other_funds,
     &Consents::set_share_with_other_funds},
    {v1::CONSENT_PURPOSE_SHARE_WITH_PARTNERS, &Consents::share_with_partners,
     &Consents::set_share_with_partners},
    {v1::CONSENT_PURPOSE_REMINDERS_BY_EMAIL, &Consents::reminders_by_email,
     &Consents::set_reminders_by_email},
    {v1::CONSENT_PURPOSE_CIRCLE_SEES_FOLLOW_UPS, &Consents::circle_sees_follow_ups,
     &Consents::set_circle_sees_follow_ups},
    {v1::CONSENT_PURPOSE_CREDIT_REPORTING, &Consents::credit_reporting,
     &Consents::set_credit_reporting},
};

const PurposeField* FieldOf(ConsentPurpose purpose) {
  for (const PurposeField& field : kPurposeFields) {
    if (field.purpose == purpose) return &field;
  }
  return nullptr;
}

}  // namespace

const std::vector<ConsentPurpose>& AllConsentPurposes() {
  static const auto* const purposes = [] {
    auto* out = new std::vector<ConsentPurpose>();
    for (const PurposeField& field : kPurposeFields) out->push_back(field.purpose);
    return out;
  }();
  return *purposes;
}

bool ConsentGiven(const Consents& consents, ConsentPurpose purpose) {
  const PurposeField* field = FieldOf(purpose);
  return field != nullptr && (consents.*(field->get))();
}

void SetConsent(Consents* consents, ConsentPurpose purpose, bool given) {
  if (const PurposeField* field = FieldOf(purpose)) (consents->*(field->set))(given);
}

Consents CurrentConsents(const std::vector<ConsentChange>& history) {
  Consents out;  // every purpose false: the most private
  for (const ConsentChange& change : history) {
    SetConsent(&out, change.purpose(), change.action() == v1::CONSENT_ACTION_GIVE);
  }
  return out;
}

absl::StatusOr<ConsentChange> NormaliseConsentChange(const ConsentChange& requested) {
  Checker check;
  ConsentChange out;
  if (requested.purpose() == v1::CONSENT_PURPOSE_UNSPECIFIED) {
    check.Add("change.purpose", "is required (a ConsentPurpose)", api::reason::kFieldRequired);
  } else if (FieldOf(requested.purpose()) == nullptr) {
    check.Add("change.purpose",
              absl::StrCat("is not a known ConsentPurpose (got ", requested.purpose(), ")"));
  }
  out.set_purpose(requested.purpose());
  if (requested.action() == v1::CONSENT_ACTION_UNSPECIFIED) {
    check.Add("change.action", "is required: CONSENT_ACTION_GIVE or CONSENT_ACTION_WITHDRAW",
              api::reason::kFieldRequired);
  } else if (!v1::ConsentAction_IsValid(requested.action())) {
    check.Add("change.action",
              absl::StrCat("is not a known ConsentAction (got ", requested.action(), ")"));
  }
  out.set_action(requested.action());
  out.set_wording_version(check.Text(requested.wording_version(), "change.wording_version", 1,
                                     kMaxWordingVersionLength));
  if (requested.channel() == v1::CONSENT_CHANNEL_UNSPECIFIED) {
    check.Add("change.channel", "is required (how the person expressed it, a ConsentChannel)",
              api::reason::kFieldRequired);
  } else if (requested.channel() == v1::CONSENT_CHANNEL_PERSON_RECORD) {
    check.Add("change.channel",
              "must say how the person expressed it: CONSENT_CHANNEL_PERSON_RECORD is set by "
              "CreatePerson and UpdatePerson only");
  } else if (!v1::ConsentChannel_IsValid(requested.channel())) {
    check.Add("change.channel",
              absl::StrCat("is not a known ConsentChannel (got ", requested.channel(), ")"));
  }
  out.set_channel(requested.channel());
  absl::Status status = ViolationsStatus(check.violations());
  if (!status.ok()) return status;
  return out;
}

std::vector<ConsentChange> PersonRecordConsentChanges(const Consents& before,
                                                      const Consents& after) {
  std::vector<ConsentChange> changes;
  for (ConsentPurpose purpose : AllConsentPurposes()) {
    const bool given = ConsentGiven(after, purpose);
    if (given == ConsentGiven(before, purpose)) continue;
    ConsentChange& change = changes.emplace_back();
    change.set_purpose(purpose);
    change.set_action(given ? v1::CONSENT_ACTION_GIVE : v1::CONSENT_ACTION_WITHDRAW);
    change.set_wording_version(std::string(kPersonRecordWording));
    change.set_channel(v1::CONSENT_CHANNEL_PERSON_RECORD);
  }
  return changes;
}

}  // namespace cercles::membership
