/**
 * The Bus carries committed channel events between nodes (and, on one node, from the writer to the
 * delivery hub). It is lossy by contract: delivery is at-most-once and order is kept per topic, but a
 * message may be dropped. The channel event log in the database is the source of truth (DESIGN rule
 * 1); the hub fills any gap it sees from there.
 */
export type Unsubscribe = () => Promise<void>

export interface Bus extends AsyncDisposable {
  /** Sends `message` to every subscriber of `topic` on every node, this one included. */
  publish(topic: string, message: string): Promise<void>
  subscribe(topic: string, onMessage: (message: string) => void): Promise<Unsubscribe>
  close(): Promise<void>
}
