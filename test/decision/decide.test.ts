import { describe, expect, it } from 'vitest';
import { createChatClientFromSettings, decide, LLM_DISABLED_REASON } from '../../src/decision/decide.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import type { ChatClient, ChatRequest } from '../../src/llm/chat-client.js';
import { LOGS_OPEN, PROMPT_VERSION } from '../../src/llm/prompt.js';
import { DEFAULT_LLM_SETTINGS } from '../../src/llm/settings.js';
import { createLogger } from '../../src/log.js';
import { answerJson, BAD_METRICS, DEPLOYMENT, GOOD_METRICS } from '../llm/fixtures.js';

/** A fake ChatClient: a plain object that records prompts and answers with `reply`. */
function fakeLlm(reply: string | Error): ChatClient & { prompts: ChatRequest[] } {
  const prompts: ChatRequest[] = [];
  return {
    model: 'fake-model',
    prompts,
    async complete(req) {
      prompts.push(req);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
}

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const deps = { thresholds: DEFAULT_THRESHOLDS };

describe('decide without an LLM', () => {
  it('an obvious regression: the judge decides ROLLBACK alone and the record says the LLM is disabled', async () => {
    const record = await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: BAD_METRICS }, deps);
    expect(record.decision).toBe('ROLLBACK');
    expect(record.decided_by).toBe('judge');
    expect(record.llm).toEqual({ status: 'disabled', reason: LLM_DISABLED_REASON });
    expect(LLM_DISABLED_REASON).toBe('no LLM API key configured');
    expect(record.reasoning).toContain('no LLM API key configured');
    expect(record.confidence).toBe(record.judge.confidence);
    expect(record.summary).toBe(record.judge.explanation);
    expect(record.health_score).toBe(record.judge.health_score);
    expect(record.prompt_version).toBe(PROMPT_VERSION);
    expect(record.suspected_cause).toBeNull();
  });

  it('identical windows: CONTINUE; no logs gives an empty log analysis', async () => {
    const record = await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: GOOD_METRICS }, deps);
    expect(record.decision).toBe('CONTINUE');
    expect(record.decided_by).toBe('judge');
    expect(record.log_analysis).toMatchObject({ baseline_lines: 0, canary_lines: 0, signatures: [] });
  });

  it('analyses the logs it is given and passes them to the judge', async () => {
    const record = await decide(
      {
        deployment: DEPLOYMENT,
        step_seconds: 60,
        metrics: GOOD_METRICS,
        logs: { baseline: ['INFO ok', 'INFO ok'], canary: ['INFO ok', 'ERROR db connection lost'] },
      },
      deps,
    );
    expect(record.log_analysis).toMatchObject({ baseline_lines: 2, canary_lines: 2, canary_error_lines: 1 });
    expect(record.judge.logs.verdict).not.toBe('nodata');
  });
});

describe('decide with a fake ChatClient', () => {
  it('agreement: llm+judge, the LLM summary, and the prompt carried the judge result and metric table', async () => {
    const llm = fakeLlm(answerJson('ROLLBACK', 0.9, 'bad release'));
    const record = await decide(
      { deployment: DEPLOYMENT, step_seconds: 60, metrics: BAD_METRICS, logs: { baseline: [], canary: ['ERROR boom'] } },
      { ...deps, llm },
    );
    expect(record.decision).toBe('ROLLBACK');
    expect(record.decided_by).toBe('llm+judge');
    expect(record.summary).toBe('The model says ROLLBACK.');
    expect(record.suspected_cause).toBe('bad release');
    expect(record.confidence).toBeCloseTo(1 - (1 - record.judge.confidence) * (1 - 0.45), 10);
    expect(record.llm).toMatchObject({ status: 'answered', model: 'fake-model', decision: 'ROLLBACK' });
    expect(llm.prompts).toHaveLength(1);
    expect(llm.prompts[0]!.user).toContain('service: checkout');
    expect(llm.prompts[0]!.user).toContain('metric | verdict | baseline median');
    expect(llm.prompts[0]!.user).toContain(LOGS_OPEN);
    expect(llm.prompts[0]!.user).toContain('ERROR boom');
  });

  it('a failing client: the judge decides and the reasoning records why the LLM was not used', async () => {
    const llm = fakeLlm(new Error('socket hang up'));
    const record = await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: BAD_METRICS }, { ...deps, llm });
    expect(record.decision).toBe('ROLLBACK');
    expect(record.decided_by).toBe('judge');
    expect(record.llm).toMatchObject({ status: 'failed', reason: 'LLM request failed: socket hang up', model: 'fake-model' });
    expect(record.reasoning).toContain('LLM request failed: socket hang up');
  });

  it('a clear CONTINUE is not overturned by an LLM ROLLBACK', async () => {
    const llm = fakeLlm(answerJson('ROLLBACK', 0.95));
    const record = await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: GOOD_METRICS }, { ...deps, llm });
    expect(record.judge.confidence).toBeGreaterThanOrEqual(0.8);
    expect(record.decision).toBe('CONTINUE');
    expect(record.decided_by).toBe('judge');
    expect(record.reasoning).toContain('dissented: ROLLBACK');
  });

  it('an uncertain judge (too little data) is escalated to ROLLBACK by a confident LLM', async () => {
    const llm = fakeLlm(answerJson('ROLLBACK', 0.9));
    const record = await decide(
      { deployment: DEPLOYMENT, step_seconds: 60, metrics: { error_rate: { baseline: [1], canary: [40] } } },
      { ...deps, llm },
    );
    expect(record.judge.decision).toBe('CONTINUE');
    expect(record.judge.confidence).toBeLessThan(0.8);
    expect(record.decision).toBe('ROLLBACK');
    expect(record.decided_by).toBe('llm');
  });

  it('logs one judge line and one LLM line, with the correlation id, never the prompt', async () => {
    const { logger, lines, records } = capture();
    const llm = fakeLlm(answerJson('ROLLBACK', 0.9));
    await decide(
      { deployment: DEPLOYMENT, step_seconds: 60, metrics: BAD_METRICS, logs: { baseline: [], canary: ['ERROR very-distinctive-log-text'] } },
      { ...deps, llm, logger },
    );
    const recs = records();
    expect(recs.map((r) => r.event)).toEqual(['judge_result', 'llm_outcome']);
    for (const r of recs) expect(r.correlation_id).toBe('dep-42');
    expect(recs[0]).toMatchObject({ decision: 'ROLLBACK' });
    expect(recs[1]).toMatchObject({ status: 'answered', model: 'fake-model' });
    expect(typeof recs[1]!.latency_ms).toBe('number');
    const all = lines.join('');
    expect(all).not.toContain('very-distinctive-log-text');
    expect(all).not.toContain(LOGS_OPEN);
    expect(all).not.toContain(llm.prompts[0]!.system.slice(0, 40));
  });

  it('logs the failure reason and the disabled state', async () => {
    const failed = capture();
    await decide(
      { deployment: DEPLOYMENT, step_seconds: 60, metrics: GOOD_METRICS },
      { ...deps, llm: fakeLlm('nonsense'), logger: failed.logger },
    );
    expect(failed.records()[1]).toMatchObject({ event: 'llm_outcome', status: 'failed', reason: 'invalid LLM answer: answer is not JSON', level: 40 });

    const disabled = capture();
    await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: GOOD_METRICS }, { ...deps, logger: disabled.logger });
    expect(disabled.records()[1]).toMatchObject({ event: 'llm_outcome', status: 'disabled', reason: LLM_DISABLED_REASON });
  });
});

describe('createChatClientFromSettings', () => {
  it('is undefined without an API key (LLM disabled) and a client for the configured model with one', () => {
    expect(createChatClientFromSettings({ ...DEFAULT_LLM_SETTINGS })).toBeUndefined();
    expect(createChatClientFromSettings({ ...DEFAULT_LLM_SETTINGS, apiKey: '  ' })).toBeUndefined();
    const client = createChatClientFromSettings({ ...DEFAULT_LLM_SETTINGS, apiKey: 'sk-test-key-123456' });
    expect(client?.model).toBe(DEFAULT_LLM_SETTINGS.model);
  });
});
