import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The structured assessments the esketamine REMS Patient Monitoring Form asks for, on recovery
 * observations: dissociation (none…severe) and respiratory depression (yes/no). Nullable: earlier
 * observations did not assess them, and the form says so rather than guessing.
 */
export class RemsAssessments1764300000000 implements MigrationInterface {
  name = 'RemsAssessments1764300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "recovery_observations" ADD "dissociation" character varying(10)`);
    await queryRunner.query(`ALTER TABLE "recovery_observations" ADD "respiratory_depression" boolean`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "recovery_observations" DROP COLUMN "respiratory_depression"`);
    await queryRunner.query(`ALTER TABLE "recovery_observations" DROP COLUMN "dissociation"`);
  }
}
