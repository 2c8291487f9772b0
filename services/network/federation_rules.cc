#include "services/network/federation_rules.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/text.h"
#include "common/redaction/redaction.h"
#include "common/util/status_macros.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;

constexpr size_t kMaxNameLength = 100;
constexpr size_t kMaxBusinessNameLength = 120;
constexpr size_t kMaxSectorLength = 64;
constexpr int kMaxExpertiseEntries = 20;
constexpr size_t kMaxExpertiseLength = 64;
constexpr size_t kMaxCircleNameLength = 200;

bool CommonNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// "host:port" with a non-empty host without white space and a port 1..65535.
absl::Status CheckAddress(const std::string& address, const std::string& field) {
  const size_t colon = address.rfind(':');
  int port = 0;
  const bool ok = colon != std::string::npos && colon > 0 &&
                  absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 1 &&
                  port <= 65535 && !absl::StrContains(address, ' ') &&
                  !absl::StrContains(address.substr(colon + 1), '+');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, " must be \"host:port\" with a port from 1 to 65535, got ", api::Quoted(address, 80)));
}

}  // namespace

std::string PeerName(const std::string& fund_id) { return absl::StrCat("peers/", fund_id); }

absl::StatusOr<std::string> ParsePeerName(const std::string& name, const std::string& field) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "peers/") || !ValidFundId(rest)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be \"peers/{fund_id}\", got ", api::Quoted(name, 80)));
  }
  return std::string(rest);
}

std::string TransferName(int64_t transfer_id) { return absl::StrCat("transfers/", transfer_id); }

std::string PeerCursorSource(const std::string& fund_id) { return absl::StrCat("peer:", fund_id); }

absl::StatusOr<std::string> NormaliseFingerprint(const std::string& fingerprint) {
  // "AB:CD:..." as openssl prints it, or the bare digits.
  std::string digits;
  bool ok = fingerprint.size() <= 95;
  for (size_t i = 0; ok && i < fingerprint.size(); ++i) {
    const char c = fingerprint[i];
    if (c == ':' && i % 3 == 2) continue;
    ok = absl::ascii_isxdigit(static_cast<unsigned char>(c));
    digits.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (!ok || digits.size() != 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "peer.certificate_sha256 ", api::Quoted(fingerprint),
        " must be a SHA-256 fingerprint: 64 hex digits, in pairs separated by ':' or not"));
  }
  return digits;
}

absl::StatusOr<v1::PeerFund> NormalisePeer(const v1::PeerFund& peer, const std::string& own_fund_id,
                                           const std::set<std::string>& trusted_services) {
  v1::PeerFund out;
  CERCLES_RETURN_IF_ERROR(CheckFundId(peer.fund_id(), "peer.fund_id"));
  if (peer.fund_id() == own_fund_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "peer.fund_id \"", peer.fund_id(), "\" is this fund's own id: a fund is not its own peer"));
  }
  out.set_fund_id(peer.fund_id());
  out.set_name(PeerName(peer.fund_id()));
  const std::string& cn = peer.certificate_common_name();
  bool cn_ok = !cn.empty() && cn.size() <= kMaxCommonNameLength;
  for (char c : cn) cn_ok = cn_ok && CommonNameChar(c);
  if (!cn_ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("peer.certificate_common_name must be 1 to ", kMaxCommonNameLength,
                     " characters of A-Z, a-z, 0-9, '.', '_' and '-'"));
  }
  if (trusted_services.count(cn) > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "peer.certificate_common_name \"", cn,
        "\" is a service of this deployment: a peer fund needs a certificate of its own"));
  }
  out.set_certificate_common_name(cn);
  if (!peer.certificate_sha256().empty()) {
    CERCLES_ASSIGN_OR_RETURN(*out.mutable_certificate_sha256(),
                             NormaliseFingerprint(peer.certificate_sha256()));
  }
  if (!peer.address().empty()) {
    CERCLES_RETURN_IF_ERROR(CheckAddress(peer.address(), "peer.address"));
    out.set_address(peer.address());
  }
  if (!peer.tls_server_name().empty()) {
    if (peer.address().empty()) {
      return absl::InvalidArgumentError(
          "peer.tls_server_name needs peer.address (it is the name the peer's server shows there)");
    }
    bool ok = peer.tls_server_name().size() <= 253;
    for (char c : peer.tls_server_name()) ok = ok && CommonNameChar(c);
    if (!ok) {
      return absl::InvalidArgumentError(
          "peer.tls_server_name must be a host name: at most 253 characters of A-Z, a-z, 0-9, "
          "'.', '_' and '-'");
    }
    out.set_tls_server_name(peer.tls_server_name());
  }
  CERCLES_ASSIGN_OR_RETURN(*out.mutable_display_name(),
                           api::CleanText(peer.display_name(), "peer.display_name",
                                          api::OneLine(0, kMaxPeerDisplayNameLength)));
  CERCLES_ASSIGN_OR_RETURN(
      *out.mutable_region(),
      api::CleanText(peer.region(), "peer.region", api::OneLine(0, kMaxPeerRegionLength)));
  return out;
}

std::string PeerServerName(const v1::PeerFund& peer) {
  if (!peer.tls_server_name().empty()) return peer.tls_server_name();
  std::string host = peer.address().substr(0, peer.address().rfind(':'));
  // "[::1]:5000" -> "::1".
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

absl::StatusOr<v1::TransferCandidate> CandidateFromPerson(const mv1::Person& person) {
  if (!person.consents().share_with_other_funds()) {
    return absl::FailedPreconditionError(absl::StrCat(
        person.name(),
        " has not consented to share with other funds (consents.share_with_other_funds is "
        "false): nothing about them may cross to another fund"));
  }
  if (person.status() != mv1::PERSON_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat(person.name(), " has withdrawn from the fund: only active people move"));
  }
  // Built field by field (never by copying the person) so that nothing else
  // can cross; the redaction then clears whatever a later field marks sensitive.
  v1::TransferCandidate candidate;
  candidate.set_given_name(person.given_name());
  candidate.set_family_name(person.family_name());
  candidate.set_language(person.language());
  candidate.set_business_name(person.business().name());
  candidate.set_business_sector(person.business().sector());
  candidate.set_business_stage(person.business().stage());
  if (person.expertise_opt_in()) {
    candidate.set_expertise_opt_in(true);
    *candidate.mutable_expertise() = person.expertise();
  }
  candidate.set_trainings_completed(person.trainings_completed());
  *candidate.mutable_consents() = person.consents();
  redaction::RedactSensitive(&candidate);
  return candidate;
}

absl::StatusOr<v1::TransferCandidate> ValidateCandidate(const v1::TransferCandidate& candidate,
                                                        const std::string& field) {
  if (!candidate.consents().share_with_other_funds()) {
    return absl::FailedPreconditionError(absl::StrCat(
        field,
        ".consents.share_with_other_funds is false: the person has not consented to share with "
        "other funds, so no transfer can be proposed (nothing was stored)"));
  }
  if (candidate.expertise_size() > 0 && !candidate.expertise_opt_in()) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ".expertise is given but ", field,
        ".expertise_opt_in is false: expertise crosses only with the person's opt-in"));
  }
  v1::TransferCandidate out;
  CERCLES_ASSIGN_OR_RETURN(*out.mutable_given_name(),
                           api::CleanText(candidate.given_name(), field + ".given_name",
                                          api::OneLine(1, kMaxNameLength)));
  CERCLES_ASSIGN_OR_RETURN(*out.mutable_family_name(),
                           api::CleanText(candidate.family_name(), field + ".family_name",
                                          api::OneLine(1, kMaxNameLength)));
  if (candidate.language() == mv1::LANGUAGE_UNSPECIFIED ||
      !mv1::Language_IsValid(candidate.language())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".language is required (FR or EN)"));
  }
  out.set_language(candidate.language());
  CERCLES_ASSIGN_OR_RETURN(*out.mutable_business_name(),
                           api::CleanText(candidate.business_name(), field + ".business_name",
                                          api::OneLine(0, kMaxBusinessNameLength)));
  CERCLES_ASSIGN_OR_RETURN(*out.mutable_business_sector(),
                           api::CleanText(candidate.business_sector(), field + ".business_sector",
                                          api::OneLine(0, kMaxSectorLength)));
  if (!mv1::BusinessStage_IsValid(candidate.business_stage())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".business_stage is not a known BusinessStage"));
  }
  out.set_business_stage(candidate.business_stage());
  if (candidate.expertise_size() > kMaxExpertiseEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".expertise has at most ", kMaxExpertiseEntries, " entries"));
  }
  for (const std::string& e : candidate.expertise()) {
    CERCLES_ASSIGN_OR_RETURN(
        *out.add_expertise(),
        api::CleanText(e, field + ".expertise", api::OneLine(1, kMaxExpertiseLength)));
  }
  out.set_expertise_opt_in(candidate.expertise_opt_in());
  if (candidate.trainings_completed() < 0 || candidate.trainings_completed() > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".trainings_completed must be from 0 to 1000"));
  }
  out.set_trainings_completed(candidate.trainings_completed());
  *out.mutable_consents() = candidate.consents();
  return out;
}

absl::StatusOr<CircleKey> CheckPeerCircle(v1::NetworkCircle* circle,
                                          const std::string& peer_fund_id) {
  CERCLES_ASSIGN_OR_RETURN(CircleKey key, ParseNetworkCircleName(circle->name(), "circle.name"));
  if (key.fund_id != peer_fund_id || circle->fund_id() != peer_fund_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("peer \"", peer_fund_id, "\" sent circle ", api::Quoted(circle->name(), 80),
                     " of another fund: a peer's directory holds only its own circles"));
  }
  if (circle->display_name().size() > kMaxCircleNameLength ||
      circle->characteristics_size() > kMaxPeerCircleCharacteristics ||
      circle->member_count() < 0 || circle->member_count() > kMaxPeerCircleMembers ||
      circle->open_seats() < 0 || circle->open_seats() > kMaxPeerCircleMembers) {
    return absl::InvalidArgumentError(
        absl::StrCat("peer \"", peer_fund_id, "\" sent circle \"", circle->name(),
                     "\" with out-of-range fields (name, characteristics or sizes)"));
  }
  // Lineage edges stay inside the peer's fund: a peer cannot attach its
  // circles to another fund's nodes in this graph.
  std::vector<std::string> lineage;
  for (const std::string& source : circle->merged_from()) {
    absl::StatusOr<CircleKey> from = ParseNetworkCircleName(source, "merged_from");
    if (from.ok() && from->fund_id == peer_fund_id) lineage.push_back(source);
  }
  circle->clear_merged_from();
  for (std::string& source : lineage) circle->add_merged_from(std::move(source));
  redaction::RedactSensitive(circle);
  return key;
}

absl::Status CheckPeerRegistrable(const v1::PeerFund& peer,
                                  const std::optional<v1::PeerFund>& existing,
                                  const std::optional<v1::PeerFund>& same_common_name) {
  if (existing.has_value() && existing->status() == v1::PEER_FUND_STATUS_ACTIVE) {
    return absl::AlreadyExistsError(
        absl::StrCat(peer.name(), " is already registered (revoke it first to change it)"));
  }
  if (same_common_name.has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("peer.certificate_common_name \"", peer.certificate_common_name(),
                     "\" already identifies ", same_common_name->name()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::PeerFund> DecidePeerRevocation(const std::optional<v1::PeerFund>& peer,
                                                  const std::string& name,
                                                  const std::string& reason,
                                                  const std::string& revoked_by,
                                                  const google::protobuf::Timestamp& now) {
  if (!peer.has_value()) {
    return absl::NotFoundError(absl::StrCat("peer fund \"", name, "\" is not registered"));
  }
  if (peer->status() != v1::PEER_FUND_STATUS_ACTIVE) {
    return absl::FailedPreconditionError(absl::StrCat(name, " is already revoked"));
  }
  v1::PeerFund revoked = *peer;
  revoked.set_status(v1::PEER_FUND_STATUS_REVOKED);
  *revoked.mutable_revoke_time() = now;
  revoked.set_revoke_reason(reason);
  revoked.set_revoked_by(revoked_by);
  return revoked;
}

absl::Status CheckCircleTakesTransfer(const std::optional<v1::NetworkCircle>& circle,
                                      const std::string& name, const std::string& fund_id) {
  if (!circle.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("circle \"", name, "\" is not in ", fund_id, "'s directory"));
  }
  if (!AcceptsMembers(circle->status()) || circle->open_seats() <= 0) {
    return absl::FailedPreconditionError(absl::StrCat(name, " does not take in members now (",
                                                      circle->open_seats(), " seats left)"));
  }
  return absl::OkStatus();
}

absl::Status CheckTransferVisibleToPeer(const std::optional<v1::MemberTransfer>& transfer,
                                        const std::string& peer_fund_id, const std::string& name) {
  if (!transfer.has_value() || transfer->direction() != v1::TRANSFER_DIRECTION_INCOMING) {
    return absl::NotFoundError(
        absl::StrCat("transfer \"", name, "\" was not proposed to this fund"));
  }
  if (transfer->peer_fund_id() != peer_fund_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        name, " was proposed by another fund: a peer reads only the transfers it proposed"));
  }
  return absl::OkStatus();
}

}  // namespace cercles::network
