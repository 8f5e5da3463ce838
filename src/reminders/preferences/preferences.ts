/**
 * Per-user reminder preferences, pure: the defaults, what a valid setting is, quiet hours and the
 * digest's instant. In-app notifications are always recorded (they are passive); preferences only
 * decide whether, when and how a reminder is e-mailed.
 */
import { addDays } from "../../calendar/working-days";
import { formatPerZone, localDate } from "../../shared/clock";
import { userError, type UserError } from "../../shared/user-errors";
import { zonedInstant } from "../local-time";
import { EmailMode } from "./notification-preferences.entity";

export interface Preferences {
  emailEnabled: boolean;
  emailMode: EmailMode;
  /** Local hour (0–23) of the daily digest. */
  digestLocalHour: number;
  /** Quiet hours [start, end) in local hours; null: none. start > end wraps midnight. */
  quietHours: { start: number; end: number } | null;
}

/** What a user without a row gets: today's behaviour (one e-mail per reminder, any hour). */
export const DEFAULT_PREFERENCES: Preferences = Object.freeze({
  emailEnabled: true,
  emailMode: EmailMode.IMMEDIATE,
  digestLocalHour: 7,
  quietHours: null,
});

export interface PreferencesRow {
  emailEnabled: boolean | number;
  emailMode: string;
  digestLocalHour: number;
  quietStartHour: number | null;
  quietEndHour: number | null;
}

/** A stored row as preferences; a row that breaks the limits falls back to the defaults where it breaks them. */
export function preferencesFromRow(r: PreferencesRow | null | undefined): Preferences {
  if (!r) return DEFAULT_PREFERENCES;
  const start = r.quietStartHour === null ? null : Number(r.quietStartHour);
  const end = r.quietEndHour === null ? null : Number(r.quietEndHour);
  const hour = Number(r.digestLocalHour);
  return {
    emailEnabled: Boolean(Number(r.emailEnabled)),
    emailMode: r.emailMode === EmailMode.DIGEST ? EmailMode.DIGEST : EmailMode.IMMEDIATE,
    digestLocalHour: isHour(hour) ? hour : DEFAULT_PREFERENCES.digestLocalHour,
    quietHours:
      start !== null && end !== null && isHour(start) && isHour(end) && start !== end ? { start, end } : null,
  };
}

const isHour = (n: number) => Number.isInteger(n) && n >= 0 && n <= 23;

export interface PreferencesInput {
  emailEnabled: boolean;
  emailMode: EmailMode;
  digestLocalHour: number;
  quietHoursStart?: number | null;
  quietHoursEnd?: number | null;
}

/** The input's problems as userErrors (field paths under `input`); empty when it can be stored. */
export function preferencesProblems(i: PreferencesInput): UserError[] {
  const errors: UserError[] = [];
  const at = (f: string) => ["input", f];
  if (!isHour(i.digestLocalHour))
    errors.push(userError("BAD_USER_INPUT", "digestLocalHour must be from 0 to 23", at("digestLocalHour")));
  const start = i.quietHoursStart ?? null;
  const end = i.quietHoursEnd ?? null;
  if (start !== null && !isHour(start))
    errors.push(userError("BAD_USER_INPUT", "quietHoursStart must be from 0 to 23", at("quietHoursStart")));
  if (end !== null && !isHour(end))
    errors.push(userError("BAD_USER_INPUT", "quietHoursEnd must be from 0 to 23", at("quietHoursEnd")));
  if ((start === null) !== (end === null))
    errors.push(
      userError(
        "BAD_USER_INPUT",
        "Give both quietHoursStart and quietHoursEnd, or neither",
        at(start === null ? "quietHoursStart" : "quietHoursEnd"),
      ),
    );
  else if (start !== null && start === end)
    errors.push(
      userError("BAD_USER_INPUT", "Quiet hours must not start and end at the same hour", at("quietHoursEnd")),
    );
  if (
    errors.length === 0 &&
    i.emailMode === EmailMode.DIGEST &&
    start !== null &&
    end !== null &&
    inQuietHours(i.digestLocalHour, { start, end })
  )
    errors.push(
      userError(
        "BAD_USER_INPUT",
        "digestLocalHour falls in the quiet hours; choose an hour outside them",
        at("digestLocalHour"),
      ),
    );
  return errors;
}

/** Whether local hour `hour` is inside quiet hours [start, end) (wrapping midnight when start > end). */
export function inQuietHours(hour: number, q: { start: number; end: number }): boolean {
  return q.start < q.end ? hour >= q.start && hour < q.end : hour >= q.start || hour < q.end;
}

const hourFormat = formatPerZone("en-GB", { hour: "2-digit", hourCycle: "h23" });

/** The local hour (0–23) of an instant in a time zone. */
export function localHour(instant: Date, timeZone: string): number {
  const h = Number(hourFormat(timeZone).format(instant));
  return h === 24 ? 0 : h;
}

/**
 * When an e-mail due at `at` may go out: `at` itself outside quiet hours, else the end of the
 * quiet hours it falls in (the same day's end, or the next day's when they wrap midnight and it is
 * before midnight). Deterministic: the same instant and preferences always give the same answer.
 */
export function emailAllowedAt(at: Date, p: Preferences, timeZone: string): Date {
  const q = p.quietHours;
  if (!q) return at;
  const hour = localHour(at, timeZone);
  if (!inQuietHours(hour, q)) return at;
  const day = localDate(at, timeZone);
  const endDay = q.start > q.end && hour >= q.start ? addDays(day, 1) : day;
  return zonedInstant(endDay, q.end, timeZone);
}

/** The instant of the digest for local date `date` (its hour is never in the quiet hours). */
export function digestInstant(date: string, p: Preferences, timeZone: string): Date {
  return emailAllowedAt(zonedInstant(date, p.digestLocalHour, timeZone), p, timeZone);
}
