import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Alerts (one row per episode), their transitions, the detection engines' saved states, and each session's baseline. */
export class Alerts1763800000000 implements MigrationInterface {
  name = 'Alerts1763800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "alerts" ("id" uuid NOT NULL, "session_id" uuid NOT NULL, "site_id" uuid NOT NULL, "engine_id" text NOT NULL, "kind" character varying(16) NOT NULL, "severity" character varying(8) NOT NULL, "state" character varying(16) NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "baseline" jsonb, "trigger" jsonb NOT NULL, "upgrade_trigger" jsonb, "peak" jsonb, "acknowledged_by" uuid, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledgement_note" text, "escalated_at" TIMESTAMP WITH TIME ZONE, "reminded_at" TIMESTAMP WITH TIME ZONE, "reminders" integer NOT NULL DEFAULT '0', "ended_at" TIMESTAMP WITH TIME ZONE, "duration_ms" bigint, "cleared_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "message" text NOT NULL, CONSTRAINT "uq_alerts_session_engine_id" UNIQUE ("session_id", "engine_id"), CONSTRAINT "PK_60f895662df096bfcdfab7f4b96" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_alerts_session_opened" ON "alerts"  ("session_id", "opened_at") `);
    await queryRunner.query(
      `CREATE TABLE "alert_transitions" ("id" BIGSERIAL NOT NULL, "alert_id" uuid NOT NULL, "session_id" uuid NOT NULL, "type" character varying(16) NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "state" character varying(16) NOT NULL, "severity" character varying(8) NOT NULL, "actor_id" uuid, "note" text, "message" text NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_alert_transitions_once" UNIQUE ("alert_id", "type", "at"), CONSTRAINT "PK_eea28c7718b1c6d33738ff42abd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_alert_transitions_session" ON "alert_transitions"  ("session_id", "at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "session_engine_states" ("session_id" uuid NOT NULL, "state" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6c94b3cd6a1e191c7ff8e596c25" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "sessions" ADD "baseline" jsonb`);
    await queryRunner.query(
      `ALTER TABLE "alerts" ADD CONSTRAINT "FK_eac4224cf999288958bf377f23f" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "alert_transitions" ADD CONSTRAINT "FK_54289166a1c875c3cde47a48d54" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_engine_states" ADD CONSTRAINT "FK_6c94b3cd6a1e191c7ff8e596c25" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "baseline"`);
    for (const table of ['session_engine_states', 'alert_transitions', 'alerts']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
