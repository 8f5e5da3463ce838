import DataLoader from "dataloader";
import { type DataSource, In, type ObjectLiteral } from "typeorm";
import type { Context } from "./context";
import { NotFoundError } from "./errors";

type EntityClass<T> = { new (): T };

/** Rows by primary key in one `WHERE id IN (...)`, in the order of `ids` (null where missing). */
export async function rowsByIds<T extends ObjectLiteral & { id: number }>(
  ds: DataSource,
  entity: EntityClass<T>,
  ids: readonly number[],
): Promise<Array<T | null>> {
  const rows = await ds.getRepository(entity).find({ where: { id: In([...ids]) } as never });
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/** Child rows grouped by a foreign key column in one `WHERE fk IN (...)`, in the order of `ids`. */
export async function rowsByForeignKey<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityClass<T>,
  key: keyof T & string,
  order: Partial<Record<keyof T & string, "ASC" | "DESC">>,
  ids: readonly number[],
): Promise<T[][]> {
  const rows = await ds
    .getRepository(entity)
    .find({ where: { [key]: In([...ids]) } as never, order: order as never });
  const groups = new Map<number, T[]>();
  for (const r of rows) {
    const k = r[key] as number;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return ids.map((id) => groups.get(id) ?? []);
}

/** A loader of rows by primary key: one `WHERE id IN (...)` per tick, whatever the page size. */
export function byIdLoader<T extends ObjectLiteral & { id: number }>(entity: EntityClass<T>) {
  return (ctx: Context) =>
    new DataLoader<number, T | null>((ids) => rowsByIds(ctx.ds, entity, ids), { maxBatchSize: 1000 });
}

/** A loader of child rows grouped by a foreign key column: one `WHERE fk IN (...)` per tick. */
export function byForeignKeyLoader<T extends ObjectLiteral>(
  entity: EntityClass<T>,
  key: keyof T & string,
  order: Partial<Record<keyof T & string, "ASC" | "DESC">>,
) {
  return (ctx: Context) =>
    new DataLoader<number, T[]>((ids) => rowsByForeignKey(ctx.ds, entity, key, order, ids), {
      maxBatchSize: 1000,
    });
}

/** Load one row by id through the request's loader; null when missing. */
export function loadById<T>(
  ctx: Context,
  factory: (ctx: Context) => DataLoader<number, T | null>,
  id: number | null,
): Promise<T | null> {
  return id === null ? Promise.resolve(null) : ctx.loaders.get(factory).load(id);
}

/** Load a row the data model guarantees (a NOT NULL foreign key); NOT_FOUND if it is gone. */
export async function loadRequired<T>(
  ctx: Context,
  factory: (ctx: Context) => DataLoader<number, T | null>,
  id: number,
  what: string,
): Promise<T> {
  const row = await ctx.loaders.get(factory).load(id);
  if (row === null) throw new NotFoundError(what);
  return row;
}
