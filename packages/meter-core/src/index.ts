// Token counting and tokenizer (src/tokenizer/, src/count/).

// Usage events, meter definitions and stream meters (src/events/, src/stream/, src/meters/).

export {};
