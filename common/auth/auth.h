// Who is calling, and may they call this RPC?
//
// Principals come from the mTLS peer certificate (a service of this deployment or
// a registered peer fund, by certificate common name) or from a bearer token (fund
// staff). Tokens are kept as SHA-256 hashes only. The access policy of every RPC
// is declared in the .proto (option cercles.common.v1.access_policy), follows the
// least-privilege matrix proto/access_matrix.tsv, and is enforced by
// Authorizer::Check, the one check every handler of every service goes through:
// staff and peer funds by role, each service by its certificate's name.
#ifndef CERCLES_COMMON_AUTH_AUTH_H_
#define CERCLES_COMMON_AUTH_AUTH_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cercles/common/v1/options.pb.h"

namespace cercles::auth {

using Role = cercles::common::v1::Role;

struct Principal {
  enum class Kind { kAnonymous, kStaff, kService, kPeerFund };
  Kind kind = Kind::kAnonymous;
  std::string name;  // token name, or certificate common name
  Role role = cercles::common::v1::ROLE_UNSPECIFIED;

  // "staff:alice", "service:lending", "fund:fund-quebec", "anonymous".
  std::string ToString() const;
};

// "admin" / "advisor" / "service" / "peer-fund".
std::string RoleName(Role role);

struct TokenEntry {
  Role role;
  std::string name;
};

// Staff tokens by SHA-256 hex. File format, one token per line:
//   <sha256 hex of the token> <admin|advisor> <name>
// Blank lines and lines starting with '#' are ignored.
class TokenStore {
 public:
  static absl::StatusOr<TokenStore> LoadFile(const std::string& path);
  static absl::StatusOr<TokenStore> Parse(const std::string& text, const std::string& source);
  void Add(const std::string& sha256_hex, TokenEntry entry) { by_hash_[sha256_hex] = entry; }
  const TokenEntry* Find(const std::string& token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  std::map<std::string, TokenEntry> by_hash_;
};

// Maps a call's credentials to a Principal.
class Authenticator {
 public:
  Authenticator(TokenStore tokens, std::set<std::string> trusted_services)
      : trusted_services_(std::move(trusted_services)),
        tokens_(std::make_shared<const TokenStore>(std::move(tokens))) {}

  // Replaces the staff tokens (the tokens file was re-read): calls identified
  // from now on see only these. Calls already identified keep their principal.
  void SetTokens(TokenStore tokens) ABSL_LOCKS_EXCLUDED(mu_);
  size_t token_count() const ABSL_LOCKS_EXCLUDED(mu_);

  // Peer funds may be registered and revoked at run time (network's federation):
  // by certificate common name, each with the SHA-256 fingerprint its
  // certificate must have (lower-case hex; "" when not pinned). A peer's name
  // on a certificate with another fingerprint is refused (UNAUTHENTICATED).
  void SetPeerFunds(std::map<std::string, std::string> pins_by_common_name)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Identifies the caller. A present but unknown bearer token is an error
  // (UNAUTHENTICATED), never silently anonymous.
  absl::StatusOr<Principal> Identify(const grpc::ServerContextBase& context) const;

  // Same from raw parts (for the logging interceptor and tests); `auth`, the
  // call's auth context, gives the certificate a pinned peer is checked by
  // (null: no certificate to check, a pinned peer is refused).
  absl::StatusOr<Principal> Identify(const std::string& authorization_header,
                                     const std::string& peer_common_name,
                                     const grpc::AuthContext* auth = nullptr) const;

 private:
  std::shared_ptr<const TokenStore> Tokens() const ABSL_LOCKS_EXCLUDED(mu_);

  std::set<std::string> trusted_services_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenStore> tokens_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> peer_funds_ ABSL_GUARDED_BY(mu_);  // CN -> pin
};

// Keeps an Authenticator's staff tokens in step with the tokens file, so a
// revoked token is refused, and a new one accepted, without a restart. Reload
// re-reads the file (a few hundred bytes; the runner calls it every few seconds
// on its util::Periodic) and installs it when its content changed. A file that
// cannot be read or parsed, or is empty, changes nothing: the last good set
// stays in force and one warning is logged per distinct fault, so a deleted,
// truncated or half-written file never leaves the service with no tokens (or a
// wrong set). Revoking every token takes a file with only a comment line.
class TokenFileWatcher {
 public:
  enum class Result { kUnchanged, kReloaded, kKeptLastGood };

  // `authenticator` must outlive the watcher. Reads nothing yet.
  TokenFileWatcher(std::string path, Authenticator* authenticator)
      : path_(std::move(path)), authenticator_(authenticator) {}

  // The start: the file must be readable and well formed (the error names it).
  absl::Status Load() ABSL_LOCKS_EXCLUDED(mu_);
  // Re-reads the file: kReloaded (logged with the number of tokens) when a new
  // good content was installed, kKeptLastGood while the file is unreadable or
  // malformed, kUnchanged when it holds the set in force.
  Result Reload() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string path_;
  Authenticator* const authenticator_;
  absl::Mutex mu_;
  std::string installed_ ABSL_GUARDED_BY(mu_);  // the content of the set in force
  std::string warned_ ABSL_GUARDED_BY(mu_);     // the fault last warned about, "" if none
};

// The peer certificate's common name, or "" without a verified certificate.
std::string PeerCommonName(const grpc::ServerContextBase& context);
// The SHA-256 fingerprint (lower-case hex) of the verified peer certificate,
// or "" without one.
std::string PeerCertificateSha256(const grpc::AuthContext* auth);

// Access policies of every method of the registered services, looked up by the
// request message type (unique per RPC: buf's STANDARD lint enforces it) or by
// the method's full path "/package.Service/Method".
class Authorizer {
 public:
  explicit Authorizer(const Authenticator* authenticator) : authenticator_(authenticator) {}

  // Reads the access_policy option of every method of the service.
  void AddService(const google::protobuf::ServiceDescriptor* service);

  // Identifies the caller and checks the policy of the RPC whose request type is
  // request.GetDescriptor(). UNAUTHENTICATED without valid credentials,
  // PERMISSION_DENIED when the RPC declares no policy, when a staff member's or a
  // peer fund's role is not in allowed_roles, or when a service's name is not in
  // services.
  absl::StatusOr<Principal> Check(const grpc::ServerContextBase& context,
                                  const google::protobuf::Message& request) const;
  absl::StatusOr<Principal> CheckMethod(const grpc::ServerContextBase& context,
                                        const std::string& method_path) const;

  const Authenticator& authenticator() const { return *authenticator_; }

  // The registered RPC whose request type is `request_type` (unique per RPC),
  // or null. The write path keys idempotency by its full name.
  const google::protobuf::MethodDescriptor* MethodFor(
      const google::protobuf::Descriptor& request_type) const;

 private:
  struct Method {
    const google::protobuf::MethodDescriptor* descriptor = nullptr;
    std::string path;
    bool has_policy = false;
    cercles::common::v1::AccessPolicy policy;
  };
  absl::StatusOr<Principal> CheckPolicy(const grpc::ServerContextBase& context,
                                        const Method& method) const;

  const Authenticator* authenticator_;
  std::map<std::string, const Method*> by_request_type_;
  std::map<std::string, const Method*> by_path_;
  std::vector<std::unique_ptr<Method>> methods_;
};

// The access check proper, once the caller is identified: OK when `policy` lets
// `who` call `path`; UNAUTHENTICATED for an anonymous caller of an RPC that needs
// credentials; PERMISSION_DENIED when a staff member's or a peer fund's role is
// not in allowed_roles, or a service's name is not in services.
absl::Status CheckAccess(const cercles::common::v1::AccessPolicy& policy, const Principal& who,
                         const std::string& path);

// Methods of the service that declare no access policy, or one that lets no one
// in (the policy test uses it).
std::vector<std::string> MethodsWithoutPolicy(const google::protobuf::ServiceDescriptor* service);

}  // namespace cercles::auth

#endif  // CERCLES_COMMON_AUTH_AUTH_H_
