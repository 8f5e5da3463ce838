import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import type { Context } from "../shared/context";
import { byForeignKeyLoader, loadRequired } from "../shared/loaders";
import { LocalDate } from "../shared/scalars";
import { UserError } from "../shared/user-errors";
import { Assignment } from "./assignment.entity";
import { decideExtension, ExtensionDecision } from "./commands/decide-extension.command";
import { requestExtension } from "./commands/request-extension.command";
import { DeadlineExtension, DueDateChange } from "./extension.entity";
import { TimelinessResolver } from "./timeliness.resolver";
import { visibleAssignmentById } from "./workflow.loaders";

registerEnumType(ExtensionDecision, {
  name: "ExtensionDecision",
  description: "APPROVE (đồng ý gia hạn: the deadline moves) or REJECT (không đồng ý, with a comment).",
});

@InputType({ description: "Ask the assigner for a later deadline (xin gia hạn)." })
export class RequestExtensionInput {
  @Field(() => ID)
  assignmentId!: string;

  @Field(() => Int, { description: "The assignment's version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field(() => LocalDate, {
    description: "The deadline asked for: after the current one and not before today (Asia/Ho_Chi_Minh).",
  })
  requestedDueDate!: string;

  @Field({ description: "Why more time is needed, 1–2000 characters." })
  reason!: string;
}

@InputType({ description: "The assigner's answer to a pending extension request." })
export class DecideExtensionInput {
  @Field(() => ID)
  extensionId!: string;

  @Field(() => ExtensionDecision)
  decision!: ExtensionDecision;

  @Field(() => String, { nullable: true, description: "Required to reject; at most 2000 characters." })
  comment?: string | null;
}

@ObjectType()
export class ExtensionPayload {
  @Field(() => DeadlineExtension, {
    nullable: true,
    description: "The request after the change; null when userErrors is not empty.",
  })
  extension!: DeadlineExtension | null;

  @Field(() => Assignment, {
    nullable: true,
    description: "The requesting assignment after the change; null when userErrors is not empty.",
  })
  assignment!: Assignment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

/** Requests of an assignment, oldest first; the viewer can already read the assignment. */
const extensionsByAssignment = byForeignKeyLoader(DeadlineExtension, "assignmentId", { id: "ASC" });
/** Deadline changes of an assignment, oldest first. */
const dueDateChangesByAssignment = byForeignKeyLoader(DueDateChange, "assignmentId", { id: "ASC" });

@Authorized()
@Resolver(() => Assignment)
export class ExtensionResolver {
  @Mutation(() => ExtensionPayload, {
    description: "The assignee asks for a later deadline; one pending request per assignment.",
  })
  requestExtension(
    @Arg("input", () => RequestExtensionInput) input: RequestExtensionInput,
    @Ctx() ctx: Context,
  ): Promise<ExtensionPayload> {
    return requestExtension(ctx, input);
  }

  @Mutation(() => ExtensionPayload, {
    description:
      "The assigner approves (the deadline moves, with the task's and same-dated cooperators' for a lead) or rejects a pending request.",
  })
  decideExtension(
    @Arg("input", () => DecideExtensionInput) input: DecideExtensionInput,
    @Ctx() ctx: Context,
  ): Promise<ExtensionPayload> {
    return decideExtension(ctx, input);
  }

  @FieldResolver(() => [DeadlineExtension], { description: "Extension requests, oldest first." })
  extensions(@Root() a: Assignment, @Ctx() ctx: Context): Promise<DeadlineExtension[]> {
    return ctx.loaders.get(extensionsByAssignment).load(a.id);
  }

  @FieldResolver(() => [DueDateChange], { description: "Every change of the deadline, oldest first." })
  dueDateHistory(@Root() a: Assignment, @Ctx() ctx: Context): Promise<DueDateChange[]> {
    return ctx.loaders.get(dueDateChangesByAssignment).load(a.id);
  }
}

@Authorized()
@Resolver(() => DeadlineExtension)
export class DeadlineExtensionResolver {
  @FieldResolver(() => Assignment, { description: "The assignment whose deadline the request is about." })
  assignment(@Root() e: DeadlineExtension, @Ctx() ctx: Context): Promise<Assignment> {
    return loadRequired(ctx, visibleAssignmentById, e.assignmentId, "Assignment");
  }
}

/** The resolvers of deadlines (extensions, their history, timeliness counts), for RESOLVERS. */
export const DEADLINE_RESOLVERS = [ExtensionResolver, DeadlineExtensionResolver, TimelinessResolver] as const;
