import "reflect-metadata";
import { type ValidationError, validateOrReject, type ValidatorOptions } from "class-validator";
import type { GraphQLSchema } from "graphql";
import { ArgumentValidationError, buildSchema, type PubSub } from "type-graphql";
import { authChecker } from "../auth/auth-checker";
import { AuthResolver, MeResolver, UserFieldsResolver } from "../auth/auth.resolver";
import {
  AssessmentResolver,
  RecognitionFieldsResolver,
  UnitCriteriaResolver,
} from "../criteria/assessment.resolver";
import {
  AssessmentFieldsResolver,
  CriteriaSetResolver,
  CriterionResolver,
  IndicatorResolver,
  IndicatorValueResolver,
} from "../criteria/criteria.resolver";
import {
  FundingAllocationResolver,
  FundingDisbursementResolver,
  PlanFundingResolver,
} from "../funding/funding.resolver";
import { OrganizationResolver, UnitOrganizationsResolver } from "../organizations/organization.resolver";
import {
  PlanResolver,
  PlanTargetResolver,
  RoadmapEntryResolver,
  TargetQuotaResolver,
  TaskGroupResolver,
} from "../plans/plan.resolver";
import { TaskResolver } from "../tasks/task.resolver";
import { UnitResolver } from "../units/unit.resolver";
import { NodeResolver } from "./node.resolver";
import { TaskCommentResolver } from "../workflow/comment.resolver";
import { AssignmentResolver, TaskWorkflowResolver, WorkflowMutations } from "../workflow/workflow.resolver";
import { AuditResolver } from "../audit/audit.resolver";
import { UserResolver } from "../users/user.resolver";
import { REPORT_RESOLVERS } from "../workflow/report.resolver";
import { DEADLINE_RESOLVERS } from "../workflow/extension.resolver";
import { NotificationResolver } from "../notifications/notification.resolver";
import { NotificationLiveResolver } from "../notifications/notification-live.resolver";
import { REMINDER_RESOLVERS } from "../reminders/reminder-ladder.resolver";
import { WebhookResolver } from "../notifications/webhook.resolver";
import { PREFERENCE_RESOLVERS } from "../reminders/preferences/preferences.resolver";

import { CRITERIA_WORKFLOW_RESOLVERS } from "../criteria/criteria-workflow.resolver";

import { PROGRESS_RESOLVERS } from "../rollup/progress.resolver";

type ResolverClass = new () => object;

export const RESOLVERS: [ResolverClass, ...ResolverClass[]] = [
  NodeResolver,
  AuthResolver,
  UserFieldsResolver,
  MeResolver,
  UnitResolver,
  UnitOrganizationsResolver,
  UnitCriteriaResolver,
  OrganizationResolver,
  PlanResolver,
  PlanTargetResolver,
  TargetQuotaResolver,
  TaskGroupResolver,
  RoadmapEntryResolver,
  PlanFundingResolver,
  FundingAllocationResolver,
  FundingDisbursementResolver,
  TaskResolver,
  CriteriaSetResolver,
  CriterionResolver,
  IndicatorResolver,
  AssessmentResolver,
  AssessmentFieldsResolver,
  IndicatorValueResolver,
  RecognitionFieldsResolver,
  UserResolver,
  AuditResolver,
  WorkflowMutations,
  AssignmentResolver,
  TaskWorkflowResolver,
  TaskCommentResolver,
  ...REPORT_RESOLVERS,
  ...DEADLINE_RESOLVERS,
  NotificationResolver,
  NotificationLiveResolver,
  ...REMINDER_RESOLVERS,
  WebhookResolver,
  ...PREFERENCE_RESOLVERS,

  ...CRITERIA_WORKFLOW_RESOLVERS,

  ...PROGRESS_RESOLVERS,
];

/**
 * type-graphql refuses subscriptions without a pubSub, but ours read theirs from the context
 * (`subscribe` option; one per server, notifications/live.ts): topic-based subscriptions are a bug.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error("Publish through the context's live hub, not type-graphql's pubSub");
  },
  subscribe() {
    throw new Error("Subscriptions read the context's live hub (a `subscribe` option), not topics");
  },
};

/** type-graphql's own defaults for class-validator (resolvers/validate-arg.js). */
const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (v: unknown): v is object => v !== null && typeof v === "object";

/**
 * Validates a resolver's argument with class-validator exactly as type-graphql's `validate: true`
 * does (objects and arrays of objects; its options; ArgumentValidationError), but with
 * class-validator imported once: type-graphql's default `require`s it again on every validated
 * argument, a module resolution (package.json lookups included) per request with arguments.
 */
export async function validateArgument(value: unknown): Promise<void> {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value)) {
      await Promise.all(value.filter(isObject).map((v) => validateOrReject(v, VALIDATOR_OPTIONS)));
    } else {
      await validateOrReject(value, VALIDATOR_OPTIONS);
    }
  } catch (err) {
    throw new ArgumentValidationError(err as ValidationError[]);
  }
}

let cached: Promise<GraphQLSchema> | null = null;

/** Builds the schema once per process (type-graphql's metadata is global). */
export function getSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: RESOLVERS,
    validateFn: validateArgument,
    authChecker,
    emitSchemaFile: false,
    pubSub: NO_TOPICS,
  });
  return cached;
}
