/** What a new user sees before any deployment was judged. */
export function EmptyState({ filtered }: { filtered: boolean }) {
  if (filtered) {
    return (
      <section className="empty" aria-label="No matching deployments">
        <h2>No deployment matches these filters</h2>
        <p>Widen the time range or clear the filters.</p>
      </section>
    );
  }
  return (
    <section className="empty" aria-label="No deployments yet">
      <h2>No deployment judged yet</h2>
      <p>
        The watchdog has not run in Kestra namespace <code>ai.devops.commander</code> yet. Trigger a first deployment from
        the repository:
      </p>
      <pre>
        <code>npm run --silent trigger -- --scenario memory-leak-payment --wait</code>
      </pre>
      <p>It appears here within a few seconds.</p>
    </section>
  );
}
