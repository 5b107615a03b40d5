// Reading the model's answer. Models wrap JSON in fences or prose, so the
// first JSON object is extracted first; then the shape is validated with zod.
// Every rejection names what was wrong, with a JSON path.
import * as z from 'zod/mini';
import type { Decision } from '../judge/types.js';
import { jsonPath } from '../scenario/load.js';

/** Longest summary / reasoning kept; longer text is cut with an ellipsis. */
export const MAX_ANSWER_TEXT_CHARS = 2000;
/** Longest suspected cause kept. */
export const MAX_CAUSE_CHARS = 500;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const missingOr =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `missing; ${expected}` : expected;

const boundedText = (max: number) =>
  z.pipe(
    z
      .string({ error: missingOr('expected a non-empty string') })
      .check(z.trim(), z.minLength(1, 'expected a non-empty string')),
    z.transform((text: string) => truncate(text, max)),
  );

export const LlmAnswerSchema = z.object({
  decision: z.pipe(
    z.pipe(
      z.string({ error: missingOr('expected ROLLBACK or CONTINUE') }),
      z.transform((text: string) => text.trim().toUpperCase()),
    ),
    z.enum(['ROLLBACK', 'CONTINUE'], { error: 'expected ROLLBACK or CONTINUE' }),
  ),
  confidence: z
    .number({ error: missingOr('expected a number in [0, 1]') })
    .check(z.gte(0, 'expected a number in [0, 1]'), z.lte(1, 'expected a number in [0, 1]')),
  summary: boundedText(MAX_ANSWER_TEXT_CHARS),
  reasoning: boundedText(MAX_ANSWER_TEXT_CHARS),
  suspected_cause: z.pipe(
    z.optional(z.nullable(z.string({ error: 'expected a string or null' }))),
    z.transform((cause: string | null | undefined) => {
      const trimmed = cause?.trim();
      return trimmed ? truncate(trimmed, MAX_CAUSE_CHARS) : null;
    }),
  ),
});

export interface LlmAnswer {
  decision: Decision;
  confidence: number;
  summary: string;
  reasoning: string;
  suspected_cause: string | null;
}

export type ParsedAnswer = { ok: true; answer: LlmAnswer } | { ok: false; reason: string };

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The end index (exclusive) of the balanced `{...}` starting at `start`, or -1. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The JSON value in a model's answer: the whole text, else the content of the
 * first ``` fence, else the first balanced `{...}` that parses.
 */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  const whole = tryParse(trimmed);
  if (whole.ok) return whole;

  const fence = /```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/.exec(trimmed);
  if (fence?.[1] !== undefined) {
    const fenced = tryParse(fence[1].trim());
    if (fenced.ok) return fenced;
  }

  // bounded: at most 20 candidate starts
  let from = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const start = trimmed.indexOf('{', from);
    if (start < 0) break;
    const end = balancedEnd(trimmed, start);
    if (end < 0) break;
    const candidate = tryParse(trimmed.slice(start, end));
    if (candidate.ok) return candidate;
    from = start + 1;
  }
  return { ok: false };
}

export function parseLlmAnswer(text: string): ParsedAnswer {
  if (text.trim() === '') return { ok: false, reason: 'answer is empty' };
  const extracted = extractJson(text);
  if (!extracted.ok) return { ok: false, reason: 'answer is not JSON' };
  const value = extracted.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: '$: expected a JSON object' };
  }
  const result = LlmAnswerSchema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`).join('; ');
    return { ok: false, reason };
  }
  return { ok: true, answer: result.data };
}
