// A statement and its parameters, built together: each `?` is bound by the call
// that writes it, so an IN list's placeholders and its values cannot get out of
// step (nor two lists out of order, as with several StrCat arguments, whose
// evaluation order C++ leaves open).
//
//   storage::Sql sql("SELECT DISTINCT other FROM network_adjacency WHERE node IN ");
//   sql.List(frontier).Add(" AND kind IN ").List(kinds).Add(" LIMIT ?", {limit});
//   CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
#ifndef CERCLES_COMMON_STORAGE_SQL_H_
#define CERCLES_COMMON_STORAGE_SQL_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/database.h"

namespace cercles::storage {

class Sql {
 public:
  explicit Sql(std::string_view text = "", std::vector<Value> params = {})
      : text_(text), params_(std::move(params)) {}

  // Appends text holding `?` placeholders and the values they bind, in order.
  Sql& Add(std::string_view text, std::initializer_list<Value> params = {}) {
    text_.append(text);
    params_.insert(params_.end(), params);
    return *this;
  }

  // Appends "(?, ?, ...)" binding each of `values` (anything a Value is made
  // from: integers, proto enums, strings), for "x IN " or "x NOT IN ". There
  // must be at least one: "IN ()" is not SQL on PostgreSQL.
  template <typename Values>
  Sql& List(const Values& values) {
    text_.push_back('(');
    bool first = true;
    for (const auto& value : values) {
      text_.append(first ? "?" : ", ?");
      first = false;
      params_.emplace_back(ToValue(value));
    }
    text_.push_back(')');
    return *this;
  }

  const std::string& text() const { return text_; }
  const std::vector<Value>& params() const { return params_; }

  absl::StatusOr<Rows> Query(Transaction& tx) const { return tx.Query(text_, params_); }
  absl::StatusOr<int64_t> Exec(Transaction& tx) const { return tx.Exec(text_, params_); }

 private:
  template <typename T>
  static Value ToValue(const T& value) {
    if constexpr (std::is_enum_v<T>) {
      return static_cast<int64_t>(value);
    } else {
      return Value(value);
    }
  }

  std::string text_;
  std::vector<Value> params_;
};

}  // namespace cercles::storage

#endif  // CERCLES_COMMON_STORAGE_SQL_H_
