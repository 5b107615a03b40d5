// Pieces of `npm run kestra:up` that decide things, kept pure for tests: which Java
// to use, whether the local-kestra module needs a (re)build, the command line and
// configuration of the local Kestra, and the messages when something is missing.
//
// The local Kestra is the Maven module local-kestra/: Kestra 2.0's engine (from Maven
// Central) in one JVM, H2 on disk, local storage, and a stand-in for the REST API
// subset the project uses. Built with `mvn package` into local-kestra/target.

/** Kestra 2.0 runs on Java 21 or newer. */
export const MIN_JAVA = 21;
/** The Kestra release local-kestra/pom.xml builds on (kestra.version). */
export const KESTRA_VERSION = '2.0.0';
/** The entry point of local-kestra.jar. */
export const LOCAL_KESTRA_MAIN = 'io.kestra.local.LocalKestra';

/** The major version from `java -version` output (`openjdk version "21.0.4"`, `"1.8.0_392"`). */
export function javaMajor(versionOutput: string): number | undefined {
  const spec = versionOutput.match(/^\s*java\.specification\.version = (\d+)(?:\.(\d+))?\s*$/m);
  if (spec) return spec[1] === '1' && spec[2] ? Number(spec[2]) : Number(spec[1]);
  const m = versionOutput.match(/version "(\d+)(?:\.(\d+))?/);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

/** java.home from `java -XshowSettings:properties -version` output. */
export function javaHomeOf(output: string): string | undefined {
  return output.match(/^\s*java\.home = (.+?)\s*$/m)?.[1];
}

export interface JavaCandidate {
  /** `$JAVA_HOME/bin/java`, `java` (from PATH) or /usr/lib/jvm/<dir>/bin/java */
  path: string;
  source: 'JAVA_HOME' | 'PATH' | 'jvm-dir';
  major: number | undefined;
  /** java.home, when the binary ran */
  home?: string | undefined;
}

/**
 * The Java to run (and build) the local Kestra with: the first Java 21+ in the order
 * JAVA_HOME, `java` on PATH, then /usr/lib/jvm/* newest version first.
 */
export function pickJava<T extends JavaCandidate>(candidates: T[]): T | undefined {
  const rank = { JAVA_HOME: 0, PATH: 1, 'jvm-dir': 2 } as const;
  const ordered = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank[a.c.source] - rank[b.c.source] || (a.c.source === 'jvm-dir' ? (b.c.major ?? 0) - (a.c.major ?? 0) : 0) || a.i - b.i)
    .map(({ c }) => c);
  return ordered.find((c) => c.major !== undefined && c.major >= MIN_JAVA);
}

/** What to say when no candidate is Java 21+: what was found, and how to install one. */
export function missingJavaMessage(candidates: JavaCandidate[]): string {
  const found = candidates.filter((c) => c.major !== undefined).map((c) => `${c.path} is Java ${c.major}`);
  return (
    `no Java ${MIN_JAVA}+ found (${found.length ? found.join(', ') : 'no java at all'}; looked at JAVA_HOME, java on PATH and /usr/lib/jvm/*). ` +
    `The local Kestra (Kestra ${KESTRA_VERSION}) needs a JDK ${MIN_JAVA}+: install one, e.g. Eclipse Temurin (https://adoptium.net, ` +
    `Debian/Ubuntu: apt-get install temurin-21-jdk from the Adoptium repository, or openjdk-21-jdk where the distribution has it), ` +
    'and set JAVA_HOME to it'
  );
}

/** What to say when the module must be built and `mvn` does not run. */
export function missingMavenMessage(why: string): string {
  return (
    `the local Kestra must be built from local-kestra/ with Maven, but \`mvn\` does not run (${why}). ` +
    'Install Maven 3.8+ (Debian/Ubuntu: apt-get install maven; or https://maven.apache.org/download.cgi) and put mvn on PATH'
  );
}

/**
 * Why local-kestra must be (re)built, or undefined when the jar is current: no jar,
 * no dependency jars, or a source file (local-kestra/src/**, pom.xml) newer than the jar.
 */
export function buildReason(state: { jarMtimeMs: number | undefined; libJars: number; newestSource: { path: string; mtimeMs: number } | undefined }): string | undefined {
  if (state.jarMtimeMs === undefined) return 'local-kestra/target/local-kestra.jar does not exist yet';
  if (state.libJars === 0) return 'local-kestra/target/lib has no dependency jars';
  if (state.newestSource && state.newestSource.mtimeMs > state.jarMtimeMs) return `${state.newestSource.path} is newer than local-kestra.jar`;
  return undefined;
}

/** `mvn` arguments for the build: offline when the dependencies are already in ~/.m2. */
export function mavenArgs(offline: boolean): string[] {
  // -B: plain lines (no progress bars), which kestra:up counts to show progress.
  return ['-B', ...(offline ? ['-o'] : []), 'package', '-DskipTests'];
}

/** The local Kestra's command line; `lib/*` is Java's own classpath wildcard (no shell involved). */
export function localKestraCommand(c: { java: string; configFile: string; jar: string; libDir: string; jvmOptions?: string[] }): {
  command: string;
  args: string[];
} {
  return {
    command: c.java,
    args: [...(c.jvmOptions ?? []), `-Dmicronaut.config.files=${c.configFile}`, '-cp', `${c.jar}:${c.libDir}/*`, LOCAL_KESTRA_MAIN],
  };
}

/**
 * KESTRA_JAVA_OPTS (as the official image's JAVA_OPTS): JVM options split on
 * whitespace; a value with quotes is refused rather than split wrongly.
 */
export function javaOptions(raw: string | undefined): string[] {
  const text = raw?.trim() ?? '';
  if (!text) return [];
  if (/["'\\]/.test(text)) throw new Error(`KESTRA_JAVA_OPTS=${text}: quotes and backslashes are not supported; give plain options separated by spaces, e.g. -Xmx1g -XX:+UseSerialGC`);
  return text.split(/\s+/);
}

/** The local Kestra refuses any other host (LocalSettings.java). */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

export interface LocalKestraConfig {
  host: string;
  port: number;
  /** the engine's internal gRPC port between worker and controller (loopback) */
  controllerPort: number;
  username: string;
  password: string;
  /** absolute: H2 database, internal storage and task working directories go under it */
  dataDir: string;
}

/**
 * The Micronaut configuration file of the local Kestra (micronaut.config.files):
 * loopback only, basic auth, H2 on disk, local storage. The module's own
 * application.yml holds the rest (server type, queue/repository types, usage reports off).
 */
export function kestraConfigYaml(c: LocalKestraConfig): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    'micronaut:',
    '  server:',
    `    host: ${q(c.host)}`,
    `    port: ${c.port}`,
    'datasources:',
    '  default:',
    `    url: ${q(`jdbc:h2:file:${c.dataDir}/db;DB_CLOSE_ON_EXIT=FALSE`)}`,
    '    username: sa',
    '    password: ""',
    '    driver-class-name: org.h2.Driver',
    'kestra:',
    '  server:',
    '    basic-auth:',
    `      username: ${q(c.username)}`,
    `      password: ${q(c.password)}`,
    '  storage:',
    '    local:',
    `      base-path: ${q(`${c.dataDir}/storage`)}`,
    '  tasks:',
    '    tmp-dir:',
    `      path: ${q(`${c.dataDir}/tmp`)}`,
    '  worker:',
    '    controllers:',
    '      static:',
    '        endpoints:',
    `          - host: ${q(c.host)}`,
    `            port: ${c.controllerPort}`,
    '  controller:',
    `    port: ${c.controllerPort}`,
    '',
  ].join('\n');
}

/** What LocalKestra logs when it is ready, and its own start-up time. */
export function readyFromLog(log: string): { url: string; ms: number } | undefined {
  const m = log.match(/Local Kestra ready on (\S+) in (\d+) ms/);
  return m ? { url: m[1]!, ms: Number(m[2]) } : undefined;
}

/** The reason LocalKestra logs before exiting 1. */
export function failureFromLog(log: string): string | undefined {
  return log.match(/Local Kestra failed to start: (.*)/)?.[1]?.trim();
}

/**
 * The environment Kestra reads secrets and `envs.*` from: SECRET_<NAME> is the
 * base64 value of secret('<NAME>'); ENV_<NAME> becomes {{ envs.<name> }}. Every secret
 * the flows read is defined (empty when not configured): secret() fails on a missing one.
 */
export function kestraProcessEnv(values: {
  webhookKey: string;
  togetherApiKey?: string;
  githubToken?: string;
  envs: Record<string, string | undefined>;
}): Record<string, string> {
  const b64 = (s: string | undefined) => Buffer.from(s ?? '').toString('base64');
  const env: Record<string, string> = {
    SECRET_WEBHOOK_KEY: b64(values.webhookKey),
    SECRET_TOGETHER_API_KEY: b64(values.togetherApiKey),
    SECRET_GITHUB_TOKEN: b64(values.githubToken),
  };
  for (const [name, value] of Object.entries(values.envs)) if (value !== undefined && value !== '') env[`ENV_${name.toUpperCase()}`] = value;
  return env;
}
