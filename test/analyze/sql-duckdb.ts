/**
 * Runs `analyze --sql athena`'s queries in DuckDB over contact records laid out in the data
 * lake's columns (analyze/sql/lake.ts). The translation from Athena's Trino is this fixed list of
 * function renames and nothing else: the SQL is written in what the two engines share.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { SqlRow } from '../../analyze/sql/assemble';
import { LAKE } from '../../analyze/sql/columns';
import { DUCKDB_TYPES, type LakeRow, duckDbColumns } from '../../analyze/sql/lake';
import type { SqlQuery } from '../../analyze/sql/queries';

/** Trino name → DuckDB name, for functions both have under different names (measured on DuckDB 1.5.6). */
export const TRINO_TO_DUCKDB: Readonly<Record<string, string>> = {
  to_unixtime: 'epoch',
  from_unixtime: 'to_timestamp',
  day_of_week: 'isodow',
  element_at: 'map_extract_value',
  sequence: 'generate_series',
};

export function toDuckDb(sql: string): string {
  let out = sql;
  for (const [trino, duck] of Object.entries(TRINO_TO_DUCKDB))
    out = out.replace(new RegExp(`\\b${trino}\\s*\\(`, 'g'), `${duck}(`);
  return out;
}

export interface Lake {
  connection: DuckDBConnection;
  run(query: SqlQuery): Promise<SqlRow[]>;
  close(): void;
}

/** Athena gives every value as a string or null: so does this. */
function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** A DuckDB database holding `rows` as database.table (the session clock on UTC, as Athena's). */
export async function lakeDatabase(
  rows: LakeRow[],
  database = 'lake',
  table = 'contact_record',
): Promise<Lake> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const dir = mkdtempSync(join(tmpdir(), 'lake-'));
  const file = join(dir, 'rows.ndjson');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const columns = Object.values(LAKE)
    .map((c) => `'${c.name}': '${DUCKDB_TYPES[c.type]}'`)
    .join(', ');
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(`CREATE SCHEMA "${database}"`);
  await connection.run(`CREATE TABLE "${database}"."${table}" (${duckDbColumns()})`);
  await connection.run(
    `INSERT INTO "${database}"."${table}" SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`,
  );
  rmSync(dir, { recursive: true, force: true });
  return {
    connection,
    async run(query) {
      const result = await connection.runAndReadAll(toDuckDb(query.sql));
      return result
        .getRowObjectsJson()
        .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asText(v)])));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
