// Reliability of stated confidence: decisions binned by the confidence they
// came with, against how often they were right. A calibrated judge is right
// about 80% of the time when it says 0.8. Pure: cases in, table out.
import type { EvaluatedCase } from './summary.js';

export interface ReliabilityBin {
  /** the bin, as [lo, hi) (the last bin includes 1) */
  confidence: string;
  cases: number;
  /** mean stated confidence in the bin (null when empty) */
  mean_confidence: number | null;
  /** share of decisions in the bin that matched `expected` (null when empty) */
  accuracy: number | null;
}

export interface ReliabilityTable {
  cases: number;
  bins: ReliabilityBin[];
  /** expected calibration error: Σ (cases in bin / cases) · |accuracy − mean confidence| */
  ece: number;
}

/** Bin edges: a wide low bin, then tenths, where a judge's confidence mostly falls. */
export const DEFAULT_EDGES = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

const round = (x: number) => Math.round(x * 1000) / 1000;

export function reliabilityTable(cases: readonly EvaluatedCase[], edges: readonly number[] = DEFAULT_EDGES): ReliabilityTable {
  const labelled = cases.filter((c) => c.expected);
  let ece = 0;
  const bins = edges.slice(0, -1).map((lo, i) => {
    const hi = edges[i + 1]!;
    const last = i === edges.length - 2;
    const inBin = labelled.filter((c) => c.confidence >= lo && (c.confidence < hi || (last && c.confidence <= hi)));
    if (inBin.length === 0) return { confidence: `[${lo}, ${hi}${last ? ']' : ')'}`, cases: 0, mean_confidence: null, accuracy: null };
    const meanConfidence = inBin.reduce((s, c) => s + c.confidence, 0) / inBin.length;
    const accuracy = inBin.filter((c) => c.decision === c.expected).length / inBin.length;
    ece += (inBin.length / labelled.length) * Math.abs(accuracy - meanConfidence);
    return { confidence: `[${lo}, ${hi}${last ? ']' : ')'}`, cases: inBin.length, mean_confidence: round(meanConfidence), accuracy: round(accuracy) };
  });
  return { cases: labelled.length, bins, ece: round(ece) };
}

/** The table as aligned text for a terminal. */
export function formatReliability(name: string, table: ReliabilityTable): string {
  const rows = table.bins.map(
    (b) =>
      `  ${b.confidence.padEnd(12)} ${String(b.cases).padStart(5)}   ${(b.mean_confidence?.toFixed(3) ?? '-').padStart(9)}   ${(b.accuracy?.toFixed(3) ?? '-').padStart(8)}`,
  );
  return [`${name}: ${table.cases} labelled decisions, expected calibration error ${table.ece.toFixed(3)}`, '  confidence   cases   mean conf   accuracy', ...rows].join('\n');
}
