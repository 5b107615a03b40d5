// The training-data directory: one JSON line per deployment in samples.jsonl.
//
// Idempotent by deployment_id: a re-delivered webhook adds nothing. Safe with many
// concurrent writers in separate processes: the check-and-append runs under an
// exclusive lock file (O_EXCL create), and each line goes out in one write() on an
// O_APPEND descriptor, so lines are never torn or interleaved. An index of
// recorded ids (one empty marker file per id) keeps the check O(1).
//
// The file calls are synchronous: record-sample is one short process, and
// node:fs/promises would cost its start-up ~1 ms (it loads readline and the streams).
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingSample } from './sample.js';

export const SAMPLES_FILE = 'samples.jsonl';
const LOCK_FILE = '.samples.lock';
const INDEX_DIR = '.recorded';
/** A lock older than this was left by a crashed writer and may be broken. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

export type RecordOutcome = { status: 'recorded'; file: string } | { status: 'duplicate'; file: string };

function markerName(deploymentId: string): string {
  return createHash('sha256').update(deploymentId).digest('hex').slice(0, 40);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_FILE);
  const started = Date.now();
  let delay = 2;
  for (;;) {
    try {
      // O_CREAT | O_EXCL: exactly one writer creates the lock
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = lockAge(lock);
      if (age > STALE_LOCK_MS) removeQuietly(lock);
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new Error(`training data: could not take the lock ${lock} within ${LOCK_WAIT_MS} ms; if no writer is running, delete it`);
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(50, delay * 2);
    }
  }
  try {
    return await fn();
  } finally {
    removeQuietly(lock);
  }
}

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0; // gone meanwhile: try again at once
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone: another writer broke the stale lock first
  }
}

export async function recordSample(dir: string, sample: TrainingSample): Promise<RecordOutcome> {
  const file = join(dir, SAMPLES_FILE);
  mkdirSync(join(dir, INDEX_DIR), { recursive: true });
  const marker = join(dir, INDEX_DIR, markerName(sample.deployment_id));
  return withLock(dir, async () => {
    if (exists(marker)) return { status: 'duplicate', file };
    appendFileSync(file, `${JSON.stringify(sample)}\n`, { flag: 'a' });
    writeFileSync(marker, '');
    return { status: 'recorded', file };
  });
}

export interface CorruptLine {
  line: number;
  reason: string;
}

/** Every sample in the directory; a corrupt line is reported and skipped, never fatal. */
export async function readSamples(dir: string): Promise<{ samples: TrainingSample[]; corrupt: CorruptLine[] }> {
  let text: string;
  try {
    text = readFileSync(join(dir, SAMPLES_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { samples: [], corrupt: [] };
    throw err;
  }
  const samples: TrainingSample[] = [];
  const corrupt: CorruptLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as TrainingSample;
      if (typeof value?.deployment_id !== 'string' || !('reward' in value)) throw new Error('not a training sample');
      samples.push(value);
    } catch (err) {
      corrupt.push({ line: i + 1, reason: (err as Error).message });
    }
  });
  return { samples, corrupt };
}
