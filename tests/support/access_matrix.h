// The least-privilege matrix, proto/access_matrix.tsv: which caller (admin,
// advisor, each service by name, a peer fund, anonymous) may call each RPC. Read
// by the test that compares it with the protos' access policies and by the test
// that calls every RPC as every caller against running services.
#ifndef CERCLES_TESTS_SUPPORT_ACCESS_MATRIX_H_
#define CERCLES_TESTS_SUPPORT_ACCESS_MATRIX_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cercles::testing {

struct AccessMatrix {
  // The caller columns, in file order: admin, advisor, membership, lending,
  // network, peer-fund, anonymous.
  std::vector<std::string> callers;
  // The services among them (certificate common names).
  std::vector<std::string> services;
  struct Row {
    std::string rpc;                // "cercles.lending.v1.LendingService/RecordRepayment"
    std::set<std::string> allowed;  // the callers whose cell says "yes"
    std::string why;                // why a service or a peer fund needs it ("-": none does)
    int line = 0;
  };
  std::vector<Row> rows;  // in file order

  // "cercles.lending.v1.LendingService/RecordRepayment" -> its row, or null.
  const Row* Find(const std::string& rpc) const;
};

// Parses the file: the header names exactly the columns above, every cell is
// "yes" or "no", every RPC appears once, and a row that lets a service or a peer
// fund in says why. Errors name the line.
absl::StatusOr<AccessMatrix> ParseAccessMatrix(const std::string& text, const std::string& source);
// Reads and parses a file (CERCLES_SOURCE_DIR "/proto/access_matrix.tsv").
absl::StatusOr<AccessMatrix> LoadAccessMatrix(const std::string& path);

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_ACCESS_MATRIX_H_
