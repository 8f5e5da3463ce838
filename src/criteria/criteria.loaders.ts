import { byForeignKeyLoader, byIdLoader } from "../shared/loaders";
import { Assessment, IndicatorValue } from "./assessment.entity";
import { CriteriaSet } from "./criteria-set.entity";
import { Criterion, Indicator } from "./criterion.entity";
import { Recognition } from "./recognition.entity";

export const criteriaSetById = byIdLoader(CriteriaSet);
export const criterionById = byIdLoader(Criterion);
export const criteriaBySet = byForeignKeyLoader(Criterion, "setId", { no: "ASC" });
export const indicatorById = byIdLoader(Indicator);
export const indicatorsByCriterion = byForeignKeyLoader(Indicator, "criterionId", { ord: "ASC", id: "ASC" });
export const assessmentById = byIdLoader(Assessment);
export const assessmentsByUnit = byForeignKeyLoader(Assessment, "unitId", {
  year: "DESC",
  criterionId: "ASC",
});
export const indicatorValuesByAssessment = byForeignKeyLoader(IndicatorValue, "assessmentId", {
  indicatorId: "ASC",
});
export const recognitionById = byIdLoader(Recognition);
export const recognitionsByUnit = byForeignKeyLoader(Recognition, "unitId", { decidedOn: "ASC", id: "ASC" });
