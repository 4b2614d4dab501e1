#!/usr/bin/env node
// Why: the executable entry of `budget-sim`: run the command line and turn errors into a message
// on stderr and an exit code (2 invalid input, 1 other failure).
import { BudgetSimError } from '../engine/errors.js'
import { exitCodeFor, main } from './main.js'

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    if (e instanceof BudgetSimError) process.stderr.write(`budget-sim: ${e.describe()}\n`)
    else process.stderr.write(`budget-sim: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`)
    process.exitCode = exitCodeFor(e)
  },
)
