import { ConfigError, loadConfig } from './config.js';

describe('configuration of several instances', () => {
  it('runs as one instance without REDIS_URL', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: null, redisPrefix: 'im', engineLeaseMs: 5000 });
  });

  it('takes a redis:// or rediss:// URL, a prefix and a lease', () => {
    expect(
      loadConfig({
        REDIS_URL: 'rediss://user:pw@cache.internal:6380/2',
        REDIS_PREFIX: 'clinic-a',
        ENGINE_LEASE_MS: '3000',
      }),
    ).toMatchObject({
      redisUrl: 'rediss://user:pw@cache.internal:6380/2',
      redisPrefix: 'clinic-a',
      engineLeaseMs: 3000,
    });
  });

  it.each(['localhost:6379', 'http://cache:6379', 'redis://', 'redis:/x', 'not a url'])(
    'stops on a malformed REDIS_URL (%s), naming the variable',
    (url) => {
      expect(() => loadConfig({ REDIS_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ REDIS_URL: url })).toThrow(/REDIS_URL/);
    },
  );

  it('refuses a prefix with spaces and a lease under a second', () => {
    expect(() => loadConfig({ REDIS_PREFIX: 'a b' })).toThrow(/REDIS_PREFIX/);
    expect(() => loadConfig({ ENGINE_LEASE_MS: '200' })).toThrow(/ENGINE_LEASE_MS/);
  });
});
