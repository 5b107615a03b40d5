// dist/tasks/run.cjs (tasks/run.ts, src/task-io/code-cache.ts): the launcher the flows
// run every task bundle through. A bundle run through it behaves exactly as run with
// plain node (outputs, logs, exit codes, stderr, its lazily loaded libraries), and V8's
// code cache is made by the first run, used by the next, made again when unusable, and
// kept only where nobody else can write.
import { chmod, copyFile, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../scripts/build.js';
import { cacheDirectory, cacheFileName } from '../../src/task-io/code-cache.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand, type CommandResult } from '../support/run-command.js';

const MOCK = join(REPO_ROOT, 'mock-data', 'scenarios');
const DEPLOYMENT = { DEPLOYMENT_ID: 'run-cached-1', SERVICE: 'payment-service', NAMESPACE: 'prod', VERSION: 'v2.4.1', PREVIOUS_VERSION: 'v2.4.0', DRY_RUN: 'true' };

/** stdout without the timestamps of the pino lines, which differ from run to run. */
const stable = (stdout: string) => stdout.replace(/"time":"[^"]*"/g, '"time":"T"');

describe('node dist/tasks/run.cjs dist/tasks/<task>.cjs', () => {
  let dir = '';
  let scenario = '';
  const made: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('run-cached');
    await buildTasks(join(dir, 'dist/tasks'));
    scenario = join(dir, 'scenario.json');
    await copyFile(join(MOCK, 'memory-leak-payment.json'), scenario);
    // the decision record the sample and fix-PR tasks read
    const decided = await runCommand(process.execPath, ['dist/tasks/decide.cjs'], {
      cwd: dir,
      env: commandEnv(join(dir, 'training'), { ...DEPLOYMENT, SCENARIO_FILE: 'scenario.json', DECISION_FILE: 'decision.json', WATCHDOG_CODE_CACHE_DIR: 'off' }),
    });
    expect(decided.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await removeTempDir(dir);
    for (const d of made) await removeTempDir(d);
  });

  const newCacheDir = async () => {
    const d = await makeTempDir('code-cache');
    made.push(d);
    return join(d, 'cache');
  };
  /** `task` run plainly (`node dist/tasks/<task>.cjs`) or through the launcher, with `cache` as its cache directory. */
  const run = (how: 'plain' | 'launcher', task: string, cache: string, env: Record<string, string | undefined> = {}): Promise<CommandResult> =>
    runCommand(process.execPath, how === 'plain' ? [`dist/tasks/${task}.cjs`] : ['dist/tasks/run.cjs', `dist/tasks/${task}.cjs`], {
      cwd: dir,
      env: commandEnv(join(dir, 'training'), { ...DEPLOYMENT, LOG_LEVEL: 'info', WATCHDOG_CODE_CACHE_DIR: cache, ...env }),
    });
  const decideEnv = { SCENARIO_FILE: 'scenario.json', DECISION_FILE: 'decision.json' };

  it('decide: the same outputs, logs and exit code as plain node; the first run leaves one cache file, private to its user', async () => {
    const cache = await newCacheDir();
    const plain = await run('plain', 'decide', cache, decideEnv);
    expect(await readdir(cache).catch(() => [])).toEqual([]); // plain node knows nothing of the cache
    const launched = await run('launcher', 'decide', cache, decideEnv);
    expect(plain.code).toBe(0);
    expect(launched.code).toBe(0);
    expect(stable(launched.stdout)).toBe(stable(plain.stdout));
    expect(launched.stdout).toContain('::{"outputs":{"decision":"ROLLBACK"');
    expect(launched.stderr).toBe('');
    const source = await readFile(join(dir, 'dist/tasks/decide.cjs'), 'utf8');
    expect(await readdir(cache)).toEqual([cacheFileName(join(dir, 'dist/tasks/decide.cjs'), source, process.version, process.arch)]);
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    expect((await stat(join(cache, (await readdir(cache))[0]!))).mode & 0o777).toBe(0o600);
  });

  it('a later run uses the cache as it is (not made again), with the same result', async () => {
    const cache = await newCacheDir();
    const first = await run('launcher', 'decide', cache, decideEnv);
    const [file] = await readdir(cache);
    const made = await readFile(join(cache, file!));
    const before = (await stat(join(cache, file!))).mtimeMs;
    const second = await run('launcher', 'decide', cache, decideEnv);
    expect(second.code).toBe(0);
    expect(stable(second.stdout)).toBe(stable(first.stdout));
    expect(await readdir(cache)).toEqual([file]);
    expect((await stat(join(cache, file!))).mtimeMs).toBe(before);
    expect(await readFile(join(cache, file!))).toEqual(made);
  });

  it('a cache V8 cannot use (damaged) costs nothing but the compile, and is made again', async () => {
    const cache = await newCacheDir();
    await run('launcher', 'record-sample', cache, { DECISION_FILE: 'decision.json', DEPLOYMENT_ID: 'run-cached-damaged' });
    const [file] = await readdir(cache);
    const good = await readFile(join(cache, file!));
    await writeFile(join(cache, file!), Buffer.from('not a V8 code cache'));
    const r = await run('launcher', 'record-sample', cache, { DECISION_FILE: 'decision.json', DEPLOYMENT_ID: 'run-cached-damaged' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::{"outputs":{"sample_status":"duplicate"');
    const remade = await readFile(join(cache, file!));
    expect(remade.length).toBeGreaterThan(good.length / 2);
    // and V8 takes the new one: the next run leaves it as it is
    const at = (await stat(join(cache, file!))).mtimeMs;
    expect((await run('launcher', 'record-sample', cache, { DECISION_FILE: 'decision.json', DEPLOYMENT_ID: 'run-cached-damaged' })).code).toBe(0);
    expect((await stat(join(cache, file!))).mtimeMs).toBe(at);
  });

  it('failures come out as with plain node: exit 1 with the one-line reason, exit 2 for invalid configuration', async () => {
    const cache = await newCacheDir();
    const missing = { SCENARIO_FILE: undefined };
    const [plain1, launched1] = [await run('plain', 'decide', cache, missing), await run('launcher', 'decide', cache, missing)];
    expect(plain1.code).toBe(1);
    expect(launched1.code).toBe(1);
    expect(launched1.stderr).toBe(plain1.stderr);
    expect(launched1.stderr).toContain('SCENARIO_FILE is not set');
    const invalid = { ...decideEnv, JUDGE_ALPHA: 'lots' };
    const [plain2, launched2] = [await run('plain', 'decide', cache, invalid), await run('launcher', 'decide', cache, invalid)];
    expect(plain2.code).toBe(2);
    expect(launched2.code).toBe(2);
    expect(launched2.stderr).toBe(plain2.stderr);
  });

  it('a library the bundle loads lazily resolves beside the bundle (collect-metrics from Prometheus loads lib/axios.cjs)', async () => {
    const cache = await newCacheDir();
    // nothing listens on port 9: the request fails, after axios was loaded
    const env = { SOURCE: 'prometheus', PROMETHEUS_URL: 'http://127.0.0.1:9', PROMETHEUS_TIMEOUT_MS: '1000', OUTPUT_FILE: 'prom.json' };
    const plain = await run('plain', 'collect-metrics', cache, env);
    const launched = await run('launcher', 'collect-metrics', cache, env);
    expect(launched.code).toBe(plain.code);
    expect(launched.code).not.toBe(0);
    expect(launched.stderr).not.toContain('Cannot find module');
    expect(launched.stderr).toBe(plain.stderr);
  });

  it('a missing bundle or none named: a clear message and a non-zero exit', async () => {
    const cache = await newCacheDir();
    const none = await runCommand(process.execPath, ['dist/tasks/run.cjs'], { cwd: dir, env: commandEnv(join(dir, 'training'), { WATCHDOG_CODE_CACHE_DIR: cache }) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: node dist/tasks/run.cjs dist/tasks/<task>.cjs');
    const missing = await runCommand(process.execPath, ['dist/tasks/run.cjs', 'dist/tasks/nope.cjs'], { cwd: dir, env: commandEnv(join(dir, 'training'), { WATCHDOG_CODE_CACHE_DIR: cache }) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read dist/tasks/nope.cjs");
    expect(missing.stderr).toContain('namespaceFiles');
  });

  it('a new build of a bundle gets its own cache and the old one goes', async () => {
    const cache = await newCacheDir();
    const other = await makeTempDir('run-cached-rebuild');
    made.push(other);
    await mkdir(join(other, 'dist/tasks'), { recursive: true });
    await copyFile(join(dir, 'dist/tasks/run.cjs'), join(other, 'dist/tasks/run.cjs'));
    const bundle = join(other, 'dist/tasks/rollback.cjs');
    await copyFile(join(dir, 'dist/tasks/rollback.cjs'), bundle);
    const launch = () =>
      runCommand(process.execPath, ['dist/tasks/run.cjs', 'dist/tasks/rollback.cjs'], { cwd: other, env: commandEnv(join(other, 'training'), { ...DEPLOYMENT, WATCHDOG_CODE_CACHE_DIR: cache }) });
    expect((await launch()).code).toBe(0);
    const [old] = await readdir(cache);
    await writeFile(bundle, `${await readFile(bundle, 'utf8')}\n// rebuilt\n`);
    expect((await launch()).code).toBe(0);
    const now = await readdir(cache);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
    expect(now[0]).toMatch(/^rollback-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8cache$/);
  });

  it("bundles whose names share a prefix keep their own caches (collect-metrics, collect-logs)", async () => {
    const cache = await newCacheDir();
    await run('launcher', 'collect-metrics', cache, { SOURCE: 'mock', SCENARIO: 'memory-leak-payment', MOCK_DATA_DIR: MOCK, OUTPUT_FILE: 'mock.json' });
    await run('launcher', 'collect-logs', cache, { SCENARIO_FILE: 'mock.json', LOKI_URL: 'http://127.0.0.1:9' });
    expect((await readdir(cache)).map((f) => f.replace(/-[0-9a-f]{16}-.*$/, '')).sort()).toEqual(['collect-logs', 'collect-metrics']);
  });

  it('no cache where another user could write, nor when turned off; the task runs all the same', async () => {
    const shared = await newCacheDir();
    await mkdir(shared, { recursive: true });
    await chmod(shared, 0o777);
    const r = await run('launcher', 'rollback', shared);
    expect(r.code).toBe(0);
    expect(await readdir(shared)).toEqual([]);
    const off = await run('launcher', 'rollback', 'off');
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('::{"outputs":{"rollback_status":"dry-run"');
  });
});

describe('cacheDirectory', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeTempDir(d);
  });
  const uid = process.getuid!();

  it('makes the directory private to the user, or refuses one that is not', async () => {
    const base = await makeTempDir('cache-dir');
    dirs.push(base);
    const mine = join(base, 'mine');
    expect(cacheDirectory({ WATCHDOG_CODE_CACHE_DIR: mine }, uid)).toBe(mine);
    expect((await stat(mine)).mode & 0o777).toBe(0o700);
    expect(cacheDirectory({ WATCHDOG_CODE_CACHE_DIR: mine }, uid + 1)).toBeUndefined(); // owned by someone else
    await chmod(mine, 0o770);
    expect(cacheDirectory({ WATCHDOG_CODE_CACHE_DIR: mine }, uid)).toBeUndefined(); // group-writable
    await chmod(mine, 0o700);
    await symlink(mine, join(base, 'link'));
    expect(cacheDirectory({ WATCHDOG_CODE_CACHE_DIR: join(base, 'link') }, uid)).toBeUndefined(); // a symlink is not trusted
    await writeFile(join(base, 'file'), 'x');
    expect(cacheDirectory({ WATCHDOG_CODE_CACHE_DIR: join(base, 'file') }, uid)).toBeUndefined();
    expect(cacheDirectory({ WATCHDOG_CODE_CACHE_DIR: 'off' }, uid)).toBeUndefined();
    expect(cacheDirectory({}, undefined)).toBeUndefined(); // no user ids (not POSIX)
    expect(cacheDirectory({}, uid)).toMatch(new RegExp(`deploy-watchdog-code-cache-${uid}$`));
  });

  it('names a cache by bundle, bytes, Node version and architecture', () => {
    const a = cacheFileName('/x/dist/tasks/decide.cjs', 'code', 'v20.20.2', 'x64');
    expect(a).toMatch(/^decide-[0-9a-f]{16}-v20\.20\.2-x64\.v8cache$/);
    expect(cacheFileName('/y/decide.cjs', 'code', 'v20.20.2', 'x64')).toBe(a); // where the bundle was copied to does not matter
    expect(cacheFileName('/x/dist/tasks/decide.cjs', 'code!', 'v20.20.2', 'x64')).not.toBe(a);
    expect(cacheFileName('/x/dist/tasks/decide.cjs', 'code', 'v22.1.0', 'x64')).not.toBe(a);
    expect(cacheFileName('/x/dist/tasks/decide.cjs', 'code', 'v20.20.2', 'arm64')).not.toBe(a);
  });
});
