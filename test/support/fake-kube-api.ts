import { createKubectlRunner, type KubectlRunner } from '../../src/actions/rollback.js';
// A loopback Kubernetes API server for tests: node:http on 127.0.0.1, port 0,
// just enough of the API that the REAL kubectl binary can run
//   get replicasets -o json, rollout undo [--to-revision], rollout status, get deployment,
//   logs -l SELECTOR (pods listed by label, GET pods/NAME/log per container)
// against it. It plays the deployment controller too: a patched pod template
// immediately gets a ReplicaSet (an existing one with the same template is
// re-used and given the next revision, as the real controller does) and a
// complete rollout status. Every request is recorded for assertions.
//
// Failure knobs: a deployment that was never added answers 404 with a proper
// Status; `forbid` answers 403 Forbidden for matching requests; `stallRollouts`
// leaves a patched deployment's status unobserved so `rollout status` times out.
//
// Pods are seeded by the test (`addPod`) with labels and, per container, log lines
// with timestamps; `GET /api/v1/namespaces/NS/pods/NAME/log` answers them as the
// kubelet does, honouring `container`, `timestamps`, `sinceTime`, `tailLines`
// (tail first, then since) and `limitBytes`.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

export interface RecordedKubeRequest {
  method: string;
  /** path without the query string */
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** parsed JSON body (PATCH), or the raw text */
  body?: any;
}

export type Verb = 'get' | 'list' | 'watch' | 'patch';

export interface KubeRequestInfo {
  verb: Verb;
  /** e.g. "deployments", "replicasets", "pods" */
  resource: string;
  namespace: string;
  name?: string;
  /** e.g. "log" for GET pods/NAME/log */
  subresource?: string;
}

export interface RevisionSpec {
  /** image of every container, e.g. "registry.example.com/payment-service:v1.0.0" */
  image: string;
  /** the container name (default: the deployment's name) */
  container?: string;
}

export interface DeploymentSeed {
  namespace: string;
  name: string;
  /** revisions 1..n in order; the last one is the deployment's current template */
  revisions: RevisionSpec[];
  replicas?: number;
}

export interface PodLogLine {
  /** RFC 3339 time the container runtime recorded, e.g. "2026-11-23T09:40:00.123456789Z" */
  time: string;
  /** the line as the container wrote it (without the newline) */
  text: string;
}

export interface PodSeed {
  namespace: string;
  name: string;
  /** the pod's labels: match a deployment's selector (e.g. { app: NAME }) to be found by it */
  labels: Record<string, string>;
  /** container name -> its log lines, oldest first (the order the runtime wrote them) */
  containers: Record<string, PodLogLine[]>;
  /** image of every container (default registry.example.com/NAME:latest) */
  image?: string;
}

type Obj = Record<string, any>;

export interface FakeKubeApi {
  /** e.g. http://127.0.0.1:43127 */
  readonly url: string;
  readonly requests: RecordedKubeRequest[];
  /** answer 403 Forbidden to matching requests (set to undefined to allow everything) */
  forbid: ((info: KubeRequestInfo) => boolean) | undefined;
  /** when true, a patched deployment never reports its rollout as observed/complete */
  stallRollouts: boolean;
  addDeployment(seed: DeploymentSeed): void;
  /** a running pod with log lines per container */
  addPod(seed: PodSeed): void;
  /** the stored pods of a namespace */
  pods(namespace: string): Obj[];
  /** make a namespace exist without any deployment in it */
  addNamespace(name: string): void;
  /** the stored deployment object (a live reference), or undefined */
  deployment(namespace: string, name: string): Obj | undefined;
  /** the stored ReplicaSets of a namespace */
  replicaSets(namespace: string): Obj[];
  /** images of the deployment's pod template, as stored on the server */
  templateImages(namespace: string, name: string): string[];
  /** requests other than discovery (/api, /apis, /version, /openapi) */
  resourceRequests(): RecordedKubeRequest[];
  close(): Promise<void>;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Drop nulls, empty objects and empty arrays so templates serialised by Go and by us compare equal. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(normalise).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const key of Object.keys(v).sort()) {
      const n = normalise((v as Obj)[key]);
      if (n !== undefined) out[key] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null || v === '' ? undefined : v;
}

function templateKey(template: Obj): string {
  const t = clone(template);
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return JSON.stringify(normalise(t) ?? {});
}

function hashOf(template: Obj): string {
  let h = 2166136261;
  for (const ch of templateKey(template)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36).padStart(7, '0').slice(-10);
}

function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `a=b,c=d`, `a==b`, `a!=b`, `a in (x,y)`: enough of label/field selector syntax for kubectl. */
function matchesSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const term = raw.trim();
    let m = /^([^!=\s]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!.split(',').map((s) => s.trim());
      const has = l[m[1]!] !== undefined && values.includes(l[m[1]!]!);
      return m[2] === 'in' ? has : !has;
    }
    m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (m) return m[2] === '!=' ? l[m[1]!] !== m[3] : l[m[1]!] === m[3];
    if (term.startsWith('!')) return l[term.slice(1)] === undefined;
    return l[term] !== undefined;
  });
}

/** RFC 6901 pointer segments. */
const pointer = (path: string) => path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function applyJsonPatch(doc: Obj, ops: Obj[]): Obj {
  const out = clone(doc);
  for (const op of ops) {
    const segments = pointer(String(op.path));
    const last = segments.pop()!;
    let parent: any = out;
    for (const s of segments) {
      if (parent[s] === undefined) throw new Error(`path ${op.path} does not exist`);
      parent = parent[s];
    }
    switch (op.op) {
      case 'add':
      case 'replace':
        if (Array.isArray(parent)) {
          const i = last === '-' ? parent.length : Number(last);
          if (op.op === 'add') parent.splice(i, 0, clone(op.value));
          else parent[i] = clone(op.value);
        } else parent[last] = clone(op.value);
        break;
      case 'remove':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'test':
        if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
        break;
      default:
        throw new Error(`unsupported JSON patch op ${op.op}`);
    }
  }
  return out;
}

/** RFC 7386 merge patch; strategic merge patches of spec.template are applied the same way (lists replaced). */
function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const out: Obj = target && typeof target === 'object' && !Array.isArray(target) ? clone(target as Obj) : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (k.startsWith('$')) continue; // strategic-merge directives
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

export async function startFakeKubeApi(seeds: DeploymentSeed[] = []): Promise<FakeKubeApi> {
  const requests: RecordedKubeRequest[] = [];
  const deployments = new Map<string, Obj>(); // key ns/name
  const replicaSets = new Map<string, Obj[]>(); // key ns
  const namespaces = new Set<string>(['default']);
  const pods = new Map<string, { pod: Obj; logs: Record<string, PodLogLine[]> }>(); // key ns/name
  const watchers = new Set<{ ns: string; name?: string; res: ServerResponse }>();
  let resourceVersion = 1000;
  const nextRv = () => String(++resourceVersion);

  const rsOf = (ns: string) => {
    let list = replicaSets.get(ns);
    if (!list) replicaSets.set(ns, (list = []));
    return list;
  };
  const ownedBy = (rs: Obj, d: Obj) => (rs.metadata.ownerReferences ?? []).some((o: Obj) => o.uid === d.metadata.uid);
  const revisionOf = (o: Obj) => Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);

  function completeStatus(d: Obj): void {
    const replicas = d.spec.replicas ?? 1;
    d.status = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet has successfully progressed.` },
      ],
    };
  }

  function newReplicaSet(d: Obj, template: Obj, revision: number, replicas: number): Obj {
    const hash = hashOf(template);
    const t = clone(template);
    t.metadata = { ...(t.metadata ?? {}), labels: { ...(t.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: randomUUID(),
        resourceVersion: nextRv(),
        generation: 1,
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations: { [REVISION_ANNOTATION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1) },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: {
        replicas,
        selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), [HASH_LABEL]: hash } },
        template: t,
      },
      status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
    };
  }

  /** What the deployment controller does after the template changed. */
  function reconcile(d: Obj, previousTemplateKey: string): void {
    d.metadata.generation += 1;
    d.metadata.resourceVersion = nextRv();
    if (templateKey(d.spec.template) !== previousTemplateKey) {
      const owned = rsOf(d.metadata.namespace).filter((rs) => ownedBy(rs, d));
      const next = Math.max(0, ...owned.map(revisionOf)) + 1;
      const key = templateKey(d.spec.template);
      let current = owned.find((rs) => templateKey(rs.spec.template) === key);
      if (current) {
        current.metadata.annotations[REVISION_ANNOTATION] = String(next);
      } else {
        current = newReplicaSet(d, d.spec.template, next, 0);
        rsOf(d.metadata.namespace).push(current);
      }
      for (const rs of owned) {
        rs.spec.replicas = 0;
        rs.status = { replicas: 0, observedGeneration: rs.metadata.generation };
        rs.metadata.resourceVersion = nextRv();
      }
      const replicas = d.spec.replicas ?? 1;
      current.spec.replicas = replicas;
      current.status = { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: current.metadata.generation };
      current.metadata.resourceVersion = nextRv();
      d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(next) };
    }
    if (!api.stallRollouts) completeStatus(d);
    for (const w of watchers) {
      if (w.ns === d.metadata.namespace && (!w.name || w.name === d.metadata.name)) {
        w.res.write(`${JSON.stringify({ type: 'MODIFIED', object: d })}\n`);
      }
    }
  }

  function addDeployment(seed: DeploymentSeed): void {
    const labels = { app: seed.name };
    const replicas = seed.replicas ?? 2;
    const templateFor = (r: RevisionSpec) => ({
      metadata: { labels: { ...labels } },
      spec: { containers: [{ name: r.container ?? seed.name, image: r.image, ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
    });
    const current = seed.revisions[seed.revisions.length - 1];
    if (!current) throw new Error('a deployment needs at least one revision');
    const d: Obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: seed.name,
        namespace: seed.namespace,
        uid: randomUUID(),
        resourceVersion: nextRv(),
        generation: seed.revisions.length,
        creationTimestamp: '2026-11-23T09:00:00Z',
        labels: { ...labels },
        annotations: { [REVISION_ANNOTATION]: String(seed.revisions.length) },
      },
      spec: {
        replicas,
        selector: { matchLabels: { ...labels } },
        template: templateFor(current),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    };
    completeStatus(d);
    deployments.set(`${seed.namespace}/${seed.name}`, d);
    seed.revisions.forEach((r, i) => {
      rsOf(seed.namespace).push(newReplicaSet(d, templateFor(r), i + 1, i === seed.revisions.length - 1 ? replicas : 0));
    });
  }

  function addPod(seed: PodSeed): void {
    const containers = Object.keys(seed.containers);
    if (containers.length === 0) throw new Error('a pod needs at least one container');
    for (const lines of Object.values(seed.containers)) {
      for (const l of lines) if (Number.isNaN(Date.parse(l.time))) throw new Error(`not an RFC 3339 time: ${l.time}`);
    }
    const image = seed.image ?? `registry.example.com/${seed.name}:latest`;
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: seed.name,
        namespace: seed.namespace,
        uid: randomUUID(),
        resourceVersion: nextRv(),
        creationTimestamp: '2026-11-23T09:00:00Z',
        labels: { ...seed.labels },
      },
      spec: { containers: containers.map((name) => ({ name, image })), restartPolicy: 'Always', nodeName: 'fake-node' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: containers.map((name) => ({ name, image, ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-11-23T09:00:00Z' } } })),
      },
    };
    pods.set(`${seed.namespace}/${seed.name}`, { pod, logs: Object.fromEntries(Object.entries(seed.containers).map(([c, ls]) => [c, ls.map((l) => ({ ...l }))])) });
  }

  /** What the kubelet answers for GET pods/NAME/log. */
  function podLog(entry: { pod: Obj; logs: Record<string, PodLogLine[]> }, query: Record<string, string>): { code: number; body: string | Obj } {
    const name = entry.pod.metadata.name as string;
    const containers = Object.keys(entry.logs);
    let container = query.container;
    if (!container) {
      if (containers.length !== 1) {
        return { code: 400, body: status(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`) };
      }
      container = containers[0]!;
    }
    const lines = entry.logs[container];
    if (!lines) return { code: 400, body: status(400, 'BadRequest', `container ${container} is not valid for pod ${name}`) };
    let selected = lines;
    if (query.tailLines !== undefined) {
      const n = Number(query.tailLines);
      if (!Number.isInteger(n) || n < 0) return { code: 400, body: status(400, 'BadRequest', `invalid tailLines ${query.tailLines}`) };
      selected = n === 0 ? [] : selected.slice(-n);
    }
    if (query.sinceTime) {
      const since = Date.parse(query.sinceTime);
      if (Number.isNaN(since)) return { code: 400, body: status(400, 'BadRequest', `invalid sinceTime ${query.sinceTime}`) };
      selected = selected.filter((l) => Date.parse(l.time) >= since);
    }
    const timestamps = query.timestamps === 'true' || query.timestamps === '1';
    let text = selected.map((l) => `${timestamps ? `${l.time} ` : ''}${l.text}\n`).join('');
    if (query.limitBytes !== undefined) text = Buffer.from(text).subarray(0, Number(query.limitBytes)).toString('utf8');
    return { code: 200, body: text };
  }

  function list(kind: string, items: Obj[]): Obj {
    return { kind: `${kind}List`, apiVersion: 'apps/v1', metadata: { resourceVersion: String(resourceVersion) }, items };
  }

  const send = (res: ServerResponse, code: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const RESOURCE_LISTS: Record<string, Obj> = {
    '/api/v1': {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] },
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
        { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
      ],
    },
    '/apis/apps/v1': {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'] },
        { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
        { name: 'replicasets', singularName: 'replicaset', namespaced: true, kind: 'ReplicaSet', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['rs'], categories: ['all'] },
      ],
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw || undefined;
    try {
      if (raw) body = JSON.parse(raw);
    } catch {
      /* keep the text */
    }
    const path = u.pathname.replace(/\/+$/, '') || '/';
    const query = Object.fromEntries(u.searchParams);
    requests.push({ method: req.method ?? 'GET', path, query, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), ...(body !== undefined ? { body } : {}) });

    if (req.method === 'GET') {
      if (path === '/version') {
        return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: 'fake', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' });
      }
      if (path === '/api') {
        return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: api.url.replace('http://', '') }] });
      }
      if (path === '/apis') {
        const apps = { groupVersion: 'apps/v1', version: 'v1' };
        return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [apps], preferredVersion: apps }] });
      }
      const resources = RESOURCE_LISTS[path];
      if (resources) return send(res, 200, resources);
    }

    // kubectl looks the namespace up after a NotFound, to say which of the two is missing
    const nsMatch = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path);
    if (nsMatch && req.method === 'GET') {
      const ns = nsMatch[1]!;
      const known =
        [...deployments.values()].some((d) => d.metadata.namespace === ns) ||
        [...pods.values()].some((p) => p.pod.metadata.namespace === ns) ||
        replicaSets.has(ns) ||
        namespaces.has(ns);
      return known
        ? send(res, 200, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: ns, uid: randomUUID(), resourceVersion: '1' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })
        : send(res, 404, status(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }));
    }
    const m = /^\/(?:api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(path);
    if (!m) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, ns, resource, name, subresource] = m as unknown as [string, string, string, string | undefined, string | undefined];
    if (subresource !== undefined && !(resource === 'pods' && subresource === 'log' && req.method === 'GET')) {
      return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const watch = query.watch === 'true' || query.watch === '1';
    const verb: Verb = req.method === 'PATCH' ? 'patch' : name ? 'get' : watch ? 'watch' : 'list';
    const group = path.startsWith('/apis/apps') ? 'apps' : '';
    const qualified = group ? `${resource}.${group}` : resource;
    if (!['GET', 'PATCH'].includes(req.method ?? '')) {
      return send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
    }
    if (api.forbid?.({ verb, resource, namespace: ns, ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) })) {
      const what = name ? `${qualified} "${name}" is forbidden` : `${qualified} is forbidden`;
      const forResource = subresource ? `${resource}/${subresource}` : resource;
      return send(
        res,
        403,
        status(403, 'Forbidden', `${what}: User "system:serviceaccount:watchdog:rollback" cannot ${verb} resource "${forResource}" in API group "${group}" in the namespace "${ns}"`, {
          ...(name ? { name } : {}),
          group,
          kind: resource,
        }),
      );
    }

    if (resource === 'pods') {
      if (name) {
        const entry = pods.get(`${ns}/${name}`);
        if (!entry) return send(res, 404, status(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' }));
        if (!subresource) return send(res, 200, entry.pod);
        const out = podLog(entry, query);
        if (typeof out.body !== 'string') return send(res, out.code, out.body);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(out.body) });
        return void res.end(out.body);
      }
      const items = [...pods.values()]
        .map((p) => p.pod)
        .filter((p) => p.metadata.namespace === ns && matchesSelector(p.metadata.labels, query.labelSelector));
      return send(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(resourceVersion) }, items });
    }

    if (resource === 'replicasets') {
      const items = rsOf(ns).filter((rs) => matchesSelector(rs.metadata.labels, query.labelSelector));
      if (name) {
        const rs = items.find((r) => r.metadata.name === name);
        return rs ? send(res, 200, rs) : send(res, 404, status(404, 'NotFound', `replicasets.apps "${name}" not found`, { name, group: 'apps', kind: 'replicasets' }));
      }
      return send(res, 200, list('ReplicaSet', items));
    }

    if (resource !== 'deployments') return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));

    if (!name) {
      const fieldName = /^metadata\.name==?(.+)$/.exec(query.fieldSelector ?? '')?.[1];
      const items = [...deployments.values()].filter(
        (d) => d.metadata.namespace === ns && (!fieldName || d.metadata.name === fieldName) && matchesSelector(d.metadata.labels, query.labelSelector),
      );
      if (!watch) return send(res, 200, list('Deployment', items));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      // kubectl waits for the watch's response headers before it can stop, even once the rollout is done
      res.flushHeaders();
      if (query.sendInitialEvents === 'true') {
        for (const d of items) res.write(`${JSON.stringify({ type: 'ADDED', object: d })}\n`);
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: String(resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } } } })}\n`,
        );
      }
      const w = { ns, ...(fieldName ? { name: fieldName } : {}), res };
      watchers.add(w);
      res.on('close', () => watchers.delete(w));
      return;
    }

    const d = deployments.get(`${ns}/${name}`);
    if (!d) return send(res, 404, status(404, 'NotFound', `deployments.apps "${name}" not found`, { name, group: 'apps', kind: 'deployments' }));
    if (req.method === 'GET') return send(res, 200, d);

    // PATCH
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const before = templateKey(d.spec.template);
    let patched: Obj;
    try {
      if (type === 'application/json-patch+json') {
        if (!Array.isArray(body)) throw new Error('a JSON patch must be an array of operations');
        patched = applyJsonPatch(d, body as Obj[]);
      } else if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
        patched = applyMergePatch(d, body) as Obj;
      } else {
        return send(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`));
      }
    } catch (err) {
      return send(res, 422, status(422, 'Invalid', `deployments.apps "${name}" is invalid: ${(err as Error).message}`));
    }
    if (query.dryRun === 'All') return send(res, 200, patched);
    // identity and status are not the client's to change
    patched.metadata = { ...patched.metadata, name: d.metadata.name, namespace: ns, uid: d.metadata.uid, generation: d.metadata.generation };
    patched.status = d.status;
    for (const k of Object.keys(d)) delete d[k];
    Object.assign(d, patched);
    reconcile(d, before);
    return send(res, 200, d);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, status(500, 'InternalError', String((err as Error).message)));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const api: FakeKubeApi = {
    url: `http://127.0.0.1:${port}`,
    requests,
    forbid: undefined,
    stallRollouts: false,
    addDeployment,
    addPod,
    pods: (ns) => [...pods.values()].map((p) => p.pod).filter((p) => p.metadata.namespace === ns),
    addNamespace: (name) => void namespaces.add(name),
    deployment: (ns, name) => deployments.get(`${ns}/${name}`),
    replicaSets: (ns) => rsOf(ns),
    templateImages(ns, name) {
      const d = deployments.get(`${ns}/${name}`);
      return (d?.spec.template.spec.containers ?? []).map((c: Obj) => c.image as string);
    },
    resourceRequests: () => requests.filter((r) => !/^\/(api|apis|version|openapi)(\/v\d+)?$|^\/openapi\//.test(r.path)),
    async close() {
      for (const w of watchers) w.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  for (const seed of seeds) addDeployment(seed);
  return api;
}

export interface Kubeconfig {
  /** the kubeconfig file: pass as KUBECONFIG */
  path: string;
  /** a fresh temp dir holding it; also a good HOME / discovery cache for kubectl */
  dir: string;
  context: string;
  cleanup(): Promise<void>;
}

/** A kubeconfig (JSON, which is YAML) whose one context talks to `serverUrl` with a bearer token. */
export async function writeKubeconfig(serverUrl: string, context = 'fake-cluster'): Promise<Kubeconfig> {
  const dir = await mkdtemp(join(tmpdir(), 'watchdog-kube-'));
  const path = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'watchdog', user: { token: 'fake-token-for-tests' } }],
    contexts: [{ name: context, context: { cluster: 'fake', user: 'watchdog', namespace: 'default' } }],
    'current-context': context,
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { path, dir, context, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The real kubectl (CI installs it; a test that needs it fails rather than skips without it). */
export const KUBECTL = '/usr/bin/kubectl';

/**
 * A KubectlRunner for the real kubectl against `kube`, with HOME in its temp dir
 * (kubectl's discovery cache stays out of the real ~/.kube), recording every argv in `calls`.
 */
export function recordingKubectl(kube: Kubeconfig, calls: string[][]): KubectlRunner {
  const real = createKubectlRunner({ binary: KUBECTL, kubeconfig: kube.path, timeoutMs: 30_000, env: { HOME: kube.dir } });
  return (args) => {
    calls.push(args);
    return real(args);
  };
}
