// npm run test:local-kestra: builds local-kestra/ and runs its own tests (Maven Surefire,
// Kestra's @KestraTest support) with a Java 21+ found as kestra:up finds it, then installs
// the runtime the engine runs from and (Java 25+) its AOT cache, as kestra:up would on
// first use. Part of npm test, before vitest, so the engine tests start from a current
// build and none of them pays for the one-off training run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KESTRA_VERSION, missingMavenMessage } from '../../src/kestra/install.js';
import { ensureAotCache, installRuntime } from './runtime.js';
import { MODULE_DIR, findJava } from './up.js';

try {
  const java = findJava();
  const env = { ...process.env, ...(java.home ? { JAVA_HOME: java.home } : {}) };
  const offline = existsSync(join(homedir(), '.m2/repository/io/kestra/core', KESTRA_VERSION));
  const run = (args: string[]) => spawnSync('mvn', args, { cwd: MODULE_DIR, env, stdio: 'inherit' });
  let r = run(['-B', ...(offline ? ['-o'] : []), 'package']);
  if (r.error) throw new Error(missingMavenMessage((r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not on PATH' : r.error.message));
  // offline fails only when a dependency is missing from ~/.m2: fetch it and retry once
  if (r.status !== 0 && offline) r = run(['-B', 'package']);
  if (r.status !== 0) process.exit(r.status ?? 1);
  const say = (line: string) => process.stderr.write(`test:local-kestra: ${line}\n`);
  await ensureAotCache({ runtime: installRuntime(), java: java.java, javaMajor: java.major, env: process.env, say });
  process.exit(0);
} catch (err) {
  process.stderr.write(`test:local-kestra failed: ${(err as Error).message}\n`);
  process.exit(1);
}
