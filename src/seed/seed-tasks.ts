/**
 * The plan's 8 task groups and one task per group. KH 125's per-task lead and cooperating units
 * and its deadlines were not found: the assignments below are inferred and marked uncertain.
 */
import type { PlanTarget } from "../plans/plan-target.entity";
import type { Plan } from "../plans/plan.entity";
import { TaskGroup } from "../plans/task-group.entity";
import { Confidence } from "../shared/provenance";
import { TaskStatus } from "../tasks/task.enums";
import { Task, TaskCooperator, TaskUnit } from "../tasks/task.entity";
import { Assignment, AssignmentRole } from "../workflow/assignment.entity";
import { AssignmentStatus } from "../workflow/assignment.states";
import { REFERENCE, confidenceOf, joinNote, sourceCodes } from "./reference-data";
import type { SeedContext } from "./seed-context";
import { COORDINATION_OFFICE_CODE, type OrgRegistry, peoplesCommitteeCode } from "./seed-organizations";
import type { UnitRegistry } from "./seed-units";

const plan = REFERENCE.plan2022;

export async function seedTaskGroups(ctx: SeedContext, p: Plan): Promise<TaskGroup[]> {
  const tg = plan.task_groups;
  const groups: TaskGroup[] = [];
  for (let ord = 1; ord <= tg.count; ord++) {
    const known = tg.known.find((g) => g.no === ord);
    const { row } = await ctx.ensure(TaskGroup, { planId: p.id, ord }, () => ({
      planId: p.id,
      ord,
      title: known?.name ?? null,
      note: known ? null : `Title unknown (NULL): ${tg.unknown}`,
      sources: sourceCodes(tg.source),
      confidence: known ? confidenceOf(tg.confidence) : Confidence.UNKNOWN,
    }));
    groups.push(row);
  }
  return groups;
}

export async function seedTasks(
  ctx: SeedContext,
  units: UnitRegistry,
  orgs: OrgRegistry,
  p: Plan,
  groups: TaskGroup[],
  targets: Map<string, PlanTarget>,
): Promise<void> {
  const target = (code: string): PlanTarget => {
    const found = targets.get(code);
    if (!found) throw new Error(`No target ${code}`);
    return found;
  };
  const prefix = p.number.split("/")[0];
  const dueDate = `${p.year}-12-31`;
  const lead = orgs.get(COORDINATION_OFFICE_CODE);
  const districtCommittees = [...units.districts.values()].map((d) => orgs.committeeOf(d.unit));
  const agriculture = orgs.agency("SNN&PTNT");
  const areaIII = units.districtsWithAreaIII();
  const assumed =
    "Deadline not found: due date set to the end of the plan year. The plan's per-task lead and cooperating units were not found; the Coordination Office leads as the body that coordinates the programme.";

  for (const group of groups) {
    let extra: {
      targetCode?: string;
      cooperators: number[];
      units: number[];
      quota?: { value: string | null; unit: string };
      note?: string;
    } = {
      cooperators: [],
      units: [],
    };
    if (group.ord === 1 || group.ord === 2) {
      extra = {
        targetCode: group.ord === 1 ? "NEW_NTM_COMMUNES" : "NEW_ADVANCED_NTM_COMMUNES",
        cooperators: [...districtCommittees, agriculture].map((o) => o.id),
        units: [units.province.id],
        note: "Cooperating units inferred: the People's Committees of the 8 district-level units and the sector department.",
      };
    } else if (group.ord === 3) {
      const villages = target("NEW_NTM_VILLAGES");
      extra = {
        targetCode: "NEW_NTM_VILLAGES",
        cooperators: areaIII.map((d) => orgs.committeeOf(d).id),
        units: areaIII.map((d) => d.id),
        quota: { value: villages.targetValue, unit: villages.measureUnit },
        note: "Cooperating units inferred from the group's title: the People's Committees of the huyện with khu vực III (specially difficult) communes; Bắc Kạn city has none.",
      };
    }
    const created = await ctx.ensure(Task, { planId: p.id, code: `${prefix}-${group.ord}` }, () => ({
      planId: p.id,
      groupId: group.id,
      parentId: null,
      path: "",
      depth: 0,
      code: `${prefix}-${group.ord}`,
      title: group.title ?? `Nhóm nhiệm vụ ${group.ord}`,
      description: null,
      leadOrgId: lead.id,
      targetId: extra.targetCode ? target(extra.targetCode).id : null,
      startDate: null,
      dueDate,
      status: TaskStatus.ASSIGNED,
      quota: extra.quota?.value ?? null,
      quotaUnit: extra.quota?.unit ?? null,
      note: joinNote(
        group.title === null && "Title unknown: the group's title was not found.",
        assumed,
        extra.note,
      ),
      sources: group.sources,
      confidence: Confidence.UNCERTAIN,
    }));
    const task = created.row;
    await ctx.completeNew(Task, created, task.id, { path: `/${task.id}/` });
    for (const orgId of extra.cooperators) {
      await ctx.ensure(TaskCooperator, { taskId: task.id, orgId }, () => ({ taskId: task.id, orgId }));
    }
    for (const unitId of extra.units) {
      await ctx.ensure(TaskUnit, { taskId: task.id, unitId }, () => ({ taskId: task.id, unitId }));
    }
    // The plan gives each task to its lead and cooperating organizations: one assignment each,
    // from the provincial People's Committee that issued the plan.
    const assigner = orgs.get(peoplesCommitteeCode(REFERENCE.province.code)).id;
    const parts = [
      { orgId: lead.id, role: AssignmentRole.LEAD },
      ...extra.cooperators.map((orgId) => ({ orgId, role: AssignmentRole.COOPERATING })),
    ];
    for (const part of parts) {
      await ctx.ensure(Assignment, { taskId: task.id, orgId: part.orgId }, () => ({
        taskId: task.id,
        planId: task.planId,
        orgId: part.orgId,
        assigneeUserId: null,
        role: part.role,
        assignerOrgId: assigner,
        status: AssignmentStatus.ASSIGNED,
        dueDate: task.dueDate,
      }));
    }
  }
}
