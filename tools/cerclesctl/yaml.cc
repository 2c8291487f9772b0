#include "tools/cerclesctl/yaml.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {
namespace {

// One JSON value: a scalar keeps its JSON text (strings with their quotes).
struct Node {
  enum Kind { kScalar, kObject, kArray } kind = kScalar;
  std::string scalar;
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> fields;  // kObject, in order
  std::vector<std::unique_ptr<Node>> items;                           // kArray
};

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::unique_ptr<Node>> Document() {
    auto node = Value(0);
    if (!node.ok()) return node;
    SkipSpace();
    if (at_ != text_.size()) return Error("text after the value");
    return node;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("not JSON at byte ", at_, ": ", what));
  }
  void SkipSpace() {
    while (at_ < text_.size() && absl::ascii_isspace(text_[at_])) ++at_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  // A string's JSON text, quotes and escapes kept.
  absl::StatusOr<std::string> String() {
    SkipSpace();
    if (at_ >= text_.size() || text_[at_] != '"') return Error("expected a string");
    const size_t start = at_++;
    while (at_ < text_.size() && text_[at_] != '"') at_ += text_[at_] == '\\' ? 2 : 1;
    if (at_ >= text_.size()) return Error("a string is never closed");
    ++at_;
    return std::string(text_.substr(start, at_ - start));
  }
  absl::StatusOr<std::unique_ptr<Node>> Value(int depth) {
    if (depth > 100) return Error("nested too deep");
    SkipSpace();
    auto node = std::make_unique<Node>();
    if (Consume('{')) {
      node->kind = Node::kObject;
      if (Consume('}')) return node;
      do {
        auto key = String();
        if (!key.ok()) return key.status();
        if (!Consume(':')) return Error("expected ':'");
        auto value = Value(depth + 1);
        if (!value.ok()) return value;
        node->fields.emplace_back(*std::move(key), *std::move(value));
      } while (Consume(','));
      if (!Consume('}')) return Error("expected '}'");
      return node;
    }
    if (Consume('[')) {
      node->kind = Node::kArray;
      if (Consume(']')) return node;
      do {
        auto value = Value(depth + 1);
        if (!value.ok()) return value;
        node->items.push_back(*std::move(value));
      } while (Consume(','));
      if (!Consume(']')) return Error("expected ']'");
      return node;
    }
    if (at_ < text_.size() && text_[at_] == '"') {
      auto text = String();
      if (!text.ok()) return text.status();
      node->scalar = *std::move(text);
      return node;
    }
    const size_t start = at_;
    while (at_ < text_.size() && (absl::ascii_isalnum(text_[at_]) || text_[at_] == '-' ||
                                  text_[at_] == '+' || text_[at_] == '.')) {
      ++at_;
    }
    if (at_ == start) return Error("expected a value");
    node->scalar = std::string(text_.substr(start, at_ - start));
    return node;
  }

  absl::string_view text_;
  size_t at_ = 0;
};

bool Empty(const Node& node) {
  return (node.kind == Node::kObject && node.fields.empty()) ||
         (node.kind == Node::kArray && node.items.empty());
}

std::string Inline(const Node& node) {
  if (node.kind == Node::kObject) return "{}";
  if (node.kind == Node::kArray) return "[]";
  return node.scalar;
}

// A key as YAML writes it: plain when it is a JSON name, else double-quoted.
std::string Key(const std::string& quoted) {
  const absl::string_view name = absl::string_view(quoted).substr(1, quoted.size() - 2);
  bool plain = !name.empty() && absl::ascii_isalpha(name[0]);
  for (char c : name) plain = plain && (absl::ascii_isalnum(c) || c == '_');
  return plain ? std::string(name) : quoted;
}

void Render(const Node& node, int indent, std::string* out);

// The value after "key:" or "- ": on the same line when it is a scalar or
// empty, else on the next lines, further indented (a list item's object
// starts on the dash's line).
void RenderAfter(const Node& node, int indent, bool after_dash, std::string* out) {
  if (node.kind == Node::kScalar || Empty(node)) {
    absl::StrAppend(out, " ", Inline(node), "\n");
  } else if (after_dash && node.kind == Node::kObject) {
    out->push_back(' ');
    std::string rest;
    Render(node, indent, &rest);
    out->append(rest.substr(static_cast<size_t>(indent)));  // its first line's indent
  } else {
    out->push_back('\n');
    Render(node, indent, out);
  }
}

void Render(const Node& node, int indent, std::string* out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (node.kind == Node::kObject) {
    for (const auto& [key, value] : node.fields) {
      absl::StrAppend(out, pad, Key(key), ":");
      RenderAfter(*value, indent + 2, false, out);
    }
  } else if (node.kind == Node::kArray) {
    for (const auto& item : node.items) {
      absl::StrAppend(out, pad, "-");
      RenderAfter(*item, indent + 2, true, out);
    }
  } else {
    absl::StrAppend(out, pad, node.scalar, "\n");
  }
}

}  // namespace

absl::StatusOr<std::string> JsonToYaml(absl::string_view json) {
  auto root = Parser(json).Document();
  if (!root.ok()) return root.status();
  if (Empty(**root)) return absl::StrCat(Inline(**root), "\n");
  std::string out;
  Render(**root, 0, &out);
  return out;
}

absl::StatusOr<std::string> ToYaml(const google::protobuf::Message& message) {
  auto json = ToJson(message);
  if (!json.ok()) return json.status();
  return JsonToYaml(*json);
}

}  // namespace cercles::cerclesctl
