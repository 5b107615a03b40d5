// POST /deploy's body validation (zod/mini): every rejection names the bad field.
import { describe, expect, it } from 'vitest';
import { parseDeployRequest } from '../../src/demo/deploy-request.js';

function rejected(body: string): string {
  const result = parseDeployRequest(body);
  if (result.ok) throw new Error(`expected ${body} to be rejected`);
  return result.message;
}

describe('parseDeployRequest', () => {
  it('accepts {"version": "<image tag>"}', () => {
    for (const version of ['v1.4.3', 'v2.0.0-bad', '1.0', 'latest', '_x', 'a'.repeat(128)]) {
      expect(parseDeployRequest(JSON.stringify({ version }))).toEqual({ ok: true, request: { version } });
    }
  });

  it('a missing version names the field and says it is missing', () => {
    expect(rejected('{}')).toMatch(/^field "version" is missing: expected an image tag/);
  });

  it('a version that is not a string names the field and shows the value', () => {
    expect(rejected('{"version": 2}')).toMatch(/^field "version": expected a string, .* got 2$/);
    expect(rejected('{"version": null}')).toMatch(/^field "version": expected a string, .* got null$/);
  });

  it('a version that is not an image tag names the field and shows the value', () => {
    for (const version of ['', 'v1 2', '-v1', '.v1', 'v1/../x', 'a'.repeat(129), 'v1;rm -rf']) {
      expect(rejected(JSON.stringify({ version })), version).toMatch(/^field "version": expected an image tag: .* got "/);
    }
  });

  it('an unknown field is named (a typo is not silently ignored)', () => {
    const message = rejected('{"versoin": "v1.4.3"}');
    expect(message).toContain('unknown field(s) "versoin"');
    expect(message).toContain('field "version" is missing');
    expect(rejected('{"version": "v1", "force": true}')).toMatch(/^body: unknown field\(s\) "force"/);
  });

  it('a body that is empty, not JSON or not an object says so', () => {
    expect(rejected('')).toMatch(/^body: expected a JSON object like \{"version": "v1\.4\.3"\}, got an empty body$/);
    expect(rejected('version=v1')).toMatch(/^body: not valid JSON \(/);
    expect(rejected('["v1"]')).toMatch(/^body: expected a JSON object .* got \["v1"\]$/);
    expect(rejected('"v1"')).toMatch(/^body: expected a JSON object .* got "v1"$/);
  });
});
