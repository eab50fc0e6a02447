import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServer } from '../../utils/redisServer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string | null;
  }
}

let server: RedisServer | undefined;

/**
 * One real redis-server per test run, on an ephemeral loopback port. In CI a missing redis-server is a
 * failure; on a developer machine the Redis suites are skipped with a loud warning.
 */
export async function setup(project: TestProject) {
  const available = (() => {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!available) {
    if (process.env.CI) throw new Error('redis-server is not installed; .ci/run installs it');
    process.stderr.write(
      '\n*** WARNING: redis-server not found: Redis tests are SKIPPED (apt-get install -y redis-server) ***\n\n',
    );
    project.provide('redisUrl', null);
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown() {
  await server?.stop();
}
