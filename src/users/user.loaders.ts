import DataLoader from "dataloader";
import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { User, UserRole } from "../auth/user.entity";
import { Organization } from "../organizations/organization.entity";
import type { Context } from "../shared/context";
import { ALL_ROLES, type Role } from "../shared/roles";
import { escapeLike } from "../shared/text";
import type { Viewer } from "../shared/viewer";
import { Unit } from "../units/unit.entity";
import { usersVisibleTo } from "./user.policy";

/**
 * Restricts `qb` (alias `u`) to the users the viewer may read: the SQL twin of `canReadUser`.
 * Nobody signed in reads nobody.
 */
export function applyUserScope(
  qb: SelectQueryBuilder<User>,
  viewer: Viewer | null,
): SelectQueryBuilder<User> {
  if (!viewer) return qb.andWhere("1 = 0");
  const scope = usersVisibleTo(viewer);
  switch (scope.kind) {
    case "all":
      return qb;
    case "subtree":
      return qb
        .innerJoin(Organization, "uo", "uo.id = u.org_id")
        .innerJoin(Unit, "uu", "uu.id = uo.unit_id")
        .andWhere("uu.path LIKE :userScopePrefix", { userScopePrefix: `${escapeLike(scope.path)}%` });
    case "self":
      return qb.andWhere("u.id = :userScopeSelf", { userScopeSelf: scope.userId });
  }
}

/** Users the viewer may read (alias `u`), for lists and loaders. */
export function visibleUsers(ctx: Context): SelectQueryBuilder<User> {
  return applyUserScope(ctx.ds.getRepository(User).createQueryBuilder("u"), ctx.viewer);
}

/** Users by id within the viewer's scope: a user outside it is null, exactly like a missing one. */
export const visibleUserById = (ctx: Context) =>
  new DataLoader<number, User | null>(
    async (ids) => {
      const rows = await visibleUsers(ctx)
        .andWhere("u.id IN (:...ids)", { ids: [...ids] })
        .getMany();
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    },
    { maxBatchSize: 1000 },
  );

function isRole(value: string): value is Role {
  return (ALL_ROLES as readonly string[]).includes(value);
}

/** The roles of each user, sorted: one statement per tick. */
export const rolesByUser = (ctx: Context) =>
  new DataLoader<number, Role[]>(
    async (userIds) => {
      const rows = await ctx.ds
        .getRepository(UserRole)
        .createQueryBuilder("r")
        .where("r.user_id IN (:...userIds)", { userIds: [...userIds] })
        .orderBy("r.user_id")
        .addOrderBy("r.role")
        .getMany();
      const groups = new Map<number, Role[]>();
      for (const r of rows) {
        if (!isRole(r.role)) continue;
        const g = groups.get(r.userId);
        if (g) g.push(r.role);
        else groups.set(r.userId, [r.role]);
      }
      return userIds.map((id) => groups.get(id) ?? []);
    },
    { maxBatchSize: 1000 },
  );

/** Path of the unit each organization serves (the scope of its users): one statement per tick. */
export const unitPathByOrg = (ctx: Context) =>
  new DataLoader<number, string | null>(
    async (orgIds) => {
      const rows: Array<{ id: number; path: string }> = await ctx.ds
        .createQueryBuilder()
        .select("o.id", "id")
        .addSelect("un.path", "path")
        .from(Organization, "o")
        .innerJoin(Unit, "un", "un.id = o.unit_id")
        .where("o.id IN (:...orgIds)", { orgIds: [...orgIds] })
        .getRawMany();
      const map = new Map(rows.map((r) => [Number(r.id), r.path]));
      return orgIds.map((id) => map.get(id) ?? null);
    },
    { maxBatchSize: 1000 },
  );

/** A user with what the write policies need: their organization's unit path and their roles. */
export interface UserWithFacts {
  user: User;
  orgUnitPath: string;
  roles: Role[];
}

/** One user with its facts in one statement (for commands; no scope applied: the policy decides). */
export async function loadUserWithFacts(
  manager: EntityManager,
  userId: number,
): Promise<UserWithFacts | null> {
  const { entities, raw } = await manager
    .getRepository(User)
    .createQueryBuilder("u")
    .innerJoin(Organization, "fo", "fo.id = u.org_id")
    .innerJoin(Unit, "fu", "fu.id = fo.unit_id")
    .addSelect("fu.path", "__path")
    .addSelect(
      "(SELECT GROUP_CONCAT(fr.role ORDER BY fr.role) FROM user_role fr WHERE fr.user_id = u.id)",
      "__roles",
    )
    .where("u.id = :userId", { userId })
    .getRawAndEntities<{ __path: string; __roles: string | null }>();
  const user = entities[0];
  if (!user) return null;
  const roles = (raw[0].__roles ?? "").split(",").filter(isRole);
  return { user, orgUnitPath: raw[0].__path, roles };
}
