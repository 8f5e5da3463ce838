import { Role } from "../shared/roles";
import { hasRole, type Viewer } from "../shared/viewer";

/**
 * Which audit entries a viewer may read (the list scope beside the object policy): all of them
 * for a system administrator, those of their subtree for a provincial coordinator, none for
 * anyone else (they are told so, not shown an empty log).
 */
export type AuditScope = { kind: "all" } | { kind: "subtree"; path: string } | { kind: "none" };

export function auditVisibleTo(viewer: Viewer): AuditScope {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return { kind: "all" };
  if (hasRole(viewer, Role.PROVINCIAL_COORDINATOR)) return { kind: "subtree", path: viewer.unitPath };
  return { kind: "none" };
}

export function canReadAuditEntry(viewer: Viewer, entry: { scopePath: string }): boolean {
  const scope = auditVisibleTo(viewer);
  switch (scope.kind) {
    case "all":
      return true;
    case "subtree":
      return entry.scopePath.startsWith(scope.path);
    case "none":
      return false;
  }
}
