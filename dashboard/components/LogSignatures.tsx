import type { DecisionFile } from '../lib/kestra-schema';

/** Log signatures: the ones new in the canary first. Text is untrusted; React escapes it. */
export function LogSignatures({ analysis }: { analysis: DecisionFile['log_analysis'] }) {
  const { signatures } = analysis;
  const fresh = signatures.filter((s) => s.is_new).length;
  return (
    <>
      <p>
        {analysis.baseline_lines} baseline and {analysis.canary_lines} canary log lines; {fresh} signature{fresh === 1 ? '' : 's'} new in
        the canary.
        {analysis.signatures_dropped > 0 ? ` ${analysis.signatures_dropped} more signatures not kept.` : ''}
      </p>
      {signatures.length === 0 ? null : (
        <table className="signatures">
          <caption className="visually-hidden">Log signatures</caption>
          <thead>
            <tr>
              <th scope="col">Signature</th>
              <th scope="col">Level</th>
              <th scope="col">Baseline</th>
              <th scope="col">Canary</th>
              <th scope="col">New</th>
            </tr>
          </thead>
          <tbody>
            {signatures.map((s, i) => (
              <tr key={`${i}-${s.signature}`} className={s.is_new ? 'new-signature' : undefined}>
                <td>
                  <code>{s.signature}</code>
                  {s.example ? <div className="muted example">e.g. {s.example}</div> : null}
                </td>
                <td>{s.level}</td>
                <td>{s.baseline_count}</td>
                <td>{s.canary_count}</td>
                <td>{s.is_new ? <strong>new</strong> : 'seen before'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
