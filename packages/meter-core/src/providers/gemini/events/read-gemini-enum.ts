// Enum numbers as `$alt=json;enum-encoding=int` clients receive them, from Google's protos
// (google.ai.generativelanguage.v1beta Modality, google.cloud.aiplatform.v1 TrafficType).
const modalityNames = ['MODALITY_UNSPECIFIED', 'TEXT', 'IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT'];
const trafficTypeNames = ['TRAFFIC_TYPE_UNSPECIFIED', 'ON_DEMAND', 'PROVISIONED_THROUGHPUT'];

function readEnum(value: unknown, names: readonly string[]): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (typeof value === 'number') return names[value];
  return undefined;
}

/**
 * The name of a Gemini modality given as a name or a number (`1` is `TEXT`); undefined for a
 * number this version does not know, so a breakdown is left out rather than guessed.
 * @see https://ai.google.dev/api/generate-content#Modality
 */
export function readGeminiModality(value: unknown): string | undefined {
  return readEnum(value, modalityNames);
}

/**
 * Vertex AI's traffic type given as a name or a number (`1` is `ON_DEMAND`); undefined when
 * unspecified or a number this version does not know.
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/GenerateContentResponse#TrafficType
 */
export function readGeminiTrafficType(value: unknown): string | undefined {
  const name = readEnum(value, trafficTypeNames);
  return name === 'TRAFFIC_TYPE_UNSPECIFIED' ? undefined : name;
}
