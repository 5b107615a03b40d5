'use client';
// Re-renders the page's server components every `intervalMs` while the page is
// visible (one server render = one Kestra request for the list), and once at
// once when the page becomes visible again.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useTransition } from 'react';

export function Poller({ intervalMs }: { intervalMs: number }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const pendingRef = useRef(pending);
  pendingRef.current = pending;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (document.visibilityState === 'visible' && !pendingRef.current) startTransition(() => router.refresh());
    };
    const schedule = () => {
      timer = setTimeout(() => {
        refresh();
        schedule();
      }, intervalMs);
    };
    const onVisibility = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'visible') {
        refresh();
        schedule();
      }
    };
    schedule();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, router]);

  return (
    <span className="poller muted" aria-live="off">
      refreshing every {Math.round(intervalMs / 100) / 10} s while visible
    </span>
  );
}
