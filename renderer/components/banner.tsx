// Errors and notices shown in place of (or above) the data they concern: never a blank screen.
import type { ReactNode } from 'react';
import type { UiError } from '../ui-error.js';

/** Props of Banner. */
export interface BannerProps {
  tone: 'error' | 'warn' | 'info' | 'gone';
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
  onDismiss?: () => void;
}

/** A coloured strip with a title and an explanation. */
export function Banner({ tone, title, children, testId, onDismiss }: BannerProps) {
  return (
    <div className={`banner ${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <div className="banner-text">
        <strong>{title}</strong>
        {children === undefined ? null : <div>{children}</div>}
      </div>
      {onDismiss === undefined ? null : (
        <button type="button" className="link" onClick={onDismiss} aria-label="dismiss">
          ✕
        </button>
      )}
    </div>
  );
}

/** An API error as a banner: the code's meaning, then the host's message. */
export function ErrorBanner({ error, what, testId }: { error: UiError; what: string; testId?: string }) {
  const tone = error.code === 'gone' ? 'gone' : error.code === 'denied' || error.code === 'unauthorized' ? 'warn' : 'error';
  const title =
    error.code === 'denied' ? `Permission denied reading ${what}` : error.code === 'unauthorized' ? `Token refused reading ${what}` : error.code === 'gone' ? 'Process gone' : error.code === 'internal' ? `Reading ${what} failed` : `Cannot read ${what}`;
  return (
    <Banner tone={tone} title={title} testId={testId ?? `error-${error.code}`}>
      {error.hint} <span className="muted">({error.message})</span>
    </Banner>
  );
}

/** The notice for a mapping address a process does not have (it unmapped it, or the link is stale). */
export function NoSuchMappingBanner({ pid, start }: { pid: number; start: string }) {
  return (
    <Banner tone="warn" title={`pid ${pid} has no mapping starting at ${start}`}>
      Pick one from the <a href={`#/process/${pid}`}>mappings table</a>.
    </Banner>
  );
}
