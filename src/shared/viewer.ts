import type { Role } from "./roles";

/** Who is asking: the signed-in user, their organization and its place in the administrative tree. */
export interface Viewer {
  userId: number;
  email: string;
  orgId: number;
  orgKind: string;
  unitId: number;
  /** Materialised path of the organization's unit: the root of the viewer's subtree. */
  unitPath: string;
  unitLevel: "province" | "district" | "commune" | "village";
  roles: ReadonlySet<Role>;
  /** The sign-in session (refresh-token family) of a local token; null for identity-provider tokens. */
  sessionId: string | null;
}

export function hasRole(viewer: Viewer, ...roles: Role[]): boolean {
  return roles.some((r) => viewer.roles.has(r));
}

/** True when `path` is the viewer's unit or below it. */
export function inSubtree(viewer: Viewer, path: string): boolean {
  return path.startsWith(viewer.unitPath);
}
