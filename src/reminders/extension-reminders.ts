/**
 * Reminders to the approver of a deadline extension awaiting a decision (đề nghị gia hạn chờ xử
 * lý). Pure: no I/O, no clock.
 *
 * - one a working day while the request is pending, from the first working day after the day it
 *   was made, at the ladder's `localHour` in the plan's time zone;
 * - to the assigning organization's acting members, and also to the plan's coordinators once the
 *   request has waited `escalateAfterWorkingDays` working days (never when that is 0).
 *
 * A delivery's key is (assignment, `ext_pending_<extension id>`, the day, recipient, channel): one
 * per extension, day and person, however often its job runs.
 */
import { addDays, type CalendarExceptions, isWorkingDay, workingDaysBetween } from "../calendar/working-days";
import type { Audience, ReminderLadder } from "./ladder";
import { zonedInstant } from "./local-time";

export type ExtensionReminderKind = `ext_pending_${number}`;

const EXT_KIND_RE = /^ext_pending_([1-9][0-9]{0,9})$/;

export function extensionReminderKind(extensionId: number): ExtensionReminderKind {
  return `ext_pending_${extensionId}`;
}

export function isExtensionReminderKind(value: unknown): value is ExtensionReminderKind {
  return typeof value === "string" && EXT_KIND_RE.test(value);
}

/** The extension id of a kind made by `extensionReminderKind`. */
export function extensionIdOf(kind: ExtensionReminderKind): number {
  return Number(EXT_KIND_RE.exec(kind)![1]);
}

export interface ExtensionReminderDay {
  /** The local date it goes out on (the delivery's due_date). */
  day: string;
  fireAt: Date;
  /** Working days the request has waited by then. */
  waitedWorkingDays: number;
  recipients: readonly Audience[];
}

/** The reminder of a request made on `requestedOn` for `day`, or null when that day gets none. */
export function extensionReminderOn(
  requestedOn: string,
  day: string,
  ladder: ReminderLadder,
  calendar: CalendarExceptions,
  timeZone: string,
): ExtensionReminderDay | null {
  if (day <= requestedOn || !isWorkingDay(day, calendar)) return null;
  const waited = workingDaysBetween(requestedOn, day, calendar);
  const escalate = ladder.escalateAfterWorkingDays > 0 && waited >= ladder.escalateAfterWorkingDays;
  return {
    day,
    fireAt: zonedInstant(day, ladder.localHour, timeZone),
    waitedWorkingDays: waited,
    recipients: escalate ? ["assigner", "coordinators"] : ["assigner"],
  };
}

/** Every reminder of a request made on `requestedOn` whose local date is from `from` to `until`. */
export function extensionReminderDays(
  requestedOn: string,
  ladder: ReminderLadder,
  calendar: CalendarExceptions,
  opts: { timeZone: string; from: string; until: string },
): ExtensionReminderDay[] {
  const out: ExtensionReminderDay[] = [];
  const start = opts.from > requestedOn ? opts.from : addDays(requestedOn, 1);
  for (let d = start; d <= opts.until; d = addDays(d, 1)) {
    const r = extensionReminderOn(requestedOn, d, ladder, calendar, opts.timeZone);
    if (r) out.push(r);
  }
  return out;
}
