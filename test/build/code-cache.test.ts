// The V8 code cache inside each bundled task (scripts/build/code-cache.ts): the
// node that built it accepts it, a rejected cache changes nothing but speed, and
// the code the file carries is esbuild's output byte for byte.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../scripts/build.js';
import { CodeCacheError, WRAP_HEAD, WRAP_TAIL, assembleBundle, embedCodeCache, splitBundle, wrapBundle } from '../../scripts/build/code-cache.js';
import { WARM_UP_TASKS } from '../../scripts/build/warm-up-runs.js';
import { commandEnv, makeTempDir, removeTempDir, runCommand } from '../support/run-command.js';

const ROLLBACK_ENV = { DRY_RUN: 'true', SERVICE: 'payment-api', NAMESPACE: 'prod', DEPLOYMENT_ID: 'dep-cache-1', VERSION: 'v2.0.0', PREVIOUS_VERSION: 'v1.9.0' };

const kestraLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::{'));

describe('the code cache in the bundled tasks', () => {
  let cached = '';
  let plain = '';
  const dirs: string[] = [];

  /** `file` copied alone into a fresh directory and run there with plain node, reporting on its cache. */
  async function runAlone(file: string, env: Record<string, string>) {
    const dir = await makeTempDir('code-cache-run');
    dirs.push(dir);
    await copyFile(file, join(dir, 'task.cjs'));
    return runCommand(process.execPath, ['task.cjs'], {
      cwd: dir,
      env: commandEnv(join(dir, 'training'), { ...env, WATCHDOG_CODE_CACHE_REPORT: '1', LOG_LEVEL: 'warn' }),
    });
  }

  beforeAll(async () => {
    cached = await makeTempDir('code-cache-on');
    plain = await makeTempDir('code-cache-off');
    await buildTasks(cached, { codeCache: true });
    await buildTasks(plain, { codeCache: false });
  });
  afterAll(async () => {
    await removeTempDir(cached);
    await removeTempDir(plain);
    for (const d of dirs) await removeTempDir(d);
  });

  it('every task has a warm-up run, and carries exactly the code esbuild wrote', async () => {
    for (const task of WARM_UP_TASKS) {
      const { source, cache } = splitBundle(await readFile(join(cached, `${task}.cjs`), 'latin1'));
      const esbuildOutput = await readFile(join(plain, `${task}.cjs`), 'latin1');
      expect(source, task).toBe(`${WRAP_HEAD}${esbuildOutput}${WRAP_TAIL}`);
      expect(cache.length, `${task}: cache bytes`).toBeGreaterThan(10_000);
    }
  });

  it('this node accepts the cache, and the task runs from a directory of its own', async () => {
    const r = await runAlone(join(cached, 'rollback.cjs'), ROLLBACK_ENV);
    expect(r.stderr.trim()).toBe('code cache: accepted');
    expect(r.code).toBe(0);
    const outputs = JSON.parse(kestraLines(r.stdout)[0]!.slice(2, -2)).outputs;
    expect(outputs.rollback_status).toBe('dry-run');
    expect(outputs.commands).toContain('rollout undo deployment/payment-api');
  });

  it('a cache V8 rejects costs only time: the same outputs, and "rejected" on request', async () => {
    // another task's cache: valid data, made for other code (as after a node upgrade)
    const own = splitBundle(await readFile(join(cached, 'rollback.cjs'), 'latin1'));
    const other = splitBundle(await readFile(join(cached, 'record-sample.cjs'), 'latin1'));
    const swapped = join(cached, 'rollback-other-cache.cjs');
    await writeFile(swapped, assembleBundle(own.source, other.cache), 'latin1');
    const [good, rejected, none] = await Promise.all([
      runAlone(join(cached, 'rollback.cjs'), ROLLBACK_ENV),
      runAlone(swapped, ROLLBACK_ENV),
      runAlone(join(plain, 'rollback.cjs'), ROLLBACK_ENV),
    ]);
    expect(rejected.stderr.trim()).toBe('code cache: rejected');
    expect(rejected.code).toBe(0);
    expect(kestraLines(rejected.stdout)).toEqual(kestraLines(good.stdout));
    expect(kestraLines(none.stdout)).toEqual(kestraLines(good.stdout));
  });

  it('code holding "*/" survives the comment it travels in', async () => {
    const dir = await makeTempDir('code-cache-comment');
    dirs.push(dir);
    const wrapped = wrapBundle('t.cjs', 'process.stdout.write("a */ b /* c */" + /\\*\\//.source + "\\n");');
    const file = join(dir, 't.cjs');
    await writeFile(file, assembleBundle(wrapped, Buffer.from('not a V8 cache')), 'latin1');
    expect(splitBundle(await readFile(file, 'latin1')).source).toBe(wrapped);
    const r = await runCommand(process.execPath, [file], { cwd: dir, env: commandEnv(dir, { WATCHDOG_CODE_CACHE_REPORT: '1' }) });
    expect(r.stdout).toBe('a */ b /* c */\\*\\/\n');
    expect(r.stderr).toBe('code cache: rejected\n');
  });

  it('refuses code the comment cannot carry', () => {
    expect(() => wrapBundle('x.cjs', 'const s = "é";')).toThrow(/x\.cjs: the bundle is not ASCII/);
    expect(() => wrapBundle('x.cjs', 'const s = "\u0001";')).toThrow(/x\.cjs: the bundle contains U\+0001/);
  });

  it('a warm-up run that ends otherwise than expected fails the build with its reason', async () => {
    const dir = await makeTempDir('code-cache-broken');
    dirs.push(dir);
    const file = join(dir, 'broken.cjs');
    await writeFile(file, 'process.stderr.write("broken failed: SCENARIO_FILE is not set\\n"); process.exit(3);\n');
    expect(() => embedCodeCache(file, { env: { PATH: '' }, cwd: dir, status: 0 })).toThrow(CodeCacheError);
    expect(() => embedCodeCache(file, { env: { PATH: '' }, cwd: dir, status: 0 })).toThrow(
      'broken.cjs: the warm-up run exited 3, expected 0: broken failed: SCENARIO_FILE is not set',
    );
    // the file is left as esbuild wrote it
    expect(await readFile(file, 'utf8')).toContain('process.exit(3)');
  });
});
