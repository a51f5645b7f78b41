// A full disk, portably: SQLite's max_page_count caps the library at the pages it has, and a table of filler
// takes its free pages, so a write that needs one more page is refused with SQLITE_FULL, as on a disk with
// no room left. The cap holds for this connection only: the next start (or roomAgain) has room again.
import type { Db } from '../../src/main/core/store/db'

export function fillLibrary(library: Db): void {
  library.exec('CREATE TABLE IF NOT EXISTS filler (x BLOB)')
  library.pragma(`max_page_count = ${library.pragma('page_count', { simple: true }) as number}`)
  const insert = library.prepare('INSERT INTO filler VALUES (zeroblob(3000))')
  for (;;) {
    try {
      insert.run()
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err
      return
    }
  }
}

export function roomAgain(library: Db): void {
  library.pragma('max_page_count = 1073741823')
}
