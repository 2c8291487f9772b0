// The words cerclesctl's tables and records print for enum values (issue 15):
// the code word in English ("active", as the options accept it), its French
// from the catalogue of enum_words_fr.cc in French ("actif"). JSON, YAML and
// CSV keep the code words: machines read those, and ShortEnumName gives them.
#ifndef CERCLES_TOOLS_CERCLESCTL_ENUM_WORDS_H_
#define CERCLES_TOOLS_CERCLESCTL_ENUM_WORDS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/generated_enum_reflection.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// An enum cerclesctl prints for a person to read, and the prefix its values
// lose in the code word (LOAN_STATE_ACTIVE -> "active").
struct PrintedEnum {
  const google::protobuf::EnumDescriptor* descriptor;
  absl::string_view prefix;
};
// Every such enum: EnumWord prints only these, and the language test requires
// a French word for each of their values but UNSPECIFIED.
const std::vector<PrintedEnum>& PrintedEnums();

// The word for value `number` of `descriptor` in `lang`: the code word
// ("written-off"), in French its word ("radié"); empty for a number the enum
// does not have.
std::string EnumWord(Lang lang, const google::protobuf::EnumDescriptor* descriptor, int number);
template <typename E>
std::string EnumWord(Lang lang, E value) {
  return EnumWord(lang, google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

// The values of PrintedEnums() (full names, e.g. LOAN_STATE_ACTIVE) without a
// French word: none, or a test fails.
std::vector<std::string> EnumValuesWithoutFrench();

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_ENUM_WORDS_H_
