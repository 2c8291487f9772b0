#include "services/lending/settings_store.h"

#include <google/protobuf/util/json_util.h>

#include <memory>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/loan_mapping.h"

namespace cercles::lending {
namespace {

constexpr char kSettingsKey[] = "settings";

// The settings of a stored JSON text. Every write reads the row (so a change by
// any replica is seen at once) but need not parse it again: the last text
// parsed is kept with its result, and any other text is parsed afresh.
struct ParsedSettings {
  std::string text;
  FundSettings settings;
};
ABSL_CONST_INIT absl::Mutex parsed_settings_mu(absl::kConstInit);
ParsedSettings* parsed_settings ABSL_GUARDED_BY(parsed_settings_mu) = nullptr;

absl::StatusOr<FundSettings> ParseStoredSettings(const std::string& text) {
  {
    absl::MutexLock lock(&parsed_settings_mu);
    if (parsed_settings != nullptr && parsed_settings->text == text) {
      return parsed_settings->settings;
    }
  }
  v1::FundSettings stored;
  if (!google::protobuf::util::JsonStringToMessage(text, &stored).ok()) {
    return absl::InternalError("the stored fund settings are malformed");
  }
  CERCLES_ASSIGN_OR_RETURN(FundSettings from_stored, SettingsFromProto(stored));
  auto parsed = std::make_unique<ParsedSettings>(ParsedSettings{text, std::move(from_stored)});
  FundSettings settings = parsed->settings;
  absl::MutexLock lock(&parsed_settings_mu);
  delete parsed_settings;
  parsed_settings = parsed.release();
  return settings;
}

}  // namespace

absl::StatusOr<FundSettings> LoadSettings(storage::Transaction& tx) {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT value FROM fund_settings WHERE key = ?", {std::string(kSettingsKey)}));
  if (rows.empty()) return FundSettings{};
  return ParseStoredSettings(rows[0].Text(0));
}

absl::Status SaveSettings(storage::Transaction& tx, const FundSettings& settings, absl::Time now) {
  google::protobuf::util::JsonPrintOptions options;
  // Every field written, zeros included: what is stored reads back exactly.
  options.always_print_primitive_fields = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(SettingsToProto(settings), &json, options)
           .ok()) {
    return absl::InternalError("the fund settings could not be encoded");
  }
  CERCLES_ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Exec("UPDATE fund_settings SET value = ?, update_time_us = ? WHERE key = ?",
              {json, ToMicros(now), std::string(kSettingsKey)}));
  if (changed == 1) return absl::OkStatus();
  return tx
      .Exec("INSERT INTO fund_settings (key, value, update_time_us) VALUES (?, ?, ?)",
            {std::string(kSettingsKey), json, ToMicros(now)})
      .status();
}

}  // namespace cercles::lending
