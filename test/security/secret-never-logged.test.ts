// A key given in the environment must never reach any output or file: not the
// loop's report or logs (at debug level), not the decision record, not the
// training sample — whether the LLM answers, echoes the key back, or fails.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../support/openai-compatible-server.js';
import { commandEnv, makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';

const KEY = `sk-${'watchdogSECRET0123456789abcdefXYZ'}`;
const GITHUB = `ghp_${'watchdogSECRET0123456789abcdefXYZ'}`;

async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesBelow(p)));
    else out.push(p);
  }
  return out;
}

describe('secrets from the environment, against a loopback OpenAI-compatible server', () => {
  let server: OpenAiCompatibleServer | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = await makeTempDir('secrets');
    // The "model" echoes the key back in every field, and the second call fails with it in the error.
    server = await startOpenAiCompatibleServer((_req, i) =>
      i === 0
        ? {
            content: JSON.stringify({
              decision: 'ROLLBACK',
              confidence: 0.9,
              summary: `summary with ${KEY}`,
              reasoning: `reasoning with ${KEY} and ${GITHUB}`,
              suspected_cause: `cause ${KEY}`,
            }),
          }
        : { status: 500, body: { error: { message: `upstream rejected key ${KEY}` } } },
    );
  });
  afterAll(async () => {
    await server?.close();
    await removeTempDir(dir);
  });

  it('appears in no output and no file of the loop, answered or failed', async () => {
    const env = commandEnv(dir!, {
      LLM_API_KEY: KEY,
      GITHUB_TOKEN: GITHUB,
      LLM_BASE_URL: server!.baseURL,
      LLM_MAX_RETRIES: '0',
      LOG_LEVEL: 'debug',
    });
    const answered = await runTsx('scripts/loop.ts', ['--scenario', 'memory-leak-payment', '--json'], env);
    const failed = await runTsx('scripts/loop.ts', ['--scenario', 'healthy-hotfix'], env);
    expect(answered.code, answered.stderr).toBe(0);
    expect(failed.code, failed.stderr).toBe(0);
    // the key did reach the server, so the test exercised the real path
    expect(server!.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(answered.stdout).llm, answered.stdout.slice(0, 2000)).toMatchObject({ status: 'answered' });
    expect(JSON.parse(answered.stdout).decided_by).toBe('llm+judge');
    expect(failed.stdout).toMatch(/LLM endpoint answered HTTP 500/);
    const files = await filesBelow(dir!);
    expect(files.length).toBeGreaterThan(0);
    const texts = [answered.stdout, answered.rawStderr, failed.stdout, failed.rawStderr, ...(await Promise.all(files.map((f) => readFile(f, 'utf8'))))];
    for (const text of texts) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(GITHUB);
    }
  });
});
