/**
 * Which subject created each stored object served through the proxy, so that with the proxy's
 * own upstream key a caller can read, change or delete only its own objects. Objects are named
 * by their collection (`responses`, `files`, `google.cachedContents`) and id.
 */
export interface ObjectOwners {
  /** Records that `subject` created the object. Failures go to the store's `onError`. */
  record(input: { collection: string; id: string; subject: string }): void;
  /** The subject that created the object, or undefined when the proxy never served it. */
  ownerOf(input: { collection: string; id: string }): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The key of one object in every store. */
export function ownerKey({ collection, id }: { collection: string; id: string }): string {
  return `${collection}:${id}`;
}

/** Owners in this process's memory only: for tests and a proxy that is never restarted. */
export function createMemoryObjectOwners(): ObjectOwners {
  const owners = new Map<string, string>();
  return {
    record(input) {
      owners.set(ownerKey(input), input.subject);
    },
    async ownerOf(input) {
      return owners.get(ownerKey(input));
    },
    async close() {},
  };
}
