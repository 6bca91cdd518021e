// Renderer entry: loads the theme (styles.css, light and dark by prefers-color-scheme), takes browser mode's
// token out of the address bar, and mounts the app into #root. The app's own modules are a chunk imported apart:
// their evaluation is a task after React's, not one long task with it on a load without V8's code cache (issue 13).
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './api/client.js';
import './styles.css';

adoptTokenFromUrl();
const root = document.getElementById('root');
if (root !== null) {
  const reactRoot = createRoot(root);
  import('./app.js').then(
    ({ App }) => reactRoot.render(<App />),
    // The chunk could not be fetched (the host's memscope upgraded or gone): said in place of a blank page.
    (err: unknown) =>
      reactRoot.render(
        <div className="banner error" role="alert" data-testid="app-load-failed">
          Could not load the app&apos;s code ({err instanceof Error ? err.message : String(err)}): reload the page.
        </div>,
      ),
  );
}
