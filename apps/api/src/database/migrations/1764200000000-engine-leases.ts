import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ownership of each open session's detection engine among the service's instances (cluster/engine-leases.ts). */
export class EngineLeases1764200000000 implements MigrationInterface {
  name = 'EngineLeases1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "session_engine_states" ADD "epoch" bigint`);
    await queryRunner.query(
      `CREATE TABLE "engine_leases" ("session_id" uuid NOT NULL, "owner" text NOT NULL, "epoch" bigint NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6ba55f6f68da8c89b7b8d27e5fc" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "engine_leases" ADD CONSTRAINT "FK_6ba55f6f68da8c89b7b8d27e5fc" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "engine_leases"`);
    await queryRunner.query(`ALTER TABLE "session_engine_states" DROP COLUMN "epoch"`);
  }
}
