import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="empty">
      <h1>Not found</h1>
      <p>
        <Link href="/">Back to the deployments</Link>
      </p>
    </section>
  );
}
