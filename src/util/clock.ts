/** Time source; tests pass a controllable clock through `createContext` overrides. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
