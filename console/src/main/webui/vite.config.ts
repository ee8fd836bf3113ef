import { defineConfig } from 'vite';

// The Maven build passes --outDir (the jar's META-INF/resources); `npm run dev` proxies the console's API to a
// running console (deploy/local/stack.sh up) so the app can be worked on with hot reload.
export default defineConfig({
  base: '/',
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/console': 'http://127.0.0.1:8086' } },
});
