import type DataLoader from "dataloader";
import { Authorized, Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import {
  assessmentById,
  criteriaSetById,
  criterionById,
  indicatorById,
  recognitionById,
} from "../criteria/criteria.loaders";
import { organizationById } from "../organizations/organization.loaders";
import { groupById, planById, roadmapEntryById, targetById } from "../plans/plan.loaders";
import type { Context } from "../shared/context";
import { BadInputError } from "../shared/errors";
import { type NodeType, parseGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { allocationById, disbursementById } from "../funding/funding.loaders";
import { taskById } from "../tasks/task.loaders";
import { unitById } from "../units/unit.loaders";
import { visibleUserById } from "../users/user.loaders";
import {
  reportingPeriodById,
  visibleAssignmentById,
  visibleAttachmentById,
  visibleCommentById,
  visibleExtensionById,
  visibleReportById,
} from "../workflow/workflow.loaders";
import { visibleAuditEntryById } from "../audit/audit.loaders";
import { ownNotificationById } from "../notifications/notification.loaders";
import { manageableDeliveryById, manageableSubscriptionById } from "../notifications/webhook.loaders";

/** Which loader answers each node type. The compiler checks every NodeType has one. */
const LOADERS: Record<NodeType, (ctx: Context) => DataLoader<number, object | null>> = {
  Unit: unitById,
  Organization: organizationById,
  Plan: planById,
  PlanTarget: targetById,
  TaskGroup: groupById,
  RoadmapEntry: roadmapEntryById,
  Task: taskById,
  CriteriaSet: criteriaSetById,
  Criterion: criterionById,
  Indicator: indicatorById,
  Assessment: assessmentById,
  Recognition: recognitionById,
  FundingAllocation: allocationById,
  FundingDisbursement: disbursementById,
  User: visibleUserById,
  AuditEntry: visibleAuditEntryById,
  Assignment: visibleAssignmentById,
  ReportingPeriod: reportingPeriodById,
  ProgressReport: visibleReportById,
  Attachment: visibleAttachmentById,
  DeadlineExtension: visibleExtensionById,
  TaskComment: visibleCommentById,
  Notification: ownNotificationById,
  WebhookSubscription: manageableSubscriptionById,
  WebhookDelivery: manageableDeliveryById,
};

async function loadNode(ctx: Context, gid: string): Promise<(object & { __typename: string }) | null> {
  const parsed = parseGlobalId(gid);
  if (!parsed) throw new BadInputError("id is not a valid ID", "id");
  const row = await ctx.loaders.get(LOADERS[parsed.type]).load(parsed.id);
  // The type name goes on an object of its own that reads through to the row: a loaded row may be
  // shared by every request (the units in memory are frozen), so it is never written to.
  return row ? Object.assign(Object.create(row) as object, { __typename: parsed.type }) : null;
}

@Authorized()
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global ID; null when there is none." })
  node(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<object | null> {
    return loadNode(ctx, id);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: "Several objects by global ID (at most 100), in order.",
  })
  nodes(@Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<Array<object | null>> {
    if (ids.length > 100) throw new BadInputError("ids may hold at most 100 IDs", "ids");
    return Promise.all(ids.map((id) => loadNode(ctx, id)));
  }
}
