import { parseIsoDateTime } from '#vitals';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Every date-time the API accepts (bodies and query ranges) goes through the same check as a device's
 * `recordedAt`: ISO 8601, extended format, with an offset, a real calendar date. class-validator's
 * IsDateString also takes forms (`20260101T000000Z`) that PostgreSQL refuses, which became 500s.
 */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateTime',
      validator: {
        validate: (value: unknown) => parseIsoDateTime(value) !== null,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 date-time with an offset, e.g. 2026-01-01T08:30:00Z`,
      },
    },
    options,
  );
}
