import type { DataSource } from "typeorm";
import { encodeCursor } from "../shared/pagination";
import { Unit } from "./unit.entity";
import { UNIT_SORT } from "./unit.queries";

/**
 * The administrative units in memory. They are reference data: every portal page reads them, and
 * they change a few times a decade (a merge, a change of type). A process keeps one snapshot of
 * the whole admin_unit table per DataSource and answers unit reads from it (unit.list.ts,
 * unit.loaders.ts); anything it cannot answer exactly goes to MariaDB as before.
 *
 * Freshness. Triggers on admin_unit add one to `cache_version('admin_unit')` in the transaction of
 * every write (migrations/…-UnitCacheVersion.ts), whoever writes. A snapshot and its version are
 * read in one consistent read; a snapshot is served for `recheckSeconds`, then the version is read
 * again (one primary-key SELECT) and the table reloaded only when it moved. Writers in this
 * process drop the snapshot at once (`unitsChanged`); the API tells the other processes through
 * Redis (app/caches.ts). So a unit change is seen at once by the process that made it, within
 * milliseconds by the others, and in any case (a lost notice, an UPDATE typed by hand) within
 * `recheckSeconds`.
 */
export interface UnitDirectoryOptions {
  /** Seconds a snapshot is served before its version is read again; 0: on every read. */
  recheckSeconds: number;
  /** Largest table kept in memory; above it every read goes to MariaDB. */
  maxRows: number;
}

/** Printable ASCII: the characters whose utf8mb4_unicode_ci comparison is plain ASCII case folding. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A row and what the in-memory filters compare, precomputed. */
export interface UnitRow {
  unit: Unit;
  /** Its cursor in UNIT_SORT, as paginate() would encode it. */
  cursor: string;
  /** utf8mb4_unicode_ci keys (ASCII lower case, trailing spaces dropped as PAD SPACE does). */
  level: string;
  type: string;
  code: string | null;
  /** name_folded in lower case, for LIKE (which does not pad). */
  folded: string;
}

/** Case-insensitive, trailing-space-insensitive key of a printable ASCII value (unicode_ci equality). */
export function ciKey(s: string): string {
  return s.toLowerCase().replace(/ +$/, "");
}

/** One consistent copy of admin_unit. Its Unit objects are frozen: they are shared by every request. */
export class UnitSnapshot {
  /** Every unit in UNIT_SORT order (depth, name_folded, id), as MariaDB sorts them. */
  readonly rows: readonly UnitRow[];
  readonly byId: ReadonlyMap<number, Unit>;
  /** Children of each unit by name then id, as MariaDB sorts them (unitsByParent's order). */
  readonly children: ReadonlyMap<number, readonly Unit[]>;
  /** Position of each unit in `rows`. */
  private readonly position: ReadonlyMap<number, number>;
  /**
   * True when every code, level, type and folded name is printable ASCII, so the in-memory filters
   * compare exactly as utf8mb4_unicode_ci does. With Vietnamese data they always are (folding
   * removes the diacritics); otherwise the filters on them go to MariaDB.
   */
  readonly asciiKeys: boolean;
  /** True when specially_difficult holds only 0, 1 or NULL (what `= true` in SQL and a boolean agree on). */
  readonly booleansExact: boolean;

  constructor(
    readonly version: string | null,
    sorted: Unit[],
    childOrder: readonly number[],
    booleansExact: boolean,
  ) {
    const byId = new Map<number, Unit>();
    const position = new Map<number, number>();
    let ascii = true;
    const rows = sorted.map((unit, i) => {
      // A data property in place of the prototype's getter: computed once, not per request.
      Object.defineProperty(unit, "globalId", { value: unit.globalId, enumerable: false });
      Object.freeze(unit.sources);
      Object.freeze(unit);
      byId.set(unit.id, unit);
      position.set(unit.id, i);
      for (const s of [unit.level, unit.type, unit.code ?? "", unit.nameFolded])
        if (!PRINTABLE_ASCII.test(s)) ascii = false;
      return {
        unit,
        cursor: encodeCursor({ s: UNIT_SORT.name, v: UNIT_SORT.keys.map((k) => k.value(unit)) }),
        level: ciKey(unit.level),
        type: ciKey(unit.type),
        code: unit.code === null ? null : ciKey(unit.code),
        folded: unit.nameFolded.toLowerCase(),
      };
    });
    const children = new Map<number, Unit[]>();
    for (const id of childOrder) {
      const unit = byId.get(id);
      if (!unit || unit.parentId === null) continue;
      const list = children.get(unit.parentId);
      if (list) list.push(unit);
      else children.set(unit.parentId, [unit]);
    }
    this.rows = rows;
    this.byId = byId;
    this.position = position;
    this.children = children;
    this.asciiKeys = ascii;
    this.booleansExact = booleansExact;
  }

  /** Where a unit sits in `rows`, or undefined. */
  indexOf(id: number): number | undefined {
    return this.position.get(id);
  }
}

interface State {
  /** null: the table is larger than maxRows; reads go to MariaDB. */
  snapshot: UnitSnapshot | null;
  version: string | null;
  /** Clock time (ms) the version was last read. */
  checkedAt: number;
}

async function readVersion(ds: DataSource): Promise<string | null> {
  const rows = (await ds.query("SELECT version FROM cache_version WHERE name = 'admin_unit'")) as Array<{
    version: string | number;
  }>;
  return rows.length > 0 ? String(rows[0].version) : null;
}

export class UnitDirectory {
  private state: State | null = null;
  private pending: Promise<State> | null = null;
  /** Moves on every drop, so a load that started before it is not kept. */
  private generation = 0;
  private readonly recheckMs: number;

  constructor(
    private readonly ds: DataSource,
    readonly options: UnitDirectoryOptions,
  ) {
    this.recheckMs = options.recheckSeconds * 1000;
  }

  /**
   * The current snapshot (loading or re-checking it when due), or null when the table is too large
   * to keep. `now` is the request's clock time; a clock that went back counts as due.
   */
  async snapshot(now: Date): Promise<UnitSnapshot | null> {
    const t = now.getTime();
    const s = this.state;
    if (s && t >= s.checkedAt && t - s.checkedAt < this.recheckMs) return s.snapshot;
    return (await this.refresh(t)).snapshot;
  }

  /** Drops the snapshot: the next read loads the table again. For writers in this process. */
  invalidate(): void {
    this.generation += 1;
    this.state = null;
    this.pending = null;
  }

  /** Re-reads the version (one read at a time; concurrent readers share it) and reloads on a change. */
  private refresh(t: number): Promise<State> {
    if (this.pending) return this.pending;
    const generation = this.generation;
    const current = this.state;
    const p = (async (): Promise<State> => {
      if (current && (await readVersion(this.ds)) === current.version) return { ...current, checkedAt: t };
      return this.load(t);
    })();
    this.pending = p;
    const settle = () => {
      if (this.pending === p) this.pending = null;
    };
    p.then((s) => {
      if (this.generation === generation) this.state = s;
      settle();
    }, settle);
    return p;
  }

  /** The table and its version in one consistent read (one REPEATABLE READ transaction). */
  private load(t: number): Promise<State> {
    return this.ds.transaction("REPEATABLE READ", async (m) => {
      const [{ version, n, odd }] = (await m.query(
        `SELECT (SELECT version FROM cache_version WHERE name = 'admin_unit') AS version, COUNT(*) AS n,
                COALESCE(SUM(specially_difficult NOT IN (0, 1)), 0) AS odd
           FROM admin_unit`,
      )) as Array<{ version: string | number | null; n: string | number; odd: string | number }>;
      const v = version === null ? null : String(version);
      if (Number(n) > this.options.maxRows) return { snapshot: null, version: v, checkedAt: t };
      const units = await m
        .getRepository(Unit)
        .find({ order: { depth: "ASC", nameFolded: "ASC", id: "ASC" } });
      const childOrder = (await m.query("SELECT id FROM admin_unit ORDER BY parent_id, name, id")) as Array<{
        id: number;
      }>;
      const snapshot = new UnitSnapshot(
        v,
        units,
        childOrder.map((r) => Number(r.id)),
        Number(odd) === 0,
      );
      return { snapshot, version: v, checkedAt: t };
    });
  }
}

/**
 * One directory per DataSource in a process: the API turns it on (app/server.ts), and everything
 * in the process that reads or writes units through that DataSource shares it. Processes that
 * never turn it on (workers, scripts) read MariaDB.
 */
const directories = new WeakMap<DataSource, UnitDirectory>();

/** Turns the directory on for `ds` (once; later calls return the first). Null when maxRows is 0. */
export function enableUnitDirectory(ds: DataSource, options: UnitDirectoryOptions): UnitDirectory | null {
  if (options.maxRows <= 0) return null;
  let dir = directories.get(ds);
  if (!dir) {
    dir = new UnitDirectory(ds, options);
    directories.set(ds, dir);
  }
  return dir;
}

export function unitDirectoryOf(ds: DataSource): UnitDirectory | undefined {
  return directories.get(ds);
}

/**
 * Call after committing a change to admin_unit through `ds`: this process reads the new rows on
 * its next request. Other processes learn it from Redis (Context.caches.unitsChanged) or, at the
 * latest, from the version within UNIT_CACHE_SECONDS.
 */
export function unitsChanged(ds: DataSource): void {
  directories.get(ds)?.invalidate();
}
