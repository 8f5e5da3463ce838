/** The time source. Tests set it; production reads the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and move. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(d: Date): void {
    this.current = new Date(d.getTime());
  }
}

/**
 * A source of Intl.DateTimeFormat for one locale and set of options, one per time zone: building a
 * formatter costs far more than formatting, and its native memory is only freed at GC.
 */
export function formatPerZone(
  locale: string,
  options: Omit<Intl.DateTimeFormatOptions, "timeZone">,
): (timeZone: string) => Intl.DateTimeFormat {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let format = byZone.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      byZone.set(timeZone, format);
    }
    return format;
  };
}

// en-CA formats as YYYY-MM-DD.
const dateFormat = formatPerZone("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });

/** The calendar date ("YYYY-MM-DD") of an instant in a time zone (deadlines are local dates). */
export function localDate(instant: Date, timeZone: string): string {
  return dateFormat(timeZone).format(instant);
}
