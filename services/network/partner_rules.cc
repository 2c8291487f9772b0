#include "services/network/partner_rules.h"

#include <google/protobuf/util/message_differencer.h>

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/api/error_details.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/util/status_macros.h"
#include "services/network/directory_rules.h"

namespace cercles::network {
namespace {

// A list of 1 to 20 short entries, no two equal ignoring ASCII case.
absl::Status NormaliseList(const google::protobuf::RepeatedPtrField<std::string>& in,
                           const std::string& field,
                           google::protobuf::RepeatedPtrField<std::string>* out) {
  if (in.empty() || in.size() > kMaxPartnerListEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must hold 1 to ", kMaxPartnerListEntries, " entries"));
  }
  out->Clear();
  std::set<std::string> seen;
  for (int i = 0; i < in.size(); ++i) {
    const std::string entry_field = absl::StrCat(field, "[", i, "]");
    CERCLES_ASSIGN_OR_RETURN(
        std::string entry,
        api::CleanText(in[i], entry_field, api::OneLine(1, kMaxPartnerEntryLength)));
    if (!seen.insert(TextKey(entry)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry_field, " repeats \"", entry, "\" (ignoring case)"));
    }
    out->Add(std::move(entry));
  }
  return absl::OkStatus();
}

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "display_name", "kind", "territory", "services", "description", "contact_point", "status"};
  return *paths;
}

}  // namespace

absl::StatusOr<v1::Partner> NormalisePartner(const v1::Partner& requested) {
  v1::Partner out;
  CERCLES_ASSIGN_OR_RETURN(std::string display_name,
                           api::CleanText(requested.display_name(), "partner.display_name",
                                          api::OneLine(1, kMaxPartnerNameLength)));
  out.set_display_name(std::move(display_name));
  if (requested.kind() == v1::PARTNER_KIND_UNSPECIFIED ||
      !v1::PartnerKind_IsValid(requested.kind())) {
    return absl::InvalidArgumentError(
        "partner.kind is required: CDEC, SAJE, CLD, SACO, BANK, SUBSIDY_PROGRAMME or OTHER");
  }
  out.set_kind(requested.kind());
  CERCLES_RETURN_IF_ERROR(
      NormaliseList(requested.territory(), "partner.territory", out.mutable_territory()));
  CERCLES_RETURN_IF_ERROR(
      NormaliseList(requested.services(), "partner.services", out.mutable_services()));
  CERCLES_ASSIGN_OR_RETURN(std::string description,
                           api::CleanText(requested.description(), "partner.description",
                                          api::MultiLine(0, kMaxDescriptionLength)));
  out.set_description(std::move(description));
  CERCLES_ASSIGN_OR_RETURN(std::string contact,
                           api::CleanText(requested.contact_point(), "partner.contact_point",
                                          api::OneLine(0, kMaxContactPointLength)));
  out.set_contact_point(std::move(contact));
  if (!v1::PartnerStatus_IsValid(requested.status())) {
    return absl::InvalidArgumentError("partner.status is not a known PartnerStatus");
  }
  out.set_status(requested.status() == v1::PARTNER_STATUS_UNSPECIFIED ? v1::PARTNER_STATUS_ACTIVE
                                                                      : requested.status());
  return out;
}

absl::StatusOr<v1::Partner> ApplyPartnerMask(const v1::Partner& stored,
                                             const v1::Partner& requested,
                                             const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("update_mask is required: name the paths to change (",
                     absl::StrJoin(UpdatablePaths(), ", "), ")"));
  }
  v1::Partner merged = stored;
  for (const std::string& path : mask.paths()) {
    if (path == "display_name") {
      merged.set_display_name(requested.display_name());
    } else if (path == "kind") {
      merged.set_kind(requested.kind());
    } else if (path == "territory") {
      *merged.mutable_territory() = requested.territory();
    } else if (path == "services") {
      *merged.mutable_services() = requested.services();
    } else if (path == "description") {
      merged.set_description(requested.description());
    } else if (path == "contact_point") {
      merged.set_contact_point(requested.contact_point());
    } else if (path == "status") {
      if (requested.status() == v1::PARTNER_STATUS_UNSPECIFIED) {
        return absl::InvalidArgumentError("partner.status must be ACTIVE or INACTIVE");
      }
      merged.set_status(requested.status());
    } else {
      return absl::InvalidArgumentError(absl::StrCat("update_mask path ", api::Quoted(path, 64),
                                                     " is not updatable; use ",
                                                     absl::StrJoin(UpdatablePaths(), ", ")));
    }
  }
  return NormalisePartner(merged);
}

absl::StatusOr<ReferralDraft> ValidateReferralDraft(const v1::Referral& referral) {
  ReferralDraft draft;
  CERCLES_ASSIGN_OR_RETURN(draft.person_id,
                           api::ParseName(referral.person(), "people", "referral.person"));
  CERCLES_ASSIGN_OR_RETURN(draft.partner_id,
                           api::ParseName(referral.partner(), "partners", "referral.partner"));
  CERCLES_ASSIGN_OR_RETURN(draft.reason, api::CleanText(referral.reason(), "referral.reason",
                                                        api::MultiLine(1, kMaxReferralTextLength)));
  if (referral.status() != v1::REFERRAL_STATUS_UNSPECIFIED || !referral.outcome().empty() ||
      referral.history_size() > 0) {
    return absl::InvalidArgumentError(
        "referral.status, outcome and history are output only: a referral starts SENT");
  }
  return draft;
}

absl::StatusOr<std::string> CheckReferralTransition(v1::ReferralStatus from, v1::ReferralStatus to,
                                                    const std::string& outcome,
                                                    const std::string& referral_name) {
  if (to == v1::REFERRAL_STATUS_UNSPECIFIED || to == v1::REFERRAL_STATUS_SENT ||
      !v1::ReferralStatus_IsValid(to)) {
    return absl::InvalidArgumentError(
        "status must be ACCEPTED, IN_PROGRESS, COMPLETED or DECLINED");
  }
  bool allowed = false;
  switch (from) {
    case v1::REFERRAL_STATUS_SENT:
      allowed = to == v1::REFERRAL_STATUS_ACCEPTED || to == v1::REFERRAL_STATUS_DECLINED;
      break;
    case v1::REFERRAL_STATUS_ACCEPTED:
      allowed = to == v1::REFERRAL_STATUS_IN_PROGRESS || to == v1::REFERRAL_STATUS_COMPLETED ||
                to == v1::REFERRAL_STATUS_DECLINED;
      break;
    case v1::REFERRAL_STATUS_IN_PROGRESS:
      allowed = to == v1::REFERRAL_STATUS_COMPLETED || to == v1::REFERRAL_STATUS_DECLINED;
      break;
    default:
      break;
  }
  if (!allowed) {
    const bool ended =
        from == v1::REFERRAL_STATUS_COMPLETED || from == v1::REFERRAL_STATUS_DECLINED;
    return absl::FailedPreconditionError(
        absl::StrCat(referral_name, " is ", ReferralStatusWord(from),
                     ended ? ": a completed or declined referral no longer changes"
                           : absl::StrCat(" and cannot become ", ReferralStatusWord(to))));
  }
  const bool final_target =
      to == v1::REFERRAL_STATUS_COMPLETED || to == v1::REFERRAL_STATUS_DECLINED;
  CERCLES_ASSIGN_OR_RETURN(
      std::string cleaned,
      api::CleanText(outcome, "outcome", api::MultiLine(0, kMaxReferralTextLength)));
  if (final_target && cleaned.empty()) {
    return api::InvalidField(
        "outcome",
        absl::StrCat("is required (1 to ", kMaxReferralTextLength,
                     " characters) when a referral becomes ", ReferralStatusWord(to)),
        api::reason::kFieldRequired);
  }
  if (!final_target && !cleaned.empty()) {
    return absl::InvalidArgumentError(
        "outcome is only recorded when a referral becomes COMPLETED or DECLINED");
  }
  return cleaned;
}

bool IsOpenReferral(v1::ReferralStatus status) {
  return status == v1::REFERRAL_STATUS_SENT || status == v1::REFERRAL_STATUS_ACCEPTED ||
         status == v1::REFERRAL_STATUS_IN_PROGRESS;
}

bool LinksCircleToPartner(v1::ReferralStatus status) {
  return IsOpenReferral(status) || status == v1::REFERRAL_STATUS_COMPLETED;
}

std::string ReferralStatusWord(v1::ReferralStatus status) {
  return std::string(absl::StripPrefix(v1::ReferralStatus_Name(status), "REFERRAL_STATUS_"));
}

absl::StatusOr<std::optional<v1::Partner>> DecidePartnerUpdate(
    const v1::Partner& stored, const v1::Partner& requested,
    const google::protobuf::FieldMask& mask) {
  CERCLES_ASSIGN_OR_RETURN(v1::Partner merged, ApplyPartnerMask(stored, requested, mask));
  // NormalisePartner drops what the store sets: keep it.
  merged.set_name(stored.name());
  *merged.mutable_create_time() = stored.create_time();
  *merged.mutable_update_time() = stored.update_time();
  merged.set_open_referrals(stored.open_referrals());
  if (google::protobuf::util::MessageDifferencer::Equals(merged, stored)) {
    return std::optional<v1::Partner>();  // nothing changes
  }
  return std::optional<v1::Partner>(std::move(merged));
}

absl::Status CheckPartnerTakesReferrals(const v1::Partner& partner, const std::string& name) {
  if (partner.status() == v1::PARTNER_STATUS_ACTIVE) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is inactive and takes no new referrals"));
}

void AddReferralStep(v1::Referral* referral, v1::ReferralStatus status, const std::string& note,
                     const std::string& changed_by, const google::protobuf::Timestamp& now) {
  v1::ReferralStep* step = referral->add_history();
  step->set_status(status);
  if (!note.empty()) step->set_note(note);
  step->set_changed_by(changed_by);
  *step->mutable_time() = now;
}

absl::StatusOr<bool> DecideReferralStatus(v1::Referral* referral, v1::ReferralStatus to,
                                          const std::string& outcome, const std::string& note,
                                          const std::string& changed_by,
                                          const google::protobuf::Timestamp& now,
                                          const std::string& name) {
  const v1::ReferralStatus from = referral->status();
  CERCLES_ASSIGN_OR_RETURN(std::string checked, CheckReferralTransition(from, to, outcome, name));
  referral->set_status(to);
  if (!checked.empty()) referral->set_outcome(checked);
  *referral->mutable_update_time() = now;
  AddReferralStep(referral, to, note, changed_by, now);
  return LinksCircleToPartner(from) && !LinksCircleToPartner(to);
}

}  // namespace cercles::network
