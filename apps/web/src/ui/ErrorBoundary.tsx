import { Component, type ErrorInfo, type ReactNode } from 'react';
import { NotFoundPage } from './NotFoundPage';

/**
 * The last line: a render error or a chunk that failed to load (the app was
 * redeployed under an open tab) shows a way forward instead of a blank page.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Tandem crashed while rendering', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <NotFoundPage
        title="Something went wrong"
        action={
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        }
      >
        The page hit an unexpected error. Reloading usually fixes it; everything saved in your room
        is kept.
      </NotFoundPage>
    );
  }
}
