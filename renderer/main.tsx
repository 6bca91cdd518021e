// Renderer entry: loads the theme (styles.css, light and dark by prefers-color-scheme) and mounts the app into #root.
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('root');
if (root !== null) createRoot(root).render(<App />);
