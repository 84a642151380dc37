/** A record as the writer committed it: what the sealer needs to seal it without reading it back. */
export type CommittedRecord = { tenantId: string; id: string; mac: string | null; leaf: Buffer };
type Listener = (rows: readonly CommittedRecord[]) => void;

const listeners = new Set<Listener>();

/**
 * The record writer reports each committed batch here, with each record's Merkle leaf, so the
 * request sealer can seal early under load without the request path reading the database, and
 * seal without reading every record's content back (on the embedded database, which runs in
 * Keel's own thread, that read cost more than the rest of sealing together: measured). Nothing is
 * computed or kept when no sealer listens.
 */
export function sealerListening(): boolean {
  return listeners.size > 0;
}

/** Called by the record writer after a batch commits. */
export function reportCommittedRecords(rows: readonly CommittedRecord[]): void {
  for (const listener of listeners) listener(rows);
}

/** Subscribes the process's sealer (and the usage rollups, which only count them); returns the unsubscribe. */
export function watchCommittedRecords(fn: Listener): () => void {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}
