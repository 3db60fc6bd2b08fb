import { defineConfig } from "vite";

// Deterministic output (no content hashes, no timestamps) so CI can rebuild and diff the committed assets.
export default defineConfig({
  base: "/console/",
  build: {
    outDir: "../Web/wwwroot/console",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        entryFileNames: "assets/app.js",
        chunkFileNames: "assets/[name].js",
        assetFileNames: "assets/[name][extname]",
      },
    },
  },
});
