// Kestra task: is the watchdog itself healthy? Probes Kestra's API, Prometheus and
// the LLM endpoint (the scheduled watchdog-health flow runs it).
//
// Inputs (environment):
//   KESTRA_URL      Kestra's API, e.g. http://127.0.0.1:8080 (default)
//   PROMETHEUS_URL, PROMETHEUS_TIMEOUT_MS, LLM_BASE_URL, TOGETHER_API_KEY / LLM_API_KEY,
//   LLM_TIMEOUT_MS  the configuration in README.md
// Outputs (Kestra): status (healthy | degraded | unhealthy), components ({name: {ok, detail, latency_ms}}).
// Exit 1 when a required component (Kestra, Prometheus) is down, so the flow's
// errors handler notifies; the LLM being down only degrades (the judge decides alone).
import Kestra from '../src/task-io/kestra.js';
import { configOrExit } from '../src/config/env.js';
import { checkHealth, formatHealth } from '../src/health/health.js';
import { kestraProbe, llmProbe, prometheusProbe } from '../src/health/probes.js';

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['prometheus', 'llm']);
  const kestraUrl = (process.env.KESTRA_URL?.trim() || 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const timeoutMs = config.prometheus.timeoutMs;
  const report = await checkHealth([
    { component: 'kestra', required: true, probe: kestraProbe(kestraUrl, timeoutMs) },
    { component: 'prometheus', required: true, probe: prometheusProbe(config.prometheus.url, timeoutMs) },
    {
      component: 'llm',
      required: false,
      probe: llmProbe({ baseURL: config.llm.baseURL, timeoutMs: config.llm.timeoutMs, ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}) }),
    },
  ]);
  process.stdout.write(`${formatHealth(report)}\n`);
  Kestra.outputs({
    status: report.status,
    components: Object.fromEntries(report.components.map((c) => [c.component, { ok: c.ok, detail: c.detail, latency_ms: c.latency_ms }])),
  });
  if (report.status === 'unhealthy') {
    const down = report.components.filter((c) => c.required && !c.ok).map((c) => `${c.component} (${c.detail})`);
    process.stderr.write(`health-check: required component down: ${down.join('; ')}\n`);
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`health-check failed: ${(err as Error).message}\n`);
  process.exit(1);
});
