// Catches a rendering error in one view and shows it in place, so a bug never leaves a blank window.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ChunkLoadError } from '../chunks/chunk-load-error.js';

interface State {
  error: Error | null;
}

/** Shows the error (and a way back) instead of its children when they throw while rendering. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('memscope view crashed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    if (this.state.error instanceof ChunkLoadError) {
      // Not a bug, and "try again" would meet the same failed import: the browser keeps it until the page reloads.
      return (
        <div className="page">
          <div className="banner error" role="alert" data-testid="chunk-load-failed">
            <div className="banner-text">
              <strong>{this.state.error.message}</strong>
              <div>
                The memscope host may have been upgraded or stopped. <a href="#/">Back to the process table</a> or{' '}
                <button type="button" className="link" onClick={() => location.reload()}>
                  reload
                </button>
                .
              </div>
            </div>
          </div>
        </div>
      );
    }
    return (
      <div className="page">
        <div className="banner error" role="alert" data-testid="view-crashed">
          <div className="banner-text">
            <strong>This view failed: {this.state.error.message}</strong>
            <div>
              This is a memscope bug. <a href="#/">Back to the process table</a> or{' '}
              <button type="button" className="link" onClick={() => this.setState({ error: null })}>
                try again
              </button>
              .
            </div>
          </div>
        </div>
      </div>
    );
  }
}
