/** Types for dynalite 4 (https://github.com/architect/dynalite), which ships none. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long tables stay CREATING / DELETING / UPDATING (default 500 ms each). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** Largest item (default 400 KB, as DynamoDB). */
    maxItemSizeKb?: number;
    /** LevelDB directory; absent: in memory (memory-level). */
    path?: string;
    verbose?: boolean;
    debug?: boolean;
    ssl?: boolean;
  }

  /** An HTTP server speaking DynamoDB's JSON 1.0 protocol; its close() also closes the store. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
