import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Creates a ULID (48-bit time, 80 random bits, Crockford base 32), the ID format OpenMeter
 * uses for meters, for the moment `time` (the server's clock).
 */
export function createUlid({ time: moment }: { time: Date }): string {
  let time = '';
  let remaining = moment.getTime();
  for (let index = 0; index < 10; index++) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let index = 0; index < 16; index++) random += CROCKFORD[(bytes[index] as number) % 32];
  return time + random;
}
