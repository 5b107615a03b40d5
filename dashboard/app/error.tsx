'use client';
// The error boundary: a render error shows this instead of a blank page.
import { useEffect } from 'react';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="banner banner-bad_response">
      <h2>Something went wrong while showing this page</h2>
      <p>{error.digest ? `Error reference ${error.digest}.` : error.message}</p>
      <button type="button" onClick={() => reset()}>
        Try again
      </button>
    </div>
  );
}
