import { defineConfig } from "vite";

// Served by the homeserver at /live/ (Host/Hosting/LiveClientHosting.cs) under a strict CSP: no inline script or
// style, everything from the page's own origin.
export default defineConfig({
  base: "/live/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
});
