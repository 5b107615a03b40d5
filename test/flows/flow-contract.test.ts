// The flows' contract with the task scripts (Kestra's own validator and the engine
// tests in test/engine/ check the flows themselves): every flow file is a flow in the
// watchdog namespace, runs scripts that exist, and every `outputs.<task>.vars.<key>`
// it reads is a key that script really emits — found by building the bundles and
// running them as Kestra would (plain node, mock data, dry runs), reading the
// `::{"outputs":…}::` lines @kestra-io/libs prints.
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks, LAZY_LIBRARIES, mayOpenTls, requiredLibraries } from '../../scripts/build.js';
import { blankedCaWithTls, danglingReferences, missingLibraries, parseFlow, WATCHDOG_NAMESPACE, type FlowFile } from '../../src/kestra/flow-model.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand } from '../support/run-command.js';

const FLOWS_DIR = join(REPO_ROOT, 'flows');

/** The Kestra task and trigger types the flows may use (a typo here fails the test, not a deploy). */
const KNOWN_TYPES = new Set([
  'io.kestra.plugin.scripts.node.Commands',
  'io.kestra.plugin.core.execution.Labels',
  'io.kestra.plugin.core.flow.If',
  'io.kestra.plugin.core.flow.Switch',
  'io.kestra.plugin.core.flow.Pause',
  'io.kestra.plugin.core.log.Log',
  'io.kestra.plugin.core.execution.Fail',
  // Slack and other notifications go through core's HTTP task: no plugin the official image may lack.
  'io.kestra.plugin.core.http.Request',
]);

async function loadFlows(): Promise<FlowFile[]> {
  const files = (await readdir(FLOWS_DIR)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return Promise.all(files.map(async (f) => parseFlow(f.replace(/\.ya?ml$/, ''), await readFile(join(FLOWS_DIR, f), 'utf8'))));
}

function emittedKeys(stdout: string): Set<string> {
  const keys = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('::{') || !line.endsWith('}::')) continue;
    const parsed = JSON.parse(line.slice(2, -2)) as { outputs?: Record<string, unknown> };
    for (const key of Object.keys(parsed.outputs ?? {})) keys.add(key);
  }
  return keys;
}

describe('flows/*.yml against the task scripts', () => {
  let flows: FlowFile[] = [];
  let work = '';
  const emitted = new Map<string, Set<string>>();

  beforeAll(async () => {
    flows = await loadFlows();
    work = await makeTempDir('flow-contract');
    await buildTasks(join(work, 'dist/tasks'));
    const deployment = {
      DEPLOYMENT_ID: 'deploy-contract-1',
      SERVICE: 'payment-service',
      NAMESPACE: 'default',
      VERSION: 'v2.0.0',
      PREVIOUS_VERSION: 'v1.9.0',
      DRY_RUN: 'true',
      LOG_LEVEL: 'warn',
    };
    // Run the scripts in the order the devops-loop flow runs them, each in the same
    // working directory (the files they hand on are the flow's inputFiles/outputFiles).
    const run = async (script: string, env: Record<string, string>, mayFail = false) => {
      const bundle = join(work, `${script}.cjs`);
      await copyFile(join(work, 'dist/tasks', `${script}.cjs`), bundle);
      const r = await runCommand(process.execPath, [bundle], { cwd: work, env: commandEnv(join(work, 'training'), env), timeoutMs: 20_000 });
      if (!mayFail && r.code !== 0) throw new Error(`${script} exited ${r.code}: ${r.stderr}`);
      emitted.set(script, emittedKeys(r.stdout));
    };
    await run('collect-metrics', { ...deployment, SOURCE: 'mock', SCENARIO: 'memory-leak-payment', MOCK_DATA_DIR: join(REPO_ROOT, 'mock-data/scenarios'), OUTPUT_FILE: 'scenario.json' });
    await run('decide', { ...deployment, SCENARIO_FILE: 'scenario.json', DECISION_FILE: 'decision.json' });
    await run('record-sample', { ...deployment, DECISION_FILE: 'decision.json' });
    await run('rollback', deployment);
    await run('open-fix-pr', { ...deployment, DECISION_FILE: 'decision.json' });
    // Nothing listens on port 9: the probes fail fast, the task still reports its outputs.
    await run('health-check', { KESTRA_URL: 'http://127.0.0.1:9', PROMETHEUS_URL: 'http://127.0.0.1:9', PROMETHEUS_TIMEOUT_MS: '1000' }, true);
  }, 120_000);

  afterAll(async () => {
    if (work) await removeTempDir(work);
  });

  it('every flow has id = file name, the watchdog namespace, a description and only known task types', () => {
    expect(flows.map((f) => f.name)).toEqual(expect.arrayContaining(['devops-loop', 'watchdog-health']));
    for (const flow of flows) {
      expect(flow.id, flow.name).toBe(flow.name);
      expect(flow.namespace, flow.name).toBe(WATCHDOG_NAMESPACE);
      expect(typeof flow.doc.description, flow.name).toBe('string');
      for (const task of flow.tasks) expect(KNOWN_TYPES.has(task.type), `${flow.name}: task ${task.id} has type ${task.type}`).toBe(true);
      const ids = flow.tasks.map((t) => t.id);
      expect(new Set(ids).size, `${flow.name}: duplicate task ids in ${ids.join(', ')}`).toBe(ids.length);
    }
  });

  it('no id or key is a word YAML 1.1 reads as a boolean or null (Kestra parses YAML 1.1; its validator says nothing)', () => {
    // e.g. an unquoted `id: yes` becomes the task `true` on Kestra, while a YAML 1.2 parser keeps "yes"
    const yaml11Scalars = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
    for (const flow of flows) {
      for (const [n, line] of flow.source.split('\n').entries()) {
        const m = /^\s*(?:- )?(id|key|type|value|namespace)\s*:\s*([^'"{\s][^#]*?)\s*$/.exec(line);
        if (m) expect(yaml11Scalars.test(m[2]!), `${flow.name}.yml line ${n + 1}: ${line.trim()}`).toBe(false);
      }
    }
    expect(yaml11Scalars.test('yes')).toBe(true);
  });

  it('every script a flow runs is a task entry that the build bundles', () => {
    for (const flow of flows) {
      for (const task of flow.tasks.filter((t) => t.type === 'io.kestra.plugin.scripts.node.Commands')) {
        expect(task.scripts.length, `${flow.name}: ${task.id} runs no dist/tasks/*.cjs`).toBeGreaterThan(0);
        for (const script of task.scripts) {
          expect(existsSync(join(REPO_ROOT, 'tasks', `${script}.ts`)), `${flow.name}: ${task.id} runs ${script}`).toBe(true);
          expect(existsSync(join(work, 'dist/tasks', `${script}.cjs`)), `${script}.cjs built`).toBe(true);
        }
      }
    }
  });

  it('every outputs.<task>.vars.<key> a flow reads is emitted by that task\'s script, and every output file is listed', () => {
    expect([...(emitted.get('decide') ?? [])]).toEqual(expect.arrayContaining(['decision', 'confidence', 'decided_by']));
    const problems = flows.flatMap((flow) => danglingReferences(flow, (script) => emitted.get(script)));
    expect(problems).toEqual([]);
  });

  it('detects a dangling reference (the check can fail)', () => {
    const flow = flows.find((f) => f.name === 'devops-loop')!;
    const broken = parseFlow('broken', flow.source.replace('outputs.decide.vars.decision }}', 'outputs.decide.vars.verdict }}'));
    const problems = danglingReferences(broken, (script) => emitted.get(script));
    expect(problems.join('\n')).toContain('never emits `verdict`');
    const missingFile = parseFlow('broken', flow.source.replace("outputs.decide.outputFiles['decision.json'] }}", "outputs.decide.outputFiles['verdicts.json'] }}"));
    expect(danglingReferences(missingFile, (s) => emitted.get(s)).join('\n')).toContain('does not list verdicts.json');
  });

  it('every lazy library a bundle loads on some path (axios, openai, Octokit) is in its task\'s namespaceFiles', async () => {
    const required = new Map<string, string[]>();
    for (const script of new Set(flows.flatMap((f) => f.tasks.flatMap((t) => t.scripts)))) {
      required.set(script, requiredLibraries(await readFile(join(work, 'dist/tasks', `${script}.cjs`), 'utf8')));
    }
    // the split happened: each library is required by some task and built once
    expect(new Set([...required.values()].flat())).toEqual(new Set(Object.values(LAZY_LIBRARIES).map((f) => `lib/${f}`)));
    for (const lib of required.values()) for (const f of lib) expect(existsSync(join(work, 'dist/tasks', f)), f).toBe(true);
    expect(required.get('decide')).toEqual(['lib/openai.cjs']);
    expect(flows.flatMap((f) => missingLibraries(f, (s) => required.get(s) ?? []))).toEqual([]);
    // and the check can fail
    const flow = flows.find((f) => f.name === 'devops-loop')!;
    const broken = parseFlow('broken', flow.source.replace(/\n\s*- dist\/tasks\/lib\/openai\.cjs/, ''));
    expect(missingLibraries(broken, (s) => required.get(s) ?? [])).toEqual([
      'broken: task `decide` runs dist/tasks/decide.cjs, which loads dist/tasks/lib/openai.cjs on some paths: add it to the task\'s namespaceFiles include',
    ]);
  });

  it('every node task runs its bundle through dist/tasks/run.cjs (the code cache) and includes it', () => {
    for (const flow of flows) {
      for (const task of flow.tasks.filter((t) => t.scripts.length > 0)) expect(task.launcher, `${flow.name}: ${task.id}`).toBe(true);
    }
    const flow = flows.find((f) => f.name === 'devops-loop')!;
    expect(flow.tasks.find((t) => t.id === 'decide')!.scripts).toEqual(['decide']);
    const broken = parseFlow('broken', flow.source.replace(/(\n\s*- dist\/tasks\/decide\.cjs)\n\s*- dist\/tasks\/run\.cjs/, '$1'));
    expect(missingLibraries(broken, () => [])).toEqual([
      'broken: task `decide` runs its bundle through dist/tasks/run.cjs: add dist/tasks/run.cjs to the task\'s namespaceFiles include',
    ]);
  });

  it('only tasks whose bundles open no TLS connection run without NODE_EXTRA_CA_CERTS', async () => {
    const tls = new Map<string, boolean>();
    for (const script of new Set(flows.flatMap((f) => f.tasks.flatMap((t) => t.scripts)))) {
      tls.set(script, mayOpenTls(await readFile(join(work, 'dist/tasks', `${script}.cjs`), 'utf8')));
    }
    // the HTTP clients' tasks may; the sample and the rollback (kubectl) may not
    expect(Object.fromEntries(tls)).toMatchObject({ 'collect-metrics': true, 'collect-logs': true, decide: true, 'open-fix-pr': true, 'record-sample': false, rollback: false });
    const flow = flows.find((f) => f.name === 'devops-loop')!;
    const blanked = flow.tasks.filter((t) => (t.spec.env as Record<string, unknown> | undefined)?.NODE_EXTRA_CA_CERTS === '').map((t) => t.id);
    expect(blanked.sort()).toEqual(['record_sample', 'rollback']);
    expect(flows.flatMap((f) => blankedCaWithTls(f, (s) => tls.get(s) ?? true))).toEqual([]);
    // and the check can fail
    const broken = parseFlow('broken', flow.source.replace('      DECISION_FILE: decision.json\n      TOGETHER_API_KEY', '      NODE_EXTRA_CA_CERTS: ""\n      DECISION_FILE: decision.json\n      TOGETHER_API_KEY'));
    expect(blankedCaWithTls(broken, (s) => tls.get(s) ?? true)).toEqual([
      'broken: task `decide` blanks NODE_EXTRA_CA_CERTS but dist/tasks/decide.cjs may open TLS connections: remove the blank so a private CA is trusted',
    ]);
  });

  it('devops-loop: typed, described inputs; a webhook keyed by a secret; ROLLBACK → rollback → fix PR; record-sample always', () => {
    const flow = flows.find((f) => f.name === 'devops-loop')!;
    const inputs = flow.doc.inputs as Array<Record<string, unknown>>;
    expect(inputs.map((i) => i.id)).toEqual(
      expect.arrayContaining(['deployment_id', 'service', 'namespace', 'version', 'previous_version', 'deployed_at', 'scenario']),
    );
    for (const input of inputs) {
      expect(typeof input.type, `input ${String(input.id)}`).toBe('string');
      expect(String(input.description ?? '').length, `input ${String(input.id)} description`).toBeGreaterThan(10);
    }
    const triggers = flow.doc.triggers as Array<Record<string, unknown>>;
    expect(triggers.find((t) => t.type === 'io.kestra.plugin.core.trigger.Webhook')?.key).toMatch(/secret\('WEBHOOK_KEY'\)/);
    const act = flow.tasks.find((t) => t.type === 'io.kestra.plugin.core.flow.Switch')!;
    expect(act.spec.value).toContain('outputs.decide.vars.decision');
    const rollbackBranch = (act.spec.cases as Record<string, Array<{ id: string }>>).ROLLBACK!.map((t) => t.id);
    expect(rollbackBranch.indexOf('rollback')).toBeLessThan(rollbackBranch.indexOf('open_fix_pr'));
    const top = (flow.doc.tasks as Array<{ id: string }>).map((t) => t.id);
    expect(top.indexOf('record_sample')).toBeGreaterThan(top.indexOf('decide'));
    expect(top.indexOf('record_sample')).toBeLessThan(top.indexOf('act'));
    // A second `rollout undo` would undo the first: the rollback task must not be retried.
    expect(flow.tasks.find((t) => t.id === 'rollback')!.spec.retry).toBeUndefined();
    expect(flow.doc.errors).toBeDefined();
    const outputs = (flow.doc.outputs as Array<{ id: string }>).map((o) => o.id);
    expect(outputs).toEqual(
      expect.arrayContaining(['decision', 'confidence', 'decided_by', 'health_score', 'summary', 'reasoning', 'rollback_status', 'pr_url']),
    );
  });

  it('parseFlow names the file and what is wrong', () => {
    expect(() => parseFlow('x', 'id: [')).toThrow(/x: not valid YAML/);
    expect(() => parseFlow('x', 'id: a\nnamespace: b\n')).toThrow('x: the flow has no `tasks`');
  });
});
