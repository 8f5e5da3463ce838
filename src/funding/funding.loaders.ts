import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { FundingAllocation } from "./funding-allocation.entity";
import { FundingDisbursement } from "./funding-disbursement.entity";

export const allocationById = byIdLoader(FundingAllocation);
export const disbursementById = byIdLoader(FundingDisbursement);
export const fundingByPlan = byForeignKeyLoader(FundingAllocation, "planId", { source: "ASC", id: "ASC" });
