// kestra:up's decisions, pure (Java choice, when to build local-kestra/, the local
// Kestra's command line and configuration, its log lines, the secrets env), and the
// paths that end before any JVM starts: a KESTRA_URL that is not loopback, a port
// held by something else or by a Kestra with other credentials, a Kestra that
// already answers; and kestra:down, which stops only the local Kestra it started.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  KESTRA_VERSION,
  MIN_JAVA,
  buildReason,
  failureFromLog,
  isLoopbackHost,
  javaHomeOf,
  javaMajor,
  kestraConfigYaml,
  kestraProcessEnv,
  javaOptions,
  localKestraCommand,
  mavenArgs,
  missingJavaMessage,
  missingMavenMessage,
  pickJava,
  readyFromLog,
  type JavaCandidate,
} from '../../src/kestra/install.js';
import { startKestraDouble, type KestraDouble } from '../support/kestra-api-double.js';
import { commandEnv, makeTempDir, REPO_ROOT, removeTempDir, runTsx } from '../support/run-command.js';

describe('kestra:up: which Java', () => {
  it('reads the major version from `java -version`, old and new styles, and from -XshowSettings:properties', () => {
    expect(javaMajor('openjdk version "21.0.4" 2024-07-16')).toBe(21);
    expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajor('java version "1.8.0_392"')).toBe(8);
    expect(javaMajor('openjdk version "25" 2025-09-16')).toBe(25);
    expect(javaMajor('bash: java: command not found')).toBeUndefined();
    const properties = [
      'Property settings:',
      '    java.home = /usr/lib/jvm/temurin-25-jdk-amd64',
      '    java.specification.version = 25',
      '    java.vm.specification.version = 25',
      '',
      'openjdk version "25.0.3" 2026-04-21 LTS',
    ].join('\n');
    expect(javaMajor(properties)).toBe(25);
    expect(javaMajor('    java.specification.version = 1.8\njava version "1.8.0_392"')).toBe(8);
    expect(javaHomeOf(properties)).toBe('/usr/lib/jvm/temurin-25-jdk-amd64');
    expect(javaHomeOf('openjdk version "21"')).toBeUndefined();
  });

  const c = (path: string, source: JavaCandidate['source'], major: number | undefined): JavaCandidate => ({ path, source, major });

  it('takes JAVA_HOME, then java on PATH, then the newest Java 21+ in /usr/lib/jvm', () => {
    const jvm = [c('/usr/lib/jvm/java-17/bin/java', 'jvm-dir', 17), c('/usr/lib/jvm/java-21/bin/java', 'jvm-dir', 21), c('/usr/lib/jvm/temurin-25/bin/java', 'jvm-dir', 25)];
    expect(pickJava([c('/opt/jdk21/bin/java', 'JAVA_HOME', 21), c('java', 'PATH', 25), ...jvm])?.path).toBe('/opt/jdk21/bin/java');
    expect(pickJava([c('/opt/jdk17/bin/java', 'JAVA_HOME', 17), c('java', 'PATH', 22), ...jvm])?.path).toBe('java');
    // this machine: JAVA_HOME unset, java on PATH is 17, temurin-25 in /usr/lib/jvm
    expect(pickJava([c('java', 'PATH', 17), ...jvm])?.path).toBe('/usr/lib/jvm/temurin-25/bin/java');
    // the order given does not matter, the sources do
    expect(pickJava([...jvm, c('java', 'PATH', 21)])?.path).toBe('java');
    expect(pickJava([c('java', 'PATH', 17), c('/usr/lib/jvm/x/bin/java', 'jvm-dir', undefined)])).toBeUndefined();
  });

  it('says what it found and how to install a JDK 21+ when there is none', () => {
    const message = missingJavaMessage([c('java', 'PATH', 17), c('/usr/lib/jvm/java-17/bin/java', 'jvm-dir', 17), c('/nope/bin/java', 'JAVA_HOME', undefined)]);
    expect(message).toContain(`no Java ${MIN_JAVA}+ found (java is Java 17, /usr/lib/jvm/java-17/bin/java is Java 17;`);
    expect(message).toContain('Temurin');
    expect(message).toContain('JAVA_HOME');
    expect(missingJavaMessage([])).toContain('no java at all');
  });
});

describe('kestra:up: building local-kestra', () => {
  it('builds when the jar or its dependencies are missing, or a source is newer than the jar', () => {
    const source = { path: 'local-kestra/src/main/java/io/kestra/local/LocalKestra.java', mtimeMs: 2000 };
    expect(buildReason({ jarMtimeMs: undefined, libJars: 0, newestSource: source })).toMatch(/local-kestra.jar does not exist/);
    expect(buildReason({ jarMtimeMs: 3000, libJars: 0, newestSource: source })).toMatch(/target\/lib has no dependency jars/);
    expect(buildReason({ jarMtimeMs: 1000, libJars: 264, newestSource: source })).toBe(`${source.path} is newer than local-kestra.jar`);
    expect(buildReason({ jarMtimeMs: 3000, libJars: 264, newestSource: source })).toBeUndefined();
  });

  it('runs Maven in batch mode without tests, offline when ~/.m2 has the dependencies', () => {
    expect(mavenArgs(true)).toEqual(['-B', '-o', 'package', '-DskipTests']);
    expect(mavenArgs(false)).toEqual(['-B', 'package', '-DskipTests']);
    // -q or --no-transfer-progress would hide the "Downloaded from" lines the progress counts
    expect(mavenArgs(false).some((a) => a === '-q' || a === '-ntp')).toBe(false);
  });

  it('says how to install Maven when mvn does not run', () => {
    const message = missingMavenMessage('not on PATH');
    expect(message).toContain('`mvn` does not run (not on PATH)');
    expect(message).toContain('apt-get install maven');
  });
});

describe('kestra:up: the local Kestra process', () => {
  it('runs LocalKestra with the config file and a classpath of the jar and lib/*', () => {
    expect(localKestraCommand({ java: '/jdk/bin/java', configFile: '/s/application.yml', jar: '/s/runtime/local-kestra.jar', libDir: '/s/runtime/lib' })).toEqual({
      command: '/jdk/bin/java',
      args: ['-Dmicronaut.config.files=/s/application.yml', '-cp', '/s/runtime/local-kestra.jar:/s/runtime/lib/*', 'io.kestra.local.LocalKestra'],
    });
    expect(KESTRA_VERSION).toBe('2.0.0');
  });

  it('configures loopback, basic auth, H2 on disk, local storage and the controller port', () => {
    const yaml = kestraConfigYaml({ host: '127.0.0.1', port: 28080, controllerPort: 28081, username: 'a@b.c', password: 'Pw-123456', dataDir: '/abs/.kestra/data' });
    expect(parse(yaml)).toEqual({
      micronaut: { server: { host: '127.0.0.1', port: 28080 } },
      datasources: {
        default: { url: 'jdbc:h2:file:/abs/.kestra/data/db;DB_CLOSE_ON_EXIT=FALSE', username: 'sa', password: '', 'driver-class-name': 'org.h2.Driver' },
      },
      kestra: {
        server: { 'basic-auth': { username: 'a@b.c', password: 'Pw-123456' } },
        storage: { local: { 'base-path': '/abs/.kestra/data/storage' } },
        tasks: { 'tmp-dir': { path: '/abs/.kestra/data/tmp' } },
        worker: { controllers: { static: { endpoints: [{ host: '127.0.0.1', port: 28081 }] } } },
        controller: { port: 28081 },
      },
    });
    // values that YAML would otherwise read as something else stay strings
    const odd = parse(kestraConfigYaml({ host: '127.0.0.1', port: 1, controllerPort: 2, username: 'x@y.z', password: 'No: 1 #Yes', dataDir: '/a b' }));
    expect(odd.kestra.server['basic-auth'].password).toBe('No: 1 #Yes');
    expect(odd.kestra.storage.local['base-path']).toBe('/a b/storage');
  });

  it('reads the ready line and the failure reason from its log', () => {
    const log = '14:32:03.536 INFO  i.k.local.LocalKestra - Local Kestra ready on http://127.0.0.1:28080 in 17696 ms\n';
    expect(readyFromLog(log)).toEqual({ url: 'http://127.0.0.1:28080', ms: 17696 });
    expect(readyFromLog('starting...')).toBeUndefined();
    expect(failureFromLog('14:33:41.266 ERROR i.k.local.LocalKestra - Local Kestra failed to start: Port 28080 already in use\n\tat x')).toBe('Port 28080 already in use');
    expect(failureFromLog(log)).toBeUndefined();
  });

  it('accepts only loopback hosts', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.5', 'kestra.example.com']) expect(isLoopbackHost(h), h).toBe(false);
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

describe('kestra:up and kestra:down before any JVM starts', () => {
  let home = '';
  let kestra: KestraDouble | undefined;
  let other: Server | undefined;
  beforeAll(async () => {
    home = await makeTempDir('kestra-home');
  });
  afterEach(async () => {
    await kestra?.close();
    kestra = undefined;
    if (other) await new Promise((r) => other!.close(r));
    other = undefined;
  });
  afterAll(async () => {
    await removeTempDir(home);
  });
  const up = (env: Record<string, string>) => runTsx('scripts/kestra/up.ts', [], commandEnv(home, { KESTRA_HOME: home, ...env }), 30_000);

  it('refuses a KESTRA_URL that is not loopback', async () => {
    const r = await up({ KESTRA_URL: 'http://10.1.2.3:8080' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kestra:up failed: KESTRA_URL=http://10.1.2.3:8080: kestra:up starts a local Kestra on http://127.0.0.1 only');
    expect(existsSync(join(home, 'kestra.pid'))).toBe(false);
  });

  it('leaves a Kestra that already answers with our credentials alone, and names other credentials', async () => {
    kestra = await startKestraDouble();
    const ok = await up({ KESTRA_URL: kestra.url, KESTRA_USERNAME: kestra.username, KESTRA_PASSWORD: kestra.password });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`Kestra already running: ${kestra.url} (user ${kestra.username})\n`);
    expect(ok.stderr).toContain('not started by kestra:up, so kestra:down leaves it alone');
    expect(existsSync(join(home, 'kestra.pid'))).toBe(false);

    const wrong = await up({ KESTRA_URL: kestra.url, KESTRA_USERNAME: kestra.username, KESTRA_PASSWORD: 'Wrong-password-9' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`kestra:up failed: a Kestra already answers at ${kestra.url} but rejects KESTRA_USERNAME/KESTRA_PASSWORD (401)`);
  }, 40_000);

  it('names a port held by a program that is not Kestra', async () => {
    other = createServer((_req, res) => {
      res.writeHead(404);
      res.end('nothing here');
    });
    await new Promise<void>((r) => other!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const r = await up({ KESTRA_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`kestra:up failed: 127.0.0.1:\\d+ is in use by another program, which does not answer as Kestra \\(.*HTTP 404`));
    expect(r.stderr).toContain('set KESTRA_URL to another port');
  });

  it('kestra:down stops nothing but the local Kestra it started: a stale or reused pid is left alone', async () => {
    const none = await runTsx('scripts/kestra/down.ts', [], commandEnv(home, { KESTRA_HOME: home }), 30_000);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(`Kestra is not running (no pid file in ${home})\n`);

    // a live process that is not the local Kestra, under the recorded pid
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(home, 'kestra.pid'), String(bystander.pid));
      const r = await runTsx('scripts/kestra/down.ts', [], commandEnv(home, { KESTRA_HOME: home }), 30_000);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`Kestra is not running (removed the stale pid file of pid ${bystander.pid})\n`);
      expect(existsSync(join(home, 'kestra.pid'))).toBe(false);
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
    } finally {
      bystander.kill();
    }
  });
});

describe('KESTRA_JAVA_OPTS', () => {
  it('splits plain options on whitespace and puts them before the main class', () => {
    expect(javaOptions('  -Xmx1g   -XX:+UseSerialGC ')).toEqual(['-Xmx1g', '-XX:+UseSerialGC']);
    expect(javaOptions(undefined)).toEqual([]);
    const { args } = localKestraCommand({ java: 'java', configFile: 'c.yml', jar: 'k.jar', libDir: 'lib', jvmOptions: ['-XX:AOTCache=/r/kestra.aot', '-Xmx1g'] });
    expect(args.slice(0, 2)).toEqual(['-XX:AOTCache=/r/kestra.aot', '-Xmx1g']);
    expect(args.at(-1)).toBe('io.kestra.local.LocalKestra');
  });

  it('refuses quotes rather than split them wrongly, naming the variable', () => {
    expect(() => javaOptions('-Dname="a b"')).toThrow(/KESTRA_JAVA_OPTS=.*quotes/);
  });
});
