// Kestra reads a task's stdout through a pipe, and Node writes to a pipe
// asynchronously on Linux. A task that calls process.exit right after Kestra.outputs()
// (rollback and health-check on failure) must still deliver its whole
// `::{"outputs":…}::` line: src/task-io/kestra.ts makes stdout block. Each bundle runs
// with stdout piped to a reader that starts reading only after a pause, so the pipe
// (64 KiB) is full while the task exits.
import { spawn } from 'node:child_process';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../scripts/build.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT } from '../support/run-command.js';

const BIG = 1_000_000;

/**
 * Runs `node file` in `cwd` with its stdout a pipe to a reader that starts only after
 * `delay` seconds (bash: `node file | { sleep; cat; }`); the exit code is node's.
 * `taskPath`: the PATH node runs with (the reader keeps the test's own).
 */
function runSlowReader(file: string, cwd: string, env: NodeJS.ProcessEnv, taskPath?: string, delay = 0.4): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const script = `env PATH="$2" "$0" "$1" | { sleep ${delay}; cat; }; exit \${PIPESTATUS[0]}`;
    const child = spawn('bash', ['-c', script, process.execPath, file, taskPath ?? env.PATH ?? ''], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const outputsLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::{"outputs"'));

describe('the ::{"outputs":…}:: line of a task that exits right after it, stdout piped', () => {
  let dir: string | undefined;
  let tasksDir: string | undefined;

  /** `source` (an entry in test/build, so imports resolve) bundled as the tasks are, into dir/name */
  async function bundle(name: string, source: string): Promise<string> {
    const entry = join(REPO_ROOT, 'test', 'build', `.pipe-${process.pid}-${name}.ts`);
    await writeFile(entry, source);
    try {
      await build({ entryPoints: [entry], outfile: join(dir!, name), bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, logLevel: 'silent' });
    } finally {
      await rm(entry, { force: true });
    }
    return name;
  }

  beforeAll(async () => {
    dir = await makeTempDir('stdout-pipe');
    tasksDir = await makeTempDir('stdout-pipe-tasks');
    await buildTasks(tasksDir);
  }, 60_000);
  afterAll(async () => {
    await removeTempDir(dir);
    await removeTempDir(tasksDir);
  });

  it('through src/task-io/kestra.ts: a 1 MB outputs line arrives whole before process.exit(1)', async () => {
    const file = await bundle(
      'big-exit.cjs',
      `import Kestra from '../../src/task-io/kestra.js';
       Kestra.outputs({ big: 'x'.repeat(${BIG}) });
       process.exit(1);`,
    );
    const r = await runSlowReader(file, dir!, commandEnv(join(dir!, 'training')));
    expect(r.code).toBe(1);
    const lines = outputsLines(r.stdout);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.slice(2, -2)).outputs.big).toHaveLength(BIG);
  }, 60_000);

  it('the control: @kestra-io/libs alone loses the line on this platform (why the module sets stdout blocking)', async () => {
    const file = await bundle(
      'big-exit-plain.cjs',
      `import Kestra from '@kestra-io/libs';
       Kestra.outputs({ big: 'x'.repeat(${BIG}) });
       process.exit(1);`,
    );
    const r = await runSlowReader(file, dir!, commandEnv(join(dir!, 'training')));
    expect(r.code).toBe(1);
    // Linux: only what the pipe took at once; elsewhere Node may block, and the line is whole
    if (process.platform === 'linux') expect(r.stdout.length).toBeLessThan(BIG);
  }, 60_000);

  it('rollback.cjs failing (no kubectl) exits 1 right after its outputs: the line arrives whole, with the error', async () => {
    await copyFile(join(tasksDir!, 'rollback.cjs'), join(dir!, 'rollback.cjs'));
    const r = await runSlowReader(
      'rollback.cjs',
      dir!,
      commandEnv(join(dir!, 'training'), {
        SERVICE: 'payment-api',
        NAMESPACE: 'prod',
        DEPLOYMENT_ID: 'dep-stdout-pipe',
        VERSION: 'v2.0.0',
        PREVIOUS_VERSION: 'v1.9.0',
        LOG_LEVEL: 'info',
        DRY_RUN: 'false',
        KUBECONFIG: '/nonexistent/kubeconfig',
      }),
      '/nonexistent',
    );
    expect(r.code).toBe(1);
    const lines = outputsLines(r.stdout);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.slice(2, -2)).outputs).toMatchObject({ rollback_status: 'failed' });
    expect(JSON.parse(lines[0]!.slice(2, -2)).outputs.error).toMatch(/kubectl/);
  }, 60_000);
});
