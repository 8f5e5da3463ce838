import type { GraphQLResolveInfo } from "graphql";
import type { SelectQueryBuilder } from "typeorm";
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Indicator } from "../criteria/criterion.entity";
import { indicatorById } from "../criteria/criteria.loaders";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import { Plan } from "../plans/plan.entity";
import { planById, quotasByTarget, targetsByPlan } from "../plans/plan.loaders";
import { type Context, requireViewer } from "../shared/context";
import { readFromReplica } from "../db/replica";
import { BadInputError, NotFoundError } from "../shared/errors";
import { decodeId } from "../shared/ids";
import { loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { LocalDate } from "../shared/scalars";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { rebuildProgress } from "./commands/rebuild-progress.command";
import { ProgressSnapshot, ProgressUnit } from "./progress.entity";
import {
  progressChildren,
  progressFundingByUnit,
  communeIndicatorsByUnit,
  progressIndicatorsByUnit,
  progressKey,
  progressOrgsByUnit,
  progressUnitByKey,
} from "./progress.loaders";
import { canReadTaskFigures } from "./progress.policy";
import {
  FundingProgress,
  IndicatorProgress,
  OrganizationProgress,
  PlanProgress,
  ProgressSnapshotEntry,
  RebuildProgressPayload,
  TargetProgress,
  TargetUnitProgress,
  TaskProgress,
  UnitProgress,
} from "./progress.types";
import {
  fundingOf,
  indicatorOf,
  snapshotOf,
  targetProgressOf,
  taskProgressOf,
  unitProgressOf,
} from "./progress.view";

export const UnitProgressConnection = Connection("UnitProgress", UnitProgress);
type UnitProgressConnection = InstanceType<typeof UnitProgressConnection>;

const BY_UNIT: SortSpec<ProgressUnit> = {
  name: "progress_unit",
  direction: "ASC",
  keys: [{ sql: "x.unit_id", value: (r) => r.unitId }],
};

async function pageOf(
  qb: SelectQueryBuilder<ProgressUnit>,
  page: ConnectionArgs,
  withTotal: boolean,
): Promise<UnitProgressConnection> {
  const p = await paginate(qb, BY_UNIT, page, withTotal);
  const nodes = p.nodes.map(unitProgressOf);
  return {
    ...p,
    nodes,
    edges: p.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i] })),
  } as UnitProgressConnection;
}

const MAX_TREND_DAYS = 366;

@Authorized()
@Resolver(() => UnitProgress)
export class ProgressResolver {
  @Query(() => PlanProgress, { description: "Where a plan stands. NOT_FOUND when there is no such plan." })
  async planProgress(@Arg("planId", () => ID) planGid: string, @Ctx() ctx: Context): Promise<PlanProgress> {
    const plan = await loadRequired(ctx, planById, decodeId("Plan", planGid, "planId"), "Plan");
    return Object.assign(new PlanProgress(), { planId: plan.id, scopeUnitId: plan.scopeUnitId, plan });
  }

  @Query(() => UnitProgress, {
    description:
      "One unit's rolled-up figures for a plan. NOT_FOUND when the unit is not in the plan's roll-up.",
  })
  async unitProgress(
    @Arg("planId", () => ID) planGid: string,
    @Arg("unitId", () => ID) unitGid: string,
    @Ctx() ctx: Context,
  ): Promise<UnitProgress> {
    const key = progressKey(decodeId("Plan", planGid, "planId"), decodeId("Unit", unitGid, "unitId"));
    const row = await ctx.loaders.get(progressUnitByKey).load(key);
    if (!row) throw new NotFoundError("Unit progress");
    return unitProgressOf(row);
  }

  @Query(() => UnitProgressConnection, {
    description: "The rolled-up units directly under a unit (drill-down), in id order.",
  })
  progressUnits(
    @Arg("planId", () => ID) planGid: string,
    @Arg("parentId", () => ID) parentGid: string,
    @Args() page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UnitProgressConnection> {
    const planId = decodeId("Plan", planGid, "planId");
    const parentId = decodeId("Unit", parentGid, "parentId");
    return readFromReplica(ctx.ds, (m) =>
      pageOf(
        m
          .getRepository(ProgressUnit)
          .createQueryBuilder("x")
          .where("x.plan_id = :planId", { planId })
          .andWhere("x.parent_id = :parentId", { parentId }),
        page,
        selects(info, "totalCount"),
      ),
    );
  }

  @Query(() => UnitProgressConnection, {
    description: "The national view: the scope unit (province) of every plan of a year.",
  })
  nationalProgress(
    @Arg("year", () => Int) year: number,
    @Args() page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UnitProgressConnection> {
    if (!Number.isInteger(year) || year < 1900 || year > 2199) {
      throw new BadInputError("year must be between 1900 and 2199", "year");
    }
    return readFromReplica(ctx.ds, (m) =>
      pageOf(
        m
          .getRepository(ProgressUnit)
          .createQueryBuilder("x")
          .innerJoin(Plan, "p", "p.id = x.plan_id AND p.scope_unit_id = x.unit_id")
          .where("p.year = :year", { year }),
        page,
        selects(info, "totalCount"),
      ),
    );
  }

  @Query(() => [ProgressSnapshotEntry], {
    description: `A unit's daily snapshots between two dates (both included, at most ${MAX_TREND_DAYS} days), oldest first: the trend, or one earlier day to compare with.`,
  })
  async progressSnapshots(
    @Arg("planId", () => ID) planGid: string,
    @Arg("unitId", () => ID) unitGid: string,
    @Arg("from", () => LocalDate) from: string,
    @Arg("to", () => LocalDate) to: string,
    @Ctx() ctx: Context,
  ): Promise<ProgressSnapshotEntry[]> {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (!(days >= 0 && days <= MAX_TREND_DAYS)) {
      throw new BadInputError(`to must be on or after from, at most ${MAX_TREND_DAYS} days later`, "to");
    }
    const planId = decodeId("Plan", planGid, "planId");
    const unitId = decodeId("Unit", unitGid, "unitId");
    const rows = await readFromReplica(ctx.ds, (m) =>
      m
        .getRepository(ProgressSnapshot)
        .createQueryBuilder("s")
        .where("s.plan_id = :planId AND s.unit_id = :unitId", { planId, unitId })
        .andWhere("s.snapshot_date BETWEEN :from AND :to", { from, to })
        .orderBy("s.snapshot_date", "ASC")
        .getMany(),
    );
    return rows.map(snapshotOf);
  }

  @Mutation(() => RebuildProgressPayload, {
    description:
      "Recount a plan's progress figures now from the source tables (coordinators and administrators).",
  })
  rebuildProgress(
    @Arg("planId", () => ID) planGid: string,
    @Ctx() ctx: Context,
  ): Promise<RebuildProgressPayload> {
    return rebuildProgress(ctx, planGid);
  }

  @FieldResolver(() => Unit)
  unit(@Root() p: UnitProgress, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, p.row.unitId, "Unit");
  }

  @FieldResolver(() => TaskProgress, {
    nullable: true,
    description: "Null when the viewer's task scope does not cover the unit.",
  })
  tasks(@Root() p: UnitProgress, @Ctx() ctx: Context): TaskProgress | null {
    return canReadTaskFigures(requireViewer(ctx), p.row.path) ? taskProgressOf(p.row) : null;
  }

  @FieldResolver(() => [OrganizationProgress], {
    description:
      "Organizations of this very unit with assignments in the plan; empty outside the viewer's task scope.",
  })
  async organizations(@Root() p: UnitProgress, @Ctx() ctx: Context): Promise<OrganizationProgress[]> {
    if (!canReadTaskFigures(requireViewer(ctx), p.row.path)) return [];
    const rows = await ctx.loaders.get(progressOrgsByUnit).load(progressKey(p.row.planId, p.row.unitId));
    return rows.map((r) =>
      Object.assign(new OrganizationProgress(), { orgId: r.orgId, tasks: taskProgressOf(r) }),
    );
  }

  @FieldResolver(() => [FundingProgress], {
    description: "Funding allocated to the unit's subtree, by source.",
  })
  async funding(@Root() p: UnitProgress, @Ctx() ctx: Context): Promise<FundingProgress[]> {
    const rows = await ctx.loaders.get(progressFundingByUnit).load(progressKey(p.row.planId, p.row.unitId));
    return rows.map(fundingOf);
  }

  @FieldResolver(() => [IndicatorProgress], {
    description:
      "The commune criteria set's indicators, in the set's order: a commune's own values for the plan year (those it recorded), or for a district or the province the xã below that recorded a value and met it (indicators no xã below recorded are left out).",
  })
  async indicators(@Root() p: UnitProgress, @Ctx() ctx: Context): Promise<IndicatorProgress[]> {
    // A commune's values are its records; the districts' and the province's counts are rolled up.
    const rows = await ctx.loaders
      .get(p.row.depth === 2 ? communeIndicatorsByUnit : progressIndicatorsByUnit)
      .load(progressKey(p.row.planId, p.row.unitId));
    return rows.map(indicatorOf);
  }

  @FieldResolver(() => [UnitProgress], {
    description: "The rolled-up units directly below (drill-down), in id order.",
  })
  async children(@Root() p: UnitProgress, @Ctx() ctx: Context): Promise<UnitProgress[]> {
    const rows = await ctx.loaders.get(progressChildren).load(progressKey(p.row.planId, p.row.unitId));
    return rows.map(unitProgressOf);
  }
}

@Authorized()
@Resolver(() => PlanProgress)
export class PlanProgressResolver {
  @FieldResolver(() => UnitProgress, {
    nullable: true,
    description: "The plan's scope unit; null before the first roll-up.",
  })
  async scope(@Root() p: PlanProgress, @Ctx() ctx: Context): Promise<UnitProgress | null> {
    const row = await ctx.loaders.get(progressUnitByKey).load(progressKey(p.planId, p.scopeUnitId));
    return row ? unitProgressOf(row) : null;
  }

  @FieldResolver(() => [TargetProgress], { description: "Every target of the plan, in the plan's order." })
  async targets(@Root() p: PlanProgress, @Ctx() ctx: Context): Promise<TargetProgress[]> {
    const targets = await ctx.loaders.get(targetsByPlan).load(p.planId);
    const [rows, children, quotas] = await Promise.all([
      Promise.all(
        targets.map((t) => ctx.loaders.get(progressUnitByKey).load(progressKey(p.planId, t.scopeUnitId))),
      ),
      ctx.loaders.get(progressChildren).load(progressKey(p.planId, p.scopeUnitId)),
      Promise.all(targets.map((t) => ctx.loaders.get(quotasByTarget).load(t.id))),
    ]);
    return targets.map((t, i) => targetProgressOf(t, p.scopeUnitId, rows[i], children, quotas[i]));
  }
}

@Authorized()
@Resolver(() => OrganizationProgress)
export class OrganizationProgressResolver {
  @FieldResolver(() => Organization)
  organization(@Root() o: OrganizationProgress, @Ctx() ctx: Context): Promise<Organization> {
    return loadRequired(ctx, organizationById, o.orgId, "Organization");
  }
}

@Authorized()
@Resolver(() => IndicatorProgress)
export class IndicatorProgressResolver {
  @FieldResolver(() => Indicator)
  indicator(@Root() i: IndicatorProgress, @Ctx() ctx: Context): Promise<Indicator> {
    return loadRequired(ctx, indicatorById, i.indicatorId, "Indicator");
  }
}

@Authorized()
@Resolver(() => TargetUnitProgress)
export class TargetUnitProgressResolver {
  @FieldResolver(() => Unit)
  unit(@Root() t: TargetUnitProgress, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, t.unitId, "Unit");
  }
}

@Authorized()
@Resolver(() => ProgressSnapshotEntry)
export class ProgressSnapshotResolver {
  @FieldResolver(() => TaskProgress, {
    nullable: true,
    description: "Null when the viewer's task scope does not cover the unit.",
  })
  tasks(@Root() s: ProgressSnapshotEntry, @Ctx() ctx: Context): TaskProgress | null {
    return canReadTaskFigures(requireViewer(ctx), s.row.path) ? taskProgressOf(s.row) : null;
  }
}

export const PROGRESS_RESOLVERS = [
  ProgressSnapshotResolver,
  ProgressResolver,
  PlanProgressResolver,
  OrganizationProgressResolver,
  IndicatorProgressResolver,
  TargetUnitProgressResolver,
] as const;
