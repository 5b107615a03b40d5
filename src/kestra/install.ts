// Pieces of `npm run kestra:up` that decide things, kept pure for tests: which Java
// to use, where a Maven artifact lives, and Kestra's local configuration.

/** Kestra 1.x runs on Java 21 or newer. */
export const MIN_JAVA = 21;
/** The pinned Kestra release (io.kestra:kestra, the executable jar) and its Node script plugin. */
export const KESTRA_VERSION = '1.3.20';
export const NODE_PLUGIN = { group: 'io.kestra.plugin', artifact: 'plugin-script-node', version: '1.3.0' };
export const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

/** The major version from `java -version` output (`openjdk version "21.0.4"`, `"1.8.0_392"`). */
export function javaMajor(versionOutput: string): number | undefined {
  const m = versionOutput.match(/version "(\d+)(?:\.(\d+))?/);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

/** The first candidate whose Java is new enough, in the order given. */
export function pickJava(candidates: Array<{ path: string; major: number | undefined }>): string | undefined {
  return candidates.find((c) => c.major !== undefined && c.major >= MIN_JAVA)?.path;
}

/** The URL of a jar in a Maven repository's standard layout. */
export function mavenJarUrl(repo: string, coords: { group: string; artifact: string; version: string }): string {
  return `${repo.replace(/\/+$/, '')}/${coords.group.replace(/\./g, '/')}/${coords.artifact}/${coords.version}/${coords.artifact}-${coords.version}.jar`;
}

export interface LocalKestraConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  dataDir: string;
  pluginsDir: string;
}

/** application.yml for `kestra server local`: loopback only, basic auth, no usage reports. */
export function kestraConfigYaml(c: LocalKestraConfig): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    'micronaut:',
    '  server:',
    `    host: ${q(c.host)}`,
    `    port: ${c.port}`,
    'kestra:',
    '  server:',
    '    basic-auth:',
    `      username: ${q(c.username)}`,
    `      password: ${q(c.password)}`,
    '  anonymous-usage-report:',
    '    enabled: false',
    '  ui-anonymous-usage-report:',
    '    enabled: false',
    '  plugins:',
    `    path: ${q(c.pluginsDir)}`,
    '  storage:',
    '    type: local',
    '    local:',
    `      base-path: ${q(`${c.dataDir}/storage`)}`,
    '  tasks:',
    '    tmp-dir:',
    `      path: ${q(`${c.dataDir}/tmp`)}`,
    '',
  ].join('\n');
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
