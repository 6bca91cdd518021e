// Module types Vite provides at build time: a side-effect CSS import (main.tsx loads styles.css).
declare module '*.css';
