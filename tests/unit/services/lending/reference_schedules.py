#!/usr/bin/env python3
"""Reference repayment schedules for schedule_test.cc, computed outside the C++ code.

The annuity payment comes from the textbook formula P*r / (1 - (1 + r)**-n) evaluated with
Python's decimal module at 60 significant digits (far more than the 12 or so that cents
need), then every figure follows the rules services/lending/schedule.h documents:
  - declining balance: the equal payment is rounded half up to the cent; each period's
    interest is balance * r rounded half up to the cent; principal = payment - interest;
    the last instalment takes whatever balance is left (the rounding remainder);
  - flat: interest = P * annual rate * (n / periods per year), rounded half up to the cent;
    principal and interest are each split evenly, rounded down, the last takes the rest;
  - 0 %: the principal split evenly, rounded down, the last takes the rest;
  - due dates: +7 / +14 days, or the same day of the month clamped to the month's end.
r is the annual rate divided by 52 (weekly), 26 (every two weeks) or 12 (monthly).

Grace periods (GRACE_CASES, pasted into kGraceReferenceSchedules), with g_p instalments
of grace on principal and g_i of grace on interest, g = max(g_p, g_i):
  - nothing is due on instalments 1..g_i; instalments g_i+1..g carry interest only;
    the principal is repaid over instalments g+1..n;
  - declining balance: each period before g+1 accrues P*r rounded half up; the annuity is
    the formula above over n - g periods; the interest accrued in the g_i periods with
    nothing due is spread (not capitalised) over instalments g_i+1..n, split evenly,
    rounded down, the last takes the rest, and added to their interest;
  - flat: the interest over the whole term is P * annual rate * n / periods per year, as
    without grace, split evenly over instalments g_i+1..n; the principal split evenly
    over instalments g+1..n.

Reschedules (RESCHEDULE_CASES, pasted into tests/integration/reschedules_test.cc): a
declining-balance loan whose first `paid` instalments were paid in full and whose next
`late` instalments fell due unpaid is rescheduled (services/lending/reschedule.h): the
principal left (the principal less the paid instalments' principal) over n' new
instalments with grace g_p, g_i (grace_schedule above), and the late instalments'
interest carried into the first new instalment after the grace on interest.

Run:  python3 tests/unit/services/lending/reference_schedules.py
and paste its output into the kReferenceSchedules table of schedule_test.cc.
"""

import calendar
import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 60

PERIODS_PER_YEAR = {"kWeekly": 52, "kEveryTwoWeeks": 26, "kMonthly": 12}
ONE = Decimal(1)

# (name, principal cents, annual rate bps, instalments, frequency, method, first due)
CASES = [
    ("1000_at_8pct_12_monthly", 100000, 800, 12, "kMonthly", "kDecliningBalance",
     datetime.date(2024, 1, 31)),
    ("2000_at_5pct_26_biweekly", 200000, 500, 26, "kEveryTwoWeeks", "kDecliningBalance",
     datetime.date(2024, 3, 1)),
    ("500_at_0pct_10_weekly", 50000, 0, 10, "kWeekly", "kDecliningBalance",
     datetime.date(2024, 2, 26)),
    ("5000_at_10pct_24_monthly", 500000, 1000, 24, "kMonthly", "kDecliningBalance",
     datetime.date(2025, 1, 15)),
    ("1000_flat_6pct_12_monthly", 100000, 600, 12, "kMonthly", "kFlat",
     datetime.date(2024, 8, 31)),
    ("777_77_at_9_99pct_7_weekly", 77777, 999, 7, "kWeekly", "kDecliningBalance",
     datetime.date(2023, 12, 25)),
    ("1234_56_flat_7pct_15_biweekly", 123456, 700, 15, "kEveryTwoWeeks", "kFlat",
     datetime.date(2024, 12, 20)),
]

# (name, principal cents, annual rate bps, instalments, frequency, method, first due,
#  grace on principal, grace on interest)
GRACE_CASES = [
    ("1500_at_8pct_12_monthly_2_principal_grace", 150000, 800, 12, "kMonthly",
     "kDecliningBalance", datetime.date(2025, 1, 31), 2, 0),
    ("1500_at_8pct_12_monthly_1_interest_grace", 150000, 800, 12, "kMonthly",
     "kDecliningBalance", datetime.date(2025, 1, 31), 0, 1),
    ("1000_at_9pct_20_weekly_4_principal_2_interest_grace", 100000, 900, 20, "kWeekly",
     "kDecliningBalance", datetime.date(2025, 3, 3), 4, 2),
    ("1200_flat_6pct_12_monthly_3_principal_1_interest_grace", 120000, 600, 12, "kMonthly",
     "kFlat", datetime.date(2024, 11, 30), 3, 1),
    ("800_at_0pct_10_biweekly_2_principal_grace", 80000, 0, 10, "kEveryTwoWeeks",
     "kDecliningBalance", datetime.date(2025, 2, 14), 2, 0),
]

# (name, principal cents, annual rate bps, instalments, paid in full, late (due, unpaid),
#  new instalments, grace on principal, grace on interest); all monthly.
RESCHEDULE_CASES = [
    ("1200_at_8pct_12_monthly_1_paid_2_late_to_6", 120000, 800, 12, 1, 2, 6, 0, 0),
    ("1200_at_8pct_12_monthly_1_paid_2_late_to_8_grace_1_1", 120000, 800, 12, 1, 2, 8, 1, 1),
]


def half_up(x):
    return int(x.quantize(ONE, rounding=ROUND_HALF_UP))


def down(x):
    return int(x.quantize(ONE, rounding=ROUND_DOWN))


def due_dates(first, frequency, n):
    dates = []
    for i in range(n):
        if frequency == "kWeekly":
            dates.append(first + datetime.timedelta(days=7 * i))
        elif frequency == "kEveryTwoWeeks":
            dates.append(first + datetime.timedelta(days=14 * i))
        else:
            months = first.month - 1 + i
            year, month = first.year + months // 12, months % 12 + 1
            last_day = calendar.monthrange(year, month)[1]
            dates.append(datetime.date(year, month, min(first.day, last_day)))
    return dates


def even_split(total, n):
    share = down(Decimal(total) / n)
    return [share] * (n - 1) + [total - share * (n - 1)]


def schedule(principal, bps, n, frequency, method):
    k = PERIODS_PER_YEAR[frequency]
    r = Decimal(bps) / Decimal(10000) / Decimal(k)
    rows = []
    if bps == 0 or method == "kFlat":
        interest = half_up(Decimal(principal) * Decimal(bps) / Decimal(10000) * Decimal(n) / k)
        principal_parts = even_split(principal, n)
        interest_parts = even_split(interest, n)
        payment = None
        balance = principal
        for p, i in zip(principal_parts, interest_parts):
            balance -= p
            rows.append((p, i, balance))
        return payment, rows
    exact = Decimal(principal) * r / (ONE - (ONE + r) ** -n)
    # A tie (x.5 exactly) would make 60 digits matter; none of these cases comes close.
    assert abs(exact - exact.to_integral_value(rounding=ROUND_DOWN) - Decimal("0.5")) > Decimal("1e-9")
    payment = half_up(exact)
    balance = principal
    for number in range(1, n + 1):
        interest = half_up(Decimal(balance) * r)
        p = balance if number == n else payment - interest
        balance -= p
        rows.append((p, interest, balance))
    return (payment, exact), rows


def grace_schedule(principal, bps, n, frequency, method, gp, gi):
    g = max(gp, gi)
    k = PERIODS_PER_YEAR[frequency]
    r = Decimal(bps) / Decimal(10000) / Decimal(k)
    principal_parts = [0] * g
    interest_parts = [0] * n
    payment = None
    if bps == 0 or method == "kFlat":
        interest = half_up(Decimal(principal) * Decimal(bps) / Decimal(10000) * Decimal(n) / k)
        principal_parts += even_split(principal, n - g)
        interest_parts = [0] * gi + even_split(interest, n - gi)
    else:
        accrued = half_up(Decimal(principal) * r)
        for i in range(gi, g):
            interest_parts[i] = accrued
        exact = Decimal(principal) * r / (ONE - (ONE + r) ** -(n - g))
        assert abs(exact - exact.to_integral_value(rounding=ROUND_DOWN) - Decimal("0.5")) > Decimal("1e-9")
        payment = (half_up(exact), exact)
        balance = principal
        for number in range(g + 1, n + 1):
            interest = half_up(Decimal(balance) * r)
            p = balance if number == n else payment[0] - interest
            balance -= p
            principal_parts.append(p)
            interest_parts[number - 1] = interest
        if gi > 0:
            for j, share in enumerate(even_split(accrued * gi, n - gi)):
                interest_parts[gi + j] += share
    rows = []
    balance = principal
    for p, i in zip(principal_parts, interest_parts):
        balance -= p
        rows.append((p, i, balance))
    return payment, rows


def print_rows(rows, dates):
    print(" {")
    for number, ((p, i, balance), d) in enumerate(zip(rows, dates), start=1):
        print(f"  {{{number}, absl::CivilDay({d.year}, {d.month}, {d.day}), "
              f"{p}, {i}, {p + i}, {balance}}},")
    total_interest = sum(i for _, i, _ in rows)
    print(f" }}, /*total_interest_cents=*/{total_interest}}}", end="")


def main():
    print("// Generated by tests/unit/services/lending/reference_schedules.py; do not edit by hand.")
    for name, principal, bps, n, frequency, method, first in CASES:
        payment, rows = schedule(principal, bps, n, frequency, method)
        dates = due_dates(first, frequency, n)
        exact = "" if payment is None else f"  // exact annuity payment {payment[1]:.6f} cents"
        print(f"{{\"{name}\", {principal}, {bps}, {n}, Frequency::{frequency}, "
              f"InterestMethod::{method}, absl::CivilDay({first.year}, {first.month}, {first.day}),{exact}")
        print(" {")
        for number, ((p, i, balance), d) in enumerate(zip(rows, dates), start=1):
            print(f"  {{{number}, absl::CivilDay({d.year}, {d.month}, {d.day}), "
                  f"{p}, {i}, {p + i}, {balance}}},")
        total_interest = sum(i for _, i, _ in rows)
        print(f" }}, /*total_interest_cents=*/{total_interest}}},")


    print()
    print("// Grace periods: paste into kGraceReferenceSchedules.")
    for name, principal, bps, n, frequency, method, first, gp, gi in GRACE_CASES:
        payment, rows = grace_schedule(principal, bps, n, frequency, method, gp, gi)
        dates = due_dates(first, frequency, n)
        exact = "" if payment is None else f"  // exact annuity payment {payment[1]:.6f} cents"
        print(f"{{{gp}, {gi}, {{\"{name}\", {principal}, {bps}, {n}, Frequency::{frequency}, "
              f"InterestMethod::{method}, absl::CivilDay({first.year}, {first.month}, {first.day}),{exact}")
        print_rows(rows, dates)
        print("},")

    print()
    print("// Reschedules: paste into reschedules_test.cc (kept instalments first).")
    for name, principal, bps, n, paid, late, n2, gp, gi in RESCHEDULE_CASES:
        _, rows = schedule(principal, bps, n, "kMonthly", "kDecliningBalance")
        left = principal - sum(p for p, _, _ in rows[:paid])
        carried = sum(i for _, i, _ in rows[paid:paid + late])
        _, new_rows = grace_schedule(left, bps, n2, "kMonthly", "kDecliningBalance", gp, gi)
        new_rows = [list(r) for r in new_rows]
        new_rows[min(gi, n2 - 1)][1] += carried
        print(f"// {name}: kept {[(p, i) for p, i, _ in rows[:paid]]}, rescheduled principal "
              f"{left}, carried interest {carried}")
        print("{" + ", ".join(f"{{{p}, {i}}}" for p, i, _ in new_rows) + "},")


if __name__ == "__main__":
    main()
