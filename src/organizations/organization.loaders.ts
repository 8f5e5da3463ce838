import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { Organization } from "./organization.entity";

export const organizationById = byIdLoader(Organization);
export const organizationsByUnit = byForeignKeyLoader(Organization, "unitId", { name: "ASC", id: "ASC" });
