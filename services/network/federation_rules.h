// Rules of the federation with other regional funds: what a peer registration
// holds, what of a person may cross to another fund (only with their consent),
// and what this fund accepts from a peer's directory stream. No gRPC, no SQL.
#ifndef CERCLES_SERVICES_NETWORK_FEDERATION_RULES_H_
#define CERCLES_SERVICES_NETWORK_FEDERATION_RULES_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "cercles/membership/v1/people.pb.h"
#include "cercles/network/v1/federation.pb.h"
#include "cercles/network/v1/network.pb.h"
#include "services/network/directory_rules.h"

namespace cercles::network {

inline constexpr size_t kMaxCommonNameLength = 64;
inline constexpr size_t kMaxPeerDisplayNameLength = 120;
inline constexpr size_t kMaxPeerRegionLength = 64;
inline constexpr size_t kMaxFederationNoteLength = 500;
// What a peer's directory may carry per circle (beyond: the circle is refused).
inline constexpr int kMaxPeerCircleCharacteristics = 64;
inline constexpr int kMaxPeerCircleMembers = 1000;

// "peers/{fund_id}".
std::string PeerName(const std::string& fund_id);
absl::StatusOr<std::string> ParsePeerName(const std::string& name, const std::string& field);

// "transfers/{id}".
std::string TransferName(int64_t transfer_id);

// The event cursor of a peer's directory stream ("peer:{fund_id}").
std::string PeerCursorSource(const std::string& fund_id);

// peer.certificate_sha256 as 64 lower-case hex digits (colons between pairs
// and upper case accepted); INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<std::string> NormaliseFingerprint(const std::string& fingerprint);

// Checks and normalises a registration: fund id (not `own_fund_id`),
// certificate common name (never one of `trusted_services`, which would make
// the peer a service of this deployment), address "host:port" (optional),
// TLS server name, display name and region. Output-only fields are cleared.
absl::StatusOr<v1::PeerFund> NormalisePeer(const v1::PeerFund& peer, const std::string& own_fund_id,
                                           const std::set<std::string>& trusted_services);

// Whether `peer` may be registered: ALREADY_EXISTS when `existing` (the stored
// registration of its fund) is ACTIVE, or when `same_common_name` (the active
// peer with its certificate common name) exists.
absl::Status CheckPeerRegistrable(const v1::PeerFund& peer,
                                  const std::optional<v1::PeerFund>& existing,
                                  const std::optional<v1::PeerFund>& same_common_name);

// RevokePeerFund's decision on `peer` (as stored; nullopt: not registered),
// named `name`: NOT_FOUND, FAILED_PRECONDITION when already revoked, else the
// peer REVOKED at `now` by `revoked_by` for `reason`.
absl::StatusOr<v1::PeerFund> DecidePeerRevocation(const std::optional<v1::PeerFund>& peer,
                                                  const std::string& name,
                                                  const std::string& reason,
                                                  const std::string& revoked_by,
                                                  const google::protobuf::Timestamp& now);

// Whether the directory's `circle` (nullopt: not there), named `name` in
// `fund_id`'s directory, takes in a transferred member now: NOT_FOUND, or
// FAILED_PRECONDITION when it accepts no members or has no open seat.
absl::Status CheckCircleTakesTransfer(const std::optional<v1::NetworkCircle>& circle,
                                      const std::string& name, const std::string& fund_id);

// What a peer reads of a transfer (nullopt: none with that id): NOT_FOUND unless
// it was proposed to this fund (INCOMING), PERMISSION_DENIED when another fund
// (not `peer_fund_id`) proposed it.
absl::Status CheckTransferVisibleToPeer(const std::optional<v1::MemberTransfer>& transfer,
                                        const std::string& peer_fund_id, const std::string& name);

// The TLS name to expect from the peer's server: tls_server_name, or the host
// of its address.
std::string PeerServerName(const v1::PeerFund& peer);

// What crosses to another fund about `person`: FAILED_PRECONDITION when the
// person did not consent to share with other funds (nothing crosses then).
// Contact details, birth date and gender never cross; expertise only with
// the person's opt-in.
absl::StatusOr<v1::TransferCandidate> CandidateFromPerson(
    const cercles::membership::v1::Person& person);

// Checks a candidate received from a peer: consent first (FAILED_PRECONDITION
// without share_with_other_funds, or with expertise but no opt-in), then the
// fields (INVALID_ARGUMENT naming `field`).
absl::StatusOr<v1::TransferCandidate> ValidateCandidate(const v1::TransferCandidate& candidate,
                                                        const std::string& field);

// A circle as received from `peer_fund_id`'s directory stream: it must be
// one of that fund's circles, with sane sizes; lineage pointing outside the
// peer's fund is dropped. Returns the circle's key.
absl::StatusOr<CircleKey> CheckPeerCircle(v1::NetworkCircle* circle,
                                          const std::string& peer_fund_id);

}  // namespace cercles::network

#endif  // CERCLES_SERVICES_NETWORK_FEDERATION_RULES_H_
