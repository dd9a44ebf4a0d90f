import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sites, users, devices, versioned protocols, sessions and readings; seeds the default protocols of
 * CLINICAL.md (IV ketamine and intranasal esketamine). The rules are frozen here on purpose: a later
 * change of defaults is a new protocol version, never an edit of this migration.
 */
const IV_KETAMINE_RULES = {
  baseline: {
    minCuffReadings: 2,
    minContinuousSeconds: 60,
    predoseMaxSbp: 140,
    predoseMaxDbp: 90,
  },
  bpRise: {
    mediumPct: 20,
    highPct: 40,
    highSbp: 180,
    highDbp: 110,
    confirmReadings: 2,
  },
  hrRise: {
    mediumPct: 20,
    mediumMin: 100,
    highPct: 40,
    highMin: 130,
    persistSeconds: 15,
  },
  spo2Low: {
    medium: 92,
    high: 90,
    persistSeconds: 15,
  },
  hrLow: {
    medium: 50,
    high: 40,
    persistSeconds: 15,
  },
  signalLost: {
    noReadingSeconds: 60,
    zeroSeconds: 15,
  },
  episode: {
    clearSeconds: 30,
  },
  escalation: {
    highUnacknowledgedSeconds: 120,
    reminderSeconds: 180,
  },
  recovery: {
    minObservationMinutes: 60,
    observeFrom: 'infusion_end',
    vitalsBandPct: 20,
    minSpo2: 92,
  },
};

// Esketamine's label and REMS require at least 2 hours of observation from dosing.
const INTRANASAL_ESKETAMINE_RULES = {
  ...IV_KETAMINE_RULES,
  recovery: { ...IV_KETAMINE_RULES.recovery, minObservationMinutes: 120, observeFrom: 'dosing' },
};

export class Initial1763700000000 implements MigrationInterface {
  name = 'Initial1763700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sites" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "timezone" text NOT NULL DEFAULT 'UTC', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_7a7dbd4513de54a315d97e1a7de" UNIQUE ("name"), CONSTRAINT "PK_4f5eccb1dfde10c9170502595a7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "devices" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "site_id" uuid NOT NULL, "name" text NOT NULL, "token_hash" character(64) NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_seen_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b1514758245c12daf43486dd1f0" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_26e12813565b42b2a5d82ad2a4" ON "devices"  ("token_hash") `);
    await queryRunner.query(
      `CREATE TABLE "protocols" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" text NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "route" character varying(16) NOT NULL, "rules" jsonb NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_protocols_key_version" UNIQUE ("key", "version"), CONSTRAINT "PK_69900eec42c88582ac8affff3e1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "site_id" uuid NOT NULL, "device_id" uuid NOT NULL, "protocol_id" uuid NOT NULL, "patient_ref" text NOT NULL, "chair" text NOT NULL, "weight_kg" numeric(6,2) NOT NULL, "planned_dose_mg_per_kg" numeric(6,3) NOT NULL, "series_number" integer NOT NULL, "consent_obtained_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consent_witnessed_by" text NOT NULL, "phase" character varying(16) NOT NULL, "created_by" uuid NOT NULL, "infusion_started_at" TIMESTAMP WITH TIME ZONE, "infusion_ended_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "abort_reason" text, "infusion_override_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_sessions_site_created" ON "sessions"  ("site_id", "created_at") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_sessions_open_device" ON "sessions"  ("device_id") WHERE phase IN ('baseline', 'infusing', 'recovery')`,
    );
    await queryRunner.query(
      `CREATE TABLE "readings" ("device_id" uuid NOT NULL, "seq" bigint NOT NULL, "session_id" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "hr" double precision, "sbp" double precision, "dbp" double precision, "map" double precision, "spo2" double precision, "rr" double precision, "temp" double precision, CONSTRAINT "PK_7b704a7d118a12cb120604edebe" PRIMARY KEY ("device_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_readings_session_recorded" ON "readings"  ("session_id", "recorded_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" text NOT NULL, "display_name" text NOT NULL, "role" character varying(16) NOT NULL, "password_hash" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_fe0bb3f6520ee0469504521e710" UNIQUE ("username"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "user_sites" ("user_id" uuid NOT NULL, "site_id" uuid NOT NULL, CONSTRAINT "PK_fb40cfe04628e6adefbe90c1eb4" PRIMARY KEY ("user_id", "site_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_876af02663eefdbbd607c73634" ON "user_sites"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_76a7e1a212a3784b96140b713b" ON "user_sites"  ("site_id") `);
    await queryRunner.query(
      `ALTER TABLE "devices" ADD CONSTRAINT "FK_a2295bac68ffc8561e0940babb3" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "FK_3a61c5259b05d4b501d1c0159ba" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "FK_97207844c19e5c27d33a07f67c0" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "FK_4a37eaaac505b0adb66e2936b54" FOREIGN KEY ("protocol_id") REFERENCES "protocols"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_sites" ADD CONSTRAINT "FK_876af02663eefdbbd607c736346" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_sites" ADD CONSTRAINT "FK_76a7e1a212a3784b96140b713ba" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `INSERT INTO "protocols" ("key", "version", "name", "route", "rules") VALUES ($1, 1, $2, 'iv', $3), ($4, 1, $5, 'intranasal', $6)`,
      [
        'iv-ketamine',
        'IV ketamine 0.5 mg/kg over 40 min',
        JSON.stringify(IV_KETAMINE_RULES),
        'in-esketamine',
        'Intranasal esketamine',
        JSON.stringify(INTRANASAL_ESKETAMINE_RULES),
      ],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['readings', 'sessions', 'protocols', 'user_sites', 'users', 'devices', 'sites']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}
