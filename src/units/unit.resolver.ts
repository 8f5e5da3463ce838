import type { GraphQLResolveInfo } from "graphql";
import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../shared/context";
import { NotFoundError } from "../shared/errors";
import { decodeId } from "../shared/ids";
import { loadById } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects } from "../shared/pagination";
import { LocalDate } from "../shared/scalars";
import { checkDateRange } from "../shared/dates";
import { Unit } from "./unit.entity";
import { UnitFilter } from "./unit.inputs";
import { ancestorIds, unitById, unitSnapshot, unitsByParent } from "./unit.loaders";
import { listUnitsInMemory } from "./unit.list";
import { UNIT_SORT, unitListQuery } from "./unit.queries";

export const UnitConnection = Connection("Unit", Unit);
type UnitConnection = InstanceType<typeof UnitConnection>;

@Authorized()
@Resolver(() => Unit)
export class UnitResolver {
  @Query(() => Unit, { description: "One unit by ID. NOT_FOUND when there is none." })
  async unit(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Unit> {
    const unit = await loadById(ctx, unitById, decodeId("Unit", id));
    if (!unit) throw new NotFoundError("Unit");
    return unit;
  }

  @Query(() => UnitConnection, { description: "Units, ordered from the top of the tree down, then by name." })
  async units(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => UnitFilter, { nullable: true }) filter: UnitFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UnitConnection> {
    const withTotal = selects(info, "totalCount");
    // From the units in memory when they can answer exactly (unit.list.ts), else from MariaDB.
    const snapshot = await unitSnapshot(ctx);
    const fromMemory = snapshot ? listUnitsInMemory(snapshot, filter, page, withTotal) : null;
    return fromMemory ?? paginate(unitListQuery(ctx.ds, filter), UNIT_SORT, page, withTotal);
  }

  @FieldResolver(() => Unit, { nullable: true, description: "The unit one level up; null for a province." })
  parent(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, unit.parentId);
  }

  @FieldResolver(() => [Unit], {
    description: "Units one level down, by name. With validOn, only those that existed on that date.",
  })
  async children(
    @Root() unit: Unit,
    @Ctx() ctx: Context,
    @Arg("validOn", () => LocalDate, { nullable: true }) validOn: string | null,
  ): Promise<Unit[]> {
    const on = checkDateRange(validOn, "validOn");
    const rows = await ctx.loaders.get(unitsByParent).load(unit.id);
    return on === null
      ? rows
      : rows.filter(
          (u) => (u.validFrom === null || u.validFrom <= on) && (u.validTo === null || u.validTo >= on),
        );
  }

  @FieldResolver(() => [Unit], { description: "Every unit above, from the province down to the parent." })
  async ancestors(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    const rows = await ctx.loaders.get(unitById).loadMany(ancestorIds(unit.path));
    return rows.filter((r): r is Unit => r instanceof Unit);
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: "The unit that replaced this one (merge or change of type), when it is in this database.",
  })
  successor(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, unit.successorId);
  }
}
