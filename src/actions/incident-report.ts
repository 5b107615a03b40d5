// The incident report a fix pull request carries, in Markdown.
import type { DecisionRecord } from '../decision/types.js';
import { formatNumber, formatP } from '../judge/format.js';
import type { Deployment } from '../scenario/schema.js';

const cell = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : formatNumber(x));
const escape = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function incidentTitle(deployment: Deployment, record: DecisionRecord): string {
  return `Rollback ${deployment.service} ${deployment.version}${deployment.previous_version ? ` → ${deployment.previous_version}` : ''}: ${record.judge.verdicts
    .filter((v) => v.verdict === 'high' || v.verdict === 'low')
    .map((v) => v.metric)
    .slice(0, 3)
    .join(', ') || 'watchdog decision'}`;
}

export function incidentReport(deployment: Deployment, record: DecisionRecord): string {
  const rows = record.judge.verdicts.map(
    (v) =>
      `| ${escape(v.metric)} | ${v.verdict} | ${cell(v.baseline.median)} | ${cell(v.canary.median)} | ${cell(v.shift)} | ${cell(v.tolerance)} | ${v.p_value === null ? '–' : formatP(v.p_value)} |`,
  );
  const sigs = record.log_analysis.signatures
    .filter((s) => s.is_new || s.level === 'error')
    .slice(0, 10)
    .map((s) => `| ${s.is_new ? 'new' : ''} | ${s.level} | ${s.baseline_count} | ${s.canary_count} | \`${escape(s.signature)}\` |`);
  const llm = record.llm;
  return [
    `# Incident: ${deployment.service} ${deployment.version}`,
    '',
    `- Deployment: \`${deployment.deployment_id}\` in namespace \`${deployment.namespace}\``,
    `- Decision: **${record.decision}** (confidence ${record.confidence.toFixed(2)}, decided by ${record.decided_by})`,
    `- Health score: ${record.health_score ?? 'n/a'}`,
    deployment.previous_version ? `- Last known good: \`${deployment.previous_version}\`` : '- Last known good: the previous revision',
    '',
    '## Summary',
    '',
    record.summary,
    '',
    '## Reasoning',
    '',
    record.reasoning,
    '',
    '## Metrics',
    '',
    '| metric | verdict | baseline median | canary median | shift | tolerance | p |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Log signatures',
    '',
    ...(sigs.length
      ? ['| | level | baseline | canary | signature |', '| --- | --- | --- | --- | --- |', ...sigs]
      : ['No new or error-level log signatures.']),
    '',
    '## Suggested fix',
    '',
    record.suspected_cause
      ? `Suspected cause: ${record.suspected_cause}`
      : llm.status === 'answered'
        ? 'The LLM named no specific cause.'
        : `No LLM analysis (${llm.reason}); start from the metrics above.`,
    '',
  ].join('\n');
}
