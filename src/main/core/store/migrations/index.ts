import type { Database } from 'better-sqlite3'
import * as m0001 from './0001-initial'
import * as m0002 from './0002-corrections'
import * as m0003 from './0003-pools'
import * as m0004 from './0004-reading-state'
import * as m0005 from './0005-pages'
import * as m0006 from './0006-pool-words'
import * as m0007 from './0007-reading-frames'
import * as m0008 from './0008-batch-opening'
import * as m0009 from './0009-batch-decisions'
import * as m0010 from './0010-pool-gate'
import * as m0011 from './0011-page-or-line'
import * as m0012 from './0012-not-text'
import * as m0013 from './0013-batch-scripts'
import * as m0014 from './0014-line-evidence'
import * as m0015 from './0015-pool-classes'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

// Append only: a shipped migration is never edited, a change is a new file.
export const migrations: Migration[] = [
  { version: 1, name: 'initial', up: m0001.up },
  { version: 2, name: 'corrections', up: m0002.up },
  { version: 3, name: 'pools', up: m0003.up },
  { version: 4, name: 'reading-state', up: m0004.up },
  { version: 5, name: 'pages', up: m0005.up },
  { version: 6, name: 'pool-words', up: m0006.up },
  { version: 7, name: 'reading-frames', up: m0007.up },
  { version: 8, name: 'batch-opening', up: m0008.up },
  { version: 9, name: 'batch-decisions', up: m0009.up },
  { version: 10, name: 'pool-gate', up: m0010.up },
  { version: 11, name: 'page-or-line', up: m0011.up },
  { version: 12, name: 'not-text', up: m0012.up },
  { version: 13, name: 'batch-scripts', up: m0013.up },
  { version: 14, name: 'line-evidence', up: m0014.up },
  { version: 15, name: 'pool-classes', up: m0015.up },
]

export const schemaVersion = migrations[migrations.length - 1].version
