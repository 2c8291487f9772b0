#include "common/util/crypto.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cercles {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

void Sha256(absl::string_view bytes, unsigned char out[32]) {
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, EVP_sha256(), nullptr);
}

void RandomBytes(unsigned char* out, int n) {
  // RAND_bytes only fails when the OS has no entropy source: nothing sane can
  // continue then, so abort rather than hand out predictable identifiers.
  if (RAND_bytes(out, n) != 1) {
    std::fprintf(stderr, "fatal: no entropy for RAND_bytes\n");
    std::abort();
  }
}

}  // namespace

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[32];
  Sha256(bytes, digest);
  return Hex(digest, sizeof digest);
}

std::string CertificateSha256Hex(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return "";
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  unsigned char digest[32];
  unsigned int len = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), digest, &len) == 1 && len == sizeof digest;
  X509_free(cert);
  return ok ? Hex(digest, sizeof digest) : "";
}

std::string RandomHex(int n_bytes) {
  std::vector<unsigned char> buf(static_cast<size_t>(n_bytes));
  RandomBytes(buf.data(), n_bytes);
  return Hex(buf.data(), buf.size());
}

namespace {

// The canonical text of 16 bytes as a UUID of `version`, RFC 4122 variant.
std::string UuidText(unsigned char (&b)[16], int version) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string h = Hex(b, sizeof b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace

std::string NewUuid() {
  unsigned char b[16];
  RandomBytes(b, sizeof b);
  return UuidText(b, 4);
}

std::string NewTimeOrderedUuid() {
  unsigned char b[16];
  RandomBytes(b, sizeof b);
  const uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  return UuidText(b, 7);
}

int64_t StableHash64(absl::string_view bytes) {
  unsigned char digest[32];
  Sha256(bytes, digest);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | digest[i];
  int64_t out;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

}  // namespace cercles
