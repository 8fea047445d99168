// The first module src/server.ts imports, so it runs before any module that needs Node 24 (ES
// modules evaluate in import order). It is plain JavaScript with no imports and no type
// annotations, so even an old Node can run it: the tests run it, renamed .mjs, on the system Node.
// The line has pino's shape (level 60 = fatal), like every other start-up failure.
const requiredMajor = 24;
const running = process.versions.node;

if (Number(running.split('.')[0]) < requiredMajor) {
  const message =
    `SpendSense needs Node ${requiredMajor} or newer; this is Node ${running}. ` +
    `Run it with npm start (npm scripts use the Node ${requiredMajor} pinned in devDependencies) or install Node ${requiredMajor}.`;
  process.stdout.write(`${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, node: running, msg: message })}\n`);
  process.exit(1);
}

export {};
