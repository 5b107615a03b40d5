// docker-compose.yml, read as data (no Docker engine runs here): the services the
// README promises, wired in the order that works — Kestra on PostgreSQL, flows and
// bundles loaded by an init step once Kestra is healthy, the dashboard after that —
// and the secrets the flows read all defined.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/run-command.js';

type Service = { image?: string; command?: unknown; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string> };
const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const flows = ['devops-loop.yml', 'watchdog-health.yml'].map((f) => readFileSync(join(REPO_ROOT, 'flows', f), 'utf8')).join('\n');

describe('docker-compose.yml', () => {
  it('runs Kestra on PostgreSQL, an init step that deploys the flows, the dashboard, Prometheus and the demo service', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['dashboard', 'demo-service', 'kestra', 'kestra-init', 'postgres', 'prometheus']);
    // Kestra's official image at the local Kestra's version, plus Node.js for the Process task runner.
    expect(readFileSync(join(REPO_ROOT, 'docs/compose/kestra.Dockerfile'), 'utf8')).toMatch(/^FROM kestra\/kestra:v2\.0\.0$/m);
    expect(s.kestra!.environment!.KESTRA_CONFIGURATION).toMatch(/repository:\n\s+type: postgres/);
    expect(s.kestra!.depends_on!.postgres!.condition).toBe('service_healthy');
    expect(JSON.stringify(s['kestra-init']!.command)).toContain('npm run kestra:deploy');
    expect(s['kestra-init']!.depends_on!.kestra!.condition).toBe('service_healthy');
    expect(s.dashboard!.depends_on!['kestra-init']!.condition).toBe('service_completed_successfully');
  });

  it('defines every secret the flows read, so secret() never fails on a missing one', () => {
    const used = new Set([...flows.matchAll(/secret\('([A-Z0-9_]+)'\)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(compose.services.kestra!.environment!), name).toContain(`SECRET_${name}`);
  });
});
