/**
 * Wall-clock times in a time zone, without a time-zone library: Intl tells the zone's offset at an
 * instant, which is enough to turn "08:00 on 2023-01-27 in Asia/Ho_Chi_Minh" into a UTC instant.
 */
import { formatPerZone } from "../shared/clock";

const formatter = formatPerZone("en-US", {
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** The zone's offset from UTC at `instant`, in milliseconds (Asia/Ho_Chi_Minh: +7 h). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of `hour`:00 local time on the calendar date `date` ("YYYY-MM-DD") in `timeZone`. */
export function zonedInstant(date: string, hour: number, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, 0, 0);
  // Two passes settle the offset even across a daylight-saving change (Vietnam has none).
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant);
}
