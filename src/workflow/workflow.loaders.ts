import DataLoader from "dataloader";
import type { ObjectLiteral } from "typeorm";
import type { Context } from "../shared/context";
import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { Task } from "../tasks/task.entity";
import { visibleTasks } from "../tasks/task.queries";
import { Assignment, AssignmentEvent } from "./assignment.entity";
import { DeadlineExtension, TaskComment } from "./extension.entity";
import { Attachment, ProgressReport, ReportingPeriod } from "./report.entity";

/**
 * Rows of `entity` by id, kept only when the task they belong to is visible to the viewer:
 * `taskIdSql` is the SQL (alias `x`) giving the row's task id. One statement per tick.
 */
function visibleThroughTask<T extends ObjectLiteral & { id: number }>(
  entity: { new (): T },
  taskIdSql: string,
) {
  return (ctx: Context) =>
    new DataLoader<number, T | null>(
      async (ids) => {
        const tasks = visibleTasks(ctx).select("t.id");
        const rows = await ctx.ds
          .getRepository(entity)
          .createQueryBuilder("x")
          .where("x.id IN (:...ids)", { ids: [...ids] })
          .andWhere(`${taskIdSql} IN (${tasks.getQuery()})`)
          .setParameters(tasks.getParameters())
          .getMany();
        const map = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => map.get(id) ?? null);
      },
      { maxBatchSize: 1000 },
    );
}

const VIA_ASSIGNMENT = "(SELECT va.task_id FROM assignment va WHERE va.id = x.assignment_id)";

export const visibleAssignmentById = visibleThroughTask(Assignment, "x.task_id");
export const visibleReportById = visibleThroughTask(ProgressReport, VIA_ASSIGNMENT);
export const visibleExtensionById = visibleThroughTask(DeadlineExtension, VIA_ASSIGNMENT);
export const visibleCommentById = visibleThroughTask(TaskComment, "x.task_id");
export const visibleAttachmentById = visibleThroughTask(
  Attachment,
  "(SELECT ra.task_id FROM progress_report r JOIN assignment ra ON ra.id = r.assignment_id WHERE r.id = x.report_id)",
);
export const reportingPeriodById = byIdLoader(ReportingPeriod);

/** Assignments of tasks (the viewer can already read the task), lead first. */
export const assignmentsByTask = byForeignKeyLoader(Assignment, "taskId", { role: "DESC", id: "ASC" });
export const eventsByAssignment = byForeignKeyLoader(AssignmentEvent, "assignmentId", { id: "ASC" });

/** Every sub-task of a task, whoever asks: for computing progress only, never returned as is. */
export const allChildrenByParent = byForeignKeyLoader(Task, "parentId", { id: "ASC" });
