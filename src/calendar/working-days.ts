import { CalendarDayKind } from "./calendar-day.entity";

/** Exceptions to the Monday–Friday week, by date ("YYYY-MM-DD"). */
export type CalendarExceptions = ReadonlyMap<string, CalendarDayKind>;

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 Sunday .. 6 Saturday
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A working day: Monday–Friday unless a holiday or a day off; a weekend day only when worked in exchange. */
export function isWorkingDay(date: string, exceptions: CalendarExceptions): boolean {
  const kind = exceptions.get(date);
  if (kind === CalendarDayKind.HOLIDAY || kind === CalendarDayKind.DAY_OFF) return false;
  if (kind === CalendarDayKind.WORKDAY) return true;
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6;
}

/**
 * Working days after `from` up to and including `to` (0 when `to` is not after `from`): how many
 * working days are left from today until a deadline.
 */
export function workingDaysBetween(from: string, to: string, exceptions: CalendarExceptions): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, exceptions)) n += 1;
  return n;
}

/** The date `n` working days after `from` (n ≥ 0; 0 gives `from` itself). */
export function addWorkingDays(from: string, n: number, exceptions: CalendarExceptions): string {
  let d = from;
  for (let left = n; left > 0;) {
    d = addDays(d, 1);
    if (isWorkingDay(d, exceptions)) left -= 1;
  }
  return d;
}
