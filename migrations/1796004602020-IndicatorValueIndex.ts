import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ix_indicator_value_met: the indicator values of an assessment with their verdict, so the roll-up
 * sums a district's xã per indicator from this index alone (src/rollup/rollup.sql.ts), without a
 * primary-key lookup per value.
 */
export class IndicatorValueIndex1796004602020 implements MigrationInterface {
  name = "IndicatorValueIndex1796004602020";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX \`ix_indicator_value_met\` ON \`assessment_indicator\` (\`assessment_id\`, \`indicator_id\`, \`met\`)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_indicator_value_met\` ON \`assessment_indicator\``);
  }
}
