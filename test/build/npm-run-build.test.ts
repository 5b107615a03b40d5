// `npm run build` the way the README gives it: from the repository root (here a copy
// of it, so the real dist/ is left alone), into the default dist/tasks, or into a
// relative `--outdir`. The other build tests hand buildTasks an absolute temp dir.
import { readFileSync } from 'node:fs';
import { copyFile, cp, readdir, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAZY_LIBRARIES } from '../../scripts/build.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand, type CommandResult } from '../support/run-command.js';

const USAGE = 'usage: npm run build -- [--outdir DIR]';

/** What `npm run build` needs of the repository; node_modules is linked, not copied. */
const COPIED = ['package.json', 'tsconfig.json', 'scripts', 'src', 'tasks', 'mock-data'];

const builtLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('built '))
    .map((l) => l.slice('built '.length))
    .sort();

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('npm run build from the repository root', () => {
  let repo: string | undefined;
  let runDir: string | undefined;
  let tasks: string[] = [];
  let byDefault: CommandResult;
  let relative: CommandResult;

  const npmRunBuild = (args: string[]) =>
    runCommand('npm', ['run', 'build', ...(args.length > 0 ? ['--', ...args] : [])], {
      cwd: repo!,
      env: commandEnv(join(repo!, 'training-data')),
      timeoutMs: 120_000,
    });
  /** the bundles `dir` (under the copy) should hold, as the absolute paths the build prints */
  const expected = (dir: string) =>
    [...tasks.map((t) => join(repo!, dir, `${t}.cjs`)), ...Object.values(LAZY_LIBRARIES).map((f) => join(repo!, dir, 'lib', f))].sort();

  beforeAll(async () => {
    repo = await makeTempDir('npm-run-build');
    for (const entry of COPIED) await cp(join(REPO_ROOT, entry), join(repo, entry), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
    tasks = (await readdir(join(repo, 'tasks'))).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    [byDefault, relative] = await Promise.all([npmRunBuild([]), npmRunBuild(['--outdir', 'out/relative'])]);
  }, 180_000);
  afterAll(async () => {
    await removeTempDir(repo);
    await removeTempDir(runDir);
  });

  it('no arguments: exit 0, every task built into dist/tasks as plain esbuild output', async () => {
    expect(byDefault.stderr).toBe('');
    expect(byDefault.code).toBe(0);
    expect(builtLines(byDefault.stdout)).toEqual(expected('dist/tasks'));
    for (const file of expected('dist/tasks')) {
      const code = readFileSync(file, 'utf8');
      // esbuild's own CommonJS output (a task is an ES module turned CommonJS; a library
      // is a package's own CommonJS)
      if (!file.includes('/lib/')) expect(code.startsWith('"use strict";'), file).toBe(true);
      if (file.endsWith('/run.cjs')) {
        // the launcher keeps the code cache at run time: a few lines, with no code or cache of a task in it
        expect(code.length, file).toBeLessThan(4000);
        continue;
      }
      // a bundle: no loader, no code cache in a comment, no vm.Script
      expect(code, file).not.toMatch(/cachedData|new \w+\.Script\(/);
    }
  });

  const rollbackAlone = async (bundle: string, env: Record<string, string>) => {
    runDir = runDir ?? (await makeTempDir('npm-run-build-run'));
    await copyFile(bundle, join(runDir, 'rollback.cjs'));
    return runCommand(process.execPath, ['rollback.cjs'], {
      cwd: runDir,
      env: commandEnv(join(runDir, 'training'), {
        SERVICE: 'payment-api',
        NAMESPACE: 'prod',
        DEPLOYMENT_ID: 'dep-npm-run-build',
        VERSION: 'v2.0.0',
        PREVIOUS_VERSION: 'v1.9.0',
        LOG_LEVEL: 'warn',
        ...env,
      }),
    });
  };

  it('a bundle from it runs alone with plain node (dry run)', async () => {
    const r = await rollbackAlone(join(repo!, 'dist/tasks/rollback.cjs'), { DRY_RUN: 'true' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"rollback_status":"dry-run"');
  });

  it('its lazily imported paths load: a real rollback reaches kubectl (here: a kubectl that is not there)', async () => {
    const r = await rollbackAlone(join(repo!, 'dist/tasks/rollback.cjs'), { DRY_RUN: 'false', PATH: '/nonexistent', KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('dynamic import callback');
    expect(r.stderr).toMatch(/kubectl/);
  });

  it('--outdir with a relative DIR: built under the working directory', () => {
    expect(relative.stderr).toBe('');
    expect(relative.code).toBe(0);
    expect(builtLines(relative.stdout)).toEqual(expected('out/relative'));
  });

  it('--code-cache is gone: exit 1 with the usage line', async () => {
    const r = await npmRunBuild(['--outdir', 'out/never-cached', '--code-cache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(USAGE);
    expect(await exists(join(repo!, 'out/never-cached'))).toBe(false);
  });

  it('an unknown option: exit 1 with the usage line, nothing built', async () => {
    const r = await npmRunBuild(['--outdir', 'out/never', '--no-such-option']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(USAGE);
    expect(r.stderr).toContain("build failed: Unknown option '--no-such-option'");
    expect(builtLines(r.stdout)).toEqual([]);
    expect(await exists(join(repo!, 'out/never'))).toBe(false);
  });
});
