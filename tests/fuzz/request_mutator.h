// Structure-aware mutation of protobuf requests for the libFuzzer targets:
// instead of flipping bytes of the wire format (which almost never yields a
// request of the method: a broken tag, a string that is not UTF-8), one field
// of the parsed request is changed by reflection — a string to a hostile or
// resource-like value, a number to a boundary, an enum to an undeclared value,
// a repeated field grown or shrunk, a nested message cleared — so that nearly
// every mutated input reaches a handler.
#ifndef CERCLES_TESTS_FUZZ_REQUEST_MUTATOR_H_
#define CERCLES_TESTS_FUZZ_REQUEST_MUTATOR_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cercles::fuzz {

class RequestMutator {
 public:
  // `names`: resource names that exist (the demo fund's circles, people, loans),
  // offered as string values so that mutated requests also reach the code
  // behind the existence checks.
  explicit RequestMutator(std::vector<std::string> names);

  // Changes one to three fields of `request` (any depth), chosen with `rng`.
  void Mutate(google::protobuf::Message* request, std::mt19937_64& rng) const;

 private:
  void MutateOne(google::protobuf::Message* message, std::mt19937_64& rng, int depth) const;
  void MutateScalar(google::protobuf::Message* message,
                    const google::protobuf::FieldDescriptor* field, int index,
                    std::mt19937_64& rng) const;
  std::string StringValue(const std::string& current, std::mt19937_64& rng) const;

  std::vector<std::string> names_;
};

}  // namespace cercles::fuzz

#endif  // CERCLES_TESTS_FUZZ_REQUEST_MUTATOR_H_
