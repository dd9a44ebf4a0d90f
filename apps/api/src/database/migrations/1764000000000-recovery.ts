import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recovery observations, the discharge-escort checklist, discharge signatures and addenda. */
export class Recovery1764000000000 implements MigrationInterface {
  name = 'Recovery1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "recovery_observations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "moaas" smallint NOT NULL, "oriented" boolean NOT NULL, "steady_gait" boolean NOT NULL, "nausea" character varying(10) NOT NULL, "pain" smallint NOT NULL, "notes" text, "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f7a60b868d1bbc8d77b56681b9e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_recovery_observations_session" ON "recovery_observations"  ("session_id", "observed_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "discharge_checklists" ("session_id" uuid NOT NULL, "escort_name" text NOT NULL, "escort_relationship" text NOT NULL, "escort_phone" text NOT NULL, "escort_present_at" TIMESTAMP WITH TIME ZONE, "escort_confirmed_by" uuid, "no_driving_acknowledged" boolean NOT NULL, "instructions_given" boolean NOT NULL, "belongings_returned" boolean NOT NULL, "follow_up_at" TIMESTAMP WITH TIME ZONE, "updated_by" uuid NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6277da620696d6ab40c00efc26c" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "signatures" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "signed_by" uuid NOT NULL, "signed_by_name" text NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "meaning" text NOT NULL, "override_reason" text, "unmet_criteria" jsonb NOT NULL, "record_hash" character(64) NOT NULL, "signed_record" jsonb NOT NULL, CONSTRAINT "PK_f56eb3cd344ce7f9ae28ce814eb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_signatures_session" ON "signatures"  ("session_id") `);
    await queryRunner.query(
      `CREATE TABLE "addenda" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "text" text NOT NULL, "author_id" uuid NOT NULL, "author_name" text NOT NULL, "author_role" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "text_hash" character(64) NOT NULL, CONSTRAINT "PK_b96e8f939ff7e2676350989d95e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_addenda_session" ON "addenda"  ("session_id", "created_at") `);
    await queryRunner.query(
      `ALTER TABLE "recovery_observations" ADD CONSTRAINT "FK_8b6dc3504767afe5fa6a28e363b" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "discharge_checklists" ADD CONSTRAINT "FK_6277da620696d6ab40c00efc26c" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "signatures" ADD CONSTRAINT "FK_cb8208a7cd6da674a6688d2cb0d" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "addenda" ADD CONSTRAINT "FK_f07bafb4e77f894abf45775160f" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['addenda', 'signatures', 'discharge_checklists', 'recovery_observations']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
