// Starts the in-context worker from TypeScript sources (CLI, tests, browser shell under tsx): registers
// tsx's loader in this thread, then imports the worker. The Electron build runs the bundled worker.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
