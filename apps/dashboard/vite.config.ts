import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @xat/dashboard` serves on :5173 and proxies the API to a server started with `npm start` (:8000).
const api = process.env.XAT_API_URL ?? 'http://localhost:8000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { port: 5173, proxy: { '/api': api, '/install.sh': api, '/health': api } },
});
