import { Field, Float, Int, ObjectType } from "type-graphql";
import { PlanTarget } from "../plans/plan-target.entity";
import { Plan } from "../plans/plan.entity";
import { Decimal, LocalDate } from "../shared/scalars";
import { UserError } from "../shared/user-errors";
import type { ProgressSnapshot, ProgressUnit } from "./progress.entity";

@ObjectType("TaskProgress", {
  description:
    "Assignments of the plan's tasks held by organizations of a unit's subtree, by timeliness class (cancelled ones left out).",
})
export class TaskProgress {
  @Field(() => Int) assignmentsTotal!: number;
  @Field(() => Int, { description: "Approved (hoàn thành)." }) assignmentsDone!: number;
  @Field(() => Int) inTerm!: number;
  @Field(() => Int) dueSoon!: number;
  @Field(() => Int) overdue!: number;
  @Field(() => Int) doneOnTime!: number;
  @Field(() => Int) doneLate!: number;
  @Field(() => Int) noDeadline!: number;
  @Field(() => Float, { description: "Percent done, 0–100, one decimal (0 without assignments)." })
  percentDone!: number;
  @Field(() => Float, {
    nullable: true,
    description: "On-time share of the finished ones, 0–100; null when none finished.",
  })
  onTimeRate!: number | null;
}

/** A rolled-up unit as the dashboard returns it; the row itself stays server-side. */
@ObjectType("UnitProgress", {
  description:
    "The rolled-up progress of one unit for one plan (read from the roll-up tables, never recounted on request). Counters cover the unit's subtree.",
})
export class UnitProgress {
  row!: ProgressUnit;

  @Field(() => LocalDate, {
    description: "The date the figures describe: today, or 31/12 of the plan year once it is over.",
  })
  asOf!: string;
  @Field({ description: "Unit type on the as-of date (xa, phuong, thi_tran, huyen, ...)." })
  unitType!: string;
  @Field(() => Int) depth!: number;
  @Field(() => Int, {
    nullable: true,
    description: "Criteria met this year (commune of 19, village of 16, district of 9).",
  })
  criteriaMet!: number | null;
  @Field(() => Int, { nullable: true, description: "Criteria met at the end of the previous year." })
  criteriaMetBaseline!: number | null;
  @Field(() => Int, { nullable: true }) criteriaTotal!: number | null;
  @Field(() => String, {
    nullable: true,
    description: "One character per criterion, in order: 1 met, 0 not met, - not assessed.",
  })
  criteriaFlags!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "Highest recognition held: ntm, advanced_ntm, model_ntm, village_ntm, district_ntm, district_completion.",
  })
  levelReached!: string | null;
  @Field(() => Int) communesNtm!: number;
  @Field(() => Int, { description: "Communes NTM on 31/12 of the previous year." })
  communesNtmAtStart!: number;
  @Field(() => Int) communesAdvancedNtm!: number;
  @Field(() => Int) communesAdvancedNtmAtStart!: number;
  @Field(() => Int, { description: "xã counted in the average (phường and thị trấn excluded)." })
  xaCount!: number;
  @Field(() => Float, { nullable: true, description: "Average criteria met per xã, two decimals." })
  avgCriteriaPerXa!: number | null;
  @Field(() => Int, { description: "xã with more criteria met than at the end of the previous year." })
  communesGainedCriterion!: number;
  @Field(() => Int) villagesNtm!: number;
  @Field(() => Int) villagesNtmAtStart!: number;
  @Field(() => Int, { description: "District-level units holding the completion recognition." })
  districtsCompleted!: number;
  @Field({ description: "When the roll-up last wrote this row." }) computedAt!: Date;
}

@ObjectType("IndicatorProgress", {
  description:
    "One indicator (chỉ tiêu) of the commune criteria set, rolled up for a unit: a commune's own value for the plan year, or the xã of a district's or the province's subtree that recorded a value and met it.",
})
export class IndicatorProgress {
  indicatorId!: number;
  @Field(() => Boolean, {
    nullable: true,
    description: "A commune's own verdict (met or not); null when it gave none, and above the commune.",
  })
  met!: boolean | null;
  @Field(() => Decimal, {
    nullable: true,
    description: "A commune's measured value; null when it gave none, and above the commune.",
  })
  value!: string | null;
  @Field(() => Int, {
    description:
      "xã of the subtree that recorded a value for the indicator (a xã: 1; phường and thị trấn: 0, as in the xã average).",
  })
  xaAssessed!: number;
  @Field(() => Int, { description: "xã of the subtree whose value says met." })
  xaMet!: number;
}

@ObjectType("OrganizationProgress", {
  description: "One organization's own assignments of the plan, by timeliness class.",
})
export class OrganizationProgress {
  orgId!: number;
  @Field(() => TaskProgress) tasks!: TaskProgress;
}

@ObjectType("FundingProgress", {
  description: "Funding allocated to and disbursed in a unit's subtree from one source.",
})
export class FundingProgress {
  @Field() source!: string;
  @Field({ description: "Sum of the known amounts, VND, as a decimal string." }) allocatedVnd!: string;
  @Field(() => Int) allocations!: number;
  @Field(() => Int, { description: "Allocations whose amount is a lower bound, approximate or unknown." })
  inexact!: number;
  @Field(() => Decimal, { description: "Sum of the disbursements (giải ngân), VND, exact." })
  disbursedVnd!: string;
  @Field(() => Int) disbursements!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      "disbursedVnd against allocatedVnd, percent, one decimal (can pass 100); null when nothing known is allocated.",
  })
  disbursementRate!: number | null;
}

@ObjectType("TargetUnitProgress", { description: "A target's figure for one unit (drill-down)." })
export class TargetUnitProgress {
  unitId!: number;
  planId!: number;
  @Field(() => Float, { nullable: true, description: "The unit's quota; null when unknown." }) target!:
    number | null;
  @Field(() => String, { nullable: true }) quotaText!: string | null;
  @Field(() => Float, { nullable: true }) actual!: number | null;
  @Field(() => Float, { nullable: true }) percentAchieved!: number | null;
}

@ObjectType("TargetProgress", { description: "A plan target against the rolled-up results." })
export class TargetProgress {
  @Field(() => PlanTarget) target!: PlanTarget;
  @Field(() => Float, { nullable: true }) baseline!: number | null;
  @Field(() => Float, { nullable: true, name: "targetValue" }) targetValue!: number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      "increase targets: the gain since 31/12 of the previous year; level: the level reached; minimum_each: the xã that reached the minimum; maintain: 1 or 0.",
  })
  actual!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "actual against target, percent; minimum_each: share of the xã.",
  })
  percentAchieved!: number | null;
  @Field(() => [TargetUnitProgress], {
    description: "The figure per district (or the scope unit itself when the target is a district's).",
  })
  byUnit!: TargetUnitProgress[];
}

@ObjectType("PlanProgress", {
  description: "Where a plan stands: its scope unit's figures and every target.",
})
export class PlanProgress {
  planId!: number;
  scopeUnitId!: number;
  @Field(() => Plan) plan!: Plan;
}

@ObjectType("ProgressSnapshotEntry", { description: "One day's copy of a unit's figures." })
export class ProgressSnapshotEntry {
  row!: ProgressSnapshot;
  @Field(() => LocalDate) date!: string;
  @Field(() => Int, { nullable: true }) criteriaMet!: number | null;
  @Field(() => String, { nullable: true }) levelReached!: string | null;
  @Field(() => Int) communesNtm!: number;
  @Field(() => Int) communesAdvancedNtm!: number;
  @Field(() => Int) xaCount!: number;
  @Field(() => Float, { nullable: true }) avgCriteriaPerXa!: number | null;
  @Field(() => Int) communesGainedCriterion!: number;
  @Field(() => Int) villagesNtm!: number;
}

@ObjectType("RebuildProgressPayload")
export class RebuildProgressPayload {
  @Field(() => PlanProgress, { nullable: true }) planProgress!: PlanProgress | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
