import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Organization } from "../organizations/organization.entity";
import { organizationById } from "../organizations/organization.loaders";
import { type Context, requireViewer } from "../shared/context";
import { loadById, loadRequired } from "../shared/loaders";
import { Unit } from "../units/unit.entity";
import { unitById } from "../units/unit.loaders";
import { Assessment } from "./assessment.entity";
import { carryOverRoadmap } from "./commands/carry-over-roadmap.command";
import { recordAssessment } from "./commands/record-assessment.command";
import { recordRecognition } from "./commands/record-recognition.command";
import { reviewAssessment } from "./commands/review-assessment.command";
import { revokeRecognition } from "./commands/revoke-recognition.command";
import { setRoadmapOutcome } from "./commands/set-roadmap-outcome.command";
import {
  AssessmentPermissions,
  RecognitionPermissions,
  UnitCriteriaPermissions,
  assessmentPermissions,
  canRevokeRecognition,
  unitCriteriaPermissions,
} from "./criteria.policy";
import {
  AssessmentPayload,
  CarryOverPayload,
  CarryOverRoadmapInput,
  RecognitionPayload,
  RecordAssessmentInput,
  RecordRecognitionInput,
  ReviewAssessmentInput,
  RevokeRecognitionInput,
  RoadmapEntryPayload,
  SetRoadmapOutcomeInput,
} from "./criteria-workflow.types";
import { Recognition } from "./recognition.entity";

/** The criteria and recognition workflow: one command per mutation, no permission logic here. */
@Authorized()
@Resolver()
export class CriteriaWorkflowMutations {
  @Mutation(() => AssessmentPayload, {
    description:
      "A unit's own assessment of a criterion for a year (xã tự đánh giá); back to SELF on change.",
  })
  recordAssessment(
    @Arg("input", () => RecordAssessmentInput) input: RecordAssessmentInput,
    @Ctx() ctx: Context,
  ): Promise<AssessmentPayload> {
    return recordAssessment(ctx, input);
  }

  @Mutation(() => AssessmentPayload, {
    description: "District check, province appraisal, or return of an assessment.",
  })
  reviewAssessment(
    @Arg("input", () => ReviewAssessmentInput) input: ReviewAssessmentInput,
    @Ctx() ctx: Context,
  ): Promise<AssessmentPayload> {
    return reviewAssessment(ctx, input);
  }

  @Mutation(() => RecognitionPayload, {
    description: "Record a recognition decision (commune NTM levels; village NTM).",
  })
  recordRecognition(
    @Arg("input", () => RecordRecognitionInput) input: RecordRecognitionInput,
    @Ctx() ctx: Context,
  ): Promise<RecognitionPayload> {
    return recordRecognition(ctx, input);
  }

  @Mutation(() => RecognitionPayload, {
    description:
      "Revoke a recognition with its own decision. The unit's active recognitions at levels that need this one (advanced and model after NTM) are revoked by the same decision.",
  })
  revokeRecognition(
    @Arg("input", () => RevokeRecognitionInput) input: RevokeRecognitionInput,
    @Ctx() ctx: Context,
  ): Promise<RecognitionPayload> {
    return revokeRecognition(ctx, input);
  }

  @Mutation(() => RoadmapEntryPayload, { description: "What happened to a roadmap entry in its year." })
  setRoadmapOutcome(
    @Arg("input", () => SetRoadmapOutcomeInput) input: SetRoadmapOutcomeInput,
    @Ctx() ctx: Context,
  ): Promise<RoadmapEntryPayload> {
    return setRoadmapOutcome(ctx, input);
  }

  @Mutation(() => CarryOverPayload, {
    description: "Carry a plan's missed roadmap entries over to a later plan; idempotent.",
  })
  carryOverRoadmap(
    @Arg("input", () => CarryOverRoadmapInput) input: CarryOverRoadmapInput,
    @Ctx() ctx: Context,
  ): Promise<CarryOverPayload> {
    return carryOverRoadmap(ctx, input);
  }
}

@Authorized()
@Resolver(() => Assessment)
export class AssessmentWorkflowFields {
  @FieldResolver(() => Organization, { nullable: true, description: "Who took the last review step." })
  reviewedBy(@Root() a: Assessment, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, a.reviewedByOrgId);
  }

  @FieldResolver(() => AssessmentPermissions)
  async viewerCan(@Root() a: Assessment, @Ctx() ctx: Context): Promise<AssessmentPermissions> {
    const unit = await loadRequired(ctx, unitById, a.unitId, "Unit");
    return assessmentPermissions(requireViewer(ctx), unit, a.stage);
  }
}

@Authorized()
@Resolver(() => Recognition)
export class RecognitionWorkflowFields {
  @FieldResolver(() => Organization, {
    nullable: true,
    description: "Who recorded it; null for seeded decisions.",
  })
  recordedBy(@Root() r: Recognition, @Ctx() ctx: Context): Promise<Organization | null> {
    return loadById(ctx, organizationById, r.recordedByOrgId);
  }

  @FieldResolver(() => RecognitionPermissions)
  async viewerCan(@Root() r: Recognition, @Ctx() ctx: Context): Promise<RecognitionPermissions> {
    const unit = await loadRequired(ctx, unitById, r.unitId, "Unit");
    return { revoke: r.revokedOn === null && canRevokeRecognition(requireViewer(ctx), unit, r.level) };
  }
}

@Authorized()
@Resolver(() => Unit)
export class UnitCriteriaPermissionsResolver {
  @FieldResolver(() => UnitCriteriaPermissions, {
    description: "What the viewer may do with this unit's assessments and recognitions.",
  })
  criteriaViewerCan(@Root() u: Unit, @Ctx() ctx: Context): UnitCriteriaPermissions {
    return unitCriteriaPermissions(requireViewer(ctx), u);
  }
}

export const CRITERIA_WORKFLOW_RESOLVERS = [
  CriteriaWorkflowMutations,
  AssessmentWorkflowFields,
  RecognitionWorkflowFields,
  UnitCriteriaPermissionsResolver,
] as const;
