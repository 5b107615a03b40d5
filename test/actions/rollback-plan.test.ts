// src/actions/rollback-plan.ts: the kubectl commands a rollback runs, as argv
// arrays, with names validated before any command exists.
import { describe, expect, it } from 'vitest';
import {
  InvalidTargetError,
  formatCommand,
  planRollback,
  validateTarget,
  type RollbackTarget,
} from '../../src/actions/rollback-plan.js';

const target = (overrides: Partial<RollbackTarget> = {}): RollbackTarget => ({
  service: 'payment-service',
  namespace: 'prod',
  ...overrides,
});

describe('planRollback', () => {
  it('without previous_version: undo to the previous revision, wait, verify; every step an argv array', () => {
    const steps = planRollback(target());
    expect(steps.map((s) => s.argv)).toEqual([
      ['kubectl', '-n', 'prod', 'rollout', 'undo', 'deployment/payment-service'],
      ['kubectl', '-n', 'prod', 'rollout', 'status', 'deployment/payment-service', '--timeout=180s'],
      ['kubectl', '-n', 'prod', 'get', 'deployment/payment-service', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'],
    ]);
    for (const step of steps) {
      expect(Array.isArray(step.argv)).toBe(true);
      expect(step.argv[0]).toBe('kubectl');
      expect(step.purpose.length).toBeGreaterThan(0);
      // never a shell line: no element holds the whole command
      expect(step.argv.every((a) => typeof a === 'string' && !a.startsWith('kubectl '))).toBe(true);
    }
    expect(steps.some((s) => s.argv.some((a) => a.startsWith('--to-revision')))).toBe(false);
  });

  it('with previous_version: find the revision, then undo --to-revision for that version', () => {
    const steps = planRollback(target({ previous_version: 'v2.4.0' }));
    expect(steps).toHaveLength(4);
    expect(steps[0]!.argv).toEqual(['kubectl', '-n', 'prod', 'get', 'replicasets', '-o', 'json']);
    expect(steps[0]!.purpose).toContain('v2.4.0');
    expect(steps[1]!.argv.slice(0, 6)).toEqual(['kubectl', '-n', 'prod', 'rollout', 'undo', 'deployment/payment-service']);
    expect(steps[1]!.argv).toHaveLength(7);
    expect(steps[1]!.argv[6]).toMatch(/^--to-revision=.*v2\.4\.0/);
    expect(steps[2]!.argv).toContain('--timeout=180s');
    expect(steps.filter((s) => s.argv.some((a) => a.startsWith('--to-revision')))).toHaveLength(1);
  });

  it('--context comes right after kubectl in every step when given, and nowhere when not', () => {
    const withContext = planRollback(target({ context: 'prod-eu', previous_version: 'v1' }));
    for (const step of withContext) expect(step.argv.slice(0, 5)).toEqual(['kubectl', '--context', 'prod-eu', '-n', 'prod']);
    for (const step of planRollback(target())) expect(step.argv).not.toContain('--context');
  });

  it('timeoutSeconds sets the rollout status timeout', () => {
    const steps = planRollback(target({ timeoutSeconds: 42 }));
    expect(steps.find((s) => s.argv.includes('status'))!.argv).toContain('--timeout=42s');
  });

  it.each<[string, Partial<RollbackTarget>]>([
    ['a service with a shell payload', { service: 'svc; rm -rf /' }],
    ['an uppercase service', { service: 'Payment-Service' }],
    ['a service with "_"', { service: 'payment_service' }],
    ['a service with a space', { service: 'payment service' }],
    ['an empty service', { service: '' }],
    ['a service starting with "-" (a flag)', { service: '-n' }],
    ['an uppercase namespace', { namespace: 'Prod' }],
    ['a 64-character namespace', { namespace: 'n'.repeat(64) }],
    ['a namespace with a dot', { namespace: 'team.prod' }],
    ['a namespace with a shell payload', { namespace: 'prod && curl evil' }],
    ['an empty namespace', { namespace: '' }],
  ])('%s is rejected before any command is planned', (_what, overrides) => {
    expect(() => validateTarget(target(overrides))).toThrow(InvalidTargetError);
    expect(() => planRollback(target(overrides))).toThrow(InvalidTargetError);
    expect(() => planRollback(target(overrides))).toThrow(/refusing to roll back/);
  });

  it('the limits themselves are accepted: a 63-character namespace, a dotted service', () => {
    expect(() => planRollback(target({ namespace: 'n'.repeat(63), service: 'api.payments' }))).not.toThrow();
  });
});

describe('formatCommand', () => {
  it('safe arguments are left bare', () => {
    expect(formatCommand(['kubectl', '-n', 'prod', 'rollout', 'undo', 'deployment/payment-service', '--timeout=180s'])).toBe(
      'kubectl -n prod rollout undo deployment/payment-service --timeout=180s',
    );
  });

  it('unsafe arguments are single-quoted; embedded single quotes are escaped', () => {
    expect(formatCommand(['echo', 'a b'])).toBe("echo 'a b'");
    expect(formatCommand(['echo', 'jsonpath={.items[*]}'])).toBe("echo 'jsonpath={.items[*]}'");
    expect(formatCommand(['echo', '$(whoami)', 'x;y', 'a|b', '`id`'])).toBe("echo '$(whoami)' 'x;y' 'a|b' '`id`'");
    expect(formatCommand(['echo', "it's"])).toBe(`echo 'it'\\''s'`);
    expect(formatCommand(['echo', ''])).toBe("echo ''");
  });

  it('formats a planned rollback as pasteable lines', () => {
    const lines = planRollback(target({ previous_version: 'v2.4.0' })).map((s) => formatCommand(s.argv));
    expect(lines[1]).toBe("kubectl -n prod rollout undo deployment/payment-service '--to-revision=<revision of v2.4.0>'");
    expect(lines[3]).toBe("kubectl -n prod get deployment/payment-service -o 'jsonpath={.spec.template.spec.containers[*].image}'");
  });
});
