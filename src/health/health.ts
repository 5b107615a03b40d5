// The watchdog's own health: is each system it depends on reachable? Pure: the
// probes are passed in (src/health/probes.ts has the real ones), so tests swap them.

export type ComponentName = 'kestra' | 'prometheus' | 'llm';

export interface ProbeResult {
  ok: boolean;
  /** what was checked and what came back, one line, secret-free */
  detail: string;
  latency_ms: number;
}

export type Probe = () => Promise<Omit<ProbeResult, 'latency_ms'>>;

export interface ComponentHealth extends ProbeResult {
  component: ComponentName;
  /** a component that is optional (the LLM: the judge decides without it) only degrades */
  required: boolean;
}

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  components: ComponentHealth[];
}

export interface HealthPlan {
  component: ComponentName;
  required: boolean;
  probe: Probe;
}

/** Runs every probe concurrently; a probe that throws counts as down, with its message. */
export async function checkHealth(plan: HealthPlan[], now: () => number = () => performance.now()): Promise<HealthReport> {
  const components = await Promise.all(
    plan.map(async ({ component, required, probe }): Promise<ComponentHealth> => {
      const started = now();
      try {
        const r = await probe();
        return { component, required, ok: r.ok, detail: r.detail, latency_ms: Math.round(now() - started) };
      } catch (err) {
        return { component, required, ok: false, detail: (err as Error).message, latency_ms: Math.round(now() - started) };
      }
    }),
  );
  return { status: healthStatus(components), components };
}

export function healthStatus(components: Pick<ComponentHealth, 'ok' | 'required'>[]): HealthReport['status'] {
  if (components.some((c) => c.required && !c.ok)) return 'unhealthy';
  if (components.some((c) => !c.ok)) return 'degraded';
  return 'healthy';
}

export function formatHealth(report: HealthReport): string {
  const lines = report.components.map(
    (c) => `${c.ok ? 'up  ' : 'DOWN'} ${c.component.padEnd(10)} ${String(c.latency_ms).padStart(5)} ms  ${c.detail}${c.ok || c.required ? '' : ' (optional: the judge decides without it)'}`,
  );
  return [`watchdog ${report.status}`, ...lines].join('\n');
}
