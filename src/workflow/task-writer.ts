import type { EntityManager } from "typeorm";
import { Task, TaskCooperator, TaskUnit } from "../tasks/task.entity";
import { TaskStatus } from "../tasks/task.enums";
import { Assignment, AssignmentEvent, AssignmentRole } from "./assignment.entity";
import { AssignmentStatus } from "./assignment.states";

/** A task to create, already checked by its command (delegateTask, importTasks). */
export interface NewTask {
  planId: number;
  groupId: number | null;
  /** The parent task; null for a task of the plan itself. */
  parent: { id: number; path: string; depth: number } | null;
  code: string;
  title: string;
  description: string | null;
  leadOrgId: number;
  /** A named member of the lead organization, when one is. */
  leadAssigneeUserId: number | null;
  cooperatingOrgIds: readonly number[];
  /** Units the task concerns (at least one). */
  unitIds: readonly number[];
  targetId: number | null;
  startDate: string | null;
  dueDate: string | null;
  quota: string | null;
  quotaUnit: string | null;
  /** The organization that gives the assignments. */
  assignerOrgId: number;
  actorUserId: number;
}

/**
 * Writes one task the way every command creates one: the task and its materialised path, its
 * units and cooperators, one ASSIGNED assignment for the lead and one per cooperating organization,
 * each with its first history event. Runs in the caller's transaction; the caller audits, and
 * schedules reminders and events after commit.
 */
export async function insertTaskWithAssignments(
  m: EntityManager,
  t: NewTask,
): Promise<{ task: Task; assignmentIds: number[] }> {
  const repo = m.getRepository(Task);
  const task = await repo.save(
    repo.create({
      planId: t.planId,
      groupId: t.groupId,
      parentId: t.parent?.id ?? null,
      path: "/",
      depth: t.parent ? t.parent.depth + 1 : 0,
      code: t.code,
      title: t.title,
      description: t.description,
      leadOrgId: t.leadOrgId,
      targetId: t.targetId,
      startDate: t.startDate,
      dueDate: t.dueDate,
      status: TaskStatus.ASSIGNED,
      quota: t.quota,
      quotaUnit: t.quotaUnit,
      sources: [],
    }),
  );
  task.path = `${t.parent ? t.parent.path : "/"}${task.id}/`;
  await m.update(Task, task.id, { path: task.path });
  await m
    .getRepository(TaskUnit)
    .insert([...new Set(t.unitIds)].map((unitId) => ({ taskId: task.id, unitId })));
  const coop = [...new Set(t.cooperatingOrgIds)].filter((c) => c !== t.leadOrgId);
  if (coop.length)
    await m.getRepository(TaskCooperator).insert(coop.map((orgId) => ({ taskId: task.id, orgId })));
  const rows = [
    { orgId: t.leadOrgId, role: AssignmentRole.LEAD, assigneeUserId: t.leadAssigneeUserId },
    ...coop.map((orgId) => ({ orgId, role: AssignmentRole.COOPERATING, assigneeUserId: null })),
  ];
  const assignmentIds: number[] = [];
  for (const r of rows) {
    const ins = await m.getRepository(Assignment).insert({
      taskId: task.id,
      planId: task.planId,
      orgId: r.orgId,
      assigneeUserId: r.assigneeUserId,
      role: r.role,
      assignerOrgId: t.assignerOrgId,
      status: AssignmentStatus.ASSIGNED,
      dueDate: task.dueDate,
    });
    const id = Number(ins.identifiers[0].id);
    assignmentIds.push(id);
    await m.getRepository(AssignmentEvent).insert({
      assignmentId: id,
      action: "assign",
      fromStatus: null,
      toStatus: AssignmentStatus.ASSIGNED,
      actorUserId: t.actorUserId,
      comment: null,
    });
  }
  return { task, assignmentIds };
}
