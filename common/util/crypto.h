// Hashes and random identifiers (OpenSSL's libcrypto).
#ifndef CERCLES_COMMON_UTIL_CRYPTO_H_
#define CERCLES_COMMON_UTIL_CRYPTO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cercles {

// Lower-case hex SHA-256 of the bytes.
std::string Sha256Hex(absl::string_view bytes);
// Lower-case hex SHA-256 of the DER bytes of the first certificate of a PEM
// text: the certificate's fingerprint, as `openssl x509 -fingerprint -sha256`
// prints it (without its colons). "" when the text holds no certificate.
std::string CertificateSha256Hex(absl::string_view pem);
// n random bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string RandomHex(int n_bytes);
// A random RFC 4122 version 4 UUID, lower case.
std::string NewUuid();
// An RFC 9562 version 7 UUID, lower case: the Unix time in milliseconds, then
// 74 random bits. Ids made later sort later (to the millisecond), so a unique
// index of them grows at its end instead of touching a random page per insert
// (event ids: one WAL page fewer per event on SQLite).
std::string NewTimeOrderedUuid();
// First 8 bytes of SHA-256 as a signed 64-bit number (stable lock ids).
int64_t StableHash64(absl::string_view bytes);

}  // namespace cercles

#endif  // CERCLES_COMMON_UTIL_CRYPTO_H_
