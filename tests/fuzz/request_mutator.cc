#include "tests/fuzz/request_mutator.h"

#include <google/protobuf/descriptor.h>

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cercles::fuzz {
namespace {

namespace gp = google::protobuf;
using Field = gp::FieldDescriptor;

size_t Below(std::mt19937_64& rng, size_t n) { return n == 0 ? 0 : rng() % n; }

// Values the services must refuse cleanly or store faithfully: empty, huge,
// malformed and foreign names, control characters, markup, SQL, formats,
// non-Latin text, a 64-bit number where digits are expected.
const char* const kHostile[] = {
    "",
    " ",
    "circles/",
    "circles/0",
    "circles/-1",
    "circles/99999999999999999999",
    "circles/1/../2",
    "people/1?x=1",
    "loans/1 ",
    "LOANS/1",
    "trainings/1",
    "meetings/1",
    "funds/other/circles/1",
    "' OR '1'='1' --",
    "%s%s%n",
    "<script>alert(1)</script>",
    "\t\n\r",
    "\x01\x02\x7f",
    "Émilie Côté-Lévesque",
    "Ἀθηνᾶ 北京 🙂",
    "\xE2\x80\x8F\xE2\x80\xAE",  // right-to-left marks
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "NaN",
    "2024-02-30",
    "0000-01-01",
    "9999-12-31",
    "CAD",
    "XXX",
    "fr",
    "en",
    "food",
};

const int64_t kIntegers[] = {0,
                             1,
                             -1,
                             2,
                             7,
                             100,
                             200000,
                             1000000000,
                             std::numeric_limits<int32_t>::max(),
                             std::numeric_limits<int32_t>::min(),
                             std::numeric_limits<int64_t>::max(),
                             std::numeric_limits<int64_t>::min()};

// Characters for small edits of an existing string: ASCII, a separator, a
// multi-byte letter (always whole, so the string stays UTF-8).
const char* const kPieces[] = {
    "a", "Z", "0", "9", "/", "-", "_", " ", ".", "é", "\xF0\x9F\x99\x82"};

// Drops the last UTF-8 character of `s`.
void PopCharacter(std::string* s) {
  while (!s->empty()) {
    const unsigned char last = static_cast<unsigned char>(s->back());
    s->pop_back();
    if ((last & 0xC0) != 0x80) return;  // not a continuation byte: a whole character
  }
}

}  // namespace

RequestMutator::RequestMutator(std::vector<std::string> names) : names_(std::move(names)) {}

void RequestMutator::Mutate(gp::Message* request, std::mt19937_64& rng) const {
  const int changes = 1 + static_cast<int>(Below(rng, 3));
  for (int i = 0; i < changes; ++i) MutateOne(request, rng, 0);
}

std::string RequestMutator::StringValue(const std::string& current, std::mt19937_64& rng) const {
  switch (Below(rng, 6)) {
    case 0:
      if (!names_.empty()) return names_[Below(rng, names_.size())];
      [[fallthrough]];
    case 1:
      return kHostile[Below(rng, std::size(kHostile))];
    case 2: {  // long: past the length limits (within the fuzzer's -max_len)
      const size_t lengths[] = {33, 65, 101, 129, 257, 501, 1025, 3001};
      return std::string(lengths[Below(rng, std::size(lengths))], "aé/"[Below(rng, 2)]);
    }
    case 3: {  // a small edit
      std::string edited = current;
      const size_t edits = 1 + Below(rng, 3);
      for (size_t i = 0; i < edits; ++i) {
        if (!edited.empty() && Below(rng, 2) == 0) {
          PopCharacter(&edited);
        } else {
          edited += kPieces[Below(rng, std::size(kPieces))];
        }
      }
      return edited;
    }
    case 4:
      return absl::StrCat(current, current);
    default:
      return "";
  }
}

void RequestMutator::MutateScalar(gp::Message* message, const Field* field, int index,
                                  std::mt19937_64& rng) const {
  const gp::Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  const int64_t integer = Below(rng, 4) == 0 ? static_cast<int64_t>(rng())
                                             : kIntegers[Below(rng, std::size(kIntegers))];
  switch (field->cpp_type()) {
    case Field::CPPTYPE_STRING: {
      const std::string current =
          repeated ? r->GetRepeatedString(*message, field, index) : r->GetString(*message, field);
      std::string value = StringValue(current, rng);
      if (field->type() == Field::TYPE_BYTES && Below(rng, 2) == 0) {
        value.push_back(static_cast<char>(rng()));  // bytes need not be text
      }
      repeated ? r->SetRepeatedString(message, field, index, value)
               : r->SetString(message, field, value);
      break;
    }
    case Field::CPPTYPE_INT32:
      repeated ? r->SetRepeatedInt32(message, field, index, static_cast<int32_t>(integer))
               : r->SetInt32(message, field, static_cast<int32_t>(integer));
      break;
    case Field::CPPTYPE_INT64:
      repeated ? r->SetRepeatedInt64(message, field, index, integer)
               : r->SetInt64(message, field, integer);
      break;
    case Field::CPPTYPE_UINT32:
      repeated ? r->SetRepeatedUInt32(message, field, index, static_cast<uint32_t>(integer))
               : r->SetUInt32(message, field, static_cast<uint32_t>(integer));
      break;
    case Field::CPPTYPE_UINT64:
      repeated ? r->SetRepeatedUInt64(message, field, index, static_cast<uint64_t>(integer))
               : r->SetUInt64(message, field, static_cast<uint64_t>(integer));
      break;
    case Field::CPPTYPE_DOUBLE: {
      const double values[] = {0.0,
                               -1.0,
                               1e308,
                               std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity(),
                               0.5};
      const double value = values[Below(rng, std::size(values))];
      repeated ? r->SetRepeatedDouble(message, field, index, value)
               : r->SetDouble(message, field, value);
      break;
    }
    case Field::CPPTYPE_FLOAT: {
      const float value = Below(rng, 2) == 0 ? -1.0f : std::numeric_limits<float>::infinity();
      repeated ? r->SetRepeatedFloat(message, field, index, value)
               : r->SetFloat(message, field, value);
      break;
    }
    case Field::CPPTYPE_BOOL:
      repeated
          ? r->SetRepeatedBool(message, field, index, !r->GetRepeatedBool(*message, field, index))
          : r->SetBool(message, field, !r->GetBool(*message, field));
      break;
    case Field::CPPTYPE_ENUM: {
      // A declared value, or one no .proto declares (proto3 enums are open).
      const gp::EnumDescriptor* type = field->enum_type();
      const int value =
          Below(rng, 4) == 0
              ? static_cast<int>(integer)
              : type->value(static_cast<int>(Below(rng, type->value_count())))->number();
      repeated ? r->SetRepeatedEnumValue(message, field, index, value)
               : r->SetEnumValue(message, field, value);
      break;
    }
    case Field::CPPTYPE_MESSAGE:
      break;  // not a scalar
  }
}

void RequestMutator::MutateOne(gp::Message* message, std::mt19937_64& rng, int depth) const {
  const gp::Descriptor* type = message->GetDescriptor();
  if (type->field_count() == 0) return;
  const gp::Reflection* r = message->GetReflection();
  const Field* field = type->field(static_cast<int>(Below(rng, type->field_count())));
  if (field->is_repeated()) {
    const int size = r->FieldSize(*message, field);
    const size_t action = Below(rng, 4);
    if (action == 0 && size > 0) {  // shrink
      r->RemoveLast(message, field);
      return;
    }
    if (action == 1 && size > 0) {  // many copies of the last element (a big request)
      const int copies = static_cast<int>(1 + Below(rng, 200));
      for (int i = 0; i < copies; ++i) {
        if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
          r->AddMessage(message, field)->CopyFrom(r->GetRepeatedMessage(*message, field, size - 1));
        } else if (field->cpp_type() == Field::CPPTYPE_STRING) {
          r->AddString(message, field, r->GetRepeatedString(*message, field, size - 1));
        } else {
          break;  // numbers: grown one at a time below
        }
      }
      return;
    }
    if (size == 0 || action == 2) {  // grow by one default element, then mutate it
      if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
        gp::Message* added = r->AddMessage(message, field);
        if (depth < 6) MutateOne(added, rng, depth + 1);
        return;
      }
      switch (field->cpp_type()) {
        case Field::CPPTYPE_STRING:
          r->AddString(message, field, "");
          break;
        case Field::CPPTYPE_INT32:
          r->AddInt32(message, field, 0);
          break;
        case Field::CPPTYPE_INT64:
          r->AddInt64(message, field, 0);
          break;
        case Field::CPPTYPE_UINT32:
          r->AddUInt32(message, field, 0);
          break;
        case Field::CPPTYPE_UINT64:
          r->AddUInt64(message, field, 0);
          break;
        case Field::CPPTYPE_DOUBLE:
          r->AddDouble(message, field, 0);
          break;
        case Field::CPPTYPE_FLOAT:
          r->AddFloat(message, field, 0);
          break;
        case Field::CPPTYPE_BOOL:
          r->AddBool(message, field, false);
          break;
        case Field::CPPTYPE_ENUM:
          r->AddEnumValue(message, field, 0);
          break;
        case Field::CPPTYPE_MESSAGE:
          break;
      }
    }
    const int index = static_cast<int>(Below(rng, r->FieldSize(*message, field)));
    if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
      if (depth < 6) MutateOne(r->MutableRepeatedMessage(message, field, index), rng, depth + 1);
    } else {
      MutateScalar(message, field, index, rng);
    }
    return;
  }
  if (Below(rng, 8) == 0) {  // unset it (a missing field, or a oneof's other member)
    r->ClearField(message, field);
    return;
  }
  if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
    if (depth < 6) MutateOne(r->MutableMessage(message, field), rng, depth + 1);
    return;
  }
  MutateScalar(message, field, -1, rng);
}

}  // namespace cercles::fuzz
