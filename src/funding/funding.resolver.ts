import { Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "../shared/context";
import { byForeignKeyLoader, loadById } from "../shared/loaders";
import { Plan } from "../plans/plan.entity";
import { planById } from "../plans/plan.loaders";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { FundingAllocation } from "./funding-allocation.entity";

export const fundingByPlan = byForeignKeyLoader(FundingAllocation, "planId", { source: "ASC", id: "ASC" });

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
