import { type TSchema, Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Uuid });

export const pageQueryProps = {
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};
export const PageQuery = Type.Object(pageQueryProps);

/** DRF's page shape. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: Nullable(Type.String()),
    previous: Nullable(Type.String()),
    results: Type.Array(item),
  });

export const ErrorBody = Type.Object(
  { detail: Type.String(), code: Type.Optional(Type.String()) },
  { additionalProperties: true, description: 'Error; validation errors are {field: [messages]} instead' },
);

export const MessageBody = Type.Object({ message: Type.String() });
