#include "common/auth/auth.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/error_details.h"
#include "common/api/text.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"

namespace cercles::auth {

using cercles::common::v1::AccessPolicy;

std::string RoleName(Role role) {
  switch (role) {
    case cercles::common::v1::ROLE_ADMIN:
      return "admin";
    case cercles::common::v1::ROLE_ADVISOR:
      return "advisor";
    case cercles::common::v1::ROLE_SERVICE:
      return "service";
    case cercles::common::v1::ROLE_PEER_FUND:
      return "peer-fund";
    default:
      return "none";
  }
}

std::string Principal::ToString() const {
  switch (kind) {
    case Kind::kStaff:
      return absl::StrCat("staff:", name);
    case Kind::kService:
      return absl::StrCat("service:", name);
    case Kind::kPeerFund:
      return absl::StrCat("fund:", name);
    case Kind::kAnonymous:
      break;
  }
  return "anonymous";
}

absl::StatusOr<TokenStore> TokenStore::Parse(const std::string& text, const std::string& source) {
  TokenStore store;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    std::string line(absl::StripAsciiWhitespace(raw));
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto error = [&](const std::string& rule) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", rule));
    };
    if (parts.size() != 3) {
      return error("expected \"<sha256 hex> <admin|advisor> <name>\"");
    }
    if (!api::IsSha256Hex(parts[0])) {
      return error("the token hash must be 64 lower-case hex characters (sha256)");
    }
    Role role;
    if (parts[1] == "admin") {
      role = cercles::common::v1::ROLE_ADMIN;
    } else if (parts[1] == "advisor") {
      role = cercles::common::v1::ROLE_ADVISOR;
    } else {
      return error(absl::StrCat("unknown role \"", parts[1], "\" (admin or advisor)"));
    }
    store.Add(parts[0], TokenEntry{role, parts[2]});
  }
  return store;
}

namespace {

absl::StatusOr<std::string> ReadTokensFile(const std::string& path) {
  std::ifstream in(path);
  if (!in.good())
    return absl::InvalidArgumentError(absl::StrCat("cannot read tokens file \"", path, "\""));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read tokens file \"", path, "\""));
  }
  return buffer.str();
}

}  // namespace

absl::StatusOr<TokenStore> TokenStore::LoadFile(const std::string& path) {
  CERCLES_ASSIGN_OR_RETURN(std::string text, ReadTokensFile(path));
  return Parse(text, path);
}

const TokenEntry* TokenStore::Find(const std::string& token) const {
  auto it = by_hash_.find(Sha256Hex(token));
  return it == by_hash_.end() ? nullptr : &it->second;
}

void Authenticator::SetTokens(TokenStore tokens) {
  auto next = std::make_shared<const TokenStore>(std::move(tokens));
  absl::MutexLock lock(&mu_);
  tokens_ = std::move(next);
}

std::shared_ptr<const TokenStore> Authenticator::Tokens() const {
  absl::MutexLock lock(&mu_);
  return tokens_;
}

size_t Authenticator::token_count() const { return Tokens()->size(); }

absl::Status TokenFileWatcher::Load() {
  CERCLES_ASSIGN_OR_RETURN(std::string text, ReadTokensFile(path_));
  CERCLES_ASSIGN_OR_RETURN(TokenStore tokens, TokenStore::Parse(text, path_));
  absl::MutexLock lock(&mu_);
  authenticator_->SetTokens(std::move(tokens));
  installed_ = std::move(text);
  return absl::OkStatus();
}

TokenFileWatcher::Result TokenFileWatcher::Reload() {
  absl::MutexLock lock(&mu_);
  // One warning per distinct fault, not one per re-read.
  auto keep_last_good = [&](const std::string& fault, const absl::Status& status) {
    if (fault != warned_) {
      log::Warning("tokens file unusable: the last good tokens stay in force",
                   {{"path", path_},
                    {"error", std::string(status.message())},
                    {"tokens", static_cast<int64_t>(authenticator_->token_count())}});
      warned_ = fault;
    }
    return Result::kKeptLastGood;
  };
  absl::StatusOr<std::string> text = ReadTokensFile(path_);
  // Missing or unreadable: a Secret being swapped, a wrong mode.
  if (!text.ok()) return keep_last_good("unreadable", text.status());
  if (*text == installed_) {
    warned_.clear();
    return Result::kUnchanged;
  }
  // An empty file is what a writer that truncates first leaves for a moment:
  // revoking every token takes a file that says so (a comment line).
  if (absl::StripAsciiWhitespace(*text).empty()) {
    return keep_last_good(
        "empty", absl::InvalidArgumentError("the file is empty (to revoke every token, leave a "
                                            "comment line in it)"));
  }
  absl::StatusOr<TokenStore> tokens = TokenStore::Parse(*text, path_);
  if (!tokens.ok()) return keep_last_good("malformed:" + *text, tokens.status());
  const int64_t count = static_cast<int64_t>(tokens->size());
  authenticator_->SetTokens(*std::move(tokens));
  installed_ = *std::move(text);
  warned_.clear();
  log::Info("tokens reloaded", {{"path", path_}, {"tokens", count}});
  return Result::kReloaded;
}

void Authenticator::SetPeerFunds(std::map<std::string, std::string> pins_by_common_name) {
  absl::MutexLock lock(&mu_);
  peer_funds_ = std::move(pins_by_common_name);
}

std::string PeerCertificateSha256(const grpc::AuthContext* auth) {
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  for (const grpc::string_ref& value : auth->FindPropertyValues("x509_pem_cert")) {
    return CertificateSha256Hex(absl::string_view(value.data(), value.size()));
  }
  return "";
}

std::string PeerCommonName(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  for (const grpc::string_ref& value : auth->FindPropertyValues("x509_common_name")) {
    return std::string(value.data(), value.size());
  }
  return "";
}

absl::StatusOr<Principal> Authenticator::Identify(const std::string& authorization,
                                                  const std::string& peer_common_name,
                                                  const grpc::AuthContext* auth) const {
  Principal principal;
  if (!authorization.empty()) {
    constexpr absl::string_view kBearer = "Bearer ";
    if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
      return absl::UnauthenticatedError("the authorization header must be \"Bearer <token>\"");
    }
    const std::shared_ptr<const TokenStore> tokens = Tokens();
    const TokenEntry* entry = tokens->Find(authorization.substr(kBearer.size()));
    if (entry == nullptr) return absl::UnauthenticatedError("the bearer token is not recognised");
    principal.kind = Principal::Kind::kStaff;
    principal.name = entry->name;
    principal.role = entry->role;
    return principal;
  }
  if (!peer_common_name.empty()) {
    if (trusted_services_.count(peer_common_name) > 0) {
      principal.kind = Principal::Kind::kService;
      principal.name = peer_common_name;
      principal.role = cercles::common::v1::ROLE_SERVICE;
      return principal;
    }
    std::string pin;
    bool peer = false;
    {
      absl::MutexLock lock(&mu_);
      auto it = peer_funds_.find(peer_common_name);
      peer = it != peer_funds_.end();
      if (peer) pin = it->second;
    }
    if (peer && !pin.empty() && PeerCertificateSha256(auth) != pin) {
      return absl::UnauthenticatedError(absl::StrCat(
          "the client certificate \"", peer_common_name,
          "\" is not the one registered for that peer fund: its SHA-256 fingerprint differs"));
    }
    if (peer) {
      principal.kind = Principal::Kind::kPeerFund;
      principal.name = peer_common_name;
      principal.role = cercles::common::v1::ROLE_PEER_FUND;
      return principal;
    }
    return absl::UnauthenticatedError(
        absl::StrCat("the client certificate \"", peer_common_name,
                     "\" is neither a service of this deployment nor a registered peer fund"));
  }
  return principal;  // anonymous
}

absl::StatusOr<Principal> Authenticator::Identify(const grpc::ServerContextBase& context) const {
  std::string authorization;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  return Identify(authorization, PeerCommonName(context), auth.get());
}

void Authorizer::AddService(const google::protobuf::ServiceDescriptor* service) {
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service->method(i);
    auto method = std::make_unique<Method>();
    method->descriptor = m;
    method->path = absl::StrCat("/", service->full_name(), "/", m->name());
    const auto& options = m->options();
    method->has_policy = options.HasExtension(cercles::common::v1::access_policy);
    if (method->has_policy)
      method->policy = options.GetExtension(cercles::common::v1::access_policy);
    by_request_type_[m->input_type()->full_name()] = method.get();
    by_path_[method->path] = method.get();
    methods_.push_back(std::move(method));
  }
}

const google::protobuf::MethodDescriptor* Authorizer::MethodFor(
    const google::protobuf::Descriptor& request_type) const {
  auto it = by_request_type_.find(request_type.full_name());
  return it == by_request_type_.end() ? nullptr : it->second->descriptor;
}

absl::StatusOr<Principal> Authorizer::CheckPolicy(const grpc::ServerContextBase& context,
                                                  const Method& method) const {
  if (!method.has_policy) {
    return api::WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                                  method.path, " declares no access policy: denied by default")),
                              api::reason::kPermissionDeniedRole, {{"method", method.path}});
  }
  absl::StatusOr<Principal> principal = authenticator_->Identify(context);
  if (!principal.ok()) return principal.status();
  CERCLES_RETURN_IF_ERROR(CheckAccess(method.policy, *principal, method.path));
  return principal;
}

absl::Status CheckAccess(const cercles::common::v1::AccessPolicy& policy, const Principal& who,
                         const std::string& path) {
  if (policy.allow_unauthenticated()) return absl::OkStatus();
  if (who.kind == Principal::Kind::kAnonymous) {
    return absl::UnauthenticatedError(
        absl::StrCat(path, " needs credentials: a bearer token or a client certificate"));
  }
  // A service is let through by its name only, staff and peer funds by role:
  // ROLE_SERVICE in allowed_roles grants nothing (proto/access_matrix.tsv).
  if (who.kind == Principal::Kind::kService) {
    for (const std::string& name : policy.services()) {
      if (name == who.name) return absl::OkStatus();
    }
  } else {
    for (int role : policy.allowed_roles()) {
      if (role == who.role) return absl::OkStatus();
    }
  }
  std::vector<std::string> roles;
  for (int role : policy.allowed_roles()) roles.push_back(RoleName(static_cast<Role>(role)));
  return api::WithErrorInfo(
      absl::PermissionDeniedError(absl::StrCat(
          who.ToString(), " (role ", RoleName(who.role), ") may not call ", path,
          "; allowed roles: ", roles.empty() ? "none" : absl::StrJoin(roles, ", "),
          "; allowed services: ",
          policy.services().empty() ? "none" : absl::StrJoin(policy.services(), ", "))),
      api::reason::kPermissionDeniedRole, {{"method", path}, {"role", RoleName(who.role)}});
}

absl::StatusOr<Principal> Authorizer::Check(const grpc::ServerContextBase& context,
                                            const google::protobuf::Message& request) const {
  auto it = by_request_type_.find(request.GetDescriptor()->full_name());
  if (it == by_request_type_.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "no registered RPC takes ", request.GetDescriptor()->full_name(), ": denied by default"));
  }
  return CheckPolicy(context, *it->second);
}

absl::StatusOr<Principal> Authorizer::CheckMethod(const grpc::ServerContextBase& context,
                                                  const std::string& method_path) const {
  auto it = by_path_.find(method_path);
  if (it == by_path_.end()) {
    return absl::PermissionDeniedError(absl::StrCat(method_path, " is not a registered RPC"));
  }
  return CheckPolicy(context, *it->second);
}

std::vector<std::string> MethodsWithoutPolicy(const google::protobuf::ServiceDescriptor* service) {
  std::vector<std::string> missing;
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    if (!m->options().HasExtension(cercles::common::v1::access_policy)) {
      missing.push_back(m->full_name());
    } else {
      const auto& policy = m->options().GetExtension(cercles::common::v1::access_policy);
      if (policy.allowed_roles().empty() && policy.services().empty() &&
          !policy.allow_unauthenticated()) {
        missing.push_back(m->full_name());
      }
    }
  }
  return missing;
}

}  // namespace cercles::auth
