// Where a part of a view comes from a lazily loaded chunk (the chart's recharts), its load failure is caught there:
// the part falls back to what stands in for it, the view goes on, and the owner is told (to say so).
import { Component, type ReactNode } from 'react';

/** Props of ChunkBoundary. */
export interface ChunkBoundaryProps {
  /** What is shown instead once the chunk failed. */
  fallback: ReactNode;
  onError: (error: Error) => void;
  children: ReactNode;
}

/** Its children, or the fallback once they threw (a ChunkLoadError, or any error of the chunk's code). */
export class ChunkBoundary extends Component<ChunkBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error): void {
    this.props.onError(error);
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
