import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './src/security/csp.ts';
import { fullPacks } from './tools/serve/fullPacks.ts';

// COOP/COEP make the page cross-origin isolated, so the WASM provider can use threads.
// The CSP limits connections to this origin and the configured model hosts: no pixel leaves the device.
const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': contentSecurityPolicy({ dev: false }),
};
const devHeaders = { ...headers, 'Content-Security-Policy': contentSecurityPolicy({ dev: true }) };

export default defineConfig({
  // fullPacks: with SAM3_FULL_DIR set, `vite preview` also serves the full-size packs under /full-packs/ (README).
  plugins: [react(), fullPacks()],
  server: { headers: devHeaders, host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { headers, host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
