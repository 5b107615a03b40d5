// The evaluate command end to end (`npm run --silent evaluate -- PATH...` runs
// `tsx scripts/evaluate.ts`): the contract in ../shared/scenario-format.md.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer, type RecordedRequest } from '../support/openai-compatible-server.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runTsx, type CommandResult } from '../support/run-command.js';
import { noisy } from '../support/series.js';

const SCRIPT = 'scripts/evaluate.ts';
const MOCK = join(REPO_ROOT, 'mock-data', 'scenarios');

const CASE_KEYS = ['confidence', 'decided_by', 'decision', 'id'];
const SUMMARY_KEYS = ['f1', 'false_rollback_rate', 'fn', 'fp', 'invalid', 'precision', 'recall', 'tn', 'total', 'tp'];

/** A small healthy scenario with no ground truth. */
function unlabelled(id: string, deploymentId: string) {
  return {
    id,
    deployment: { deployment_id: deploymentId, service: 'reporting-api', version: 'v0.9.1' },
    step_seconds: 60,
    metrics: {
      error_rate: { baseline: noisy(30, 0.5, 0.05, 1), canary: noisy(15, 0.5, 0.05, 2), unit: '%' },
      latency_p95_ms: { baseline: noisy(30, 200, 8, 3), canary: noisy(15, 200, 8, 4), unit: 'ms' },
    },
  };
}

interface EvaluateDocument {
  cases: Array<Record<string, unknown>>;
  summary: Record<string, number>;
}

/** stdout must be exactly one JSON document (JSON.parse rejects a second one or any stray text). */
function document(result: CommandResult): EvaluateDocument {
  return JSON.parse(result.stdout) as EvaluateDocument;
}

/**
 * The layout every test here uses, built fresh in a temp dir:
 *   root/a-regressions/memory-leak-payment.json   (copy, expected ROLLBACK)
 *   root/bad-json.json                            (not JSON)
 *   root/bad-schema.json                          (service "Payment_Service")
 *   root/nested/deeper/healthy-hotfix.json        (copy, expected CONTINUE)
 *   root/nested/unlabelled.json                   (written here, no `expected`)
 *   root/notes.txt, root/nested/scenario.json.bak (not *.json: ignored)
 */
async function buildTree(root: string): Promise<{ valid: string[]; badJson: string; badSchema: string }> {
  await mkdir(join(root, 'a-regressions'), { recursive: true });
  await mkdir(join(root, 'nested', 'deeper'), { recursive: true });
  const leak = join(root, 'a-regressions', 'memory-leak-payment.json');
  const hotfix = join(root, 'nested', 'deeper', 'healthy-hotfix.json');
  const small = join(root, 'nested', 'unlabelled.json');
  await copyFile(join(MOCK, 'memory-leak-payment.json'), leak);
  await copyFile(join(MOCK, 'healthy-hotfix.json'), hotfix);
  await writeFile(small, JSON.stringify(unlabelled('unlabelled-reporting', 'deploy-u1'), null, 2));
  const badJson = join(root, 'bad-json.json');
  await writeFile(badJson, '{ "id": "truncated", "deployment": {');
  const badSchema = join(root, 'bad-schema.json');
  const wrong = unlabelled('bad-schema', 'deploy-b1');
  wrong.deployment.service = 'Payment_Service';
  await writeFile(badSchema, JSON.stringify(wrong));
  await writeFile(join(root, 'notes.txt'), 'not a scenario');
  await writeFile(join(root, 'nested', 'scenario.json.bak'), 'not a scenario either');
  return { valid: [leak, hotfix, small], badJson, badSchema };
}

function expectCaseShape(c: Record<string, unknown>, withExpected: boolean): void {
  expect(Object.keys(c).sort()).toEqual(withExpected ? [...CASE_KEYS, 'expected'].sort() : CASE_KEYS);
  expect(['ROLLBACK', 'CONTINUE']).toContain(c.decision);
  expect(typeof c.confidence).toBe('number');
  expect(c.confidence).toBeGreaterThanOrEqual(0);
  expect(c.confidence).toBeLessThanOrEqual(1);
  expect(['judge', 'llm', 'llm+judge']).toContain(c.decided_by);
}

describe('evaluate: a directory with valid, nested, unlabelled and invalid scenarios', () => {
  let root: string | undefined;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  let result: CommandResult;

  beforeAll(async () => {
    root = await makeTempDir('evaluate');
    const scenarios = join(root, 'scenarios');
    tree = await buildTree(scenarios);
    result = await runTsx(SCRIPT, [scenarios], commandEnv(join(root, 'training')));
  });
  afterAll(() => removeTempDir(root));

  it('stdout is exactly one JSON document {cases, summary}', () => {
    const doc = document(result);
    expect(Object.keys(doc).sort()).toEqual(['cases', 'summary']);
    expect(Array.isArray(doc.cases)).toBe(true);
    expect(result.stdout.trim().startsWith('{')).toBe(true);
  });

  it('finds the nested *.json files and decides every valid one (and only those)', () => {
    const ids = document(result).cases.map((c) => c.id);
    expect([...ids].sort()).toEqual(['healthy-hotfix', 'memory-leak-payment', 'unlabelled-reporting']);
  });

  it('each case has exactly {id, decision, confidence, decided_by} plus `expected` only when the file had it', () => {
    const byId = Object.fromEntries(document(result).cases.map((c) => [c.id, c]));
    expectCaseShape(byId['memory-leak-payment']!, true);
    expectCaseShape(byId['healthy-hotfix']!, true);
    expectCaseShape(byId['unlabelled-reporting']!, false);
    expect(byId['memory-leak-payment']).toMatchObject({ decision: 'ROLLBACK', expected: 'ROLLBACK', decided_by: 'judge' });
    expect(byId['healthy-hotfix']).toMatchObject({ decision: 'CONTINUE', expected: 'CONTINUE', decided_by: 'judge' });
    expect('expected' in byId['unlabelled-reporting']!).toBe(false);
  });

  it('summary counts the labelled cases only, and the invalid files', () => {
    const { summary } = document(result);
    expect(Object.keys(summary).sort()).toEqual(SUMMARY_KEYS);
    expect(summary).toEqual({
      total: 2,
      tp: 1,
      fp: 0,
      tn: 1,
      fn: 0,
      precision: 1,
      recall: 1,
      f1: 1,
      false_rollback_rate: 0,
      invalid: 2,
    });
  });

  it('each invalid file is reported on stderr with its path and reason', () => {
    const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
    const jsonLine = lines.find((l) => l.includes(tree.badJson));
    const schemaLine = lines.find((l) => l.includes(tree.badSchema));
    expect(jsonLine).toBeDefined();
    expect(jsonLine).toMatch(/not valid JSON/);
    expect(schemaLine).toBeDefined();
    expect(schemaLine).toContain('$.deployment.service');
    expect(schemaLine).toMatch(/RFC 1123/);
    // the valid files are not reported as problems
    for (const file of tree.valid) expect(result.stderr).not.toContain(file);
  });

  it('exits non-zero because of the invalid files', () => {
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
  });
});

describe('evaluate: files given one by one', () => {
  let root: string | undefined;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  beforeAll(async () => {
    root = await makeTempDir('evaluate-files');
    tree = await buildTree(join(root, 'scenarios'));
  });
  afterAll(() => removeTempDir(root));

  it('only valid files: exit 0, invalid 0, cases in argument order, nothing on stderr', async () => {
    const [leak, hotfix, small] = tree.valid as [string, string, string];
    const result = await runTsx(SCRIPT, [small, hotfix, leak], commandEnv(join(root!, 'training')));
    expect(result.stderr.trim()).toBe('');
    expect(result.code).toBe(0);
    const doc = document(result);
    expect(doc.cases.map((c) => c.id)).toEqual(['unlabelled-reporting', 'healthy-hotfix', 'memory-leak-payment']);
    expect(doc.summary).toMatchObject({ total: 2, tp: 1, tn: 1, invalid: 0 });
  });

  it('a missing file counts as invalid and is named on stderr; the others are still decided', async () => {
    const missing = join(root!, 'scenarios', 'no-such-file.json');
    const result = await runTsx(SCRIPT, [missing, tree.valid[0]!], commandEnv(join(root!, 'training')));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(missing);
    const doc = document(result);
    expect(doc.cases.map((c) => c.id)).toEqual(['memory-leak-payment']);
    expect(doc.summary.invalid).toBe(1);
  });
});

describe('evaluate: usage', () => {
  let root: string | undefined;
  beforeAll(async () => {
    root = await makeTempDir('evaluate-usage');
  });
  afterAll(() => removeTempDir(root));

  it('no arguments: exit 2, a usage line on stderr, nothing on stdout', async () => {
    const result = await runTsx(SCRIPT, [], commandEnv(root!));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^usage: .*evaluate/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('an unknown flag: exit 2 with usage', async () => {
    const result = await runTsx(SCRIPT, ['--frobnicate', join(MOCK, 'healthy-hotfix.json')], commandEnv(root!));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^usage: /m);
  });
});

describe('evaluate against a loopback OpenAI-compatible server', () => {
  let root: string | undefined;
  let server: OpenAiCompatibleServer | undefined;
  const API_KEY = 'sk-loopback-evaluate-0123456789';

  /** Agrees with the statistical judge, whose decision the prompt states. */
  function agree(request: RecordedRequest) {
    const user: string = request.body?.messages?.[1]?.content ?? '';
    const judge = /Statistical judge:\n- decision: (ROLLBACK|CONTINUE)/.exec(user)?.[1] ?? 'CONTINUE';
    return {
      content: JSON.stringify({
        decision: judge,
        confidence: 0.9,
        summary: `The loopback model agrees: ${judge}.`,
        reasoning: `The metric table supports ${judge}.`,
        suspected_cause: judge === 'ROLLBACK' ? 'memory leak' : null,
      }),
    };
  }

  beforeAll(async () => {
    root = await makeTempDir('evaluate-llm');
    server = await startOpenAiCompatibleServer(agree);
  });
  afterAll(async () => {
    await server?.close();
    await removeTempDir(root);
  });

  it('decides every scenario as llm+judge, one chat request per scenario', async () => {
    const tree = await buildTree(join(root!, 'scenarios'));
    const result = await runTsx(
      SCRIPT,
      tree.valid,
      commandEnv(join(root!, 'training'), {
        LLM_API_KEY: API_KEY,
        LLM_BASE_URL: server!.baseURL,
        LLM_MODEL: 'loopback-model',
        LLM_MAX_RETRIES: '0',
        LLM_TIMEOUT_MS: '10000',
      }),
    );
    expect(result.stderr.trim()).toBe('');
    expect(result.code).toBe(0);
    const doc = document(result);
    expect(doc.cases).toHaveLength(3);
    for (const c of doc.cases) expect(c.decided_by).toBe('llm+judge');
    const byId = Object.fromEntries(doc.cases.map((c) => [c.id, c]));
    expect(byId['memory-leak-payment']!.decision).toBe('ROLLBACK');
    expect(byId['healthy-hotfix']!.decision).toBe('CONTINUE');

    const chats = server!.chatRequests();
    expect(chats).toHaveLength(tree.valid.length);
    expect(server!.requests).toHaveLength(tree.valid.length);
    for (const chat of chats) {
      expect(chat.method).toBe('POST');
      expect(chat.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(chat.body.model).toBe('loopback-model');
    }
    // the key never reaches the result document
    expect(result.stdout).not.toContain(API_KEY);
  });
});
