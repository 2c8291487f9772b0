#!/usr/bin/env python3
"""Reference repayment allocations for repayment_test.cc, computed outside the C++ code.

Each scenario opens a loan on a schedule from reference_schedules.py (Python decimal), then
records repayments (early, on time, late, partial, payoff) and reversals, under one of the
two prepayment rules of services/lending/repayment.h, written here again from the rule's
words and nothing else:
  - every repayment pays the oldest instalment not fully paid first, its interest, then
    its principal, whether or not it has fallen due; an instalment paid in full is cleared
    on the day the repayment was received;
  - PAY_NEXT_INSTALMENTS: it goes on that way through every instalment;
  - REDUCE_PRINCIPAL: it goes that way up to the current instalment (the first one due
    after the day received, or a later one with interest paid or fully paid, whichever is
    last); what is left is paid on the principal of the next instalment, and the
    instalments after the current one are recomputed from the reduced balance (their
    principal left, less the prepayment) over the same number of instalments by the rules
    of the loan's schedule (reference_schedules.schedule; fewer when the balance is fewer
    cents than instalments, the rest zero), keeping their due dates and what was paid on
    them; the most a repayment may be is then what is owed up to the current instalment
    plus the principal left;
  - a reversal takes back the latest repayment not reversed: its amounts, then the
    scheduled amounts it recomputed, and clears no instalment it touched.
After each step the script prints the allocation (lines and revised instalments), what is
still owed, the most a repayment may be on the step's day (for a reversal, the reversed repayment's), and
the instalments cleared with their day.

Run:  python3 tests/unit/services/lending/reference_allocations.py
and paste its output into the kReferenceAllocations table of repayment_test.cc.
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_schedules import due_dates, schedule  # noqa: E402

PAY_NEXT = "kPayNextInstalments"
REDUCE = "kReducePrincipal"
REVERSE = "reverse"

D = datetime.date

# (name, principal cents, bps, instalments, frequency, method, first due, rule, steps)
# A step is (day, amount cents) or (REVERSE,).
STORY_STEPS = [
    (D(2026, 2, 5), 13048),           # instalment 1 in full, ten days early
    (D(2026, 3, 15), 13048),          # instalment 2 on its due date
    (D(2026, 4, 1), 5000),            # partial: instalment 3's interest first
    (D(2026, 5, 25), 25000),          # late: 3 and 4 overdue, then ahead
    (REVERSE,), (REVERSE,),
    (D(2026, 5, 25), 25000),
    (D(2026, 6, 1), 40000),           # a large prepayment
    (REVERSE,),
]
SCENARIOS = [
    ("story_1500_at_8pct_pay_next", 150000, 800, 12, "kMonthly", "kDecliningBalance",
     D(2026, 2, 15), PAY_NEXT, STORY_STEPS),
    ("story_1500_at_8pct_reduce_principal", 150000, 800, 12, "kMonthly", "kDecliningBalance",
     D(2026, 2, 15), REDUCE, STORY_STEPS + [
         (D(2026, 6, 1), 40000),          # again: instalment 6 prepaid, 7 to 12 recomputed
         (D(2026, 6, 2), 10000),          # a second prepayment in the same period
         (D(2026, 6, 3), 0),              # payoff: computed below (0 = everything owed)
         (REVERSE,),
     ]),
    ("reduce_early_payoff_1000_at_8pct", 100000, 800, 12, "kMonthly", "kDecliningBalance",
     D(2024, 1, 31), REDUCE, [
         (D(2024, 1, 20), 8699 + 20000),  # instalment 1 early, then 200.00 off the principal
         (D(2024, 3, 31), 4000),          # instalment 2 late (Feb 29), partial
         (D(2024, 4, 2), 0),              # payoff
         (REVERSE,), (REVERSE,), (REVERSE,),
     ]),
    ("reduce_flat_month_ends_1000_at_6pct", 100000, 600, 12, "kMonthly", "kFlat",
     D(2024, 8, 31), REDUCE, [
         (D(2024, 9, 30), 38833),         # 1 late, 2 due that day, 3 ahead, then principal
         (D(2024, 10, 31), 5000),
         (REVERSE,),
         (D(2024, 11, 1), 60000),
     ]),
    ("pay_next_weekly_0pct", 50000, 0, 10, "kWeekly", "kDecliningBalance",
     D(2024, 2, 26), PAY_NEXT, [
         (D(2024, 2, 20), 12345),         # early, through instalments 1 and 2 into 3
         (D(2024, 3, 20), 1000),          # late: instalment 3 and 4 due
         (REVERSE,),
         (D(2024, 3, 20), 0),             # payoff
     ]),
    ("reduce_weekly_0pct_to_a_few_cents", 50000, 0, 10, "kWeekly", "kDecliningBalance",
     D(2024, 2, 26), REDUCE, [
         (D(2024, 2, 26), 5000 + 44997),  # instalment 1, then all but 3 cents of principal
         (D(2024, 3, 4), 3),
         (REVERSE,), (REVERSE,),
     ]),
]


class Instalment:
    def __init__(self, number, due, principal, interest):
        self.number, self.due = number, due
        self.p_due, self.i_due = principal, interest
        self.p_paid = self.i_paid = 0
        self.cleared = None

    def owed(self):
        return self.p_due - self.p_paid + self.i_due - self.i_paid

    def state(self):
        return (self.p_due, self.i_due, self.p_paid, self.i_paid, self.cleared)


def open_position(principal, bps, n, frequency, method, first):
    _, rows = schedule(principal, bps, n, frequency, method)
    dates = due_dates(first, frequency, n)
    return [Instalment(k + 1, dates[k], p, i) for k, ((p, i, _), _d) in enumerate(zip(rows, dates))]


def current_index(position, day, rule):
    n = len(position)
    if rule == PAY_NEXT:
        return n - 1
    c = next((k for k, p in enumerate(position) if p.due > day), n - 1)
    for k, p in enumerate(position):
        if p.i_paid > 0 or p.owed() == 0:
            c = max(c, k)
    return c


def payoff(position, day, rule):
    c = current_index(position, day, rule)
    return (sum(p.owed() for p in position[:c + 1]) +
            sum(p.p_due - p.p_paid for p in position[c + 1:]))


def regenerate(balance, m, bps, frequency, method):
    if balance == 0:
        return [(0, 0)] * m
    count = min(m, balance)
    _, rows = schedule(balance, bps, count, frequency, method)
    return [(p, i) for p, i, _ in rows] + [(0, 0)] * (m - count)


def allocate(position, amount, day, rule, terms):
    c = current_index(position, day, rule)
    lines = {}
    left = amount
    for p in position[:c + 1]:
        interest = min(left, p.i_due - p.i_paid)
        left -= interest
        principal = min(left, p.p_due - p.p_paid)
        left -= principal
        if interest or principal:
            lines[p.number] = [principal, interest]
    revisions = []
    if left > 0:
        block = position[c + 1:]
        balance = sum(p.p_due - p.p_paid for p in block)
        assert left <= balance
        parts = regenerate(balance - left, len(block), *terms)
        for k, (p, (part_p, part_i)) in enumerate(zip(block, parts)):
            after_p = p.p_paid + (left if k == 0 else 0) + part_p
            after_i = p.i_paid + part_i
            revisions.append((p.number, p.p_due, p.i_due, after_p, after_i))
        lines[block[0].number] = [left, 0]
    return sorted((k, v[0], v[1]) for k, v in lines.items()), revisions


def apply(position, lines, revisions, day):
    for number, _, _, after_p, after_i in revisions:
        position[number - 1].p_due, position[number - 1].i_due = after_p, after_i
    for number, principal, interest in lines:
        position[number - 1].p_paid += principal
        position[number - 1].i_paid += interest
    for number in {n for n, _, _ in lines} | {r[0] for r in revisions}:
        if position[number - 1].owed() == 0:
            position[number - 1].cleared = day


def reverse(position, lines, revisions):
    for number, principal, interest in lines:
        position[number - 1].p_paid -= principal
        position[number - 1].i_paid -= interest
    for number, before_p, before_i, _, _ in revisions:
        position[number - 1].p_due, position[number - 1].i_due = before_p, before_i
    for number in {n for n, _, _ in lines} | {r[0] for r in revisions}:
        position[number - 1].cleared = None


def day_text(d):
    return f"absl::CivilDay({d.year}, {d.month}, {d.day})"


def main():
    print("// Generated by tests/unit/services/lending/reference_allocations.py; "
          "do not edit by hand.")
    for name, principal, bps, n, frequency, method, first, rule, steps in SCENARIOS:
        position = open_position(principal, bps, n, frequency, method, first)
        opened = [p.state() for p in position]
        terms = (bps, frequency, method)
        live = []  # (lines, revisions, states before, day)
        print(f"{{\"{name}\", {principal}, {bps}, {n}, Frequency::{frequency}, "
              f"InterestMethod::{method}, {day_text(first)}, PrepaymentRule::{rule},")
        print(" {")
        for step in steps:
            if step[0] == REVERSE:
                lines, revisions, before, day = live.pop()
                reverse(position, lines, revisions)
                assert [p.state() for p in position] == before
                amount, lines, revisions = 0, [], []
            else:
                day, amount = step
                if amount == 0:
                    amount = payoff(position, day, rule)
                assert 0 < amount <= payoff(position, day, rule)
                before = [p.state() for p in position]
                lines, revisions = allocate(position, amount, day, rule, terms)
                assert sum(p + i for _, p, i in lines) == amount
                apply(position, lines, revisions, day)
                live.append((lines, revisions, before, day))
            owed_p = sum(p.p_due - p.p_paid for p in position)
            owed_i = sum(p.i_due - p.i_paid for p in position)
            assert sum(p.p_due for p in position) == principal
            cleared = ", ".join(f"{{{p.number}, {day_text(p.cleared)}}}"
                                for p in position if p.cleared is not None)
            what = "{/*reverse the latest*/}" if step[0] == REVERSE else \
                f"{{{day_text(day)}, {amount}}}"
            print(f"  {{{what},")
            print("   {" + ", ".join(f"{{{k}, {p}, {i}}}" for k, p, i in lines) + "},")
            print("   {" + ", ".join(f"{{{k}, {bp}, {bi}, {ap}, {ai}}}"
                                      for k, bp, bi, ap, ai in revisions) + "},")
            print(f"   /*owed principal, interest=*/{owed_p}, {owed_i}, "
                  f"/*payoff on that day=*/{payoff(position, day, rule) if owed_p + owed_i else 0},")
            print(f"   /*cleared=*/{{{cleared}}}}},")
        while live:
            lines, revisions, _, _ = live.pop()
            reverse(position, lines, revisions)
        assert [p.state() for p in position] == opened
        print(" }},")


if __name__ == "__main__":
    main()
