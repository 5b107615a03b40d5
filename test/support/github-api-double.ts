// A GitHub REST API double for tests: node:http on 127.0.0.1, port 0, holding
// one repository's state (default branch, branch refs, file contents with blob
// shas, pull requests, labels). It implements exactly the endpoints
// src/actions/fix-pr.ts uses, with GitHub's response shapes and error statuses,
// checks the Authorization header on every request, and records every request
// (method, path, query, parsed body) so tests can assert what the real Octokit sent.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedGithubRequest {
  method: string;
  /** decoded path without the query, e.g. /repos/acme/gitops/contents/incidents/x.md */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FileEntry {
  content: string;
  sha: string;
}

export interface PullEntry {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  labels: string[];
}

/** Return a reply to short-circuit a request (fault injection), or undefined to serve it normally. */
export type FaultInjector = (request: RecordedGithubRequest) => { status: number; body?: unknown } | undefined;

export interface GithubApiDoubleOptions {
  owner?: string;
  repo?: string;
  token?: string;
  defaultBranch?: string;
  /** files on the default branch, path → text */
  files?: Record<string, string>;
  fault?: FaultInjector;
}

export interface GithubApiDouble {
  /** e.g. http://127.0.0.1:43127 — Octokit's baseUrl */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  readonly requests: RecordedGithubRequest[];
  /** branch → head commit sha */
  readonly refs: Map<string, string>;
  readonly pulls: PullEntry[];
  /** `METHOD /path` of every request, in order, with the /repos/{owner}/{repo} prefix cut */
  calls(): string[];
  file(branch: string, path: string): FileEntry | undefined;
  setFault(fault: FaultInjector | undefined): void;
  close(): Promise<void>;
}

const blobSha = (text: string): string => {
  const buf = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
};
const commitSha = (): string => randomBytes(20).toString('hex');

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-github-request-id': 'DOUBLE:0001',
  });
  res.end(text);
}

export async function startGithubApiDouble(options: GithubApiDoubleOptions = {}): Promise<GithubApiDouble> {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'gitops';
  const token = options.token ?? `ghp_${'testTOKEN0123456789abcdefSECRET'}`;
  const defaultBranch = options.defaultBranch ?? 'main';
  let fault = options.fault;
  const requests: RecordedGithubRequest[] = [];
  const refs = new Map<string, string>([[defaultBranch, commitSha()]]);
  /** branch → path → file */
  const trees = new Map<string, Map<string, FileEntry>>([
    [defaultBranch, new Map(Object.entries(options.files ?? {}).map(([p, t]) => [p, { content: t, sha: blobSha(t) }]))],
  ]);
  const pulls: PullEntry[] = [];
  let nextNumber = 1;
  let url = '';
  const prefix = `/repos/${owner}/${repo}`;
  const htmlRepo = `https://github.example/${owner}/${repo}`;

  const pullJson = (p: PullEntry) => ({
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    html_url: `${htmlRepo}/pull/${p.number}`,
    url: `${url}${prefix}/pulls/${p.number}`,
    head: { ref: p.head, label: `${owner}:${p.head}`, repo: { full_name: `${owner}/${repo}` } },
    base: { ref: p.base, label: `${owner}:${p.base}` },
    labels: p.labels.map((name) => ({ name })),
  });
  const contentJson = (branch: string, path: string, f: FileEntry) => ({
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(f.content),
    name: path.split('/').pop(),
    path,
    sha: f.sha,
    // GitHub wraps base64 at 60 characters
    content: (Buffer.from(f.content, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
    html_url: `${htmlRepo}/blob/${branch}/${path}`,
  });

  function handle(r: RecordedGithubRequest): { status: number; body?: unknown } {
    const auth = r.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) return { status: 401, body: { message: 'Bad credentials', status: '401' } };
    const injected = fault?.(r);
    if (injected) return injected;
    if (!r.path.startsWith(`${prefix}`)) return { status: 404, body: { message: 'Not Found' } };
    const rest = r.path.slice(prefix.length);
    let m: RegExpExecArray | null;

    if (r.method === 'GET' && rest === '') {
      return {
        status: 200,
        body: { full_name: `${owner}/${repo}`, name: repo, owner: { login: owner }, default_branch: defaultBranch, html_url: htmlRepo },
      };
    }
    if (r.method === 'GET' && (m = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
      const sha = refs.get(m[1]!);
      if (!sha) return { status: 404, body: { message: 'Not Found' } };
      return { status: 200, body: { ref: `refs/heads/${m[1]}`, object: { type: 'commit', sha } } };
    }
    if (r.method === 'POST' && rest === '/git/refs') {
      const ref = String(r.body?.ref ?? '');
      const sha = String(r.body?.sha ?? '');
      if (!ref.startsWith('refs/heads/')) return { status: 422, body: { message: 'Reference name must start with refs/' } };
      const branch = ref.slice('refs/heads/'.length);
      if (refs.has(branch)) return { status: 422, body: { message: 'Reference already exists' } };
      const from = [...refs.entries()].find(([, s]) => s === sha);
      if (!from) return { status: 422, body: { message: 'Object does not exist' } };
      refs.set(branch, sha);
      trees.set(branch, new Map([...trees.get(from[0])!.entries()].map(([p, f]) => [p, { ...f }])));
      return { status: 201, body: { ref, object: { type: 'commit', sha } } };
    }
    if ((m = /^\/contents\/(.+)$/.exec(rest))) {
      const path = m[1]!;
      if (r.method === 'GET') {
        const branch = r.query.ref ?? defaultBranch;
        const tree = trees.get(branch);
        if (!tree) return { status: 404, body: { message: `No commit found for the ref ${branch}` } };
        const f = tree.get(path);
        if (!f) return { status: 404, body: { message: 'Not Found' } };
        return { status: 200, body: contentJson(branch, path, f) };
      }
      if (r.method === 'PUT') {
        const branch = String(r.body?.branch ?? defaultBranch);
        const tree = trees.get(branch);
        if (!tree) return { status: 404, body: { message: `Branch ${branch} not found` } };
        if (typeof r.body?.message !== 'string' || typeof r.body?.content !== 'string') {
          return { status: 422, body: { message: 'Invalid request.\n\n"content" and "message" are required.' } };
        }
        const existing = tree.get(path);
        if (existing && r.body.sha === undefined) return { status: 422, body: { message: 'Invalid request.\n\n"sha" wasn\'t supplied.' } };
        if (existing && r.body.sha !== existing.sha) return { status: 409, body: { message: `${path} does not match ${r.body.sha}` } };
        const text = Buffer.from(r.body.content, 'base64').toString('utf8');
        const entry = { content: text, sha: blobSha(text) };
        tree.set(path, entry);
        const commit = commitSha();
        refs.set(branch, commit);
        return {
          status: existing ? 200 : 201,
          body: { content: contentJson(branch, path, entry), commit: { sha: commit, message: r.body.message } },
        };
      }
    }
    if (r.method === 'GET' && rest === '/pulls') {
      const head = r.query.head;
      const state = r.query.state ?? 'open';
      const list = pulls.filter(
        (p) => (state === 'all' || p.state === state) && (head === undefined || `${owner}:${p.head}` === head),
      );
      return { status: 200, body: list.map(pullJson) };
    }
    if (r.method === 'POST' && rest === '/pulls') {
      const { title, head, base, body } = r.body ?? {};
      if (!title || !head || !base) return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'missing_field' }] } };
      if (!refs.has(head)) return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] } };
      if (!refs.has(base)) return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }] } };
      if (pulls.some((p) => p.state === 'open' && p.head === head)) {
        return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }] } };
      }
      const pull: PullEntry = { number: nextNumber++, title, body: body ?? '', head, base, state: 'open', labels: [] };
      pulls.push(pull);
      return { status: 201, body: pullJson(pull) };
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(rest)) && r.method === 'PATCH') {
      const pull = pulls.find((p) => p.number === Number(m![1]));
      if (!pull) return { status: 404, body: { message: 'Not Found' } };
      if (typeof r.body?.title === 'string') pull.title = r.body.title;
      if (typeof r.body?.body === 'string') pull.body = r.body.body;
      if (r.body?.state === 'open' || r.body?.state === 'closed') pull.state = r.body.state;
      return { status: 200, body: pullJson(pull) };
    }
    if ((m = /^\/issues\/(\d+)\/labels$/.exec(rest)) && r.method === 'POST') {
      const pull = pulls.find((p) => p.number === Number(m![1]));
      if (!pull) return { status: 404, body: { message: 'Not Found' } };
      const labels: unknown = r.body?.labels;
      if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) return { status: 422, body: { message: 'Invalid request.' } };
      for (const l of labels as string[]) if (!pull.labels.includes(l)) pull.labels.push(l);
      return { status: 200, body: pull.labels.map((name) => ({ name, color: 'ededed' })) };
    }
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: any = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const record: RecordedGithubRequest = {
        method: req.method ?? 'GET',
        path: u.pathname.split('/').map(decodeURIComponent).join('/'),
        query: Object.fromEntries(u.searchParams.entries()),
        headers: req.headers,
        body,
      };
      requests.push(record);
      let reply: { status: number; body?: unknown };
      try {
        reply = handle(record);
      } catch (err) {
        reply = { status: 500, body: { message: `double: ${(err as Error).message}` } };
      }
      send(res, reply.status, reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    owner,
    repo,
    requests,
    refs,
    pulls,
    calls: () => requests.map((r) => `${r.method} ${r.path.startsWith(prefix) ? r.path.slice(prefix.length) || '/' : r.path}`),
    file: (branch, path) => trees.get(branch)?.get(path),
    setFault: (f) => {
      fault = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
