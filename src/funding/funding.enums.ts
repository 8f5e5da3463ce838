import { registerEnumType } from "type-graphql";

/** Where money comes from (nguồn vốn). */
export enum FundingSource {
  CENTRAL_NTM = "central_ntm",
  CENTRAL_POVERTY = "central_poverty",
  CENTRAL_ETHNIC = "central_ethnic",
  CENTRAL_THREE_PROGRAMS = "central_three_programs",
  PROVINCIAL = "provincial",
  DISTRICT = "district",
  COMMUNE = "commune",
  INTEGRATED = "integrated",
  CREDIT = "credit",
  ENTERPRISES_RESIDENTS = "enterprises_residents",
  OTHER = "other",
}
registerEnumType(FundingSource, {
  name: "FundingSource",
  description:
    "central_ntm / central_poverty / central_ethnic: central budget of each national target program (NTM, giảm nghèo bền vững, DTTS&MN); central_three_programs when a decision gives the three together; provincial, district, commune budgets; integrated (lồng ghép); credit (tín dụng); enterprises_residents (doanh nghiệp, người dân); other lawful sources.",
});

/** How exact a recorded amount is. Sources often say "hơn 11 tỷ đồng". */
export enum AmountQualifier {
  EXACT = "exact",
  AT_LEAST = "at_least",
  APPROXIMATE = "approximate",
  UNKNOWN = "unknown",
}
registerEnumType(AmountQualifier, { name: "AmountQualifier" });
