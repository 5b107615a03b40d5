// The prometheus.yml for scraping the demo service: its text, its validation and
// that the real promtool (Debian package `prometheus`) accepts it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoPrometheusConfig, prometheusArgs, writeDemoPrometheusConfig } from '../../src/demo/prometheus-config.js';
import { PROMTOOL_BIN } from '../support/prometheus-server.js';
import { makeTempDir, removeTempDir, REPO_ROOT, runCommand } from '../support/run-command.js';

describe('demoPrometheusConfig', () => {
  it('scrapes the target every 5 s by default, keeping the exposed namespace/pod labels', () => {
    const text = demoPrometheusConfig({ target: '127.0.0.1:9464' });
    expect(text).toContain('  scrape_interval: 5s\n');
    expect(text).toContain('  - job_name: "demo-service"\n');
    expect(text).toContain('    honor_labels: true\n');
    expect(text).toContain('    metrics_path: "/metrics"\n');
    expect(text).toContain('      - targets: ["127.0.0.1:9464"]\n');
  });

  it('a short interval gets a timeout no longer than itself', () => {
    const text = demoPrometheusConfig({ target: '127.0.0.1:1234', scrapeIntervalSeconds: 1, jobName: 'demo' });
    expect(text).toContain('    scrape_interval: 1s\n    scrape_timeout: 1s\n');
    expect(text).toContain('  - job_name: "demo"\n');
    expect(demoPrometheusConfig({ target: 'localhost:1', scrapeIntervalSeconds: 30 })).toContain('scrape_timeout: 10s');
  });

  it('rejects what Prometheus would reject, naming the option', () => {
    expect(() => demoPrometheusConfig({ target: 'http://127.0.0.1:9464' })).toThrow(/^target: expected host:port/);
    expect(() => demoPrometheusConfig({ target: '127.0.0.1' })).toThrow(/^target:/);
    expect(() => demoPrometheusConfig({ target: '127.0.0.1:1', scrapeIntervalSeconds: 0.5 })).toThrow(/^scrapeIntervalSeconds:/);
    expect(() => demoPrometheusConfig({ target: '127.0.0.1:1', jobName: 'a b' })).toThrow(/^jobName:/);
    expect(() => demoPrometheusConfig({ target: '127.0.0.1:1', metricsPath: 'metrics' })).toThrow(/^metricsPath:/);
  });

  it('writes the file (creating its directory) and promtool accepts it', async () => {
    const dir = await makeTempDir('demo-prom-config');
    try {
      const file = await writeDemoPrometheusConfig(join(dir, 'nested', 'prometheus.yml'), {
        target: '127.0.0.1:9464',
        scrapeIntervalSeconds: 2,
      });
      expect(await readFile(file, 'utf8')).toBe(demoPrometheusConfig({ target: '127.0.0.1:9464', scrapeIntervalSeconds: 2 }));
      const check = await runCommand(PROMTOOL_BIN, ['check', 'config', file], { cwd: REPO_ROOT, env: process.env });
      expect(check.code, check.stdout + check.stderr).toBe(0);
    } finally {
      await removeTempDir(dir);
    }
  });

  it('prometheusArgs gives the local stack\'s command line', () => {
    expect(prometheusArgs({ configFile: '/c.yml', dataDir: '/d', listenAddress: '127.0.0.1:9090' })).toEqual([
      '--config.file=/c.yml',
      '--storage.tsdb.path=/d',
      '--web.listen-address=127.0.0.1:9090',
    ]);
  });
});
