import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * cache_version and the triggers that keep admin_unit's version: every INSERT, UPDATE or DELETE
 * of a unit adds one in the writing transaction, so the API's in-memory copy of the units
 * (src/units/unit.directory.ts) notices any change, however it was made.
 */
export class UnitCacheVersion1795990202256 implements MigrationInterface {
  name = "UnitCacheVersion1795990202256";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `cache_version` (`name` varchar(64) NOT NULL, `version` bigint UNSIGNED NOT NULL DEFAULT '0', PRIMARY KEY (`name`)) ENGINE=InnoDB",
    );
    await queryRunner.query("INSERT INTO `cache_version` (`name`, `version`) VALUES ('admin_unit', 0)");
    for (const [suffix, event] of [
      ["ai", "INSERT"],
      ["au", "UPDATE"],
      ["ad", "DELETE"],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER \`tr_admin_unit_version_${suffix}\` AFTER ${event} ON \`admin_unit\` FOR EACH ROW ` +
          "INSERT INTO `cache_version` (`name`, `version`) VALUES ('admin_unit', 1) " +
          "ON DUPLICATE KEY UPDATE `version` = `version` + 1",
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const suffix of ["ad", "au", "ai"]) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS \`tr_admin_unit_version_${suffix}\``);
    }
    await queryRunner.query("DROP TABLE `cache_version`");
  }
}
