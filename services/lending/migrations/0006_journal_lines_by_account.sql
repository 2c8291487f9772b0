-- Journal lines by account in the order they were posted. The index it
-- replaces, (account, loan), put each new line beside the earlier lines of its
-- loan: three index pages written at random per repayment. Lines by account and
-- loan are found through journal_lines_loan (loan, entry_id) as well; by
-- account alone, this index grows at its end.
DROP INDEX journal_lines_account;
CREATE INDEX journal_lines_account ON journal_lines (account, entry_id);
