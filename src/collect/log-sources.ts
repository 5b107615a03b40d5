// Where log lines come from: Loki's query_range API (when LOKI_URL is set) or
// `kubectl logs` for the deployment's pods. Each source returns raw lines that
// start with an RFC 3339 timestamp, for splitLogWindows().
import type { AxiosInstance } from 'axios';
import type { Deployment } from '../scenario/schema.js';
import { loadAxios } from './load-axios.js';

export interface LogSource {
  readonly name: string;
  fetch(deployment: Deployment, from: Date, to: Date): Promise<string[]>;
}

export class LogSourceError extends Error {}

export interface LokiOptions {
  timeoutMs: number;
  /** LogQL stream selector; {{service}} and {{namespace}} are filled in (quoted safely) */
  selector?: string;
  limit?: number;
}

export const DEFAULT_LOKI_SELECTOR = '{namespace="{{namespace}}", app="{{service}}"}';

const quoteLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function lokiQuery(selector: string, deployment: Deployment): string {
  return selector.replace(/\{\{service\}\}/g, quoteLabel(deployment.service)).replace(/\{\{namespace\}\}/g, quoteLabel(deployment.namespace));
}

interface LokiResponse {
  status: string;
  data?: { resultType?: string; result?: Array<{ stream?: Record<string, string>; values?: Array<[string, string]> }> };
}

/** `http` defaults to a plain axios instance, created on the first fetch (axios is loaded lazily: load-axios.ts). */
export function createLokiSource(baseUrl: string, options: LokiOptions, http?: AxiosInstance): LogSource {
  return {
    name: 'loki',
    async fetch(deployment, from, to) {
      const axios = await loadAxios();
      http ??= axios.create();
      const query = lokiQuery(options.selector ?? DEFAULT_LOKI_SELECTOR, deployment);
      let body: LokiResponse;
      try {
        const res = await http.get<LokiResponse>(`${baseUrl.replace(/\/+$/, '')}/loki/api/v1/query_range`, {
          params: {
            query,
            start: `${BigInt(from.getTime()) * 1_000_000n}`,
            end: `${BigInt(to.getTime()) * 1_000_000n}`,
            limit: options.limit ?? 5000,
            direction: 'forward',
          },
          timeout: options.timeoutMs,
        });
        body = res.data;
      } catch (err) {
        if (axios.isAxiosError(err) && err.response) {
          const detail = typeof err.response.data === 'string' ? err.response.data : JSON.stringify(err.response.data);
          throw new LogSourceError(`Loki at ${baseUrl} rejected the query ${query}: HTTP ${err.response.status} ${detail.slice(0, 200)}`);
        }
        throw new LogSourceError(`Loki at ${baseUrl} is unreachable (${(err as Error).message}); check LOKI_URL`);
      }
      if (body.status !== 'success' || body.data?.resultType !== 'streams') {
        throw new LogSourceError(`Loki at ${baseUrl} answered an unexpected body for ${query} (status ${body.status})`);
      }
      const entries: Array<[bigint, string]> = [];
      for (const stream of body.data.result ?? []) {
        for (const [ns, line] of stream.values ?? []) entries.push([BigInt(ns), line]);
      }
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return entries.map(([ns, line]) => `${new Date(Number(ns / 1_000_000n)).toISOString()} ${line}`);
    },
  };
}
