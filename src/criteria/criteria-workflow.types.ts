import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { RoadmapOutcome } from "../plans/plan.enums";
import { RoadmapEntry } from "../plans/roadmap-entry.entity";
import { Decimal, LocalDate } from "../shared/scalars";
import { UserError } from "../shared/user-errors";
import { Assessment } from "./assessment.entity";
import { RecognitionLevel } from "./criteria.enums";
import { Recognition } from "./recognition.entity";

@InputType({ description: "The value recorded for one indicator of the criterion." })
export class IndicatorValueInput {
  @Field(() => ID)
  indicatorId!: string;

  @Field(() => Boolean, { nullable: true })
  met?: boolean | null;

  @Field(() => Decimal, { nullable: true, description: "Measured value, e.g. a percentage." })
  value?: string | null;

  @Field(() => String, { nullable: true, description: "A value in words, at most 255 characters." })
  valueText?: string | null;
}

@InputType({
  description:
    "A unit's own assessment of one criterion for a year (xã tự đánh giá). Creates it, or replaces it (with its indicator values) and sends it back to SELF.",
})
export class RecordAssessmentInput {
  @Field(() => ID)
  unitId!: string;

  @Field(() => ID)
  criterionId!: string;

  @Field(() => Int)
  year!: number;

  @Field({ description: "Met (đạt) or not." })
  met!: boolean;

  @Field(() => [IndicatorValueInput], { defaultValue: [], description: "At most one per indicator." })
  indicatorValues!: IndicatorValueInput[];

  @Field(() => [String], {
    defaultValue: [],
    description:
      "Evidence (minh chứng): notes, document numbers or links; at most 20, each at most 1000 characters.",
  })
  evidence!: string[];

  @Field(() => String, { nullable: true, description: "At most 2000 characters." })
  note?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "The version you last read; omit it to create. A stale one is a CONFLICT.",
  })
  version?: number | null;
}

export enum AssessmentDecision {
  CHECK = "check",
  APPRAISE = "appraise",
  RETURN = "return",
}
registerEnumType(AssessmentDecision, {
  name: "AssessmentDecision",
  description:
    "CHECK (huyện kiểm tra: SELF → DISTRICT_CHECKED), APPRAISE (tỉnh thẩm định → PROVINCE_APPRAISED), RETURN (trả lại → SELF, with a reason).",
});

@InputType({ description: "A review step on an assessment by the district or the province." })
export class ReviewAssessmentInput {
  @Field(() => ID)
  assessmentId!: string;

  @Field(() => AssessmentDecision)
  decision!: AssessmentDecision;

  @Field(() => Int, { description: "The version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field(() => String, { nullable: true, description: "Required to RETURN; at most 2000 characters." })
  reason?: string | null;
}

@ObjectType()
export class AssessmentPayload {
  @Field(() => Assessment, { nullable: true, description: "Null when userErrors is not empty." })
  assessment!: Assessment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: "A recognition decision (quyết định công nhận)." })
export class RecordRecognitionInput {
  @Field(() => ID)
  unitId!: string;

  @Field(() => RecognitionLevel, {
    description: "NTM, ADVANCED_NTM, MODEL_NTM for a commune; VILLAGE_NTM for a village.",
  })
  level!: RecognitionLevel;

  @Field({ description: "Decision number, e.g. '2345/QĐ-UBND'; at most 64 characters." })
  decisionNo!: string;

  @Field(() => LocalDate)
  decidedOn!: string;

  @Field({ description: "Who signed it, e.g. 'Chủ tịch UBND tỉnh'; at most 200 characters." })
  decidedBy!: string;

  @Field(() => Int, {
    nullable: true,
    description: "The year the standard was met; defaults to the decision's year.",
  })
  standardYear?: number | null;

  @Field({
    defaultValue: false,
    description:
      "Record it even though the appraised assessments of that year do not show every criterion met (or the prerequisite level is missing); requires a note.",
  })
  overrideCriteria!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "At most 2000 characters; required with overrideCriteria.",
  })
  note?: string | null;
}

@InputType({ description: "Revoke a recognition (thu hồi) with its own decision." })
export class RevokeRecognitionInput {
  @Field(() => ID)
  recognitionId!: string;

  @Field(() => Int, { description: "The version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field({ description: "Number of the revocation decision; at most 64 characters." })
  decisionNo!: string;

  @Field(() => LocalDate, { description: "Not before the recognition's own date." })
  revokedOn!: string;

  @Field({ description: "Why (lý do); at most 2000 characters." })
  reason!: string;
}

@ObjectType()
export class RecognitionPayload {
  @Field(() => Recognition, { nullable: true, description: "Null when userErrors is not empty." })
  recognition!: Recognition | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: "What happened to a roadmap entry in its year." })
export class SetRoadmapOutcomeInput {
  @Field(() => ID)
  entryId!: string;

  @Field(() => Int, { description: "The version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field(() => RoadmapOutcome)
  outcome!: RoadmapOutcome;

  @Field(() => String, {
    nullable: true,
    description: "Replaces the note when given; at most 2000 characters.",
  })
  note?: string | null;
}

@ObjectType()
export class RoadmapEntryPayload {
  @Field(() => RoadmapEntry, { nullable: true, description: "Null when userErrors is not empty." })
  entry!: RoadmapEntry | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: "Carry a plan's missed roadmap entries over to a later plan." })
export class CarryOverRoadmapInput {
  @Field(() => ID, { description: "The plan whose MISSED entries are carried." })
  fromPlanId!: string;

  @Field(() => ID, { description: "A later plan; it receives one PENDING entry per missed entry." })
  toPlanId!: string;
}

@ObjectType()
export class CarryOverPayload {
  @Field(() => [RoadmapEntry], { description: "Entries created by this call (none when already carried)." })
  created!: RoadmapEntry[];

  @Field(() => [RoadmapEntry], {
    description: "Every entry of the target plan carried from the source plan.",
  })
  carried!: RoadmapEntry[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}
