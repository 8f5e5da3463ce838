import type { MigrationInterface } from "typeorm";
import { Initial1795968786060 } from "./1795968786060-Initial";

/** Every migration, in order. Listed explicitly so the compiler checks them and no glob can miss one. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [Initial1795968786060];
