import type { GraphQLResolveInfo } from "graphql";
import {
  Authorized,
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Info,
  InputType,
  Field,
  Int,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Max, Min, IsOptional } from "class-validator";
import type { Context } from "../shared/context";
import { decodeId } from "../shared/ids";
import { loadById, loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { requireViewer } from "../shared/context";
import { PlanTarget, TargetQuota } from "./plan-target.entity";
import { PlanPermissions, planPermissions } from "./plan.policy";
import { Plan } from "./plan.entity";
import { RoadmapLevel, RoadmapOutcome } from "./plan.enums";
import { RoadmapEntry } from "./roadmap-entry.entity";
import { TaskGroup } from "./task-group.entity";
import {
  groupsByPlan,
  planById,
  quotasByTarget,
  roadmapByPlan,
  roadmapEntryById,
  targetById,
  targetsByPlan,
} from "./plan.loaders";

export const PlanConnection = Connection("Plan", Plan);
type PlanConnection = InstanceType<typeof PlanConnection>;

const PLAN_SORT: SortSpec<Plan> = {
  name: "plan_issued",
  direction: "DESC",
  keys: [
    { sql: "p.issued_on", value: (p) => p.issuedOn },
    { sql: "p.id", value: (p) => p.id },
  ],
};

@InputType({ description: "Filters for plans." })
export class PlanFilter {
  @Field(() => Int, { nullable: true, description: "Plans for this year." })
  @IsOptional()
  @Min(1900, { message: "year must be between 1900 and 2199" })
  @Max(2199, { message: "year must be between 1900 and 2199" })
  year?: number | null;

  @Field(() => ID, { nullable: true, description: "Plans whose scope is this unit." })
  scopeUnitId?: string | null;
}

@Authorized()
@Resolver(() => Plan)
export class PlanResolver {
  @Query(() => Plan, { description: "One plan by ID. NOT_FOUND when there is none." })
  plan(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Plan> {
    return loadRequired(ctx, planById, decodeId("Plan", id), "Plan");
  }

  @Query(() => PlanConnection, { description: "Plans, newest first." })
  plans(
    @Args() page: ConnectionArgs,
    @Arg("filter", () => PlanFilter, { nullable: true }) filter: PlanFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PlanConnection> {
    const qb = ctx.ds.getRepository(Plan).createQueryBuilder("p");
    if (filter?.year) qb.andWhere("p.year = :year", { year: filter.year });
    if (filter?.scopeUnitId) {
      qb.andWhere("p.scope_unit_id = :scope", { scope: decodeId("Unit", filter.scopeUnitId, "scopeUnitId") });
    }
    return paginate(qb, PLAN_SORT, page, selects(info, "totalCount"));
  }

  @FieldResolver(() => Unit, { description: "The unit the plan covers (the province for 125/KH-UBND)." })
  scopeUnit(@Root() plan: Plan, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, plan.scopeUnitId, "Unit");
  }

  @FieldResolver(() => PlanPermissions, { description: "What the viewer may do with this plan." })
  async viewerCan(@Root() plan: Plan, @Ctx() ctx: Context): Promise<PlanPermissions> {
    const scope = await loadRequired(ctx, unitById, plan.scopeUnitId, "Unit");
    return planPermissions(requireViewer(ctx), scope.path);
  }

  @FieldResolver(() => [PlanTarget], { description: "Targets, in the plan's order." })
  targets(@Root() plan: Plan, @Ctx() ctx: Context): Promise<PlanTarget[]> {
    return ctx.loaders.get(targetsByPlan).load(plan.id);
  }

  @FieldResolver(() => [TaskGroup], { description: "Task groups, in the plan's order." })
  taskGroups(@Root() plan: Plan, @Ctx() ctx: Context): Promise<TaskGroup[]> {
    return ctx.loaders.get(groupsByPlan).load(plan.id);
  }

  @FieldResolver(() => [RoadmapEntry], { description: "Units on the plan's roadmap (lộ trình)." })
  async roadmap(
    @Root() plan: Plan,
    @Ctx() ctx: Context,
    @Arg("level", () => RoadmapLevel, { nullable: true }) level: RoadmapLevel | null,
    @Arg("outcome", () => RoadmapOutcome, { nullable: true }) outcome: RoadmapOutcome | null,
  ): Promise<RoadmapEntry[]> {
    const rows = await ctx.loaders.get(roadmapByPlan).load(plan.id);
    return rows.filter(
      (r) => (level == null || r.level === level) && (outcome == null || r.outcome === outcome),
    );
  }
}

@Authorized()
@Resolver(() => PlanTarget)
export class PlanTargetResolver {
  @FieldResolver(() => Plan)
  plan(@Root() t: PlanTarget, @Ctx() ctx: Context): Promise<Plan> {
    return loadRequired(ctx, planById, t.planId, "Plan");
  }

  @FieldResolver(() => Unit, { description: "The unit the target is measured over." })
  scopeUnit(@Root() t: PlanTarget, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, t.scopeUnitId, "Unit");
  }

  @FieldResolver(() => [TargetQuota], { description: "The target split per unit, where the plan splits it." })
  quotas(@Root() t: PlanTarget, @Ctx() ctx: Context): Promise<TargetQuota[]> {
    return ctx.loaders.get(quotasByTarget).load(t.id);
  }
}

@Authorized()
@Resolver(() => TargetQuota)
export class TargetQuotaResolver {
  @FieldResolver(() => Unit)
  unit(@Root() q: TargetQuota, @Ctx() ctx: Context): Promise<Unit> {
    return loadRequired(ctx, unitById, q.unitId, "Unit");
  }

  @FieldResolver(() => PlanTarget)
  target(@Root() q: TargetQuota, @Ctx() ctx: Context): Promise<PlanTarget> {
    return loadRequired(ctx, targetById, q.targetId, "PlanTarget");
  }
}

@Authorized()
@Resolver(() => TaskGroup)
export class TaskGroupResolver {
  @FieldResolver(() => Plan)
  plan(@Root() g: TaskGroup, @Ctx() ctx: Context): Promise<Plan> {
    return loadRequired(ctx, planById, g.planId, "Plan");
  }
}

@Authorized()
@Resolver(() => RoadmapEntry)
export class RoadmapEntryResolver {
  @FieldResolver(() => Plan)
  plan(@Root() r: RoadmapEntry, @Ctx() ctx: Context): Promise<Plan> {
    return loadRequired(ctx, planById, r.planId, "Plan");
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: "The unit; null when the sources do not name it.",
  })
  unit(@Root() r: RoadmapEntry, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, r.unitId);
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: "The district, when known while the unit is not.",
  })
  district(@Root() r: RoadmapEntry, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, r.districtUnitId);
  }

  @FieldResolver(() => RoadmapEntry, {
    nullable: true,
    description: "The missed entry of an earlier plan this one carries over.",
  })
  carriedOverFrom(@Root() r: RoadmapEntry, @Ctx() ctx: Context): Promise<RoadmapEntry | null> {
    return loadById(ctx, roadmapEntryById, r.carriedOverFromId);
  }
}
