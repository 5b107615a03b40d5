// Log lines of a deployment's pods through `kubectl logs`, for clusters without Loki.
//
//   kubectl [--context C] -n NS get deployment/NAME -o json      -> spec.selector
//   kubectl [--context C] -n NS logs -l SELECTOR --all-containers --timestamps --prefix
//           --since-time=FROM --max-log-requests=N --tail=T
//
// kubectl prints `[pod/NAME/CONTAINER] 2026-11-23T10:00:00.123456789Z text` (pod by
// pod, container by container); each line comes back as
// `2026-11-23T10:00:00.123456789Z [pod/NAME/CONTAINER] text`, so it starts with its
// timestamp as splitLogWindows() needs, all pods merged in time order, lines after
// `to` dropped. Only the pods that exist now are read: the logs of pods already
// deleted (e.g. the previous ReplicaSet's, after a rollout) are gone with them.
import { kubectlMessage, type KubectlOutput, type KubectlRunner } from '../actions/rollback.js';
import { RFC1123_LABEL, RFC1123_SUBDOMAIN, type Deployment } from '../scenario/schema.js';
import { LogSourceError, type LogSource } from './log-sources.js';

export interface KubectlLogOptions {
  /** kubectl context (--context); otherwise the kubeconfig's current context */
  context?: string;
  /** --max-log-requests: concurrent log streams (default 10) */
  maxLogRequests?: number;
  /** --tail: lines per container, counted from its end; -1 (default) all lines since `from` */
  tailPerPod?: number;
}

/** `[pod/NAME/CONTAINER] ` as `kubectl logs --prefix` writes it. */
const PREFIX_RE = /^(\[[^\]\s]*\])[ \t]?/;
/** RFC 3339 (as the kubelet writes it: RFC3339Nano) and the separator after it. */
const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})(?: |$)/;

/** Nanoseconds since the epoch of an RFC 3339 time, or null. */
function timeKey(seconds: string, fraction: string | undefined, zone: string): bigint | null {
  const ms = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(ms)) return null;
  const nanos = fraction ? BigInt(fraction.slice(1).padEnd(9, '0')) : 0n;
  return BigInt(ms) * 1_000_000n + nanos;
}

const nanosOf = (d: Date) => BigInt(d.getTime()) * 1_000_000n;

/**
 * `kubectl logs --prefix --timestamps` output → lines that start with their timestamp,
 * the `[pod/…/…]` prefix right after it, in time order (stable: lines with the same
 * time keep kubectl's order), only those from `from` to `to` (inclusive). A line
 * without a timestamp (none should have one missing) goes with the line before it
 * from the same container.
 */
export function orderKubectlLogLines(stdout: string, from: Date, to: Date): string[] {
  const start = nanosOf(from);
  const end = nanosOf(to);
  const entries: Array<{ key: bigint; seq: number; line: string }> = [];
  const lastKey = new Map<string, bigint>();
  let seq = 0;
  for (const raw of stdout.split('\n')) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    const p = PREFIX_RE.exec(text);
    const prefix = p?.[1] ?? '';
    const rest = p ? text.slice(p[0].length) : text;
    const t = TIMESTAMP_RE.exec(rest);
    let key: bigint | null | undefined;
    let line: string;
    if (t) {
      key = timeKey(t[1]!, t[2], t[3]!);
      const stamp = `${t[1]}${t[2] ?? ''}${t[3]}`;
      const message = rest.slice(t[0].length);
      line = prefix ? `${stamp} ${prefix} ${message}` : `${stamp} ${message}`;
    } else {
      line = prefix ? `${prefix} ${rest}` : rest;
    }
    if (key === null || key === undefined) key = lastKey.get(prefix);
    if (key === undefined) continue; // untimed and nothing before it: no window to put it in
    lastKey.set(prefix, key);
    if (key < start || key > end) continue;
    entries.push({ key, seq: seq++, line });
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
  return entries.map((e) => e.line);
}

const quoteValues = (values: unknown) => (Array.isArray(values) ? values.map(String).join(',') : '');

/**
 * The label selector (`-l` syntax) of a Deployment from `kubectl get deployment -o json`:
 * matchLabels as k=v, matchExpressions as `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
export function deploymentSelector(deploymentJson: string): string {
  let parsed: any;
  try {
    parsed = JSON.parse(deploymentJson);
  } catch {
    throw new Error('kubectl get deployment did not print JSON');
  }
  const selector = parsed?.spec?.selector ?? {};
  const terms: string[] = [];
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Record<string, unknown>)) terms.push(`${k}=${String(v)}`);
  for (const e of (selector.matchExpressions ?? []) as any[]) {
    const key = String(e?.key ?? '');
    if (!key) continue;
    switch (e?.operator) {
      case 'In':
        terms.push(`${key} in (${quoteValues(e.values)})`);
        break;
      case 'NotIn':
        terms.push(`${key} notin (${quoteValues(e.values)})`);
        break;
      case 'Exists':
        terms.push(key);
        break;
      case 'DoesNotExist':
        terms.push(`!${key}`);
        break;
      default:
        throw new Error(`unsupported selector operator ${JSON.stringify(e?.operator)}`);
    }
  }
  return terms.join(',');
}

const isForbidden = (message: string) => /\bForbidden\b|is forbidden|cannot (get|list) resource/i.test(message);
const isNotFound = (message: string) => /\bNotFound\b|not found/i.test(message);

export function createKubectlLogSource(runner: KubectlRunner, options: KubectlLogOptions = {}): LogSource {
  const maxLogRequests = options.maxLogRequests ?? 10;
  const tailPerPod = options.tailPerPod ?? -1;
  if (!Number.isInteger(maxLogRequests) || maxLogRequests < 1) throw new RangeError(`maxLogRequests: expected a whole number >= 1, got ${maxLogRequests}`);
  if (!Number.isInteger(tailPerPod) || tailPerPod < -1) throw new RangeError(`tailPerPod: expected a whole number >= -1, got ${tailPerPod}`);
  const contextArgs = options.context ? ['--context', options.context] : [];
  const where = options.context ? ` (context ${options.context})` : '';

  const run = async (args: string[]): Promise<KubectlOutput> => {
    try {
      return await runner(args);
    } catch (err) {
      return { stdout: '', stderr: `could not run kubectl: ${(err as Error).message}`, code: 127 };
    }
  };

  return {
    name: 'kubectl',
    async fetch(deployment: Deployment, from: Date, to: Date): Promise<string[]> {
      const { service, namespace } = deployment;
      if (!RFC1123_SUBDOMAIN.test(service)) throw new LogSourceError(`refusing to read logs: service ${JSON.stringify(service)} is not a valid Kubernetes name`);
      if (!RFC1123_LABEL.test(namespace)) throw new LogSourceError(`refusing to read logs: namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace`);
      const target = `deployment/${service} in namespace ${namespace}${where}`;

      const got = await run([...contextArgs, '-n', namespace, 'get', `deployment/${service}`, '-o', 'json']);
      if (got.code !== 0) {
        const message = kubectlMessage(got);
        if (isForbidden(message)) {
          throw new LogSourceError(
            `kubectl may not read ${target}: ${message}; grant the task's service account get on deployments (apps), list on pods and get on pods/log in namespace ${namespace}`,
          );
        }
        if (isNotFound(message)) {
          throw new LogSourceError(`kubectl found no ${target}: ${message}; check SERVICE and NAMESPACE, and that KUBECONFIG/KUBE_CONTEXT point at the right cluster`);
        }
        throw new LogSourceError(`kubectl could not read ${target} (exit ${got.code}): ${message}; check KUBECONFIG, KUBE_CONTEXT and that the API server is reachable`);
      }
      let selector: string;
      try {
        selector = deploymentSelector(got.stdout);
      } catch (err) {
        throw new LogSourceError(`cannot find the pods of ${target}: ${(err as Error).message}`);
      }
      if (!selector) throw new LogSourceError(`${target} has an empty pod selector; refusing to read the logs of every pod in the namespace`);

      const logs = await run([
        ...contextArgs,
        '-n',
        namespace,
        'logs',
        '-l',
        selector,
        '--all-containers',
        '--timestamps',
        '--prefix',
        `--since-time=${from.toISOString()}`,
        `--max-log-requests=${maxLogRequests}`,
        `--tail=${tailPerPod}`,
      ]);
      if (logs.code !== 0) {
        const message = kubectlMessage(logs);
        if (isForbidden(message)) {
          throw new LogSourceError(`kubectl may not read the pod logs of ${target} (-l ${selector}): ${message}; grant list on pods and get on pods/log in namespace ${namespace}`);
        }
        throw new LogSourceError(`kubectl logs for ${target} (-l ${selector}) failed (exit ${logs.code}): ${message}; check that its pods are running and the API server is reachable`);
      }
      return orderKubectlLogLines(logs.stdout, from, to);
    },
  };
}
