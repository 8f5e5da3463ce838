import {
  IsNull,
  type DeepPartial,
  type EntityManager,
  type EntityTarget,
  type FindOperator,
  type FindOptionsWhere,
  type ObjectLiteral,
  type QueryDeepPartialEntity,
} from "typeorm";

/** The tables the seed writes, in the order it writes them. */
export const SEED_TABLES = [
  "reference_source",
  "admin_unit",
  "organization",
  "criteria_set",
  "criterion",
  "indicator",
  "plan",
  "plan_target",
  "plan_target_quota",
  "task_group",
  "roadmap_entry",
  "task",
  "task_cooperator",
  "task_unit",
  "assignment",
  "recognition",
  "funding_allocation",
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

/** Rows inserted per table by one run of the seed (all zero when the data was already there). */
export type SeedSummary = Record<SeedTable, number>;

function isSeedTable(name: string): name is SeedTable {
  return (SEED_TABLES as readonly string[]).includes(name);
}

/** A natural-key value that may be NULL: TypeORM needs IsNull() to match SQL NULL. */
export function orNull<V>(value: V | null): V | FindOperator<V> {
  return value === null ? IsNull() : value;
}

export interface Ensured<T> {
  row: T;
  /** True when this run inserted the row. */
  inserted: boolean;
}

/**
 * The seed's unit of work: one transaction's manager plus the insert counts. Rows are looked up
 * by their natural key and inserted only when missing; an existing row is never updated.
 */
export class SeedContext {
  readonly summary: SeedSummary;

  constructor(readonly manager: EntityManager) {
    this.summary = Object.fromEntries(SEED_TABLES.map((t) => [t, 0])) as SeedSummary;
  }

  /** The row matching `where`, or a new one built by `make` and inserted. */
  async ensure<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    where: NoInfer<FindOptionsWhere<T>>,
    make: () => NoInfer<DeepPartial<T>>,
  ): Promise<Ensured<T>> {
    const repo = this.manager.getRepository(target);
    const existing = await repo.findOneBy(where);
    if (existing) return { row: existing, inserted: false };
    const row = repo.create(make());
    // insert() writes generated values (id, timestamps) back into `row`.
    await repo.insert(row);
    const table = repo.metadata.tableName;
    if (!isSeedTable(table)) throw new Error(`The seed does not count rows of ${table}`);
    this.summary[table] += 1;
    return { row, inserted: true };
  }

  /** Fill a column of a row this run has just inserted (a path or a link that needs the new id). */
  async completeNew<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    created: Ensured<T>,
    id: number,
    values: QueryDeepPartialEntity<T>,
  ): Promise<void> {
    if (!created.inserted) return;
    await this.manager.getRepository(target).update(id, values);
    Object.assign(created.row, values);
  }
}
