// What `lending loans collection-sheet` and `record-collections` print (issue
// 15): the sheet a treasurer reads at a meeting and the results of a filled
// sheet, in the reader's language (French headers, words and fr-CA money), and
// the sheet's CSV, which record-collections reads back: its column names, code
// words and amounts never change with the language (machines read it).
#ifndef CERCLES_TOOLS_CERCLESCTL_COLLECTION_SHEET_H_
#define CERCLES_TOOLS_CERCLESCTL_COLLECTION_SHEET_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cercles/lending/v1/collections.pb.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// The sheet's CSV columns, in order; record-collections reads them back (in
// any order) and needs the required ones.
inline constexpr const char* kSheetColumns[] = {"circle", "date",     "meeting", "person",
                                                "kind",   "loan",     "due",     "in_arrears",
                                                "most",   "next_due", "paid",    "reference"};
inline constexpr const char* kSheetRequiredColumns[] = {"circle", "date", "person",
                                                        "kind",   "loan", "paid"};

// The sheet as a person reads it: a title line, then one row per line (a
// member who owes nothing gets a row with no loan) with an empty PAID to fill
// in by hand, and the totals.
void PrintCollectionSheet(const lending::v1::GetCollectionSheetResponse& sheet, std::ostream& out,
                          Lang lang);

// The sheet as the CSV file written by --csv: kSheetColumns, then the same
// rows with empty paid and reference columns, in code words whatever the
// language.
std::string CollectionSheetCsv(const lending::v1::GetCollectionSheetResponse& sheet);

// Writes CollectionSheetCsv(sheet) to `path`.
absl::Status WriteCollectionSheetCsv(const std::string& path,
                                     const lending::v1::GetCollectionSheetResponse& sheet);

// The results of a filled sheet: one row per line sent (its file line from
// `file_lines`, applied with its repayment or refused with the reason), then
// the summary line.
void PrintCollections(const lending::v1::RecordCollectionsResponse& response,
                      const lending::v1::RecordCollectionsRequest& request,
                      const std::vector<int>& file_lines, std::ostream& out, Lang lang);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_COLLECTION_SHEET_H_
