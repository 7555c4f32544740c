import type { components } from '@llm-meter/openmeter-client/v3';

/** A v3 customer as openmeter-local stores and answers it. */
export type Customer = components['schemas']['BillingCustomer'];
/** The fields of a customer a create or upsert sets. */
export type CustomerInput = Omit<
  Customer,
  'id' | 'created_at' | 'updated_at' | 'deleted_at' | 'key'
> & {
  key?: string;
};
