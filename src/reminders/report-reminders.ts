/**
 * Reminders that a reporting period's report is due (kỳ báo cáo). Pure: no I/O, no clock.
 *
 * Each running assignment of a plan that has not reported on a period yet is reminded on the
 * plan's ladder's before-days, counted back from the period's due date, at the ladder's hour.
 * Kind `report_due_before_<n>`, due date the period's: the delivery key (assignment, kind, due
 * date, recipient, channel) then stands for one rung of every period of the plan due that date.
 */
import type { CalendarExceptions } from "../calendar/working-days";
import { type ReminderLadder, subtractWorkingDays, workingDayOnOrBefore } from "./ladder";
import { zonedInstant } from "./local-time";

export type ReportReminderKind = `report_due_before_${number}`;

const REPORT_KIND_RE = /^report_due_before_([1-9][0-9]?)$/;

export function isReportReminderKind(value: unknown): value is ReportReminderKind {
  return typeof value === "string" && REPORT_KIND_RE.test(value);
}

/** The working days before the due date a kind stands for. */
export function reportRungOf(kind: ReportReminderKind): number {
  return Number(REPORT_KIND_RE.exec(kind)![1]);
}

export interface ReportReminder {
  kind: ReportReminderKind;
  fireAtLocalDate: string;
  fireAt: Date;
}

/** The report reminder of `n` working days before `dueDate`, or null when the ladder lacks that rung. */
export function reportReminderFor(
  n: number,
  dueDate: string,
  ladder: ReminderLadder,
  calendar: CalendarExceptions,
  timeZone: string,
): ReportReminder | null {
  if (!ladder.daysBefore.includes(n)) return null;
  const date = workingDayOnOrBefore(subtractWorkingDays(dueDate, n, calendar), calendar);
  return {
    kind: `report_due_before_${n}`,
    fireAtLocalDate: date,
    fireAt: zonedInstant(date, ladder.localHour, timeZone),
  };
}

/** Every report reminder for a period due `dueDate`, earliest first. */
export function reportReminders(
  dueDate: string,
  ladder: ReminderLadder,
  calendar: CalendarExceptions,
  timeZone: string,
): ReportReminder[] {
  return [...new Set(ladder.daysBefore)]
    .sort((a, b) => b - a)
    .map((n) => reportReminderFor(n, dueDate, ladder, calendar, timeZone)!);
}
