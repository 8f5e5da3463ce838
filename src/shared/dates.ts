import { BadInputError } from "./errors";

/** Earliest and latest calendar dates the API accepts (MariaDB DATE allows more; nobody plans that far). */
export const MIN_DATE = "1900-01-01";
export const MAX_DATE = "2199-12-31";

/** Rejects a date outside the supported range with a clear, typed error. */
export function checkDateRange(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (value < MIN_DATE || value > MAX_DATE) {
    throw new BadInputError(`${field} must be between ${MIN_DATE} and ${MAX_DATE}`, field);
  }
  return value;
}

/** Checks that from <= to when both are given. */
export function checkDateOrder(
  from: string | null,
  to: string | null,
  fromField: string,
  toField: string,
): void {
  if (from !== null && to !== null && from > to) {
    throw new BadInputError(`${fromField} must not be after ${toField}`, fromField);
  }
}
