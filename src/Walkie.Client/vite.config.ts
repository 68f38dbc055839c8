import type { Plugin, ResolvedConfig } from 'vite';
import { defineConfig } from 'vitest/config';

// No node: imports here: the client has no Node types, so the plugin uses the bundler's file access and Web Crypto.

interface Directories {
  readdir(path: string, options: { withFileTypes: true }): Promise<{ name: string; isFile(): boolean; isDirectory(): boolean }[]>;
}

/** Every file under `dir`, as a path relative to it with forward slashes. */
async function filesUnder(fs: Directories, dir: string, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await fs.readdir(`${dir}/${prefix}`, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      names.push(...(await filesUnder(fs, dir, `${prefix}${entry.name}/`)));
    } else if (entry.isFile()) {
      names.push(`${prefix}${entry.name}`);
    }
  }
  return names;
}

/**
 * Builds src/pwa/sw.ts to an unhashed /sw.js (browsers look for it under one name) and puts in front of it the app
 * shell to precache, every built and public file, and a version made from their contents, so any change to the app
 * installs a new worker and a new cache.
 */
function serviceWorker(entry: string): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'walkie-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(resolved) {
      config = resolved;
    },
    buildStart() {
      this.emitFile({ type: 'chunk', id: entry, fileName: 'sw.js' });
    },
    async generateBundle(_options, bundle) {
      const worker = bundle['sw.js'];
      // A worker is a classic script here (module workers are too new in Firefox): it may import nothing.
      if (worker?.type !== 'chunk' || worker.imports.length > 0 || worker.dynamicImports.length > 0) {
        this.error('sw.js must be one self-contained script: it shares a module with the app');
      }
      const files = new Map<string, string | Uint8Array>();
      for (const [name, output] of Object.entries(bundle)) {
        if (name !== 'sw.js' && !name.endsWith('.map')) {
          files.set(name, output.type === 'chunk' ? output.code : output.source);
        }
      }
      for (const name of config.publicDir ? await filesUnder(this.fs, config.publicDir) : []) {
        files.set(name, await this.fs.readFile(`${config.publicDir}/${name}`));
      }
      const names = [...files.keys()].sort();
      const encoder = new TextEncoder();
      const parts = names.flatMap((name) => {
        const content = files.get(name)!;
        return [encoder.encode(`${name}\0${content.length}\0`), typeof content === 'string' ? encoder.encode(content) : content];
      });
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      const version = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
      const shell = ['/', ...names.map((name) => `/${name}`)];
      worker.code = `const WALKIE_VERSION = ${JSON.stringify(version)};\nconst WALKIE_SHELL = ${JSON.stringify(shell)};\n${worker.code}`;
    },
  };
}

// The server serves the build from its wwwroot; absolute asset paths keep /c/{channel} working.
export default defineConfig({
  base: '/',
  plugins: [serviceWorker('src/pwa/sw.ts')],
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
