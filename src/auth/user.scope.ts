import type { EntityManager } from "typeorm";
import type { User } from "./user.entity";

/** The path of the unit a user's organization serves: the scope their audit entries belong to. */
export async function scopePathOfUser(manager: EntityManager, user: Pick<User, "orgId">): Promise<string> {
  const rows: Array<{ path: string }> = await manager.query(
    "SELECT un.path FROM organization o JOIN admin_unit un ON un.id = o.unit_id WHERE o.id = ?",
    [user.orgId],
  );
  return rows[0]?.path ?? "/";
}
