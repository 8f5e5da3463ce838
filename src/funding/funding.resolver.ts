import type { GraphQLResolveInfo } from "graphql";
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import { Plan } from "../plans/plan.entity";
import { planById } from "../plans/plan.loaders";
import type { Context } from "../shared/context";
import { checkDateOrder, checkDateRange } from "../shared/dates";
import { decodeId } from "../shared/ids";
import { loadById, loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { unitIdInSubtree } from "../units/unit.queries";
import { recordDisbursement } from "./commands/record-disbursement.command";
import { FundingAllocation } from "./funding-allocation.entity";
import { FundingDisbursement } from "./funding-disbursement.entity";
import { DisbursementPayload, FundingDisbursementFilter, RecordDisbursementInput } from "./funding.inputs";
import { allocationById, fundingByPlan } from "./funding.loaders";

export const FundingDisbursementConnection = Connection("FundingDisbursement", FundingDisbursement);
type FundingDisbursementConnection = InstanceType<typeof FundingDisbursementConnection>;

/** Latest payment first. */
const DISBURSEMENT_SORT: SortSpec<FundingDisbursement> = {
  name: "disbursement",
  direction: "DESC",
  keys: [
    { sql: "d.disbursed_on", value: (d) => d.disbursedOn },
    { sql: "d.id", value: (d) => d.id },
  ],
};

@Authorized()
@Resolver(() => FundingAllocation)
export class FundingAllocationResolver {
  @FieldResolver(() => Plan, { nullable: true })
  plan(@Root() f: FundingAllocation, @Ctx() ctx: Context): Promise<Plan | null> {
    return loadById(ctx, planById, f.planId);
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: "The unit receiving the money; null for the whole plan.",
  })
  recipientUnit(@Root() f: FundingAllocation, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, f.recipientUnitId);
  }
}

/** Funding seen from a plan. */
@Authorized()
@Resolver(() => Plan)
export class PlanFundingResolver {
  @FieldResolver(() => [FundingAllocation], { description: "Money allocated to the plan, by source." })
  fundingAllocations(@Root() plan: Plan, @Ctx() ctx: Context): Promise<FundingAllocation[]> {
    return ctx.loaders.get(fundingByPlan).load(plan.id);
  }
}

/** Disbursements: recorded by one command, listed per plan; readable by every signed-in user, as allocations are. */
@Authorized()
@Resolver(() => FundingDisbursement)
export class FundingDisbursementResolver {
  @Mutation(() => DisbursementPayload, {
    description:
      "Record a disbursement (giải ngân): the plan's coordinators, or district officers for units of their district.",
  })
  recordDisbursement(
    @Arg("input", () => RecordDisbursementInput) input: RecordDisbursementInput,
    @Ctx() ctx: Context,
  ): Promise<DisbursementPayload> {
    return recordDisbursement(ctx, input);
  }

  @Query(() => FundingDisbursementConnection, {
    description: "A plan's disbursements, latest payment first. NOT_FOUND for an unknown plan.",
  })
  async fundingDisbursements(
    @Arg("planId", () => ID) planId: string,
    @Args() page: ConnectionArgs,
    @Arg("filter", () => FundingDisbursementFilter, { nullable: true })
    filter: FundingDisbursementFilter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<FundingDisbursementConnection> {
    const plan = await loadRequired(ctx, planById, decodeId("Plan", planId, "planId"), "Plan");
    const from = checkDateRange(filter?.from, "from");
    const to = checkDateRange(filter?.to, "to");
    checkDateOrder(from, to, "from", "to");
    const qb = ctx.ds
      .getRepository(FundingDisbursement)
      .createQueryBuilder("d")
      .where("d.plan_id = :planId", { planId: plan.id });
    if (filter?.unitId)
      qb.andWhere(unitIdInSubtree("d.recipient_unit_id", "unitId"), {
        unitId: decodeId("Unit", filter.unitId, "unitId"),
      });
    if (filter?.source) qb.andWhere("d.source = :source", { source: filter.source });
    if (filter?.allocationId)
      qb.andWhere("d.allocation_id = :allocationId", {
        allocationId: decodeId("FundingAllocation", filter.allocationId, "allocationId"),
      });
    if (from) qb.andWhere("d.disbursed_on >= :from", { from });
    if (to) qb.andWhere("d.disbursed_on <= :to", { to });
    return paginate(qb, DISBURSEMENT_SORT, page, selects(info, "totalCount"));
  }

  @FieldResolver(() => Plan)
  plan(@Root() d: FundingDisbursement, @Ctx() ctx: Context): Promise<Plan> {
    return loadRequired(ctx, planById, d.planId, "Plan");
  }

  @FieldResolver(() => FundingAllocation, { nullable: true, description: "The allocation it draws on." })
  allocation(@Root() d: FundingDisbursement, @Ctx() ctx: Context): Promise<FundingAllocation | null> {
    return loadById(ctx, allocationById, d.allocationId);
  }

  @FieldResolver(() => Unit, {
    nullable: true,
    description: "The unit receiving the money; null for the whole plan.",
  })
  recipientUnit(@Root() d: FundingDisbursement, @Ctx() ctx: Context): Promise<Unit | null> {
    return loadById(ctx, unitById, d.recipientUnitId);
  }

  @FieldResolver(() => Organization, { nullable: true, description: "The organization that recorded it." })
  recordedBy(@Root() d: FundingDisbursement, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, d.recordedByOrgId);
  }
}
