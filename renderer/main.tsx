// Renderer entry: loads the theme (styles.css, light and dark by prefers-color-scheme), takes browser mode's
// token out of the address bar, and mounts the app into #root.
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './api/client.js';
import { App } from './app.js';
import './styles.css';

adoptTokenFromUrl();
const root = document.getElementById('root');
if (root !== null) createRoot(root).render(<App />);
