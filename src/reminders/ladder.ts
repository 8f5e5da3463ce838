/**
 * The reminder ladder (thang nhắc việc) of a plan, and which reminders one piece of work gets from
 * it. Pure: no I/O, no clock; the calendar and the time zone come in as arguments.
 *
 * - before_N: N working days before the due date, to the assignee (default 7, 3 and 1);
 * - due_today: on the due date, to the assignee; when the due date is a day off, on the last
 *   working day before it (and a before-rung landing on that same day gives way to it);
 * - overdue_N: every `overdueEveryWorkingDays` working days after the due date while the work is
 *   not done, N being the working days overdue, to the assignee;
 * - escalation: once, `escalateAfterWorkingDays` working days after the due date, to the assigner
 *   and the plan's coordinators (Văn phòng Điều phối).
 * Every rung fires at `localHour`:00 in the plan's time zone (Asia/Ho_Chi_Minh).
 */
import { addDays, type CalendarExceptions, isWorkingDay } from "../calendar/working-days";
import { AssignmentStatus } from "../workflow/assignment.states";
import { zonedInstant } from "./local-time";

export interface ReminderLadder {
  /** Working days before the due date, e.g. [7, 3, 1]. */
  daysBefore: readonly number[];
  /** Remind on the due date itself. */
  onDueDate: boolean;
  /** While overdue, remind every this many working days; 0: never. */
  overdueEveryWorkingDays: number;
  /** Escalate to the assigner and the coordinators this many working days after the due date; 0: never. */
  escalateAfterWorkingDays: number;
  /** Local hour (0–23) at which reminders go out. */
  localHour: number;
}

/** The ladder of a plan that has none of its own. */
export const DEFAULT_LADDER: ReminderLadder = Object.freeze({
  daysBefore: Object.freeze([7, 3, 1]),
  onDueDate: true,
  overdueEveryWorkingDays: 2,
  escalateAfterWorkingDays: 3,
  localHour: 8,
});

/** Limits a ladder must respect (checked when a plan's settings are read or written). */
export const LADDER_LIMITS = {
  maxDaysBefore: 60,
  maxRungsBefore: 10,
  maxEvery: 60,
  maxEscalate: 60,
} as const;

export type Audience = "assignee" | "assigner" | "coordinators";
export type ReminderKind = `before_${number}` | "due_today" | `overdue_${number}` | "escalation";

const KIND_RE = /^(before_[1-9][0-9]?|due_today|overdue_[1-9][0-9]{0,3}|escalation)$/;

export function isReminderKind(value: unknown): value is ReminderKind {
  return typeof value === "string" && KIND_RE.test(value);
}

/** Work that is still expected gets reminders; done, cancelled, paused or returned work does not. */
export const REMINDABLE_STATUSES: readonly AssignmentStatus[] = [
  AssignmentStatus.ASSIGNED,
  AssignmentStatus.ACCEPTED,
  AssignmentStatus.IN_PROGRESS,
  AssignmentStatus.REWORK,
  AssignmentStatus.REPORTED,
];

/** What the ladder needs to know about one assignment. */
export interface ReminderFacts {
  status: AssignmentStatus;
  /** Local date "YYYY-MM-DD"; null: no deadline, no reminders. */
  dueDate: string | null;
}

export interface DueReminder {
  kind: ReminderKind;
  /** The local date it goes out on. */
  fireAtLocalDate: string;
  /** `localHour`:00 on that date in the plan's time zone, as a UTC instant. */
  fireAt: Date;
  recipients: readonly Audience[];
}

export interface LadderOptions {
  /** IANA time zone of the plan (Asia/Ho_Chi_Minh). */
  timeZone: string;
  /** The last local date of interest: rungs after it are left out (the overdue series never ends). */
  until: string;
}

/** The problems of a ladder, in English, one per broken limit; empty when it is usable. */
export function ladderProblems(l: ReminderLadder): string[] {
  const problems: string[] = [];
  const { maxDaysBefore, maxRungsBefore, maxEvery, maxEscalate } = LADDER_LIMITS;
  if (l.daysBefore.length > maxRungsBefore)
    problems.push(`daysBefore may hold at most ${maxRungsBefore} values`);
  if (l.daysBefore.some((d) => !Number.isInteger(d) || d < 1 || d > maxDaysBefore))
    problems.push(`daysBefore values must be whole numbers from 1 to ${maxDaysBefore}`);
  if (new Set(l.daysBefore).size !== l.daysBefore.length) problems.push("daysBefore values must differ");
  if (
    !Number.isInteger(l.overdueEveryWorkingDays) ||
    l.overdueEveryWorkingDays < 0 ||
    l.overdueEveryWorkingDays > maxEvery
  )
    problems.push(`overdueEveryWorkingDays must be a whole number from 0 to ${maxEvery}`);
  if (
    !Number.isInteger(l.escalateAfterWorkingDays) ||
    l.escalateAfterWorkingDays < 0 ||
    l.escalateAfterWorkingDays > maxEscalate
  )
    problems.push(`escalateAfterWorkingDays must be a whole number from 0 to ${maxEscalate}`);
  if (!Number.isInteger(l.localHour) || l.localHour < 0 || l.localHour > 23)
    problems.push("localHour must be a whole number from 0 to 23");
  return problems;
}

/** The date `n` working days before `date` (n ≥ 1 always lands on a working day). */
export function subtractWorkingDays(date: string, n: number, calendar: CalendarExceptions): string {
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, -1);
    if (isWorkingDay(d, calendar)) left -= 1;
  }
  return d;
}

/** `date` itself when it is a working day, else the last working day before it. */
export function workingDayOnOrBefore(date: string, calendar: CalendarExceptions): string {
  let d = date;
  while (!isWorkingDay(d, calendar)) d = addDays(d, -1);
  return d;
}

/** The date `n` working days after `date`. */
function workingDaysAfter(date: string, n: number, calendar: CalendarExceptions): string {
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) left -= 1;
  }
  return d;
}

/** The longest overdue series computed (two years of working days at one a day). */
const MAX_OVERDUE_RUNGS = 500;

/**
 * Every reminder `facts` gets from `ladder` up to `opts.until`, in firing order. None for work
 * without a due date or in a status that takes no reminders (APPROVED, CANCELLED, PAUSED, RETURNED).
 */
export function dueReminders(
  facts: ReminderFacts,
  ladder: ReminderLadder,
  calendar: CalendarExceptions,
  opts: LadderOptions,
): DueReminder[] {
  const due = facts.dueDate;
  if (due === null || !REMINDABLE_STATUSES.includes(facts.status)) return [];
  const at = (kind: ReminderKind, date: string, recipients: readonly Audience[]): DueReminder => ({
    kind,
    fireAtLocalDate: date,
    fireAt: zonedInstant(date, ladder.localHour, opts.timeZone),
    recipients,
  });
  const ASSIGNEE: readonly Audience[] = ["assignee"];

  // Rungs up to the due date: one per date, the one nearest the deadline winning a shared date.
  const upTo = new Map<string, DueReminder>();
  const before = [...new Set(ladder.daysBefore)].sort((a, b) => b - a);
  for (const n of before) {
    const date = workingDayOnOrBefore(subtractWorkingDays(due, n, calendar), calendar);
    upTo.set(date, at(`before_${n}`, date, ASSIGNEE));
  }
  if (ladder.onDueDate) {
    const date = workingDayOnOrBefore(due, calendar);
    upTo.set(date, at("due_today", date, ASSIGNEE));
  }
  const out = [...upTo.values()];

  if (ladder.escalateAfterWorkingDays > 0) {
    const date = workingDaysAfter(due, ladder.escalateAfterWorkingDays, calendar);
    out.push(at("escalation", date, ["assigner", "coordinators"]));
  }
  const every = ladder.overdueEveryWorkingDays;
  if (every > 0) {
    let date = due;
    for (let k = 1; k <= MAX_OVERDUE_RUNGS; k++) {
      date = workingDaysAfter(date, every, calendar);
      if (date > opts.until) break;
      out.push(at(`overdue_${k * every}`, date, ASSIGNEE));
    }
  }
  return out
    .filter((r) => r.fireAtLocalDate <= opts.until)
    .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime() || rank(a.kind) - rank(b.kind));
}

/** Order of kinds sharing an instant: what the assignee hears first, escalation last. */
function rank(kind: ReminderKind): number {
  if (kind.startsWith("before_")) return 0;
  if (kind === "due_today") return 1;
  if (kind.startsWith("overdue_")) return 2;
  return 3;
}

/**
 * The one reminder of `kind` for these facts, or null when the ladder no longer gives it (the
 * deadline moved, the work is done, the ladder changed). `until` must reach the rung's date.
 */
export function findReminder(
  kind: ReminderKind,
  facts: ReminderFacts,
  ladder: ReminderLadder,
  calendar: CalendarExceptions,
  opts: LadderOptions,
): DueReminder | null {
  return dueReminders(facts, ladder, calendar, opts).find((r) => r.kind === kind) ?? null;
}
