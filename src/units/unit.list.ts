import { checkDateRange } from "../shared/dates";
import { decodeId } from "../shared/ids";
import { type ConnectionArgs, type Page, pageArgs, pageOf } from "../shared/pagination";
import { foldDiacritics, hasDiacritics, lowerName } from "../shared/text";
import { ciKey, type UnitRow, type UnitSnapshot } from "./unit.directory";
import type { Unit } from "./unit.entity";
import type { UnitFilter } from "./unit.inputs";
import { UNIT_SORT } from "./unit.queries";

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** LIKE's wildcards and escape: a path holding one would not be a plain prefix in SQL. */
const LIKE_SPECIAL = /[%_\\]/;
/** Half of a UTF-16 pair: MariaDB would not see the same text. */
const LONE_SURROGATE = /\p{Cs}/u;

type Test = (row: UnitRow) => boolean;

/**
 * The filter of unit.queries.ts as a test over snapshot rows: the same inputs refused with the same
 * errors, the same rows kept. Null when it cannot promise the same rows (text outside printable
 * ASCII where MariaDB compares with utf8mb4_unicode_ci; the caller then asks MariaDB).
 */
function compileFilter(snap: UnitSnapshot, filter: UnitFilter): Test | null {
  const tests: Test[] = [];
  if (filter.level) {
    if (!snap.asciiKeys) return null;
    const level = ciKey(filter.level);
    tests.push((r) => r.level === level);
  }
  if (filter.types && filter.types.length > 0) {
    if (!snap.asciiKeys) return null;
    const types = new Set(filter.types.map(ciKey));
    tests.push((r) => types.has(r.type));
  }
  if (filter.parentId) {
    const parentId = decodeId("Unit", filter.parentId, "parentId");
    tests.push((r) => r.unit.parentId === parentId);
  }
  if (filter.withinId) {
    const withinId = decodeId("Unit", filter.withinId, "withinId");
    const within = snap.byId.get(withinId);
    // SQL: the subquery finds no path, so nothing matches.
    if (!within) tests.push(() => false);
    else if (LIKE_SPECIAL.test(within.path)) return null;
    else tests.push((r) => r.unit.path.startsWith(within.path) && r.unit.id !== withinId);
  }
  if (filter.code) {
    if (!snap.asciiKeys || !PRINTABLE_ASCII.test(filter.code)) return null;
    const code = ciKey(filter.code);
    tests.push((r) => r.code === code);
  }
  if (filter.search) {
    if (hasDiacritics(filter.search)) {
      // name_lower is utf8mb4_bin: LIKE '%q%' is a plain substring test.
      const q = lowerName(filter.search);
      if (LONE_SURROGATE.test(q)) return null;
      tests.push((r) => r.unit.nameLower.includes(q));
    } else {
      const q = foldDiacritics(filter.search);
      if (!snap.asciiKeys || !PRINTABLE_ASCII.test(q)) return null;
      const lower = q.toLowerCase();
      tests.push((r) => r.folded.includes(lower));
    }
  }
  const validOn = checkDateRange(filter.validOn, "validOn");
  if (validOn) {
    tests.push(
      ({ unit: u }) =>
        (u.validFrom === null || u.validFrom <= validOn) && (u.validTo === null || u.validTo >= validOn),
    );
  }
  if (filter.speciallyDifficult !== null && filter.speciallyDifficult !== undefined) {
    if (!snap.booleansExact) return null;
    const sd = filter.speciallyDifficult;
    tests.push((r) => r.unit.speciallyDifficult === sd);
  }
  if (tests.length === 1) return tests[0];
  return (r) => tests.every((t) => t(r));
}

/**
 * `units(filter, first, after)` from a snapshot: the page, cursors, counts and errors that
 * paginate(unitListQuery(...), UNIT_SORT, ...) gives on the same table, or null when only MariaDB
 * can say (see compileFilter; or an `after` cursor whose unit is gone or has moved in the order:
 * finding its place would need MariaDB's collation).
 */
export function listUnitsInMemory(
  snap: UnitSnapshot,
  filter: UnitFilter | null | undefined,
  args: ConnectionArgs,
  withTotal: boolean,
): Page<Unit> | null {
  // The same order of checks as the SQL path: the filter's inputs, then first and after.
  const test = filter ? compileFilter(snap, filter) : null;
  if (filter && test === null) return null;
  const { first, after } = pageArgs(args, UNIT_SORT);
  let start = 0;
  if (after) {
    const [depth, nameFolded, id] = after.v;
    const i = typeof id === "number" ? snap.indexOf(id) : undefined;
    if (i === undefined) return null;
    const at = snap.rows[i].unit;
    if (at.depth !== depth || at.nameFolded !== nameFolded) return null;
    start = i + 1;
  }
  const rows = snap.rows;
  const edges: Array<{ cursor: string; node: Unit }> = [];
  let hasNextPage = false;
  for (let i = start; i < rows.length; i++) {
    const r = rows[i];
    if (test && !test(r)) continue;
    if (edges.length === first) {
      hasNextPage = true;
      break;
    }
    edges.push({ cursor: r.cursor, node: r.unit });
  }
  // Across all pages, as the SQL count is.
  let totalCount = 0;
  if (withTotal) totalCount = test ? rows.reduce((n, r) => (test(r) ? n + 1 : n), 0) : rows.length;
  return pageOf(edges, totalCount, hasNextPage, after !== null);
}
