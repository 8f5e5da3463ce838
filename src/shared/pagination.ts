import { Max, Min } from "class-validator";
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";
import { ArgsType, type ClassType, Field, Int, ObjectType } from "type-graphql";
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { BadInputError } from "./errors";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1–${MAX_PAGE_SIZE}.` })
  @Min(1, { message: `first must be at least 1` })
  @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
  first!: number;

  @Field(() => String, { nullable: true, description: "Cursor of the last edge of the previous page." })
  after?: string | null;
}

@ObjectType({ description: "Relay page information.", simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Builds `<Name>Connection` and `<Name>Edge` object types for a node type. Their fields are plain
 * properties, so graphql-js reads them directly (`simpleResolvers`: no type-graphql wrapper per
 * field, which on a 100-item page was a few hundred calls per request).
 */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, {
    description: `A page of ${name} (Relay connection).`,
    simpleResolvers: true,
  })
  class ConnectionType implements Page<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node], { description: "The nodes of `edges`, for clients that need no cursors." })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "Number of items matching the filter, across all pages." })
    totalCount!: number;
  }
  return ConnectionType;
}

/**
 * One sort order for keyset pagination: SQL expressions, all in the same direction, the last one
 * unique (the primary key), and how to read each value back from an entity.
 */
export interface SortSpec<T> {
  name: string;
  direction: "ASC" | "DESC";
  keys: Array<{ sql: string; value: (row: T) => string | number }>;
}

export interface Cursor {
  s: string;
  v: Array<string | number>;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), "utf8").toString("base64url");
}

export function decodeCursor<T>(raw: string, sort: SortSpec<T>): Cursor {
  const bad = () => new BadInputError("after is not a valid cursor for this list and order", "after");
  if (raw.length > 512 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (typeof parsed !== "object" || parsed === null) throw bad();
  const c = parsed as Partial<Cursor>;
  if (c.s !== sort.name || !Array.isArray(c.v) || c.v.length !== sort.keys.length) throw bad();
  for (const v of c.v) {
    if (!(typeof v === "number" && Number.isFinite(v)) && !(typeof v === "string" && v.length <= 64))
      throw bad();
  }
  return c as Cursor;
}

/** True when the client selected `field` directly on the connection (fragments included). */
export function selects(info: GraphQLResolveInfo, field: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD && sel.name.value === field) return true;
      if (sel.kind === Kind.INLINE_FRAGMENT && walk(sel.selectionSet)) return true;
      if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        if (walk(info.fragments[sel.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((n) => walk(n.selectionSet));
}

/** The page size and the decoded `after` cursor, or BAD_USER_INPUT. */
export function pageArgs<T>(
  args: ConnectionArgs,
  sort: SortSpec<T>,
): { first: number; after: Cursor | null } {
  const first = args.first;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, "first");
  }
  return { first, after: args.after ? decodeCursor(args.after, sort) : null };
}

/**
 * The keyset condition "after the cursor" in the sort's direction, spelled out
 * (k1 > a OR (k1 = a AND k2 > b) …) rather than as a row comparison (k1, k2) > (a, b): MariaDB
 * turns the spelled-out form into an index range, but reads a row comparison from the start of
 * the index and filters, so every later page would cost more than the first.
 */
function afterCursor<T>(
  sort: SortSpec<T>,
  values: Array<string | number>,
): [string, Record<string, string | number>] {
  const op = sort.direction === "ASC" ? ">" : "<";
  const params: Record<string, string | number> = {};
  values.forEach((v, i) => (params[`__after${i}`] = v));
  const terms = sort.keys.map((key, i) =>
    [...sort.keys.slice(0, i).map((k, j) => `${k.sql} = :__after${j}`), `${key.sql} ${op} :__after${i}`].join(
      " AND ",
    ),
  );
  return [`(${terms.map((t) => `(${t})`).join(" OR ")})`, params];
}

/**
 * Runs one keyset-paginated page of `qb` (alias must be the root alias, filters applied).
 * One SQL statement: the count, when asked for, is a scalar subquery over the same filters —
 * over `count` when given (the same rows, counted more cheaply), else over `qb` itself.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  sort: SortSpec<T>,
  args: ConnectionArgs,
  withTotal: boolean,
  count?: SelectQueryBuilder<ObjectLiteral>,
): Promise<Page<T>> {
  const { first, after } = pageArgs(args, sort);

  const counted = (): SelectQueryBuilder<ObjectLiteral> =>
    (count ?? qb).clone().select("COUNT(*)", "n").orderBy();
  const countSql = withTotal ? counted().getQuery() : null;

  const page = qb.clone();
  if (countSql)
    page
      .addSelect(`(${countSql})`, "__total")
      .setParameters({ ...page.getParameters(), ...count?.getParameters() });
  if (after) {
    const [where, params] = afterCursor(sort, after.v);
    page.andWhere(where, params);
  }
  page.orderBy();
  for (const k of sort.keys) page.addOrderBy(k.sql, sort.direction);
  page.limit(first + 1);

  const { entities, raw } = await page.getRawAndEntities<{ __total?: string | number }>();
  const hasNextPage = entities.length > first;
  const edges = entities.slice(0, first).map((node) => ({
    node,
    cursor: encodeCursor({ s: sort.name, v: sort.keys.map((k) => k.value(node)) }),
  }));

  let totalCount = 0;
  if (withTotal) {
    if (raw.length > 0) totalCount = Number(raw[0].__total);
    else if (after) totalCount = Number((await counted().getRawOne<{ n: string | number }>())?.n ?? 0);
  }

  return pageOf(edges, totalCount, hasNextPage, after !== null);
}

/** A page from its edges: nodes and page info follow from them. */
export function pageOf<T>(
  edges: Array<{ cursor: string; node: T }>,
  totalCount: number,
  hasNextPage: boolean,
  hasPreviousPage: boolean,
): Page<T> {
  return {
    edges,
    nodes: edges.map((e) => e.node),
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
