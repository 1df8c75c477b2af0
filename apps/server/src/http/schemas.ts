import { z } from 'zod';

/** The REST error body of the OpenAPI description (see ErrorBody in @tandem/protocol). */
export const ErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
