import { coordinates } from "../plans/plan.policy";
import { Role } from "../shared/roles";
import { hasRole, inSubtree, type Viewer } from "../shared/viewer";

/**
 * Funding (allocations and disbursements) is part of the plan's public record: every signed-in
 * user reads it, as they read the plan.
 *
 * Recording a disbursement (giải ngân):
 * - the plan's coordinators (and administrators), for any unit of the plan or the plan as a whole;
 * - district officers, for their district and the units below it (the district People's Committee
 *   pays out and reports what it pays, as it checks the communes' assessments); never for the
 *   plan as a whole. Whether the unit lies in the plan's scope is an input check of the command.
 */
export interface DisbursementFacts {
  /** Path of the plan's scope unit. */
  planScopePath: string;
  /** Path of the recipient unit; null for the plan as a whole. */
  unitPath: string | null;
}

export function canReadFunding(_viewer: Viewer): boolean {
  return true;
}

export function canRecordDisbursement(viewer: Viewer, f: DisbursementFacts): boolean {
  if (coordinates(viewer, f.planScopePath)) return true;
  return (
    f.unitPath !== null &&
    hasRole(viewer, Role.DISTRICT_OFFICER) &&
    viewer.unitLevel === "district" &&
    inSubtree(viewer, f.unitPath)
  );
}
