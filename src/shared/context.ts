import type DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import type { Clock } from "./clock";

type LoaderFactory<K, V> = (ctx: Context) => DataLoader<K, V>;

/**
 * Per-request DataLoaders, created on first use. Keyed by the factory function itself, so each
 * module owns its loaders and nothing registers by import side effect or by string name.
 */
export class Loaders {
  private readonly made = new Map<LoaderFactory<unknown, unknown>, DataLoader<unknown, unknown>>();
  constructor(private readonly ctx: () => Context) {}

  get<K, V>(factory: LoaderFactory<K, V>): DataLoader<K, V> {
    let l = this.made.get(factory as LoaderFactory<unknown, unknown>);
    if (!l) {
      l = factory(this.ctx()) as DataLoader<unknown, unknown>;
      this.made.set(factory as LoaderFactory<unknown, unknown>, l);
    }
    return l as DataLoader<K, V>;
  }
}

/** What every resolver receives. Built fresh for each request. */
export interface Context {
  ds: DataSource;
  clock: Clock;
  timeZone: string;
  requestId: string;
  loaders: Loaders;
}

export function createContext(base: Omit<Context, "loaders">): Context {
  const ctx: Context = { ...base, loaders: undefined as unknown as Loaders };
  ctx.loaders = new Loaders(() => ctx);
  return ctx;
}
