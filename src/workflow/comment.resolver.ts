import type { GraphQLResolveInfo } from "graphql";
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { recordAudit } from "../audit/audit";
import { User } from "../auth/user.entity";
import { userById } from "../auth/user.loaders";
import { withTransaction } from "../db/transaction";
import { type Context, requireViewer } from "../shared/context";
import { decodeId, parseGlobalId } from "../shared/ids";
import { loadRequired } from "../shared/loaders";
import { Connection, ConnectionArgs, paginate, selects, type SortSpec } from "../shared/pagination";
import { UserError, userError } from "../shared/user-errors";
import { Task } from "../tasks/task.entity";
import { taskById } from "../tasks/task.loaders";
import { visibleTasks } from "../tasks/task.queries";
import { TaskComment } from "./extension.entity";

const MAX_BODY = 5000;

@InputType()
export class AddTaskCommentInput {
  @Field(() => ID)
  taskId!: string;

  @Field({ description: `1 to ${MAX_BODY} characters.` })
  body!: string;
}

@ObjectType()
export class TaskCommentPayload {
  @Field(() => TaskComment, { nullable: true })
  comment!: TaskComment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

export const TaskCommentConnection = Connection("TaskComment", TaskComment);
type TaskCommentConnection = InstanceType<typeof TaskCommentConnection>;

const COMMENT_SORT: SortSpec<TaskComment> = {
  name: "comment",
  direction: "ASC",
  keys: [{ sql: "c.id", value: (c) => c.id }],
};

/** Comments on a task: everyone who can read the task reads and writes them. */
@Authorized()
@Resolver(() => TaskComment)
export class TaskCommentResolver {
  @Query(() => TaskCommentConnection, {
    description: "A task's comments, oldest first. NOT_FOUND when the task is not visible.",
  })
  async taskComments(
    @Arg("taskId", () => ID) taskId: string,
    @Args() page: ConnectionArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TaskCommentConnection> {
    const task = await loadRequired(ctx, taskById, decodeId("Task", taskId, "taskId"), "Task");
    const qb = ctx.ds
      .getRepository(TaskComment)
      .createQueryBuilder("c")
      .where("c.task_id = :taskId", { taskId: task.id });
    return paginate(qb, COMMENT_SORT, page, selects(info, "totalCount"));
  }

  @Mutation(() => TaskCommentPayload, { description: "Comment on a task you can see." })
  async addTaskComment(
    @Arg("input", () => AddTaskCommentInput) input: AddTaskCommentInput,
    @Ctx() ctx: Context,
  ): Promise<TaskCommentPayload> {
    const viewer = requireViewer(ctx);
    const parsed = parseGlobalId(input.taskId);
    const fail = (e: UserError): TaskCommentPayload => ({ comment: null, userErrors: [e] });
    if (!parsed || parsed.type !== "Task")
      return fail(userError("BAD_USER_INPUT", "taskId is not a valid Task ID", ["input", "taskId"]));
    const body = input.body.trim();
    if (body.length === 0 || body.length > MAX_BODY) {
      return fail(userError("BAD_USER_INPUT", `body must be 1 to ${MAX_BODY} characters`, ["input", "body"]));
    }
    const task = await visibleTasks(ctx).andWhere("t.id = :id", { id: parsed.id }).getOne();
    if (!task) return fail(userError("NOT_FOUND", "Task not found", ["input", "taskId"]));
    return withTransaction(ctx.ds, async (uow) => {
      const ins = await uow.manager
        .getRepository(TaskComment)
        .insert({ taskId: task.id, authorUserId: viewer.userId, body });
      const comment = await uow.manager
        .getRepository(TaskComment)
        .findOneByOrFail({ id: Number(ins.identifiers[0].id) });
      const [unit] = await uow.manager.query(
        "SELECT un.path FROM organization o JOIN admin_unit un ON un.id = o.unit_id WHERE o.id = ?",
        [task.leadOrgId ?? viewer.orgId],
      );
      await recordAudit(
        uow.manager,
        { viewer, requestId: ctx.requestId, ip: ctx.ip },
        {
          action: "task.comment",
          objectType: "TaskComment",
          objectId: comment.id,
          scopePath: unit?.path ?? viewer.unitPath,
          after: comment,
        },
      );
      return { comment, userErrors: [] };
    });
  }

  @FieldResolver(() => User)
  author(@Root() c: TaskComment, @Ctx() ctx: Context): Promise<User> {
    return loadRequired(ctx, userById, c.authorUserId, "User");
  }

  @FieldResolver(() => Task)
  task(@Root() c: TaskComment, @Ctx() ctx: Context): Promise<Task> {
    return loadRequired(ctx, taskById, c.taskId, "Task");
  }
}
