// The Kestra bundle: tasks/decide.ts built by scripts/build.ts into one
// self-contained decide.cjs, run alone with plain `node` (no node_modules
// anywhere above it), as Kestra runs it.
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../scripts/build.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand, type CommandResult } from '../support/run-command.js';

const MOCK = join(REPO_ROOT, 'mock-data', 'scenarios');

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Every `node_modules` in `dir` or any directory above it. */
async function nodeModulesAbove(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (await exists(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** The `::{...}::` lines Kestra reads from stdout, parsed. */
function kestraLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::{') && l.endsWith('}::'))
    .map((l) => JSON.parse(l.slice(2, -2)) as Record<string, any>);
}

describe('the decide.cjs bundle, run with plain node', () => {
  let outdir: string | undefined;
  let built: string[] = [];
  const runDirs: string[] = [];

  /** decide.cjs copied alone into a fresh dir (with the scenario when given), run there with `node`. */
  async function runBundle(
    scenario: string | undefined,
    extraEnv: Record<string, string> = {},
  ): Promise<{ dir: string; result: CommandResult }> {
    const dir = await makeTempDir('bundle-run');
    runDirs.push(dir);
    await copyFile(join(outdir!, 'decide.cjs'), join(dir, 'decide.cjs'));
    const env: Record<string, string | undefined> = { SCENARIO_FILE: undefined, ...extraEnv };
    if (scenario) {
      await copyFile(join(MOCK, `${scenario}.json`), join(dir, 'scenario.json'));
      env.SCENARIO_FILE = join(dir, 'scenario.json');
    }
    const result = await runCommand(process.execPath, ['decide.cjs'], { cwd: dir, env: commandEnv(join(dir, 'training'), env) });
    return { dir, result };
  }

  beforeAll(async () => {
    outdir = await makeTempDir('bundle-out');
    // buildTasks reads tasks/ relative to the working directory: the repository root under vitest
    expect(process.cwd()).toBe(REPO_ROOT);
    // what a build before the switch to CommonJS left, and a file that is no bundle
    await writeFile(join(outdir, 'decide.mjs'), 'stale');
    await writeFile(join(outdir, 'notes.mjs'), 'keep');
    built = await buildTasks(outdir);
  });
  afterAll(async () => {
    await removeTempDir(outdir);
    for (const d of runDirs) await removeTempDir(d);
  });

  it('buildTasks writes decide.cjs and returns its path', async () => {
    expect(built).toContain(join(outdir!, 'decide.cjs'));
    for (const file of built) expect(await exists(file)).toBe(true);
  });

  it("removes a task's stale <name>.mjs (kestra:deploy uploads every file there), and nothing else", async () => {
    expect(await exists(join(outdir!, 'decide.mjs'))).toBe(false);
    expect(await readFile(join(outdir!, 'notes.mjs'), 'utf8')).toBe('keep');
  });

  it('the run directory has no node_modules anywhere above it', async () => {
    const { dir } = await runBundle(undefined);
    expect(await nodeModulesAbove(dir)).toEqual([]);
  });

  it.each([
    ['memory-leak-payment', 'ROLLBACK'],
    ['healthy-hotfix', 'CONTINUE'],
  ])('%s: exit 0, Kestra outputs with decision %s, a `decisions` counter, decision.json with the full record', async (scenario, decision) => {
    const { dir, result } = await runBundle(scenario);
    expect(await nodeModulesAbove(dir)).toEqual([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const kestra = kestraLines(result.stdout);
    const outputs = kestra.filter((k) => 'outputs' in k);
    expect(outputs).toHaveLength(1);
    const out = outputs[0]!.outputs;
    expect(Object.keys(out).sort()).toEqual(
      ['confidence', 'decided_by', 'decision', 'decision_file', 'health_score', 'reasoning', 'summary'].sort(),
    );
    expect(out).toMatchObject({ decision, decided_by: 'judge', decision_file: 'decision.json' });
    expect(out.confidence).toBeGreaterThan(0);
    expect(typeof out.health_score).toBe('number');
    expect(out.summary.length).toBeGreaterThan(0);

    const counters = kestra.flatMap((k) => (Array.isArray(k.metrics) ? k.metrics : [])).filter((m) => m.name === 'decisions');
    expect(counters).toEqual([{ name: 'decisions', type: 'counter', value: 1, tags: { decision, decided_by: 'judge' } }]);
    // no LLM ran: no latency timer
    expect(kestra.flatMap((k) => (Array.isArray(k.metrics) ? k.metrics : [])).some((m) => m.name === 'llm_latency')).toBe(false);

    const record = JSON.parse(await readFile(join(dir, 'decision.json'), 'utf8'));
    expect(record).toMatchObject({
      decision,
      confidence: out.confidence,
      decided_by: 'judge',
      health_score: out.health_score,
      summary: out.summary,
      reasoning: out.reasoning,
      llm: { status: 'disabled' },
    });
    for (const key of ['suspected_cause', 'judge', 'llm', 'log_analysis', 'prompt_version']) expect(record).toHaveProperty(key);
    expect(record.judge.decision).toBe(decision);
    expect(Array.isArray(record.judge.verdicts)).toBe(true);
    expect(record.judge.verdicts.length).toBeGreaterThan(0);
  });

  it('DECISION_FILE chooses where the record goes', async () => {
    const ok = await runBundle('healthy-hotfix', { DECISION_FILE: 'custom-decision.json' });
    expect(ok.result.code).toBe(0);
    expect(await exists(join(ok.dir, 'decision.json'))).toBe(false);
    expect(JSON.parse(await readFile(join(ok.dir, 'custom-decision.json'), 'utf8')).decision).toBe('CONTINUE');
    expect(kestraLines(ok.result.stdout).find((k) => 'outputs' in k)!.outputs.decision_file).toBe('custom-decision.json');
  });

  it('SCENARIO_FILE unset: non-zero exit, a one-line reason on stderr, no Kestra outputs, no decision.json', async () => {
    const { dir, result } = await runBundle(undefined);
    expect(result.code).not.toBe(0);
    const stderr = result.stderr.trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain('SCENARIO_FILE');
    expect(kestraLines(result.stdout)).toEqual([]);
    expect(await exists(join(dir, 'decision.json'))).toBe(false);
  });
});
