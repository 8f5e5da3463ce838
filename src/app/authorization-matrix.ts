/**
 * The authorization matrix, kept as data and generated from the policy functions the server
 * enforces: every role × resource × operation × scope relation. A symbolic world (a province with
 * two districts, communes and villages) places the viewer and the object; each cell asks the
 * real policy. `reachable` marks cells the API exposes today; the HTTP test runs every reachable
 * cell against the real server, and docs/authorization-matrix.md is emitted from this file.
 *
 * Assignments and reports are decided by the workflow's own policies (src/workflow/workflow.policy.ts
 * and the delegation checks of src/tasks/task.policy.ts), within the read scope of their task:
 * see OPERATION_MEANINGS for what each of their operations is, and `assignmentFacts` for who
 * the assignee and the assigner of the object at each place are.
 */
import { canReadAuditEntry } from "../audit/audit.policy";
import { RecognitionLevel } from "../criteria/criteria.enums";
import {
  canAppraiseAssessment,
  canCheckAssessment,
  canRecordAssessment,
  canRecordRecognition,
  canRevokeRecognition,
} from "../criteria/criteria.policy";
import { canReadFunding, canRecordDisbursement } from "../funding/funding.policy";
import { coordinates } from "../plans/plan.policy";
import { ALL_ROLES, Role } from "../shared/roles";
import type { Viewer } from "../shared/viewer";
import {
  canApproveTask,
  canAssignTask,
  canAssignTo,
  canDeleteTask,
  canReadTask,
  canUpdateTask,
  type TaskFacts,
  type TaskWriteFacts,
} from "../tasks/task.policy";
import {
  canChangeRolesOf,
  canDisableUser,
  canGrantRoles,
  canManageUsersOf,
  canReadUser,
} from "../users/user.policy";
import { actsAsAssignee, actsAsAssigner, type AssignmentFacts } from "../workflow/workflow.policy";

export const RESOURCES = [
  "unit",
  "plan",
  "task",
  "assignment",
  "report",
  "user",
  "audit_entry",
  "assessment",
  "appraisal",
  "recognition",
  "disbursement",
] as const;
export const OPERATIONS = ["read", "list", "create", "update", "assign", "approve", "delete"] as const;
export const RELATIONS = ["own", "descendant", "ancestor", "sibling", "other_branch"] as const;
export type Resource = (typeof RESOURCES)[number];
export type Operation = (typeof OPERATIONS)[number];
export type Relation = (typeof RELATIONS)[number];

/**
 * What an operation means where it is not the plain reading of its name: the server call that
 * performs it, and the side that may call it. Emitted into docs/authorization-matrix.md.
 */
export const OPERATION_MEANINGS: Partial<Record<Resource, Partial<Record<Operation, string>>>> = {
  plan: {
    update:
      "edit the plan's roadmap: `setRoadmapOutcome` and `carryOverRoadmap` (the plan's own fields and targets have no API yet)",
  },
  assessment: {
    read: "`assessment(id:)` on the unit's assessment of a criterion (public results: every signed-in user)",
    list: "`assessments(filter: { unitId })` and `Unit.assessments(year:)`",
    create: "`recordAssessment` of a new criterion for the unit (xã tự đánh giá, stage SELF)",
    update: "`recordAssessment` again with its version: replaces it and sends it back to SELF",
    approve:
      "`reviewAssessment` CHECK of a SELF assessment (huyện kiểm tra; RETURN before appraisal likewise)",
  },
  appraisal: {
    approve:
      "`reviewAssessment` APPRAISE (tỉnh thẩm định) of the unit's assessment: DISTRICT_CHECKED for a commune, SELF for a district (RETURN likewise)",
  },
  recognition: {
    read: "`recognition(id:)` (public decisions: every signed-in user)",
    list: "`recognitions(filter: { unitId })` and `Unit.recognitions`",
    create:
      "`recordRecognition` of the unit at the level that fits it: NTM for a commune, VILLAGE_NTM for a village, DISTRICT_NTM for a district (never through the API)",
    delete:
      "`revokeRecognition` of an active recognition of the unit (same authority as create); never deleted",
  },
  disbursement: {
    read: "`node(id:)` on a FundingDisbursement (funding is part of the plan's public record: every signed-in user)",
    list: "`fundingDisbursements(planId, filter: { unitId })`",
    create: "`recordDisbursement` to the unit (giải ngân), under the plan of its province",
  },
  assignment: {
    read: "see it: `node(id:)` on the Assignment (within the read scope of its task)",
    list: "see it among `Task.assignments`",
    update:
      "the assignee's own transitions: `transitionAssignment` ACCEPT (also RETURN, START); an acting member of the assigned organization (or the named assignee)",
    assign:
      "`delegateTask` from it: a sub-task and its assignment one level down from the object's unit (`canAssignTask` on its task, `canAssignTo` the organization below)",
    approve:
      "the assigner's decisions: `transitionAssignment` PAUSE, or APPROVE when REPORTED (also SEND_BACK, RESUME); an acting member of the assigning organization or the plan's coordinators",
    delete:
      "`transitionAssignment` CANCEL, by the assigner side (as for approve); assignments are never deleted",
  },
  report: {
    read: "see it: `node(id:)` on the ProgressReport (within the read scope of its task)",
    list: "see it among `Assignment.reports`",
    create: "`submitReport` on the assignment, by the assignee side (as for assignment update)",
    approve: "`reviewReport` APPROVE (or RETURN), by the assigner side (as for assignment approve)",
  },
};

/**
 * The symbolic world: P the province, D1/D2 its districts, C11/C12 communes of D1 and C21 of D2,
 * V111/V112 villages of C11 and V211 of C21; P2 another province with its district D3.
 */
export const PLACES = {
  P: { path: "/1/", level: "province", parent: null },
  D1: { path: "/1/2/", level: "district", parent: "P" },
  D2: { path: "/1/3/", level: "district", parent: "P" },
  C11: { path: "/1/2/4/", level: "commune", parent: "D1" },
  C12: { path: "/1/2/5/", level: "commune", parent: "D1" },
  C21: { path: "/1/3/6/", level: "commune", parent: "D2" },
  V111: { path: "/1/2/4/7/", level: "village", parent: "C11" },
  V112: { path: "/1/2/4/8/", level: "village", parent: "C11" },
  V211: { path: "/1/3/6/9/", level: "village", parent: "C21" },
  P2: { path: "/10/", level: "province", parent: null },
  D3: { path: "/10/11/", level: "district", parent: "P2" },
} as const satisfies Record<string, { path: string; level: Viewer["unitLevel"]; parent: string | null }>;
export type Place = keyof typeof PLACES;

/** Where each role's user sits, and which organization they belong to ("pc" = the People's Committee there). */
export const HOMES: Record<
  Role,
  { place: Place; org: "pc" | "coordination_office" | "department" | "admin_office" | "village_board" }
> = {
  [Role.SYSTEM_ADMIN]: { place: "P", org: "admin_office" },
  [Role.PROVINCIAL_COORDINATOR]: { place: "P", org: "coordination_office" },
  [Role.PROVINCIAL_LEADER]: { place: "P", org: "pc" },
  [Role.DEPARTMENT_OFFICER]: { place: "P", org: "department" },
  [Role.DISTRICT_OFFICER]: { place: "D1", org: "pc" },
  [Role.COMMUNE_OFFICER]: { place: "C11", org: "pc" },
  [Role.VILLAGE_BOARD_MEMBER]: { place: "V111", org: "village_board" },
  [Role.VIEWER]: { place: "D1", org: "pc" },
};

/** The place of an object in a given relation to a home; null when the world has none (a province has no ancestor). */
export function placeFor(home: Place, relation: Relation): Place | null {
  const parent = PLACES[home].parent as Place | null;
  const children = (Object.keys(PLACES) as Place[]).filter((p) => PLACES[p].parent === home);
  switch (relation) {
    case "own":
      return home;
    case "descendant":
      return children[0] ?? null;
    case "ancestor":
      return parent;
    case "sibling": {
      const siblings = (Object.keys(PLACES) as Place[]).filter(
        (p) => p !== home && PLACES[p].parent === parent,
      );
      return siblings[0] ?? null;
    }
    case "other_branch": {
      // Under another branch of the tree: not the home, not above, below or beside it.
      const homePath = PLACES[home].path;
      const candidates = (Object.keys(PLACES) as Place[]).filter((p) => {
        const path = PLACES[p].path;
        if (path.startsWith(homePath) || homePath.startsWith(path) || PLACES[p].parent === parent)
          return false;
        // Same level where the world has one, else any unit of another province.
        return PLACES[p].level === PLACES[home].level || PLACES[home].level === "province";
      });
      return candidates[0] ?? null;
    }
  }
}

/** Symbolic organization ids: the viewer's own org is 1; each place's People's Committee gets its own id. */
const OWN_ORG = 1;
function pcOf(place: Place): number {
  return 100 + Object.keys(PLACES).indexOf(place);
}

export function viewerFor(role: Role): Viewer {
  const home = HOMES[role];
  const place = PLACES[home.place];
  return {
    userId: 1,
    email: `${role}@matrix`,
    orgId: home.org === "pc" ? pcOf(home.place) : OWN_ORG,
    orgKind: home.org,
    unitId: 1,
    unitPath: place.path,
    unitLevel: place.level,
    roles: new Set([role]),
    sessionId: "matrix",
  };
}

/** The organization that owns an object at `place`: the viewer's own for "own", else the place's People's Committee. */
function ownerOrg(viewer: Viewer, place: Place, relation: Relation): number {
  return relation === "own" ? viewer.orgId : pcOf(place);
}

/** The province at the top of `place`'s branch: its plan holds the tasks there. */
export function provinceOf(place: Place): Place {
  let p = place;
  for (let up = PLACES[p].parent as Place | null; up; up = PLACES[up].parent as Place | null) p = up;
  return p;
}

function taskFacts(
  viewer: Viewer,
  place: Place,
  relation: Relation,
): { read: TaskFacts; write: TaskWriteFacts } {
  const lead = ownerOrg(viewer, place, relation);
  const parent = PLACES[place].parent as Place | null;
  const chain: number[] = [lead];
  for (let p = parent; p; p = PLACES[p].parent as Place | null) chain.push(pcOf(p));
  return {
    read: { touchedUnitPaths: [PLACES[place].path], involvedOrgIds: chain },
    write: {
      leadOrgId: lead,
      parentLeadOrgId: parent ? pcOf(parent) : null,
      planScopePath: PLACES[provinceOf(place)].path,
      leadUnitLevel: PLACES[place].level,
    },
  };
}

/**
 * The organization that assigned the object at `place`: the People's Committee of the parent
 * place (which leads the task it was delegated from); at a province, whose tasks are the plan's
 * own, the province's People's Committee that issued the plan.
 */
export function assignerPlace(place: Place): Place {
  return (PLACES[place].parent as Place | null) ?? place;
}

/**
 * The assignment at `place`: the lead assignment of the task there, to the organization that owns
 * objects there (the viewer's own for "own"), given by the assigner place's People's Committee,
 * to no named member, under the plan of the place's province.
 */
function assignmentFacts(viewer: Viewer, place: Place, relation: Relation): AssignmentFacts {
  return {
    orgId: ownerOrg(viewer, place, relation),
    assigneeUserId: null,
    assignerOrgId: pcOf(assignerPlace(place)),
    planScopePath: PLACES[provinceOf(place)].path,
  };
}

const LEVEL_BELOW: Record<Viewer["unitLevel"], Viewer["unitLevel"]> = {
  province: "district",
  district: "commune",
  commune: "village",
  village: "village",
};

/**
 * Where `assign` (delegateTask) sends a sub-assignment from the object at `place`: one level down,
 * to the People's Committee (or board) of the place's first child in the world; where the world has
 * no child (D3, C12), to the People's Committee of a unit below that the world leaves out; from a
 * village, which has nothing below, to another body of the same village.
 */
export function delegationTarget(place: Place): {
  /** The child place, or null for a unit the world leaves out (or the village itself). */
  child: Place | null;
  unitPath: string;
  unitLevel: Viewer["unitLevel"];
  orgId: number;
} {
  const child = (Object.keys(PLACES) as Place[]).find((p) => PLACES[p].parent === place) ?? null;
  if (child)
    return { child, unitPath: PLACES[child].path, unitLevel: PLACES[child].level, orgId: pcOf(child) };
  const level = PLACES[place].level;
  return {
    child: null,
    unitPath: level === "village" ? PLACES[place].path : `${PLACES[place].path}0/`,
    unitLevel: LEVEL_BELOW[level],
    orgId: 200 + Object.keys(PLACES).indexOf(place),
  };
}

type Decision = boolean | null; // null: the operation does not exist for the resource

/** The recognition level that fits the unit at a place; null at a province (nothing recognizes one). */
export function recognitionLevelAt(place: Place): RecognitionLevel | null {
  switch (PLACES[place].level) {
    case "commune":
      return RecognitionLevel.NTM;
    case "village":
      return RecognitionLevel.VILLAGE_NTM;
    case "district":
      return RecognitionLevel.DISTRICT_NTM;
    case "province":
      return null;
  }
}

function decide(
  viewer: Viewer,
  resource: Resource,
  op: Operation,
  place: Place,
  relation: Relation,
): Decision {
  const path = PLACES[place].path;
  switch (resource) {
    case "unit":
      // Reference data: every signed-in user reads it; only administrators would edit it (no API yet).
      if (op === "read" || op === "list") return true;
      if (op === "create" || op === "update" || op === "delete") return viewer.roles.has(Role.SYSTEM_ADMIN);
      return null;
    case "plan":
      if (op === "read" || op === "list") return true;
      if (op === "approve") return null;
      return coordinates(viewer, path);
    case "task": {
      const f = taskFacts(viewer, place, relation);
      const read = canReadTask(viewer, f.read);
      if (op === "read" || op === "list") return read;
      if (op === "create") return read && canAssignTask(viewer, f.write);
      if (op === "update") return read && canUpdateTask(viewer, f.write);
      // Delegating checks the task (canAssignTask) and each organization it goes to (canAssignTo).
      if (op === "assign")
        return read && canAssignTask(viewer, f.write) && canAssignTo(viewer, delegationTarget(place));
      if (op === "approve") return read && canApproveTask(viewer, f.write);
      return read && canDeleteTask(viewer, f.write);
    }
    case "assignment": {
      // Every command loads the assignment within its task's read scope first (NOT_FOUND outside it).
      const f = taskFacts(viewer, place, relation);
      const read = canReadTask(viewer, f.read);
      const a = assignmentFacts(viewer, place, relation);
      switch (op) {
        case "read":
        case "list":
          return read;
        case "create":
          return null; // assignments are created by delegating from the one above (its `assign`)
        case "update":
          return read && actsAsAssignee(viewer, a);
        case "assign":
          return read && canAssignTask(viewer, f.write) && canAssignTo(viewer, delegationTarget(place));
        case "approve":
        case "delete":
          return read && actsAsAssigner(viewer, a);
      }
      return null;
    }
    case "report": {
      // A report is seen, written and reviewed through its assignment, within its task's read scope.
      const read = canReadTask(viewer, taskFacts(viewer, place, relation).read);
      const a = assignmentFacts(viewer, place, relation);
      if (op === "read" || op === "list") return read;
      if (op === "create") return read && actsAsAssignee(viewer, a);
      if (op === "approve") return read && actsAsAssigner(viewer, a);
      return null; // a report is never edited nor deleted: the assignee submits a new one
    }
    case "user": {
      const target = { userId: 2, orgUnitPath: path, roles: [Role.COMMUNE_OFFICER] };
      if (op === "read" || op === "list") return canReadUser(viewer, target);
      if (op === "create") return canManageUsersOf(viewer, path) && canGrantRoles(viewer, target.roles);
      if (op === "update") return canReadUser(viewer, target) && canDisableUser(viewer, target);
      if (op === "assign") return canReadUser(viewer, target) && canChangeRolesOf(viewer, target);
      return null; // users are disabled, never deleted
    }
    case "audit_entry":
      if (op === "read" || op === "list") return canReadAuditEntry(viewer, { scopePath: path });
      return false; // append-only: nobody writes or deletes entries through the API
    case "assessment": {
      // The object at a place is an assessment of that unit; assessments are public results.
      const unit = { path, level: PLACES[place].level };
      if (op === "read" || op === "list") return true;
      if (op === "create" || op === "update") return canRecordAssessment(viewer, unit);
      if (op === "approve") return canCheckAssessment(viewer, unit);
      return null; // never assigned nor deleted: a new recording replaces it
    }
    case "appraisal":
      if (op !== "approve") return null;
      return canAppraiseAssessment(viewer, { path, level: PLACES[place].level });
    case "recognition": {
      if (op === "read" || op === "list") return true;
      const level = recognitionLevelAt(place);
      if (level === null || (op !== "create" && op !== "delete")) return null;
      const unit = { path, level: PLACES[place].level };
      return op === "create"
        ? canRecordRecognition(viewer, unit, level)
        : canRevokeRecognition(viewer, unit, level);
    }
    case "disbursement":
      // The object at a place is a disbursement to that unit under the plan of its province.
      if (op === "read" || op === "list") return canReadFunding(viewer);
      if (op === "create")
        return canRecordDisbursement(viewer, {
          planScopePath: PLACES[provinceOf(place)].path,
          unitPath: path,
        });
      return null; // appended, never edited nor deleted through the API
  }
}

/** Operations the API exposes today, per resource (the HTTP matrix test covers exactly these). */
export const REACHABLE: Record<Resource, readonly Operation[]> = {
  unit: ["read", "list"],
  plan: ["read", "list", "update"],
  task: ["read", "list", "assign"],
  assignment: ["read", "list", "update", "assign", "approve", "delete"],
  report: ["read", "list", "create", "approve"],
  user: ["read", "list", "create", "update", "assign"],
  audit_entry: ["read", "list"],
  assessment: ["read", "list", "create", "update", "approve"],
  appraisal: ["approve"],
  recognition: ["read", "list", "create", "delete"],
  disbursement: ["read", "list", "create"],
};

export interface MatrixCell {
  role: Role;
  resource: Resource;
  operation: Operation;
  relation: Relation;
  /** Where the object sits in the symbolic world. */
  place: Place;
  allowed: boolean;
  reachable: boolean;
}

export function authorizationMatrix(): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const role of ALL_ROLES) {
    const viewer = viewerFor(role);
    for (const resource of RESOURCES) {
      for (const operation of OPERATIONS) {
        for (const relation of RELATIONS) {
          const place = placeFor(HOMES[role].place, relation);
          if (!place) continue;
          const allowed = decide(viewer, resource, operation, place, relation);
          if (allowed === null) continue;
          cells.push({
            role,
            resource,
            operation,
            relation,
            place,
            allowed,
            reachable: REACHABLE[resource].includes(operation),
          });
        }
      }
    }
  }
  return cells;
}

/** The matrix as Markdown, one table per resource (docs/authorization-matrix.md). */
export function matrixMarkdown(): string {
  const cells = authorizationMatrix();
  const lines = [
    "# Authorization matrix",
    "",
    "Emitted by `npm run matrix:emit` from `src/app/authorization-matrix.ts`, which asks the same policy",
    "functions the server enforces. Do not edit: a test fails when this file drifts from the code.",
    "",
    "Each cell: the operations a role may perform on an object in that relation to the role's own unit.",
    "`own` = the viewer's own unit (and organization); `descendant` = below it; `ancestor` = above it;",
    "`sibling` = beside it under the same parent; `other_branch` = under another district. A dash: the",
    "relation does not exist for that role's place (a province has no parent). Operations in *italics*",
    "are not reachable through the API yet; the others are each tested over HTTP, allowed and denied.",
    "",
    "Roles sit at: " +
      ALL_ROLES.map((r) => `${r} → ${HOMES[r].place} (${HOMES[r].org})`).join("; ") +
      ". World: P province; D1, D2 its districts; C11, C12 communes of D1, C21 of D2; V111, V112 villages of C11, V211 of C21; P2 another province, D3 its district.",
    "",
  ];
  for (const resource of RESOURCES) {
    const ops = OPERATIONS.filter((op) => cells.some((c) => c.resource === resource && c.operation === op));
    lines.push(`## ${resource}`, "");
    const meanings = OPERATION_MEANINGS[resource];
    if (meanings) {
      if (resource === "assignment")
        lines.push(
          "The object at a place is the lead assignment of the task there: assigned to the organization that",
          "owns objects there (for `own`, the viewer's own organization), given by the People's Committee of",
          "the parent place (at a province, its own People's Committee, which issued the plan). `assign`",
          "delegates to the People's Committee (or board) of the place's first child; where the world has no",
          "child (D3, C12), of a unit below that it leaves out; from a village, to another body of the village.",
          "",
        );
      if (resource === "report")
        lines.push("The object at a place is a report on the assignment at that place (see assignment).", "");
      if (resource === "assessment" || resource === "appraisal")
        lines.push(
          "The object at a place is that unit's assessment of a criterion of the set that fits its level",
          "(commune, village or district criteria), at the stage the operation starts from.",
          "",
        );
      if (resource === "recognition")
        lines.push(
          "The object at a place is that unit's recognition at the level that fits it. The world places",
          "coordinators at P only, so their commune recognitions (allowed province-wide) and district officers'",
          "village recognitions (allowed in their district) are tested in test/criteria/workflow.test.ts.",
          "",
        );
      if (resource === "disbursement")
        lines.push(
          "The object at a place is a disbursement to that unit under the plan of the place's province.",
          "Disbursements to the plan as a whole (no unit) are the coordinators' alone; see test/funding.",
          "",
        );
      lines.push(...ops.map((op) => `- ${op}: ${meanings[op] ?? op}`), "");
      if (resource === "assignment")
        lines.push("No `create`: an assignment is made by `assign` on the one above it.", "");
      if (resource === "report")
        lines.push("No `update` or `delete`: a report is never edited; the assignee submits a new one.", "");
    }
    lines.push(`| role | ${RELATIONS.join(" | ")} |`, `|---|${RELATIONS.map(() => "---").join("|")}|`);
    for (const role of ALL_ROLES) {
      const row = RELATIONS.map((relation) => {
        const here = cells.filter(
          (c) => c.role === role && c.resource === resource && c.relation === relation,
        );
        if (here.length === 0) return "—";
        const allowed = ops.filter((op) => here.some((c) => c.operation === op && c.allowed));
        if (allowed.length === 0) return "none";
        return allowed.map((op) => (REACHABLE[resource].includes(op) ? op : `*${op}*`)).join(", ");
      });
      lines.push(`| ${role} | ${row.join(" | ")} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
