import { withTransaction } from "../../db/transaction";
import type { Context } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { type UserError, userError } from "../../shared/user-errors";
import { visibleTasks } from "../../tasks/task.queries";
import type { DelegatePayload } from "../workflow.types";
import { DelegationRefused, delegateTask } from "./delegate-task.command";

export interface AssignTaskGroupInput {
  groupId: string;
  organizationIds: string[];
  dueDate?: string | null;
}

const MAX_ORGS = 100;

/**
 * Gives every task of a plan group to each of the organizations at once (the same task to all
 * 8 districts): one sub-task per task and organization, in one transaction. Any refusal rolls
 * the whole group back.
 */
export async function assignTaskGroup(ctx: Context, input: AssignTaskGroupInput): Promise<DelegatePayload> {
  const fail = (e: UserError[]): DelegatePayload => ({ tasks: [], userErrors: e });
  const group = parseGlobalId(input.groupId);
  if (!group || group.type !== "TaskGroup")
    return fail([userError("BAD_USER_INPUT", "groupId is not a valid TaskGroup ID", ["input", "groupId"])]);
  if (input.organizationIds.length === 0 || input.organizationIds.length > MAX_ORGS) {
    return fail([
      userError("BAD_USER_INPUT", `Give 1 to ${MAX_ORGS} organizations`, ["input", "organizationIds"]),
    ]);
  }
  const roots = await visibleTasks(ctx)
    .andWhere("t.group_id = :g AND t.parent_id IS NULL AND t.status <> 'cancelled'", { g: group.id })
    .orderBy("t.code", "ASC")
    .getMany();
  if (roots.length === 0)
    return fail([userError("NOT_FOUND", "No task of this group is yours to assign", ["input", "groupId"])]);

  try {
    return await withTransaction(ctx.ds, async (uow) => {
      const created: DelegatePayload["tasks"] = [];
      for (const root of roots) {
        const [row] = await uow.manager.query("SELECT version FROM task WHERE id = ?", [root.id]);
        const result = await delegateTask(
          ctx,
          {
            taskId: root.globalId,
            version: Number(row.version),
            subtasks: input.organizationIds.map((leadOrganizationId) => ({
              leadOrganizationId,
              dueDate: input.dueDate ?? null,
            })),
          },
          uow,
        );
        if (result.userErrors.length) throw new DelegationRefused(result);
        created.push(...result.tasks);
      }
      return { tasks: created, userErrors: [] };
    });
  } catch (err) {
    if (err instanceof DelegationRefused) {
      // Point each problem at this mutation's own inputs.
      const fieldOf = (f: string[]) =>
        f.includes("leadOrganizationId")
          ? ["input", "organizationIds"]
          : f.includes("dueDate")
            ? ["input", "dueDate"]
            : ["input", "groupId"];
      return fail(err.payload.userErrors.map((e) => ({ ...e, field: fieldOf(e.field) })));
    }
    throw err;
  }
}
