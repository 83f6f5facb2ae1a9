#!/usr/bin/env node
// The simulator on its own: `producer-simulator --port 4173 --variant flow-2026`. See `src/main.ts`.
import "../dist/main.js";
