/**
 * The working calendar for reminder jobs, read from MariaDB at most once per `ttlMs` per data
 * source. A send job needs it every time (is the rung's day a working day?) and it changes a few
 * times a year; reading and hydrating its rows on every job was a tenth of a job's SQL. A change
 * is seen within `ttlMs` (the worker uses 60 s); 0 reads it every time (tests that edit it).
 */
import type { DataSource } from "typeorm";
import type { CalendarExceptions } from "../calendar/working-days";
import { loadCalendarExceptions } from "./reminder.store";

const cached = new WeakMap<DataSource, { until: number; value: Promise<CalendarExceptions> }>();

export function calendarFor(ds: DataSource, ttlMs = 0): Promise<CalendarExceptions> {
  if (ttlMs <= 0) return loadCalendarExceptions(ds.manager);
  const now = Date.now();
  const hit = cached.get(ds);
  if (hit && hit.until > now) return hit.value;
  const value = loadCalendarExceptions(ds.manager);
  cached.set(ds, { until: now + ttlMs, value });
  value.catch(() => cached.delete(ds)); // a failed read is not kept
  return value;
}
