// Preloaded (`node --import`) into a child of scripts/start.mjs that has no shutdown of its own tied to its parent:
// the example app's Vite server. When start.mjs's IPC channel closes (it died, even by SIGKILL), this process ends
// too, instead of living on as an orphan that holds its port. The services do the same in @tessera/server's serve().
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.exit(0));
}
