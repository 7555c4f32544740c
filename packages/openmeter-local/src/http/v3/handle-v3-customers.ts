import { CustomerConflictError } from '../../customers/customer-store.js';
import type { CustomerInput } from '../../customers/customer-types.js';
import { HttpProblem } from '../http-problem.js';
import { readJsonObject } from '../read-json-object.js';
import type { Reply, RouteContext } from '../reply.js';
import { readV3FilterEquals, readV3Page, replyV3Page } from './page-v3-list.js';
import { parseDeepObject } from './parse-deep-object.js';

const FIELDS = new Set([
  'name',
  'description',
  'labels',
  'key',
  'usage_attribution',
  'primary_email',
  'currency',
  'billing_address',
]);

/**
 * `GET /api/v3/openmeter/customers`: active customers by name, `filter[key]`, `filter[name]`,
 * `filter[primary_email]` and `filter[usage_attribution_subject_key]` (a string or `eq`), paged
 * by `page[number]` and `page[size]`.
 */
export function handleV3ListCustomers({ url, store }: RouteContext): Reply {
  const page = readV3Page({ url });
  const filter = parseDeepObject({ url, name: 'filter' });
  let customers = store.customers.list();
  for (const [name, value] of Object.entries(filter)) {
    const wanted = readV3FilterEquals({ name, value });
    if (name === 'usage_attribution_subject_key') {
      customers = customers.filter((customer) =>
        customer.usage_attribution?.subject_keys.includes(wanted),
      );
    } else if (name === 'key' || name === 'name' || name === 'primary_email') {
      customers = customers.filter((customer) => customer[name] === wanted);
    } else {
      throw new HttpProblem(
        400,
        `filter[${name}] is not supported by openmeter-local: use key, name, primary_email or usage_attribution_subject_key`,
      );
    }
  }
  return replyV3Page({ items: customers, page });
}

/** `POST /api/v3/openmeter/customers`: 201; 400 invalid; 409 key or a subject key taken. */
export async function handleV3CreateCustomer({ request, store }: RouteContext): Promise<Reply> {
  const input = readCustomer(await readJsonObject({ request, name: 'CreateCustomerRequest' }));
  if (typeof input.key !== 'string' || input.key.length === 0) {
    throw invalid('key', 'is a required field');
  }
  try {
    return { status: 201, body: store.customers.create({ ...input, key: input.key }) };
  } catch (error) {
    if (error instanceof CustomerConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
}

/** `GET /api/v3/openmeter/customers/{customerId}`. */
export function handleV3GetCustomer({ store, parameters }: RouteContext): Reply {
  const customer = store.customers.get(parameters.customerId as string);
  if (!customer) throw notFound(parameters.customerId as string);
  return { status: 200, body: customer };
}

/** `PUT /api/v3/openmeter/customers/{customerId}`: replaces its fields (not its key). */
export async function handleV3UpsertCustomer({
  request,
  store,
  parameters,
}: RouteContext): Promise<Reply> {
  const input = readCustomer(await readJsonObject({ request, name: 'UpsertCustomerRequest' }));
  if (input.key !== undefined) throw invalid('key', 'cannot be changed by an upsert');
  try {
    const customer = store.customers.upsert(parameters.customerId as string, input);
    if (!customer) throw notFound(parameters.customerId as string);
    return { status: 200, body: customer };
  } catch (error) {
    if (error instanceof CustomerConflictError)
      throw new HttpProblem(409, error.message, { cause: error });
    throw error;
  }
}

/** `DELETE /api/v3/openmeter/customers/{customerId}`: 204; its subjects are free again. */
export function handleV3DeleteCustomer({ store, parameters }: RouteContext): Reply {
  if (!store.customers.delete(parameters.customerId as string)) {
    throw notFound(parameters.customerId as string);
  }
  return { status: 204 };
}

function readCustomer(body: Record<string, unknown>): CustomerInput {
  for (const field of Object.keys(body)) {
    if (!FIELDS.has(field)) throw invalid(field, 'is not a field of a customer');
  }
  if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 256) {
    throw invalid('name', 'must be a string of 1 to 256 characters');
  }
  const attribution = body.usage_attribution;
  if (attribution !== undefined) {
    const keys = (attribution as { subject_keys?: unknown } | null)?.subject_keys;
    if (
      !Array.isArray(keys) ||
      !keys.every((key) => typeof key === 'string' && key.length > 0) ||
      Object.keys(attribution as object).length !== 1
    ) {
      throw invalid('usage_attribution.subject_keys', 'must be a list of non-empty subject keys');
    }
  }
  return body as unknown as CustomerInput;
}

function invalid(field: string, reason: string): HttpProblem {
  return new HttpProblem(400, `Invalid customer: ${field} ${reason}`, {
    extensions: { invalid_parameters: [{ field, reason, source: 'body' }] },
  });
}

function notFound(id: string): HttpProblem {
  return new HttpProblem(
    404,
    `Customer ${id} not found: list customers with GET /api/v3/openmeter/customers.`,
  );
}
