import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * progress_indicator: the commune criteria set's indicators rolled up per plan for districts and
 * provinces (the xã of the subtree that recorded a value and met it), written by the roll-up
 * beside progress_unit (src/rollup/rollup.sql.ts).
 */
export class ProgressIndicator1796002101355 implements MigrationInterface {
  name = "ProgressIndicator1796002101355";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`progress_indicator\` (\`plan_id\` int UNSIGNED NOT NULL, \`unit_id\` int UNSIGNED NOT NULL, \`indicator_id\` int UNSIGNED NOT NULL, \`parent_id\` int UNSIGNED NULL, \`depth\` tinyint UNSIGNED NOT NULL, \`xa_assessed\` int UNSIGNED NOT NULL DEFAULT '0', \`xa_met\` int UNSIGNED NOT NULL DEFAULT '0', \`computed_at\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX \`ix_progress_indicator_parent\` (\`plan_id\`, \`depth\`, \`parent_id\`, \`indicator_id\`, \`xa_assessed\`, \`xa_met\`), PRIMARY KEY (\`plan_id\`, \`unit_id\`, \`indicator_id\`)) ENGINE=InnoDB`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`progress_indicator\``);
  }
}
