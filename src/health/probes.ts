// The real probes behind the health check: one small request per dependency.
import axios from 'axios';
import OpenAI from 'openai';
import { redactValue } from '../logs/redact.js';
import type { Probe } from './health.js';

const reason = (err: unknown): string => {
  if (axios.isAxiosError(err)) {
    return err.response ? `HTTP ${err.response.status}` : `${err.code ?? 'error'}: ${err.message}`;
  }
  return (err as Error).message;
};

/** Prometheus answers /-/ready with 200 once its TSDB is loaded. */
export function prometheusProbe(url: string, timeoutMs: number): Probe {
  return async () => {
    try {
      await axios.get(`${url}/-/ready`, { timeout: timeoutMs, responseType: 'text' });
      return { ok: true, detail: `${url}/-/ready answered` };
    } catch (err) {
      return { ok: false, detail: `${url}/-/ready: ${reason(err)}; check PROMETHEUS_URL and that Prometheus runs` };
    }
  };
}

/** Kestra answers GET /api/v1/configs without credentials. */
export function kestraProbe(url: string, timeoutMs: number): Probe {
  return async () => {
    try {
      const r = await axios.get<{ version?: string }>(`${url}/api/v1/configs`, { timeout: timeoutMs });
      return { ok: true, detail: `${url} answered (Kestra ${r.data?.version ?? 'version unknown'})` };
    } catch (err) {
      return { ok: false, detail: `${url}/api/v1/configs: ${reason(err)}; check KESTRA_URL and that Kestra runs` };
    }
  };
}

/** The OpenAI-compatible endpoint lists its models for a valid key; the key never appears in the detail. */
export function llmProbe(settings: { baseURL: string; apiKey?: string; timeoutMs: number }): Probe {
  return async () => {
    if (!settings.apiKey) return { ok: false, detail: 'no LLM key configured (TOGETHER_API_KEY); decisions are the judge\'s alone' };
    const client = new OpenAI({ baseURL: settings.baseURL, apiKey: settings.apiKey, timeout: settings.timeoutMs, maxRetries: 0 });
    try {
      const page = await client.models.list();
      return { ok: true, detail: `${settings.baseURL}/models listed ${page.data.length} models` };
    } catch (err) {
      const status = (err as { status?: number }).status;
      const detail = status ? `HTTP ${status}` : (err as Error).message;
      return { ok: false, detail: redactValue(settings.apiKey)(`${settings.baseURL}/models: ${detail}`) };
    }
  };
}
