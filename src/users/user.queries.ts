import type { User } from "../auth/user.entity";
import type { Context } from "../shared/context";
import { decodeId } from "../shared/ids";
import { type ConnectionArgs, type Page, paginate, type SortSpec } from "../shared/pagination";
import { escapeLike } from "../shared/text";
import type { UserFilter } from "./user.inputs";
import { visibleUsers } from "./user.loaders";

export const USER_SORT: SortSpec<User> = {
  name: "email_asc",
  direction: "ASC",
  keys: [
    { sql: "u.email", value: (u) => u.email },
    { sql: "u.id", value: (u) => u.id },
  ],
};

/** One page of the users the viewer may read (the scope is applied in SQL), by e-mail. */
export function listUsers(
  ctx: Context,
  page: ConnectionArgs,
  filter: UserFilter | null,
  withTotal: boolean,
): Promise<Page<User>> {
  const qb = visibleUsers(ctx);
  if (filter?.organizationId) {
    qb.andWhere("u.org_id = :orgId", {
      orgId: decodeId("Organization", filter.organizationId, "organizationId"),
    });
  }
  if (filter?.search) {
    qb.andWhere("(u.email LIKE :q OR u.display_name LIKE :q)", {
      q: `%${escapeLike(filter.search.trim())}%`,
    });
  }
  if (filter?.status) qb.andWhere("u.status = :status", { status: filter.status });
  if (filter?.role) {
    qb.andWhere("EXISTS (SELECT 1 FROM user_role fr WHERE fr.user_id = u.id AND fr.role = :role)", {
      role: filter.role,
    });
  }
  return paginate(qb, USER_SORT, page, withTotal);
}
