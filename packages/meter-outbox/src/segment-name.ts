/** The file names of journal segments: `segment-` and a 12-digit number, e.g. `segment-000000000001.log`. */
export const segmentPattern = /^segment-(\d{12})\.log$/;

/**
 * Segments being pre-written, one name per opened journal; renamed to the next segment's name
 * when needed.
 */
export const preparedPattern = /^segment-next-[0-9a-f]+\.prepared$/;

/**
 * The file name of segment number `segment`.
 */
export const segmentName = (segment: number) => `segment-${String(segment).padStart(12, '0')}.log`;
