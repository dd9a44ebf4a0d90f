import { createSecretKey } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertStore } from '../alerts/alert-store.js';
import { AlertsController } from '../alerts/alerts.controller.js';
import { AlertsService } from '../alerts/alerts.service.js';
import { EngineRebuilder } from '../alerts/engine-rebuilder.js';
import { AccessDenials } from '../audit/access-denials.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { AuditController } from '../audit/audit.controller.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthController } from '../auth/auth.controller.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { BootstrapAdmin } from '../auth/bootstrap-admin.js';
import { AttemptCounter, StoreAttemptCounter } from '../auth/attempt-counter.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { RevokedTokens } from '../auth/revoked-tokens.js';
import { UserDirectory } from '../auth/user-directory.js';
import { ClusterSignals } from '../cluster/cluster-signals.js';
import { ClusterUserChanges } from '../cluster/cluster-user-changes.js';
import { EngineLeases } from '../cluster/engine-leases.js';
import { RedisConnection } from '../cluster/redis-connection.js';
import { SessionRelay } from '../cluster/session-relay.js';
import { Clock } from '../common/clock.js';
import { HttpErrorFilter } from '../http/http-error.filter.js';
import { LIMIT_STORE, type LimitStore, MemoryLimitStore } from '../common/limit-store.js';
import { Metrics } from '../common/metrics.js';
import { RedisLimitStore } from '../common/redis-limit-store.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { DischargeController } from '../discharge/discharge.controller.js';
import { DischargeService } from '../discharge/discharge.service.js';
import { SessionRecordController } from '../discharge/session-record.controller.js';
import { SessionStory } from '../discharge/session-story.js';
import { TestClockController } from '../demo/test-clock.controller.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { createDataSource } from '../database/connection-loss.js';
import { ENTITIES } from '../database/entities.js';
import { DemoAccounts } from '../demo/demo-accounts.js';
import { DevicesController } from '../devices/devices.controller.js';
import { DevicesRepository } from '../devices/devices.repository.js';
import { DevicesService } from '../devices/devices.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { LocalUserChanges, UserChanges } from '../events/user-changes.js';
import { FhirExport } from '../fhir/fhir-export.js';
import { FhirController } from '../fhir/fhir.controller.js';
import { HealthController } from '../health/health.controller.js';
import { HealthService } from '../health/health.service.js';
import { Hl7Intake } from '../hl7/hl7-intake.js';
import { Hl7Messages } from '../hl7/hl7-messages.js';
import { Hl7Sources } from '../hl7/hl7-sources.js';
import { MllpListener } from '../hl7/mllp-listener.js';
import { DevicesGateway } from '../ingest/devices.gateway.js';
import { DeviceRateLimit } from '../ingest/device-rate-limit.js';
import { IngestTally } from '../ingest/ingest-tally.js';
import { IngestService } from '../ingest/ingest.service.js';
import { ReadingWriter } from '../ingest/reading-writer.js';
import { SessionBindings } from '../ingest/session-bindings.js';
import { ProtocolsController } from '../protocols/protocols.controller.js';
import { ProtocolsService } from '../protocols/protocols.service.js';
import { ReadingsRepository } from '../readings/readings.repository.js';
import { ReadingsService } from '../readings/readings.service.js';
import { AlarmBurdenController } from '../reports/alarm-burden.controller.js';
import { AlarmBurdenService } from '../reports/alarm-burden.service.js';
import { RemsController } from '../rems/rems.controller.js';
import { RemsService } from '../rems/rems.service.js';
import { SeriesController } from '../series/series.controller.js';
import { SeriesService } from '../series/series.service.js';
import { SessionsController } from '../sessions/sessions.controller.js';
import { SessionBaselines } from '../sessions/session-baselines.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SitesController } from '../sites/sites.controller.js';
import { SitesService } from '../sites/sites.service.js';
import { UsersController } from '../users/users.controller.js';
import { UsersService } from '../users/users.service.js';
import { WardGateway } from '../ward/ward.gateway.js';
import { WardService } from '../ward/ward.service.js';

/**
 * The whole service in one module: the capabilities are folders (auth, users, sites, devices,
 * protocols, sessions, readings, ingest, ward, health), wired here so the dependency graph is
 * visible in one place.
 */
@Module({})
export class AppModule {
  static register(
    config: AppConfig,
    databaseUrl: string,
    jwtSecret: string,
    redis: RedisConnection | null = null,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(databaseUrl, 20), migrationsRun: true }),
          dataSourceFactory: async (options) => createDataSource(options!),
        }),
        TypeOrmModule.forFeature(ENTITIES),
        // A KeyObject, not the string: given a string, the token library first tries to read it as a
        // public key on every verification (~0.35 ms of CPU per request against ~0.01 ms). The tokens
        // are the same HS256 tokens either way.
        JwtModule.register({
          secret: createSecretKey(Buffer.from(jwtSecret, 'utf8')),
          signOptions: { algorithm: 'HS256' },
        }),
      ],
      controllers: [
        HealthController,
        MetricsController,
        AuthController,
        UsersController,
        SitesController,
        DevicesController,
        ProtocolsController,
        SessionsController,
        SessionRecordController,
        AlertsController,
        AuditController,
        DischargeController,
        FhirController,
        SeriesController,
        RemsController,
        AlarmBurdenController,
        ...(config.testClock ? [TestClockController] : []),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        // The one Redis connection (null without REDIS_URL): inject `RedisConnection` to use it.
        { provide: RedisConnection, useFactory: () => redis },
        ClusterSignals,
        EngineLeases,
        SessionRelay,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        DomainEvents,
        { provide: UserChanges, useClass: config.redisUrl ? ClusterUserChanges : LocalUserChanges },
        {
          provide: AttemptCounter,
          useFactory: (store: LimitStore) => new StoreAttemptCounter(store),
          inject: [LIMIT_STORE],
        },
        Metrics,
        {
          provide: LIMIT_STORE,
          useFactory: () =>
            config.redisUrl ? new RedisLimitStore(config.redisUrl, config.redisPrefix) : new MemoryLimitStore(),
        },
        HealthService,
        AuditService,
        AccessDenials,
        Clock,
        SessionStory,
        SeriesService,
        RemsService,
        AlarmBurdenService,
        DischargeService,
        AuditTrail,
        LoginThrottle,
        UserDirectory,
        RevokedTokens,
        AuthService,
        BootstrapAdmin,
        DemoAccounts,
        UsersService,
        DevicesRepository,
        DevicesService,
        SitesService,
        ProtocolsService,
        SessionsRepository,
        SessionsService,
        ReadingsRepository,
        ReadingsService,
        AlertStore,
        EngineRebuilder,
        AlertsService,
        // sessions/ asks for baselines without importing alerts/.
        { provide: SessionBaselines, useExisting: AlertsService },
        SessionBindings,
        ReadingWriter,
        IngestTally,
        DeviceRateLimit,
        IngestService,
        DevicesGateway,
        Hl7Sources,
        Hl7Messages,
        Hl7Intake,
        MllpListener,
        FhirExport,
        WardService,
        WardGateway,
      ],
    };
  }
}
