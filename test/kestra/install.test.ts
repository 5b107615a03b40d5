// kestra:up's decisions (Java version, Maven layout, local config, secrets env) and its
// failure path: a Maven repository on 127.0.0.1 that does not have Kestra (as the
// mirror reachable from this machine does not) must give a message that says what
// is missing and the ways out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../../scripts/kestra/up.js';
import { javaMajor, kestraConfigYaml, kestraProcessEnv, KESTRA_VERSION, mavenJarUrl, pickJava } from '../../src/kestra/install.js';
import { commandEnv, makeTempDir, REPO_ROOT, removeTempDir, runTsx } from '../support/run-command.js';

describe('kestra:up helpers', () => {
  it('reads the Java major version from `java -version`, old and new styles', () => {
    expect(javaMajor('openjdk version "21.0.4" 2024-07-16')).toBe(21);
    expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajor('java version "1.8.0_392"')).toBe(8);
    expect(javaMajor('openjdk version "25" 2025-09-16')).toBe(25);
    expect(javaMajor('bash: java: command not found')).toBeUndefined();
  });

  it('picks the first Java 21+', () => {
    expect(pickJava([{ path: 'java', major: 17 }, { path: '/jvm/temurin-25/bin/java', major: 25 }, { path: '/jvm/21/bin/java', major: 21 }])).toBe('/jvm/temurin-25/bin/java');
    expect(pickJava([{ path: 'java', major: 17 }, { path: 'x', major: undefined }])).toBeUndefined();
  });

  it('builds Maven Central URLs', () => {
    expect(mavenJarUrl('https://repo.maven.apache.org/maven2/', { group: 'io.kestra.plugin', artifact: 'plugin-script-node', version: '1.3.0' })).toBe(
      'https://repo.maven.apache.org/maven2/io/kestra/plugin/plugin-script-node/1.3.0/plugin-script-node-1.3.0.jar',
    );
  });

  it('configures a loopback Kestra with basic auth and no usage reports', () => {
    const yaml = kestraConfigYaml({ host: '127.0.0.1', port: 8080, username: 'a@b.c', password: 'Pw-123456', dataDir: '/d', pluginsDir: '/p' });
    expect(yaml).toContain('host: "127.0.0.1"');
    expect(yaml).toMatch(/anonymous-usage-report:\n {4}enabled: false/);
    expect(yaml).toMatch(/basic-auth:\n {6}username: "a@b.c"\n {6}password: "Pw-123456"/);
  });

  it('defines every secret the flows read (empty when unset), base64 as Kestra expects, and envs as ENV_*', () => {
    const env = kestraProcessEnv({ webhookKey: 'key-12345678', envs: { prometheus_url: 'http://127.0.0.1:9090', github_repository: '' } });
    expect(Buffer.from(env.SECRET_WEBHOOK_KEY!, 'base64').toString()).toBe('key-12345678');
    expect(env.SECRET_TOGETHER_API_KEY).toBe('');
    expect(env.SECRET_GITHUB_TOKEN).toBe('');
    expect(env.ENV_PROMETHEUS_URL).toBe('http://127.0.0.1:9090');
    expect(env).not.toHaveProperty('ENV_GITHUB_REPOSITORY');
    // secret() fails on an undefined secret: every one the flows read must be there.
    const flows = ['devops-loop.yml', 'watchdog-health.yml'].map((f) => readFileSync(join(REPO_ROOT, 'flows', f), 'utf8')).join('\n');
    for (const m of flows.matchAll(/secret\('([A-Z0-9_]+)'\)/g)) expect(env, m[1]).toHaveProperty(`SECRET_${m[1]}`);
  });
});

describe('kestra:up against a Maven repository on 127.0.0.1', () => {
  let server: Server;
  let repo = '';
  let home = '';
  const jarBytes = Buffer.from('PK\u0003\u0004 not really a jar, but bytes to copy');

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/some/artifact.jar') {
        res.writeHead(200, { 'content-length': jarBytes.length });
        res.end(jarBytes);
        return;
      }
      res.writeHead(404);
      res.end('Not Found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    home = await makeTempDir('kestra-home');
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await removeTempDir(home);
  });

  it('downloads a jar whole, and only then gives it its name', async () => {
    const target = join(home, 'artifact.jar');
    await download(`${repo}/some/artifact.jar`, target, 'an artifact');
    expect(readFileSync(target).equals(jarBytes)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
    await expect(download(`${repo}/missing.jar`, join(home, 'missing.jar'), 'io.kestra:kestra:x')).rejects.toThrow(
      `io.kestra:kestra:x is not available at ${repo}/missing.jar (HTTP 404)`,
    );
    expect(existsSync(join(home, 'missing.jar'))).toBe(false);
  });

  it('fails with the missing coordinates and the ways out when the repository lacks Kestra', async () => {
    const r = await runTsx('scripts/kestra/up.ts', [], commandEnv(home, { KESTRA_MAVEN_REPO: repo, KESTRA_HOME: home, KESTRA_URL: 'http://127.0.0.1:9' }), 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kestra:up failed: io.kestra:kestra:${KESTRA_VERSION} is not available at ${repo}/io/kestra/kestra/${KESTRA_VERSION}/kestra-${KESTRA_VERSION}.jar (HTTP 404)`);
    expect(r.stderr).toContain('set KESTRA_MAVEN_REPO');
    expect(r.stderr).toContain('KESTRA_JAR');
    expect(r.stderr).toContain('docker compose up');
    expect(existsSync(join(home, 'kestra.pid'))).toBe(false);
  }, 40_000);

  it('names a KESTRA_JAR that does not exist', async () => {
    const r = await runTsx('scripts/kestra/up.ts', [], commandEnv(home, { KESTRA_JAR: join(home, 'nope.jar'), KESTRA_HOME: home, KESTRA_URL: 'http://127.0.0.1:9' }), 30_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`KESTRA_JAR=${join(home, 'nope.jar')}: no such file`);
  }, 40_000);
});
