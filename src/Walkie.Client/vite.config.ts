import { defineConfig } from 'vitest/config';

// The server serves the build from its wwwroot; absolute asset paths keep /c/{channel} working.
export default defineConfig({
  base: '/',
  build: {
    outDir: '../Walkie.Server/wwwroot',
    emptyOutDir: true,
    target: 'es2022',
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
