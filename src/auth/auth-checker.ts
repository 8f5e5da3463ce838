import type { AuthChecker } from "type-graphql";
import type { Context } from "../shared/context";
import { DomainError, ErrorCode } from "../shared/errors";
import type { Role } from "../shared/roles";
import { AuthenticationError } from "./authenticate";

/**
 * Authentication and coarse roles only: `@Authorized()` needs a signed-in viewer,
 * `@Authorized(Role.X, ...)` one of those roles. What a viewer may do with an object is the
 * policies' business, not this checker's.
 */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (!viewer) throw new AuthenticationError();
  if (roles.length === 0 || roles.some((r) => viewer.roles.has(r))) return true;
  throw new DomainError("You do not have a role that allows this", ErrorCode.FORBIDDEN);
};
