import * as z from 'zod/mini';

/** Contact channels the product routes, as Amazon Connect names them (Channel in the API model). */
export const Channel = z.enum(['VOICE', 'CHAT', 'TASK', 'EMAIL']);
export type Channel = z.infer<typeof Channel>;
