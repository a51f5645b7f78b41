// Starts an engine worker from TypeScript sources (CLI, tests, browser shell under tsx): registers
// tsx's loader in this thread, then imports the worker. The Electron build runs the bundled workers.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
