// The demo service over loopback HTTP: /version, /deploy (validation, behaviour
// switch), /metrics, errors; its settings; and scripts/demo-service.ts as a
// process (starts, answers, exits 0 on SIGTERM; exits 2 on a bad setting).
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.js';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { DEMO_DEFAULTS, loadDemoSettings, type DemoSettings } from '../../src/demo/settings.js';
import { silentLogger } from '../../src/log.js';
import { freePort } from '../support/prometheus-server.js';
import { commandEnv, REPO_ROOT, runTsx } from '../support/run-command.js';

const settings = (overrides: Partial<DemoSettings> = {}): DemoSettings => ({ ...DEMO_DEFAULTS, host: '127.0.0.1', port: 0, ...overrides });

async function post(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('demo service HTTP API', () => {
  let server: DemoServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('GET /version shows the running version, since when, its behaviour and pod', async () => {
    server = await startDemoServer(settings(), { logger: silentLogger() });
    const res = await fetch(`${server.url}/version`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ service: 'payment-service', namespace: 'default', version: 'v1.4.2', behaviour: 'good', bad_versions: ['v2.0.0-bad'] });
    expect(body.pod).toMatch(/^payment-service-[a-z0-9]+-[a-z0-9]+$/);
    expect(new Date(body.since as string).getTime()).toBeLessThanOrEqual(Date.now());
    expect(body.profile).toMatchObject({ kind: 'good', error_rate_pct: 0.3, memory: 'flat' });
  });

  it('POST /deploy switches the behaviour and the pod; GET /version follows', async () => {
    server = await startDemoServer(settings({ badVersions: ['v9.9.9-broken'] }), { logger: silentLogger() });
    const before = (await (await fetch(`${server.url}/version`)).json()) as Record<string, unknown>;
    const deployed = await post(`${server.url}/deploy`, '{"version": "v9.9.9-broken"}');
    expect(deployed.status).toBe(200);
    expect(deployed.json).toMatchObject({ version: 'v9.9.9-broken', previous_version: 'v1.4.2', behaviour: 'bad' });
    expect(deployed.json.pod).not.toBe(before.pod);
    const after = (await (await fetch(`${server.url}/version`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ version: 'v9.9.9-broken', behaviour: 'bad', pod: deployed.json.pod });
    expect((await post(`${server.url}/deploy`, '{"version": "v2.0.0-bad"}')).json.behaviour).toBe('good');
  });

  it('POST /deploy with an invalid body is a 400 naming the field, and changes nothing', async () => {
    server = await startDemoServer(settings(), { logger: silentLogger() });
    const cases: Array<[string, RegExp]> = [
      ['{"version": 42}', /^field "version": expected a string/],
      ['{"version": "not a tag"}', /^field "version": expected an image tag/],
      ['{"tag": "v2"}', /unknown field\(s\) "tag"/],
      ['{}', /^field "version" is missing/],
      ['nope', /^body: not valid JSON/],
      ['', /^body: expected a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post(`${server.url}/deploy`, body);
      expect(res.status, body).toBe(400);
      expect(res.json.error, body).toMatch(message);
    }
    expect(server.simulator.current.version).toBe('v1.4.2');
  });

  it('a body over 16 KiB is a 413; unknown paths 404; wrong methods 405 with Allow', async () => {
    server = await startDemoServer(settings(), { logger: silentLogger() });
    const big = await fetch(`${server.url}/deploy`, { method: 'POST', body: JSON.stringify({ version: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no such path \/nope/);
    const wrong = await fetch(`${server.url}/deploy`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok\n');
  });

  it('GET /metrics is the Prometheus text format, counting the generated traffic', async () => {
    server = await startDemoServer(settings({ requestsPerSecond: 200 }), { logger: silentLogger(), tickMs: 20 });
    await new Promise((r) => setTimeout(r, 300));
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const count = Number(/^http_request_duration_seconds_count\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
    expect(count).toBeGreaterThanOrEqual(40);
    expect(text).toMatch(/^container_memory_working_set_bytes\{namespace="default",pod="payment-service-[a-z0-9]+-[a-z0-9]+",container="payment-service"\} \d+$/m);
  });

  it('stop() closes even while a scraper holds a keep-alive connection', async () => {
    server = await startDemoServer(settings(), { logger: silentLogger() });
    const res = await fetch(`${server.url}/metrics`, { headers: { Connection: 'keep-alive' } });
    await res.text();
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('demo service settings', () => {
  it('defaults: 127.0.0.1:9464, payment-service in default, v1.4.2, bad v2.0.0-bad, 20 req/s', () => {
    expect(loadDemoSettings({})).toEqual({
      host: '127.0.0.1',
      port: 9464,
      service: 'payment-service',
      namespace: 'default',
      initialVersion: 'v1.4.2',
      badVersions: ['v2.0.0-bad'],
      requestsPerSecond: 20,
      leakPercentPerMinute: 3,
      seed: 42,
    });
  });

  it('reads every variable', () => {
    const s = loadDemoSettings({
      PORT: '0',
      SERVICE: 'cart',
      NAMESPACE: 'shop',
      INITIAL_VERSION: 'v3',
      BAD_VERSIONS: ' v4-bad , v5-bad ,',
      TRAFFIC_RPS: '2.5',
      LEAK_PCT_PER_MINUTE: '50',
      SEED: '9',
    });
    expect(s).toMatchObject({ port: 0, service: 'cart', namespace: 'shop', initialVersion: 'v3', badVersions: ['v4-bad', 'v5-bad'], requestsPerSecond: 2.5, leakPercentPerMinute: 50, seed: 9 });
  });

  it('invalid values are a ConfigError naming each variable and the value', () => {
    let err: unknown;
    try {
      loadDemoSettings({ PORT: '70000', SERVICE: 'Payment_Service', BAD_VERSIONS: 'ok,not ok', TRAFFIC_RPS: 'fast' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = Object.fromEntries((err as ConfigError).issues.map((i) => [i.variable, i.message]));
    expect(Object.keys(issues).sort()).toEqual(['BAD_VERSIONS', 'PORT', 'SERVICE', 'TRAFFIC_RPS']);
    expect(issues.PORT).toMatch(/at most 65535.*got "70000"/);
    expect(issues.BAD_VERSIONS).toMatch(/"not ok" is not one/);
  });
});

describe('scripts/demo-service.ts', () => {
  it('listens on PORT, answers, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo-service.ts'], {
      cwd: REPO_ROOT,
      env: commandEnv('unused', { PORT: String(port), SERVICE: 'checkout', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const deadline = Date.now() + 20_000;
      while (!stderr.includes('demo service listening')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo service did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const version = (await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as Record<string, unknown>;
      expect(version).toMatchObject({ service: 'checkout', version: 'v1.4.2', behaviour: 'good' });
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.at(-1)).toMatchObject({ msg: 'demo service stopping', signal: 'SIGTERM' });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('an invalid setting exits 2 with a message naming the variable', async () => {
    const result = await runTsx('scripts/demo-service.ts', [], commandEnv('unused', { PORT: 'eighty' }), 20_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT: expected a number (TCP port), got "eighty"');
  });
});
