// esbuild bundles CSS imported from TSX into dist/webview/main.css; TypeScript only needs to know it exists.
declare module '*.css';
